//! `decode`'s filters and modes: `--since/--until`, `--host`, `--session`, `--outcome`,
//! `--summary`, `-q`, `--fail-on` and `--metrics-file`.
//!
//! [`FilterSink`] wraps the report's sink (as `kernel_check` does): it sees every fact and
//! every incident, passes on the incidents the filters keep, and counts them for the
//! summary, the metrics and the exit status. Events are filtered where they are rendered,
//! on the worker threads ([`FilterRender`]), so a filtered line costs no rendering.
//!
//! What is kept (docs/decode.md, "Filters"):
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
use iscsi_decode::decode::{
    Decoder, Error, Event, Fact, Incident, InputError, InputSummary, Instant, Outcome, RawTime,
    Render, Scale, Sink, Summary,
};
use iscsi_decode::report::Metrics;
use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// `2024-03-03 10:00[:00]` (no zone: the log's local time), or a span before now (30m,
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
    sessions: Vec<i64>,
    outcomes: Vec<Outcome>,
    /// Whether events are written at all (not with `--summary` or `-q`).
    events: bool,
    /// Per input: the time a syslog date without a year is placed before (its
    /// modification time; now for standard input).
    references: Vec<f64>,
    now: f64,
}

/// Seconds since 1970, now.
pub fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Filter {
    /// The filter of `args` for the inputs `files`; `Err` with a message for a bad time.
    pub fn new(args: &FilterArgs, files: &[String]) -> Result<Filter, String> {
        let now = now();
        let time = |flag: &str, v: &Option<String>| {
            v.as_deref()
                .map(|t| window::parse_time(t, now).map_err(|e| format!("--{flag}: {e}")))
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
        let references = files
            .iter()
            .map(|f| {
                (f != "-")
                    .then(|| std::fs::metadata(f).and_then(|m| m.modified()).ok())
                    .flatten()
                    .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(now, |d| d.as_secs_f64())
            })
            .collect();
        Ok(Filter {
            since,
            until,
            hosts: args.hosts.clone(),
            sessions: args.sessions.clone(),
            outcomes: args.outcomes.iter().map(|o| o.outcome()).collect(),
            events: !args.summary && !args.quiet,
            references,
            now,
        })
    }

    fn reference(&self, file: usize) -> f64 {
        self.references.get(file).copied().unwrap_or(self.now)
    }

    /// An instant in seconds since 1970, and the year taken for a syslog time.
    fn place(&self, file: usize, i: Option<Instant>) -> Option<(f64, Option<i64>)> {
        window::absolute(i?, self.reference(file))
    }

    fn has_window(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }

    /// Whether any filter drops incidents (the summary is then recounted).
    fn filters_incidents(&self) -> bool {
        self.has_window()
            || !self.hosts.is_empty()
            || !self.sessions.is_empty()
            || !self.outcomes.is_empty()
    }

    fn host_ok(&self, host: Option<&str>) -> bool {
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
    pub fn line_passes(
        &self,
        file: usize,
        host: Option<&str>,
        sid: Option<i64>,
        wall: Option<Instant>,
    ) -> bool {
        self.events && self.host_ok(host) && self.session_ok(sid) && self.in_window(file, wall)
    }

    /// Whether a line's time is in the window (a line without one is kept).
    fn in_window(&self, file: usize, wall: Option<Instant>) -> bool {
        !self.has_window() || {
            let t = self.place(file, wall).map(|p| p.0);
            self.overlaps(t, t)
        }
    }

    /// Whether an incident is reported (see the module docs).
    pub fn incident_passes(&self, inc: &Incident) -> bool {
        self.host_ok(inc.host.as_deref())
            && self.session_ok(inc.sid)
            && (self.outcomes.is_empty() || self.outcomes.contains(&inc.outcome))
            && (!self.has_window()
                || self.overlaps(
                    self.place(inc.file, inc.start).map(|p| p.0),
                    self.place(inc.file, inc.end).map(|p| p.0),
                ))
    }
}

/// Wraps a renderer: renders only the lines the filter keeps.
pub struct FilterRender {
    inner: Box<dyn Render>,
    filter: Arc<Filter>,
    /// For the envelopes of unrecognised lines (made on the first one).
    envelopes: Option<Decoder>,
}

impl Render for FilterRender {
    fn event(&mut self, file: usize, ev: &Event<'_>, out: &mut Vec<u8>, detail: &mut Vec<u8>) {
        if self
            .filter
            .line_passes(file, ev.env.host.as_deref(), ev.fields.sid, ev.wall)
        {
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
            let wall = match env.time {
                RawTime::Wall(secs) => Some(Instant {
                    secs,
                    scale: Scale::Wall,
                }),
                RawTime::NoYear(ny) => {
                    let (t, _) = window::place_no_year(ny.month, ny.day, ny.sod, f.reference(file));
                    Some(Instant {
                        secs: t,
                        scale: Scale::Wall,
                    })
                }
                _ => None,
            };
            if !f.host_ok(env.host.as_deref()) || !f.in_window(file, wall) {
                return;
            }
        }
        self.inner.unrecognised(file, line, text, out);
    }
}

/// Incidents per outcome, time down and the longest, for one host's summary.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    outcomes: [u64; 3],
    down_s: f64,
    longest_s: f64,
}

/// Wraps the report's sink; see the module docs.
pub struct FilterSink<'a> {
    inner: &'a mut dyn Sink,
    filter: Arc<Filter>,
    quiet: bool,
    summary_only: bool,
    fail_on: Option<FailOn>,
    /// Whether a reported incident matched `--fail-on`.
    pub matched: bool,
    /// Whether the last fact's line was written (for [`Sink::tied_to_iscsi`]).
    last_passed: bool,
    counts: BTreeMap<(Option<String>, Option<usize>), Counts>,
    /// The reported incidents, for `--metrics-file`.
    pub metrics: Metrics,
    /// Per input: the first and last year taken for its syslog times.
    years: BTreeMap<usize, (i64, i64)>,
    names: Vec<String>,
}

