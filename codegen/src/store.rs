//! The committed extracted data: `headers/extracted/<label>.json`, one file per source
//! (a kernel release or an open-iscsi copy), holding facts only — names, values, C
//! expressions, enum membership, line numbers, `#include`s and each header's sha256,
//! never header text or comments — and `headers/extracted/docs.json`, the comments
//! of the newest kernel label, which `generated/` shows anyway.
//!
//! `generate` and `check` read these files (no network, no header cache); `history`,
//! `extract` and `check --reextract` write or verify them. One row per line, so a
//! new kernel shows up in review as the lines it added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{Define, Enum, Enumerator, Header, Include, Source};
use crate::version::{Series, compare_labels};

/// The name of the docs file in the extracted directory.
pub const DOCS_FILE: &str = "docs.json";

/// Where a source's headers were read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Origin {
    /// `debian`, `git` or `tree`.
    pub kind: String,
    /// The Debian package (`linux-headers-6.1.0-*-common`), the git repository
    /// (`open-iscsi/open-iscsi`), or the tree's directory name.
    pub repository: String,
    /// The git commit, when read from git.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The commit date (`YYYY-MM-DD`), when read from git.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The release the source names: the tag (`v2.6.18`), the nearest open-iscsi
    /// release tag at or before the commit (`2.0.873`), or the kernel release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// For an open-iscsi copy, the kernel release its commit subject names, if any
    /// (`sync up kernel modules with 2.6.29` → `v2.6.29`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
}

/// One extracted source: every header file it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    /// `v2.6.18`, `v6.1.192`, `oi-2013-05-28`.
    pub label: String,
    /// `kernel` or `open-iscsi`.
    pub series: String,
    /// Where it came from.
    pub origin: Origin,
    /// The header files, `iscsi_if.h` first.
    pub files: Vec<FileFacts>,
}

/// The facts of one header file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileFacts {
    /// The path as its source knows it (`include/scsi/iscsi_if.h`).
    pub path: String,
    /// Lower-case hex sha256 of the header's bytes.
    pub sha256: String,
    /// `#include` directives.
    #[serde(default)]
    pub includes: Vec<Include>,
    /// Enums in file order.
    pub enums: Vec<EnumFacts>,
    /// Integer `#define`s: `[name, value, expression, line, section]`, where section is
    /// the first word of the section comment above (`Class-2`), the tag keyed
    /// families split on.
    pub defines: Vec<(String, i128, String, u32, Option<String>)>,
}

/// The facts of one enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumFacts {
    /// The tag, or null.
    pub name: Option<String>,
    /// 1-based line of the `enum` keyword.
    pub line: u32,
    /// `[name, value, initialiser or null, line]`.
    pub enumerators: Vec<(String, i128, Option<String>, u32)>,
}

impl Extracted {
    /// The facts of `headers` (one source), comments dropped.
    pub fn from_headers(label: &str, origin: Origin, headers: &[Header]) -> Extracted {
        let files = headers
            .iter()
            .map(|h| FileFacts {
                path: h.source.path.clone(),
                sha256: h.source.sha256.clone(),
                includes: h.includes.clone(),
                enums: h
                    .enums
                    .iter()
                    .map(|e| EnumFacts {
                        name: e.name.clone(),
                        line: e.line,
                        enumerators: e
                            .enumerators
                            .iter()
                            .map(|x| (x.name.clone(), x.value, x.expr.clone(), x.line))
                            .collect(),
                    })
                    .collect(),
                defines: h
                    .defines
                    .iter()
                    .map(|d| {
                        let section = d
                            .section
                            .as_deref()
                            .and_then(section_tag)
                            .map(str::to_string);
                        (d.name.clone(), d.value, d.expr.clone(), d.line, section)
                    })
                    .collect(),
            })
            .collect();
        Extracted {
            label: label.to_string(),
            series: series_name(Series::of_label(label)).to_string(),
            origin,
            files,
        }
    }

