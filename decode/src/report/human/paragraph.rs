//! One paragraph per incident: a heading (host, session, target, times, outcome), what
//! failed and why, what iscsid did, how it ended, what to change, and where in the log.

use crate::decode::incidents::advice::{human_duration, suggestions};
use crate::decode::incidents::{CauseKind, Incident, Outcome};
use crate::decode::names;
use crate::report::term::{Paint, Term};
use std::fmt::Write as _;

/// The outcome's word in a heading, and its colour.
pub(super) fn outcome_label(o: Outcome) -> (Paint, &'static str) {
    match o {
        Outcome::Recovered => (Paint::Green, "RECOVERED"),
        Outcome::RecoveryTimedOut => (Paint::Red, "RECOVERY TIMED OUT"),
        Outcome::Unresolved => (Paint::Yellow, "UNRESOLVED"),
    }
}

/// Writes the paragraph of `inc`; `names` are the inputs' names (shown with several).
pub fn paragraph(t: &mut Term<'_>, inc: &Incident, names: &[String]) {
    let (paint, outcome) = outcome_label(inc.outcome);
    let mut head = format!("#{} ", inc.seq);
    if let Some(h) = &inc.host {
        let _ = write!(head, "{h}  ");
    }
    head.push_str(&inc.subject());
    if let Some(tg) = &inc.target {
        let _ = write!(head, " {tg}");
    }
    match (&inc.start_text, &inc.end_text) {
        (Some(a), Some(b)) if a != b => {
            let _ = write!(head, "  {a} → {b}");
        }
        (Some(a), _) => {
            let _ = write!(head, "  {a}");
        }
        _ => {}
    }
    // The one downtime figure (Incident::down_s), as in the summary's total.
    if let Some(d) = inc.down_s().filter(|d| *d >= 1.0) {
        let _ = write!(head, " (down {})", human_duration(d));
    }
    t.text("  ")
        .paint(Paint::Bold, &head)
        .text("  ")
        .paint(paint, outcome)
        .nl();
    let mut body = vec![cause_sentence(inc)];
    body.extend(attempts_sentence(inc));
    body.push(outcome_sentence(inc));
    for line in body {
        t.para("     ", "       ", &line);
    }
    for a in suggestions(inc) {
        t.para("     → ", "       ", &a);
    }
    let file = match names.get(inc.file) {
        Some(n) if names.len() > 1 => format!("{n}: "),
        _ => String::new(),
    };
    let lines = if inc.lines.0 == inc.lines.1 {
        format!("{file}line {}", inc.lines.0)
    } else {
        format!("{file}lines {}–{}", inc.lines.0, inc.lines.1)
    };
    t.text("     ").paint(Paint::Dim, &lines).nl();
}

pub(super) fn cause_sentence(inc: &Incident) -> String {
    let c = &inc.cause;
    let mut s = match c.kind {
        CauseKind::KernelError => {
            let code = c.code.unwrap_or(0) as u32;
            let k = names::kernel_error(code);
            format!(
                "Connection error {} {} ({})",
                code,
                k.name.unwrap_or("ISCSI_ERR_???"),
                k.text
            )
        }
        CauseKind::LoginStatus => format!("Login rejected: {}", c.label()),
        CauseKind::IscsiadmError => format!(
            "iscsiadm failed with error {} ({})",
            c.label(),
            c.text.as_deref().unwrap_or("no text")
        ),
        CauseKind::Connect => format!(
            "Connections to {} failed ({})",
            inc.portal.as_deref().unwrap_or("the portal"),
            c.text.as_deref().unwrap_or("?")
        ),
        CauseKind::RecoveryTimeout | CauseKind::Unknown => {
            if inc.started_before_log {
                "The failure itself happened before the start of the log".to_string()
            } else if let Some(n) = inc.scsi_host {
                let devs: Vec<String> = inc
                    .offline_devices
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                format!(
                    "Device{} {} of SCSI host {n} went offline with failed I/O; no session or \
                     connection line in the log says why",
                    if devs.len() == 1 { "" } else { "s" },
                    devs.join(", ")
                )
            } else {
                "No cause in the log".to_string()
            }
        }
    };
    if let Some(st) = inc.state {
        let label = names::conn_state_label(st)
            .or(names::conn_state_name(st))
            .unwrap_or("?");
        let _ = write!(s, " in state {st} ({label})");
    }
    if let Some(t) = &inc.timing {
        let _ = write!(
            s,
            "; nothing received for {} (HZ {}{}, timeouts allow {})",
            human_duration(t.silence_s),
            t.hz,
            if t.hz_confirmed {
                ", confirmed by uptime"
            } else {
                ""
            },
            human_duration(t.expected_s)
        );
        if t.stalled {
            s.push_str(": the host stalled");
        }
    }
    s.push('.');
    s
}

