//! Opening inputs: files, `-` for standard input, and gzip (by its magic bytes, including
//! concatenated members as logrotate writes them).

use flate2::bufread::MultiGzDecoder;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};

/// Why an input could not be opened.
#[derive(Debug)]
pub struct InputError {
    /// The name as given.
    pub name: String,
    /// The underlying error.
    pub error: io::Error,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.error)
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// An opened input.
pub struct Input {
    /// The name to show (`-` is shown as `<stdin>`).
    pub name: String,
    /// The byte stream, decompressed if it was gzip.
    pub reader: Box<dyn Read + Send>,
    /// Whether it was gzip.
    pub gzip: bool,
}

impl fmt::Debug for Input {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Input")
            .field("name", &self.name)
            .field("gzip", &self.gzip)
            .finish()
    }
}

/// Small: it only has to hold the gzip magic; the chunk reader's large reads then bypass it
/// instead of being copied twice.
const READ_BUF: usize = 16 * 1024;

/// Opens a file, or standard input for `-`.
pub fn open(name: &str) -> Result<Input, InputError> {
    let err = |error| InputError {
        name: name.to_string(),
        error,
    };
    if name == "-" {
        return wrap("<stdin>".into(), Box::new(io::stdin())).map_err(err);
    }
    let meta = std::fs::metadata(name).map_err(err)?;
    if meta.is_dir() {
        return Err(err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is a directory",
        )));
    }
    let file = File::open(name).map_err(err)?;
    wrap(name.to_string(), Box::new(file)).map_err(err)
}

/// How far into an input a NUL byte makes it binary: git's rule (`buffer_is_binary`,
/// first 8000 bytes), which GNU grep and ripgrep follow in spirit. Text logs have no NUL;
/// a syslog file that an unclean shutdown padded with NULs has them where it stopped, not
/// in its first block.
pub const BINARY_SNIFF: usize = 8000;

/// Opens `name` (a file, `-` for standard input, gzip by its magic bytes) and, unless
/// `text`, refuses a regular file that looks binary (a NUL byte in its first 8000 bytes,
/// git's rule, after gzip decompression):
/// decoding an executable or a core dump gives nonsense events, not an error. Standard
/// input, pipes and FIFOs are not sniffed: waiting for 8000 bytes would hold back a live
/// stream (`journalctl -f | iscsi-decode decode -`).
pub fn open_text(name: &str, text: bool) -> Result<Input, InputError> {
    let inp = open(name)?;
    let regular = name != "-" && std::fs::metadata(name).is_ok_and(|m| m.is_file());
    if text || !regular {
        return Ok(inp);
    }
    sniff(inp).map_err(|error| InputError {
        name: name.to_string(),
        error,
    })
}

/// Reads the head of `inp` to look for a NUL byte, then puts it back in front.
fn sniff(mut inp: Input) -> io::Result<Input> {
    let mut head = Vec::with_capacity(BINARY_SNIFF);
    (&mut inp.reader)
        .take(BINARY_SNIFF as u64)
        .read_to_end(&mut head)?;
    if let Some(at) = memchr::memchr(0, &head) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("binary file (a NUL byte at offset {at}); --text decodes it anyway"),
        ));
    }
    inp.reader = Box::new(io::Cursor::new(head).chain(inp.reader));
    Ok(inp)
}

/// Wraps any reader, detecting gzip.
pub fn wrap(name: String, inner: Box<dyn Read + Send>) -> io::Result<Input> {
    let mut r = BufReader::with_capacity(READ_BUF, inner);
    let head = loop {
        match r.fill_buf() {
            Ok(b) => break b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    };
    let gzip = head.len() >= 2 && head[0] == 0x1f && head[1] == 0x8b;
    let reader: Box<dyn Read + Send> = if gzip {
        Box::new(MultiGzDecoder::new(r))
    } else {
        Box::new(r)
    };
    Ok(Input { name, reader, gzip })
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use std::io::Write;

    #[test]
    fn a_nul_in_the_first_8000_bytes_is_binary_and_text_reads_it_whole() {
        let dir = std::env::temp_dir().join(format!("iscsi-decode-sniff-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bin = dir.join("a.out");
        let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
        elf.extend_from_slice(b"connection1:0: detected conn error (1020)\n");
        std::fs::write(&bin, &elf).unwrap();
        let name = bin.to_str().unwrap();
        let e = open_text(name, false).unwrap_err();
        assert_eq!(e.error.kind(), io::ErrorKind::InvalidData);
        assert!(
            e.to_string()
                .ends_with("binary file (a NUL byte at offset 7); --text decodes it anyway"),
            "{e}"
        );
        let mut all = Vec::new();
        open_text(name, true)
            .unwrap()
            .reader
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, elf);

        // A NUL after the sniffed head, and a long text file read back whole.
        let late = dir.join("late.log");
        let mut log = "x\n".repeat(BINARY_SNIFF).into_bytes();
        log.push(0);
        std::fs::write(&late, &log).unwrap();
        let mut all = Vec::new();
        open_text(late.to_str().unwrap(), false)
            .unwrap()
            .reader
            .read_to_end(&mut all)
            .unwrap();
        assert_eq!(all, log);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn gzip_by_magic_and_multi_member() {
        let mut gz = Vec::new();
        for part in ["a\n", "b\n"] {
            let mut e = GzEncoder::new(Vec::new(), Compression::fast());
            e.write_all(part.as_bytes()).unwrap();
            gz.extend(e.finish().unwrap());
        }
        let mut inp = wrap("x".into(), Box::new(io::Cursor::new(gz))).unwrap();
        assert!(inp.gzip);
        let mut s = String::new();
        inp.reader.read_to_string(&mut s).unwrap();
        assert_eq!(s, "a\nb\n");
        let mut plain = wrap("y".into(), Box::new(io::Cursor::new(b"plain\n".to_vec()))).unwrap();
        assert!(!plain.gzip);
        s.clear();
        plain.reader.read_to_string(&mut s).unwrap();
        assert_eq!(s, "plain\n");
    }

    #[test]
    fn missing_file() {
        let e = open("/nonexistent/file.log").unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/file.log: "));
    }
}
