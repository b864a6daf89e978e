//! `headers/manifest.toml`: the reviewed list of tracked kernel sources, where each one
//! comes from, and the sha256 of every header taken from it. A changed hash is a
//! change of input that a maintainer must look at, so the manifest is the single place
//! that records what "the kernel headers" means for this repository.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, Result};

/// The parsed, validated manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
    /// The file it was read from (for error messages).
    pub path: PathBuf,
    /// The tracked sources, in manifest order (the order labels appear in output).
    pub sources: Vec<TrackedSource>,
}

/// One tracked source: a kernel release line and how to obtain its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedSource {
    /// The label (`linux-6.12`): the cache directory name and the name in banners.
    pub label: String,
    /// The kernel release the pinned headers were read from (`v6.1.192`): the label
    /// of this source in `headers/extracted/` and in the generated release tables.
    /// Defaults to `label`.
    pub release: String,
    /// The Debian package that ships the headers.
    pub debian: DebianOrigin,
    /// The headers taken from it, in manifest order.
    pub files: Vec<TrackedFile>,
    /// 1-based line of the `label` key in the manifest.
    pub line: u32,
}

/// How to obtain a tracked source from Debian's archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebianOrigin {
    /// A glob over package names (`linux-headers-6.1.0-*-common`); `*` and `?` only.
    /// The highest version among the packages apt knows is used.
    pub package: String,
    /// A glob over the directory inside the package that holds `include/`
    /// (`usr/src/linux-headers-*`), without a leading `/` or `./`.
    pub root: String,
    /// 1-based line and column of the `package` value in the manifest.
    pub position: (u32, u32),
}

/// One header of a tracked source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackedFile {
    /// The path as the kernel knows it, relative to the source root
    /// (`include/scsi/iscsi_if.h`).
    pub path: String,
    /// The expected lower-case hex sha256 of its bytes.
    pub sha256: String,
    /// 1-based line of the `sha256` value in the manifest.
    pub line: u32,
    /// 1-based column of the `sha256` value in the manifest.
    pub column: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManifest {
    #[serde(default)]
    source: Vec<RawSource>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    label: Spanned<String>,
    #[serde(default)]
    release: Option<Spanned<String>>,
    package: Spanned<String>,
    root: Spanned<String>,
    files: Vec<RawFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    path: Spanned<String>,
    sha256: Spanned<String>,
}

impl Manifest {
    /// Reads and validates a manifest file.
    pub fn load(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::msg(format!("cannot read the manifest: {e}")).in_file(path))?;
        Manifest::parse(&text, path)
    }

    /// Parses and validates manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest> {
        let at = |span: Range<usize>, message: String| {
            let (line, column) = line_col(text, span.start);
            Error::at(path, line, column, message)
        };
        let raw: RawManifest = toml::from_str(text).map_err(|e| {
            let message = format!("invalid manifest: {}", e.message().trim_end());
            match e.span() {
                Some(span) => at(span, message),
                None => Error::msg(message).in_file(path),
            }
        })?;
        if raw.source.is_empty() {
            return Err(Error::at(
                path,
                1,
                1,
                "the manifest tracks no source: expected at least one [[source]] table",
            ));
        }
        let mut labels = BTreeSet::new();
        let mut sources = Vec::new();
        for s in raw.source {
            let label = s.label.get_ref();
            if label.is_empty()
                || label.starts_with('.')
                || !label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return Err(at(
                    s.label.span(),
                    format!(
                        "label {label:?} must be a non-empty name of letters, digits, `.`, `_` \
                         and `-` (it names a cache directory)"
                    ),
                ));
            }
            if !labels.insert(label.clone()) {
                return Err(at(s.label.span(), format!("label {label:?} appears twice")));
            }
            check_glob(s.package.get_ref(), "package", false)
                .map_err(|m| at(s.package.span(), m))?;
            check_glob(s.root.get_ref(), "root", true).map_err(|m| at(s.root.span(), m))?;
            if s.files.is_empty() {
                return Err(at(
                    s.label.span(),
                    format!("source {label:?} lists no files"),
                ));
            }
            let mut paths = BTreeSet::new();
            let mut files = Vec::new();
            for f in s.files {
                let p = f.path.get_ref();
                if !is_plain_relative(p) || !p.ends_with(".h") {
                    return Err(at(
                        f.path.span(),
                        format!(
                            "file path {p:?} must be a relative path to a `.h` file \
                             without `.` or `..` components (like \"include/scsi/iscsi_if.h\")"
                        ),
                    ));
                }
                if !paths.insert(p.clone()) {
                    return Err(at(f.path.span(), format!("file {p:?} appears twice")));
                }
                let h = f.sha256.get_ref();
                if h.len() != 64 || !h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
                    return Err(at(
                        f.sha256.span(),
                        format!("sha256 of {p:?} must be 64 lower-case hex digits, found {h:?}"),
                    ));
                }
                let (line, column) = line_col(text, f.sha256.span().start);
                files.push(TrackedFile {
                    path: p.clone(),
                    sha256: h.clone(),
                    line,
                    column,
                });
            }
            let release = match &s.release {
                Some(r) => {
                    let v = r.get_ref();
                    if v.is_empty()
                        || v.starts_with('.')
                        || !v
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                    {
                        return Err(at(
                            r.span(),
                            format!("release {v:?} must be a name like \"v6.1.192\""),
                        ));
                    }
                    v.clone()
                }
                None => label.clone(),
            };
            sources.push(TrackedSource {
                label: label.clone(),
                release,
                line: line_col(text, s.label.span().start).0,
                debian: DebianOrigin {
                    position: line_col(text, s.package.span().start),
                    package: s.package.into_inner(),
                    root: s.root.into_inner(),
                },
                files,
            });
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            sources,
        })
    }

    /// The tracked source with this label.
    pub fn source(&self, label: &str) -> Option<&TrackedSource> {
        self.sources.iter().find(|s| s.label == label)
    }

    /// All labels, in manifest order.
    pub fn labels(&self) -> Vec<&str> {
        self.sources.iter().map(|s| s.label.as_str()).collect()
    }
}

