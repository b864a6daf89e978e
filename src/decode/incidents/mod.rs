//! Incidents: events grouped per host and session into "what failed, why, what iscsid did
//! about it, how it ended".
//!
//! Kernel and iscsid lines carry the session id; the rest is attributed through maps the log
//! itself teaches: portal → session (`Connection1:0 to [... portal: ...] is operational
//! now`), SCSI host → session (the `scsi hostN: iSCSI Initiator` banner before it, or the
//! `rejecting I/O` right after a session's recovery timeout), disk → SCSI host
//! (`sd H:C:T:L: [sdX]`), and `major:minor` → disk. A line that cannot be attributed is
//! counted in its host's summary instead.

pub mod advice;
pub mod model;

pub use model::{Cause, CauseKind, HostSummary, Incident, Outcome};

use super::Event;
use super::clock::Instant;
use super::patterns::Kind;
use std::collections::HashMap;

/// Symptom classes within one failure cycle.
const PING: u8 = 1;
const CONN: u8 = 2;
const REPORTED: u8 = 4;

/// Seconds within which the lines of one failure (ping timeout, conn error, iscsid's report)
/// arrive; a symptom later than this starts a new failure cycle.
const CYCLE_S: f64 = 5.0;
/// Seconds after which a new symptom on a quiet incident starts a new incident.
const QUIET_GAP_S: f64 = 600.0;
/// Seconds within which a `rejecting I/O` line belongs to the session that just timed out.
const TIMEOUT_BIND_S: f64 = 10.0;
/// Seconds within which an unattributed I/O error belongs to the last active incident.
const IO_FALLBACK_S: f64 = 10.0;

/// Which incident a line belongs to, within one host.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Session(i64),
    Portal(String),
    Unknown,
}

#[derive(Debug, Default)]
struct HostState {
    summary: HostSummary,
    open: HashMap<Key, usize>,
    portal_sid: HashMap<String, i64>,
    host_sid: HashMap<u32, i64>,
    disk_host: HashMap<String, u32>,
    pending_banner: Option<u32>,
    last_timeout: Option<(i64, Option<Instant>)>,
    pending_iscsiadm: Option<(Key, u64)>,
    last_io: Option<(usize, Option<Instant>)>,
}

/// Builds incidents from events, line by line.
#[derive(Debug, Default)]
pub struct Engine {
    hosts: HashMap<String, HostState>,
    slots: Vec<Option<Incident>>,
    free: Vec<usize>,
    closed: Vec<Incident>,
    seq: u64,
    file: usize,
}

fn disk_base(d: &str) -> &str {
    if d.starts_with("sd") {
        d.trim_end_matches(|c: char| c.is_ascii_digit())
    } else {
        d
    }
}

fn portal_of(ev: &Event<'_>) -> Option<String> {
    let a = ev.fields.addr?;
    Some(match ev.fields.port {
        Some(p) if a.contains(':') => format!("[{a}]:{p}"),
        Some(p) => format!("{a}:{p}"),
        None => a.to_string(),
    })
}

impl Engine {
    /// An empty engine.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Sets the input index stamped on new incidents.
    pub fn set_file(&mut self, file: usize) {
        self.file = file;
    }

