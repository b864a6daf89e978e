//! Logins and connects: which incident a failed attempt, an iscsiadm failure or a login
//! belongs to (by session, portal, target, or the sessions in recovery), and what it adds.

use super::model::{Cause, CauseKind, Outcome};
use super::state::{Engine, Key, portal_of};
use crate::decode::fact::Fact;
use crate::decode::patterns::Kind;

/// iscsiadm processes whose error line is awaited at once, per host.
const MAX_PENDING_ISCSIADM: usize = 16;
/// Seconds after which a portal's connect failures start a new episode: the default
/// recovery window, node.session.timeo.replacement_timeout = 120 (iscsid.conf).
const RECOVERY_WINDOW_S: f64 = 120.0;
/// Lines within which a failed-login line that names neither session, portal nor target
/// (`connection-1:0 Login error (Login status 5)`) belongs to the failed login just before
/// it: iscsid logs one attempt's lines together.
const LOGIN_PAIR_LINES: u64 = 8;

/// How many lines after its `Could not login` an error line of the same iscsiadm process
/// is still paired with it.
const ISCSIADM_PAIR_LINES: u64 = 1000;

impl Engine {
    /// The failed login without a session logged just before line `line`, if still open.
    fn recent_login(&self, h: usize, line: u64) -> Option<usize> {
        let (i, seq, at) = self.hosts.get(h)?.last_login?;
        let open = self.slots.get(i)?.as_ref()?.seq == seq;
        (open && line.saturating_sub(at) <= LOGIN_PAIR_LINES).then_some(i)
    }

    /// With several of host `h`'s sessions in recovery and none tied to portal `p`: the
    /// earliest one's incident, with the others noted in its `shared_with`.
    fn in_recovery(&mut self, h: usize, p: &str) -> Option<usize> {
        let st = self.hosts.get(h)?;
        if st.portals.contains_key(p) || st.sessions.len() < 2 {
            return None;
        }
        let mut open: Vec<(u64, usize, i64)> = st
            .sessions
            .iter()
            .filter_map(|(&sid, &i)| Some((self.slots.get(i)?.as_ref()?.seq, i, sid)))
            .collect();
        open.sort_unstable();
        let (_, first, _) = *open.first()?;
        let others: Vec<i64> = open[1..].iter().map(|x| x.2).collect();
        if let Some(inc) = self.inc(first) {
            inc.shared_with.extend(others);
        }
        Some(first)
    }

    /// Whether incident `i` is a login iscsiadm settled and `ev` comes after it (later than
    /// its last line, or with no time to tell): only lines of the same moment or before it,
    /// printed out of order, still join it.
    fn settled_and_past(&self, i: usize, ev: &Fact) -> bool {
        let Some(inc) = self.slots.get(i).and_then(Option::as_ref) else {
            return false;
        };
        inc.settled
            && match (ev.instant(), inc.last) {
                (Some(n), Some(l)) => n.since(l).is_none_or(|d| d > 0.0),
                _ => true,
            }
    }

    /// Whether line `line` is part of the failed login that incident `i` (of a session not
    /// created yet) logged last: within a few lines of it.
    fn same_login(&self, i: usize, line: u64) -> bool {
        self.slots
            .get(i)
            .and_then(Option::as_ref)
            .is_some_and(|x| x.sid.is_none() && line.saturating_sub(x.lines.1) <= LOGIN_PAIR_LINES)
    }

