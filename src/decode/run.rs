//! The driver: inputs → chunks → prefilter → decoder → incidents → a [`Sink`] (a renderer).
//!
//! Only lines that pass the literal prefilter are turned into text and parsed; the others
//! are counted (by counting newlines) and, with `--passthrough`, handed to the sink as they
//! are.

use super::envelope::Format;
use super::incidents::{Engine, HostSummary, Incident};
use super::input::{self, Input, InputError};
use super::patterns::Kind;
use super::prefilter::Prefilter;
use super::redact::Redactor;
use super::scan::{ChunkReader, MAX_LINE};
use super::{Decoder, Event, Stats};
use std::borrow::Cow;
use std::io;

/// Options of a run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Force one input format instead of detecting it per line.
    pub format: Option<Format>,
    /// Hand unrecognised lines to [`Sink::unrecognised`].
    pub passthrough: bool,
}

/// Where decoded output goes.
pub trait Sink {
    /// An input starts (`index` counts from 0).
    fn begin_input(&mut self, _index: usize, _name: &str) -> io::Result<()> {
        Ok(())
    }
    /// A recognised line of input `file`.
    fn event(&mut self, file: usize, ev: &Event<'_>) -> io::Result<()>;
    /// An unrecognised line (only with [`Options::passthrough`]), redacted.
    fn unrecognised(&mut self, _file: usize, _line: u64, _text: &str) -> io::Result<()> {
        Ok(())
    }
    /// A closed incident.
    fn incident(&mut self, inc: &Incident) -> io::Result<()>;
    /// The end: totals and host summaries.
    fn finish(&mut self, summary: &Summary) -> io::Result<()>;
}

/// One input's totals.
#[derive(Clone, Debug, Default)]
pub struct InputSummary {
    /// The name as shown.
    pub name: String,
    /// Lines read.
    pub lines: u64,
    /// Whether it was gzip.
    pub gzip: bool,
    /// A read error that ended it early.
    pub error: Option<String>,
}

/// The totals of a run.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// Per input.
    pub inputs: Vec<InputSummary>,
    /// Line counters.
    pub stats: Stats,
    /// Recognised lines per kind, in [`Kind::ALL`] order.
    pub kinds: Vec<u64>,
    /// Per host, sorted by name.
    pub hosts: Vec<HostSummary>,
    /// Inputs that could not be opened.
    pub open_errors: Vec<String>,
}

impl Summary {
    /// Incidents in total.
    pub fn incidents(&self) -> u64 {
        self.hosts.iter().map(HostSummary::incidents).sum()
    }
}

/// Decodes the named inputs (`-` is standard input) into `sink`. Inputs that cannot be
/// opened are reported in [`Summary::open_errors`] (and on `errors`) and skipped.
pub fn run_files(
    names: &[String],
    opts: &Options,
    sink: &mut dyn Sink,
    errors: &mut dyn FnMut(&InputError),
) -> io::Result<Summary> {
    let mut r = Runner::new(opts);
    for (i, name) in names.iter().enumerate() {
        match input::open(name) {
            Ok(inp) => r.input(i, inp, sink)?,
            Err(e) => {
                errors(&e);
                r.summary.open_errors.push(e.to_string());
            }
        }
    }
    r.finish(sink)
}

/// Decodes in-memory text (for tests and the library).
pub fn run_text(text: &str, opts: &Options, sink: &mut dyn Sink) -> io::Result<Summary> {
    run_bytes("<text>", text.as_bytes().to_vec(), opts, sink)
}