/// `true` for `a/b/c` with no empty, `.` or `..` component and no leading `/`.
fn is_plain_relative(p: &str) -> bool {
    !p.is_empty()
        && !p.contains('\\')
        && p.split('/').all(|c| !c.is_empty() && c != "." && c != "..")
}

fn check_glob(g: &str, key: &str, path: bool) -> std::result::Result<(), String> {
    let ok = if path {
        is_plain_relative(g)
    } else {
        !g.is_empty() && !g.contains('/')
    };
    let chars_ok = g.chars().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | '~' | '*' | '?' | '/')
    });
    if ok && chars_ok {
        Ok(())
    } else {
        Err(format!(
            "{key} {g:?} must be a {} made of letters, digits, `.+-_~` and the wildcards `*` `?`",
            if path {
                "relative path"
            } else {
                "package name"
            }
        ))
    }
}

/// The 1-based line and column (in characters) of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (u32, u32) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// Matches `name` against a glob of `*` (any run of characters) and `?` (one
/// character). Used on package names and on single path components.
pub(crate) fn glob_match(glob: &str, name: &str) -> bool {
    let g: Vec<char> = glob.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut gi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == n[ni]) {
            gi += 1;
            ni += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some((gi, ni));
            gi += 1;
        } else if let Some((sg, sn)) = star {
            gi = sg + 1;
            ni = sn + 1;
            star = Some((sg, sn + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[[source]]
label = "linux-6.1"
package = "linux-headers-6.1.0-*-common"
root = "usr/src/linux-headers-*"
files = [
  { path = "include/scsi/iscsi_if.h", sha256 = "76dd627376113105b2815b41dddd09fed1f395f0cb422812293e7c5f824a38b1" },
]
"#;

    #[test]
    fn parses_a_good_manifest() {
        let m = Manifest::parse(GOOD, Path::new("m.toml")).unwrap();
        assert_eq!(m.labels(), ["linux-6.1"]);
        assert_eq!(m.sources[0].line, 3);
        assert_eq!(m.sources[0].files[0].line, 7);
    }

    #[test]
    fn reports_positions() {
        let bad = GOOD.replace("76dd", "76DD");
        let e = Manifest::parse(&bad, Path::new("m.toml")).unwrap_err();
        assert_eq!((e.line, e.column), (7, 48), "{e}");
        let e = Manifest::parse("[[source]]\nlabel = \n", Path::new("m.toml")).unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let bad = GOOD.replace("label = \"linux-6.1\"", "label = \"../x\"");
        let e = Manifest::parse(&bad, Path::new("m.toml")).unwrap_err();
        assert_eq!((e.line, e.column), (3, 9), "{e}");
        let bad = GOOD.replace("root =", "rooot =");
        let e = Manifest::parse(&bad, Path::new("m.toml")).unwrap_err();
        assert!(e.line > 0, "{e}");
    }

    #[test]
    fn globs() {
        assert!(glob_match(
            "linux-headers-6.1.0-*-common",
            "linux-headers-6.1.0-56-common"
        ));
        assert!(!glob_match(
            "linux-headers-6.1.0-*-common",
            "linux-headers-6.1.0-56-common-rt"
        ));
        assert!(!glob_match(
            "linux-headers-6.1.0-*-common",
            "linux-headers-6.12.1-common"
        ));
        assert!(glob_match(
            "linux-headers-6.12.*-common",
            "linux-headers-6.12.117+deb12-common"
        ));
        assert!(glob_match("a?c*", "abc"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "acbd"));
    }
}