    pub(super) fn failed_attempt(&mut self, h: usize, ev: &Fact) {
        let f = ev;
        let p = ev.portal();
        let target = ev.target();
        let no_session = f.sid.is_none_or(|s| s < 0);
        let mut found = self.attribute(h, f.sid, p, target);
        // A portal no line tied to a session, while several of the host's sessions are in
        // recovery: theirs (the earliest), said to be shared with the others.
        if found.is_none() && f.sid.is_none() && target.is_none() {
            if let Some(p) = p {
                found = self.in_recovery(h, p);
            }
        }
        // A portal's failures further apart than the recovery window are separate episodes,
        // and a login iscsiadm settled takes no later attempt.
        if let Some(i) = found.filter(|&i| self.settled_and_past(i, ev)) {
            self.close(h, i);
            found = None;
        }
        if let Some(i) = found {
            let stale = self.slots.get(i).and_then(Option::as_ref).is_some_and(|x| {
                x.sid.is_none()
                    && x.portal.is_some()
                    && matches!((ev.instant(), x.last), (Some(n), Some(l)) if n.since(l).is_some_and(|d| d > RECOVERY_WINDOW_S))
            });
            if stale {
                self.close(h, i);
                found = None;
            }
        }
        if found.is_none() && f.sid == Some(-1) && p.is_none() && target.is_none() {
            // `connection-1:0 Login error (Login status 5)` after the line that named the
            // target: the same attempt.
            found = self.recent_login(h, ev.line);
        }
        let i = match found {
            Some(i) => Some(i),
            None if ev.kind == Kind::KernelCallFailed && f.sid.is_none() => None,
            None => {
                let key = match (f.sid.filter(|&s| s >= 0), p, target) {
                    (Some(s), _, _) => Key::Session(s),
                    (None, Some(p), _) => Key::Portal(p),
                    (None, None, Some(t)) => Key::Target(t),
                    (None, None, None) => Key::Unknown,
                };
                Some(self.open_incident(h, key, ev))
            }
        };
        let Some(i) = i else { return };
        // A line of the attempt just logged (iscsid logs one failed login in a few lines)
        // is no new attempt.
        let same_attempt = found.is_some()
            && no_session
            && ev.kind != Kind::ConnectFailed
            && self.same_login(i, ev.line);
        if no_session {
            let seq = self.inc(i).map_or(0, |x| x.seq);
            self.hosts[h].last_login = Some((i, seq, ev.line));
        }
        self.touch(i, ev);
        let text = failure_text(ev);
        let Some(inc) = self.inc(i) else { return };
        if !same_attempt {
            inc.failed_attempts += 1;
        }
        inc.add_error(&text);
        let new = if let Some((c, d)) = f.login.map(|l| (l.class(), l.detail())) {
            let same = |x: &Cause| {
                x.kind == CauseKind::LoginStatus
                    && x.code == Some(i64::from(u16::from(c) << 8 | u16::from(d)))
            };
            (!same(&inc.cause) && !inc.relogin_failure.as_ref().is_some_and(same))
                .then(|| Cause::login(c, d))
        } else if ev.kind == Kind::ConnectFailed {
            let same =
                |x: &Cause| x.kind == CauseKind::Connect && x.text.as_deref() == Some(&*text);
            (!same(&inc.cause) && !inc.relogin_failure.as_ref().is_some_and(same))
                .then(|| Cause::connect(&text))
        } else {
            None
        };
        if let Some(c) = new {
            if inc.cause.kind == CauseKind::Unknown {
                inc.cause = c;
            } else {
                inc.relogin_failure = Some(c);
            }
        }
    }

    pub(super) fn iscsiadm_failed(&mut self, h: usize, ev: &Fact) {
        let f = ev;
        let portal = portal_of(ev);
        if f.sid.is_none() && portal.is_none() {
            // `Could not logout of all requested sessions`: a summary line.
            return;
        }
        let key = match (f.sid.filter(|&s| s >= 0), portal.as_deref()) {
            (Some(s), _) => Key::Session(s),
            (None, Some(p)) => match self.hosts[h].portal_sid.get(p) {
                Some(&s) if self.find(h, Key::Session(s)).is_some() => Key::Session(s),
                _ => Key::Portal(p),
            },
            (None, None) => Key::Unknown,
        };
        // iscsiadm's `Could not login to [target: T, portal: P]` closes the attempt whose
        // iscsid lines named only the target (`Login authentication failed with target T`).
        let by_target = match (key, ev.target()) {
            (Key::Portal(p), Some(t)) if self.find(h, key).is_none() => {
                let i = self.find(h, Key::Target(t));
                if let Some(i) = i {
                    self.hosts[h].portals.insert(p.to_string(), i);
                }
                i
            }
            _ => None,
        };
        let same_attempt = by_target.is_some_and(|i| self.same_login(i, ev.line));
        // Another iscsiadm's verdict is another attempt, even in the same second.
        let settled = |i: usize| {
            self.slots
                .get(i)
                .and_then(Option::as_ref)
                .is_some_and(|x| x.settled)
        };
        if let Some(old) = self.find(h, key).filter(|&i| settled(i)) {
            self.close(h, old);
        }
        let i = match by_target.or_else(|| self.find(h, key)) {
            Some(i) => i,
            None => self.open_incident(h, key, ev),
        };
        self.touch(i, ev);
        let mut seq = 0;
        if let Some(inc) = self.inc(i) {
            if !same_attempt {
                inc.failed_attempts += 1;
            }
            inc.add_error(if ev.kind == Kind::LoginFailed {
                "iscsiadm login failed"
            } else {
                "iscsiadm logout failed"
            });
            seq = inc.seq;
        }
        let pending = &mut self.hosts[h].pending_iscsiadm;
        // One entry per process: a process's new line replaces its old one; without process
        // ids, only the last line waits.
        pending.retain(|p| p.3.is_some() && p.3 != ev.pid);
        if pending.len() >= MAX_PENDING_ISCSIADM {
            pending.remove(0);
        }
        pending.push((i, seq, ev.line, ev.pid));
    }

