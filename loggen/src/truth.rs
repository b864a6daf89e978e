//! Ground truth: what happened in the generated log, recorded from the lines actually written.
//!
//! Truth is kept per emitted line, not per plan: an incident cut off by the end of the file is
//! `unresolved`, and a recovery that the format cannot show (dmesg has no iscsid lines) leaves
//! the incident without an end. A decoder reading the log can therefore match it exactly.

use std::fmt::Write as _;

/// How an incident ended, as far as the log shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// iscsid logged `connectionN:0 is operational after recovery (K attempts)`.
    Recovered,
    /// The kernel logged `sessionN: session recovery timed out after S secs`.
    RecoveryTimedOut,
    /// Neither line appears before the end of the log.
    Unresolved,
}

impl Outcome {
    /// The name the decoder's NDJSON uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Recovered => "recovered",
            Outcome::RecoveryTimedOut => "recovery_timed_out",
            Outcome::Unresolved => "unresolved",
        }
    }
}

/// One line position in the log.
#[derive(Debug, Clone, PartialEq)]
pub struct Stamp {
    /// 1-based line number.
    pub line: u64,
    /// The timestamp text exactly as printed (without dmesg's brackets, leading spaces trimmed).
    pub text: String,
    /// The printed time in seconds: Unix time, or uptime for `dmesg`, at the format's precision.
    pub secs: f64,
}

/// A connection failure and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Host name as printed, `None` for dmesg formats.
    pub host: Option<String>,
    /// Session id.
    pub sid: u32,
    /// Connection id (always 0 with open-iscsi).
    pub cid: u32,
    /// Kernel `enum iscsi_err` code in `detected conn error (N)`.
    pub cause: u16,
    /// Its name, e.g. `ISCSI_ERR_NOP_TIMEDOUT`.
    pub cause_name: &'static str,
    /// First line of the incident (the ping-timeout line for 1022, else the conn-error line).
    pub start: Stamp,
    /// The `detected conn error` line.
    pub error_line: Option<u64>,
    /// The recovery or timeout line.
    pub end: Option<Stamp>,
    /// Outcome as the log shows it.
    pub outcome: Outcome,
    /// `connect to ... failed` lines for this session's portal between start and end.
    pub attempts: u32,
    /// The K in `(K attempts)`, when recovered (iscsid counts the successful try too).
    pub reported_attempts: Option<u32>,
    /// `end.secs - start.secs`, when ended.
    pub duration_s: Option<f64>,
    /// After timing out, the session came back (`operational after recovery` later in the log;
    /// multipath hosts, where iscsid keeps retrying and dm-multipath reinstates the path).
    pub reconnected_after_timeout: bool,
    /// `connect to ... failed` lines for the portal after the timeout line.
    pub late_attempts: u32,
    /// The K of the late `operational after recovery (K attempts)` line.
    pub late_reported_attempts: Option<u32>,
    /// Where the outage visibly ends: the recovery line, the late reconnect after a timeout, or
    /// iscsiadm's `Logging out of session` for a timed-out session. `None` while still down at
    /// the end of the log (or when the format cannot show it).
    pub outage_end: Option<Stamp>,
    /// `outage_end.secs - start.secs`.
    pub outage_s: Option<f64>,
    /// The session's recovery timeout in seconds.
    pub recovery_tmo: u32,
    /// The host's HZ (for checking jiffies-derived values).
    pub hz: u32,
    /// The host uses dm-multipath.
    pub multipath: bool,
    /// Target IQN.
    pub target: String,
    /// Portal `ip:port`.
    pub portal: String,
    /// Started deliberately near the end of the log so that it stays unresolved.
    pub tail: bool,
}

/// An `iscsiadm: Could not login` / `initiator reported error (N - text)` pair.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginFailure {
    /// Host name.
    pub host: Option<String>,
    /// iscsiadm error code (8 = connection timed out, 24 = authorization failure, ...).
    pub code: u8,
    /// Target IQN.
    pub target: String,
    /// Portal `ip:port`.
    pub portal: String,
    /// The `Could not login` line.
    pub line: Stamp,
    /// The `initiator reported error` line.
    pub error_line: Option<u64>,
}

/// Everything the generator knows about the log it wrote.
#[derive(Debug, Clone, Default)]
pub struct Truth {
    /// Output format name.
    pub format: String,
    /// Seed.
    pub seed: u64,
    /// Lines written.
    pub lines: u64,
    /// Bytes written.
    pub bytes: u64,
    /// Lines that belong to the iSCSI stack (incidents, logins, their block/multipath fallout).
    pub iscsi_lines: u64,
    /// Connection incidents, in start order.
    pub incidents: Vec<Incident>,
    /// Login failures, in order.
    pub login_failures: Vec<LoginFailure>,
}

fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_opt_str(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => json_str(out, s),
        None => out.push_str("null"),
    }
}

fn json_stamp(out: &mut String, s: Option<&Stamp>) {
    match s {
        None => out.push_str("null"),
        Some(s) => {
            let _ = write!(out, "{{\"line\":{},\"text\":", s.line);
            json_str(out, &s.text);
            let _ = write!(out, ",\"secs\":{}}}", fmt_f64(s.secs));
        }
    }
}