impl<'a> FilterSink<'a> {
    /// Wraps `inner` for the inputs `names`.
    pub fn new(
        inner: &'a mut dyn Sink,
        filter: Filter,
        args: &FilterArgs,
        names: &[String],
    ) -> Self {
        FilterSink {
            inner,
            filter: Arc::new(filter),
            quiet: args.quiet,
            summary_only: args.summary,
            fail_on: args.fail_on,
            matched: false,
            last_passed: true,
            counts: BTreeMap::new(),
            metrics: Metrics::default(),
            years: BTreeMap::new(),
            names: names.to_vec(),
        }
    }

    fn shows_lines(&self) -> bool {
        !self.quiet && !self.summary_only
    }

    /// Counts a closed incident; whether it is reported.
    fn take(&mut self, inc: &Incident) -> bool {
        if !self.filter.incident_passes(inc) {
            return false;
        }
        self.matched |= match self.fail_on {
            None => false,
            Some(FailOn::Any) => true,
            Some(FailOn::Unresolved) => inc.outcome == Outcome::Unresolved,
            Some(FailOn::TimedOut) => inc.outcome == Outcome::RecoveryTimedOut,
        };
        let key = (inc.host.clone(), inc.host.is_none().then_some(inc.file));
        let c = self.counts.entry(key).or_default();
        c.outcomes[match inc.outcome {
            Outcome::Recovered => 0,
            Outcome::RecoveryTimedOut => 1,
            Outcome::Unresolved => 2,
        }] += 1;
        if let Some(d) = inc.down_s() {
            c.down_s += d;
            c.longest_s = c.longest_s.max(d);
        }
        let start = self.filter.place(inc.file, inc.start).map(|p| p.0);
        self.metrics.add_incident(inc, start);
        true
    }

    /// The note on the years taken for syslog times (when a time filter or the metrics
    /// used them).
    pub fn year_notes(&self) -> Vec<String> {
        self.years
            .iter()
            .map(|(&file, &(first, last))| {
                let name = self.names.get(file).map_or("-", String::as_str);
                let years = if first == last {
                    first.to_string()
                } else {
                    format!("{first} to {last}")
                };
                let whence = if name == "-" {
                    "the current year"
                } else {
                    "the year of the file's modification time"
                };
                format!(
                    "{}: syslog times carry no year; taken as {years} ({whence}, the year \
                     before for a date after it)",
                    iscsi_decode::report::escaped(name)
                )
            })
            .collect()
    }

    /// The summary with the host totals of the reported incidents only.
    fn recounted(&self, s: &Summary) -> Summary {
        let hosts = s
            .hosts
            .iter()
            .filter(|h| self.filter.host_ok(h.host.as_deref()))
            .map(|h| {
                let mut h = h.clone();
                let c = self
                    .counts
                    .get(&(h.host.clone(), h.file))
                    .copied()
                    .unwrap_or_default();
                h.outcomes = c.outcomes;
                h.down_s = c.down_s;
                h.longest_s = c.longest_s;
                if !self.filter.sessions.is_empty() {
                    h.sessions.retain(|s| self.filter.sessions.contains(s));
                }
                h
            })
            .collect();
        Summary {
            inputs: s
                .inputs
                .iter()
                .map(|i| InputSummary {
                    name: i.name.clone(),
                    lines: i.lines,
                    gzip: i.gzip,
                    error: i.error.as_ref().map(copy_error),
                })
                .collect(),
            stats: s.stats.clone(),
            kinds: s.kinds.clone(),
            hosts,
            open_errors: s.open_errors.iter().map(copy_error).collect(),
        }
    }
}

