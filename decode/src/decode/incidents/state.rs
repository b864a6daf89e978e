//! The engine's state and its primitives: the open incidents of each host and the maps
//! that attribute lines to them (`Key`, `HostState`), the per-host state of the devices and
//! listing handlers (`Trouble`, `Listing`), and the operations every handler builds on
//! (find, attribute, open, touch, close an incident). The handlers (`mod.rs` for session
//! lines, `logins`, `devices`, `listing`) use these and never each other's.

use super::model::{HostSummary, Incident};
use crate::decode::clock::Instant;
use crate::decode::fact::Fact;
use crate::decode::fields::Hctl;
use std::collections::BTreeSet;
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

pub(super) type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<FxHasher>>;
pub(super) type HashSet<K> = StdHashSet<K, BuildHasherDefault<FxHasher>>;

/// Which incident a line belongs to, within one host.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Key<'a> {
    Session(i64),
    Portal(&'a str),
    /// A login that failed before its session existed (sid -1) and names only its target.
    Target(&'a str),
    /// A device that went offline on a SCSI host no session line claims.
    Device(u32),
    Unknown,
}

#[derive(Debug, Default)]
pub(super) struct HostState {
    pub(super) summary: HostSummary,
    pub(super) sessions: HashMap<i64, usize>,
    pub(super) portals: HashMap<String, usize>,
    pub(super) targets: HashMap<String, usize>,
    /// Incidents of devices offline on SCSI hosts no session claims, by SCSI host.
    pub(super) devices: HashMap<u32, usize>,
    /// Failures on SCSI hosts no session claims, before any went offline.
    pub(super) trouble: HashMap<u32, Trouble>,
    pub(super) unknown: Option<usize>,
    /// The incident of the last failed login without a session (slot, seq, line).
    pub(super) last_login: Option<(usize, u64, u64)>,
    pub(super) portal_sid: HashMap<String, i64>,
    pub(super) host_sid: HashMap<u32, i64>,
    pub(super) disk_host: HashMap<String, u32>,
    pub(super) pending_banner: Option<u32>,
    pub(super) last_timeout: Option<(i64, Option<Instant>)>,
    /// The incidents of the iscsiadm `Could not login/logout` lines still waiting for their
    /// error line, one per iscsiadm process (several run at once): (slot, seq, line, the
    /// process id when the line had one). At most `MAX_PENDING_ISCSIADM` (see `logins`).
    pub(super) pending_iscsiadm: Vec<(usize, u64, u64, Option<u32>)>,
    pub(super) last_io: Option<(usize, Option<Instant>)>,
    /// The last session id added to `summary.sessions` (which only grows).
    pub(super) last_sid: Option<i64>,
    /// SCSI-layer lines per SCSI host number (see [`crate::decode::fact::generic_scsi_kind`]).
    pub(super) scsi_lines: HashMap<u32, u64>,
    /// SCSI hosts an iSCSI banner (`scsi hostN: iSCSI Initiator over TCP/IP`) or an
    /// `iscsiadm -m session -P 3` listing named.
    pub(super) iscsi_scsi_hosts: HashSet<u32>,
    /// Where the host's last pasted iscsiadm listing is (see `listing`).
    pub(super) listing: Listing,
}

impl HostState {
    pub(super) fn get(&self, key: Key<'_>) -> Option<usize> {
        match key {
            Key::Session(s) => self.sessions.get(&s).copied(),
            Key::Portal(p) => self.portals.get(p).copied(),
            Key::Target(t) => self.targets.get(t).copied(),
            Key::Device(n) => self.devices.get(&n).copied(),
            Key::Unknown => self.unknown,
        }
    }

    pub(super) fn forget(&mut self, idx: usize) {
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
    pub(super) index: HashMap<String, usize>,
    pub(super) hostless: HashMap<usize, usize>,
    pub(super) hosts: Vec<HostState>,
    pub(super) slots: Vec<Option<Incident>>,
    pub(super) free: Vec<usize>,
    pub(super) closed: Vec<Incident>,
    pub(super) seq: u64,
    pub(super) file: usize,
    /// The host state of the last fact fed.
    pub(super) last_host: usize,
    /// Whether the last fact fed joined an incident.
    pub(super) touched: bool,
    /// The id (`seq`) of the incident the last fact fed joined, if it joined one.
    pub(super) joined: Option<u64>,
}

pub(super) fn disk_base(d: &str) -> &str {
    if d.starts_with("sd") {
        d.trim_end_matches(|c: char| c.is_ascii_digit())
    } else {
        d
    }
}

pub(super) fn portal_of(ev: &Fact) -> Option<String> {
    ev.portal().map(str::to_string)
}

/// What failed on a SCSI host no session line claims, before one of its devices went
/// offline: the start and the counts of the incident that the offline device opens.
#[derive(Debug, Default, Clone)]
pub(super) struct Trouble {
    pub(super) first_line: u64,
    pub(super) first: Option<Instant>,
    pub(super) first_text: Option<String>,
    pub(super) scsi_failures: u64,
    pub(super) io_errors: u64,
    pub(super) hostbytes: BTreeSet<String>,
    pub(super) disks: BTreeSet<String>,
    pub(super) offline: BTreeSet<Hctl>,
}

/// Where the engine is in a host's last listing.
#[derive(Debug, Default, Clone)]
pub(super) struct Listing {
    /// The line of the last listing line.
    pub(super) last_line: Option<u64>,
    /// The current session's portal (`addr:port`).
    pub(super) portal: Option<String>,
    /// The current session (`SID: N`).
    pub(super) sid: Option<i64>,
    /// The current SCSI device (`scsiH Channel 00 Id T Lun: L`).
    pub(super) hctl: Option<Hctl>,
}

impl Engine {
    pub(super) fn open_incident(&mut self, h: usize, key: Key<'_>, ev: &Fact) -> usize {
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

    pub(super) fn inc(&mut self, idx: usize) -> Option<&mut Incident> {
        self.slots.get_mut(idx).and_then(Option::as_mut)
    }

    /// Records that `ev` belongs to incident `idx`.
    pub(super) fn touch(&mut self, idx: usize, ev: &Fact) {
        let f = ev;
        let Some(inc) = self.slots.get_mut(idx).and_then(Option::as_mut) else {
            return;
        };
        self.touched = true;
        self.joined = Some(inc.seq);
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

    pub(super) fn close(&mut self, h: usize, idx: usize) {
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

    pub(super) fn find(&self, h: usize, key: Key<'_>) -> Option<usize> {
        self.hosts.get(h)?.get(key)
    }

    /// The open incident a line belongs to: by session, by portal, by target, else the only
    /// open one. A line of a session not created yet (sid -1: a first login, not a relogin)
    /// never falls back to another session's incident.
    pub(super) fn attribute(
        &self,
        h: usize,
        sid: Option<i64>,
        portal: Option<&str>,
        target: Option<&str>,
    ) -> Option<usize> {
        let st = self.hosts.get(h)?;
        if let Some(s) = sid.filter(|&s| s >= 0) {
            return st.sessions.get(&s).copied();
        }
        if let Some(p) = portal {
            if let Some(i) = st.portal_sid.get(p).and_then(|s| st.sessions.get(s)) {
                return Some(*i);
            }
            if let Some(&i) = st.portals.get(p) {
                return Some(i);
            }
        }
        if let Some(t) = target {
            if let Some(&i) = st.targets.get(t) {
                return Some(i);
            }
            // A relogin of a session names its target without the sid.
            let of_session = st.sessions.values().copied().find(|&i| {
                self.slots
                    .get(i)
                    .and_then(Option::as_ref)
                    .is_some_and(|x| x.target.as_deref() == Some(t))
            });
            if of_session.is_some() || sid == Some(-1) {
                return of_session;
            }
            return None;
        }
        if sid == Some(-1) {
            return None;
        }
        if st.sessions.len() == 1 {
            return st.sessions.values().next().copied();
        }
        st.unknown
    }
}
