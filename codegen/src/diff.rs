//! What changed between two versions of the headers: names added, removed, renamed
//! (a value that left under one name and came back under another in the same enum)
//! and renumbered (one name, two values: an ABI break, flagged loudly). Enumerators
//! are compared within their enum; integer `#define`s within their file. Human text
//! and a JSON form (`iscsi-codegen diff A B [--json]`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::model::Header;
use crate::store::file_name;

/// What happened to one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// A name with the same value now has a different name.
    Renamed,
    /// One name, a different value: code built for one side misreads the other.
    Renumbered,
    /// Only the newer side has it.
    Added,
    /// Only the older side has it.
    Removed,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What happened.
    pub kind: ChangeKind,
    /// `enum iscsi_err`, or `#define`.
    pub group: String,
    /// The name (the new name for a rename).
    pub name: String,
    /// The old name of a rename.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_name: Option<String>,
    /// The value on the older side (removed, renamed, renumbered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_value: Option<i128>,
    /// The value on the newer side (added, renamed, renumbered).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_value: Option<i128>,
}

/// The changes of one header file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileDiff {
    /// `iscsi_if.h`.
    pub file: String,
    /// Present on one side only: `added` or `removed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only: Option<ChangeKind>,
    /// Changes ordered by group (header order), then kind, then name.
    pub changes: Vec<Change>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// The older side's label.
    pub from: String,
    /// The newer side's label.
    pub to: String,
    /// Per file.
    pub files: Vec<FileDiff>,
    /// Counts per kind.
    pub summary: BTreeMap<ChangeKind, usize>,
    /// Whether any name was renumbered.
    pub abi_break: bool,
}

/// (group, name) → value, in header order of groups.
fn facts(h: &Header) -> (Vec<String>, BTreeMap<(String, String), i128>) {
    let mut groups = Vec::new();
    let mut map = BTreeMap::new();
    for e in &h.enums {
        let g = format!("enum {}", e.name.as_deref().unwrap_or("(anonymous)"));
        if !groups.contains(&g) {
            groups.push(g.clone());
        }
        for x in &e.enumerators {
            map.insert((g.clone(), x.name.clone()), x.value);
        }
    }
    let g = String::from("#define");
    if !h.defines.is_empty() {
        groups.push(g.clone());
    }
    for d in &h.defines {
        map.insert((g.clone(), d.name.clone()), d.value);
    }
    (groups, map)
}

/// Whether a removed and an added define may be one renamed constant: the same
/// value and the same prefix up to the last `_` (`ISCSI_OP_X` / `ISCSI_OP_Y`).
fn same_stem(a: &str, b: &str) -> bool {
    let stem = |s: &str| s.rsplit_once('_').map_or("", |(p, _)| p).to_string();
    !stem(a).is_empty() && stem(a) == stem(b)
}

fn diff_file(old: &Header, new: &Header) -> Vec<Change> {
    let (g_old, m_old) = facts(old);
    let (g_new, m_new) = facts(new);
    let mut order = g_old.clone();
    for g in g_new {
        if !order.contains(&g) {
            order.push(g);
        }
    }
    let mut changes = Vec::new();
    let mut removed: Vec<(String, String, i128)> = Vec::new();
    let mut added: Vec<(String, String, i128)> = Vec::new();
    for ((g, n), v) in &m_old {
        match m_new.get(&(g.clone(), n.clone())) {
            Some(w) if w != v => changes.push(Change {
                kind: ChangeKind::Renumbered,
                group: g.clone(),
                name: n.clone(),
                old_name: None,
                old_value: Some(*v),
                new_value: Some(*w),
            }),
            Some(_) => {}
            None => removed.push((g.clone(), n.clone(), *v)),
        }
    }
    for ((g, n), v) in &m_new {
        if !m_old.contains_key(&(g.clone(), n.clone())) {
            added.push((g.clone(), n.clone(), *v));
        }
    }
    let mut used = vec![false; added.len()];
    for (g, n, v) in removed {
        let pair = added.iter().enumerate().position(|(i, (ag, an, av))| {
            !used[i] && *ag == g && *av == v && (g != "#define" || same_stem(&n, an))
        });
        match pair {
            Some(i) => {
                used[i] = true;
                changes.push(Change {
                    kind: ChangeKind::Renamed,
                    group: g,
                    name: added[i].1.clone(),
                    old_name: Some(n),
                    old_value: Some(v),
                    new_value: Some(v),
                });
            }
            None => changes.push(Change {
                kind: ChangeKind::Removed,
                group: g,
                name: n,
                old_name: None,
                old_value: Some(v),
                new_value: None,
            }),
        }
    }
    for (i, (g, n, v)) in added.into_iter().enumerate() {
        if !used[i] {
            changes.push(Change {
                kind: ChangeKind::Added,
                group: g,
                name: n,
                old_name: None,
                old_value: None,
                new_value: Some(v),
            });
        }
    }
    let rank = |g: &str| order.iter().position(|x| x == g).unwrap_or(usize::MAX);
    changes.sort_by(|a, b| {
        let va = a.new_value.or(a.old_value);
        let vb = b.new_value.or(b.old_value);
        (rank(&a.group), a.kind, va, &a.name).cmp(&(rank(&b.group), b.kind, vb, &b.name))
    });
    changes
}

