//! Wordings across releases: the messages of every tag of a repository, merged so that each
//! wording (file, function, call, level, prefix, format) carries the runs of releases that
//! print it, and `diff` between two releases.

use std::path::Path;
use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::version::compare_labels;

use super::{Facts, Message, Origin, extract_tree, json, lines_json, load_json, origin_name};

/// One wording and the releases that print it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wording {
    /// The message as the newest release that has it writes it (its line and arguments).
    #[serde(flatten)]
    pub message: Message,
    /// Runs of consecutive releases, `[first, last]`, oldest first.
    pub releases: Vec<[String; 2]>,
}

/// The merged facts of many releases: `headers/messages/<origin>-history.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    /// `kernel` or `open-iscsi`.
    pub origin: String,
    /// Where the releases came from.
    pub source: String,
    /// The releases, oldest first.
    pub labels: Vec<String>,
    /// Every wording, by file and line of its newest release.
    pub wordings: Vec<Wording>,
}

/// A wording's identity, owned: file, function, call, level, prefix, format.
type Identity = (String, String, String, String, String, String);

/// What identifies a wording across releases.
fn identity(m: &Message) -> (&str, &str, &str, &str, &str, &str) {
    (&m.file, &m.function, &m.via, &m.level, &m.prefix, &m.format)
}

impl History {
    /// Merges the messages of `releases` (oldest first).
    pub fn merge(origin: Origin, source: &str, releases: Vec<(String, Vec<Message>)>) -> History {
        let labels: Vec<String> = releases.iter().map(|(l, _)| l.clone()).collect();
        // identity → (newest message, indices of the releases that have it)
        let mut seen: std::collections::BTreeMap<Identity, (Message, Vec<usize>)> =
            std::collections::BTreeMap::new();
        for (i, (_, messages)) in releases.into_iter().enumerate() {
            for m in messages {
                let (a, b, c, d, e, f) = identity(&m);
                let key = (a.into(), b.into(), c.into(), d.into(), e.into(), f.into());
                let entry = seen.entry(key).or_insert_with(|| (m.clone(), Vec::new()));
                entry.0 = m;
                if entry.1.last() != Some(&i) {
                    entry.1.push(i);
                }
            }
        }
        let mut wordings: Vec<Wording> = seen
            .into_values()
            .map(|(message, idx)| Wording {
                message,
                releases: runs(&idx)
                    .into_iter()
                    .map(|(a, b)| [labels[a].clone(), labels[b].clone()])
                    .collect(),
            })
            .collect();
        wordings.sort_by(|x, y| {
            (&x.message.file, x.message.line, &x.message.format).cmp(&(
                &y.message.file,
                y.message.line,
                &y.message.format,
            ))
        });
        History {
            origin: origin_name(origin).to_string(),
            source: source.to_string(),
            labels,
            wordings,
        }
    }

