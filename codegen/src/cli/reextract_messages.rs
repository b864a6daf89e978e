//! `iscsi-codegen messages check --reextract`: every kernel facts file of
//! `headers/messages/` re-extracted from the Debian source package its `source` names
//! (`Debian linux-source-6.1 6.1.192-3`), downloaded with `apt-get download` and unpacked
//! only where the extractor reads, and compared with the committed JSON. A drift of the same
//! package version fails; when apt no longer has that version, the check says so, compares
//! with the version it has, and reports the differences without failing.

use std::io::Write;
use std::path::Path;

use iscsi_codegen::messages::{Facts, Origin};
use iscsi_codegen::source::debian;
use iscsi_codegen::{Error, Result};
use similar::{ChangeTag, TextDiff};

/// How many differing lines of one facts file are printed.
const SHOWN: usize = 20;

/// Re-extracts every `kernel-*.json` of `dir`; 0 when all match, 1 on a drift. With
/// `update`, a file that drifts from its own package version is rewritten instead.
pub(super) fn run(dir: &Path, update: bool) -> Result<i32> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::msg(format!("cannot list: {e}")).in_file(dir))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().is_some_and(|f| {
                let f = f.to_string_lossy();
                f.starts_with("kernel-") && f.ends_with(".json")
            })
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::msg("no kernel-*.json facts file").in_file(dir));
    }
    let work = std::env::temp_dir().join(format!("iscsi-messages-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work)
        .map_err(|e| Error::msg(format!("cannot create: {e}")).in_file(&work))?;
    let result = files
        .iter()
        .map(|f| check_one(f, &work, update))
        .collect::<Result<Vec<bool>>>();
    let _ = std::fs::remove_dir_all(&work);
    let drift = result?.iter().any(|same| !same);
    Ok(i32::from(drift))
}

/// `Debian <package> <version>` of a facts file's `source`.
fn package_of(facts: &Facts) -> Option<(&str, &str)> {
    let mut words = facts.source.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some("Debian"), Some(name), Some(version), None) => Some((name, version)),
        _ => None,
    }
}

/// Re-extracts one facts file; whether it matched (or was not comparable as the same
/// version).
fn check_one(path: &Path, work: &Path, update: bool) -> Result<bool> {
    let committed = Facts::load(path)?;
    let (name, version) = package_of(&committed).ok_or_else(|| {
        Error::msg(format!(
            "its source {:?} is not `Debian <package> <version>`",
            committed.source
        ))
        .in_file(path)
    })?;
    let mut err = std::io::stderr().lock();
    let available = debian::versions_of(name)?;
    let Some(newest) = available.first() else {
        return Err(Error::msg(format!(
            "apt knows no package {name} (try `apt-get update`); cannot re-extract"
        ))
        .in_file(path));
    };
    let same = available.iter().any(|v| v == version);
    let take = if same { version } else { newest.as_str() };
    if !same {
        let _ = writeln!(
            err,
            "{}: NOTE: apt no longer has {name} {version} (it has {}); comparing with {take}, \
             differences reported, not failed",
            path.display(),
            available.join(", ")
        );
    }
    let started = std::time::Instant::now();
    let dir = work.join(format!("{name}-{take}"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::msg(format!("cannot create: {e}")).in_file(&dir))?;
    let tree = debian::download_kernel_tree(
        name,
        take,
        &dir,
        &iscsi_codegen::messages::tree_paths(Origin::Kernel),
    )?;
    let (found, _) = iscsi_codegen::messages::extract_tree(&tree, Origin::Kernel)?;
    let _ = std::fs::remove_dir_all(&dir);
    let fresh = Facts {
        label: if same {
            committed.label.clone()
        } else {
            format!("v{}", take.split('-').next().unwrap_or(take))
        },
        origin: committed.origin.clone(),
        source: format!("Debian {name} {take}"),
        messages: found,
    };
    let (old, new) = (committed.to_json()?, fresh.to_json()?);
    let seconds = started.elapsed().as_secs_f64();
    let old_rows: Vec<&str> = old.lines().skip(4).collect();
    let new_rows: Vec<&str> = new.lines().skip(4).collect();
    if old_rows == new_rows {
        let _ = writeln!(
            err,
            "{}: {name} {take} re-extracts to the committed facts ({} messages, {seconds:.1} s)",
            path.display(),
            fresh.messages.len()
        );
        return Ok(true);
    }
    if update && same {
        std::fs::write(path, &new)
            .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(path))?;
        let _ = writeln!(
            err,
            "{}: updated from {name} {take} ({} messages, {seconds:.1} s)",
            path.display(),
            fresh.messages.len()
        );
        return Ok(true);
    }
    let diff = TextDiff::from_slices(&old_rows, &new_rows);
    let changes: Vec<String> = diff
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .map(|c| {
            let sign = if c.tag() == ChangeTag::Delete {
                '-'
            } else {
                '+'
            };
            format!("{sign} {}", c.value().trim_end_matches(','))
        })
        .collect();
    let _ = writeln!(
        err,
        "{}: {name} {take} re-extracts to {} messages, the committed facts have {}: {} rows \
         differ{}",
        path.display(),
        fresh.messages.len(),
        committed.messages.len(),
        changes.len(),
        if changes.len() > SHOWN {
            format!(", the first {SHOWN}:")
        } else {
            ":".to_string()
        }
    );
    for c in changes.iter().take(SHOWN) {
        let _ = writeln!(err, "  {c}");
    }
    if same {
        let _ = writeln!(
            err,
            "{}: drift: the same package version extracts differently; re-extract with \
             `cargo run -p iscsi-codegen -- messages extract --tree DIR --origin kernel --label \
             {} --source {:?} --out {}` (docs/messages.md)",
            path.display(),
            committed.label,
            committed.source,
            path.display()
        );
    }
    Ok(!same)
}
