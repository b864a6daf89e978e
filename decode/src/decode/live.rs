//! Live inputs: a pipe, a terminal, a FIFO, standard input, or files followed with
//! `--follow` ([`super::follow`]). Regular files are decoded in large chunks by
//! [`super::run`]; a live input instead hands over the whole lines of each read as soon as
//! the read returns them, and every event is written and flushed as soon as its line is
//! decoded. Incidents are written when they close; one still open is written again (marked
//! open) after a quiet period ([`Live::idle`]), and one whose log has been quiet for longer
//! than the engine's quiet gap is closed as it stands, so that state stays bounded.
//!
//! Each live input has a reader thread; decoding, the engine and the sink run on the calling
//! thread, which also watches the stop flag (SIGINT, SIGTERM) and the quiet period.

use super::Error;
use super::clock::{Instant, YearTracker};
use super::follow::Follow;
use super::incidents::Incident;
use super::input::{self, InputError};
use super::run::{InputSummary, Options, Runner, Sink, Summary};
use super::scan::{Chunk, LineChunker};
use super::worker::{self, Worker};
use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, SyncSender, sync_channel};
use std::time::Duration;

/// How live inputs are read.
#[derive(Clone, Debug)]
pub struct Live {
    /// Follow every named file as `tail -F` does ([`Follow`]); `-` is standard input.
    pub follow: bool,
    /// With [`Live::follow`], read the files from their start instead of their end.
    pub from_start: bool,
    /// The quiet period after which incidents still open are written ([`Sink::still_open`]).
    pub idle: Duration,
    /// Set (by a signal handler) to end the run: what was read is reported, with the summary.
    /// A regular file being read ends at its next chunk, a live input at once; either is
    /// then [`InputSummary::interrupted`], and the inputs after it are not opened.
    pub stop: Option<Arc<AtomicBool>>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            follow: false,
            from_start: false,
            idle: Duration::from_secs(30),
            stop: None,
        }
    }
}

