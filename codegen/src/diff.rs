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

/// How the headers of two sides were paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pairing<'a> {
    /// `(older, newer)`; `None` on the side that lacks the file.
    pub pairs: Vec<(Option<&'a Header>, Option<&'a Header>)>,
}

/// Pairs the headers of two sides: the same file name first, then, for the rest, by
/// content (the pair that shares the most enumerator and `#define` names, greedily),
/// so that `old/iscsi_if-2.6.27.h` meets `include/scsi/iscsi_if.h`. A header that
/// shares no name with any unpaired header of the other side stays alone (only in
/// one version).
pub fn pair<'a>(old: &'a [Header], new: &'a [Header]) -> Pairing<'a> {
    let name = |h: &Header| file_name(&h.source.path).to_string();
    let mut used_new = vec![false; new.len()];
    let mut of_old: Vec<Option<usize>> = vec![None; old.len()];
    for (i, o) in old.iter().enumerate() {
        if let Some(j) = (0..new.len()).find(|&j| !used_new[j] && name(&new[j]) == name(o)) {
            used_new[j] = true;
            of_old[i] = Some(j);
        }
    }
    let names = |h: &Header| -> std::collections::BTreeSet<String> {
        h.enums
            .iter()
            .flat_map(|e| e.enumerators.iter().map(|x| x.name.clone()))
            .chain(h.defines.iter().map(|d| d.name.clone()))
            .collect()
    };
    let mut scores: Vec<(usize, usize, usize)> = Vec::new();
    for (i, o) in old.iter().enumerate().filter(|(i, _)| of_old[*i].is_none()) {
        let no = names(o);
        for (j, w) in new.iter().enumerate().filter(|(j, _)| !used_new[*j]) {
            let shared = names(w).intersection(&no).count();
            if shared > 0 {
                scores.push((shared, i, j));
            }
        }
    }
    // Most shared names first; ties in file order.
    scores.sort_by(|a, b| b.0.cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    for (_, i, j) in scores {
        if of_old[i].is_none() && !used_new[j] {
            of_old[i] = Some(j);
            used_new[j] = true;
        }
    }
    let mut pairs: Vec<(Option<&Header>, Option<&Header>)> = old
        .iter()
        .zip(&of_old)
        .map(|(o, j)| (Some(o), j.map(|j| &new[j])))
        .collect();
    pairs.extend(
        new.iter()
            .zip(&used_new)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| (None, Some(w))),
    );
    Pairing { pairs }
}

/// Compares two versions, each a list of header files, paired by [`pair`].
pub fn diff(from: &str, old: &[Header], to: &str, new: &[Header]) -> Diff {
    diff_pairs(from, to, &pair(old, new))
}

/// Compares the pairs of a [`Pairing`]. A pair of two differently named files is
/// shown as `old.h -> new.h`.
pub fn diff_pairs(from: &str, to: &str, pairing: &Pairing<'_>) -> Diff {
    let mut files = Vec::new();
    for (o, w) in &pairing.pairs {
        let (only, changes) = match (o, w) {
            (Some(o), Some(w)) => (None, diff_file(o, w)),
            (None, Some(w)) => (Some(ChangeKind::Added), diff_file(&empty_like(w), w)),
            (Some(o), None) => (Some(ChangeKind::Removed), diff_file(o, &empty_like(o))),
            (None, None) => continue,
        };
        let file = match (o, w) {
            (Some(o), Some(w)) if file_name(&o.source.path) != file_name(&w.source.path) => {
                format!(
                    "{} -> {}",
                    file_name(&o.source.path),
                    file_name(&w.source.path)
                )
            }
            (Some(h), _) | (None, Some(h)) => file_name(&h.source.path).to_string(),
            (None, None) => continue,
        };
        files.push(FileDiff {
            file,
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
