//! The `iscsi-codegen` command line: parses the options, finds the workspace, picks
//! the header sources, and hands over to the library. Every failure is printed as
//! `iscsi-codegen: FILE:LINE:COL: message` with exit status 1; nothing here panics on
//! input.

mod args;
mod check;
mod dump;
mod history;
mod output;
mod paths;

use std::io::Write;

use clap::Parser;
use iscsi_codegen::source::{self, Fetched, Manifest};
use iscsi_codegen::{Error, Result};

use args::{Cli, Command};
use paths::{Paths, generated_files, resolve_paths};

use iscsi_codegen::emit::Form;

/// Runs the command line and returns the process exit status.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match execute(&cli) {
        Ok(code) => code,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let _ = writeln!(err, "iscsi-codegen: {e}");
            1
        }
    }
}

fn execute(cli: &Cli) -> Result<i32> {
    let paths = resolve_paths(&cli.global)?;
    match &cli.command {
        Command::Fetch { force } => fetch(cli, &paths, *force),
        Command::Generate { standalone } => generate(cli, &paths, *standalone),
        Command::Check { reextract } => check::run(cli, &paths, *reextract),
        Command::Extract => history::extract(cli, &paths),
        Command::History { .. } => history::history(&cli.command, &paths),
        Command::Diff { a, b, json } => history::diff(cli, &paths, a, b, *json),
        Command::Dump { json, label, file } => {
            dump::run(cli, &paths, *json, label.as_deref(), file)
        }
        Command::Messages {
            tree,
            origin,
            json,
            out,
            label,
            source,
        } => messages(
            tree,
            *origin,
            *json,
            out.as_deref(),
            label.as_deref(),
            source,
        ),
    }
}

/// `messages`: the message formats of a tree, as TSV (file, line, function, via, level,
/// prefix, format, args joined by `;`) or JSON lines; unresolved formats as notes on stderr.
fn messages(
    tree: &std::path::Path,
    origin: args::MessageOrigin,
    json: bool,
    out_file: Option<&std::path::Path>,
    label: Option<&str>,
    source: &str,
) -> Result<i32> {
    use iscsi_codegen::messages::{self, Facts, Origin};
    let origin = match origin {
        args::MessageOrigin::Kernel => Origin::Kernel,
        args::MessageOrigin::OpenIscsi => Origin::OpenIscsi,
    };
    let (found, unresolved) = messages::extract_tree(tree, origin)?;
    if let (Some(path), Some(label)) = (out_file, label) {
        let facts = Facts {
            label: label.to_string(),
            origin: messages::origin_name(origin).to_string(),
            source: source.to_string(),
            messages: found,
        };
        std::fs::write(path, facts.to_json()?)
            .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(path))?;
        let mut err = std::io::stderr().lock();
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
    let mut err = std::io::stderr().lock();
    for u in &unresolved {
        let _ = writeln!(
            err,
            "iscsi-codegen: note: {u}: the format is not a string literal"
        );
    }
    let _ = writeln!(
        err,
        "{} messages, {} calls with a computed format",
        found.len(),
        unresolved.len()
    );
    Ok(0)
}

fn fetch(cli: &Cli, paths: &Paths, force: bool) -> Result<i32> {
    if cli.global.header.is_some() || cli.global.kernel_tree.is_some() {
        return Err(Error::msg(
            "fetch downloads the tracked sources of the manifest; --header and --kernel-tree \
             are read in place and need no fetching",
        ));
    }
    let manifest = Manifest::load(&paths.manifest)?;
    let mut err = std::io::stderr().lock();
    let sets = source::ensure(&manifest, &paths.cache, force, &mut err)?;
    for (set, how) in &sets {
        let dir = paths.cache.join(&set.label);
        let what = match how {
            Fetched::Cached => "cached, verified".to_string(),
            Fetched::Downloaded(p) => format!("downloaded {} {}, verified", p.name, p.version),
        };
        let _ = writeln!(err, "{}: {what} ({})", set.label, dir.display());
    }
    Ok(0)
}

fn generate(cli: &Cli, paths: &Paths, standalone: bool) -> Result<i32> {
    let form = if standalone {
        Form::Standalone
    } else {
        Form::Crate
    };
    let files = generated_files(cli, paths, form)?;
    std::fs::create_dir_all(&paths.out).map_err(|e| {
        Error::msg(format!("cannot create the output directory: {e}")).in_file(&paths.out)
    })?;
    let mut err = std::io::stderr().lock();
    for f in &files {
        let target = paths.out.join(&f.path);
        let unchanged = std::fs::read_to_string(&target).is_ok_and(|old| old == f.contents);
        if unchanged {
            let _ = writeln!(err, "unchanged {}", target.display());
        } else {
            std::fs::write(&target, &f.contents)
                .map_err(|e| Error::msg(format!("cannot write: {e}")).in_file(&target))?;
            let _ = writeln!(err, "wrote {}", target.display());
        }
    }
    Ok(0)
}
