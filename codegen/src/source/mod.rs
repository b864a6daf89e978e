//! Where the headers come from. Tracked sources are listed in `headers/manifest.toml`
//! and fetched from Debian packages into the git-ignored `headers/cache/<label>/`,
//! verified by sha256 on every use; ad-hoc sources (`--header FILE`, `--kernel-tree
//! DIR`) are read in place. Either way the rest of the pipeline sees a [`HeaderSet`]:
//! a label, the header files, and the include directories that resolve
//! `#include <scsi/iscsi_proto.h>`. No kernel header is ever committed.

pub mod debian;
pub mod manifest;

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use manifest::{DebianOrigin, Manifest, TrackedFile, TrackedSource};

use crate::error::{Error, Result};

/// The name of the file in a cache directory that records which package filled it.
pub const ORIGIN_FILE: &str = "ORIGIN";

/// One header file of a [`HeaderSet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderFile {
    /// The path recorded in the model: the kernel path (`include/scsi/iscsi_if.h`)
    /// for tracked sources and kernel trees, the path as given for `--header`.
    pub path: String,
    /// Where the bytes are on disk.
    pub disk_path: PathBuf,
}

impl HeaderFile {
    /// The file name (`iscsi_if.h`), which names the generated file.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }
}

/// Headers from one source, ready for the front end.
#[derive(Debug)]
pub struct HeaderSet {
    /// The label (`linux-6.12`, a kernel tree's version, or an ad-hoc file name).
    pub label: String,
    /// The header files, in manifest order.
    pub files: Vec<HeaderFile>,
    /// Directories searched for `#include <...>`, in order.
    pub include_dirs: Vec<PathBuf>,
    /// Keeps a synthesized include directory alive as long as the set.
    _scratch: Option<TempDir>,
}

impl HeaderSet {
    /// The file with this name (`iscsi_if.h`), if the set has it.
    pub fn file(&self, name: &str) -> Option<&HeaderFile> {
        self.files.iter().find(|f| f.file_name() == name)
    }

    /// A single ad-hoc header (`--header FILE`). Its label is the file name. When a
    /// sibling `iscsi_proto.h` exists it is made reachable as `<scsi/iscsi_proto.h>`;
    /// when the file already sits in a `scsi/` directory, that directory's parent is
    /// searched too.
    pub fn from_header(file: &Path) -> Result<HeaderSet> {
        let meta = std::fs::metadata(file)
            .map_err(|e| Error::msg(format!("cannot read the header: {e}")).in_file(file))?;
        if !meta.is_file() {
            return Err(Error::msg("not a regular file").in_file(file));
        }
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| file.display().to_string());
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut include_dirs = vec![dir.clone()];
        let mut scratch = None;
        if dir.file_name().is_some_and(|n| n == "scsi") {
            if let Some(up) = dir.parent() {
                include_dirs.push(up.to_path_buf());
            }
        } else {
            let sibling = dir.join("iscsi_proto.h");
            if sibling.is_file() && name != "iscsi_proto.h" {
                let t = TempDir::new("include")?;
                std::fs::create_dir_all(t.path().join("scsi"))?;
                std::fs::copy(&sibling, t.path().join("scsi/iscsi_proto.h"))?;
                include_dirs.push(t.path().to_path_buf());
                scratch = Some(t);
            }
        }
        Ok(HeaderSet {
            label: name,
            files: vec![HeaderFile {
                path: file.display().to_string(),
                disk_path: file.to_path_buf(),
            }],
            include_dirs,
            _scratch: scratch,
        })
    }

    /// The tracked files read from a kernel source tree or checkout
    /// (`DIR/include/scsi/iscsi_if.h`, ...). The label is `linux-VERSION.PATCHLEVEL.SUBLEVEL`
    /// from `DIR/Makefile` when it has one, else the directory name. Hashes are not
    /// checked: a tree is whatever the user has.
    pub fn from_kernel_tree(dir: &Path, manifest: &Manifest) -> Result<HeaderSet> {
        let mut paths: Vec<&str> = Vec::new();
        for s in &manifest.sources {
            for f in &s.files {
                if !paths.contains(&f.path.as_str()) {
                    paths.push(&f.path);
                }
            }
        }
        let mut files = Vec::new();
        for p in paths {
            let disk_path = dir.join(p);
            if !disk_path.is_file() {
                return Err(Error::msg(format!(
                    "not a kernel tree: {p} is missing (expected {})",
                    disk_path.display()
                ))
                .in_file(dir));
            }
            files.push(HeaderFile {
                path: p.to_string(),
                disk_path,
            });
        }
        Ok(HeaderSet {
            label: tree_label(dir),
            files,
            include_dirs: vec![dir.join("include")],
            _scratch: None,
        })
    }

    /// A tracked source read from `cache_root/<label>/`, every file verified against
    /// the manifest. `Ok(None)` when any file is missing or differs (fetch again).
    pub fn from_cache(source: &TrackedSource, cache_root: &Path) -> Result<Option<HeaderSet>> {
        let dir = cache_root.join(&source.label);
        let mut files = Vec::new();
        for f in &source.files {
            let disk_path = dir.join(&f.path);
            match std::fs::read(&disk_path) {
                Ok(bytes) if sha256_hex(&bytes) == f.sha256 => files.push(HeaderFile {
                    path: f.path.clone(),
                    disk_path,
                }),
                Ok(_) => return Ok(None),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => {
                    return Err(
                        Error::msg(format!("cannot read the cache: {e}")).in_file(disk_path)
                    );
                }
            }
        }
        Ok(Some(HeaderSet {
            label: source.label.clone(),
            files,
            include_dirs: vec![dir.join("include")],
            _scratch: None,
        }))
    }
}

