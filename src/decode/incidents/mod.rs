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
mod devices;
mod listing;
mod logins;
pub mod model;
mod scope;
mod sessions;

pub use model::{Cause, CauseKind, HostSummary, Incident, Outcome};

use super::clock::Instant;
use super::fact::{Fact, generic_scsi_kind};
use super::patterns::Role;
use std::collections::HashMap as StdHashMap;
use std::collections::HashSet as StdHashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// FxHash: the engine's keys are small (ids, short names) and not attacker-chosen in a way
/// that matters for a one-shot log reader, so a fast hasher beats SipHash here.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        for c in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<FxHasher>>;
type HashSet<K> = StdHashSet<K, BuildHasherDefault<FxHasher>>;

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
/// iscsiadm processes whose error line is awaited at once, per host.
const MAX_PENDING_ISCSIADM: usize = 16;
/// Seconds after which a portal's connect failures start a new episode: the default
/// recovery window, node.session.timeo.replacement_timeout = 120 (iscsid.conf).
const RECOVERY_WINDOW_S: f64 = 120.0;
/// Lines within which a failed-login line that names neither session, portal nor target
/// (`connection-1:0 Login error (Login status 5)`) belongs to the failed login just before
/// it: iscsid logs one attempt's lines together.
const LOGIN_PAIR_LINES: u64 = 8;

