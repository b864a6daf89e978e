//! Obtaining a tracked source from Debian's archive with the ordinary apt tools:
//! find the package names apt knows that match the manifest's glob, take the highest
//! version, `apt-get download` it and unpack only the headers we track. Point
//! releases come and go, so nothing here is pinned; the sha256 check in the caller is
//! what pins the content.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::manifest::{TrackedSource, glob_match};
use crate::error::{Error, Result};

/// A package chosen for a tracked source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name (`linux-headers-6.12.117+deb12-common`).
    pub name: String,
    /// Its version as apt reports it (`6.12.117-1~deb12u1`).
    pub version: String,
}

/// Runs a command, returning its stdout; a failure names the command and its stderr.
fn run(cmd: &mut Command) -> Result<String> {
    let shown = format!("{cmd:?}").replace('"', "");
    let out = cmd.output().map_err(|e| {
        Error::msg(format!(
            "cannot run `{shown}`: {e} (is this a Debian-like system with apt and dpkg?)"
        ))
    })?;
    if !out.status.success() {
        return Err(Error::msg(format!(
            "`{shown}` failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Picks the highest version among the packages apt knows whose names match the
/// source's glob. No match is an error that suggests `apt-get update`.
pub fn resolve(source: &TrackedSource, manifest: &Path) -> Result<Package> {
    let glob = &source.debian.package;
    let regex = glob_to_regex(glob);
    let listing = run(Command::new("apt-cache").args(["search", "--names-only", &regex]))?;
    let names: Vec<&str> = listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| glob_match(glob, n))
        .collect();
    if names.is_empty() {
        let (line, column) = source.debian.position;
        return Err(Error::at(
            manifest,
            line,
            column,
            format!(
                "no Debian package known to apt matches `{glob}` (source {}). Refresh the \
                 package lists with `apt-get update` (as root) and retry, or give the headers \
                 directly with --kernel-tree DIR or --header FILE",
                source.label
            ),
        ));
    }
    let shown = run(Command::new("apt-cache")
        .args(["show", "--no-all-versions"])
        .args(&names))?;
    let mut best: Option<Package> = None;
    for p in parse_show(&shown) {
        if !names.contains(&p.name.as_str()) {
            continue;
        }
        let better = match &best {
            None => true,
            Some(b) => match compare_versions(&p.version, &b.version) {
                Ordering::Greater => true,
                Ordering::Equal => p.name > b.name,
                Ordering::Less => false,
            },
        };
        if better {
            best = Some(p);
        }
    }
    best.ok_or_else(|| {
        Error::msg(format!(
            "`apt-cache show` gave no version for {} (source {}); try `apt-get update`",
            names.join(", "),
            source.label
        ))
    })
}

/// `Package:`/`Version:` pairs from `apt-cache show` stanzas.
fn parse_show(text: &str) -> Vec<Package> {
    let mut out = Vec::new();
    for stanza in text.split("\n\n") {
        let field = |key: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_string())
        };
        if let (Some(name), Some(version)) = (field("Package:"), field("Version:")) {
            out.push(Package { name, version });
        }
    }
    out
}

/// An anchored POSIX regex for `apt-cache search` equivalent to the glob.
fn glob_to_regex(glob: &str) -> String {
    let mut r = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => r.push_str(".*"),
            '?' => r.push('.'),
            '.' | '+' | '[' | ']' | '(' | ')' | '{' | '}' | '^' | '$' | '|' | '\\' => {
                r.push('\\');
                r.push(c);
            }
            c => r.push(c),
        }
    }
    r.push('$');
    r
}

