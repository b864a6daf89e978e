//! The human report: totals and a summary per host first, then one short paragraph per
//! incident (what failed, why, what iscsid did, how it ended, what to change), then with
//! `--verbose` one line per recognised log line. Everything taken from the log is escaped.

use super::spool::Spool;
use super::style::{Style, escape_control};
use crate::decode::Event;
use crate::decode::incidents::advice::{host_suggestions, human_duration, suggestions};
use crate::decode::incidents::{CauseKind, HostSummary, Incident, Outcome};
use crate::decode::names;
use crate::decode::run::{Render, Sink, Summary};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Incidents kept for paragraphs; beyond this only the counts are reported.
pub const MAX_PARAGRAPHS: usize = 10_000;

/// Collects incidents (and per-line detail with `verbose`) and writes the report at the end;
/// unrecognised lines (`--passthrough`) are written as they come.
pub struct HumanSink<W: Write> {
    out: W,
    style: Style,
    verbose: bool,
    multi: bool,
    current: String,
    incidents: Vec<Incident>,
    dropped: u64,
    detail: Spool,
    names: Vec<String>,
}

/// Renders per-line detail (`--verbose`) and passthrough lines on a worker thread.
pub struct HumanRender {
    style: Style,
    verbose: bool,
    prefix: String,
}

impl Render for HumanRender {
    fn event(&mut self, _file: usize, ev: &Event<'_>, _out: &mut Vec<u8>, detail: &mut Vec<u8>) {
        if !self.verbose {
            return;
        }
        let st = self.style;
        let kind = format!("{:<24}", ev.pattern.kind.name());
        let kind = match ev.pattern.kind.severity() {
            crate::decode::patterns::Severity::Error => st.red(&kind),
            crate::decode::patterns::Severity::Warning => st.yellow(&kind),
            crate::decode::patterns::Severity::Info => kind,
        };
        let time = ev.time_text().unwrap_or_default();
        let host = ev.env.host.as_deref().unwrap_or("");
        let host = if host.is_empty() {
            String::new()
        } else {
            format!("{}  ", e(host))
        };
        let line = format!(
            "  {}{:>7}  {}  {host}{kind}{}\n         {}\n",
            self.prefix,
            ev.line,
            e(&time),
            event_summary(ev),
            st.dim(&e(ev.raw))
        );
        detail.extend_from_slice(line.as_bytes());
    }

    fn unrecognised(&mut self, _file: usize, _line: u64, text: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(e(text).as_bytes());
        out.push(b'\n');
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn e(s: &str) -> Cow<'_, str> {
    escape_control(s)
}

impl<W: Write> HumanSink<W> {
    /// A report writer.
    pub fn new(out: W, style: Style, verbose: bool) -> Self {
        HumanSink {
            out,
            style,
            verbose,
            multi: false,
            current: String::new(),
            incidents: Vec::new(),
            dropped: 0,
            detail: Spool::new(),
            names: Vec::new(),
        }
    }

    /// Prefixes per-line detail with the input's name (for several inputs).
    pub fn several_inputs(mut self, multi: bool) -> Self {
        self.multi = multi;
        self
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// A compact description of an event's fields: `3:0 error 1022 ISCSI_ERR_NOP_TIMEDOUT ...`.
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
        parts.push(format!("[{}]", e(d)));
    }
    if let Some(h) = f.scsi_host {
        parts.push(format!("host{h}"));
    }
    if let Some(k) = f.kerr {
        let n = names::kernel_error(k);
        parts.push(format!("error {k} {}", n.name.unwrap_or("ISCSI_ERR_???")));
    }
    if let Some(s) = f.state {
        parts.push(format!(
            "state {s} {}",
            names::conn_state_label(s)
                .or(names::conn_state_name(s))
                .unwrap_or("?")
        ));
    }
    if let Some((c, d)) = f.login {
        parts.push(format!(
            "login {c:02x}/{d:02x} {}",
            names::login_status_name(c, d).unwrap_or("ISCSI_LOGIN_STATUS_???")
        ));
    }
    if let Some(c) = f.iscsiadm {
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
            Some(p) => parts.push(format!("portal {}:{p}", e(a))),
            None => parts.push(format!("portal {}", e(a))),
        }
    }
    if let Some(t) = f.target {
        parts.push(format!("target {}", e(t)));
    }
    if let Some(t) = f.errno_text {
        parts.push(format!("({})", e(t)));
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
        parts.push(e(h).into_owned());
    }
    if let Some(p) = f.path_dev {
        parts.push(format!("path {}", e(p)));
    }
    if let Some(c) = f.count {
        parts.push(format!("count {c}"));
    }
    if let Some(u) = f.unit {
        parts.push(e(u).into_owned());
    }
    match (f.listing_key, f.listing_value) {
        (Some(k), Some(v)) => parts.push(format!("{} = {}", e(k), e(v))),
        // A listing line whose value went to a typed field the summary does not show.
        (Some(k), None) => match f.iface.or(f.transport).or(f.initiator).or(f.version) {
            Some(v) => parts.push(format!("{} = {}", e(k), e(v))),
            None => parts.push(e(k).into_owned()),
        },
        _ => {}
    }
    if let Some(s) = f.devstate {
        if f.listing_key.is_some() {
            parts.push(format!("state {}", e(s)));
        }
    }
    parts.join(", ")
}