/// Decodes in-memory bytes (gzip detected) shown under `name`.
pub fn run_bytes(
    name: &str,
    bytes: Vec<u8>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> io::Result<Summary> {
    let mut r = Runner::new(opts);
    let inp = input::wrap(name.to_string(), Box::new(io::Cursor::new(bytes)))?;
    r.input(0, inp, sink)?;
    r.finish(sink)
}

/// The state of one run over several inputs.
pub struct Runner {
    opts: Options,
    pre: Prefilter,
    decoder: Decoder,
    engine: Engine,
    summary: Summary,
}

impl Runner {
    /// A runner with fresh state.
    pub fn new(opts: &Options) -> Runner {
        Runner {
            opts: opts.clone(),
            pre: Prefilter::new(),
            decoder: Decoder::new(opts.format),
            engine: Engine::new(),
            summary: Summary {
                kinds: vec![0; Kind::ALL.len()],
                ..Summary::default()
            },
        }
    }

    /// Decodes one input to its end.
    pub fn input(&mut self, index: usize, inp: Input, sink: &mut dyn Sink) -> io::Result<()> {
        sink.begin_input(index, &inp.name)?;
        self.engine.set_file(index);
        let mut isum = InputSummary {
            name: inp.name.clone(),
            gzip: inp.gzip,
            ..Default::default()
        };
        let mut reader = ChunkReader::spawn(inp.reader);
        let mut lines = 0u64;
        while let Some(chunk) = reader.recv_chunk() {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    isum.error = Some(e.to_string());
                    break;
                }
            };
            self.chunk(index, &chunk.data, lines, sink)?;
            lines += count_lines(&chunk.data);
            self.summary.stats.truncated += chunk.truncated;
            reader.give_back(chunk.data);
        }
        isum.lines = lines;
        self.summary.stats.lines += lines;
        self.summary.inputs.push(isum);
        Ok(())
    }

    fn chunk(
        &mut self,
        file: usize,
        data: &[u8],
        lines_before: u64,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        if self.opts.passthrough {
            let mut line = lines_before;
            for raw in data.split_inclusive(|&b| b == b'\n') {
                line += 1;
                let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
                let hit = self.pre.is_candidate(raw);
                if !(hit && self.line(file, line, raw, sink)?) {
                    let text = String::from_utf8_lossy(raw);
                    let text = text.strip_suffix('\r').unwrap_or(&text);
                    sink.unrecognised(file, line, &Redactor::get().redact(text))?;
                }
            }
            return Ok(());
        }
        let mut pos = 0;
        let mut line = lines_before;
        // The automaton is shared (an Arc inside), so the clone is cheap and frees `self`.
        let pre = self.pre.clone();
        for (s, e) in pre.candidates(data) {
            line += memchr::memchr_iter(b'\n', &data[pos..s]).count() as u64;
            pos = s;
            self.line(file, line + 1, &data[s..e], sink)?;
        }
        Ok(())
    }

    /// Decodes one candidate line; true if it was recognised.
    fn line(
        &mut self,
        file: usize,
        line: u64,
        raw: &[u8],
        sink: &mut dyn Sink,
    ) -> io::Result<bool> {
        self.summary.stats.candidates += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if raw.len() > MAX_LINE {
            self.summary.stats.truncated += 1;
            &raw[..MAX_LINE]
        } else {
            raw
        };
        let text = match std::str::from_utf8(raw) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => {
                self.summary.stats.invalid_utf8 += 1;
                String::from_utf8_lossy(raw)
            }
        };
        let red = Redactor::get().redact(&text);
        if matches!(red, Cow::Owned(_)) {
            self.summary.stats.redacted += 1;
        }
        let mut store = String::new();
        let Some(ev) = self.decoder.decode(line, &red, &mut store) else {
            return Ok(false);
        };
        self.summary.stats.recognised += 1;
        if let Some(i) = super::envelope::Format::ALL
            .iter()
            .position(|f| *f == ev.env.format)
        {
            self.summary.stats.formats[i] += 1;
        }
        if let Some(i) = Kind::ALL.iter().position(|k| *k == ev.pattern.kind) {
            self.summary.kinds[i] += 1;
        }
        self.engine.feed(&ev);
        sink.event(file, &ev)?;
        for inc in self.engine.drain_closed() {
            sink.incident(&inc)?;
        }
        Ok(true)
    }

    /// Closes open incidents and hands the summary to the sink.
    pub fn finish(mut self, sink: &mut dyn Sink) -> io::Result<Summary> {
        self.summary.hosts = self.engine.finish();
        for inc in self.engine.drain_closed() {
            sink.incident(&inc)?;
        }
        sink.finish(&self.summary)?;
        Ok(self.summary)
    }
}

/// Lines in a chunk of whole lines (the last may lack its newline).
fn count_lines(data: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', data).count() as u64;
    n + u64::from(data.last().is_some_and(|&b| b != b'\n'))
}
