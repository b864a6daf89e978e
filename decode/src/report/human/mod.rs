//! The human report: totals and a summary per host first, then one short paragraph per
//! incident (what failed, why, what iscsid did, how it ended, what to change), then with
//! `--verbose` one line per recognised log line.
//!
//! Everything is written through a [`Term`], which escapes control characters in every
//! string, so that no part of the report can forget to escape what came from a log.

pub mod fold;
pub mod line;
mod live;
pub mod paragraph;

use super::spool::Spool;
use super::style::Style;
use super::term::{Paint, Term};
use crate::decode::incidents::advice::{host_suggestions, human_duration};
use crate::decode::incidents::{HostSummary, Incident};
use crate::decode::run::{Render, Sink, Summary};
pub use line::{HumanRender, event_summary};
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
    width: Option<usize>,
    summary_only: bool,
    /// A live input: incidents and detail are written as they come (see `live`).
    live: bool,
    /// Live lines and paragraphs waiting for the next flush (after the chunk's detail).
    pending: Vec<u8>,
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
            width: None,
            summary_only: false,
            live: false,
            pending: Vec::new(),
        }
    }

    /// Writes the totals and the host summaries only (`decode --summary`): no incident
    /// paragraphs, and no "No incidents." (the totals say how many there were).
    pub fn summary_only(mut self, yes: bool) -> Self {
        self.summary_only = yes;
        self
    }

    /// Prefixes per-line detail with the input's name (for several inputs).
    pub fn several_inputs(mut self, multi: bool) -> Self {
        self.multi = multi;
        self
    }

    /// Wraps the summary and the incident paragraphs at `width` columns (the terminal's);
    /// `None` (the default) writes each sentence on one line.
    pub fn width(mut self, width: Option<usize>) -> Self {
        self.width = width.map(|w| w.max(40));
        self
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn host_block(&self, t: &mut Term<'_>, h: &HostSummary) {
        let name = match (&h.host, h.file.and_then(|f| self.names.get(f))) {
            (Some(n), _) => n.clone(),
            (None, Some(f)) if self.names.len() > 1 => format!("(no host name, {f})"),
            (None, _) => "(no host name)".to_string(),
        };
        t.text("  ").paint(Paint::Bold, &name).text(": ");
        let n = h.incidents();
        if n == 0 {
            t.text("no incidents");
        } else {
            let parts: Vec<String> = ["recovered", "recovery timed out", "unresolved"]
                .iter()
                .zip(h.outcomes)
                .filter(|(_, k)| *k > 0)
                .map(|(label, k)| format!("{k} {label}"))
                .collect();
            let _ = write!(
                t,
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
                t,
                "; session{} {}{more}",
                if h.sessions.len() == 1 { "" } else { "s" },
                v.join(", ")
            );
        }
        t.nl();
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
        detail.extend(h.command_failures.iter().cloned());
        if !detail.is_empty() {
            t.para("     ", "       ", &detail.join("; "));
        }
        for a in host_suggestions(h) {
            t.text("     ")
                .paint(Paint::Yellow, "!")
                .text(" ")
                .text(&a)
                .nl();
        }
    }

    /// The heading and the totals.
    fn totals(&self, t: &mut Term<'_>, s: &Summary) {
        let names: Vec<&str> = s.inputs.iter().map(|i| i.name.as_str()).collect();
        t.paint(
            Paint::Bold,
            &format!("iSCSI log report: {}", names.join(", ")),
        )
        .nl();
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
            t,
            "{} lines read, {recognised}; {} incident{}",
            stats.lines,
            s.incidents(),
            if s.incidents() == 1 { "" } else { "s" }
        );
        if hosts_with > 0 {
            let _ = write!(
                t,
                " on {hosts_with} host{}",
                if hosts_with == 1 { "" } else { "s" }
            );
        }
        t.text(".").nl();
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
                notes.push(err.to_string());
            }
        }
        notes.extend(s.open_errors.iter().map(ToString::to_string));
        if !notes.is_empty() {
            t.text(&format!("({})", notes.join("; "))).nl();
        }
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
            format!("{}:", self.current)
        } else {
            String::new()
        };
        Box::new(HumanRender {
            color: self.style.color,
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
        } else if self.live {
            self.out.write_all(detail)
        } else {
            self.detail.write(detail)
        }
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        if self.live {
            return self.live_paragraph(inc);
        }
        if self.incidents.len() < MAX_PARAGRAPHS {
            self.incidents.push(inc.clone());
        } else {
            self.dropped += 1;
        }
        Ok(())
    }

    fn finish(&mut self, s: &Summary) -> io::Result<()> {
        let mut buf = std::mem::take(&mut self.pending);
        let t = &mut Term::new(&mut buf, self.style.color).with_width(self.width);
        self.totals(t, s);
        if !s.hosts.is_empty() {
            t.nl().paint(Paint::Bold, "Summary").nl();
            for h in &s.hosts {
                self.host_block(t, h);
            }
        }
        let mut incs = std::mem::take(&mut self.incidents);
        incs.sort_by_key(|i| i.seq);
        if self.summary_only {
            // `--summary`: the totals say how many incidents there were.
        } else if self.live {
            // The incidents were written as they closed.
        } else if !incs.is_empty() {
            t.nl().paint(Paint::Bold, "Incidents").nl();
            // Alike incidents that follow each other fold into one paragraph.
            let keys: Vec<String> = incs.iter().map(fold::fold_key).collect();
            let mut start = 0;
            while start < incs.len() {
                let mut end = start + 1;
                while end < incs.len() && keys[end] == keys[start] {
                    end += 1;
                }
                let group: Vec<&Incident> = incs[start..end].iter().collect();
                fold::write_group(t, &group, &self.names);
                start = end;
            }
            if self.dropped > 0 {
                let _ = writeln!(
                    t,
                    "  … and {} more incidents (use --json to list them all)",
                    self.dropped
                );
            }
        } else if s.stats.recognised == 0 {
            t.nl().text("No iSCSI lines recognised.").nl();
        } else {
            t.nl().text("No incidents.").nl();
        }
        if self.verbose && !self.detail.is_empty() && !self.live {
            t.nl().paint(Paint::Bold, "Lines").nl();
        }
        self.out.write_all(&buf)?;
        if self.verbose && !self.detail.is_empty() {
            self.detail.copy_to(&mut self.out)?;
        }
        self.out.flush()
    }

    fn live(&mut self) -> io::Result<()> {
        self.go_live()
    }

    fn opened(&mut self, inc: &Incident) -> io::Result<()> {
        self.live_line(inc, "opened")
    }

    fn still_open(&mut self, inc: &Incident) -> io::Result<()> {
        self.live_line(inc, "still open")
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.write_all(&self.pending)?;
        self.pending.clear();
        self.out.flush()
    }
}
