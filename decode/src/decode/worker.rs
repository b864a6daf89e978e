//! Decoding chunks on worker threads: prefilter, patterns, fields and rendering run in
//! parallel; what the incident engine needs comes back as [`Fact`](super::fact::Fact)s, in
//! order, to the one thread that runs it.

use super::fact::Facts;
use super::patterns::Kind;
use super::prefilter::Prefilter;
use super::redact::Redactor;
use super::scan::{BLOCK, Chunk, MAX_LINE};
use super::{Decoder, Event, Stats, envelope::Format};
use std::borrow::Cow;
use std::io;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};

/// Renders lines on a worker thread, into buffers that the [`Sink`](super::run::Sink) writes in order.
pub trait Render: Send {
    /// A recognised line of input `file`: `out` is written in line order (with incidents
    /// interleaved where they close), `detail` is kept for the end of a report.
    fn event(&mut self, file: usize, ev: &Event<'_>, out: &mut Vec<u8>, detail: &mut Vec<u8>);
    /// An unrecognised line (only with [`Options::passthrough`](super::run::Options::passthrough)), already redacted.
    fn unrecognised(&mut self, _file: usize, _line: u64, _text: &str, _out: &mut Vec<u8>) {}
}

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
    forced_bare: bool,
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
            forced_bare: format == Some(Format::Bare),
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
        // Every line is visited to pass unrecognised ones through, and decoded when the
        // input has no envelopes (no program name for the prefilter) or is forced bare.
        let every_line = chunk.bare || self.forced_bare;
        if self.passthrough || every_line {
            let mut lines = data.split_inclusive(|&b| b == b'\n').peekable();
            while let Some(raw) = lines.next() {
                line += 1;
                let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
                let next = lines.peek().map(|n| n.strip_suffix(b"\n").unwrap_or(n));
                let (recognised, joined) = if every_line || self.pre.is_candidate(raw) {
                    self.line(line, raw, next, &mut done)
                } else {
                    (false, false)
                };
                if !recognised && self.passthrough {
                    self.passthrough_line(line, raw, &mut done);
                }
                if joined {
                    lines.next();
                    line += 1;
                }
            }
        } else {
            // `line` counts the lines before `pos`. A candidate is numbered by counting the
            // newlines from `pos` or from the start of its block (whose count the reader
            // took), whichever is nearer: none when candidates are adjacent (iSCSI-only
            // logs), at most a block in noise.
            let first = line;
            let mut pos = 0;
            for (s, e) in self.pre.clone().candidates(data) {
                if s < pos {
                    // The second half of a wrapped line, joined to the line before it.
                    continue;
                }
                let b = s / BLOCK;
                match chunk.blocks.get(b) {
                    Some(&n) if b * BLOCK > pos => {
                        line = first + u64::from(n);
                        pos = b * BLOCK;
                    }
                    _ => {}
                }
                if s > pos {
                    line += memchr::memchr_iter(b'\n', &data[pos..s]).count() as u64;
                }
                line += 1;
                pos = (e + 1).min(data.len());
                let next = (e < data.len()).then(|| {
                    let rest = &data[e + 1..];
                    &rest[..memchr::memchr(b'\n', rest).unwrap_or(rest.len())]
                });
                let (_, joined) = self.line(line, &data[s..e], next, &mut done);
                if let (true, Some(n)) = (joined, next) {
                    line += 1;
                    pos = (pos + n.len() + 1).min(data.len());
                }
            }
        }
        done.lines = chunk.lines;
        done.data = chunk.data;
        done
    }

    fn passthrough_line(&mut self, line: u64, raw: &[u8], done: &mut Done) {
        let text = String::from_utf8_lossy(raw);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        self.render.unrecognised(
            self.file,
            line,
            &Redactor::get().redact(text),
            &mut done.out,
        );
    }

    /// Decodes one candidate line; `next` is the line after it, for a message wrapped over
    /// two lines. Returns whether the line was recognised and whether `next` was joined
    /// to it.
    fn line(
        &mut self,
        line: u64,
        raw: &[u8],
        next: Option<&[u8]>,
        done: &mut Done,
    ) -> (bool, bool) {
        let st = &mut done.stats;
        st.candidates += 1;
        let text = self.text(raw, st);
        let red = Redactor::get().redact(&text);
        if matches!(red, Cow::Owned(_)) {
            st.redacted += 1;
        }
        if memchr::memchr2(b'\\', b'\n', red.as_bytes()).is_some() {
            if let Some(parts) = self.decoder.segments(&red) {
                return (self.parts(line, &red, &parts, done), false);
            }
        }
        let mut store = std::mem::take(&mut self.store);
        let mut slot = None;
        self.decoder.decode_into(line, &red, &mut store, &mut slot);
        // What the decoder knows of this line's match, taken before it decodes anything else.
        let first = slot.as_ref().and(self.decoder.last_index());
        // A message found inside another program's line may be followed by more.
        let rest = slot
            .as_ref()
            .and_then(|ev| self.rest_after_embedded(&ev.env.message));
        let generic = slot.as_ref().is_none_or(|ev| ev.pattern.kind.is_generic());
        let mut joined = false;
        if let Some(next) = next.filter(|_| generic) {
            joined = self.try_join(line, &red, next, first, done);
        }
        let recognised = joined || slot.is_some();
        if !joined {
            let rest = rest.filter(|r| self.holds_message(line, &red, r));
            if let Some(ev) = &mut slot {
                if rest.is_some() {
                    ev.part = Some(0);
                }
                self.emit(ev, done);
            }
            if let Some(r) = rest {
                self.more_parts(line, &red, r, done);
            }
        }
        drop(slot);
        store.clear();
        self.store = store;
        (recognised, joined)
    }

    /// The line as text: cut at the line limit, decoded lossily when it is no UTF-8.
    fn text<'r>(&self, raw: &'r [u8], st: &mut Stats) -> Cow<'r, str> {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if raw.len() > MAX_LINE {
            st.truncated += 1;
            &raw[..MAX_LINE]
        } else {
            raw
        };
        match std::str::from_utf8(raw) {
            Ok(t) => Cow::Borrowed(t),
            Err(_) => {
                st.invalid_utf8 += 1;
                String::from_utf8_lossy(raw)
            }
        }
    }

    /// The text after the last match, when that match was found inside a longer text
    /// (a relay, where more messages may follow).
    fn rest_after_embedded(&self, msg: &str) -> Option<String> {
        let (s, e) = self.decoder.last_match()?;
        (s > 0 && e > s && e < msg.len() && msg.is_char_boundary(e)).then(|| msg[e..].to_string())
    }

    /// Whether `rest` holds a message of its own.
    fn holds_message(&mut self, line: u64, red: &str, rest: &str) -> bool {
        let mut store = String::new();
        let mut slot = None;
        self.decoder
            .decode_segment(line, red, rest, 1, &mut store, &mut slot)
    }

    /// The messages after the first in a relayed line (parts 1, 2, ...).
    fn more_parts(&mut self, line: u64, red: &str, mut rest: String, done: &mut Done) {
        for k in 1..MAX_PARTS {
            let mut store = String::new();
            let mut slot = None;
            let seg = std::mem::take(&mut rest);
            if !self
                .decoder
                .decode_segment(line, red, &seg, k, &mut store, &mut slot)
            {
                return;
            }
            let next = slot.as_ref().and_then(|ev| {
                let (_, e) = self.decoder.last_match()?;
                let m = &ev.env.message;
                (e > 0 && e < m.len() && m.is_char_boundary(e)).then(|| m[e..].to_string())
            });
            if let Some(ev) = &slot {
                self.emit(ev, done);
            }
            match next {
                Some(n) if n.chars().any(char::is_alphanumeric) => rest = n,
                _ => return,
            }
        }
    }

    /// The messages relayed in one line, each its own event; true if any was recognised.
    fn parts(&mut self, line: u64, red: &str, parts: &[String], done: &mut Done) -> bool {
        let mut n = 0u32;
        for seg in parts {
            let mut store = String::new();
            let mut slot = None;
            if self
                .decoder
                .decode_segment(line, red, seg, n, &mut store, &mut slot)
            {
                if let Some(ev) = &slot {
                    self.emit(ev, done);
                    n += 1;
                }
            }
        }
        n > 0
    }

    /// Joins `next` to the line when it is the second half of a wrapped message (no
    /// envelope of its own, no message alone) and the join is recognised better than the
    /// first half alone; renders the joined event.
    fn try_join(
        &mut self,
        line: u64,
        red: &str,
        next: &[u8],
        first: Option<usize>,
        done: &mut Done,
    ) -> bool {
        // A line that starts with a syslog time stands alone: settled on the bytes, before
        // any text is made of them (this runs for every unrecognised candidate).
        if next.len() > 512
            || crate::decode::clock::parse_rfc3164(next).is_some()
            || crate::decode::clock::parse_iso(next).is_some()
        {
            return false;
        }
        let next = String::from_utf8_lossy(next.strip_suffix(b"\r").unwrap_or(next));
        if self.decoder.stands_alone(&next) {
            return false;
        }
        let second = crate::decode::unwrap::strip_leading(&next).trim_end();
        if second.is_empty() {
            return false;
        }
        let joined = format!("{} {second}", red.trim_end());
        let joined = Redactor::get().redact(&joined);
        let mut store = String::new();
        let mut slot = None;
        if !self
            .decoder
            .join(line, &joined, first, &mut store, &mut slot)
        {
            return false;
        }
        match &mut slot {
            Some(ev) => {
                ev.line_end = Some(line + 1);
                self.emit(ev, done);
                true
            }
            None => false,
        }
    }

    /// Counts, renders and records the fact of one event.
    fn emit(&mut self, ev: &Event<'_>, done: &mut Done) {
        let st = &mut done.stats;
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
    }
}

/// The most messages read from one line.
const MAX_PARTS: u32 = 16;

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
