//! Versions of the headers from a git repository: a kernel tree
//! (`include/scsi/iscsi_if.h`, release tags) or open-iscsi's copy
//! (`include/iscsi_if.h`, every commit that changed it). Each version is read with
//! `git show REV:PATH` (the sibling `iscsi_proto.h` too, when that revision has it),
//! written to a scratch include directory, and extracted like any header. Only the
//! extracted facts are kept; no header text leaves the scratch directory.
//!
//! Labels: with tags, the tag (`v2.6.18`); with revisions, `PREFIX + commit date`
//! (`oi-2013-05-28`, then `.2`, `.3` for further distinct versions the same day),
//! versions de-duplicated by the pair of file checksums (first occurrence wins).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::{Error, Result};
use crate::extract::{ExtractOptions, extract_bytes};
use crate::model::Header;
use crate::source::sha256_hex;
use crate::store::{Extracted, Origin};
use crate::version::KernelVersion;

/// Which revisions to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every commit in `git log RANGE -- PATH` (oldest first) that changed either
    /// file; `None` for all of HEAD's history.
    Revs(Option<String>),
    /// Every tag matching the glob, ordered by kernel version. Release candidates are
    /// left out unless `include_rc`.
    Tags {
        /// A `git tag -l` pattern: `v2.6.*`.
        glob: String,
        /// Keep `-rcN` tags.
        include_rc: bool,
    },
    /// These revisions of a kernel tree (a release snapshot's `HEAD`, a "Linux 2.6.34"
    /// commit), each labelled by the release its top-level Makefile names.
    At(Vec<String>),
}

/// What to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryOptions {
    /// The repository (a work tree or a bare git directory).
    pub git: PathBuf,
    /// The path of `iscsi_if.h` in it.
    pub path: String,
    /// Which revisions.
    pub selection: Selection,
    /// The label prefix for revisions (`oi-`).
    pub label_prefix: String,
    /// The repository's name for the origin (`open-iscsi/open-iscsi`).
    pub repository: String,
}

/// One version of the headers at one revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GitVersion {
    /// The label it gets.
    pub label: String,
    /// Where it came from.
    pub origin: Origin,
    /// (path in the repository, bytes): `iscsi_if.h`, then `iscsi_proto.h` if present.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Runs git with `args` in the repository; stdout as bytes.
fn git(repo: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .map_err(|e| Error::msg(format!("cannot run git: {e}")).in_file(repo))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(
            Error::msg(format!("git {} failed: {}", args.join(" "), err.trim())).in_file(repo),
        );
    }
    Ok(out.stdout)
}

fn git_text(repo: &Path, args: &[&str]) -> Result<String> {
    Ok(String::from_utf8_lossy(&git(repo, args)?).into_owned())
}

/// The file at `rev:path`, or `None` when that revision does not have it.
fn show(repo: &Path, rev: &str, path: &str) -> Result<Option<Vec<u8>>> {
    let spec = format!("{rev}:{path}");
    let exists = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["cat-file", "-e", &spec])
        .output()
        .map_err(|e| Error::msg(format!("cannot run git: {e}")).in_file(repo))?;
    if !exists.status.success() {
        return Ok(None);
    }
    git(repo, &["show", &spec]).map(Some)
}

/// The sibling `iscsi_proto.h` of an `iscsi_if.h` path.
pub fn proto_path(path: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) => format!("{dir}/iscsi_proto.h"),
        None => String::from("iscsi_proto.h"),
    }
}

