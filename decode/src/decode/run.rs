//! The driver: inputs → reader thread → worker threads (prefilter, patterns, rendering) →
//! this thread (incidents, output in line order) → a [`Sink`].
//!
//! Only lines that pass the literal prefilter are turned into text and parsed; the others
//! are counted (by counting newlines) and, with `--passthrough`, rendered as they are.
//! Memory is bounded by the number of chunks in flight, whatever the input's size.

use super::clock::{Instant, Scale, YearTracker};
use super::envelope::{Format, RawTime};
use super::fact::Fact;
use super::incidents::{Engine, HostSummary, Incident};
use super::input::{self, Input, InputError};
use super::patterns::{Kind, Scope};
use super::scan::{Chunk, ChunkReader, LineChunker};
pub use super::worker::Render;
use super::worker::{self, Done, Worker};
use super::{Error, Stats};
use std::collections::BTreeMap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::{Arc, Mutex};

/// Options of a run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Force one input format instead of detecting it per line.
    pub format: Option<Format>,
    /// Render unrecognised lines too (see [`Render::unrecognised`]).
    pub passthrough: bool,
    /// Worker threads; 0 picks one per available CPU (at most 4); 1 decodes in the calling
    /// thread.
    pub threads: usize,
    /// Decode named inputs that look binary too ([`input::open_text`]); by default they are
    /// refused with an [`Error::Open`].
    pub text: bool,
}

/// Where decoded output goes; runs on the calling thread.
///
/// A sink may wrap another (filters, checks: see [`Sink::inner`]): every provided method
/// then forwards to the inner sink unless the wrapper overrides it, so a method added here
/// reaches every wrapped sink without each wrapper having to pass it on by hand. A leaf
/// sink (no inner sink) gets the documented default of each.
pub trait Sink {
    /// The sink this one wraps, if any: each provided method that this sink does not
    /// override is then forwarded to it as it is. The required methods are written by every
    /// sink. A wrapper that overrides [`Sink::write`] or [`Sink::incident`] overrides
    /// [`Sink::write_chunk`] too, which is otherwise forwarded whole.
    fn inner(&mut self) -> Option<&mut dyn Sink> {
        None
    }
    /// An input starts (`index` counts from 0).
    fn begin_input(&mut self, index: usize, name: &str) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.begin_input(index, name))
    }
    /// A renderer for one worker, for the current input.
    fn renderer(&self) -> Box<dyn Render>;
    /// Rendered lines, in order.
    fn write(&mut self, out: &[u8]) -> io::Result<()>;
    /// Rendered detail, in order.
    fn detail(&mut self, detail: &[u8]) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.detail(detail))
    }
    /// What the incident engine learns from a line of input `file`, in line order, before
    /// the engine sees it (for checks over the decoded values; rendering is done by then).
    fn fact(&mut self, file: usize, fact: &Fact) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.fact(file, fact))
    }
    /// The log ties the SCSI, block or multipath line whose rendered event ends `out` to an
    /// iSCSI session (see [`crate::decode::patterns::Scope::Context`]); the renderer may mark
    /// it so in place.
    fn tied_to_iscsi(&mut self, out: &mut [u8]) {
        if let Some(s) = self.inner() {
            s.tied_to_iscsi(out);
        }
    }
    /// The event that ends `out[..end]` of the chunk about to be written (see
    /// [`Sink::write_chunk`]) joined the incident whose id is `id`; the renderer may name it
    /// (the NDJSON event's `incident`).
    fn joined_incident(&mut self, end: usize, id: u64) {
        if let Some(s) = self.inner() {
            s.joined_incident(end, id);
        }
    }
    /// A closed incident.
    fn incident(&mut self, inc: &Incident) -> io::Result<()>;
    /// The rendered lines of one chunk, `out`, with the incidents that closed inside it:
    /// each `(end, incident)` comes right after `out[..end]` (the ends ascend). By default
    /// [`Sink::write`] and [`Sink::incident`] in that order; a sink may write it all at once.
    fn write_chunk(&mut self, out: &[u8], cuts: &[(usize, Incident)]) -> io::Result<()> {
        if let Some(s) = self.inner() {
            return s.write_chunk(out, cuts);
        }
        let mut pos = 0;
        for (end, inc) in cuts {
            self.write(&out[pos..*end])?;
            pos = *end;
            self.incident(inc)?;
        }
        self.write(&out[pos..])
    }
    /// The end: totals and host summaries.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
    /// A live input starts (a pipe, a terminal, a followed file: see
    /// [`crate::decode::run_live`]): from now on the sink writes what it gets as it gets it
    /// (incidents as they close, detail as it comes) instead of keeping it for the end; what
    /// it kept from regular files before is written now.
    fn live(&mut self) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.live())
    }
    /// An incident opened (live inputs only; it comes again to [`Sink::incident`] when it
    /// closes).
    fn opened(&mut self, inc: &Incident) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.opened(inc))
    }
    /// An incident still open after a quiet period (live inputs only, `--idle`); it may come
    /// again if it changes, and comes to [`Sink::incident`] when it closes.
    fn still_open(&mut self, inc: &Incident) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.still_open(inc))
    }
    /// Writes out what is buffered (live inputs, after each read).
    fn flush(&mut self) -> io::Result<()> {
        self.inner().map_or(Ok(()), |s| s.flush())
    }
}