/// Which incident a line belongs to, within one host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key<'a> {
    Session(i64),
    Portal(&'a str),
    /// A login that failed before its session existed (sid -1) and names only its target.
    Target(&'a str),
    /// A device that went offline on a SCSI host no session line claims.
    Device(u32),
    Unknown,
}

#[derive(Debug, Default)]
struct HostState {
    summary: HostSummary,
    sessions: HashMap<i64, usize>,
    portals: HashMap<String, usize>,
    targets: HashMap<String, usize>,
    /// Incidents of devices offline on SCSI hosts no session claims, by SCSI host.
    devices: HashMap<u32, usize>,
    /// Failures on SCSI hosts no session claims, before any went offline.
    trouble: HashMap<u32, devices::Trouble>,
    unknown: Option<usize>,
    /// The incident of the last failed login without a session (slot, seq, line).
    last_login: Option<(usize, u64, u64)>,
    portal_sid: HashMap<String, i64>,
    host_sid: HashMap<u32, i64>,
    disk_host: HashMap<String, u32>,
    pending_banner: Option<u32>,
    last_timeout: Option<(i64, Option<Instant>)>,
    /// The incidents of the iscsiadm `Could not login/logout` lines still waiting for their
    /// error line, one per iscsiadm process (several run at once): (slot, seq, line, the
    /// process id when the line had one). At most [`MAX_PENDING_ISCSIADM`].
    pending_iscsiadm: Vec<(usize, u64, u64, Option<u32>)>,
    last_io: Option<(usize, Option<Instant>)>,
    /// The last session id added to `summary.sessions` (which only grows).
    last_sid: Option<i64>,
    /// SCSI-layer lines per SCSI host number (see [`generic_scsi_kind`]).
    scsi_lines: HashMap<u32, u64>,
    /// SCSI hosts an iSCSI banner (`scsi hostN: iSCSI Initiator over TCP/IP`) or an
    /// `iscsiadm -m session -P 3` listing named.
    iscsi_scsi_hosts: HashSet<u32>,
    /// Where the host's last pasted iscsiadm listing is (see `listing`).
    listing: listing::Listing,
}

impl HostState {
    fn get(&self, key: Key<'_>) -> Option<usize> {
        match key {
            Key::Session(s) => self.sessions.get(&s).copied(),
            Key::Portal(p) => self.portals.get(p).copied(),
            Key::Target(t) => self.targets.get(t).copied(),
            Key::Device(n) => self.devices.get(&n).copied(),
            Key::Unknown => self.unknown,
        }
    }

    fn open_count(&self) -> usize {
        self.sessions.len()
            + self.portals.len()
            + self.targets.len()
            + self.devices.len()
            + usize::from(self.unknown.is_some())
    }

    fn forget(&mut self, idx: usize) {
        self.sessions.retain(|_, &mut i| i != idx);
        if self.portals.values().any(|&i| i == idx) {
            self.portals.retain(|_, &mut i| i != idx);
        }
        if self.targets.values().any(|&i| i == idx) {
            self.targets.retain(|_, &mut i| i != idx);
        }
        if self.devices.values().any(|&i| i == idx) {
            self.devices.retain(|_, &mut i| i != idx);
        }
        if self.unknown == Some(idx) {
            self.unknown = None;
        }
        if self.last_io.is_some_and(|(i, _)| i == idx) {
            self.last_io = None;
        }
    }
}

/// Builds incidents from events, line by line.
#[derive(Debug, Default)]
pub struct Engine {
    index: HashMap<String, usize>,
    hostless: HashMap<usize, usize>,
    hosts: Vec<HostState>,
    slots: Vec<Option<Incident>>,
    free: Vec<usize>,
    closed: Vec<Incident>,
    seq: u64,
    file: usize,
    /// The host state of the last fact fed.
    last_host: usize,
    /// Whether the last fact fed joined an incident.
    touched: bool,
}

fn disk_base(d: &str) -> &str {
    if d.starts_with("sd") {
        d.trim_end_matches(|c: char| c.is_ascii_digit())
    } else {
        d
    }
}

/// How many lines after its `Could not login` an error line of the same iscsiadm process
/// is still paired with it.
const ISCSIADM_PAIR_LINES: u64 = 1000;

fn portal_of(ev: &Fact) -> Option<String> {
    ev.portal().map(str::to_string)
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
        let mut open: Vec<(u64, usize, usize)> = Vec::new();
        for (h, st) in self.hosts.iter().enumerate() {
            let all = st
                .sessions
                .values()
                .chain(st.portals.values())
                .chain(st.targets.values())
                .chain(st.devices.values())
                .chain(st.unknown.iter());
            for &i in all {
                let seq = self
                    .slots
                    .get(i)
                    .and_then(Option::as_ref)
                    .map_or(0, |x| x.seq);
                open.push((seq, h, i));
            }
        }
        open.sort_unstable();
        for (_, h, i) in open {
            self.close(h, i);
        }
        self.index.clear();
        self.hostless.clear();
        let mut v: Vec<HostSummary> = self
            .hosts
            .drain(..)
            .map(|mut st| {
                st.summary.unattributed_scsi = st
                    .scsi_lines
                    .iter()
                    .filter(|(n, _)| {
                        !st.iscsi_scsi_hosts.contains(n) && !st.host_sid.contains_key(n)
                    })
                    .map(|(_, c)| c)
                    .sum();
                st.summary.finish();
                st.summary
            })
            .collect();
        v.sort_by(|a, b| a.host.cmp(&b.host));
        v
    }

    /// The state of the line's host. Lines without a host name (dmesg, bare messages) are
    /// kept apart per input, since two such files may come from two machines.
    fn host_index(&mut self, ev: &Fact) -> usize {
        let found = match ev.host() {
            Some(h) => self.index.get(h).copied(),
            None => self.hostless.get(&self.file).copied(),
        };
        if let Some(i) = found {
            return i;
        }
        let mut st = HostState::default();
        st.summary.host = ev.host().map(str::to_string);
        st.summary.file = ev.host().is_none().then_some(self.file);
        self.hosts.push(st);
        let i = self.hosts.len() - 1;
        match ev.host() {
            Some(h) => self.index.insert(h.to_string(), i),
            None => self.hostless.insert(self.file, i),
        };
        i
    }

    /// Feeds one event.
    pub fn feed(&mut self, ev: &Fact) {
        let h = self.host_index(ev);
        self.last_host = h;
        self.touched = false;
        let f = ev;
        if let Some(sid) = f.sid.filter(|&s| s >= 0) {
            let st = &mut self.hosts[h];
            // Most lines name the session the previous line of the host named.
            if st.last_sid != Some(sid) {
                st.summary.sessions.insert(sid);
                st.last_sid = Some(sid);
            }
        }
        self.learn_disk(h, ev);
        if generic_scsi_kind(ev.kind) {
            if let Some(n) = f.hctl.map(|x| x.host).or(f.scsi_host) {
                let st = &mut self.hosts[h];
                if st.scsi_lines.len() < 4096 || st.scsi_lines.contains_key(&n) {
                    *st.scsi_lines.entry(n).or_default() += 1;
                }
            }
        }
        // Exhaustive: a new role (or a kind given a role) has to say what happens here.
        match ev.kind.role() {
            Role::ConnError => self.symptom(h, ev),
            Role::RecoveryTimeout => self.recovery_timeout(h, ev),
            Role::Recovered => self.recovered(h, ev),
            Role::Operational => self.operational(h, ev),
            Role::Shutdown => self.shutdown(h, ev),
            Role::FailedAttempt => self.failed_attempt(h, ev),
            Role::GaveUp => self.gave_up(h, ev),
            Role::HostBanner => {
                let st = &mut self.hosts[h];
                st.pending_banner = f.scsi_host;
                st.iscsi_scsi_hosts.extend(f.scsi_host);
            }
            Role::Device => self.device(h, ev),
            Role::IoError => self.io_error(h, ev),
            Role::Suppressed => self.suppressed(h, ev),
            Role::PathFailed => self.multipath(h, ev, true),
            Role::PathReinstated => self.multipath(h, ev, false),
            Role::PathUp => {
                if f.devstate().is_none_or(|s| s == "up") {
                    self.multipath(h, ev, false)
                }
            }
            Role::IscsiadmFailed => self.iscsiadm_failed(h, ev),
            Role::IscsiadmError => self.iscsiadm_error(h, ev),
            Role::LoginSucceeded => self.login_succeeded(h, ev),
            Role::ServiceExit => {
                let st = &mut self.hosts[h];
                if st.summary.command_failures.len() < 32 {
                    let code = f
                        .iscsiadm
                        .map(|c| u32::from(c.0))
                        .or(f.exit_status)
                        .unwrap_or(0);
                    st.summary.command_failures.push(format!(
                        "{} exited with status {code}",
                        f.unit().unwrap_or("unit")
                    ));
                }
            }
            Role::Listing => self.listing_line(h, ev),
            Role::JournalSuppressed => {
                self.hosts[h].summary.journal_dropped += f.count.unwrap_or(0)
            }
            // What every fed line teaches (sessions, disks) was learned above.
            Role::Context | Role::Noise => {}
        }
    }

    fn open_incident(&mut self, h: usize, key: Key<'_>, ev: &Fact) -> usize {
        // One open incident per key: a new one closes the old (never orphaned).
        if let Some(old) = self.find(h, key) {
            self.close(h, old);
        }
        self.seq += 1;
        let mut inc = Incident::new(self.seq, self.file, ev.host());
        inc.start = ev.instant();
        inc.start_text = ev.time_text().map(str::to_string);
        self.hosts[h]
            .summary
            .note_start(inc.start, inc.start_text.as_deref());
        inc.lines = (ev.line, ev.line);
        match key {
            Key::Session(s) => inc.sid = Some(s),
            Key::Portal(p) => inc.portal = Some(p.to_string()),
            Key::Target(t) => inc.target = Some(t.to_string()),
            Key::Device(n) => inc.scsi_host = Some(n),
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
        let st = &mut self.hosts[h];
        match key {
            Key::Session(s) => {
                st.sessions.insert(s, idx);
            }
            Key::Portal(p) => {
                st.portals.insert(p.to_string(), idx);
            }
            Key::Target(t) => {
                st.targets.insert(t.to_string(), idx);
            }
            Key::Device(n) => {
                st.devices.insert(n, idx);
            }
            Key::Unknown => st.unknown = Some(idx),
        }
        idx
    }

    fn inc(&mut self, idx: usize) -> Option<&mut Incident> {
        self.slots.get_mut(idx).and_then(Option::as_mut)
    }

    /// Records that `ev` belongs to incident `idx`.
    fn touch(&mut self, idx: usize, ev: &Fact) {
        let f = ev;
        let Some(inc) = self.slots.get_mut(idx).and_then(Option::as_mut) else {
            return;
        };
        self.touched = true;
        inc.events += 1;
        inc.lines.1 = ev.line;
        // Lines may come out of time order (a status dump, merged logs): the incident spans
        // the earliest to the latest.
        let t = ev.instant();
        let before =
            |a: Instant, b: Option<Instant>| b.is_some_and(|b| a.since(b).is_some_and(|d| d < 0.0));
        match t {
            Some(t) if before(t, inc.start) => {
                inc.start = Some(t);
                inc.start_text = ev.time_text().map(str::to_string);
            }
            Some(t) if before(t, inc.end) => {}
            _ => {
                if let Some(t) = t {
                    inc.last = Some(t);
                    inc.end = Some(t);
                }
                let e = inc.end_text.get_or_insert_with(String::new);
                e.clear();
                e.push_str(ev.time_text().unwrap_or(""));
            }
        }
        if inc.cid.is_none() {
            inc.cid = f.cid;
        }
        if inc.target.is_none() {
            inc.target = f.target().map(str::to_string);
        }
        if inc.portal.is_none() {
            inc.portal = portal_of(ev);
        }
    }

    fn close(&mut self, h: usize, idx: usize) {
        let Some(mut inc) = self.slots.get_mut(idx).and_then(Option::take) else {
            return;
        };
        self.free.push(idx);
        if inc.end_text.as_deref() == Some("") {
            inc.end_text = None;
        }
        if let Some(st) = self.hosts.get_mut(h) {
            st.forget(idx);
            st.summary.add(&inc);
        }
        self.closed.push(inc);
    }

    /// Open incidents (for tests).
    pub fn open_count(&self) -> usize {
        self.hosts.iter().map(HostState::open_count).sum()
    }
}
