//! `decode`'s filters and modes: `--since/--until`, `--host`, `--session`, `--outcome`,
//! `--summary`, `-q`, `--fail-on` and `--metrics-file`.
//!
//! [`FilterSink`] (filter_sink.rs) wraps the report's sink (as `kernel_check` does): it sees
//! every fact and every incident, passes on the incidents the filters keep, and counts them
//! for the summary, the metrics and the exit status. Events are filtered where they are rendered,
//! on the worker threads ([`FilterRender`]), so a filtered line costs no rendering.
//!
//! What is kept (docs/decode.md, "Filters and modes"):
//! - an incident when its host is one of `--host`, its session one of `--session`, its
//!   outcome one of `--outcome` (each when given), and its span (first symptom to end)
//!   overlaps the window `--since`..`--until`;
//! - an event (NDJSON, `-v`) when its line's time is in the window, its host one of
//!   `--host` and its session one of `--session`; `--outcome` does not filter events: an
//!   event is written when its line is read, before its incident has an outcome;
//! - an unrecognised line (`--passthrough`) by its time and host alone.
//!
//! A line or incident without a wall-clock time (dmesg's uptime) cannot be placed in the
//! window and is kept.

use super::window;
use clap::{Args, ValueEnum};
use iscsi_decode::decode::place::{Placed, Placing, TimeRefs, place, place_instant};
use iscsi_decode::decode::{Decoder, Event, Incident, Instant, Outcome, Render, Scale};
use std::path::PathBuf;
use std::sync::Arc;

pub use super::filter_sink::{FilterSink, finish};

/// `--outcome`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    /// The session logged in again.
    Recovered,
    /// replacement_timeout expired (I/O failed).
    TimedOut,
    /// No recovery in the log.
    Unresolved,
}

impl OutcomeArg {
    fn outcome(self) -> Outcome {
        match self {
            OutcomeArg::Recovered => Outcome::Recovered,
            OutcomeArg::TimedOut => Outcome::RecoveryTimedOut,
            OutcomeArg::Unresolved => Outcome::Unresolved,
        }
    }
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any reported incident.
    Any,
    /// An unresolved incident.
    Unresolved,
    /// An incident whose recovery timed out.
    TimedOut,
}

/// The filter and mode arguments of `decode`.
#[derive(Debug, Default, Args)]
pub struct FilterArgs {
    /// Only what happened at or after TIME: RFC 3339 (2024-03-03T10:00:00Z), 2024-03-03,
    /// `2024-03-03 10:00[:00]` (no zone: read in --timezone), or a span before now (30m,
    /// 2h, 1d). Syslog times have no year: they take the file's modification year.
    #[arg(long, value_name = "TIME", help_heading = "Filters and modes")]
    pub since: Option<String>,
    /// Only what happened at or before TIME (as --since).
    #[arg(long, value_name = "TIME", help_heading = "Filters and modes")]
    pub until: Option<String>,
    /// Only this host's incidents and events (repeatable; case-insensitive).
    #[arg(long = "host", value_name = "NAME", help_heading = "Filters and modes")]
    pub hosts: Vec<String>,
    /// Only this session's incidents and events (repeatable).
    #[arg(
        long = "session",
        value_name = "SID",
        help_heading = "Filters and modes"
    )]
    pub sessions: Vec<i64>,
    /// Only incidents with this outcome (repeatable; events are not filtered by it).
    #[arg(
        long = "outcome",
        value_enum,
        value_name = "OUTCOME",
        help_heading = "Filters and modes"
    )]
    pub outcomes: Vec<OutcomeArg>,
    /// Print the summary only (no incidents, no events).
    #[arg(long, help_heading = "Filters and modes")]
    pub summary: bool,
    /// Print nothing: only the exit status (with --fail-on) and errors on stderr.
    #[arg(long, short, help_heading = "Filters and modes")]
    pub quiet: bool,
    /// Exit with status 1 when a reported incident (after the filters) matches.
    #[arg(
        long,
        value_enum,
        value_name = "WHAT",
        help_heading = "Filters and modes"
    )]
    pub fail_on: Option<FailOn>,
    /// Write Prometheus metrics of the reported incidents to PATH (atomically, for
    /// node_exporter's textfile collector).
    #[arg(long, value_name = "PATH", help_heading = "Filters and modes")]
    pub metrics_file: Option<PathBuf>,
}

/// What the filters keep; shared with the renderers on the worker threads.
#[derive(Debug, Default)]
pub struct Filter {
    since: Option<f64>,
    until: Option<f64>,
    hosts: Vec<String>,
    pub(super) sessions: Vec<i64>,
    outcomes: Vec<Outcome>,
    /// Whether events are written at all (not with `--summary` or `-q`).
    events: bool,
    /// Per input: what its times are placed through, as for the NDJSON's `ts`.
    refs: Vec<TimeRefs>,
    /// For an input not listed.
    fallback: TimeRefs,
}