/// What [`ensure`] did for one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The cache was present and verified; nothing was downloaded.
    Cached,
    /// The package was downloaded and the cache (re)filled.
    Downloaded(debian::Package),
}

/// Makes sure every tracked source is in `cache_root`, verified: a present and
/// verified cache is used as is, anything else is downloaded (`force` downloads
/// always). Progress goes to `log`. Returns the sets in manifest order.
pub fn ensure(
    manifest: &Manifest,
    cache_root: &Path,
    force: bool,
    log: &mut dyn Write,
) -> Result<Vec<(HeaderSet, Fetched)>> {
    let mut out = Vec::new();
    for source in &manifest.sources {
        if !force && let Some(set) = HeaderSet::from_cache(source, cache_root)? {
            out.push((set, Fetched::Cached));
            continue;
        }
        let package = fetch_one(source, manifest, cache_root, log)?;
        let set = HeaderSet::from_cache(source, cache_root)?.ok_or_else(|| {
            Error::msg(format!(
                "the cache of {} did not verify right after fetching it",
                source.label
            ))
        })?;
        out.push((set, Fetched::Downloaded(package)));
    }
    Ok(out)
}

/// Downloads one tracked source and installs it in `cache_root/<label>/` after the
/// sha256 check. On a mismatch the cache is left as it was, the downloaded files are
/// kept in `cache_root/<label>.unverified/` for review, and the error says which file
/// differs and that a maintainer must review the change and update the manifest.
pub fn fetch_one(
    source: &TrackedSource,
    manifest: &Manifest,
    cache_root: &Path,
    log: &mut dyn Write,
) -> Result<debian::Package> {
    let package = debian::resolve(source, &manifest.path)?;
    let _ = writeln!(
        log,
        "fetching {}: {} {}",
        source.label, package.name, package.version
    );
    let work = TempDir::new("fetch")?;
    let unpacked = debian::download_and_unpack(source, &package, work.path())?;
    std::fs::create_dir_all(cache_root)?;
    let staging = cache_root.join(format!(".{}.partial-{}", source.label, std::process::id()));
    remove_dir_if_present(&staging)?;
    let mut mismatches = Vec::new();
    for (f, from) in source.files.iter().zip(&unpacked) {
        let bytes = std::fs::read(from)?;
        let to = staging.join(&f.path);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&to, &bytes)?;
        let actual = sha256_hex(&bytes);
        if actual != f.sha256 {
            mismatches.push((f, actual));
        }
    }
    std::fs::write(
        staging.join(ORIGIN_FILE),
        format!("{} {}\n", package.name, package.version),
    )?;
    let final_dir = if mismatches.is_empty() {
        cache_root.join(&source.label)
    } else {
        cache_root.join(format!("{}.unverified", source.label))
    };
    remove_dir_if_present(&final_dir)?;
    std::fs::rename(&staging, &final_dir)?;
    if mismatches.is_empty() {
        // A verified download supersedes files kept from an earlier mismatch.
        remove_dir_if_present(&cache_root.join(format!("{}.unverified", source.label)))?;
    }
    if let Some((f, actual)) = mismatches.first() {
        let mut message = format!(
            "sha256 mismatch for {} {} from {} {}:\n    expected {}\n    actual   {}\n",
            source.label, f.path, package.name, package.version, f.sha256, actual
        );
        for (f, actual) in &mismatches[1..] {
            message.push_str(&format!(
                "and for {}: expected {}, actual {}\n",
                f.path, f.sha256, actual
            ));
        }
        message.push_str(&format!(
            "The header changed upstream. A maintainer must review the change (the new files are \
             in {}), then update the sha256 in the manifest and regenerate.",
            final_dir.display()
        ));
        return Err(Error::at(&manifest.path, f.line, f.column, message));
    }
    Ok(package)
}

