//! The incident object of the NDJSON report (docs/decode.md).

use super::ts;
use crate::decode::incidents::{Incident, advice};
use crate::decode::names;
use crate::decode::place::{TimeRefs, place_instant};
use crate::report::jsonw::Obj;

/// Writes the members of an incident object (without `type` and `file`) into `o`;
/// `refs` are what its input's times are placed through (see [`crate::decode::place`]).
pub fn incident_members(o: &mut Obj, inc: &Incident, refs: &TimeRefs) {
    o.int("id", inc.seq);
    o.opt_str("host", inc.host.as_deref());
    o.opt_int("sid", inc.sid);
    o.opt_int("cid", inc.cid);
    o.opt_int("scsi_host", inc.scsi_host);
    o.opt_str("target", inc.target.as_deref());
    if let Some(p) = inc.portal.as_deref() {
        portal(o, p);
    }
    o.open("cause");
    o.str("kind", inc.cause.kind.name());
    o.opt_int("code", inc.cause.code);
    o.opt_str("name", inc.cause.name);
    o.opt_str("text", inc.cause.text.as_deref());
    o.close();
    if !inc.shared_with.is_empty() {
        o.open_array("shared_with");
        for s in &inc.shared_with {
            o.elem_int(*s);
        }
        o.close_array();
    }
    if let Some(c) = &inc.relogin_failure {
        o.open("relogin_failure");
        o.str("kind", c.kind.name());
        o.opt_int("code", c.code);
        o.opt_str("name", c.name);
        o.opt_str("text", c.text.as_deref());
        o.close();
    }
    if let Some(s) = inc.state {
        o.open("state");
        o.int("value", s);
        o.opt_str("name", names::conn_state_name(s));
        o.close();
    }
    o.opt_str("start", inc.start_text.as_deref());
    o.opt_str("end", inc.end_text.as_deref());
    let start = inc
        .start
        .and_then(|t| place_instant(t, inc.start_text.as_deref(), refs));
    let end = inc
        .end
        .and_then(|t| place_instant(t, inc.end_text.as_deref(), refs));
    if let Some(s) = start {
        ts::write(s, o, "ts", end);
    }
    if let Some(e) = end {
        ts::write_alone(e, o, "end_ts");
    }
    o.opt_num("duration_s", inc.duration_s());
    o.opt_num("down_s", inc.down_s());
    o.str("outcome", inc.outcome.name());
    if inc.outcome_inferred {
        o.bool("outcome_inferred", true);
    }
    if inc.started_before_log {
        o.bool("started_before_log", true);
    }
    o.opt_int("attempts", inc.attempts());
    if !inc.errors.is_empty() {
        o.open_array("attempt_errors");
        for (t, n) in &inc.errors {
            o.open_elem();
            o.str("text", t);
            o.int("count", *n);
            o.close();
        }
        o.close_array();
    }
    if let Some(t) = &inc.timing {
        o.open("timing");
        o.int("hz", t.hz);
        o.num("silence_s", t.silence_s);
        o.num("since_ping_s", t.since_ping_s);
        o.bool("stalled", t.stalled);
        o.close();
    }
    o.opt_int("recovery_timeout_s", inc.recovery_timeout_s);
    if inc.reconnected_after_timeout {
        o.bool("reconnected_after_timeout", true);
    }
    if !inc.offline_devices.is_empty() {
        let v: Vec<String> = inc.offline_devices.iter().map(|h| h.to_string()).collect();
        o.strs("offline_devices", v.iter().map(String::as_str));
    }
    if inc.io_errors > 0 || inc.suppressed > 0 {
        o.int("io_errors", inc.io_errors);
        o.strs("disks", inc.disks.iter().map(String::as_str));
    }
    if inc.suppressed > 0 {
        o.int("suppressed", inc.suppressed);
    }
    if inc.scsi_failures > 0 {
        o.int("scsi_failures", inc.scsi_failures);
        o.strs("hostbytes", inc.hostbytes.iter().map(String::as_str));
    }
    if !inc.mp_failed.is_empty() || !inc.mp_reinstated.is_empty() {
        o.open("multipath");
        o.strs("failed_paths", inc.mp_failed.iter().map(String::as_str));
        o.strs(
            "reinstated_paths",
            inc.mp_reinstated.iter().map(String::as_str),
        );
        o.close();
    }
    if inc.gave_up {
        o.bool("gave_up", true);
    }
    if inc.logged_out {
        o.bool("logged_out", true);
    }
    o.open_array("lines");
    o.elem_int(inc.lines.0);
    o.elem_int(inc.lines.1);
    o.close_array();
    o.int("events", inc.events);
    let s = advice::suggestions(inc);
    if !s.is_empty() {
        o.strs("advice", s.iter().map(String::as_str));
    }
}

/// `portal`: `{"address", "port"?, "tpgt"?}` from the engine's `address[:port][,tpgt]`
/// (an IPv6 address in brackets keeps them), the shape of an event's `portal`.
fn portal(o: &mut Obj, p: &str) {
    let (rest, tpgt) = match p.rsplit_once(',') {
        Some((r, t)) if !t.is_empty() && t.bytes().all(|c| c.is_ascii_digit()) => {
            (r, t.parse::<u32>().ok())
        }
        _ => (p, None),
    };
    let (address, port) = match rest.rsplit_once(':') {
        // `a:b:c` without brackets is an IPv6 address without a port.
        Some((a, n))
            if !n.is_empty()
                && n.bytes().all(|c| c.is_ascii_digit())
                && (!a.contains(':') || a.ends_with(']')) =>
        {
            (a, n.parse::<u32>().ok())
        }
        _ => (rest, None),
    };
    o.open("portal");
    o.str("address", address);
    o.opt_int("port", port);
    o.opt_int("tpgt", tpgt);
    o.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_shapes() {
        for (p, want) in [
            (
                "192.0.2.10:3260",
                r#"{"portal":{"address":"192.0.2.10","port":3260}}"#,
            ),
            ("192.0.2.10", r#"{"portal":{"address":"192.0.2.10"}}"#),
            (
                "192.0.2.10:3260,1",
                r#"{"portal":{"address":"192.0.2.10","port":3260,"tpgt":1}}"#,
            ),
            (
                "[fe80::1]:3260",
                r#"{"portal":{"address":"[fe80::1]","port":3260}}"#,
            ),
            ("fe80::1", r#"{"portal":{"address":"fe80::1"}}"#),
        ] {
            let mut o = Obj::default();
            o.begin();
            portal(&mut o, p);
            assert_eq!(o.end(), want, "{p}");
        }
    }
}