impl<W: Write> HumanSink<W> {
    fn cause_sentence(&self, inc: &Incident) -> String {
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
                e(c.text.as_deref().unwrap_or("no text"))
            ),
            CauseKind::Connect => format!(
                "Connections to {} failed ({})",
                e(inc.portal.as_deref().unwrap_or("the portal")),
                e(c.text.as_deref().unwrap_or("?"))
            ),
            CauseKind::RecoveryTimeout | CauseKind::Unknown => {
                if inc.started_before_log {
                    "The failure itself happened before the start of the log".to_string()
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

    fn attempts_sentence(&self, inc: &Incident) -> Option<String> {
        let errs: Vec<String> = inc
            .errors
            .iter()
            .map(|(t, n)| {
                if *n > 1 {
                    format!("{} ×{n}", e(t))
                } else {
                    e(t).into_owned()
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
        {
            let _ = write!(s, "; relogins failed with {}", c.label());
        }
        s.push('.');
        Some(s)
    }

    fn outcome_sentence(&self, inc: &Incident) -> String {
        let mut s = match inc.outcome {
            Outcome::Recovered if inc.outcome_inferred => {
                "Recovered (inferred: the same connection failed again later while logged in)"
                    .to_string()
            }
            Outcome::Recovered => match (inc.duration_s(), &inc.timing) {
                (Some(d), Some(t)) => format!(
                    "Recovered; the path was down for about {} ({} of silence before the NOP \
                     timeout, {} until iscsid logged in again)",
                    human_duration(t.silence_s + d),
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
            Outcome::Unresolved => "Still unresolved at the end of the log".to_string(),
        };
        if inc.io_errors > 0 {
            let disks: Vec<String> = inc.disks.iter().map(|d| e(d).into_owned()).collect();
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
            let hb: Vec<String> = inc.hostbytes.iter().map(|h| e(h).into_owned()).collect();
            let _ = write!(
                s,
                "; {} failed SCSI command{} ({})",
                inc.scsi_failures,
                if inc.scsi_failures == 1 { "" } else { "s" },
                hb.join(", ")
            );
        }
        if !inc.mp_failed.is_empty() {
            let v: Vec<String> = inc.mp_failed.iter().map(|d| e(d).into_owned()).collect();
            let _ = write!(s, "; multipath failed path {}", v.join(", "));
        }
        if !inc.mp_reinstated.is_empty() {
            let v: Vec<String> = inc
                .mp_reinstated
                .iter()
                .map(|d| e(d).into_owned())
                .collect();
            let _ = write!(s, "; multipath reinstated {}", v.join(", "));
        }
        if let (Some(d), Outcome::RecoveryTimedOut | Outcome::Unresolved) =
            (inc.duration_s(), inc.outcome)
        {
            if d >= 1.0 {
                let _ = write!(
                    s,
                    " ({} from first symptom to last line)",
                    human_duration(d)
                );
            }
        }
        s.push('.');
        s
    }

    fn paragraph(&self, inc: &Incident) -> String {
        let st = self.style;
        let outcome = match inc.outcome {
            Outcome::Recovered => st.green("RECOVERED"),
            Outcome::RecoveryTimedOut => st.red("RECOVERY TIMED OUT"),
            Outcome::Unresolved => st.yellow("UNRESOLVED"),
        };
        let mut head = format!("#{} ", inc.seq);
        if let Some(h) = &inc.host {
            let _ = write!(head, "{}  ", e(h));
        }
        head.push_str(&inc.subject());
        if let Some(t) = &inc.target {
            let _ = write!(head, " {}", e(t));
        }
        match (&inc.start_text, &inc.end_text) {
            (Some(a), Some(b)) if a != b => {
                let _ = write!(head, "  {} → {}", e(a), e(b));
            }
            (Some(a), _) => {
                let _ = write!(head, "  {}", e(a));
            }
            _ => {}
        }
        if let Some(d) = inc.duration_s().filter(|d| *d >= 1.0) {
            let _ = write!(head, " ({})", human_duration(d));
        }
        let mut p = format!("  {}  {outcome}\n", st.bold(&head));
        let mut body = vec![self.cause_sentence(inc)];
        body.extend(self.attempts_sentence(inc));
        body.push(self.outcome_sentence(inc));
        for line in body {
            let _ = writeln!(p, "     {line}");
        }
        for a in suggestions(inc) {
            let _ = writeln!(p, "     → {a}");
        }
        let file = if self.names.len() > 1 {
            self.names.get(inc.file).map(|n| format!("{}: ", e(n)))
        } else {
            None
        };
        let _ = writeln!(
            p,
            "     {}",
            st.dim(&format!(
                "{}lines {}–{}",
                file.unwrap_or_default(),
                inc.lines.0,
                inc.lines.1
            ))
        );
        p
    }

    fn host_block(&self, h: &HostSummary) -> String {
        let st = self.style;
        let name = match (&h.host, h.file.and_then(|f| self.names.get(f))) {
            (Some(n), _) => e(n),
            (None, Some(f)) if self.names.len() > 1 => {
                Cow::Owned(format!("(no host name, {})", e(f)))
            }
            (None, _) => Cow::Borrowed("(no host name)"),
        };
        let mut s = format!("  {}: ", st.bold(&name));
        let n = h.incidents();
        if n == 0 {
            s.push_str("no incidents");
        } else {
            let mut parts = Vec::new();
            for (i, label) in ["recovered", "recovery timed out", "unresolved"]
                .iter()
                .enumerate()
            {
                if h.outcomes[i] > 0 {
                    parts.push(format!("{} {label}", h.outcomes[i]));
                }
            }
            let _ = write!(
                s,
                "{n} incident{} ({})",
                if n == 1 { "" } else { "s" },
                parts.join(", ")
            );
        }
        if !h.sessions.is_empty() {
            let v: Vec<String> = h.sessions.iter().take(12).map(i64::to_string).collect();
            let more = if h.sessions.len() > 12 {
                format!(" and {} more", h.sessions.len() - 12)
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "; session{} {}{more}",
                if h.sessions.len() == 1 { "" } else { "s" },
                v.join(", ")
            );
        }
        s.push('\n');
        let mut detail = Vec::new();
        if h.down_s >= 1.0 {
            detail.push(format!(
                "down {} in total, longest {}",
                human_duration(h.down_s),
                human_duration(h.longest_s)
            ));
        }
        if h.io_errors > 0 {
            detail.push(format!(
                "{} I/O error line{}",
                h.io_errors,
                if h.io_errors == 1 { "" } else { "s" }
            ));
        }
        if !h.offline_devices.is_empty() {
            let v: Vec<String> = h.offline_devices.iter().map(ToString::to_string).collect();
            detail.push(format!("offline: {}", v.join(", ")));
        }
        if h.mp_failing > 0 || h.mp_reinstated > 0 {
            detail.push(format!(
                "multipath: {} path-down and {} path-up messages",
                h.mp_failing, h.mp_reinstated
            ));
        }
        for c in &h.command_failures {
            detail.push(e(c).into_owned());
        }
        if !detail.is_empty() {
            let _ = writeln!(s, "     {}", detail.join("; "));
        }
        for a in host_suggestions(h) {
            let _ = writeln!(s, "     {} {a}", st.yellow("!"));
        }
        s
    }
}

impl<W: Write> Sink for HumanSink<W> {
    fn begin_input(&mut self, index: usize, name: &str) -> io::Result<()> {
        if self.names.len() <= index {
            self.names.resize(index + 1, String::new());
        }
        self.names[index] = name.to_string();
        self.current = name.to_string();
        Ok(())
    }

    fn renderer(&self) -> Box<dyn Render> {
        let prefix = if self.multi {
            format!("{}:", e(&self.current))
        } else {
            String::new()
        };
        Box::new(HumanRender {
            style: self.style,
            verbose: self.verbose,
            prefix,
        })
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        self.out.write_all(out)
    }

    fn detail(&mut self, detail: &[u8]) -> io::Result<()> {
        if detail.is_empty() {
            Ok(())
        } else {
            self.detail.write(detail)
        }
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        if self.incidents.len() < MAX_PARAGRAPHS {
            self.incidents.push(inc.clone());
        } else {
            self.dropped += 1;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let st = self.style;
        let mut o = String::new();
        let names: Vec<String> = s.inputs.iter().map(|i| e(&i.name).into_owned()).collect();
        let _ = writeln!(
            o,
            "{}",
            st.bold(&format!("iSCSI log report: {}", names.join(", ")))
        );
        let stats = &s.stats;
        let hosts_with = s.hosts.iter().filter(|h| h.incidents() > 0).count();
        let scsi: u64 = s.hosts.iter().map(|h| h.unattributed_scsi).sum();
        let recognised = if scsi == 0 {
            format!("{} recognised as iSCSI", stats.recognised)
        } else {
            format!(
                "{} recognised ({scsi} of them SCSI lines of devices no iSCSI session claims, \
                 such as local disks)",
                stats.recognised
            )
        };
        let _ = write!(
            o,
            "{} lines read, {recognised}; {} incident{}",
            stats.lines,
            s.incidents(),
            if s.incidents() == 1 { "" } else { "s" }
        );
        if hosts_with > 0 {
            let _ = write!(
                o,
                " on {hosts_with} host{}",
                if hosts_with == 1 { "" } else { "s" }
            );
        }
        o.push_str(".\n");
        let mut notes = Vec::new();
        if stats.invalid_utf8 > 0 {
            notes.push(plural(stats.invalid_utf8, "line was", "lines were") + " not valid UTF-8");
        }
        if stats.truncated > 0 {
            notes.push(plural(stats.truncated, "line was", "lines were") + " cut at 64 KiB");
        }
        if stats.redacted > 0 {
            notes.push(format!(
                "secrets redacted in {}",
                plural(stats.redacted, "line", "lines")
            ));
        }
        for i in &s.inputs {
            if let Some(err) = &i.error {
                notes.push(format!("{}: read error: {}", e(&i.name), e(err)));
            }
        }
        for err in &s.open_errors {
            notes.push(e(err).into_owned());
        }
        if !notes.is_empty() {
            let _ = writeln!(o, "({})", notes.join("; "));
        }
        if !s.hosts.is_empty() {
            let _ = writeln!(o, "\n{}", st.bold("Summary"));
            for h in &s.hosts {
                o.push_str(&self.host_block(h));
            }
        }
        let mut incs = std::mem::take(&mut self.incidents);
        incs.sort_by_key(|i| i.seq);
        if !incs.is_empty() {
            let _ = writeln!(o, "\n{}", st.bold("Incidents"));
            for inc in &incs {
                o.push_str(&self.paragraph(inc));
            }
            if self.dropped > 0 {
                let _ = writeln!(
                    o,
                    "  … and {} more incidents (use --json to list them all)",
                    self.dropped
                );
            }
        } else if stats.recognised == 0 {
            let _ = writeln!(o, "\nNo iSCSI lines recognised.");
        } else {
            let _ = writeln!(o, "\nNo incidents.");
        }
        self.out.write_all(o.as_bytes())?;
        if self.verbose && !self.detail.is_empty() {
            writeln!(self.out, "\n{}", st.bold("Lines"))?;
            self.detail.copy_to(&mut self.out)?;
        }
        self.out.flush()
    }
}
