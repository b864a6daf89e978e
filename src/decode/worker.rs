//! Decoding chunks on worker threads: prefilter, patterns, fields and rendering run in
//! parallel; what the incident engine needs comes back as [`Fact`]s, in order, to the one
//! thread that runs it.

use super::fact::Facts;
use super::patterns::Kind;
use super::prefilter::Prefilter;
use super::redact::Redactor;
use super::run::Render;
use super::scan::{Chunk, MAX_LINE};
use super::{Decoder, Stats, envelope::Format};
use std::borrow::Cow;
use std::io;
use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};

/// A decoded chunk.
pub struct Done {
    /// The chunk's order in its input.
    pub seq: u64,
    /// The chunk's bytes, for reuse by the reader.
    pub data: Vec<u8>,
    /// Rendered output to write in order (events, passthrough lines).
    pub out: Vec<u8>,
    /// Rendered detail kept for the end of the report (`--verbose`).
    pub detail: Vec<u8>,
    /// Facts for the engine, each with the length of `out` just after its event.
    pub facts: Facts,
    /// Counters of this chunk.
    pub stats: Stats,
    /// Recognised lines per kind, in [`Kind::ALL`] order.
    pub kinds: Vec<u64>,
    /// Lines in the chunk.
    pub lines: u64,
    /// A read error that ends the input.
    pub error: Option<io::Error>,
}

/// One worker's state.
pub struct Worker {
    file: usize,
    pre: Prefilter,
    decoder: Decoder,
    render: Box<dyn Render>,
    passthrough: bool,
    store: String,
}

impl Worker {
    /// A worker for input `file`.
    pub fn new(
        file: usize,
        format: Option<Format>,
        passthrough: bool,
        render: Box<dyn Render>,
    ) -> Worker {
        Worker {
            file,
            pre: Prefilter::new(),
            decoder: Decoder::new(format),
            render,
            passthrough,
            store: String::new(),
        }
    }

    /// Decodes one chunk into `done` (whose buffers are reused).
    pub fn chunk(&mut self, chunk: Chunk, mut done: Done) -> Done {
        done.seq = chunk.seq;
        done.out.clear();
        done.detail.clear();
        done.facts.clear();
        done.stats = Stats {
            truncated: chunk.truncated,
            ..Stats::default()
        };
        done.kinds.clear();
        done.kinds.resize(Kind::ALL.len(), 0);
        done.error = None;
        let data = chunk.bytes();
        let mut line = chunk.first_line;
        if self.passthrough {
            for raw in data.split_inclusive(|&b| b == b'\n') {
                line += 1;
                let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
                if !(self.pre.is_candidate(raw) && self.line(line, raw, &mut done)) {
                    let text = String::from_utf8_lossy(raw);
                    let text = text.strip_suffix('\r').unwrap_or(&text);
                    self.render.unrecognised(
                        self.file,
                        line,
                        &Redactor::get().redact(text),
                        &mut done.out,
                    );
                }
            }
        } else {
            // `line` counts the lines before `pos`; only the gaps between candidates are
            // scanned for newlines (none when candidates are adjacent, as in iSCSI-only logs).
            let mut pos = 0;
            for (s, e) in self.pre.clone().candidates(data) {
                if s > pos {
                    line += memchr::memchr_iter(b'\n', &data[pos..s]).count() as u64;
                }
                line += 1;
                pos = (e + 1).min(data.len());
                self.line(line, &data[s..e], &mut done);
            }
        }
        done.lines = chunk.lines;
        done.data = chunk.data;
        done
    }

    /// Decodes one candidate line; true if it was recognised.
    fn line(&mut self, line: u64, raw: &[u8], done: &mut Done) -> bool {
        let st = &mut done.stats;
        st.candidates += 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if raw.len() > MAX_LINE {
            st.truncated += 1;
            &raw[..MAX_LINE]
        } else {
            raw
        };
        let text = match std::str::from_utf8(raw) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => {
                st.invalid_utf8 += 1;
                String::from_utf8_lossy(raw)
            }
        };
        let red = Redactor::get().redact(&text);
        if matches!(red, Cow::Owned(_)) {
            st.redacted += 1;
        }
        let mut store = std::mem::take(&mut self.store);
        let mut slot = None;
        self.decoder.decode_into(line, &red, &mut store, &mut slot);
        let recognised = match &slot {
            Some(ev) => {
                st.recognised += 1;
                if let Some(n) = st.formats.get_mut(ev.env.format.index()) {
                    *n += 1;
                }
                if let Some(n) = done.kinds.get_mut(ev.pattern.kind.index()) {
                    *n += 1;
                }
                self.render
                    .event(self.file, ev, &mut done.out, &mut done.detail);
                done.facts.push(done.out.len(), ev);
                true
            }
            None => false,
        };
        drop(slot);
        store.clear();
        self.store = store;
        recognised
    }
}

/// An empty result with fresh buffers.
pub fn empty_done() -> Done {
    Done {
        seq: 0,
        data: Vec::new(),
        out: Vec::new(),
        detail: Vec::new(),
        facts: Facts::default(),
        stats: Stats::default(),
        kinds: Vec::new(),
        lines: 0,
        error: None,
    }
}

/// The body of a worker thread: takes chunks from the shared queue until it closes.
pub fn work_loop(
    mut w: Worker,
    queue: Arc<Mutex<Receiver<io::Result<Chunk>>>>,
    results: SyncSender<Done>,
    spare: Arc<Mutex<Receiver<Done>>>,
) {
    loop {
        let next = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(item) = next else { return };
        let done = match spare.lock().map(|s| s.try_recv()) {
            Ok(Ok(d)) => d,
            Ok(Err(TryRecvError::Empty | TryRecvError::Disconnected)) | Err(_) => empty_done(),
        };
        let done = match item {
            Ok(chunk) => w.chunk(chunk, done),
            Err(e) => {
                let mut d = done;
                d.seq = u64::MAX;
                d.error = Some(e);
                d
            }
        };
        if results.send(done).is_err() {
            return;
        }
    }
}

/// Where finished results' buffers go back to the workers.
pub type Spare = Sender<Done>;
