//! `--follow`: reading a log file as `tail -F` does. At the end of the file the reader waits
//! for more; when the name comes to point at another file (logrotate renamed the old one and
//! created a new one) it finishes the old file and reads the new one from its start; when
//! the file shrinks (truncated in place, `copytruncate`) it reads again from the start.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::os::unix::fs::MetadataExt;
use std::path::PathBuf;
use std::time::Duration;

/// How often a followed file is looked at when nothing new was read.
pub const POLL: Duration = Duration::from_millis(50);

/// A file followed by name. Its reads block until there is something to read; they never
/// return the end of the input.
#[derive(Debug)]
pub struct Follow {
    path: PathBuf,
    file: Option<File>,
    /// Device and inode of the open file.
    id: (u64, u64),
    /// Bytes read from the open file.
    pos: u64,
    /// Whether the first open starts at the end of the file.
    at_end: bool,
}

impl Follow {
    /// Follows `path`, from its current end unless `from_start`. A file that does not exist
    /// yet is waited for (then read from its start).
    pub fn new(path: impl Into<PathBuf>, from_start: bool) -> Follow {
        Follow {
            path: path.into(),
            file: None,
            id: (0, 0),
            pos: 0,
            at_end: !from_start,
        }
    }

    /// Opens the file the name points at now; `false` when there is none.
    fn reopen(&mut self) -> io::Result<bool> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let meta = file.metadata()?;
        if meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a directory",
            ));
        }
        self.pos = 0;
        if std::mem::take(&mut self.at_end) {
            self.pos = file.seek(SeekFrom::End(0))?;
        }
        self.id = (meta.dev(), meta.ino());
        self.file = Some(file);
        Ok(true)
    }

    /// What to do at the end of the open file: `true` when another file (rotation) or the
    /// same file from its start (truncation) is to be read now.
    fn at_eof(&mut self) -> io::Result<bool> {
        match std::fs::metadata(&self.path) {
            Ok(m) if (m.dev(), m.ino()) != self.id => {
                // Rotated: the old file was read to its end; the new one from its start.
                self.file = None;
                self.reopen()
            }
            Ok(m) if m.len() < self.pos => {
                if let Some(f) = self.file.as_mut() {
                    self.pos = f.seek(SeekFrom::Start(0))?;
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }
}

impl Read for Follow {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.file.is_none() && !self.reopen()? {
                // The first open starts at the end only of a file that was there already.
                self.at_end = false;
                std::thread::sleep(POLL);
                continue;
            }
            if let Some(f) = self.file.as_mut() {
                let n = f.read(buf)?;
                if n > 0 {
                    self.pos += n as u64;
                    return Ok(n);
                }
            }
            if !self.at_eof()? {
                std::thread::sleep(POLL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn rotation_and_truncation() {
        let dir = std::env::temp_dir().join(format!("iscsi-decode-follow-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("log");
        std::fs::write(&path, "old\n").unwrap();
        let mut f = Follow::new(&path, false);
        let mut buf = [0u8; 64];
        let mut read = |f: &mut Follow| {
            let n = f.read(&mut buf).unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        };
        // Open at the end: the old line is skipped once something new comes.
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.reopen().unwrap();
        w.write_all(b"one\n").unwrap();
        assert_eq!(read(&mut f), "one\n");
        std::fs::rename(&path, dir.join("log.1")).unwrap();
        w.write_all(b"two\n").unwrap();
        std::fs::write(&path, "three\n").unwrap();
        assert_eq!(read(&mut f), "two\n");
        assert_eq!(read(&mut f), "three\n");
        std::fs::write(&path, "").unwrap();
        let mut w = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        w.write_all(b"4\n").unwrap();
        assert_eq!(read(&mut f), "4\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
