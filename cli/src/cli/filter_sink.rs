//! The sink side of `decode`'s filters (see filter.rs): [`FilterSink`] passes on the
//! incidents the filters keep, counts them for the summary, `--fail-on` and the metrics,
//! and [`finish`] writes the note on syslog years and the metrics file after the run.

use super::filter::{FailOn, Filter, FilterArgs, FilterRender, now};
use iscsi_decode::decode::{
    Error, Fact, Incident, InputError, InputSummary, Outcome, Render, Sink, Summary,
};
use iscsi_decode::report::Metrics;
use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

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
    /// `--metrics-file`.
    metrics_path: Option<std::path::PathBuf>,
    /// On live input, `--metrics-file` is rewritten as incidents open and close.
    live_metrics: Option<std::path::PathBuf>,
    /// The incidents open now (live input), by sequence number: their hosts.
    open: BTreeMap<u64, String>,
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
            metrics_path: args.metrics_file.clone(),
            live_metrics: None,
            open: BTreeMap::new(),
        }
    }

    /// On live input: the metrics file with the incidents open now counted as sessions
    /// down (written again at the end of the run with the line counts).
    fn write_live_metrics(&self) {
        let Some(path) = &self.live_metrics else {
            return;
        };
        let mut m = self.metrics.clone();
        for host in self.open.values() {
            *m.sessions_down.entry(host.clone()).or_default() += 1;
        }
        m.written_s = Some(now().floor());
        if let Err(e) = iscsi_decode::report::write_metrics(path, &m) {
            eprintln!(
                "iscsi-decode: --metrics-file {}: {e}",
                iscsi_decode::report::escaped(&path.display().to_string())
            );
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
        let start = self
            .filter
            .place(inc.file, inc.start, inc.start_text.as_deref())
            .map(|p| p.0);
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
                let stdin_is_a_file = std::fs::metadata("/dev/stdin").is_ok_and(|m| m.is_file());
                let whence = if name == "-" && !stdin_is_a_file {
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
                    interrupted: i.interrupted,
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
    // The provided methods not written here are forwarded to `inner` as they are (see
    // `Sink::inner`; forwarding_tests.rs checks each).
    fn inner(&mut self) -> Option<&mut dyn Sink> {
        Some(&mut *self.inner)
    }

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
        let (at, text) = (fact.instant(), fact.time_text());
        self.last_passed = self
            .filter
            .line_passes(file, fact.host(), fact.sid, at, text);
        if let Some((_, Some(y))) = self.filter.place(file, at, text) {
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
        if self.live_metrics.is_some() {
            self.open.remove(&inc.seq);
            self.write_live_metrics();
        }
        Ok(())
    }

    fn live(&mut self) -> io::Result<()> {
        self.live_metrics = self.metrics_path.clone();
        if self.shows_lines() {
            self.inner.live()?;
        }
        Ok(())
    }

    fn opened(&mut self, inc: &Incident) -> io::Result<()> {
        if !self.filter.incident_passes(inc) {
            return Ok(());
        }
        if self.live_metrics.is_some() {
            self.open
                .insert(inc.seq, inc.host.clone().unwrap_or_default());
            self.write_live_metrics();
        }
        if self.shows_lines() {
            self.inner.opened(inc)?;
        }
        Ok(())
    }

    fn still_open(&mut self, inc: &Incident) -> io::Result<()> {
        if self.filter.incident_passes(inc) && self.shows_lines() {
            self.inner.still_open(inc)?;
        }
        Ok(())
    }

    fn write_chunk(&mut self, out: &[u8], cuts: &[(usize, Incident)]) -> io::Result<()> {
        let mut kept = Vec::new();
        for (end, inc) in cuts {
            if self.live_metrics.is_some() {
                self.open.remove(&inc.seq);
            }
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