    /// The messages of a later commit's facts that no wording of this history prints (the
    /// same file, function and format): the rows the message table adds after the tags'.
    pub fn untagged<'a>(&self, newer: &'a Facts) -> Vec<&'a Message> {
        let known: std::collections::BTreeSet<(&str, &str, &str)> = self
            .wordings
            .iter()
            .map(|w| {
                (
                    w.message.file.as_str(),
                    w.message.function.as_str(),
                    w.message.format.as_str(),
                )
            })
            .collect();
        newer
            .messages
            .iter()
            .filter(|m| !known.contains(&(m.file.as_str(), m.function.as_str(), m.format.as_str())))
            .collect()
    }

    /// The index of `label` in [`History::labels`].
    pub fn index(&self, label: &str) -> Option<usize> {
        self.labels.iter().position(|l| l == label)
    }

    /// Whether release `i` prints `w`.
    pub fn has(&self, w: &Wording, i: usize) -> bool {
        w.releases.iter().any(|[a, b]| {
            let (a, b) = (self.index(a), self.index(b));
            a.is_some_and(|a| a <= i) && b.is_some_and(|b| i <= b)
        })
    }

    /// The JSON text: the header members, then one wording per line.
    pub fn to_json(&self) -> Result<String> {
        let out = format!(
            "{{\n\"origin\": {},\n\"source\": {},\n\"labels\": {},\n\"wordings\": [\n",
            json(&self.origin)?,
            json(&self.source)?,
            json(&self.labels)?
        );
        lines_json(out, &self.wordings)
    }

    /// Reads a history file.
    pub fn load(path: &Path) -> Result<History> {
        load_json(path)
    }

    /// Every facts file of `origin` in `dir` (`<origin>-<label>.json`, the history file
    /// left out), merged in release order as [`History::merge`] merges tags: the kernel's
    /// releases, each extracted from its Debian source package. The source lists theirs.
    pub fn from_facts_files(dir: &Path, origin: Origin) -> Result<History> {
        let name = origin_name(origin);
        let mut releases: Vec<Facts> = Vec::new();
        let entries = std::fs::read_dir(dir)
            .map_err(|e| Error::msg(format!("cannot list: {e}")).in_file(dir))?;
        for entry in entries {
            let path = entry
                .map_err(|e| Error::msg(format!("cannot list: {e}")).in_file(dir))?
                .path();
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned());
            let label = file.as_deref().and_then(|f| {
                f.strip_prefix(name)?
                    .strip_prefix('-')?
                    .strip_suffix(".json")
                    .filter(|l| *l != "history")
                    .map(str::to_string)
            });
            if label.is_some() {
                let facts = Facts::load(&path)?;
                if facts.origin != name {
                    return Err(
                        Error::msg(format!("its origin is {}", facts.origin)).in_file(&path)
                    );
                }
                releases.push(facts);
            }
        }
        if releases.is_empty() {
            return Err(Error::msg(format!("no {name}-<label>.json facts file")).in_file(dir));
        }
        releases.sort_by(|a, b| compare_labels(&a.label, &b.label));
        let source = releases
            .iter()
            .map(|f| f.source.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let releases = releases
            .into_iter()
            .map(|f| (f.label, f.messages))
            .collect();
        Ok(History::merge(origin, &source, releases))
    }
}

/// Runs of consecutive indices: `[0, 1, 2, 5]` → `[(0, 2), (5, 5)]`.
fn runs(idx: &[usize]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &i in idx {
        match out.last_mut() {
            Some((_, b)) if *b + 1 == i => *b = i,
            _ => out.push((i, i)),
        }
    }
    out
}

/// What changed between two releases.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff<'a> {
    /// Wordings only the newer release prints.
    pub added: Vec<&'a Wording>,
    /// Wordings only the older release prints.
    pub removed: Vec<&'a Wording>,
    /// Pairs (older, newer) of one call site reworded: the same file, function and call,
    /// one wording removed and one added.
    pub changed: Vec<(&'a Wording, &'a Wording)>,
}

/// The wordings added, removed and changed from release `a` to release `b`.
pub fn diff<'h>(h: &'h History, a: &str, b: &str) -> Result<Diff<'h>> {
    let ia = h.index(a).ok_or_else(|| {
        Error::msg(format!(
            "{a}: not a release of this history ({})",
            h.labels.join(", ")
        ))
    })?;
    let ib = h.index(b).ok_or_else(|| {
        Error::msg(format!(
            "{b}: not a release of this history ({})",
            h.labels.join(", ")
        ))
    })?;
    let mut out = Diff::default();
    for w in &h.wordings {
        match (h.has(w, ia), h.has(w, ib)) {
            (true, false) => out.removed.push(w),
            (false, true) => out.added.push(w),
            _ => {}
        }
    }
    // A removed and an added wording of one call site (file, function, call) are a change,
    // paired in line order.
    let site = |w: &Wording| {
        (
            w.message.file.clone(),
            w.message.function.clone(),
            w.message.via.clone(),
        )
    };
    let mut added = std::mem::take(&mut out.added);
    let mut removed = Vec::new();
    for r in std::mem::take(&mut out.removed) {
        match added.iter().position(|x| site(x) == site(r)) {
            Some(k) => out.changed.push((r, added.remove(k))),
            None => removed.push(r),
        }
    }
    out.added = added;
    out.removed = removed;
    Ok(out)
}

