//! `iscsi-codegen messages extract|history|diff` (docs/messages.md).

use std::io::Write;
use std::path::{Path, PathBuf};

use iscsi_codegen::messages::history::{self, History};
use iscsi_codegen::messages::{self, Facts, Origin};
use iscsi_codegen::{Error, Result};

use super::args::{MessageOrigin, MessagesAction};

pub(super) fn run(action: &MessagesAction) -> Result<i32> {
    match action {
        MessagesAction::Extract {
            tree,
            origin,
            json,
            out,
            label,
            source,
        } => extract(
            tree,
            origin_of(*origin),
            *json,
            out.as_deref(),
            label.as_deref(),
            source,
        ),
        MessagesAction::History {
            git,
            tags,
            origin,
            out,
            source,
        } => history_of(git, tags, origin_of(*origin), out, source),
        MessagesAction::Diff { a, b, history } => diff(a, b, history.as_deref()),
        MessagesAction::Generate { check } => generate(*check),
        MessagesAction::Check { reextract, update } => {
            let fresh = generate(true)?;
            if *reextract {
                let same =
                    super::reextract_messages::run(&workspace().join("headers/messages"), *update)?;
                return Ok(fresh.max(same));
            }
            Ok(fresh)
        }
    }
}

fn origin_of(o: MessageOrigin) -> Origin {
    match o {
        MessageOrigin::Kernel => Origin::Kernel,
        MessageOrigin::OpenIscsi => Origin::OpenIscsi,
    }
}

/// The message formats of a tree, as a facts file, TSV (file, line, function, via, level,
/// prefix, format, args joined by `;`) or JSON lines; unresolved formats as notes on stderr.
fn extract(
    tree: &Path,
    origin: Origin,
    json: bool,
    out_file: Option<&Path>,
    label: Option<&str>,
    source: &str,
) -> Result<i32> {
    let (found, unresolved) = messages::extract_tree(tree, origin)?;
    let mut err = std::io::stderr().lock();
    for u in &unresolved {
        let _ = writeln!(
            err,
            "iscsi-codegen: note: {u}: the format is not a string literal"
        );
    }
    if let (Some(path), Some(label)) = (out_file, label) {
        let facts = Facts {
            label: label.to_string(),
            origin: messages::origin_name(origin).to_string(),
            source: source.to_string(),
            messages: found,
        };
        std::fs::write(path, facts.to_json()?)
            .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(path))?;
        let _ = writeln!(
            err,
            "wrote {} ({} messages, {} calls with a computed format)",
            path.display(),
            facts.messages.len(),
            unresolved.len()
        );
        return Ok(0);
    }
    let mut out = std::io::stdout().lock();
    for m in &found {
        let line = if json {
            serde_json::to_string(m).map_err(|e| Error::msg(e.to_string()))?
        } else {
            [
                m.file.as_str(),
                &m.line.to_string(),
                &m.function,
                &m.via,
                &m.level,
                &m.prefix,
                &m.format,
                &m.args.join(";"),
            ]
            .join("\t")
        };
        if writeln!(out, "{line}").is_err() {
            return Ok(0);
        }
    }
    let _ = writeln!(
        err,
        "{} messages, {} calls with a computed format",
        found.len(),
        unresolved.len()
    );
    Ok(0)
}

/// Every tag of a repository, extracted and merged into a history file.
fn history_of(git: &Path, glob: &str, origin: Origin, out: &Path, source: &str) -> Result<i32> {
    let tags = history::tags(git, glob, false)?;
    if tags.is_empty() {
        return Err(Error::msg(format!("no tag matches {glob}")).in_file(git));
    }
    let revs: Vec<(String, String)> = tags.iter().map(|t| (t.clone(), t.clone())).collect();
    let h = history::extract_revs(git, &revs, origin, source)?;
    std::fs::write(out, h.to_json()?)
        .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(out))?;
    let mut err = std::io::stderr().lock();
    let _ = writeln!(
        err,
        "wrote {} ({} releases, {} wordings)",
        out.display(),
        h.labels.len(),
        h.wordings.len()
    );
    Ok(0)
}

/// The workspace this generator belongs to.
pub(super) fn workspace() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Writes (or checks) `decode/generated/messages.rs` and `message_releases.rs` (the
/// releases that print each of its rows) from `headers/messages/`.
fn generate(check: bool) -> Result<i32> {
    let dir = workspace().join("headers/messages");
    let kernel = History::from_facts_files(&dir, Origin::Kernel)?;
    let history = History::load(&dir.join("open-iscsi-history.json"))?;
    let newer = Facts::load(&dir.join("open-iscsi-2.1.11-14-gbc23614.json"))?;
    let spec = messages::fields::Spec::load(workspace().join("headers/message-fields.toml"))?;
    let files = [
        (
            "decode/generated/messages.rs",
            messages::generate::table(&kernel, &history, Some(&newer), &spec)?,
        ),
        (
            "decode/generated/message_releases.rs",
            messages::releases::table(&kernel, &history, Some(&newer)),
        ),
    ];
    let mut status = 0;
    for (path, text) in &files {
        status = status.max(write_or_check(&workspace().join(path), text, check)?);
    }
    Ok(status)
}

/// Writes `text` to `out`, or with `check` compares: 1 when the committed file differs.
fn write_or_check(out: &Path, text: &str, check: bool) -> Result<i32> {
    let mut err = std::io::stderr().lock();
    if check {
        let committed = std::fs::read_to_string(out).unwrap_or_default();
        if committed != text {
            let _ = writeln!(
                err,
                "{} is stale: run `cargo run -p iscsi-codegen -- messages generate`",
                out.display()
            );
            return Ok(1);
        }
        let _ = writeln!(err, "{} is fresh", out.display());
        return Ok(0);
    }
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::msg(format!("cannot create: {e}")).in_file(parent))?;
    }
    std::fs::write(out, text).map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(out))?;
    let _ = writeln!(
        err,
        "wrote {} ({} lines)",
        out.display(),
        text.lines().count()
    );
    Ok(0)
}

/// The wordings added, removed and changed between two releases: of the history file, or
/// by default of the kernel's facts files merged when both are kernel releases, else of
/// open-iscsi's tags.
fn diff(a: &str, b: &str, file: Option<&Path>) -> Result<i32> {
    let dir = workspace().join("headers/messages");
    let h = match file {
        Some(path) => History::load(path)?,
        None => {
            let kernel = History::from_facts_files(&dir, Origin::Kernel)?;
            if kernel.index(a).is_some() && kernel.index(b).is_some() {
                kernel
            } else {
                History::load(&dir.join("open-iscsi-history.json"))?
            }
        }
    };
    let d = history::diff(&h, a, b)?;
    let mut out = std::io::stdout().lock();
    let place = |w: &history::Wording| {
        format!(
            "{}:{} {} ({} {})",
            w.message.file, w.message.line, w.message.function, w.message.via, w.message.level
        )
    };
    let mut lines = vec![format!(
        "{} → {}: {} added, {} removed, {} changed",
        a,
        b,
        d.added.len(),
        d.removed.len(),
        d.changed.len()
    )];
    for w in &d.changed {
        lines.push(format!(
            "~ {}\n  - {:?}\n  + {:?}",
            place(w.1),
            w.0.message.format,
            w.1.message.format
        ));
    }
    for w in &d.added {
        lines.push(format!("+ {} {:?}", place(w), w.message.format));
    }
    for w in &d.removed {
        lines.push(format!("- {} {:?}", place(w), w.message.format));
    }
    for l in lines {
        if writeln!(out, "{l}").is_err() {
            break;
        }
    }
    Ok(0)
}
