//! A session's own lines: the symptoms of a failing connection (one failure cycle at a
//! time), the recovery timeout, the recovery, a new login, a shutdown and iscsid giving up.

use super::state::portal_of;
use super::{CONN, CYCLE_S, Cause, CauseKind, Engine, Key, Outcome, PING, QUIET_GAP_S, REPORTED};
use crate::decode::clock::Instant;
use crate::decode::fact::Fact;
use crate::decode::patterns::Kind;
use crate::tables::iscsi_if::{IscsiConnState, IscsiErr};

impl Engine {
    pub(super) fn symptom(&mut self, h: usize, ev: &Fact) {
        let f = ev;
        let Some(sid) = f.sid else { return };
        let kind = ev.kind;
        let class = match kind {
            Kind::PingTimeout => PING,
            Kind::ConnError | Kind::ConnErrorIgnored => CONN,
            _ => REPORTED,
        };
        let logged_in = matches!(kind, Kind::PingTimeout | Kind::NopOutTimeout)
            || f.kerr == Some(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT)
            || f.state == Some(IscsiConnState::ISCSI_CONN_STATE_LOGGED_IN);
        let now = ev.instant();
        let mut idx = self.find(h, Key::Session(sid));
        if let Some(i) = idx {
            let Some(inc) = self.inc(i) else { return };
            let since = |t: Option<Instant>| match (now, t) {
                (Some(n), Some(l)) => n.since(l),
                _ => None,
            };
            let quiet = since(inc.last).is_some_and(|d| d > QUIET_GAP_S);
            let late = since(inc.cycle_start).is_some_and(|d| d > CYCLE_S);
            // One failure logs each of its lines once (in any order: iscsid's report may
            // reach syslog before the kernel's lines), within a few seconds.
            let new_cycle = inc.cycle & class != 0 || late;
            if new_cycle && logged_in {
                // A NOP timeout or a failure in LOGGED_IN needs a working session: the
                // previous failure must have been recovered in between.
                if inc.outcome == Outcome::Unresolved {
                    inc.outcome = Outcome::Recovered;
                    inc.outcome_inferred = true;
                } else {
                    inc.reconnected_after_timeout = true;
                }
                self.close(h, i);
                idx = None;
            } else if quiet && inc.outcome == Outcome::Unresolved {
                self.close(h, i);
                idx = None;
            } else if new_cycle {
                inc.cycle = class;
                inc.cycle_start = now;
                inc.failed_attempts += 1;
                if let Some(k) = f.kerr {
                    inc.add_error(&format!("conn error {}", k.0));
                }
            } else {
                inc.cycle |= class;
            }
        }
        let i = match idx {
            Some(i) => i,
            None => {
                let i = self.open_incident(h, Key::Session(sid), ev);
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
                    inc.cause = Cause::kernel(k.0);
                }
            }
            if f.state.is_some() && inc.state.is_none() {
                inc.state = f.state.map(u32::from);
            }
            if ev.timing.is_some() && inc.timing.is_none() {
                inc.timing = ev.timing;
            }
        }
    }

    pub(super) fn recovery_timeout(&mut self, h: usize, ev: &Fact) {
        let Some(sid) = ev.sid else { return };
        let i = match self.find(h, Key::Session(sid)) {
            Some(i) => i,
            None => {
                let i = self.open_incident(h, Key::Session(sid), ev);
                if let Some(inc) = self.inc(i) {
                    inc.cause = Cause::recovery_timeout(ev.secs);
                    inc.started_before_log = true;
                }
                i
            }
        };
        self.touch(i, ev);
        if let Some(inc) = self.inc(i) {
            inc.outcome = Outcome::RecoveryTimedOut;
            inc.recovery_timeout_s = ev.secs;
        }
        self.hosts[h].last_timeout = Some((sid, ev.instant()));
    }

    pub(super) fn recovered(&mut self, h: usize, ev: &Fact) {
        let Some(sid) = ev.sid else { return };
        let i = match self.find(h, Key::Session(sid)) {
            Some(i) => i,
            None => {
                let i = self.open_incident(h, Key::Session(sid), ev);
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
            inc.reported_attempts = ev.attempts;
        }
        self.close(h, i);
    }

    pub(super) fn operational(&mut self, h: usize, ev: &Fact) {
        let Some(sid) = ev.sid else { return };
        let portal = portal_of(ev);
        let st = &mut self.hosts[h];
        if let Some(b) = st.pending_banner.take() {
            st.host_sid.insert(b, sid);
        }
        if let Some(p) = &portal {
            if st.portal_sid.get(p) != Some(&sid) {
                st.portal_sid.insert(p.clone(), sid);
            }
        }
        let keys = [portal.as_deref().map(Key::Portal), Some(Key::Unknown)];
        for key in keys.into_iter().flatten() {
            if let Some(i) = self.find(h, key) {
                self.touch(i, ev);
                if let Some(inc) = self.inc(i) {
                    inc.outcome = Outcome::Recovered;
                    inc.sid = Some(sid);
                }
                self.close(h, i);
            }
        }
    }

    pub(super) fn shutdown(&mut self, h: usize, ev: &Fact) {
        let portal = portal_of(ev);
        let key = match (ev.sid, portal.as_deref()) {
            (Some(s), _) if s >= 0 => Key::Session(s),
            (_, Some(p)) => Key::Portal(p),
            _ => return,
        };
        if let Some(i) = self.find(h, key) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                if matches!(key, Key::Portal(_)) {
                    inc.gave_up = true;
                } else {
                    inc.logged_out = true;
                }
            }
            self.close(h, i);
        }
    }

    pub(super) fn gave_up(&mut self, h: usize, ev: &Fact) {
        if let Some(i) = self.attribute(h, ev.sid, None, None) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.gave_up = true;
            }
            self.close(h, i);
        }
    }
}
