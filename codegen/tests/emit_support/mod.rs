//! Builders for synthetic models and a helper that compiles emitted code with
//! rustc, shared by the emitter and family-stage tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use iscsi_codegen::model::{Define, Enum, Enumerator, Header, Source};

/// A header with the given path and label, no entries.
pub fn header(path: &str, label: &str) -> Header {
    Header {
        source: Source {
            label: label.into(),
            path: path.into(),
            sha256: format!("{:064x}", label.len()),
        },
        includes: Vec::new(),
        enums: Vec::new(),
        defines: Vec::new(),
    }
}

/// An enum; enumerators are `(name, value, expr, doc)`.
pub fn enumeration(
    tag: Option<&str>,
    doc: Option<&str>,
    line: u32,
    items: &[(&str, i128, Option<&str>, Option<&str>)],
) -> Enum {
    Enum {
        name: tag.map(Into::into),
        doc: doc.map(Into::into),
        line,
        enumerators: items
            .iter()
            .enumerate()
            .map(|(i, (n, v, e, d))| Enumerator {
                name: (*n).into(),
                value: *v,
                expr: e.map(Into::into),
                doc: d.map(Into::into),
                line: line + 1 + i as u32,
            })
            .collect(),
    }
}

/// A define.
pub fn define(
    name: &str,
    value: i128,
    line: u32,
    section: Option<&str>,
    doc: Option<&str>,
) -> Define {
    Define {
        name: name.into(),
        value,
        expr: if value < 0 {
            format!("{value}")
        } else {
            format!("{value:#x}")
        },
        family: None,
        doc: doc.map(Into::into),
        section: section.map(Into::into),
        line,
    }
}

/// A scratch directory under the target dir, fresh for `name`.
pub fn scratch(name: &str) -> PathBuf {
    let base = option_env!("CARGO_TARGET_TMPDIR")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("emit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Runs rustc; returns its stderr on failure.
pub fn rustc(args: &[&str], dir: &Path) -> Result<(), String> {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc)
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Compiles a standalone emitted file (`emit_standalone`) as a module file of a
/// `#![no_std]` library, with warnings and missing docs denied, on edition 2024.
pub fn compile_no_std(name: &str, code: &str) -> Result<(), String> {
    compile_no_std_on(name, code, "2024", true)
}

/// [`compile_no_std`] on `edition`, the module public (`pub mod`) or private (`mod`, as a
/// tool vendoring it would write).
pub fn compile_no_std_on(
    name: &str,
    code: &str,
    edition: &str,
    public: bool,
) -> Result<(), String> {
    let dir = scratch(&format!("{name}-{edition}-{public}"));
    std::fs::write(dir.join("generated.rs"), code).expect("write");
    let vis = if public { "pub " } else { "" };
    std::fs::write(
        dir.join("lib.rs"),
        format!(
            "#![no_std]\n#![deny(missing_docs, warnings)]\n//! Test crate.\n\
             /// The generated module.\n{vis}mod generated;\n"
        ),
    )
    .expect("write");
    rustc(
        &[
            "--edition",
            edition,
            "--crate-type",
            "lib",
            "--crate-name",
            "gen_test",
            "--emit",
            "metadata",
            "-o",
            "out.rmeta",
            "lib.rs",
        ],
        &dir,
    )
}

/// Compiles and runs a std binary whose `main` is `body`, with the standalone `code` as
/// module file `g.rs`. Returns the failure output, if any.
pub fn run_with(name: &str, code: &str, body: &str) -> Result<(), String> {
    let dir = scratch(name);
    std::fs::write(dir.join("g.rs"), code).expect("write");
    std::fs::write(
        dir.join("main.rs"),
        format!("mod g;\nfn main() {{\n{body}\n}}\n"),
    )
    .expect("write");
    rustc(&["--edition", "2024", "-o", "run", "main.rs"], &dir)?;
    let out = Command::new(dir.join("run"))
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}