    /// The models of every file, without comments (sections are their tags).
    pub fn headers(&self) -> Vec<Header> {
        self.files
            .iter()
            .map(|f| Header {
                source: Source {
                    label: self.label.clone(),
                    path: f.path.clone(),
                    sha256: f.sha256.clone(),
                },
                includes: f.includes.clone(),
                enums: f
                    .enums
                    .iter()
                    .map(|e| Enum {
                        name: e.name.clone(),
                        doc: None,
                        line: e.line,
                        enumerators: e
                            .enumerators
                            .iter()
                            .map(|(name, value, expr, line)| Enumerator {
                                name: name.clone(),
                                value: *value,
                                expr: expr.clone(),
                                doc: None,
                                line: *line,
                            })
                            .collect(),
                    })
                    .collect(),
                defines: f
                    .defines
                    .iter()
                    .map(|(name, value, expr, line, section)| Define {
                        name: name.clone(),
                        value: *value,
                        expr: expr.clone(),
                        family: None,
                        doc: None,
                        section: section.clone(),
                        line: *line,
                    })
                    .collect(),
            })
            .collect()
    }

    /// The series.
    pub fn series(&self) -> Series {
        Series::of_label(&self.label)
    }

    /// The file whose name (last path component) is `name`.
    pub fn file(&self, name: &str) -> Option<&FileFacts> {
        self.files.iter().find(|f| file_name(&f.path) == name)
    }

    /// The JSON text: one enumerator or define per line, stable across runs.
    pub fn to_json(&self) -> String {
        let j = |v: &dyn erased::Ser| v.json();
        let mut out = String::from("{\n");
        out.push_str(&format!("  \"label\": {},\n", j(&self.label)));
        out.push_str(&format!("  \"series\": {},\n", j(&self.series)));
        out.push_str(&format!("  \"origin\": {},\n", j(&self.origin)));
        out.push_str("  \"files\": [\n");
        for (fi, f) in self.files.iter().enumerate() {
            out.push_str("    {\n");
            out.push_str(&format!("      \"path\": {},\n", j(&f.path)));
            out.push_str(&format!("      \"sha256\": {},\n", j(&f.sha256)));
            out.push_str(&format!("      \"includes\": {},\n", j(&f.includes)));
            out.push_str("      \"enums\": [");
            for (ei, e) in f.enums.iter().enumerate() {
                out.push_str(if ei == 0 { "\n" } else { ",\n" });
                out.push_str(&format!(
                    "        {{\"name\": {}, \"line\": {}, \"enumerators\": [",
                    j(&e.name),
                    e.line
                ));
                for (xi, x) in e.enumerators.iter().enumerate() {
                    out.push_str(if xi == 0 { "\n" } else { ",\n" });
                    out.push_str(&format!("          {}", j(x)));
                }
                out.push_str("\n        ]}");
            }
            out.push_str("\n      ],\n      \"defines\": [");
            for (di, d) in f.defines.iter().enumerate() {
                out.push_str(if di == 0 { "\n" } else { ",\n" });
                out.push_str(&format!("        {}", j(d)));
            }
            out.push_str("\n      ]\n    }");
            out.push_str(if fi + 1 == self.files.len() {
                "\n"
            } else {
                ",\n"
            });
        }
        out.push_str("  ]\n}\n");
        out
    }

    /// Parses the JSON of one source; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Extracted> {
        serde_json::from_str(text).map_err(|e| {
            Error::at(
                path,
                e.line() as u32,
                e.column() as u32,
                format!("invalid extracted data: {e}"),
            )
        })
    }
}

/// Serialisation through serde_json without naming each type.
mod erased {
    pub trait Ser {
        fn json(&self) -> String;
    }
    impl<T: serde::Serialize> Ser for T {
        fn json(&self) -> String {
            serde_json::to_string(self).unwrap_or_else(|_| String::from("null"))
        }
    }
}

/// The first word of a section comment: the tag a family's `sections` or keyed
/// `class.section` matches by prefix (`Class-2 (Initiator Error)` → `Class-2`).
pub fn section_tag(section: &str) -> Option<&str> {
    section.split_whitespace().next()
}

/// `include/scsi/iscsi_if.h` → `iscsi_if.h`.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// `kernel` or `open-iscsi`.
pub fn series_name(s: Series) -> &'static str {
    match s {
        Series::Kernel => "kernel",
        Series::OpenIscsi => "open-iscsi",
    }
}