    pub(super) fn iscsiadm_error(&mut self, h: usize, ev: &Fact) {
        let Some(code) = ev.iscsiadm else {
            return;
        };
        // The error line of the same iscsiadm process belongs to it however many lines of
        // other programs came between; without process ids, only a nearby line does.
        let line_now = ev.line;
        let pending = &mut self.hosts[h].pending_iscsiadm;
        pending.retain(|p| line_now.saturating_sub(p.2) <= ISCSIADM_PAIR_LINES);
        let at = match ev.pid {
            Some(pid) => pending.iter().rposition(|p| p.3 == Some(pid)),
            None => pending.iter().rposition(|p| p.3.is_none()),
        }
        .or_else(|| {
            pending
                .iter()
                .rposition(|p| p.3.is_none() || ev.pid.is_none())
        });
        let Some(at) = at else {
            return;
        };
        let (i, seq, line, pid) = pending.remove(at);
        let distance = line_now.saturating_sub(line);
        let paired = match (pid, ev.pid) {
            (Some(a), Some(b)) => a == b,
            _ => distance <= 3,
        };
        if !paired
            || self
                .slots
                .get(i)
                .and_then(Option::as_ref)
                .is_none_or(|x| x.seq != seq)
        {
            return;
        }
        self.touch(i, ev);
        let mut done = false;
        if let Some(inc) = self.inc(i) {
            let c = Cause::iscsiadm(code.0);
            if inc.cause.kind <= CauseKind::IscsiadmError {
                inc.cause = c;
            } else {
                inc.relogin_failure = Some(c);
            }
            // An iscsiadm command failed and returned: nothing more will happen to it,
            // unless a failing session was behind it.
            done = inc.sid.is_none() || inc.logged_out || inc.events <= 2;
            // A portal's failed login stays open for the lines of the same moment (see
            // `Incident::settled`).
            if done && inc.sid.is_none() && inc.portal.is_some() {
                inc.settled = true;
                done = false;
            }
        }
        if done {
            self.close(h, i);
        }
    }

    pub(super) fn login_succeeded(&mut self, h: usize, ev: &Fact) {
        let Some(p) = portal_of(ev) else { return };
        if let Some(i) = self.find(h, Key::Portal(&p)) {
            self.touch(i, ev);
            if let Some(inc) = self.inc(i) {
                inc.outcome = Outcome::Recovered;
            }
            self.close(h, i);
        }
    }
}

/// The text to count for a failed attempt.
fn failure_text(ev: &Fact) -> std::borrow::Cow<'_, str> {
    use std::borrow::Cow;
    if let Some(t) = ev.errno_words() {
        return t;
    }
    if let Some((c, d)) = ev.login.map(|l| (l.class(), l.detail())) {
        return Cow::Owned(match crate::decode::names::login_status_name(c, d) {
            Some(n) => format!("login rejected {c:02x}/{d:02x} {n}"),
            None => format!("login rejected {c:02x}/{d:02x}"),
        });
    }
    if let Some(c) = ev.login_code {
        return Cow::Owned(match c.name() {
            Some(name) => format!("login error {} {name}", c.get()),
            None => format!("login error (iscsid status {})", c.get()),
        });
    }
    Cow::Owned(
        ev.pattern_id
            .rsplit('.')
            .next()
            .unwrap_or("failed")
            .replace('_', " "),
    )
}
