//! Streaming an input as chunks of whole lines, with constant memory, on a reader thread.
//!
//! The reader fills large buffers straight from the input (no per-line reads), cuts each at
//! its last newline and carries the partial line over; a line longer than [`MAX_LINE`] is
//! cut there and the rest of it skipped, so no input can make memory grow. Buffers go back
//! to the reader for reuse, and the channel is bounded, so at most a few chunks exist.

use std::io::{self, Read};
use std::sync::mpsc::{Receiver, Sender, SyncSender, TryRecvError, channel, sync_channel};
use std::thread::JoinHandle;

/// The size of a chunk buffer: small enough that the rendered output of a chunk of
/// iSCSI-only lines (several times its size in NDJSON) stays small and a 2 GB log decodes
/// in about 30 MB, large enough that the per-chunk hand-offs between threads (futex waits
/// and wake-ups, 256 KiB chunks cost a noise log about 5 % of its time) fade.
pub const CHUNK: usize = 768 << 10;
/// The size of the blocks whose line counts a chunk carries ([`Chunk::blocks`]).
pub const BLOCK: usize = 4 << 10;
/// The longest line kept whole; longer lines are cut here.
pub const MAX_LINE: usize = 64 * 1024;

/// A chunk of whole lines (the last line of the input may lack its newline).
#[derive(Debug, Default)]
pub struct Chunk {
    /// Order of the chunk in its input, from 0.
    pub seq: u64,
    /// Lines before this chunk.
    pub first_line: u64,
    /// The buffer: its first [`Chunk::len`] bytes are the chunk.
    pub data: Vec<u8>,
    /// The length of the chunk in [`Chunk::data`].
    pub len: usize,
    /// Lines of this chunk that were cut at [`MAX_LINE`].
    pub truncated: u64,
    /// Lines in this chunk.
    pub lines: u64,
    /// Newlines before each [`BLOCK`] of the chunk (`blocks[k]`: in the first `k * BLOCK`
    /// bytes), counted with the chunk's lines: a worker numbers a candidate line by counting
    /// from the start of its block, not from the last candidate.
    pub blocks: Vec<u32>,
    /// The input's lines carry no envelope ([`bare_input`]): every line is decoded, not
    /// only the prefilter's candidates.
    pub bare: bool,
}

impl Chunk {
    /// The chunk `seq` of an input, after `first_line` lines: the first `len` bytes of
    /// `data`, of which `truncated` lines were cut. `bare` is the input's [`bare_input`]
    /// verdict, settled on its first chunk.
    pub fn new(
        seq: u64,
        first_line: u64,
        data: Vec<u8>,
        len: usize,
        truncated: u64,
        bare: &mut Option<bool>,
    ) -> Chunk {
        let mut blocks = Vec::with_capacity(len.div_ceil(BLOCK));
        let lines = count_blocks(&data[..len], &mut blocks);
        let bare = *bare.get_or_insert_with(|| bare_input(&data[..len]));
        Chunk {
            seq,
            first_line,
            data,
            len,
            truncated,
            lines,
            blocks,
            bare,
        }
    }

    /// The chunk's bytes.
    pub fn bytes(&self) -> &[u8] {
        &self.data[..self.len]
    }
}

/// Cuts a byte stream into chunks of whole lines.
pub struct LineChunker<R> {
    reader: R,
    pending: Vec<u8>,
    skipping: bool,
    eof: bool,
    live: bool,
}

impl<R: Read> LineChunker<R> {
    /// A chunker over `reader`.
    pub fn new(reader: R) -> Self {
        LineChunker {
            reader,
            pending: Vec::new(),
            skipping: false,
            eof: false,
            live: false,
        }
    }

    /// Hands over the whole lines a read returned as soon as it returns them, instead of
    /// filling half a chunk first: for live inputs (a pipe, a terminal, a followed file),
    /// where a read returns short when the writer has written no more yet.
    pub fn live(mut self) -> Self {
        self.live = true;
        self
    }