/// Seconds since 1970, now.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Filter {
    /// The filter of `args` for the inputs `files`, whose times are placed as `placing`
    /// says; `Err` with a message for a bad time.
    pub fn new(args: &FilterArgs, files: &[String], placing: &Placing) -> Result<Filter, String> {
        let now = now();
        let time = |flag: &str, v: &Option<String>| {
            v.as_deref()
                .map(|t| {
                    window::parse_time(t, now, &placing.zone).map_err(|e| format!("--{flag}: {e}"))
                })
                .transpose()
        };
        let (since, until) = (time("since", &args.since)?, time("until", &args.until)?);
        if let (Some(s), Some(u)) = (since, until)
            && s > u
        {
            return Err("--since is after --until: nothing can be reported".into());
        }
        // A metrics file that cannot be written is said before a long run, not after it.
        if let Some(p) = &args.metrics_file {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => std::path::Path::new("."),
            };
            if p.file_name().is_none() || p.is_dir() || !dir.is_dir() {
                return Err(format!(
                    "--metrics-file {}: not a file in an existing directory",
                    iscsi_decode::report::escaped(&p.display().to_string())
                ));
            }
        }
        let refs = files.iter().map(|f| placing.refs(f)).collect();
        Ok(Filter {
            since,
            until,
            hosts: args.hosts.clone(),
            sessions: args.sessions.clone(),
            outcomes: args.outcomes.iter().map(|o| o.outcome()).collect(),
            events: !args.summary && !args.quiet,
            refs,
            fallback: placing.fallback(),
        })
    }

    fn refs(&self, file: usize) -> &TimeRefs {
        self.refs.get(file).unwrap_or(&self.fallback)
    }

    /// An instant of input `file` on the UTC clock, as the NDJSON's `ts` places it (`text`:
    /// the time as logged), and the year taken for a syslog time.
    pub(super) fn place(
        &self,
        file: usize,
        i: Option<Instant>,
        text: Option<&str>,
    ) -> Option<(f64, Option<i64>)> {
        let p = place_instant(i?, text, self.refs(file))?;
        Some((p.secs, year_taken(p)))
    }

    fn has_window(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    /// Whether any filter drops incidents (the summary is then recounted).
    pub(super) fn filters_incidents(&self) -> bool {
        self.has_window()
            || !self.hosts.is_empty()
            || !self.sessions.is_empty()
            || !self.outcomes.is_empty()
    }

    pub(super) fn host_ok(&self, host: Option<&str>) -> bool {
        self.hosts.is_empty()
            || host.is_some_and(|h| self.hosts.iter().any(|w| w.eq_ignore_ascii_case(h)))
    }

    fn session_ok(&self, sid: Option<i64>) -> bool {
        self.sessions.is_empty() || sid.is_some_and(|s| self.sessions.contains(&s))
    }

    /// Whether the span `start..=end` overlaps the window (unknown times: kept).
    fn overlaps(&self, start: Option<f64>, end: Option<f64>) -> bool {
        let Some(s) = start.or(end) else { return true };
        let e = end.unwrap_or(s).max(s);
        self.until.is_none_or(|u| s <= u) && self.since.is_none_or(|b| e >= b)
    }

    /// Whether a recognised line is written (see the module docs).
    /// `at` is the line's instant (its wall time, else its uptime) and `text` its time as
    /// logged.
    pub fn line_passes(
        &self,
        file: usize,
        host: Option<&str>,
        sid: Option<i64>,
        at: Option<Instant>,
        text: Option<&str>,
    ) -> bool {
        self.events
            && self.host_ok(host)
            && self.session_ok(sid)
            && (!self.has_window() || self.in_window(self.place(file, at, text).map(|p| p.0)))
    }

    /// Whether a line's time is in the window (a line without one is kept).
    fn in_window(&self, t: Option<f64>) -> bool {
        self.overlaps(t, t)
    }

    /// Whether an incident is reported (see the module docs).
    pub fn incident_passes(&self, inc: &Incident) -> bool {
        self.host_ok(inc.host.as_deref())
            && self.session_ok(inc.sid)
            && (self.outcomes.is_empty() || self.outcomes.contains(&inc.outcome))
            && (!self.has_window()
                || self.overlaps(
                    self.place(inc.file, inc.start, inc.start_text.as_deref())
                        .map(|p| p.0),
                    self.place(inc.file, inc.end, inc.end_text.as_deref())
                        .map(|p| p.0),
                ))
    }
}

/// The year taken for a time placed without one (RFC 3164 syslog).
fn year_taken(p: Placed) -> Option<i64> {
    p.inferred()
        .any(|g| g == "year")
        .then(|| window::year_of(p.secs))
}