fn remove_dir_if_present(dir: &Path) -> Result<()> {
    match std::fs::remove_dir_all(dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(Error::msg(format!("cannot remove {}: {e}", dir.display()))),
    }
}

/// The label of a kernel tree: `linux-X.Y.Z` from its Makefile, else the directory name.
fn tree_label(dir: &Path) -> String {
    let fallback = || {
        std::fs::canonicalize(dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| dir.display().to_string())
    };
    let Ok(makefile) = std::fs::read_to_string(dir.join("Makefile")) else {
        return fallback();
    };
    let var = |key: &str| {
        makefile.lines().take(20).find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().to_string())
        })
    };
    match (var("VERSION"), var("PATCHLEVEL"), var("SUBLEVEL")) {
        (Some(v), Some(p), s) if !v.is_empty() && !p.is_empty() => {
            let extra = var("EXTRAVERSION").unwrap_or_default();
            match s.filter(|s| !s.is_empty()) {
                Some(s) => format!("linux-{v}.{p}.{s}{extra}"),
                None => format!("linux-{v}.{p}{extra}"),
            }
        }
        _ => fallback(),
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A directory under the system temp dir, removed (with its contents) on drop.
#[derive(Debug)]
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    /// Creates a fresh, empty directory whose name contains `tag`.
    pub(crate) fn new(tag: &str) -> Result<TempDir> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let base = std::env::temp_dir();
        for _ in 0..100 {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let p = base.join(format!(
                "iscsi-codegen-{tag}-{}-{n}-{nanos}",
                std::process::id()
            ));
            match std::fs::create_dir(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(Error::msg(format!(
                        "cannot create a temporary directory in {}: {e}",
                        base.display()
                    )));
                }
            }
        }
        Err(Error::msg("cannot create a temporary directory"))
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn ad_hoc_header_gets_sibling_include() {
        let t = TempDir::new("test").unwrap();
        std::fs::write(t.path().join("iscsi_if.h"), "#define A 1\n").unwrap();
        std::fs::write(t.path().join("iscsi_proto.h"), "#define B 2\n").unwrap();
        let set = HeaderSet::from_header(&t.path().join("iscsi_if.h")).unwrap();
        assert_eq!(set.label, "iscsi_if.h");
        assert_eq!(set.include_dirs.len(), 2);
        assert!(set.include_dirs[1].join("scsi/iscsi_proto.h").is_file());
        let e = HeaderSet::from_header(&t.path().join("nope.h")).unwrap_err();
        assert!(e.to_string().contains("nope.h"), "{e}");
    }

    #[test]
    fn kernel_tree_label_from_makefile() {
        let t = TempDir::new("test").unwrap();
        std::fs::write(
            t.path().join("Makefile"),
            "# SPDX\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\nEXTRAVERSION = -rc1\n",
        )
        .unwrap();
        assert_eq!(tree_label(t.path()), "linux-6.12.3-rc1");
    }
}