impl Live {
    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// Whether `name` is read live: standard input or a named FIFO or device, anything but a
/// regular file or a directory (a name that does not exist is left to the batch path, which
/// reports it).
pub fn is_live(name: &str) -> bool {
    if name == "-" {
        return !std::fs::metadata("/dev/stdin").is_ok_and(|m| m.is_file());
    }
    std::fs::metadata(name).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// Decodes the named inputs like [`super::run_files`], but reads live inputs ([`is_live`],
/// or every input with [`Live::follow`]) as they are written: see the module
/// documentation. Regular files take the batch path, which also ends at [`Live::stop`].
pub fn run_live(
    names: &[String],
    opts: &Options,
    live: &Live,
    sink: &mut dyn Sink,
    errors: &mut dyn FnMut(&InputError),
) -> Result<Summary, Error> {
    let mut r = Runner::new(opts);
    r.stop = live.stop.clone();
    if live.follow {
        let all: Vec<(usize, String)> = names.iter().cloned().enumerate().collect();
        r.live_inputs(&all, live, sink, errors)?;
        return r.finish(sink);
    }
    for (i, name) in names.iter().enumerate() {
        if live.stopped() {
            break;
        }
        if is_live(name) {
            r.live_inputs(&[(i, name.clone())], live, sink, errors)?;
            continue;
        }
        r.open_and_decode(i, name, sink, errors)?;
    }
    r.finish(sink)
}

/// What a reader thread sends.
enum Msg {
    /// Whole lines of input `input`: the first `len` bytes of `data`, `truncated` of them
    /// cut at the longest line kept.
    Lines {
        input: usize,
        data: Vec<u8>,
        len: usize,
        truncated: u64,
    },
    /// The input was gzip.
    Gzip(usize),
    /// The end of an input, early with a read error.
    End(usize, Option<io::Error>),
    /// The input could not be opened.
    OpenError(usize, InputError),
}

/// Starts the reader thread of input `input`.
fn spawn_reader(input: usize, name: String, live: &Live, tx: SyncSender<Msg>) -> io::Result<()> {
    let (follow, from_start) = (live.follow, live.from_start);
    std::thread::Builder::new()
        .name("iscsi-decode-live".into())
        .spawn(move || {
            let reader: Box<dyn Read + Send> = if follow && name != "-" {
                Box::new(Follow::new(&name, from_start))
            } else {
                match input::open(&name) {
                    Ok(inp) => {
                        if inp.gzip && tx.send(Msg::Gzip(input)).is_err() {
                            return;
                        }
                        inp.reader
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::OpenError(input, e));
                        return;
                    }
                }
            };
            let mut chunker = LineChunker::new(reader).live();
            let mut buf = Vec::new();
            loop {
                let msg = match chunker.next_chunk(&mut buf) {
                    Ok(Some((len, truncated))) => Msg::Lines {
                        input,
                        data: buf[..len].to_vec(),
                        len,
                        truncated,
                    },
                    Ok(None) => Msg::End(input, None),
                    Err(e) => Msg::End(input, Some(e)),
                };
                let end = matches!(msg, Msg::End(..));
                if tx.send(msg).is_err() || end {
                    return;
                }
            }
        })
        .map(drop)
}

/// The state of one live input.
struct LiveInput {
    index: usize,
    worker: Worker,
    years: YearTracker,
    seq: u64,
    lines: u64,
    bare: Option<bool>,
    summary: Option<InputSummary>,
}

/// How often the run looks at the stop flag and the quiet period.
const TICK: Duration = Duration::from_millis(100);
/// How often incidents left quiet by the log are closed.
const STALE_EVERY: Duration = Duration::from_secs(1);

impl Runner {
    /// Decodes live inputs `(index, name)` together until they all end or the run is
    /// stopped.
    fn live_inputs(
        &mut self,
        inputs: &[(usize, String)],
        live: &Live,
        sink: &mut dyn Sink,
        errors: &mut dyn FnMut(&InputError),
    ) -> Result<(), Error> {
        let mut ins = Vec::with_capacity(inputs.len());
        for (index, name) in inputs {
            let shown = if name == "-" {
                "<stdin>"
            } else {
                name.as_str()
            };
            sink.begin_input(*index, shown).map_err(Error::Write)?;
            ins.push(LiveInput {
                index: *index,
                worker: Worker::new(
                    *index,
                    self.opts.format,
                    self.opts.passthrough,
                    sink.renderer(),
                ),
                years: YearTracker::default(),
                seq: 0,
                lines: 0,
                bare: None,
                summary: Some(InputSummary {
                    name: shown.to_string(),
                    ..Default::default()
                }),
            });
        }
        sink.live().map_err(Error::Write)?;
        let (tx, rx) = sync_channel::<Msg>(64);
        for (index, name) in inputs {
            spawn_reader(*index, name.clone(), live, tx.clone()).map_err(Error::Spawn)?;
        }
        drop(tx);
        let mut done = worker::empty_done();
        let mut left = ins.len();
        let mut last_read = std::time::Instant::now();
        let mut last_stale = last_read;
        let mut latest: Option<Instant> = None;
        let mut seen = self.engine.opened();
        // Incidents written open, with their line counts then.
        let mut written_open: HashMap<u64, u64> = HashMap::new();
        let at = |ins: &[LiveInput], index: usize| ins.iter().position(|l| l.index == index);
        while left > 0 && !live.stopped() {
            match rx.recv_timeout(TICK) {
                Ok(Msg::Lines {
                    input,
                    data,
                    len,
                    truncated,
                }) => {
                    let Some(k) = at(&ins, input) else { continue };
                    let li = &mut ins[k];
                    let chunk = Chunk::new(li.seq, li.lines, data, len, truncated, &mut li.bare);
                    li.seq += 1;
                    li.lines += chunk.lines;
                    done = li.worker.chunk(chunk, done);
                    self.file = input;
                    self.engine.set_file(input);
                    std::mem::swap(&mut self.years, &mut li.years);
                    let applied = self.apply(&mut done, sink);
                    std::mem::swap(&mut self.years, &mut li.years);
                    applied.map_err(Error::Write)?;
                    if let Some(t) = done.facts.iter_mut().filter_map(|(_, f)| f.wall).last() {
                        latest = Some(t);
                    }
                    seen = self.write_opened(seen, sink).map_err(Error::Write)?;
                    if last_stale.elapsed() >= STALE_EVERY {
                        last_stale = std::time::Instant::now();
                        if let Some(now) = latest {
                            self.engine.close_stale(now);
                            for inc in self.engine.drain_closed() {
                                sink.incident(&inc).map_err(Error::Write)?;
                            }
                        }
                    }
                    sink.flush().map_err(Error::Write)?;
                    last_read = std::time::Instant::now();
                }
                Ok(Msg::Gzip(input)) => {
                    if let Some(s) = at(&ins, input).and_then(|k| ins[k].summary.as_mut()) {
                        s.gzip = true;
                    }
                }
                Ok(Msg::End(input, error)) => {
                    if let Some(k) = at(&ins, input) {
                        let lines = ins[k].lines;
                        if let Some(s) = ins[k].summary.take() {
                            self.end_input(s, lines, error);
                        }
                    }
                    left -= 1;
                }
                Ok(Msg::OpenError(input, e)) => {
                    errors(&e);
                    self.summary.open_errors.push(Error::Open(e));
                    if let Some(k) = at(&ins, input) {
                        ins[k].summary = None;
                    }
                    left -= 1;
                }
                Err(RecvTimeoutError::Timeout) => {
                    if last_read.elapsed() >= live.idle {
                        self.write_still_open(&mut written_open, sink)
                            .map_err(Error::Write)?;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        // Stopped: the inputs still being read end here.
        for li in &mut ins {
            if let Some(mut s) = li.summary.take() {
                s.interrupted = live.stopped();
                self.end_input(s, li.lines, None);
            }
        }
        Ok(())
    }

    /// Tells the sink of the incidents opened since the `seen`-th; returns the new count.
    fn write_opened(&mut self, seen: u64, sink: &mut dyn Sink) -> io::Result<u64> {
        let now = self.engine.opened();
        if now > seen {
            let mut new: Vec<&Incident> = self
                .engine
                .open_incidents()
                .filter(|i| i.seq > seen)
                .collect();
            new.sort_by_key(|i| i.seq);
            for inc in new {
                sink.opened(inc)?;
            }
        }
        Ok(now)
    }

    /// Writes the open incidents that changed since they were last written open.
    fn write_still_open(
        &mut self,
        written: &mut HashMap<u64, u64>,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let mut open: Vec<&Incident> = self.engine.open_incidents().collect();
        open.sort_by_key(|i| i.seq);
        written.retain(|s, _| open.iter().any(|i| i.seq == *s));
        let mut any = false;
        for inc in open {
            if written.get(&inc.seq) != Some(&inc.events) {
                sink.still_open(inc)?;
                written.insert(inc.seq, inc.events);
                any = true;
            }
        }
        if any {
            sink.flush()?;
        }
        Ok(())
    }
}
