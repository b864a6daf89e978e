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
/// iSCSI-only lines (several times its size in NDJSON) stays small, large enough that
/// per-chunk costs vanish.
pub const CHUNK: usize = 256 << 10;
/// The longest line kept whole; longer lines are cut here.
pub const MAX_LINE: usize = 64 * 1024;

/// A chunk of whole lines (the last line of the input may lack its newline).
#[derive(Debug, Default)]
pub struct Chunk {
    /// Order of the chunk in its input, from 0.
    pub seq: u64,
    /// Lines before this chunk.
    pub first_line: u64,
    /// The bytes.
    pub data: Vec<u8>,
    /// Lines of this chunk that were cut at [`MAX_LINE`].
    pub truncated: u64,
    /// Lines in this chunk.
    pub lines: u64,
}

/// Cuts a byte stream into chunks of whole lines.
pub struct LineChunker<R> {
    reader: R,
    pending: Vec<u8>,
    skipping: bool,
    eof: bool,
}

impl<R: Read> LineChunker<R> {
    /// A chunker over `reader`.
    pub fn new(reader: R) -> Self {
        LineChunker {
            reader,
            pending: Vec::new(),
            skipping: false,
            eof: false,
        }
    }

    fn read_some(&mut self, out: &mut Vec<u8>) -> io::Result<usize> {
        let start = out.len();
        let want = (CHUNK - start).max(64 * 1024);
        out.resize(start + want, 0);
        let n = loop {
            match self.reader.read(&mut out[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    out.truncate(start);
                    return Err(e);
                }
            }
        };
        out.truncate(start + n);
        Ok(n)
    }

    /// Fills `out` (cleared first) with whole lines; returns the number of lines cut at
    /// [`MAX_LINE`], or `None` at the end of the input.
    pub fn next_chunk(&mut self, out: &mut Vec<u8>) -> io::Result<Option<u64>> {
        out.clear();
        out.extend_from_slice(&self.pending);
        self.pending.clear();
        let mut truncated = 0;
        loop {
            if self.eof {
                return Ok((!out.is_empty()).then_some(truncated));
            }
            let start = out.len();
            let n = self.read_some(out)?;
            if n == 0 {
                self.eof = true;
                continue;
            }
            if self.skipping {
                match memchr::memchr(b'\n', &out[start..]) {
                    None => {
                        out.truncate(start);
                        continue;
                    }
                    Some(i) => {
                        out.drain(start..start + i + 1);
                        self.skipping = false;
                    }
                }
            }
            if out.len() < CHUNK / 2 {
                continue;
            }
            match memchr::memrchr(b'\n', out) {
                Some(p) => {
                    self.pending.extend_from_slice(&out[p + 1..]);
                    out.truncate(p + 1);
                    if self.pending.len() > MAX_LINE {
                        self.pending.truncate(MAX_LINE);
                        self.pending.push(b'\n');
                        self.skipping = true;
                        truncated += 1;
                    }
                    return Ok(Some(truncated));
                }
                None => {
                    out.truncate(MAX_LINE);
                    out.push(b'\n');
                    self.skipping = true;
                    return Ok(Some(truncated + 1));
                }
            }
        }
    }
}

/// Lines in a chunk of whole lines (the last may lack its newline).
pub fn count_lines(data: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', data).count() as u64;
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
    pub fn recv_chunk(&mut self) -> Option<io::Result<Chunk>> {
        self.rx.recv().ok()
    }

    /// Returns a buffer for reuse.
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
    loop {
        let mut buf = match recycled.try_recv() {
            Ok(b) => b,
            Err(TryRecvError::Empty) if allocated < max_chunks => {
                allocated += 1;
                Vec::with_capacity(CHUNK + 64 * 1024)
            }
            Err(_) => match recycled.recv() {
                Ok(b) => b,
                Err(_) => return,
            },
        };
        match chunker.next_chunk(&mut buf) {
            Ok(Some(truncated)) => {
                let n = count_lines(&buf);
                let chunk = Chunk {
                    seq,
                    first_line: lines,
                    data: buf,
                    truncated,
                    lines: n,
                };
                seq += 1;
                lines += n;
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
        while let Some(t) = c.next_chunk(&mut buf).unwrap() {
            assert!(buf.ends_with(b"\n") || c.eof, "chunks hold whole lines");
            all.extend_from_slice(&buf);
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
    fn thread_reader() {
        let data = b"a\nb\nc".to_vec();
        let mut r = ChunkReader::spawn(Box::new(io::Cursor::new(data)), 2);
        let mut got = Vec::new();
        while let Some(c) = r.recv_chunk() {
            let c = c.unwrap();
            got.extend_from_slice(&c.data);
            r.give_back(c.data);
        }
        assert_eq!(got, b"a\nb\nc");
    }
}