/// Compares two versions (each a list of header files, matched by file name).
pub fn diff(from: &str, old: &[Header], to: &str, new: &[Header]) -> Diff {
    let mut files = Vec::new();
    let mut names: Vec<&str> = old.iter().map(|h| file_name(&h.source.path)).collect();
    for h in new {
        let n = file_name(&h.source.path);
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let find = |side: &'_ [Header], n: &str| {
        side.iter()
            .find(|h| file_name(&h.source.path) == n)
            .cloned()
    };
    for n in names {
        let (o, w) = (find(old, n), find(new, n));
        let (only, changes) = match (&o, &w) {
            (Some(o), Some(w)) => (None, diff_file(o, w)),
            (None, Some(w)) => (Some(ChangeKind::Added), diff_file(&empty_like(w), w)),
            (Some(o), None) => (Some(ChangeKind::Removed), diff_file(o, &empty_like(o))),
            (None, None) => continue,
        };
        files.push(FileDiff {
            file: n.to_string(),
            only,
            changes,
        });
    }
    let mut summary: BTreeMap<ChangeKind, usize> = [
        ChangeKind::Renamed,
        ChangeKind::Renumbered,
        ChangeKind::Added,
        ChangeKind::Removed,
    ]
    .into_iter()
    .map(|k| (k, 0))
    .collect();
    for c in files.iter().flat_map(|f| &f.changes) {
        *summary.entry(c.kind).or_default() += 1;
    }
    let abi_break = summary.get(&ChangeKind::Renumbered).copied().unwrap_or(0) > 0;
    Diff {
        from: from.to_string(),
        to: to.to_string(),
        files,
        summary,
        abi_break,
    }
}

fn empty_like(h: &Header) -> Header {
    Header {
        source: h.source.clone(),
        includes: Vec::new(),
        enums: Vec::new(),
        defines: Vec::new(),
    }
}

impl Diff {
    /// The human form: one line per change, grouped by file and enum, renumberings
    /// marked `!!` and repeated in a closing warning.
    pub fn to_text(&self) -> String {
        let mut out = format!("diff {} -> {}\n", self.from, self.to);
        for f in &self.files {
            let only = match f.only {
                Some(ChangeKind::Added) => format!(" (only in {})", self.to),
                Some(ChangeKind::Removed) => format!(" (only in {})", self.from),
                _ => String::new(),
            };
            let _ = writeln!(out, "\n{}{only}:", f.file);
            if f.changes.is_empty() {
                out.push_str("  no change of any enumerator or integer #define\n");
            }
            let mut group = "";
            for c in &f.changes {
                if c.group != group {
                    group = &c.group;
                    let _ = writeln!(out, "  {group}");
                }
                let v = |x: Option<i128>| x.map_or_else(String::new, |v| v.to_string());
                let _ = match c.kind {
                    ChangeKind::Added => {
                        writeln!(out, "    + {} = {}", c.name, v(c.new_value))
                    }
                    ChangeKind::Removed => {
                        writeln!(out, "    - {} = {}", c.name, v(c.old_value))
                    }
                    ChangeKind::Renamed => writeln!(
                        out,
                        "    ~ {} -> {} = {} (renamed)",
                        c.old_name.as_deref().unwrap_or("?"),
                        c.name,
                        v(c.new_value)
                    ),
                    ChangeKind::Renumbered => writeln!(
                        out,
                        "    !! {}: {} -> {} (RENUMBERED: ABI break)",
                        c.name,
                        v(c.old_value),
                        v(c.new_value)
                    ),
                };
            }
        }
        let n = |k| self.summary.get(&k).copied().unwrap_or(0);
        let _ = writeln!(
            out,
            "\n{} added, {} removed, {} renamed, {} renumbered",
            n(ChangeKind::Added),
            n(ChangeKind::Removed),
            n(ChangeKind::Renamed),
            n(ChangeKind::Renumbered)
        );
        if self.abi_break {
            let names: Vec<&str> = self
                .files
                .iter()
                .flat_map(|f| &f.changes)
                .filter(|c| c.kind == ChangeKind::Renumbered)
                .map(|c| c.name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "WARNING: ABI break: {} renumbered ({}); a decoder built for {} misnames these values on {}",
                names.len(),
                names.join(", "),
                self.from,
                self.to
            );
        }
        out
    }

    /// Pretty JSON.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }
}