    /// Reads once into `out[start..CHUNK]`; the number of bytes read (0 at the end).
    fn read_some(&mut self, out: &mut [u8], start: usize) -> io::Result<usize> {
        loop {
            match self.reader.read(&mut out[start..CHUNK]) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Fills the front of `out` with whole lines; returns how many bytes that is and the
    /// number of lines cut at [`MAX_LINE`], or `None` at the end of the input.
    ///
    /// `out` is grown to [`CHUNK`] bytes the first time and never shrunk, so a reused buffer
    /// is not cleared again for every read: the bytes after the returned length are stale.
    pub fn next_chunk(&mut self, out: &mut Vec<u8>) -> io::Result<Option<(usize, u64)>> {
        if out.len() < CHUNK {
            out.resize(CHUNK, 0);
        }
        let mut len = self.pending.len();
        out[..len].copy_from_slice(&self.pending);
        self.pending.clear();
        let mut truncated = 0;
        loop {
            if self.eof {
                return Ok((len > 0).then_some((len, truncated)));
            }
            // Here `len` < CHUNK / 2: the carried-over line is at most MAX_LINE + 1 bytes.
            let start = len;
            let n = self.read_some(out, start)?;
            if n == 0 {
                self.eof = true;
                continue;
            }
            len = start + n;
            lone_cr_to_lf(&mut out[start.saturating_sub(1)..len]);
            if self.skipping {
                match memchr::memchr(b'\n', &out[start..len]) {
                    None => {
                        len = start;
                        continue;
                    }
                    Some(i) => {
                        out.copy_within(start + i + 1..len, start);
                        len -= i + 1;
                        self.skipping = false;
                    }
                }
            }
            if len < CHUNK / 2 && !(self.live && memchr::memchr(b'\n', &out[start..len]).is_some())
            {
                continue;
            }
            match memchr::memrchr(b'\n', &out[..len]) {
                Some(p) => {
                    self.pending.extend_from_slice(&out[p + 1..len]);
                    if self.pending.len() > MAX_LINE {
                        self.pending.truncate(MAX_LINE);
                        self.pending.push(b'\n');
                        self.skipping = true;
                        truncated += 1;
                    }
                    return Ok(Some((p + 1, truncated)));
                }
                None => {
                    out[MAX_LINE] = b'\n';
                    self.skipping = true;
                    return Ok(Some((MAX_LINE + 1, truncated + 1)));
                }
            }
        }
    }
}

/// Turns each carriage return that no line feed follows into a line feed: old Mac line ends
/// (CR alone) end lines, as CRLF does (the worker strips a CR before an LF). A CR that ends
/// `data` is left: the byte after it is not read yet (the caller passes the last byte of
/// the previous read again with the next).
fn lone_cr_to_lf(data: &mut [u8]) {
    let mut from = 0;
    while let Some(i) = memchr::memchr(b'\r', &data[from..]).map(|i| i + from) {
        match data.get(i + 1) {
            Some(b'\n') | Some(b'\r') => {}
            Some(_) => data[i] = b'\n',
            None => return,
        }
        from = i + 1;
    }
}

/// Whether an input whose first chunk is `first` is made of lines without an envelope (no
/// syslog, journal or dmesg prefix): `journalctl -o cat`, a ticket quoting messages alone,
/// iscsiadm's reports. Such lines carry no program name for the prefilter to find, so every
/// line of the input is decoded. Settled on the first 200 non-blank lines: bare when at most
/// half of them have an envelope.
pub fn bare_input(first: &[u8]) -> bool {
    use crate::decode::envelope::{self, Format};
    let (mut seen, mut enveloped) = (0u32, 0u32);
    for line in first.split(|&b| b == b'\n') {
        let text = String::from_utf8_lossy(line);
        let text = text.trim_end();
        if text.trim_start().is_empty() {
            continue;
        }
        seen += 1;
        if envelope::parse(text, None).format != Format::Bare {
            enveloped += 1;
        }
        if seen == 200 {
            break;
        }
    }
    seen > 0 && enveloped * 2 <= seen
}

/// [`count_lines`] of `data`, filling `blocks` with the newlines before each [`BLOCK`].
pub fn count_blocks(data: &[u8], blocks: &mut Vec<u32>) -> u64 {
    blocks.clear();
    let mut n = 0u64;
    for block in data.chunks(BLOCK) {
        blocks.push(n as u32);
        n += memchr::memchr_iter(b'\n', block).count() as u64;
    }
    n + u64::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// A reader thread delivering numbered chunks. At most `max_chunks` buffers exist: once they
/// are all out, the reader waits for one to come back through [`ChunkReader::give_back`],
/// so memory stays bounded whatever the consumers do. Dropping the reader makes the thread
/// stop at its next send (it is not joined: it may be blocked reading a terminal).
pub struct ChunkReader {
    rx: Receiver<io::Result<Chunk>>,
    recycle: Sender<Vec<u8>>,
    _handle: Option<JoinHandle<()>>,
}

impl ChunkReader {
    /// Starts a thread reading `reader`.
    pub fn spawn(reader: Box<dyn Read + Send>, max_chunks: usize) -> ChunkReader {
        let (tx, rx) = sync_channel::<io::Result<Chunk>>(max_chunks);
        let (recycle, recycled) = channel::<Vec<u8>>();
        let handle = std::thread::Builder::new()
            .name("iscsi-decode-reader".into())
            .spawn(move || read_loop(reader, tx, recycled, max_chunks.max(1)))
            .ok();
        ChunkReader {
            rx,
            recycle,
            _handle: handle,
        }
    }

    /// The receiving end, for consumers that share it.
    pub fn into_parts(self) -> (Receiver<io::Result<Chunk>>, Sender<Vec<u8>>) {
        (self.rx, self.recycle)
    }

    /// The next chunk, `None` at the end.
    #[cfg(test)]
    pub fn recv_chunk(&mut self) -> Option<io::Result<Chunk>> {
        self.rx.recv().ok()
    }

    /// Returns a buffer for reuse.
    #[cfg(test)]
    pub fn give_back(&self, buf: Vec<u8>) {
        let _ = self.recycle.send(buf);
    }
}

fn read_loop(
    reader: Box<dyn Read + Send>,
    tx: SyncSender<io::Result<Chunk>>,
    recycled: Receiver<Vec<u8>>,
    max_chunks: usize,
) {
    let mut chunker = LineChunker::new(reader);
    let (mut allocated, mut seq, mut lines) = (0usize, 0u64, 0u64);
    let mut bare = None;
    loop {
        let mut buf = match recycled.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty) if allocated < max_chunks => {
                allocated += 1;
                Vec::new()
            }
            Err(_) => match recycled.recv() {
                Ok(b) => b,
                Err(_) => return,
            },
        };
        match chunker.next_chunk(&mut buf) {
            Ok(Some((len, truncated))) => {
                let chunk = Chunk::new(seq, lines, buf, len, truncated, &mut bare);
                seq += 1;
                lines += chunk.lines;
                if tx.send(Ok(chunk)).is_err() {
                    return;
                }
            }
            Ok(None) => return,
            Err(e) => {
                let _ = tx.send(Err(e));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(data: Vec<u8>) -> (Vec<u8>, u64) {
        let mut c = LineChunker::new(io::Cursor::new(data));
        let mut all = Vec::new();
        let mut cut = 0;
        let mut buf = Vec::new();
        while let Some((len, t)) = c.next_chunk(&mut buf).unwrap() {
            let chunk = &buf[..len];
            assert!(chunk.ends_with(b"\n") || c.eof, "chunks hold whole lines");
            all.extend_from_slice(chunk);
            cut += t;
        }
        (all, cut)
    }

    #[test]
    fn whole_lines_and_tail() {
        let mut data = Vec::new();
        for i in 0..200_000 {
            data.extend_from_slice(format!("line {i}\n").as_bytes());
        }
        data.extend_from_slice(b"last without newline");
        let (all, cut) = chunks(data.clone());
        assert_eq!((all, cut), (data, 0));
    }

    #[test]
    fn long_lines_are_cut() {
        let mut data = b"short\n".to_vec();
        data.extend(std::iter::repeat_n(b'x', 3 * CHUNK));
        data.extend_from_slice(b"\nafter\n");
        let (all, cut) = chunks(data);
        assert_eq!(cut, 1);
        let lines: Vec<&[u8]> = all.split(|&b| b == b'\n').collect();
        assert_eq!(lines[0], b"short");
        assert_eq!(lines[1].len(), MAX_LINE);
        assert_eq!(lines[2], b"after");
    }

    #[test]
    fn lone_carriage_returns_end_lines() {
        let (all, _) = chunks(b"a\rb\r\nc\rd".to_vec());
        assert_eq!(all, b"a\nb\r\nc\nd");
        // A CR at the end of one read and its LF at the start of the next stay CRLF.
        let mut c = LineChunker::new(
            io::Cursor::new(b"x\r".to_vec()).chain(io::Cursor::new(b"\ny\r".to_vec())),
        );
        let mut buf = Vec::new();
        let mut all = Vec::new();
        while let Some((len, _)) = c.next_chunk(&mut buf).unwrap() {
            all.extend_from_slice(&buf[..len]);
        }
        assert_eq!(all, b"x\r\ny\r");
    }

    #[test]
    fn bare_inputs() {
        assert!(bare_input(b"connect to 192.0.2.1:3260 failed (No route to host)\nconnection1:0: detected conn error (1020)\n"));
        assert!(!bare_input(
            b"Mar  3 10:10:03 node1 iscsid: connect to 192.0.2.1:3260 failed (No route to host)\n"
        ));
        assert!(!bare_input(
            b"[ 1050.611244] connection1:0: detected conn error (1020)\n\n"
        ));
        assert!(!bare_input(b""));
    }

    #[test]
    fn thread_reader() {
        let data = b"a\nb\nc".to_vec();
        let mut r = ChunkReader::spawn(Box::new(io::Cursor::new(data)), 2);
        let mut got = Vec::new();
        while let Some(c) = r.recv_chunk() {
            let c = c.unwrap();
            got.extend_from_slice(c.bytes());
            r.give_back(c.data);
        }
        assert_eq!(got, b"a\nb\nc");
    }
}