/// One input's totals.
#[derive(Debug, Default)]
pub struct InputSummary {
    /// The name as shown.
    pub name: String,
    /// Lines read.
    pub lines: u64,
    /// Whether it was gzip.
    pub gzip: bool,
    /// A read error that ended it early ([`Error::Read`]).
    pub error: Option<Error>,
    /// Whether the run was stopped ([`crate::decode::Live::stop`]: SIGINT, SIGTERM) before
    /// the input's end: [`InputSummary::lines`] counts the lines read until then.
    pub interrupted: bool,
}

/// The totals of a run.
#[derive(Debug, Default)]
pub struct Summary {
    /// Per input.
    pub inputs: Vec<InputSummary>,
    /// Line counters.
    pub stats: Stats,
    /// Recognised lines per kind, in [`Kind::ALL`] order.
    pub kinds: Vec<u64>,
    /// Per host, sorted by name.
    pub hosts: Vec<HostSummary>,
    /// Inputs that could not be opened ([`Error::Open`]).
    pub open_errors: Vec<Error>,
}

impl Summary {
    /// Incidents in total.
    pub fn incidents(&self) -> u64 {
        self.hosts.iter().map(HostSummary::incidents).sum()
    }

    fn add(&mut self, st: &Stats, kinds: &[u64]) {
        let s = &mut self.stats;
        s.candidates += st.candidates;
        s.recognised += st.recognised;
        s.invalid_utf8 += st.invalid_utf8;
        s.truncated += st.truncated;
        s.redacted += st.redacted;
        for (a, b) in s.formats.iter_mut().zip(st.formats) {
            *a += b;
        }
        for (a, b) in self.kinds.iter_mut().zip(kinds) {
            *a += b;
        }
    }
}

/// Decodes the named inputs (`-` is standard input) into `sink`. Inputs that cannot be
/// opened are reported in [`Summary::open_errors`] (and to `errors`) and skipped; a read
/// error ends its input ([`InputSummary::error`]). The run stops only when the sink fails
/// ([`Error::Write`]) or a thread cannot start ([`Error::Spawn`]).
pub fn run_files(
    names: &[String],
    opts: &Options,
    sink: &mut dyn Sink,
    errors: &mut dyn FnMut(&InputError),
) -> Result<Summary, Error> {
    let mut r = Runner::new(opts);
    for (i, name) in names.iter().enumerate() {
        r.open_and_decode(i, name, sink, errors)?;
    }
    r.finish(sink)
}

/// Decodes in-memory text (for tests and the library).
pub fn run_text(text: &str, opts: &Options, sink: &mut dyn Sink) -> Result<Summary, Error> {
    run_bytes("<text>", text.as_bytes().to_vec(), opts, sink)
}

/// Decodes in-memory bytes (gzip detected) shown under `name`.
pub fn run_bytes(
    name: &str,
    bytes: Vec<u8>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    let mut r = Runner::new(opts);
    let inp =
        input::wrap(name.to_string(), Box::new(io::Cursor::new(bytes))).map_err(|source| {
            Error::Read {
                input: name.to_string(),
                lines: 0,
                source,
            }
        })?;
    r.input(0, inp, sink)?;
    r.finish(sink)
}

