//! The `iscsi-codegen` command line: parses the options, finds the workspace, picks
//! the header sources, and hands over to the library. Every failure is printed as
//! `iscsi-codegen: FILE:LINE:COL: message` with exit status 1; nothing here panics on
//! input.

mod args;
mod check;
mod dump;
mod history;
mod messages;
mod output;
mod paths;
mod reextract_messages;

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
        Command::Messages { action } => messages::run(action),
    }
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