/// The comments of the newest kernel label, keyed by file name, then by C name
/// (`enums` by enum tag, `sections` by the define they sit above).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Docs {
    /// The label the comments were taken from.
    pub label: String,
    /// File name → its comments.
    pub files: BTreeMap<String, FileDocs>,
}

/// The comments of one header file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FileDocs {
    /// Enum tag → the comment above the enum.
    #[serde(default)]
    pub enums: BTreeMap<String, String>,
    /// Enumerator or define name → its comment.
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Define name → the section comment above it.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
}

impl Docs {
    /// The comments of `headers` (one source).
    pub fn from_headers(label: &str, headers: &[Header]) -> Docs {
        let mut files = BTreeMap::new();
        for h in headers {
            let mut d = FileDocs::default();
            for e in &h.enums {
                if let (Some(tag), Some(doc)) = (&e.name, &e.doc) {
                    d.enums.insert(tag.clone(), doc.clone());
                }
                for x in &e.enumerators {
                    if let Some(doc) = &x.doc {
                        d.names.insert(x.name.clone(), doc.clone());
                    }
                }
            }
            for x in &h.defines {
                if let Some(doc) = &x.doc {
                    d.names.insert(x.name.clone(), doc.clone());
                }
                if let Some(s) = &x.section {
                    d.sections.insert(x.name.clone(), s.clone());
                }
            }
            files.insert(file_name(&h.source.path).to_string(), d);
        }
        Docs {
            label: label.to_string(),
            files,
        }
    }

    /// Puts the comments back into a model of the same header (the label the docs
    /// came from, or any other: names it lacks get none).
    pub fn apply(&self, header: &mut Header) {
        let Some(d) = self.files.get(file_name(&header.source.path)) else {
            return;
        };
        for e in &mut header.enums {
            e.doc = e.name.as_ref().and_then(|t| d.enums.get(t)).cloned();
            for x in &mut e.enumerators {
                x.doc = d.names.get(&x.name).cloned();
            }
        }
        for x in &mut header.defines {
            x.doc = d.names.get(&x.name).cloned();
            if let Some(s) = d
                .sections
                .get(&x.name)
                .filter(|s| x.section.as_deref() == section_tag(s))
            {
                x.section = Some(s.clone());
            }
        }
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}

/// Every `*.json` of `dir` except the docs file, parsed and sorted by label
/// (kernel releases by version, then open-iscsi copies by date).
pub fn load_dir(dir: &Path) -> Result<Vec<Extracted>> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Error::msg(format!("cannot read the extracted data directory: {e}")).in_file(dir)
    })?;
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let p = entry
            .map_err(|e| Error::msg(format!("cannot list: {e}")).in_file(dir))?
            .path();
        let is_json = p.extension().is_some_and(|x| x == "json");
        let is_docs = p.file_name().is_some_and(|n| n == DOCS_FILE);
        if is_json && !is_docs {
            paths.push(p);
        }
    }
    for p in paths {
        let text = std::fs::read_to_string(&p)
            .map_err(|e| Error::msg(format!("cannot read: {e}")).in_file(&p))?;
        let x = Extracted::parse(&text, &p)?;
        let stem = p.file_stem().map(|s| s.to_string_lossy().into_owned());
        if stem.as_deref() != Some(x.label.as_str()) {
            return Err(Error::at(
                &p,
                2,
                1,
                format!("label {:?} does not match the file name", x.label),
            ));
        }
        out.push(x);
    }
    out.sort_by(|a, b| compare_labels(&a.label, &b.label));
    Ok(out)
}

/// Reads `dir/docs.json`; an absent file is no docs.
pub fn load_docs(dir: &Path) -> Result<Docs> {
    let p = dir.join(DOCS_FILE);
    match std::fs::read_to_string(&p) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            Error::at(
                &p,
                e.line() as u32,
                e.column() as u32,
                format!("invalid docs file: {e}"),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Docs::default()),
        Err(e) => Err(Error::msg(format!("cannot read: {e}")).in_file(&p)),
    }
}

/// Writes `text` to `path` unless it already holds exactly that; `true` when written.
pub fn write_if_changed(path: &Path, text: &str) -> Result<bool> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::msg(format!("cannot create directory: {e}")).in_file(dir))?;
    }
    std::fs::write(path, text)
        .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(path))?;
    Ok(true)
}
