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
mod live;
mod logins;
pub mod model;
mod scope;
mod sessions;
mod state;

pub use model::{Cause, CauseKind, HostSummary, Incident, Outcome};
pub use state::Engine;

use super::fact::{Fact, generic_scsi_kind};
use super::patterns::Role;
use state::{HostState, Key};

/// Symptom classes within one failure cycle.
const PING: u8 = 1;
const CONN: u8 = 2;
const REPORTED: u8 = 4;

/// Seconds within which the lines of one failure (ping timeout, conn error, iscsid's report)
/// arrive; a symptom later than this starts a new failure cycle.
const CYCLE_S: f64 = 5.0;
/// Seconds after which a new symptom on a quiet incident starts a new incident.
const QUIET_GAP_S: f64 = 600.0;

impl Engine {
    /// An empty engine.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Sets the input index stamped on new incidents.
    pub fn set_file(&mut self, file: usize) {
        self.file = file;
    }

    /// The id of the incident the last fact fed joined (its [`Incident::seq`], given when
    /// the incident opened), if it joined one.
    pub fn joined(&self) -> Option<u64> {
        self.joined
    }

    /// Incidents closed since the last call.
    pub fn drain_closed(&mut self) -> std::vec::Drain<'_, Incident> {
        self.closed.drain(..)
    }

    /// Closes every open incident (the end of the log) and returns the host summaries,
    /// sorted by host name.
    pub fn finish(&mut self) -> Vec<HostSummary> {
        let mut open: Vec<(u64, usize, usize)> = self
            .host_slots()
            .map(|(h, i)| {
                let seq = self
                    .slots
                    .get(i)
                    .and_then(Option::as_ref)
                    .map_or(0, |x| x.seq);
                (seq, h, i)
            })
            .collect();
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

    /// The incident slots the hosts' maps point to (the open incidents), as `(host, slot)`,
    /// host by host: by session, portal, target, SCSI host, then the host's unknown one. A
    /// slot reached through several maps comes once for each. The walk of
    /// [`Engine::finish`] and [`Engine::close_stale`].
    fn host_slots(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.hosts.iter().enumerate().flat_map(|(h, st)| {
            st.sessions
                .values()
                .chain(st.portals.values())
                .chain(st.targets.values())
                .chain(st.devices.values())
                .chain(st.unknown.iter())
                .map(move |&i| (h, i))
        })
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
        self.joined = None;
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
}