/// Reads every selected version (no extraction yet).
pub fn versions(opts: &HistoryOptions) -> Result<Vec<GitVersion>> {
    let repo = opts.git.as_path();
    let proto = proto_path(&opts.path);
    let mut out: Vec<GitVersion> = Vec::new();
    match &opts.selection {
        Selection::Tags { glob, include_rc } => {
            let mut tags: Vec<String> = git_text(repo, &["tag", "-l", glob])?
                .lines()
                .map(str::to_string)
                .filter(|t| *include_rc || !t.contains("-rc"))
                .filter(|t| KernelVersion::parse(t).is_some())
                .collect();
            tags.sort_by(|a, b| crate::version::compare_labels(a, b));
            for tag in tags {
                let rev = format!("{tag}^{{commit}}");
                let Some(iface) = show(repo, &rev, &opts.path)? else {
                    continue;
                };
                let commit = git_text(repo, &["rev-parse", &rev])?.trim().to_string();
                let date = git_text(repo, &["log", "-1", "--format=%cs", &commit])?
                    .trim()
                    .to_string();
                let mut files = vec![(opts.path.clone(), iface)];
                if let Some(p) = show(repo, &commit, &proto)? {
                    files.push((proto.clone(), p));
                }
                out.push(GitVersion {
                    label: tag.clone(),
                    origin: Origin {
                        kind: String::from("git"),
                        repository: opts.repository.clone(),
                        commit: Some(commit),
                        date: Some(date),
                        release: Some(tag),
                        kernel: None,
                    },
                    files,
                });
            }
        }
        Selection::At(revs) => {
            // A snapshot may hold the tree in a subdirectory (`linux-3.0.1/include/...`):
            // the Makefile is beside `include/`, and paths are recorded from there.
            let root = opts
                .path
                .strip_suffix("include/scsi/iscsi_if.h")
                .unwrap_or("")
                .to_string();
            let rel = |p: &str| p.strip_prefix(root.as_str()).unwrap_or(p).to_string();
            for rev in revs {
                let commit = git_text(repo, &["rev-parse", &format!("{rev}^{{commit}}")])?
                    .trim()
                    .to_string();
                let makefile =
                    show(repo, &commit, &format!("{root}Makefile"))?.ok_or_else(|| {
                        Error::msg(format!(
                            "{rev} has no top-level Makefile to name its release"
                        ))
                        .in_file(repo)
                    })?;
                let label =
                    makefile_label(&String::from_utf8_lossy(&makefile)).ok_or_else(|| {
                        Error::msg(format!("the Makefile of {rev} names no VERSION.PATCHLEVEL"))
                            .in_file(repo)
                    })?;
                let Some(iface) = show(repo, &commit, &opts.path)? else {
                    return Err(Error::msg(format!("{rev} has no {}", opts.path)).in_file(repo));
                };
                let date = git_text(repo, &["log", "-1", "--format=%cs", &commit])?
                    .trim()
                    .to_string();
                let mut files = vec![(rel(&opts.path), iface)];
                if let Some(p) = show(repo, &commit, &proto)? {
                    files.push((rel(&proto), p));
                }
                out.push(GitVersion {
                    label: label.clone(),
                    origin: Origin {
                        kind: String::from("git"),
                        repository: opts.repository.clone(),
                        commit: Some(commit),
                        date: Some(date),
                        release: Some(label),
                        kernel: None,
                    },
                    files,
                });
            }
        }
        Selection::Revs(range) => {
            let mut args = vec!["log", "--reverse", "--format=%H %cs"];
            if let Some(r) = range {
                args.push(r);
            }
            args.extend(["--", opts.path.as_str(), proto.as_str()]);
            let log = git_text(repo, &args)?;
            let mut seen = std::collections::BTreeSet::new();
            for line in log.lines() {
                let Some((commit, date)) = line.split_once(' ') else {
                    continue;
                };
                let Some(iface) = show(repo, commit, &opts.path)? else {
                    continue;
                };
                let mut files = vec![(opts.path.clone(), iface)];
                if let Some(p) = show(repo, commit, &proto)? {
                    files.push((proto.clone(), p));
                }
                let key: Vec<String> = files.iter().map(|(_, b)| sha256_hex(b)).collect();
                if !seen.insert(key) {
                    continue;
                }
                let base = format!("{}{date}", opts.label_prefix);
                let same_day = out
                    .iter()
                    .filter(|v| v.label == base || v.label.starts_with(&format!("{base}.")))
                    .count();
                let label = if same_day == 0 {
                    base
                } else {
                    format!("{base}.{}", same_day + 1)
                };
                let subject = git_text(repo, &["log", "-1", "--format=%s", commit])?;
                let kernel = kernel_named(&subject);
                let release = git(repo, &["describe", "--tags", "--abbrev=0", commit])
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).trim().to_string())
                    .filter(|s| !s.is_empty());
                out.push(GitVersion {
                    label,
                    origin: Origin {
                        kind: String::from("git"),
                        repository: opts.repository.clone(),
                        commit: Some(commit.to_string()),
                        date: Some(date.to_string()),
                        release,
                        kernel,
                    },
                    files,
                });
            }
        }
    }
    Ok(out)
}