pub(super) fn attempts_sentence(inc: &Incident) -> Option<String> {
    let errs: Vec<String> = inc
        .errors
        .iter()
        .map(|(t, n)| {
            if *n > 1 {
                format!("{t} ×{n}")
            } else {
                t.clone()
            }
        })
        .collect();
    let mut s = match (inc.reported_attempts, inc.failed_attempts) {
        (Some(k), _) => format!(
            "iscsid logged in again after {k} attempt{}",
            if k == 1 { "" } else { "s" }
        ),
        (None, 0) => {
            return inc
                .relogin_failure
                .as_ref()
                .map(|c| format!("Relogins failed with {}.", c.label()));
        }
        (None, n) => format!("{n} failed attempt{}", if n == 1 { "" } else { "s" }),
    };
    if !errs.is_empty() {
        let _ = write!(s, " ({})", errs.join(", "));
    }
    if let Some(c) = inc
        .relogin_failure
        .as_ref()
        .filter(|c| c.kind != CauseKind::Connect)
        // Said once: not again when the attempts' errors already name it.
        .filter(|c| !errs.iter().any(|e| e.contains(&c.label())))
    {
        let _ = write!(s, "; relogins failed with {}", c.label());
    }
    if !inc.shared_with.is_empty() {
        let mut all: Vec<i64> = inc
            .sid
            .into_iter()
            .chain(inc.shared_with.iter().copied())
            .collect();
        all.sort_unstable();
        let names: Vec<String> = all.iter().map(i64::to_string).collect();
        let list = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let _ = write!(
            s,
            "; connects to a portal no line ties to a session failed during the recovery of \
             sessions {list} (the log does not say whose)"
        );
    }
    s.push('.');
    Some(s)
}

pub(super) fn outcome_sentence(inc: &Incident) -> String {
    let mut s = match inc.outcome {
        Outcome::Recovered if inc.outcome_inferred => {
            "Recovered (inferred: the same connection failed again later while logged in)"
                .to_string()
        }
        Outcome::Recovered => match (inc.duration_s(), &inc.timing) {
            (Some(d), Some(t)) => format!(
                "Recovered; the path was down for about {} ({} of silence before the NOP \
                 timeout, {} until iscsid logged in again)",
                human_duration(inc.down_s().unwrap_or(t.silence_s + d)),
                human_duration(t.silence_s),
                human_duration(d)
            ),
            (Some(d), None) => {
                format!("Recovered; the path was down for {}", human_duration(d))
            }
            (None, _) => "Recovered".to_string(),
        },
        Outcome::RecoveryTimedOut => {
            let mut s = match inc.recovery_timeout_s {
                Some(n) => format!("Session recovery timed out after {n} s"),
                None => "Session recovery timed out".to_string(),
            };
            if !inc.offline_devices.is_empty() {
                let devs: Vec<String> = inc
                    .offline_devices
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let _ = write!(
                    s,
                    "; device{} {} went offline",
                    if devs.len() == 1 { "" } else { "s" },
                    devs.join(", ")
                );
            }
            if inc.reconnected_after_timeout {
                s.push_str("; iscsid logged in again later");
            }
            s
        }
        Outcome::Unresolved if inc.gave_up => "iscsid gave up".to_string(),
        Outcome::Unresolved if inc.logged_out => {
            "The session was logged out while failing".to_string()
        }
        Outcome::Unresolved if inc.scsi_host.is_some() => {
            "Still offline at the end of the log".to_string()
        }
        Outcome::Unresolved => "Still unresolved at the end of the log".to_string(),
    };
    if inc.io_errors > 0 {
        let disks: Vec<String> = inc.disks.iter().map(ToString::to_string).collect();
        let _ = write!(
            s,
            "; {} I/O error{}",
            inc.io_errors,
            if inc.io_errors == 1 { "" } else { "s" }
        );
        if !disks.is_empty() {
            let _ = write!(s, " on {}", disks.join(", "));
        }
        if inc.suppressed > 0 {
            let _ = write!(s, " (+{} suppressed)", inc.suppressed);
        }
    }
    if inc.scsi_failures > 0 {
        let hb: Vec<String> = inc.hostbytes.iter().map(ToString::to_string).collect();
        let _ = write!(
            s,
            "; {} failed SCSI command{} ({})",
            inc.scsi_failures,
            if inc.scsi_failures == 1 { "" } else { "s" },
            hb.join(", ")
        );
    }
    if !inc.mp_failed.is_empty() {
        let v: Vec<String> = inc.mp_failed.iter().map(ToString::to_string).collect();
        let _ = write!(s, "; multipath failed path {}", v.join(", "));
    }
    if !inc.mp_reinstated.is_empty() {
        let v: Vec<String> = inc.mp_reinstated.iter().map(ToString::to_string).collect();
        let _ = write!(s, "; multipath reinstated {}", v.join(", "));
    }
    if let (Some(d), Outcome::RecoveryTimedOut | Outcome::Unresolved) = (inc.down_s(), inc.outcome)
    {
        if d >= 1.0 {
            let _ = write!(s, " (down at least {} by its last line)", human_duration(d));
        }
    }
    s.push('.');
    s
}