fn fmt_f64(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.6}")
    }
}

fn json_opt<T: std::fmt::Display>(out: &mut String, v: Option<T>) {
    match v {
        Some(v) => {
            let _ = write!(out, "{v}");
        }
        None => out.push_str("null"),
    }
}

impl Truth {
    /// Serialises as JSON: an object with one incident or login failure per line.
    pub fn to_json(&self) -> String {
        let mut o = String::with_capacity(256 + 400 * self.incidents.len());
        o.push_str("{\"generator\":\"iscsi-loggen\",\"format\":");
        json_str(&mut o, &self.format);
        let _ = write!(
            o,
            ",\"seed\":{},\"lines\":{},\"bytes\":{},\"iscsi_lines\":{},\n\"incidents\":[",
            self.seed, self.lines, self.bytes, self.iscsi_lines
        );
        for (i, inc) in self.incidents.iter().enumerate() {
            o.push_str(if i == 0 { "\n" } else { ",\n" });
            o.push_str("{\"host\":");
            json_opt_str(&mut o, inc.host.as_deref());
            let _ = write!(
                o,
                ",\"sid\":{},\"cid\":{},\"cause\":{{\"code\":{},\"name\":",
                inc.sid, inc.cid, inc.cause
            );
            json_str(&mut o, inc.cause_name);
            o.push_str("},\"start\":");
            json_stamp(&mut o, Some(&inc.start));
            o.push_str(",\"error_line\":");
            json_opt(&mut o, inc.error_line);
            o.push_str(",\"end\":");
            json_stamp(&mut o, inc.end.as_ref());
            o.push_str(",\"outcome\":");
            json_str(&mut o, inc.outcome.as_str());
            let _ = write!(o, ",\"attempts\":{},\"reported_attempts\":", inc.attempts);
            json_opt(&mut o, inc.reported_attempts);
            o.push_str(",\"duration_s\":");
            json_opt(&mut o, inc.duration_s.map(fmt_f64));
            let _ = write!(
                o,
                ",\"reconnected_after_timeout\":{},\"late_attempts\":{},\"late_reported_attempts\":",
                inc.reconnected_after_timeout, inc.late_attempts
            );
            json_opt(&mut o, inc.late_reported_attempts);
            o.push_str(",\"outage_end\":");
            json_stamp(&mut o, inc.outage_end.as_ref());
            o.push_str(",\"outage_s\":");
            json_opt(&mut o, inc.outage_s.map(fmt_f64));
            let _ = write!(
                o,
                ",\"recovery_tmo\":{},\"hz\":{},\"multipath\":{},\"target\":",
                inc.recovery_tmo, inc.hz, inc.multipath
            );
            json_str(&mut o, &inc.target);
            o.push_str(",\"portal\":");
            json_str(&mut o, &inc.portal);
            let _ = write!(o, ",\"tail\":{}}}", inc.tail);
        }
        o.push_str("\n],\n\"login_failures\":[");
        for (i, lf) in self.login_failures.iter().enumerate() {
            o.push_str(if i == 0 { "\n" } else { ",\n" });
            o.push_str("{\"host\":");
            json_opt_str(&mut o, lf.host.as_deref());
            let _ = write!(o, ",\"code\":{},\"target\":", lf.code);
            json_str(&mut o, &lf.target);
            o.push_str(",\"portal\":");
            json_str(&mut o, &lf.portal);
            o.push_str(",\"line\":");
            json_stamp(&mut o, Some(&lf.line));
            o.push_str(",\"error_line\":");
            json_opt(&mut o, lf.error_line);
            o.push('}');
        }
        o.push_str("\n]}\n");
        o
    }

    /// Incidents with the given outcome.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.incidents
            .iter()
            .filter(|i| i.outcome == outcome)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape() {
        let t = Truth {
            format: "syslog".into(),
            seed: 1,
            lines: 10,
            bytes: 1000,
            iscsi_lines: 3,
            incidents: vec![Incident {
                host: Some("node01".into()),
                sid: 3,
                cid: 0,
                cause: 1022,
                cause_name: "ISCSI_ERR_NOP_TIMEDOUT",
                start: Stamp {
                    line: 4,
                    text: "Mar  4 00:02:51".into(),
                    secs: 1_709_510_571.0,
                },
                error_line: Some(5),
                end: None,
                outcome: Outcome::Unresolved,
                attempts: 2,
                reported_attempts: None,
                duration_s: None,
                reconnected_after_timeout: false,
                late_attempts: 0,
                late_reported_attempts: None,
                outage_end: None,
                outage_s: None,
                recovery_tmo: 120,
                hz: 250,
                multipath: false,
                target: "iqn.x:\"y\"".into(),
                portal: "10.20.30.11:3260".into(),
                tail: true,
            }],
            login_failures: vec![],
        };
        let j = t.to_json();
        assert!(j.contains("\"outcome\":\"unresolved\""), "{j}");
        assert!(j.contains("\"secs\":1709510571.0"), "{j}");
        assert!(j.contains("iqn.x:\\\"y\\\""), "{j}");
        assert!(j.contains("\"cause\":{\"code\":1022,\"name\":\"ISCSI_ERR_NOP_TIMEDOUT\"}"));
    }
}
