//! A write-once buffer that moves to a temporary file past a size, so that `--verbose` on a
//! huge log keeps memory constant.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;

/// Bytes kept in memory before spilling to disk.
pub const MEMORY_LIMIT: usize = 4 << 20;

/// An append-only buffer.
#[derive(Debug, Default)]
pub struct Spool {
    mem: Vec<u8>,
    file: Option<(File, PathBuf)>,
}

impl Spool {
    /// An empty spool.
    pub fn new() -> Spool {
        Spool::default()
    }

    /// Appends bytes.
    pub fn write(&mut self, b: &[u8]) -> io::Result<()> {
        if let Some((f, _)) = &mut self.file {
            return f.write_all(b);
        }
        self.mem.extend_from_slice(b);
        if self.mem.len() > MEMORY_LIMIT {
            let path = std::env::temp_dir().join(format!(
                "iscsi-decode-{}-{:p}.spool",
                std::process::id(),
                self as *const Spool
            ));
            let mut f = File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)?;
            f.write_all(&self.mem)?;
            self.mem = Vec::new();
            self.file = Some((f, path));
        }
        Ok(())
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.mem.is_empty() && self.file.is_none()
    }

    /// Copies everything written to `out`.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        match &mut self.file {
            None => out.write_all(&self.mem),
            Some((f, _)) => {
                f.flush()?;
                f.seek(SeekFrom::Start(0))?;
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = f.read(&mut buf)?;
                    if n == 0 {
                        return Ok(());
                    }
                    out.write_all(&buf[..n])?;
                }
            }
        }
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some((_, p)) = self.file.take() {
            let _ = std::fs::remove_file(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spills_and_reads_back() {
        let mut s = Spool::new();
        let chunk = vec![b'x'; 1 << 20];
        for _ in 0..6 {
            s.write(&chunk).unwrap();
        }
        let mut out = Vec::new();
        s.copy_to(&mut out).unwrap();
        assert_eq!(out.len(), 6 << 20);
    }
}
