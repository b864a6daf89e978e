//! What to change: short suggestions for an incident, from its cause and outcome. The
//! explanations of codes come from `crate::explain` (through `names`); the sentences here
//! only connect them to what the log showed.

use super::model::{CauseKind, HostSummary, Incident, Outcome};
use crate::decode::names;
use crate::tables::iscsi_proto::LoginStatus;

/// Formats seconds as `10.1 s`, `2 min 5 s`, `1 h 3 min`.
pub fn human_duration(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "?".into();
    }
    if s < 60.0 {
        let r = (s * 10.0).round() / 10.0;
        return if r.fract() == 0.0 {
            format!("{r:.0} s")
        } else {
            format!("{r:.1} s")
        };
    }
    let t = s.round() as u64;
    if t < 3600 {
        let (m, sec) = (t / 60, t % 60);
        return if sec == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {sec} s")
        };
    }
    let (h, m) = (t / 3600, t % 3600 / 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

fn is_auth(c: u8, d: u8) -> bool {
    let s = LoginStatus::from_parts(c, d);
    s == LoginStatus::ISCSI_LOGIN_STATUS_AUTH_FAILED
        || s == LoginStatus::ISCSI_LOGIN_STATUS_TGT_FORBIDDEN
}

/// What to say about one cause.
fn about_cause(inc: &Incident, cause: &super::model::Cause, v: &mut Vec<String>) {
    match cause.kind {
        CauseKind::KernelError => {
            let code = cause.code.unwrap_or(0) as u32;
            let k = names::kernel_error(code);
            match inc.timing {
                Some(t) if code == 1022 && t.stalled => v.push(format!(
                    "The initiator itself stalled: nothing was received for {} where {} are allowed, and the \
                     ping stayed unanswered for {}. Look for a paused or migrated VM, CPU steal or soft \
                     lockups on this host before suspecting the network.",
                    human_duration(t.silence_s),
                    human_duration(t.expected_s),
                    human_duration(t.since_ping_s)
                )),
                Some(t) if code == 1022 => v.push(format!(
                    "The target stopped answering for {} (noop_out_interval + noop_out_timeout = {}): check \
                     the network path (links, switches, MTU) and the target's load.",
                    human_duration(t.silence_s),
                    human_duration(t.expected_s)
                )),
                _ => v.push(k.check.to_string()),
            }
            if let Some(s) = k.setting {
                v.push(format!("Setting: {s}."));
            }
        }
        CauseKind::LoginStatus => {
            let code = cause.code.unwrap_or(0);
            let (c, d) = ((code >> 8) as u8, (code & 0xff) as u8);
            if is_auth(c, d) {
                v.push(
                    "The target refuses this initiator: check the CHAP settings (node.session.auth.*) and \
                     the target's ACL for the initiator name in /etc/iscsi/initiatorname.iscsi."
                        .into(),
                );
            } else {
                v.push(names::login_status_meaning(c, d).to_string());
            }
            if let Some(s) = names::login_status_setting(c, d) {
                v.push(format!("Setting: {s}."));
            }
        }
        CauseKind::IscsiadmError => {
            let code = cause.code.unwrap_or(0) as u8;
            v.push(names::iscsiadm_explanation(code).to_string());
            if let Some(s) = names::iscsiadm_setting(code) {
                v.push(format!("Setting: {s}."));
            }
        }
        CauseKind::Connect
            if inc.outcome != Outcome::Recovered && !inc.reconnected_after_timeout =>
        {
            let portal = inc.portal.as_deref().unwrap_or("the portal");
            v.push(format!(
                "iscsid could not reach {portal} ({}): check routing, firewalls and that the target \
                 listens there. If the target is gone for good, log the session out and delete its node \
                 record (iscsiadm -m node -T <target> -p <portal> -u, then -o delete).",
                cause.text.as_deref().unwrap_or("connect failed")
            ));
        }
        CauseKind::Connect | CauseKind::RecoveryTimeout | CauseKind::Unknown => {}
    }
}

/// Whether the advice about `c` names a specific cause (a login status, an iscsiadm error,
/// an unreachable portal, a timed NOP) rather than the generic "read the logs" of a kernel
/// error.
fn is_specific(inc: &Incident, c: &super::model::Cause) -> bool {
    match c.kind {
        CauseKind::LoginStatus | CauseKind::IscsiadmError | CauseKind::Connect => true,
        CauseKind::KernelError => c.code == Some(1022) && inc.timing.is_some(),
        CauseKind::RecoveryTimeout | CauseKind::Unknown => false,
    }
}

/// Suggestions for one incident, most important first: the specific cause before the
/// generic one (a CHAP rejection of the relogins before "read the target's logs" of the
/// connection error that started it), then the recovery timeout.
pub fn suggestions(inc: &Incident) -> Vec<String> {
    let mut first = Vec::new();
    about_cause(inc, &inc.cause, &mut first);
    if let Some(r) = &inc.relogin_failure {
        let came_back = inc.outcome == Outcome::Recovered || inc.reconnected_after_timeout;
        if !came_back || r.kind == CauseKind::LoginStatus {
            let mut relogin = Vec::new();
            about_cause(inc, r, &mut relogin);
            if is_specific(inc, r) && !is_specific(inc, &inc.cause) {
                relogin.append(&mut first);
                first = relogin;
            } else {
                first.append(&mut relogin);
            }
        }
    }
    if let Some(n) = inc.scsi_host {
        // A device incident without any iSCSI line: say how to tie it to a session.
        first.push(format!(
            "Nothing in this log ties SCSI host {n} to an iSCSI session: `iscsiadm -m session -P 3` \
             shows whether host {n} is one (\"Host Number: {n}\"), and the log from before the first \
             failure shows the connection errors and the recovery timeout behind it."
        ));
    }
    let mut v = Vec::new();
    for s in first {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    // dm-multipath writes its fast_io_fail_tmo into the session's recovery_tmo through sysfs,
    // and once sysfs has set it, iscsid's value is ignored for that session
    // (scsi_transport_iscsi.c: store_priv_session_recovery_tmo sets
    // recovery_tmo_sysfs_override, which iscsi_set_param then honours).
    let multipath = |n: Option<u64>| n.is_some_and(|n| n <= 15) || !inc.mp_failed.is_empty();
    if inc.outcome == Outcome::RecoveryTimedOut {
        match inc.recovery_timeout_s {
            Some(0) => v.push(
                "A recovery timeout of 0 s is what the kernel sets at shutdown: log sessions out before \
                 the network goes down (service ordering of iscsi/open-iscsi at reboot)."
                    .into(),
            ),
            n if multipath(n) => v.push(format!(
                "The recovery timeout{} was dm-multipath's: multipathd writes fast_io_fail_tmo into the \
                 session's recovery_tmo, which then overrides {} (raising that has no effect). I/O failed \
                 over to the other paths by design; if this LUN has no other path, set fast_io_fail_tmo \
                 and no_path_retry (queue) in multipath.conf.",
                n.map(|n| format!(" ({n} s)")).unwrap_or_default(),
                names::REPLACEMENT_TIMEOUT
            )),
            n => v.push(format!(
                "{} ({}) expired before the session came back, so I/O failed. Without multipath, raise it \
                 to ride out outages that long; with dm-multipath keep it short (5 s) and let multipath \
                 fail over.",
                names::REPLACEMENT_TIMEOUT,
                n.map_or("the timeout".into(), |n| format!("{n} s"))
            )),
        }
    }
    v
}

/// Suggestions for a host as a whole.
pub fn host_suggestions(h: &HostSummary) -> Vec<String> {
    let mut v = Vec::new();
    if h.burst.0 >= 3 {
        v.push(format!(
            "{} sessions failed within 5 s{}: a shared cause (target restart or failover, a switch, or this \
             host) is more likely than separate path problems.",
            h.burst.0,
            h.burst.1.as_deref().map(|t| format!(" at {t}")).unwrap_or_default()
        ));
    }
    if h.journal_dropped > 0 {
        v.push(format!(
            "journald dropped {} messages of iSCSI units: the log is incomplete (raise RateLimitBurst in \
             journald.conf).",
            h.journal_dropped
        ));
    }
    if h.suppressed > 0 {
        v.push(format!(
            "The kernel suppressed {} more error lines (rate limiting).",
            h.suppressed
        ));
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(human_duration(10.08), "10.1 s");
        assert_eq!(human_duration(5.0), "5 s");
        assert_eq!(human_duration(125.0), "2 min 5 s");
        assert_eq!(human_duration(3720.0), "1 h 2 min");
        assert_eq!(human_duration(-1.0), "?");
    }
}
