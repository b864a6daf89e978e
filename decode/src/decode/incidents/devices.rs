//! Attributing what the layers above iSCSI print (offline devices, SCSI command failures,
//! I/O errors, multipath path changes) to the incident of the session behind them.

use super::state::{Engine, Key, Trouble, disk_base};
use crate::decode::clock::Instant;

/// Seconds within which a `rejecting I/O` line belongs to the session that just timed out.
const TIMEOUT_BIND_S: f64 = 10.0;
/// Seconds within which an unattributed I/O error belongs to the last active incident.
const IO_FALLBACK_S: f64 = 10.0;
/// SCSI hosts whose failures are remembered before a device of theirs goes offline.
const MAX_TROUBLE: usize = 4096;

impl Trouble {
    /// A device went offline and I/O failed: an incident.
    fn is_incident(&self) -> bool {
        !self.offline.is_empty() && self.io_errors + self.scsi_failures > 0
    }
}
use crate::decode::fact::Fact;
use crate::decode::patterns::Kind;

impl Engine {
    pub(super) fn learn_disk(&mut self, h: usize, ev: &Fact) {
        let f = ev;
        if let (Some(hc), Some(d)) = (f.hctl, f.disk()) {
            let st = &mut self.hosts[h];
            if !st.disk_host.contains_key(d) && st.disk_host.len() < 100_000 {
                st.disk_host.insert(d.to_string(), hc.host);
            }
        }
    }

    /// The session of a SCSI host, binding it to a session that just timed out if needed.
    pub(super) fn session_of_scsi_host(
        &mut self,
        h: usize,
        scsi_host: u32,
        now: Option<Instant>,
        bind: bool,
    ) -> Option<i64> {
        let st = &mut self.hosts[h];
        if let Some(&s) = st.host_sid.get(&scsi_host) {
            return Some(s);
        }
        let (sid, t) = st.last_timeout?;
        let recent = match (now, t) {
            (Some(n), Some(t)) => n
                .since(t)
                .is_some_and(|d| (0.0..=TIMEOUT_BIND_S).contains(&d)),
            _ => true,
        };
        if bind && recent && !st.host_sid.values().any(|&s| s == sid) {
            st.host_sid.insert(scsi_host, sid);
            return Some(sid);
        }
        None
    }

    pub(super) fn device(&mut self, h: usize, ev: &Fact) {
        let f = ev;
        let Some(hctl) = f.hctl else { return };
        let bind = ev.kind == Kind::RejectingIo;
        let sid = self.session_of_scsi_host(h, hctl.host, ev.instant(), bind);
        let offline = matches!(ev.kind, Kind::RejectingIo | Kind::DeviceOfflined)
            && f.devstate().is_none_or(|s| s == "offline");
        if offline {
            self.hosts[h].summary.offline_devices.insert(hctl);
        }
        let found = sid
            .and_then(|s| self.find(h, Key::Session(s)))
            .or_else(|| self.only_recent_session(h, ev.instant()))
            .or_else(|| self.hosts[h].devices.get(&hctl.host).copied());
        let i = match found {
            Some(i) => i,
            // A device of a SCSI host no session line claims: an incident once it goes
            // offline (a disk gone with its I/O, whatever the log shows before it), its
            // failures remembered until then.
            None if !self.hosts[h].host_sid.contains_key(&hctl.host) => {
                let Some(t) = self.trouble(h, hctl.host, ev) else {
                    return;
                };
                if offline {
                    t.offline.insert(hctl);
                }
                if matches!(ev.kind, Kind::ScsiResult | Kind::CommandTimeout) {
                    t.scsi_failures += 1;
                    if let Some(hb) = f.hostbyte() {
                        if t.hostbytes.len() < 8 {
                            t.hostbytes.insert(hb.to_string());
                        }
                    }
                }
                if !t.is_incident() {
                    return;
                }
                let i = self.open_device(h, hctl.host, ev);
                self.touch(i, ev);
                return;
            }
            None => return,
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            if offline {
                inc.offline_devices.insert(hctl);
            }
            if matches!(ev.kind, Kind::ScsiResult | Kind::CommandTimeout) {
                inc.scsi_failures += 1;
                if let Some(hb) = f.hostbyte() {
                    if inc.hostbytes.len() < 8 && !inc.hostbytes.contains(hb) {
                        inc.hostbytes.insert(hb.to_string());
                    }
                }
            }
        }
    }

    /// The remembered failures of SCSI host `n` (started at `ev` if new).
    fn trouble(&mut self, h: usize, n: u32, ev: &Fact) -> Option<&mut Trouble> {
        let st = &mut self.hosts[h];
        if !st.trouble.contains_key(&n) && st.trouble.len() >= MAX_TROUBLE {
            return None;
        }
        Some(st.trouble.entry(n).or_insert_with(|| Trouble {
            first_line: ev.line,
            first: ev.instant(),
            first_text: ev.time_text().map(str::to_string),
            ..Trouble::default()
        }))
    }