/// `v3.10.65`, `v3.2` (SUBLEVEL 0), `v4.1-rc6` from a kernel Makefile's `VERSION`,
/// `PATCHLEVEL`, `SUBLEVEL` and an `-rcN` `EXTRAVERSION` (other extra versions are
/// local names and left out).
pub fn makefile_label(makefile: &str) -> Option<String> {
    let var = |name: &str| {
        makefile.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let (v, p) = (var("VERSION")?, var("PATCHLEVEL")?);
    if !digits(&v) || !digits(&p) {
        return None;
    }
    let mut label = format!("v{v}.{p}");
    if let Some(s) = var("SUBLEVEL").filter(|s| digits(s) && s != "0") {
        label.push_str(&format!(".{s}"));
    }
    if let Some(x) = var("EXTRAVERSION").filter(|x| x.starts_with("-rc")) {
        label.push_str(&x);
    }
    Some(label)
}

/// The kernel release a commit subject names: `2.6.29` (a 2.6 release; later
/// subjects say "kernel" without a number) → `v2.6.29`.
pub fn kernel_named(subject: &str) -> Option<String> {
    let at = subject.find("2.6.")?;
    let digits: String = subject[at + 4..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then(|| format!("v2.6.{digits}"))
}

/// A scratch include directory, removed on drop.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Extracts one version: each file as `scsi/<name>` of a scratch include root, so
/// `<scsi/iscsi_proto.h>`, `<iscsi_proto.h>` and `"iscsi_proto.h"` all resolve.
/// Errors name `LABEL:PATH` and the line and column in that version.
pub fn extract_version(v: &GitVersion) -> Result<Vec<Header>> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "iscsi-codegen-history-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let scratch = Scratch(dir);
    let scsi = scratch.0.join("scsi");
    std::fs::create_dir_all(&scsi).map_err(|e| {
        Error::msg(format!("cannot create a scratch directory: {e}")).in_file(&scsi)
    })?;
    for (path, bytes) in &v.files {
        let name = crate::store::file_name(path);
        std::fs::write(scsi.join(name), bytes)
            .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(&scsi))?;
    }
    let mut headers = Vec::new();
    for (path, bytes) in &v.files {
        let shown = PathBuf::from(format!("{}:{path}", v.label));
        let opts = ExtractOptions {
            label: v.label.clone(),
            path: path.clone(),
            include_dirs: vec![scratch.0.clone(), scsi.clone()],
            skip_undefined: true,
        };
        let h = extract_bytes(bytes, &shown, &opts).map_err(|mut e| {
            let file = e.file.clone();
            e.file = match file {
                None => Some(shown.clone()),
                Some(f) if f.starts_with(&scratch.0) => {
                    let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                    let repo_path = v
                        .files
                        .iter()
                        .map(|(p, _)| p.as_str())
                        .find(|p| Some(crate::store::file_name(p)) == name.as_deref())
                        .unwrap_or(path);
                    Some(PathBuf::from(format!("{}:{repo_path}", v.label)))
                }
                Some(f) if f == Path::new(path) => Some(shown.clone()),
                other => other,
            };
            e
        })?;
        headers.push(h);
    }
    Ok(headers)
}

/// Reads and extracts every selected version.
pub fn extract_all(opts: &HistoryOptions) -> Result<Vec<Extracted>> {
    let mut out = Vec::new();
    for v in versions(opts)? {
        let headers = extract_version(&v)?;
        out.push(Extracted::from_headers(
            &v.label,
            v.origin.clone(),
            &headers,
        ));
    }
    Ok(out)
}
