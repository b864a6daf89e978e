//! Where an `#include`d file may come from, and how much may be read.
//!
//! A header names files to read, and a hostile header names any file it likes
//! (`#include "/etc/passwd"`, `"../../secret"`, a symlink out of the tree). So an
//! include is read only when it lies inside an *include root*, checked after
//! [`std::fs::canonicalize`] (`..` and symlinks resolved):
//!
//! - the header's own root: the directory holding its `scsi/` directory for a header
//!   at `ROOT/scsi/x.h` (so `ROOT` is the root), else the header's directory;
//! - every include directory the caller names (a tracked source's `include/`).
//!
//! A file outside every root is refused with an error at the directive; a file
//! found nowhere is a *note* (the kernel's `<linux/types.h>` is not among the
//! headers we read: the prelude stands in for its integer types), recorded for
//! the caller to show. Only regular files are read. The header and every file it
//! includes share one size budget, [`MAX_TOTAL_SIZE`], and each file is read
//! through a reader bounded by what is left of it, so a huge file is never loaded.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use crate::error::Error;

/// The most bytes the header and all the files it includes may hold together (the
/// kernel's iSCSI headers are about 30 KiB each).
pub const MAX_TOTAL_SIZE: usize = 8 << 20;

/// A directory as shown in messages and as the file system knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Dir {
    shown: PathBuf,
    real: PathBuf,
}

impl Dir {
    /// `path` if it is an existing directory (`""` is the current directory).
    fn of(path: &Path) -> Option<Dir> {
        let shown = if path.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            path.to_path_buf()
        };
        let real = std::fs::canonicalize(&shown).ok()?;
        real.is_dir().then_some(Dir { shown, real })
    }
}

/// Where one `#include` led.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// A regular file inside an include root: the path shown in messages (the
    /// search directory joined with the target) and the canonical path read.
    Found {
        /// The search directory as given, joined with the target.
        shown: PathBuf,
        /// The canonical path.
        real: PathBuf,
    },
    /// No search directory has it.
    Missing,
    /// The target (as written, or after `..` and symlinks) lies outside every
    /// include root.
    Outside,
}

/// Why an included file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Reading it would take the header and its includes past [`MAX_TOTAL_SIZE`].
    TooLarge,
    /// An I/O error, as text.
    Io(String),
}

/// The include roots and search directories of one extraction, the bytes read so
/// far, and the notes about includes not found.
#[derive(Debug, Clone, Default)]
pub struct Includes {
    /// Canonical include roots.
    roots: Vec<PathBuf>,
    /// The include directories (searched for `<...>`, and for `"..."` after the
    /// including file's directory).
    dirs: Vec<Dir>,
    /// The directory of each file read (by index in the symbol table's files).
    file_dirs: HashMap<u32, Dir>,
    /// Bytes read so far, the header's included.
    read: usize,
    /// Notes: every `#include` found in no search directory.
    pub notes: Vec<Error>,
}

impl Includes {
    /// The roots for a header at `header` (file 0 of the symbol table, `len` bytes)
    /// and the include directories `include_dirs`. Directories that do not exist
    /// are left out.
    pub fn new(header: &Path, len: usize, include_dirs: &[PathBuf]) -> Self {
        let mut inc = Includes {
            read: len,
            ..Includes::default()
        };
        if let Some(here) = Dir::of(header.parent().unwrap_or(Path::new(""))) {
            let root = match here.real.parent() {
                Some(up) if here.real.file_name().is_some_and(|n| n == "scsi") => up.to_path_buf(),
                _ => here.real.clone(),
            };
            inc.roots.push(root);
            inc.file_dirs.insert(0, here);
        }
        for d in include_dirs.iter().filter_map(|d| Dir::of(d)) {
            if !inc.roots.contains(&d.real) {
                inc.roots.push(d.real.clone());
            }
            inc.dirs.push(d);
        }
        // A root inside another adds nothing (`ROOT/scsi` beside `ROOT`).
        let all = inc.roots.clone();
        inc.roots
            .retain(|r| !all.iter().any(|o| o != r && r.starts_with(o)));
        inc
    }

    /// The roots for messages: `the include root /x` or `the include roots /x, /y`.
    pub fn describe_roots(&self) -> String {
        let list: Vec<String> = self.roots.iter().map(|r| r.display().to_string()).collect();
        match list.len() {
            0 => "any include root (there is none)".to_string(),
            1 => format!("the include root {}", list.join("")),
            _ => format!("the include roots {}", list.join(", ")),
        }
    }

    fn inside(&self, p: &Path) -> bool {
        self.roots.iter().any(|r| p.starts_with(r))
    }

    /// Resolves `target` of an `#include` in file `from`: `"..."` searches that
    /// file's directory first, then the include directories; `<...>` only those.
    /// The first search directory that has the file decides.
    pub fn resolve(&self, target: &str, system: bool, from: u32) -> Resolution {
        let here = (!system).then(|| self.file_dirs.get(&from)).flatten();
        let target = Path::new(target);
        if target.has_root() || target.is_absolute() {
            return Resolution::Outside;
        }
        for dir in here.into_iter().chain(&self.dirs) {
            let Some(lexical) = normalise(&dir.real.join(target)) else {
                return Resolution::Outside;
            };
            if !self.inside(&lexical) {
                return Resolution::Outside;
            }
            let Ok(real) = std::fs::canonicalize(dir.real.join(target)) else {
                continue;
            };
            if !self.inside(&real) {
                return Resolution::Outside;
            }
            if real.is_file() {
                return Resolution::Found {
                    shown: dir.shown.join(target),
                    real,
                };
            }
        }
        Resolution::Missing
    }

    /// Reads the file `real` (found by [`Includes::resolve`]) within what is left
    /// of [`MAX_TOTAL_SIZE`].
    pub fn read(&mut self, real: &Path) -> Result<Vec<u8>, ReadError> {
        let left = MAX_TOTAL_SIZE.saturating_sub(self.read);
        let bytes = read_bounded(real, left)?;
        self.read += bytes.len();
        Ok(bytes)
    }

    /// Records the directory of file `id`, read from `shown` (canonical `real`).
    pub fn add_file(&mut self, id: u32, shown: &Path, real: &Path) {
        if let (Some(s), Some(r)) = (shown.parent(), real.parent()) {
            let dir = Dir {
                shown: s.to_path_buf(),
                real: r.to_path_buf(),
            };
            self.file_dirs.insert(id, dir);
        }
    }
}

/// Reads at most `limit` bytes of the regular file `path`: [`ReadError::TooLarge`]
/// when it has more (only `limit + 1` bytes are ever read).
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let file = std::fs::File::open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(ReadError::Io("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// `path` with `.` and `..` resolved lexically (no file system access); `None` when
/// `..` climbs above the file system root.
fn normalise(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_lexically() {
        let n = |p: &str| normalise(Path::new(p)).map(|p| p.display().to_string());
        assert_eq!(n("/a/b/../c/./d").as_deref(), Some("/a/c/d"));
        assert_eq!(n("/a/../../etc").as_deref(), None);
    }

    #[test]
    fn bounded_reads_stop_past_the_limit() {
        let dir =
            std::env::temp_dir().join(format!("iscsi-codegen-bounded-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let f = dir.join("ten.h");
        std::fs::write(&f, b"0123456789").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_bounded(&f, 10).map(|b| b.len()), Ok(10));
        assert_eq!(read_bounded(&f, 9), Err(ReadError::TooLarge));
        assert!(matches!(read_bounded(&dir, 100), Err(ReadError::Io(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