    /// Opens the incident of a device offline on SCSI host `n`, from its first failure.
    fn open_device(&mut self, h: usize, n: u32, ev: &Fact) -> usize {
        let i = self.open_incident(h, Key::Device(n), ev);
        let t = self.hosts[h].trouble.remove(&n);
        if let Some(t) = &t {
            let s = &mut self.hosts[h].summary;
            s.unattributed_io_errors = s.unattributed_io_errors.saturating_sub(t.io_errors);
        }
        if let (Some(t), Some(inc)) = (t, self.inc(i)) {
            inc.start = t.first.or(inc.start);
            inc.start_text = t.first_text.or(inc.start_text.take());
            inc.lines.0 = t.first_line;
            inc.scsi_failures += t.scsi_failures;
            inc.io_errors += t.io_errors;
            inc.hostbytes.extend(t.hostbytes);
            inc.disks.extend(t.disks);
            inc.offline_devices.extend(t.offline);
            inc.events += t.scsi_failures + t.io_errors;
        }
        i
    }

    /// The only open session incident of a host, if its last line is recent: where a device
    /// error belongs when no map names its session (dmesg-only logs).
    pub(super) fn only_recent_session(&self, h: usize, now: Option<Instant>) -> Option<usize> {
        let st = self.hosts.get(h)?;
        if st.sessions.len() != 1 {
            return None;
        }
        let &i = st.sessions.values().next()?;
        let last = self.slots.get(i)?.as_ref()?.last;
        match (now, last) {
            (Some(n), Some(l)) => n
                .since(l)
                .is_some_and(|d| (0.0..=60.0).contains(&d))
                .then_some(i),
            _ => Some(i),
        }
    }

    pub(super) fn incident_of_disk(
        &self,
        h: usize,
        disk: &str,
        now: Option<Instant>,
    ) -> Option<usize> {
        let st = self.hosts.get(h)?;
        if let Some(hc) = st.disk_host.get(disk_base(disk)).copied() {
            if let Some(s) = st.host_sid.get(&hc).copied() {
                return st.sessions.get(&s).copied();
            }
            if let Some(&i) = st.devices.get(&hc) {
                return Some(i);
            }
        }
        let (i, t) = st.last_io.or_else(|| {
            let (sid, t) = st.last_timeout?;
            Some((*st.sessions.get(&sid)?, t))
        })?;
        let recent = match (now, t) {
            (Some(n), Some(t)) => n
                .since(t)
                .is_some_and(|d| (0.0..=IO_FALLBACK_S).contains(&d)),
            _ => true,
        };
        recent.then_some(i)
    }

    pub(super) fn io_error(&mut self, h: usize, ev: &Fact) {
        let now = ev.instant();
        self.hosts[h].summary.io_errors += 1;
        let disk = ev.disk().unwrap_or("");
        match self.incident_of_disk(h, disk, now) {
            Some(i) => {
                self.touch(i, ev);
                if let Some(inc) = self.inc(i) {
                    inc.io_errors += 1;
                    let base = disk_base(disk);
                    if !base.is_empty() && inc.disks.len() < 16 && !inc.disks.contains(base) {
                        inc.disks.insert(base.to_string());
                    }
                }
                self.hosts[h].last_io = Some((i, now));
            }
            None => {
                self.hosts[h].summary.unattributed_io_errors += 1;
                let st = &self.hosts[h];
                let hc = st.disk_host.get(disk_base(disk)).copied();
                if let Some(hc) = hc.filter(|hc| !st.host_sid.contains_key(hc)) {
                    if let Some(t) = self.trouble(h, hc, ev) {
                        t.io_errors += 1;
                        let base = disk_base(disk);
                        if !base.is_empty() && t.disks.len() < 16 {
                            t.disks.insert(base.to_string());
                        }
                        if t.is_incident() {
                            let i = self.open_device(h, hc, ev);
                            self.touch(i, ev);
                            self.hosts[h].last_io = Some((i, now));
                        }
                    }
                }
            }
        }
    }

    pub(super) fn suppressed(&mut self, h: usize, ev: &Fact) {
        let n = ev.count.unwrap_or(0);
        let st = &mut self.hosts[h];
        st.summary.suppressed += n;
        let target = st.last_io.map(|(i, _)| i).or_else(|| {
            let (sid, _) = st.last_timeout?;
            st.sessions.get(&sid).copied()
        });
        if let Some(i) = target {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.suppressed += n;
            }
        }
    }

    pub(super) fn multipath(&mut self, h: usize, ev: &Fact, failing: bool) {
        let st = &mut self.hosts[h];
        if failing {
            st.summary.mp_failing += 1;
        } else {
            st.summary.mp_reinstated += 1;
        }
        let Some(disk) = ev.disk() else {
            return;
        };
        let Some(hc) = st.disk_host.get(disk).copied() else {
            return;
        };
        let Some(s) = st.host_sid.get(&hc).copied() else {
            return;
        };
        if let Some(i) = self.find(h, Key::Session(s)) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                let set = if failing {
                    &mut inc.mp_failed
                } else {
                    &mut inc.mp_reinstated
                };
                if set.len() < 16 && !set.contains(disk) {
                    set.insert(disk.to_string());
                }
            }
        }
    }
}