/// The number of worker threads for `opts`.
fn threads(opts: &Options) -> usize {
    match opts.threads {
        0 => std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 4),
        n => n,
    }
}

/// The state of one run over several inputs.
pub struct Runner {
    pub(super) opts: Options,
    pub(super) engine: Engine,
    pub(super) years: YearTracker,
    pub(super) summary: Summary,
    pub(super) file: usize,
    /// Incidents closed in the chunk being applied (reused).
    cuts: Vec<(usize, Incident)>,
    /// Set to stop the run (see [`crate::decode::Live::stop`]): a regular file being read
    /// ends at the next chunk.
    pub(super) stop: Option<Arc<AtomicBool>>,
}

impl Runner {
    /// A runner with fresh state.
    pub fn new(opts: &Options) -> Runner {
        Runner {
            opts: opts.clone(),
            engine: Engine::new(),
            years: YearTracker::default(),
            summary: Summary {
                kinds: vec![0; Kind::ALL.len()],
                ..Summary::default()
            },
            file: 0,
            cuts: Vec::new(),
            stop: None,
        }
    }

    /// Opens the input `name` as `index` and decodes it ([`Runner::input`]); one that
    /// cannot be opened is given to `errors` and kept in the summary, and the run goes on.
    pub(super) fn open_and_decode(
        &mut self,
        index: usize,
        name: &str,
        sink: &mut dyn Sink,
        errors: &mut dyn FnMut(&InputError),
    ) -> Result<(), Error> {
        match input::open_text(name, self.opts.text) {
            Ok(inp) => self.input(index, inp, sink),
            Err(e) => {
                errors(&e);
                self.summary.open_errors.push(Error::Open(e));
                Ok(())
            }
        }
    }

