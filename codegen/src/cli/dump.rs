//! `iscsi-codegen dump`: prints the model of one header, families assigned, as JSON
//! (the serde form of `iscsi_codegen::model::Header`, an interface for other tools)
//! or as a listing for people.

use std::fmt::Write as _;

use iscsi_codegen::families::Spec;
use iscsi_codegen::model::Header;
use iscsi_codegen::pipeline;
use iscsi_codegen::source::{self, HeaderSet, Manifest};
use iscsi_codegen::{Error, Result};

use super::args::Cli;
use super::output::{print, print_notes};
use super::paths::Paths;

pub(super) fn run(
    cli: &Cli,
    paths: &Paths,
    json: bool,
    label: Option<&str>,
    file: &str,
) -> Result<i32> {
    let set = select(cli, paths, label)?;
    let header_file = if cli.global.header.is_some() {
        set.files.first()
    } else {
        set.file(file)
    }
    .ok_or_else(|| {
        Error::msg(format!(
            "source {} has no header named {file:?} (it has: {})",
            set.label,
            set.files
                .iter()
                .map(|f| f.file_name())
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    let spec = Spec::load(&paths.spec)?;
    let x = pipeline::extract_one_noted(&set, header_file)?;
    print_notes(&x.notes);
    let raw = x.header;
    // A header the spec was not written for (a fixture, a new kernel) still dumps:
    // the reason its defines have no family goes to stderr.
    let mut header = raw.clone();
    if let Err(e) = pipeline::assign(&spec, &mut header, header_file) {
        eprintln!("iscsi-codegen: warning: families not assigned: {e}");
        header = raw;
    }
    let text = if json {
        let mut s = serde_json::to_string_pretty(&header)
            .map_err(|e| Error::msg(format!("cannot serialize the model: {e}")))?;
        s.push('\n');
        s
    } else {
        listing(&header)
    };
    print(&text)?;
    Ok(0)
}

/// The one header set `dump` reads: `--header`, `--kernel-tree`, or one tracked
/// source (`--label`, default the manifest's last), fetched if needed.
fn select(cli: &Cli, paths: &Paths, label: Option<&str>) -> Result<HeaderSet> {
    if let Some(h) = &cli.global.header {
        return HeaderSet::from_header(h);
    }
    let manifest = Manifest::load(&paths.manifest)?;
    if let Some(dir) = &cli.global.kernel_tree {
        return HeaderSet::from_kernel_tree(dir, &manifest);
    }
    let tracked = match label {
        Some(l) => manifest.source(l).ok_or_else(|| {
            Error::msg(format!(
                "no source labelled {l:?} (the manifest has: {})",
                manifest.labels().join(", ")
            ))
            .in_file(&manifest.path)
        })?,
        None => manifest
            .sources
            .last()
            .ok_or_else(|| Error::msg("the manifest tracks no source"))?,
    };
    let one = Manifest {
        path: manifest.path.clone(),
        sources: vec![tracked.clone()],
    };
    let mut err = std::io::stderr().lock();
    source::ensure(&one, &paths.cache, false, &mut err)?
        .into_iter()
        .next()
        .map(|(set, _)| set)
        .ok_or_else(|| Error::msg(format!("source {} could not be read", tracked.label)))
}

/// A plain listing: one line per enumerator and define.
fn listing(h: &Header) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "# {} {} sha256 {}",
        h.source.label, h.source.path, h.source.sha256
    );
    for e in &h.enums {
        let _ = writeln!(
            s,
            "enum {} (line {})",
            e.name.as_deref().unwrap_or("<anonymous>"),
            e.line
        );
        for x in &e.enumerators {
            let _ = writeln!(s, "    {} = {} (line {})", x.name, x.value, x.line);
        }
    }
    for d in &h.defines {
        let _ = writeln!(
            s,
            "#define {} {} = {} [{}] (line {})",
            d.name,
            d.expr,
            d.value,
            d.family.as_deref().unwrap_or("-"),
            d.line
        );
    }
    s
}