/// Downloads `package` into `work` and unpacks the tracked files under
/// `work/root`, returning each tracked file's unpacked path, in manifest order.
pub fn download_and_unpack(
    source: &TrackedSource,
    package: &Package,
    work: &Path,
) -> Result<Vec<PathBuf>> {
    let spec = format!("{}={}", package.name, package.version);
    run(Command::new("apt-get")
        .args(["download", "-q", &spec])
        .current_dir(work))?;
    let deb = std::fs::read_dir(work)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|x| x == "deb"))
        .ok_or_else(|| Error::msg(format!("`apt-get download {spec}` produced no .deb file")))?;
    let root = work.join("root");
    std::fs::create_dir_all(&root)?;
    let patterns: Vec<String> = source
        .files
        .iter()
        .map(|f| format!("./{}/{}", source.debian.root, f.path))
        .collect();
    let mut dpkg = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(&deb)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::msg(format!("cannot run dpkg-deb: {e}")))?;
    let tar_in = dpkg
        .stdout
        .take()
        .ok_or_else(|| Error::msg("dpkg-deb gave no output pipe"))?;
    let tar = Command::new("tar")
        .args(["-x", "--wildcards", "-C"])
        .arg(&root)
        .args(&patterns)
        .stdin(Stdio::from(tar_in))
        .output()
        .map_err(|e| Error::msg(format!("cannot run tar: {e}")))?;
    let dpkg_out = dpkg.wait_with_output()?;
    if !dpkg_out.status.success() {
        return Err(Error::msg(format!(
            "`dpkg-deb --fsys-tarfile {}` failed: {}",
            deb.display(),
            String::from_utf8_lossy(&dpkg_out.stderr).trim()
        )));
    }
    if !tar.status.success() {
        return Err(Error::msg(format!(
            "package {} does not contain {} (source {}; check `root` and `files` in the \
             manifest): {}",
            package.name,
            patterns.join(", "),
            source.label,
            String::from_utf8_lossy(&tar.stderr).trim()
        )));
    }
    let base = find_root(&root, &source.debian.root)?;
    Ok(source.files.iter().map(|f| base.join(&f.path)).collect())
}

/// Every version of the package `name` that apt can download, highest first (empty when
/// apt knows none).
pub fn versions_of(name: &str) -> Result<Vec<String>> {
    let shown = match run(Command::new("apt-cache").args(["show", name])) {
        Ok(text) => text,
        Err(_) => return Ok(Vec::new()),
    };
    let mut versions: Vec<String> = parse_show(&shown)
        .into_iter()
        .filter(|p| p.name == name)
        .map(|p| p.version)
        .collect();
    versions.sort_by(|a, b| compare_versions(b, a));
    versions.dedup();
    Ok(versions)
}

/// Downloads the kernel source package `name` at `version` (`linux-source-6.1`,
/// `6.1.192-3`) into `work` and unpacks only `paths` of the tree it carries
/// (`usr/src/<name>.tar.xz`, streamed through `tar -xJ --wildcards`; a directory brings
/// everything under it). Returns the tree's root, `work/<name>`.
pub fn download_kernel_tree(
    name: &str,
    version: &str,
    work: &Path,
    paths: &[String],
) -> Result<PathBuf> {
    let spec = format!("{name}={version}");
    run(Command::new("apt-get")
        .args(["download", "-q", &spec])
        .current_dir(work))?;
    let deb = std::fs::read_dir(work)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.extension().is_some_and(|x| x == "deb")
                && p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with(&format!("{name}_")))
        })
        .ok_or_else(|| Error::msg(format!("`apt-get download {spec}` produced no .deb file")))?;
    let mut dpkg = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(&deb)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::msg(format!("cannot run dpkg-deb: {e}")))?;
    let fsys = dpkg
        .stdout
        .take()
        .ok_or_else(|| Error::msg("dpkg-deb gave no output pipe"))?;
    let mut inner = Command::new("tar")
        .args(["-xO", &format!("./usr/src/{name}.tar.xz")])
        .stdin(Stdio::from(fsys))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Error::msg(format!("cannot run tar: {e}")))?;
    let xz = inner
        .stdout
        .take()
        .ok_or_else(|| Error::msg("tar gave no output pipe"))?;
    let patterns: Vec<String> = paths.iter().map(|p| format!("{name}/{p}")).collect();
    let unpack = Command::new("tar")
        .args(["-xJ", "--wildcards", "-C"])
        .arg(work)
        .args(&patterns)
        .stdin(Stdio::from(xz))
        .output()
        .map_err(|e| Error::msg(format!("cannot run tar: {e}")))?;
    let inner = inner.wait_with_output()?;
    let dpkg = dpkg.wait_with_output()?;
    for (what, ok, err) in [
        (
            "dpkg-deb --fsys-tarfile",
            dpkg.status.success(),
            &dpkg.stderr,
        ),
        (
            "tar -xO (the source tarball)",
            inner.status.success(),
            &inner.stderr,
        ),
        (
            "tar -xJ (the tree)",
            unpack.status.success(),
            &unpack.stderr,
        ),
    ] {
        if !ok {
            return Err(Error::msg(format!(
                "{what} failed on {}: {}",
                deb.display(),
                String::from_utf8_lossy(err).trim()
            )));
        }
    }
    let _ = std::fs::remove_file(&deb);
    Ok(work.join(name))
}