    /// Whether the run was stopped ([`Runner::stop`]).
    pub(super) fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }

    /// Decodes one input to its end, or until the run is stopped (looked at once per chunk:
    /// [`InputSummary::interrupted`]). With [`Options::threads`] 1, in the calling thread
    /// (no reader or worker threads: for embedding, tests and fuzzing).
    pub fn input(&mut self, index: usize, inp: Input, sink: &mut dyn Sink) -> Result<(), Error> {
        if self.opts.threads == 1 {
            return self.input_here(index, inp, sink);
        }
        let mut isum = self.begin(index, &inp, sink)?;
        let n = threads(&self.opts);
        let max_chunks = 2 * n + 2;
        let (chunks, recycle) = ChunkReader::spawn(inp.reader, max_chunks).into_parts();
        let queue = Arc::new(Mutex::new(chunks));
        let (results_tx, results) = sync_channel::<Done>(max_chunks);
        let (spare_tx, spare_rx) = channel::<Done>();
        let spare = Arc::new(Mutex::new(spare_rx));
        for _ in 0..n {
            let w = Worker::new(
                index,
                self.opts.format,
                self.opts.passthrough,
                sink.renderer(),
            );
            let (q, r, s) = (Arc::clone(&queue), results_tx.clone(), Arc::clone(&spare));
            std::thread::Builder::new()
                .name("iscsi-decode-worker".into())
                .spawn(move || worker::work_loop(w, q, r, s))
                .map_err(Error::Spawn)?;
        }
        drop(results_tx);
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let mut next = 0u64;
        let mut lines = 0u64;
        let mut failure: io::Result<()> = Ok(());
        let mut read_error = None;
        let mut interrupted = false;
        for mut done in results.iter() {
            if let Some(e) = done.error.take() {
                read_error = Some(e);
                continue;
            }
            pending.insert(done.seq, done);
            while let Some(mut done) = pending.remove(&next) {
                next += 1;
                lines += done.lines;
                if failure.is_ok() {
                    failure = self.apply(&mut done, sink);
                }
                let _ = recycle.send(std::mem::take(&mut done.data));
                let _ = spare_tx.send(done);
            }
            interrupted = self.stopped();
            if failure.is_err() || interrupted {
                // Stop reading: dropping the queue ends the workers and the reader.
                break;
            }
        }
        isum.interrupted = interrupted;
        self.end_input(isum, lines, read_error);
        failure.map_err(Error::Write)
    }

    /// Records the end of an input: its lines, and the read error that ended it early.
    pub(super) fn end_input(
        &mut self,
        mut isum: InputSummary,
        lines: u64,
        error: Option<io::Error>,
    ) {
        isum.lines = lines;
        isum.error = error.map(|source| Error::Read {
            input: isum.name.clone(),
            lines,
            source,
        });
        self.summary.stats.lines += lines;
        self.summary.inputs.push(isum);
    }

    /// Starts input `index`: tells the sink, resets the per-input state, and returns the
    /// input's summary to fill.
    pub(super) fn begin(
        &mut self,
        index: usize,
        inp: &Input,
        sink: &mut dyn Sink,
    ) -> Result<InputSummary, Error> {
        sink.begin_input(index, &inp.name).map_err(Error::Write)?;
        self.file = index;
        self.engine.set_file(index);
        self.years = YearTracker::default();
        Ok(InputSummary {
            name: inp.name.clone(),
            gzip: inp.gzip,
            ..Default::default()
        })
    }

    /// [`Runner::input`] in this thread: read a chunk, decode it, apply it, in turn.
    fn input_here(&mut self, index: usize, inp: Input, sink: &mut dyn Sink) -> Result<(), Error> {
        let mut isum = self.begin(index, &inp, sink)?;
        let mut chunker = LineChunker::new(inp.reader);
        let mut w = Worker::new(
            index,
            self.opts.format,
            self.opts.passthrough,
            sink.renderer(),
        );
        let (mut seq, mut lines, mut bare) = (0u64, 0u64, None);
        let mut buf = Vec::new();
        let mut done = worker::empty_done();
        let mut failure = Ok(());
        let mut read_error = None;
        loop {
            if self.stopped() {
                isum.interrupted = true;
                break;
            }
            match chunker.next_chunk(&mut buf) {
                Ok(Some((len, truncated))) => {
                    let chunk = Chunk::new(
                        seq,
                        lines,
                        std::mem::take(&mut buf),
                        len,
                        truncated,
                        &mut bare,
                    );
                    seq += 1;
                    lines += chunk.lines;
                    done = w.chunk(chunk, done);
                    failure = self.apply(&mut done, sink);
                    buf = std::mem::take(&mut done.data);
                    if failure.is_err() {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    read_error = Some(e);
                    break;
                }
            }
        }
        self.end_input(isum, lines, read_error);
        failure.map_err(Error::Write)
    }

    /// Writes one decoded chunk and feeds its facts to the engine, in line order.
    pub(super) fn apply(&mut self, done: &mut Done, sink: &mut dyn Sink) -> io::Result<()> {
        self.summary.add(&done.stats, &done.kinds);
        // The chunk's lines and the incidents that close among them go to the sink in one
        // call, each incident after the line that closed it.
        let mut cuts = std::mem::take(&mut self.cuts);
        cuts.clear();
        for (end, fact) in done.facts.iter_mut() {
            fact.wall = match fact.time {
                RawTime::None => None,
                RawTime::Wall(secs) => Some(Instant {
                    secs,
                    scale: Scale::Wall,
                }),
                RawTime::NoYear(ny) => Some(self.years.instant(ny)),
            };
            sink.fact(self.file, fact)?;
            self.engine.feed(fact);
            if let Some(id) = self.engine.joined() {
                sink.joined_incident(*end, id);
            }
            if fact.kind.scope() == Scope::Context && self.engine.ties_to_iscsi(fact) {
                if let Some(out) = done.out.get_mut(..*end) {
                    sink.tied_to_iscsi(out);
                }
            }
            cuts.extend(self.engine.drain_closed().map(|inc| (*end, inc)));
        }
        let written = sink.write_chunk(&done.out, &cuts);
        cuts.clear();
        self.cuts = cuts;
        written?;
        sink.detail(&done.detail)
    }

    /// Closes open incidents and hands the summary to the sink.
    pub fn finish(mut self, sink: &mut dyn Sink) -> Result<Summary, Error> {
        self.summary.hosts = self.engine.finish();
        for inc in self.engine.drain_closed() {
            sink.incident(&inc).map_err(Error::Write)?;
        }
        sink.finish(&self.summary).map_err(Error::Write)?;
        Ok(self.summary)
    }
}