    /// Incidents closed since the last call.
    pub fn drain_closed(&mut self) -> std::vec::Drain<'_, Incident> {
        self.closed.drain(..)
    }

    /// Closes every open incident (the end of the log) and returns the host summaries,
    /// sorted by host name.
    pub fn finish(&mut self) -> Vec<HostSummary> {
        let mut open: Vec<(String, usize)> = Vec::new();
        for (h, st) in &self.hosts {
            open.extend(st.open.values().map(|&i| (h.clone(), i)));
        }
        open.sort_by_key(|&(_, i)| self.slots[i].as_ref().map_or(0, |x| x.seq));
        for (h, i) in open {
            self.close(&h, i);
        }
        let mut v: Vec<HostSummary> = self
            .hosts
            .drain()
            .map(|(_, mut st)| {
                st.summary.finish();
                st.summary
            })
            .collect();
        v.sort_by(|a, b| a.host.cmp(&b.host));
        v
    }

    /// Feeds one event.
    pub fn feed(&mut self, ev: &Event<'_>) {
        let host = ev.env.host.as_deref().unwrap_or("");
        if !self.hosts.contains_key(host) {
            let mut st = HostState::default();
            st.summary.host = ev.env.host.as_ref().map(|h| h.to_string());
            self.hosts.insert(host.to_string(), st);
        }
        let f = &ev.fields;
        if let Some(sid) = f.sid.filter(|&s| s >= 0) {
            if let Some(st) = self.hosts.get_mut(host) {
                st.summary.sessions.insert(sid);
            }
        }
        self.learn_disk(host, ev);
        match ev.pattern.kind {
            Kind::PingTimeout
            | Kind::ConnError
            | Kind::ConnErrorIgnored
            | Kind::KernelReported
            | Kind::NopOutTimeout => self.symptom(host, ev),
            Kind::RecoveryTimeout => self.recovery_timeout(host, ev),
            Kind::Recovered => self.recovered(host, ev),
            Kind::OperationalNow => self.operational(host, ev),
            Kind::ConnShutdown | Kind::LoggingOut | Kind::LogoutSucceeded => {
                self.shutdown(host, ev)
            }
            Kind::ConnectFailed
            | Kind::LoginRejected
            | Kind::LoginError
            | Kind::KernelCallFailed => self.failed_attempt(host, ev),
            Kind::GaveUp => self.gave_up(host, ev),
            Kind::HostAdded => {
                if let Some(st) = self.hosts.get_mut(host) {
                    st.pending_banner = f.scsi_host;
                }
            }
            Kind::RejectingIo | Kind::DeviceOfflined | Kind::ScsiResult | Kind::CommandTimeout => {
                self.device(host, ev)
            }
            Kind::IoError | Kind::BufferIoError => self.io_error(host, ev),
            Kind::CallbacksSuppressed => self.suppressed(host, ev),
            Kind::MultipathFailingPath | Kind::MultipathdPathFailed => {
                self.multipath(host, ev, true)
            }
            Kind::MultipathReinstatingPath => self.multipath(host, ev, false),
            Kind::MultipathdPathUp if ev.fields.devstate.is_none_or(|s| s == "up") => {
                self.multipath(host, ev, false)
            }
            Kind::LoginFailed | Kind::LogoutFailed => self.iscsiadm_failed(host, ev),
            Kind::InitiatorError => self.iscsiadm_error(host, ev),
            Kind::LoginSucceeded => self.login_succeeded(host, ev),
            Kind::ServiceExit => {
                if let Some(st) = self.hosts.get_mut(host) {
                    let code = f.iscsiadm.map(u32::from).or(f.exit_status).unwrap_or(0);
                    let line = format!("{} exited with status {code}", f.unit.unwrap_or("unit"));
                    if st.summary.command_failures.len() < 32 {
                        st.summary.command_failures.push(line);
                    }
                }
            }
            Kind::JournalSuppressed => {
                if let Some(st) = self.hosts.get_mut(host) {
                    st.summary.journal_dropped += f.count.unwrap_or(0);
                }
            }
            _ => {}
        }
    }

    fn state(&mut self, host: &str) -> &mut HostState {
        self.hosts.entry(host.to_string()).or_default()
    }

    fn open_incident(&mut self, host: &str, key: Key, ev: &Event<'_>) -> usize {
        self.seq += 1;
        let mut inc = Incident::new(self.seq, self.file, ev.env.host.as_deref());
        inc.start = ev.instant();
        inc.start_text = ev.time_text();
        inc.lines = (ev.line, ev.line);
        match &key {
            Key::Session(s) => inc.sid = Some(*s),
            Key::Portal(p) => inc.portal = Some(p.clone()),
            Key::Unknown => {}
        }
        let idx = match self.free.pop() {
            Some(i) => {
                self.slots[i] = Some(inc);
                i
            }
            None => {
                self.slots.push(Some(inc));
                self.slots.len() - 1
            }
        };
        self.state(host).open.insert(key, idx);
        idx
    }

    fn inc(&mut self, idx: usize) -> Option<&mut Incident> {
        self.slots.get_mut(idx).and_then(Option::as_mut)
    }

    /// Records that `ev` belongs to incident `idx`.
    fn touch(&mut self, idx: usize, ev: &Event<'_>) {
        let f = &ev.fields;
        let portal = portal_of(ev);
        if let Some(inc) = self.inc(idx) {
            inc.events += 1;
            inc.lines.1 = ev.line;
            if let Some(t) = ev.instant() {
                inc.last = Some(t);
                inc.end = Some(t);
            }
            inc.end_text = ev.time_text().or(inc.end_text.take());
            if inc.cid.is_none() {
                inc.cid = f.cid;
            }
            if inc.target.is_none() {
                inc.target = f.target.map(str::to_string);
            }
            if inc.portal.is_none() {
                inc.portal = portal;
            }
        }
    }

    fn close(&mut self, host: &str, idx: usize) {
        let Some(inc) = self.slots.get_mut(idx).and_then(Option::take) else {
            return;
        };
        self.free.push(idx);
        if let Some(st) = self.hosts.get_mut(host) {
            st.open.retain(|_, &mut i| i != idx);
            if st.last_io.is_some_and(|(i, _)| i == idx) {
                st.last_io = None;
            }
            st.summary.add(&inc);
        }
        self.closed.push(inc);
    }

    fn find(&self, host: &str, key: &Key) -> Option<usize> {
        self.hosts.get(host)?.open.get(key).copied()
    }

    /// The open incident a sid-less line belongs to: by portal, else the only open one.
    fn attribute(&self, host: &str, sid: Option<i64>, portal: Option<&str>) -> Option<usize> {
        let st = self.hosts.get(host)?;
        if let Some(s) = sid.filter(|&s| s >= 0) {
            return st.open.get(&Key::Session(s)).copied();
        }
        if let Some(p) = portal {
            if let Some(i) = st
                .portal_sid
                .get(p)
                .and_then(|s| st.open.get(&Key::Session(*s)))
            {
                return Some(*i);
            }
            if let Some(&i) = st.open.get(&Key::Portal(p.to_string())) {
                return Some(i);
            }
        }
        let mut sessions = st.open.iter().filter(|(k, _)| matches!(k, Key::Session(_)));
        match (sessions.next(), sessions.next()) {
            (Some((_, &i)), None) => Some(i),
            _ => st.open.get(&Key::Unknown).copied(),
        }
    }

    fn symptom(&mut self, host: &str, ev: &Event<'_>) {
        let f = &ev.fields;
        let Some(sid) = f.sid else { return };
        let kind = ev.pattern.kind;
        let class = match kind {
            Kind::PingTimeout => PING,
            Kind::ConnError | Kind::ConnErrorIgnored => CONN,
            _ => REPORTED,
        };
        let logged_in = matches!(kind, Kind::PingTimeout | Kind::NopOutTimeout)
            || f.kerr == Some(1022)
            || f.state == Some(3);
        let now = ev.instant();
        let mut idx = self.find(host, &Key::Session(sid));
        if let Some(i) = idx {
            let Some(inc) = self.inc(i) else { return };
            let quiet = match (now, inc.last) {
                (Some(n), Some(l)) => n.since(l).is_some_and(|d| d > QUIET_GAP_S),
                _ => false,
            };
            let late = match (now, inc.cycle_start) {
                (Some(n), Some(c)) => n.since(c).is_some_and(|d| d > CYCLE_S),
                _ => false,
            };
            // The ping timeout is always the first line of a failure.
            let new_cycle = inc.cycle & class != 0 || late || (class == PING && inc.cycle != 0);
            if new_cycle && logged_in {
                // A NOP timeout or a failure in LOGGED_IN needs a working session: the
                // previous failure must have been recovered in between.
                if inc.outcome == Outcome::Unresolved {
                    inc.outcome = Outcome::Recovered;
                    inc.outcome_inferred = true;
                } else {
                    inc.reconnected_after_timeout = true;
                }
                self.close(host, i);
                idx = None;
            } else if quiet && inc.outcome == Outcome::Unresolved {
                self.close(host, i);
                idx = None;
            } else if new_cycle {
                inc.cycle = class;
                inc.cycle_start = now;
                inc.failed_attempts += 1;
                if let Some(k) = f.kerr {
                    inc.add_error(&format!("conn error {k}"));
                }
            } else {
                inc.cycle |= class;
            }
        }
        let i = match idx {
            Some(i) => i,
            None => {
                let i = self.open_incident(host, Key::Session(sid), ev);
                if let Some(inc) = self.inc(i) {
                    inc.cycle = class;
                    inc.cycle_start = now;
                }
                i
            }
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            if let Some(k) = f.kerr {
                if inc.cause.kind < CauseKind::KernelError {
                    inc.cause = Cause::kernel(k);
                }
            }
            if f.state.is_some() && inc.state.is_none() {
                inc.state = f.state;
            }
            if ev.timing.is_some() && inc.timing.is_none() {
                inc.timing = ev.timing;
            }
        }
    }

    fn recovery_timeout(&mut self, host: &str, ev: &Event<'_>) {
        let Some(sid) = ev.fields.sid else { return };
        let i = match self.find(host, &Key::Session(sid)) {
            Some(i) => i,
            None => {
                let i = self.open_incident(host, Key::Session(sid), ev);
                if let Some(inc) = self.inc(i) {
                    inc.cause = Cause::recovery_timeout(ev.fields.secs);
                    inc.started_before_log = true;
                }
                i
            }
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            inc.outcome = Outcome::RecoveryTimedOut;
            inc.recovery_timeout_s = ev.fields.secs;
        }
        let now = ev.instant();
        self.state(host).last_timeout = Some((sid, now));
    }

    fn recovered(&mut self, host: &str, ev: &Event<'_>) {
        let Some(sid) = ev.fields.sid else { return };
        let i = match self.find(host, &Key::Session(sid)) {
            Some(i) => i,
            None => {
                let i = self.open_incident(host, Key::Session(sid), ev);
                if let Some(inc) = self.inc(i) {
                    inc.started_before_log = true;
                }
                i
            }
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            if inc.outcome == Outcome::RecoveryTimedOut {
                inc.reconnected_after_timeout = true;
            } else {
                inc.outcome = Outcome::Recovered;
            }
            inc.reported_attempts = ev.fields.attempts;
        }
        self.close(host, i);
    }

    fn operational(&mut self, host: &str, ev: &Event<'_>) {
        let Some(sid) = ev.fields.sid else { return };
        let portal = portal_of(ev);
        let st = self.state(host);
        if let Some(h) = st.pending_banner.take() {
            st.host_sid.insert(h, sid);
        }
        if let Some(p) = &portal {
            st.portal_sid.insert(p.clone(), sid);
        }
        for key in [portal.clone().map(Key::Portal), Some(Key::Unknown)]
            .into_iter()
            .flatten()
        {
            if let Some(i) = self.find(host, &key) {
                self.touch(i, ev);
                if let Some(inc) = self.inc(i) {
                    inc.outcome = Outcome::Recovered;
                    inc.sid = Some(sid);
                }
                self.close(host, i);
            }
        }
    }

    fn shutdown(&mut self, host: &str, ev: &Event<'_>) {
        let portal = portal_of(ev);
        let key = match ev.fields.sid {
            Some(s) if s >= 0 => Key::Session(s),
            _ => match portal {
                Some(p) => Key::Portal(p),
                None => return,
            },
        };
        if let Some(i) = self.find(host, &key) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                if matches!(key, Key::Portal(_)) {
                    inc.gave_up = true;
                } else {
                    inc.logged_out = true;
                }
            }
            self.close(host, i);
        }
    }

    fn failed_attempt(&mut self, host: &str, ev: &Event<'_>) {
        let f = &ev.fields;
        let portal = portal_of(ev);
        let i = match self.attribute(host, f.sid, portal.as_deref()) {
            Some(i) => i,
            None => {
                if ev.pattern.kind == Kind::KernelCallFailed && f.sid.is_none() {
                    return;
                }
                let key = match (f.sid.filter(|&s| s >= 0), &portal) {
                    (Some(s), _) => Key::Session(s),
                    (None, Some(p)) => Key::Portal(p.clone()),
                    (None, None) => Key::Unknown,
                };
                self.open_incident(host, key, ev)
            }
        };
        self.touch(i, ev);
        let text = failure_text(ev);
        let cause = attempt_cause(ev);
        if let Some(inc) = self.inc(i) {
            inc.failed_attempts += 1;
            inc.add_error(&text);
            if let Some(c) = cause {
                if inc.cause.kind == CauseKind::Unknown {
                    inc.cause = c;
                } else if inc.cause != c {
                    inc.relogin_failure = Some(c);
                }
            }
        }
    }

    fn gave_up(&mut self, host: &str, ev: &Event<'_>) {
        if let Some(i) = self.attribute(host, ev.fields.sid, None) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.gave_up = true;
            }
            self.close(host, i);
        }
    }

    fn learn_disk(&mut self, host: &str, ev: &Event<'_>) {
        let f = &ev.fields;
        if let (Some(h), Some(d)) = (f.hctl, f.disk.as_deref()) {
            let st = self.state(host);
            if !st.disk_host.contains_key(d) && st.disk_host.len() < 100_000 {
                st.disk_host.insert(d.to_string(), h.host);
            }
        }
    }

    /// The session of a SCSI host, binding it to a session that just timed out if needed.
    fn session_of_scsi_host(
        &mut self,
        host: &str,
        scsi_host: u32,
        now: Option<Instant>,
        bind: bool,
    ) -> Option<i64> {
        let st = self.state(host);
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

    fn device(&mut self, host: &str, ev: &Event<'_>) {
        let f = &ev.fields;
        let Some(hctl) = f.hctl else { return };
        let bind = ev.pattern.kind == Kind::RejectingIo;
        let sid = self.session_of_scsi_host(host, hctl.host, ev.instant(), bind);
        let offline = matches!(ev.pattern.kind, Kind::RejectingIo | Kind::DeviceOfflined)
            && f.devstate.is_none_or(|s| s == "offline");
        if offline {
            self.state(host).summary.offline_devices.insert(hctl);
        }
        let found = sid.and_then(|s| self.find(host, &Key::Session(s)));
        let Some(i) = found.or_else(|| self.only_recent_session(host, ev.instant())) else {
            return;
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            if offline {
                inc.offline_devices.insert(hctl);
            }
            if matches!(ev.pattern.kind, Kind::ScsiResult | Kind::CommandTimeout) {
                inc.scsi_failures += 1;
                if let Some(hb) = f.hostbyte {
                    if inc.hostbytes.len() < 8 {
                        inc.hostbytes.insert(hb.to_string());
                    }
                }
            }
        }
    }

    /// The only open session incident of a host, if its last line is recent: where a device
    /// error belongs when no map names its session (dmesg-only logs).
    fn only_recent_session(&self, host: &str, now: Option<Instant>) -> Option<usize> {
        let st = self.hosts.get(host)?;
        let mut it = st.open.iter().filter(|(k, _)| matches!(k, Key::Session(_)));
        let (_, &i) = it.next()?;
        if it.next().is_some() {
            return None;
        }
        let last = self.slots.get(i)?.as_ref()?.last;
        match (now, last) {
            (Some(n), Some(l)) => n
                .since(l)
                .is_some_and(|d| (0.0..=60.0).contains(&d))
                .then_some(i),
            _ => Some(i),
        }
    }

    fn incident_of_disk(&mut self, host: &str, disk: &str, now: Option<Instant>) -> Option<usize> {
        let st = self.hosts.get(host)?;
        if let Some(h) = st.disk_host.get(disk_base(disk)).copied() {
            if let Some(s) = st.host_sid.get(&h).copied() {
                return self.find(host, &Key::Session(s));
            }
        }
        let (i, t) = st.last_io.or_else(|| {
            let (sid, t) = st.last_timeout?;
            Some((*st.open.get(&Key::Session(sid))?, t))
        })?;
        let recent = match (now, t) {
            (Some(n), Some(t)) => n
                .since(t)
                .is_some_and(|d| (0.0..=IO_FALLBACK_S).contains(&d)),
            _ => true,
        };
        recent.then_some(i)
    }

    fn io_error(&mut self, host: &str, ev: &Event<'_>) {
        let now = ev.instant();
        self.state(host).summary.io_errors += 1;
        let disk = ev.fields.disk.as_deref().unwrap_or("");
        match self.incident_of_disk(host, disk, now) {
            Some(i) => {
                self.touch(i, ev);
                if let Some(inc) = self.inc(i) {
                    inc.io_errors += 1;
                    if !disk.is_empty() && inc.disks.len() < 16 {
                        inc.disks.insert(disk_base(disk).to_string());
                    }
                }
                self.state(host).last_io = Some((i, now));
            }
            None => self.state(host).summary.unattributed_io_errors += 1,
        }
    }

    fn suppressed(&mut self, host: &str, ev: &Event<'_>) {
        let n = ev.fields.count.unwrap_or(0);
        let st = self.state(host);
        st.summary.suppressed += n;
        let target = st.last_io.map(|(i, _)| i).or_else(|| {
            let (sid, _) = st.last_timeout?;
            st.open.get(&Key::Session(sid)).copied()
        });
        if let Some(i) = target {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.suppressed += n;
            }
        }
    }

    fn multipath(&mut self, host: &str, ev: &Event<'_>, failing: bool) {
        {
            let st = self.state(host);
            if failing {
                st.summary.mp_failing += 1;
            } else {
                st.summary.mp_reinstated += 1;
            }
        }
        let Some(disk) = ev.fields.disk.as_deref() else {
            return;
        };
        let st = self.state(host);
        let Some(h) = st.disk_host.get(disk).copied() else {
            return;
        };
        let Some(s) = st.host_sid.get(&h).copied() else {
            return;
        };
        if let Some(i) = self.find(host, &Key::Session(s)) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                if failing {
                    inc.mp_failing += 1;
                } else {
                    inc.mp_reinstated += 1;
                }
            }
        }
    }

    fn iscsiadm_failed(&mut self, host: &str, ev: &Event<'_>) {
        let f = &ev.fields;
        let portal = portal_of(ev);
        if f.sid.is_none() && portal.is_none() {
            // `Could not logout of all requested sessions`: a summary line.
            return;
        }
        let key = match (f.sid.filter(|&s| s >= 0), &portal) {
            (Some(s), _) => Key::Session(s),
            (None, Some(p)) => match self.hosts.get(host).and_then(|st| st.portal_sid.get(p)) {
                Some(&s) if self.find(host, &Key::Session(s)).is_some() => Key::Session(s),
                _ => Key::Portal(p.clone()),
            },
            (None, None) => Key::Unknown,
        };
        let i = match self.find(host, &key) {
            Some(i) => i,
            None => self.open_incident(host, key.clone(), ev),
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            inc.failed_attempts += 1;
            inc.add_error(if ev.pattern.kind == Kind::LoginFailed {
                "iscsiadm login failed"
            } else {
                "iscsiadm logout failed"
            });
        }
        let line = ev.line;
        self.state(host).pending_iscsiadm = Some((key, line));
    }

    fn iscsiadm_error(&mut self, host: &str, ev: &Event<'_>) {
        let Some(code) = ev.fields.iscsiadm else {
            return;
        };
        let pending = self.state(host).pending_iscsiadm.take();
        let Some((key, line)) = pending else { return };
        if ev.line.saturating_sub(line) > 3 {
            return;
        }
        let Some(i) = self.find(host, &key) else {
            return;
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            let c = Cause::iscsiadm(code);
            if inc.cause.kind <= CauseKind::IscsiadmError {
                inc.cause = c;
            } else {
                inc.relogin_failure = Some(c);
            }
        }
        if matches!(key, Key::Portal(_) | Key::Unknown)
            || self.inc(i).is_some_and(|x| x.logged_out || x.events <= 2)
        {
            // An iscsiadm command failed and returned: nothing more will happen to it.
            self.close(host, i);
        }
    }

    fn login_succeeded(&mut self, host: &str, ev: &Event<'_>) {
        let Some(p) = portal_of(ev) else { return };
        if let Some(i) = self.find(host, &Key::Portal(p)) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.outcome = Outcome::Recovered;
            }
            self.close(host, i);
        }
    }
}

/// The text to count for a failed attempt.
fn failure_text(ev: &Event<'_>) -> String {
    let f = &ev.fields;
    if let Some(t) = f.errno_text {
        return t.to_string();
    }
    if let Some(t) = f.errno.and_then(super::fields::errno_text) {
        return t.into_owned();
    }
    if let Some((c, d)) = f.login {
        return match super::names::login_status_name(c, d) {
            Some(n) => format!("login rejected {c:02x}/{d:02x} {n}"),
            None => format!("login rejected {c:02x}/{d:02x}"),
        };
    }
    ev.pattern
        .id
        .rsplit('.')
        .next()
        .unwrap_or("failed")
        .replace('_', " ")
}

/// The cause a failed attempt carries, if it names one.
fn attempt_cause(ev: &Event<'_>) -> Option<Cause> {
    let f = &ev.fields;
    if let Some((c, d)) = f.login {
        return Some(Cause::login(c, d));
    }
    if ev.pattern.kind == Kind::ConnectFailed {
        return Some(Cause::connect(&failure_text(ev)));
    }
    None
}