/// The one directory under `dir` matching the path glob `root`.
fn find_root(dir: &Path, root: &str) -> Result<PathBuf> {
    let mut current = vec![dir.to_path_buf()];
    for component in root.split('/') {
        let mut next = Vec::new();
        for d in &current {
            for e in std::fs::read_dir(d)?.flatten() {
                let name = e.file_name();
                if e.path().is_dir() && glob_match(component, &name.to_string_lossy()) {
                    next.push(e.path());
                }
            }
        }
        current = next;
    }
    match current.len() {
        1 => Ok(current.remove(0)),
        0 => Err(Error::msg(format!(
            "no directory matching {root:?} in the package"
        ))),
        _ => Err(Error::msg(format!(
            "several directories match {root:?} in the package; make `root` more specific"
        ))),
    }
}

/// Compares two Debian version strings as `dpkg --compare-versions` does
/// (epoch, then upstream version, then revision; `~` sorts before everything).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn split(v: &str) -> (u64, &str, &str) {
        let (epoch, rest) = match v.split_once(':') {
            Some((e, r)) => (e.parse().unwrap_or(0), r),
            None => (0, v),
        };
        match rest.rsplit_once('-') {
            Some((u, r)) => (epoch, u, r),
            None => (epoch, rest, ""),
        }
    }
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| verrevcmp(ua, ub))
        .then_with(|| verrevcmp(ra, rb))
}

/// dpkg's `verrevcmp`: alternating non-digit and digit runs.
fn verrevcmp(a: &str, b: &str) -> Ordering {
    fn order(c: Option<u8>) -> i32 {
        match c {
            None => 0,
            Some(b'~') => -1,
            Some(c) if c.is_ascii_digit() => 0,
            Some(c) if c.is_ascii_alphabetic() => i32::from(c),
            Some(c) => i32::from(c) + 256,
        }
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let mut first_diff = 0;
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let ac = order(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let bc = order(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        while i < a.len() && a[i].is_ascii_digit() && j < b.len() && b[j].is_ascii_digit() {
            if first_diff == 0 {
                first_diff = i32::from(a[i]) - i32::from(b[j]);
            }
            i += 1;
            j += 1;
        }
        if i < a.len() && a[i].is_ascii_digit() {
            return Ordering::Greater;
        }
        if j < b.len() && b[j].is_ascii_digit() {
            return Ordering::Less;
        }
        if first_diff != 0 {
            return first_diff.cmp(&0);
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_like_dpkg() {
        use Ordering::*;
        let cases = [
            ("6.1.192-2", "6.1.191-1", Greater),
            ("6.12.117-1~deb12u1", "6.12.113-1~deb12u1", Greater),
            ("6.12.9-1", "6.12.10-1", Less),
            ("1.0~rc1-1", "1.0-1", Less),
            ("1:1.0-1", "2.0-1", Greater),
            ("1.0-1", "1.0-1", Equal),
            ("1.0a", "1.0", Greater),
            ("1.0+deb12", "1.0", Greater),
            ("1.0-1~deb12u1", "1.0-1", Less),
            ("1.01", "1.1", Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(compare_versions(a, b), want, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn regex_of_glob() {
        assert_eq!(
            glob_to_regex("linux-headers-6.12.*-common"),
            "^linux-headers-6\\.12\\..*-common$"
        );
    }

    #[test]
    fn parses_apt_cache_show() {
        let text = "Package: a\nVersion: 1.0-1\nDescription: x\n\nPackage: b\nVersion: 2\n";
        let p = parse_show(text);
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].name, "b");
        assert_eq!(p[1].version, "2");
    }
}