/// A copy of a run's error, for the recounted summary (its I/O error keeps its kind and
/// text).
fn copy_error(e: &Error) -> Error {
    let io = |e: &io::Error| io::Error::new(e.kind(), e.to_string());
    match e {
        Error::Open(o) => Error::Open(InputError {
            name: o.name.clone(),
            error: io(&o.error),
        }),
        Error::Read {
            input,
            lines,
            source,
        } => Error::Read {
            input: input.clone(),
            lines: *lines,
            source: io(source),
        },
        Error::Spawn(s) => Error::Spawn(io(s)),
        other => Error::Write(io(other.io())),
    }
}

impl Sink for FilterSink<'_> {
    fn begin_input(&mut self, index: usize, name: &str) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        self.inner.begin_input(index, name)
    }

    fn renderer(&self) -> Box<dyn Render> {
        Box::new(FilterRender {
            inner: self.inner.renderer(),
            filter: Arc::clone(&self.filter),
            envelopes: None,
        })
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        if self.shows_lines() {
            self.inner.write(out)?;
        }
        Ok(())
    }

    fn detail(&mut self, detail: &[u8]) -> io::Result<()> {
        if self.shows_lines() {
            self.inner.detail(detail)?;
        }
        Ok(())
    }

    fn fact(&mut self, file: usize, fact: &Fact) -> io::Result<()> {
        self.last_passed = self
            .filter
            .line_passes(file, fact.host(), fact.sid, fact.wall);
        if let Some((_, Some(y))) = self.filter.place(file, fact.wall) {
            let e = self.years.entry(file).or_insert((y, y));
            e.0 = e.0.min(y);
            e.1 = e.1.max(y);
        }
        self.inner.fact(file, fact)
    }

    fn tied_to_iscsi(&mut self, out: &mut [u8]) {
        if self.last_passed && self.shows_lines() {
            self.inner.tied_to_iscsi(out);
        }
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        if self.take(inc) && self.shows_lines() {
            self.inner.incident(inc)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, out: &[u8], cuts: &[(usize, Incident)]) -> io::Result<()> {
        let mut kept = Vec::new();
        for (end, inc) in cuts {
            if self.take(inc) && self.shows_lines() {
                kept.push((*end, inc.clone()));
            }
        }
        if self.shows_lines() {
            self.inner.write_chunk(out, &kept)?;
        }
        Ok(())
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        if self.quiet {
            return Ok(());
        }
        if self.filter.filters_incidents() {
            let s = self.recounted(summary);
            self.inner.finish(&s)
        } else {
            self.inner.finish(summary)
        }
    }
}

/// After the run: the note on the years taken for syslog times, and the metrics file.
/// `false` when the metrics file could not be written.
pub fn finish(filtered: &mut FilterSink<'_>, args: &FilterArgs, summary: &Summary) -> bool {
    let times_used = args.since.is_some() || args.until.is_some() || args.metrics_file.is_some();
    if times_used && !args.quiet {
        for note in filtered.year_notes() {
            eprintln!("iscsi-decode: {note}");
        }
    }
    let Some(path) = &args.metrics_file else {
        return true;
    };
    let m = &mut filtered.metrics;
    m.lines_read = summary.stats.lines;
    m.lines_recognised = summary.stats.recognised;
    m.written_s = Some(now().floor());
    match iscsi_decode::report::write_metrics(path, m) {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "iscsi-decode: --metrics-file {}: {e}",
                iscsi_decode::report::escaped(&path.display().to_string())
            );
            false
        }
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
        assert!(f.line_passes(0, Some("db01"), Some(3), at(150.0)));
        assert!(!f.line_passes(0, Some("db02"), Some(3), at(150.0)));
        assert!(!f.line_passes(0, None, Some(3), at(150.0)));
        assert!(!f.line_passes(0, Some("db01"), Some(4), at(150.0)));
        assert!(!f.line_passes(0, Some("db01"), None, at(150.0)));
        assert!(!f.line_passes(0, Some("db01"), Some(3), at(50.0)));
        // An uptime cannot be placed: kept.
        let up = Some(Instant {
            secs: 5.0,
            scale: Scale::Uptime,
        });
        assert!(f.line_passes(0, Some("db01"), Some(3), up));
        // --summary and -q write no events at all.
        f.events = false;
        assert!(!f.line_passes(0, Some("db01"), Some(3), at(150.0)));
    }
}
