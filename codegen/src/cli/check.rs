//! `iscsi-codegen check`: the freshness gate. Regenerates in memory and compares with
//! the output directory; any difference fails with a unified diff and the exact
//! command that brings the directory up to date.

use std::fmt::Write as _;

use iscsi_codegen::{Error, Result};
use similar::TextDiff;

use super::args::Cli;
use super::output::print;
use super::paths::{Paths, generated_files};

/// The command that rewrites `generated/` from the tracked headers.
const GENERATE_COMMAND: &str = "cargo run -p iscsi-codegen -- generate";

pub(super) fn run(cli: &Cli, paths: &Paths, reextract: bool) -> Result<i32> {
    if reextract {
        super::history::reextract(cli, paths)?;
    }
    let files = generated_files(cli, paths, iscsi_codegen::emit::Form::Crate)?;
    let mut report = String::new();
    let mut stale = Vec::new();
    for f in &files {
        let target = paths.out.join(&f.path);
        let old = match std::fs::read_to_string(&target) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::msg(format!("cannot read: {e}")).in_file(&target)),
        };
        if old == f.contents {
            continue;
        }
        let shown = target.display().to_string();
        let diff = TextDiff::from_lines(&old, &f.contents);
        let _ = write!(
            report,
            "{}",
            diff.unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown} (regenerated)"))
        );
        if !report.ends_with('\n') {
            report.push('\n');
        }
        stale.push(shown);
    }
    if stale.is_empty() {
        eprintln!(
            "{} is fresh ({} file{})",
            paths.out.display(),
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        return Ok(0);
    }
    print(&report)?;
    Err(Error::msg(format!(
        "{} differ{} from what the headers generate; to update, run:\n    {}",
        stale.join(", "),
        if stale.len() == 1 { "s" } else { "" },
        fix_command(cli)
    )))
}

/// The generate command with the options this check was given.
fn fix_command(cli: &Cli) -> String {
    let g = &cli.global;
    let mut cmd = GENERATE_COMMAND.to_string();
    let opts = [
        ("--header", &g.header),
        ("--kernel-tree", &g.kernel_tree),
        ("--manifest", &g.manifest),
        ("--spec", &g.spec),
        ("--out", &g.out),
        ("--cache", &g.cache),
        ("--extracted", &g.extracted),
    ];
    for (flag, value) in opts {
        if let Some(v) = value {
            let _ = write!(cmd, " {flag} {}", shell_quote(&v.display().to_string()));
        }
    }
    cmd
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