/// Wraps a renderer: renders only the lines the filter keeps.
pub struct FilterRender {
    pub(super) inner: Box<dyn Render>,
    pub(super) filter: Arc<Filter>,
    /// For the envelopes of unrecognised lines (made on the first one).
    pub(super) envelopes: Option<Decoder>,
}

impl Render for FilterRender {
    fn event(&mut self, file: usize, ev: &Event<'_>, out: &mut Vec<u8>, detail: &mut Vec<u8>) {
        let at = ev.wall.or(ev.env.uptime.map(|secs| Instant {
            secs,
            scale: Scale::Uptime,
        }));
        if self.filter.line_passes(
            file,
            ev.env.host.as_deref(),
            ev.fields.sid,
            at,
            ev.env.time_text.as_deref(),
        ) {
            self.inner.event(file, ev, out, detail);
        }
    }

    fn unrecognised(&mut self, file: usize, line: u64, text: &str, out: &mut Vec<u8>) {
        let f = &self.filter;
        if !f.events {
            return;
        }
        if f.has_window() || !f.hosts.is_empty() {
            let env = self
                .envelopes
                .get_or_insert_with(|| Decoder::new(None))
                .envelope(text);
            let t = place(
                env.time,
                env.time_text.as_deref(),
                env.format,
                env.uptime,
                f.refs(file),
            )
            .map(|p| p.secs);
            if !f.host_ok(env.host.as_deref()) || (f.has_window() && !f.in_window(t)) {
                return;
            }
        }
        self.inner.unrecognised(file, line, text, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(since: Option<f64>, until: Option<f64>) -> Filter {
        Filter {
            since,
            until,
            events: true,
            ..Filter::default()
        }
    }

    #[test]
    fn incidents_overlap_the_window() {
        let f = window(Some(100.0), Some(200.0));
        // Inside, across either end, around the whole window: kept.
        for (s, e) in [(120.0, 150.0), (50.0, 100.0), (200.0, 300.0), (0.0, 1000.0)] {
            assert!(f.overlaps(Some(s), Some(e)), "{s}..{e}");
        }
        // Wholly before or after: dropped.
        for (s, e) in [(10.0, 99.0), (201.0, 300.0)] {
            assert!(!f.overlaps(Some(s), Some(e)), "{s}..{e}");
        }
        // Only a start (or only an end): a point. No time at all: kept.
        assert!(f.overlaps(Some(150.0), None));
        assert!(!f.overlaps(None, Some(250.0)));
        assert!(f.overlaps(None, None));
        // Open-ended windows.
        assert!(window(Some(100.0), None).overlaps(Some(1e12), None));
        assert!(!window(None, Some(100.0)).overlaps(Some(101.0), Some(102.0)));
    }

    #[test]
    fn lines_by_host_session_and_time() {
        let mut f = window(Some(100.0), None);
        f.hosts = vec!["DB01".into()];
        f.sessions = vec![3];
        let at = |secs| {
            Some(Instant {
                secs,
                scale: Scale::Wall,
            })
        };
        let text = Some("1970-01-01T00:02:30Z");
        assert!(f.line_passes(0, Some("db01"), Some(3), at(150.0), text));
        assert!(!f.line_passes(0, Some("db02"), Some(3), at(150.0), text));
        assert!(!f.line_passes(0, None, Some(3), at(150.0), text));
        assert!(!f.line_passes(0, Some("db01"), Some(4), at(150.0), text));
        assert!(!f.line_passes(0, Some("db01"), None, at(150.0), text));
        assert!(!f.line_passes(0, Some("db01"), Some(3), at(50.0), text));
        // An uptime without a boot time cannot be placed: kept.
        let up = Some(Instant {
            secs: 5.0,
            scale: Scale::Uptime,
        });
        assert!(f.line_passes(0, Some("db01"), Some(3), up, None));
        // With one, it is placed: 95 s after boot is before the window.
        f.fallback.boot = iscsi_decode::decode::place::Boot::At(90.0);
        assert!(!f.line_passes(0, Some("db01"), Some(3), up, None));
        // A time without its zone is read in the zone: 02:30 at +00:01 is 02:29 UTC.
        f.fallback.zone = iscsi_decode::decode::Zone::named("+00:01").unwrap();
        f.since = Some(120.0);
        assert!(f.line_passes(0, Some("db01"), Some(3), at(150.0), text));
        assert!(f.line_passes(
            0,
            Some("db01"),
            Some(3),
            at(200.0),
            Some("1970-01-01 00:03:20")
        ));
        assert!(!f.line_passes(
            0,
            Some("db01"),
            Some(3),
            at(150.0),
            Some("1970-01-01 00:02:30")
        ));
        // --summary and -q write no events at all.
        f.events = false;
        assert!(!f.line_passes(0, Some("db01"), Some(3), at(150.0), text));
    }
}
