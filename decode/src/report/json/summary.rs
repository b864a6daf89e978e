//! The summary object of the NDJSON report: the counts, the inputs and one object per host
//! (docs/decode.md).

use crate::decode::envelope::Format;
use crate::decode::incidents::{HostSummary, advice};
use crate::decode::patterns::Kind;
use crate::decode::run::Summary;
use crate::report::jsonw::Obj;

fn host_members(o: &mut Obj, h: &HostSummary, names: &[String]) {
    // Absent for lines without a host name (schema 1.0; it was `null`).
    o.opt_str("host", h.host.as_deref());
    if names.len() > 1 {
        if let Some(f) = h.file.and_then(|f| names.get(f)) {
            o.str("file", f);
        }
    }
    o.open_array("sessions");
    for s in &h.sessions {
        o.elem_int(*s);
    }
    o.close_array();
    o.int("incidents", h.incidents());
    o.int("recovered", h.outcomes[0]);
    o.int("recovery_timed_out", h.outcomes[1]);
    o.int("unresolved", h.outcomes[2]);
    o.num("down_s", h.down_s);
    o.num("longest_s", h.longest_s);
    o.int("io_errors", h.io_errors);
    o.int("unattributed_io_errors", h.unattributed_io_errors);
    o.int("unattributed_scsi", h.unattributed_scsi);
    o.int("suppressed", h.suppressed);
    let off: Vec<String> = h.offline_devices.iter().map(|d| d.to_string()).collect();
    o.strs("offline_devices", off.iter().map(String::as_str));
    o.int("multipath_failing", h.mp_failing);
    o.int("multipath_reinstated", h.mp_reinstated);
    o.int("journal_dropped", h.journal_dropped);
    if !h.command_failures.is_empty() {
        o.strs(
            "command_failures",
            h.command_failures.iter().map(String::as_str),
        );
    }
    if h.burst.0 > 1 {
        o.open("burst");
        o.int("incidents", h.burst.0);
        o.opt_str("at", h.burst.1.as_deref());
        o.close();
    }
    let s = advice::host_suggestions(h);
    if !s.is_empty() {
        o.strs("advice", s.iter().map(String::as_str));
    }
}

/// Writes the members of the summary object (without `type`) into `o`.
pub fn summary_members(o: &mut Obj, s: &Summary) {
    let names: Vec<String> = s.inputs.iter().map(|i| i.name.clone()).collect();
    let st = &s.stats;
    o.int("lines", st.lines);
    o.int("recognised", st.recognised);
    o.int("unrecognised", st.lines - st.recognised.min(st.lines));
    o.int("candidates", st.candidates);
    o.int(
        "unattributed_scsi",
        s.hosts.iter().map(|h| h.unattributed_scsi).sum::<u64>(),
    );
    o.int("incidents", s.incidents());
    o.open("outcomes");
    for (i, name) in ["recovered", "recovery_timed_out", "unresolved"]
        .iter()
        .enumerate()
    {
        o.int(name, s.hosts.iter().map(|h| h.outcomes[i]).sum::<u64>());
    }
    o.close();
    o.open("formats");
    for (f, n) in Format::ALL.iter().zip(st.formats) {
        if n > 0 {
            o.int(f.name(), n);
        }
    }
    o.close();
    o.open("kinds");
    for (k, n) in Kind::ALL.iter().zip(&s.kinds) {
        if *n > 0 {
            o.int(k.name(), *n);
        }
    }
    o.close();
    o.int("invalid_utf8", st.invalid_utf8);
    o.int("truncated", st.truncated);
    o.int("redacted", st.redacted);
    o.open_array("inputs");
    for i in &s.inputs {
        o.open_elem();
        o.str("name", &i.name);
        o.int("lines", i.lines);
        o.bool("gzip", i.gzip);
        o.opt_str(
            "error",
            i.error.as_ref().map(|e| e.io().to_string()).as_deref(),
        );
        o.close();
    }
    o.close_array();
    if !s.open_errors.is_empty() {
        let open: Vec<String> = s.open_errors.iter().map(ToString::to_string).collect();
        o.strs("open_errors", open.iter().map(String::as_str));
    }
    o.open_array("hosts");
    for h in &s.hosts {
        o.open_elem();
        host_members(o, h, &names);
        o.close();
    }
    o.close_array();
}