/// Extracts every revision of `revs` (label, revision) of the git repository `repo`.
pub fn extract_revs(
    repo: &Path,
    revs: &[(String, String)],
    origin: Origin,
    source: &str,
) -> Result<History> {
    let mut releases = Vec::new();
    for (label, rev) in revs {
        let dir =
            std::env::temp_dir().join(format!("iscsi-messages-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| Error::msg(format!("cannot create: {e}")).in_file(&dir))?;
        let archive = Command::new("git")
            .arg("-C")
            .arg(repo)
            .args(["archive", "--format=tar", rev])
            .output()
            .map_err(|e| Error::msg(format!("cannot run git: {e}")).in_file(repo))?;
        if !archive.status.success() {
            let err = String::from_utf8_lossy(&archive.stderr);
            return Err(
                Error::msg(format!("git archive {rev} failed: {}", err.trim())).in_file(repo),
            );
        }
        let mut tar = Command::new("tar")
            .arg("-x")
            .arg("-C")
            .arg(&dir)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| Error::msg(format!("cannot run tar: {e}")))?;
        if let Some(mut stdin) = tar.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(&archive.stdout)
                .map_err(|e| Error::msg(format!("tar: {e}")))?;
        }
        let status = tar.wait().map_err(|e| Error::msg(format!("tar: {e}")))?;
        if !status.success() {
            return Err(Error::msg(format!("tar could not unpack {rev}")));
        }
        let (messages, _) = extract_tree(&dir, origin)?;
        let _ = std::fs::remove_dir_all(&dir);
        releases.push((label.clone(), messages));
    }
    Ok(History::merge(origin, source, releases))
}

/// The tags of `repo` matching `glob`, sorted as releases (by version), without release
/// candidates unless `include_rc`.
pub fn tags(repo: &Path, glob: &str, include_rc: bool) -> Result<Vec<String>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(["tag", "-l", glob])
        .output()
        .map_err(|e| Error::msg(format!("cannot run git: {e}")).in_file(repo))?;
    let mut tags: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .filter(|t| include_rc || !t.contains("-rc"))
        .collect();
    tags.sort_by(|a, b| compare_labels(a, b));
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(file: &str, function: &str, format: &str) -> Message {
        Message {
            file: file.into(),
            function: function.into(),
            line: 1,
            via: "log_error".into(),
            level: "err".into(),
            prefix: String::new(),
            format: format.into(),
            args: Vec::new(),
        }
    }

    #[test]
    fn merge_runs_and_diff() {
        let h = History::merge(
            Origin::OpenIscsi,
            "test",
            vec![
                (
                    "2.0.873".into(),
                    vec![m("usr/a.c", "f", "old wording"), m("usr/a.c", "g", "kept")],
                ),
                (
                    "2.1.0".into(),
                    vec![m("usr/a.c", "f", "new wording"), m("usr/a.c", "g", "kept")],
                ),
                (
                    "2.1.1".into(),
                    vec![m("usr/a.c", "g", "kept"), m("usr/b.c", "h", "added")],
                ),
                (
                    "2.1.2".into(),
                    vec![m("usr/a.c", "g", "kept"), m("usr/a.c", "f", "old wording")],
                ),
            ],
        );
        let old = h
            .wordings
            .iter()
            .find(|w| w.message.format == "old wording")
            .unwrap();
        assert_eq!(
            old.releases,
            [
                ["2.0.873".to_string(), "2.0.873".to_string()],
                ["2.1.2".to_string(), "2.1.2".to_string()]
            ]
        );
        let kept = h
            .wordings
            .iter()
            .find(|w| w.message.format == "kept")
            .unwrap();
        assert_eq!(
            kept.releases,
            [["2.0.873".to_string(), "2.1.2".to_string()]]
        );
        let d = diff(&h, "2.0.873", "2.1.0").unwrap();
        assert_eq!(d.changed.len(), 1);
        assert_eq!(d.changed[0].0.message.format, "old wording");
        assert_eq!(d.changed[0].1.message.format, "new wording");
        assert!(d.added.is_empty() && d.removed.is_empty());
        let d = diff(&h, "2.1.0", "2.1.1").unwrap();
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.removed.len(), 1);
        assert!(
            diff(&h, "2.1.0", "9.9")
                .unwrap_err()
                .to_string()
                .contains("9.9: not a release")
        );
        let text = h.to_json().unwrap();
        let back: History = serde_json::from_str(&text).unwrap();
        assert_eq!(back, h);
    }
}
