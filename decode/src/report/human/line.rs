//! One line per recognised log line (`--verbose`) and the passthrough of unrecognised
//! lines, rendered on the worker threads.

use crate::decode::Event;
use crate::decode::names;
use crate::decode::patterns::Severity;
use crate::decode::run::Render;
use crate::report::term::{Paint, Term};

/// Renders per-line detail (`--verbose`) and passthrough lines on a worker thread.
pub struct HumanRender {
    /// Colour on.
    pub color: bool,
    /// One line per recognised line.
    pub verbose: bool,
    /// The input's name and a colon, with several inputs.
    pub prefix: String,
}

impl Render for HumanRender {
    fn event(&mut self, _file: usize, ev: &Event<'_>, _out: &mut Vec<u8>, detail: &mut Vec<u8>) {
        if !self.verbose {
            return;
        }
        let paint = match ev.pattern.kind.severity() {
            Severity::Error => Some(Paint::Red),
            Severity::Warning => Some(Paint::Yellow),
            Severity::Info => None,
        };
        let t = &mut Term::new(detail, self.color);
        t.text(&format!(
            "  {}{:>7}  {}  ",
            self.prefix,
            ev.line,
            ev.time_text().unwrap_or_default()
        ));
        if let Some(h) = ev.env.host.as_deref().filter(|h| !h.is_empty()) {
            t.text(h).text("  ");
        }
        t.padded(paint, ev.pattern.kind.name(), 24)
            .text(&event_summary(ev))
            .nl()
            .text("         ")
            .paint(Paint::Dim, ev.raw)
            .nl();
    }

    fn unrecognised(&mut self, _file: usize, _line: u64, text: &str, out: &mut Vec<u8>) {
        Term::new(out, false).text(text).nl();
    }
}

/// A compact description (unescaped: write it through a [`Term`]) of an event's fields: `3:0 error 1022 ISCSI_ERR_NOP_TIMEDOUT ...`.
pub fn event_summary(ev: &Event<'_>) -> String {
    let f = &ev.fields;
    let mut parts: Vec<String> = Vec::new();
    match (f.sid, f.cid) {
        (Some(s), Some(c)) => parts.push(format!("conn {s}:{c}")),
        (Some(s), None) => parts.push(format!("session {s}")),
        (None, Some(c)) => parts.push(format!("conn ?:{c}")),
        _ => {}
    }
    if let Some(h) = f.hctl {
        parts.push(h.to_string());
    }
    if let Some(d) = f.disk.as_deref() {
        parts.push(format!("[{d}]"));
    }
    if let Some(h) = f.scsi_host {
        parts.push(format!("host{h}"));
    }
    if let Some(k) = f.kerr.map(|k| k.0) {
        let n = names::kernel_error(k);
        parts.push(format!("error {k} {}", n.name.unwrap_or("ISCSI_ERR_???")));
    }
    if let Some(s) = f.state.map(|s| s.0) {
        parts.push(format!(
            "state {s} {}",
            names::conn_state_label(s)
                .or(names::conn_state_name(s))
                .unwrap_or("?")
        ));
    }
    if let Some((c, d)) = f.login.map(|l| (l.class(), l.detail())) {
        parts.push(format!(
            "login {c:02x}/{d:02x} {}",
            names::login_status_name(c, d).unwrap_or("ISCSI_LOGIN_STATUS_???")
        ));
    }
    if let Some(c) = f.login_code {
        parts.push(format!("iscsid login status {c}"));
    }
    if let Some(c) = f.iscsiadm.map(|c| c.0) {
        parts.push(format!(
            "iscsiadm {c} {}",
            names::iscsiadm_name(c).unwrap_or("ISCSI_ERR_???")
        ));
    }
    if let Some(t) = &ev.timing {
        parts.push(format!(
            "HZ {}{}, silence {:.2} s, ping unanswered {:.2} s{}",
            t.hz,
            if t.hz_confirmed { " (confirmed)" } else { "" },
            t.silence_s,
            t.since_ping_s,
            if t.stalled { ", host stalled" } else { "" }
        ));
    }
    if let Some(a) = f.addr {
        match f.port {
            Some(p) => parts.push(format!("portal {a}:{p}")),
            None => parts.push(format!("portal {a}")),
        }
    }
    if let Some(t) = f.target {
        parts.push(format!("target {t}"));
    }
    if let Some(t) = f.errno_text {
        parts.push(format!("({t})"));
    } else if let Some(t) = f.errno.and_then(crate::decode::fields::errno_text) {
        parts.push(format!("({t})"));
    }
    if let Some(a) = f.attempts {
        parts.push(format!("{a} attempts"));
    }
    if let Some(s) = f.secs {
        parts.push(format!("{s} s"));
    }
    if let Some(h) = f.hostbyte {
        parts.push(h.to_string());
    }
    if let Some(p) = f.path_dev {
        parts.push(format!("path {p}"));
    }
    if let Some(c) = f.count {
        parts.push(format!("count {c}"));
    }
    if let Some(u) = f.unit {
        parts.push(u.to_string());
    }
    match (f.listing_key, f.listing_value) {
        (Some(k), Some(v)) => parts.push(format!("{k} = {v}")),
        // A listing line whose value went to a typed field the summary does not show.
        (Some(k), None) => match f.iface.or(f.transport).or(f.initiator).or(f.version) {
            Some(v) => parts.push(format!("{k} = {v}")),
            None => parts.push(k.to_string()),
        },
        _ => {}
    }
    if let Some(s) = f.devstate {
        if f.listing_key.is_some() {
            parts.push(format!("state {s}"));
        }
    }
    parts.join(", ")
}
