//! The generator as one function: every header file from every source through the
//! front end, the family spec and the emitter, into the contents of `generated/`.
//! The CLI's `generate` writes what this returns and `check` compares it, so the two
//! can never disagree about what "fresh" means.

use std::path::PathBuf;

use crate::emit::{self, Form};
use crate::error::{Error, Result};
use crate::extract::{self, ExtractOptions, Extraction};
use crate::families::Spec;
use crate::model::Header;
use crate::source::{HeaderFile, HeaderSet};
use crate::store::{Docs, Extracted, file_name};
use crate::version::Series;

/// One file of `generated/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// The path relative to the output directory (`iscsi_if.rs`).
    pub path: PathBuf,
    /// The complete file contents.
    pub contents: String,
}

/// Runs the front end on one file of one source.
pub fn extract_one(set: &HeaderSet, file: &HeaderFile) -> Result<Header> {
    extract_one_noted(set, file).map(|x| x.header)
}

/// Runs the front end on one file of one source, with its notes (an `#include` not
/// found); errors and notes point at the file on disk.
pub fn extract_one_noted(set: &HeaderSet, file: &HeaderFile) -> Result<Extraction> {
    let options = ExtractOptions {
        label: set.label.clone(),
        path: file.path.clone(),
        include_dirs: set.include_dirs.clone(),
        skip_undefined: false,
    };
    let mut x =
        extract::extract_file_noted(&file.disk_path, &options).map_err(|e| on_disk(e, file))?;
    x.notes = x.notes.into_iter().map(|n| on_disk(n, file)).collect();
    Ok(x)
}

/// Errors about a header name it by the path in the model (`include/scsi/iscsi_if.h`);
/// point them at the file on disk instead, which the user can open.
fn on_disk(mut e: Error, file: &HeaderFile) -> Error {
    match &e.file {
        Some(p) if p.as_path() == std::path::Path::new(&file.path) => {
            e.file = Some(file.disk_path.clone());
            e
        }
        Some(_) => e,
        None => e.in_file(&file.disk_path),
    }
}

/// Runs the front end and the family spec on one file of one source: the model
/// `dump` prints and the emitter reads.
pub fn model_one(set: &HeaderSet, file: &HeaderFile, spec: &Spec) -> Result<Header> {
    model_one_noted(set, file, spec, &mut Vec::new())
}

/// [`model_one`], its notes appended to `notes`.
fn model_one_noted(
    set: &HeaderSet,
    file: &HeaderFile,
    spec: &Spec,
    notes: &mut Vec<Error>,
) -> Result<Header> {
    let x = extract_one_noted(set, file)?;
    notes.extend(x.notes);
    let mut header = x.header;
    assign(spec, &mut header, file)?;
    Ok(header)
}

/// Runs the family spec on a model of `file`; errors point at the file on disk.
pub fn assign(spec: &Spec, header: &mut Header, file: &HeaderFile) -> Result<()> {
    spec.assign(header).map_err(|e| on_disk(e, file))
}

/// The header file names (`iscsi_if.h`, `iscsi_proto.h`) across all sets, in order
/// of first appearance.
pub fn file_names(sets: &[HeaderSet]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for set in sets {
        for f in &set.files {
            if !names.iter().any(|n| n == f.file_name()) {
                names.push(f.file_name().to_string());
            }
        }
    }
    names
}

/// The generated file name for a header file name: `iscsi_if.h` → `iscsi_if.rs`.
pub fn output_name(header_name: &str) -> PathBuf {
    let stem = header_name.strip_suffix(".h").unwrap_or(header_name);
    PathBuf::from(format!("{stem}.rs"))
}

/// Generates every file: for each header file name, the models from every set that
/// has it (in set order, so labels appear in manifest order), families assigned,
/// emitted together as one file.
pub fn generate(sets: &[HeaderSet], spec: &Spec) -> Result<Vec<GeneratedFile>> {
    generate_noted(sets, spec, &mut Vec::new())
}

/// [`generate`], the front end's notes (an `#include` not found) appended to `notes`.
pub fn generate_noted(
    sets: &[HeaderSet],
    spec: &Spec,
    notes: &mut Vec<Error>,
) -> Result<Vec<GeneratedFile>> {
    generate_noted_in(sets, spec, notes, Form::Crate)
}

/// [`generate_noted`] in the given [`Form`] (`--standalone`: one self-contained file each).
pub fn generate_noted_in(
    sets: &[HeaderSet],
    spec: &Spec,
    notes: &mut Vec<Error>,
    form: Form,
) -> Result<Vec<GeneratedFile>> {
    if sets.is_empty() {
        return Err(Error::msg("no header source to generate from"));
    }
    let mut out = Vec::new();
    for name in file_names(sets) {
        let mut headers = Vec::new();
        let mut first = None;
        for set in sets {
            if let Some(file) = set.file(&name) {
                headers.push(model_one_noted(set, file, spec, notes)?);
                first.get_or_insert(file);
            }
        }
        let file_name = headers
            .first()
            .map(|h| crate::families::header_key(h).to_string());
        let emitted = match file_name {
            Some(f) => emit::emit_file_in(&headers, spec, &f, form),
            None => emit::emit_file(&headers, spec),
        };
        let contents = emitted.map_err(|e| match first {
            Some(file) => on_disk(e, file),
            None => e,
        })?;
        out.push(GeneratedFile {
            path: output_name(&name),
            contents,
        });
    }
    Ok(out)
}

/// Generates every file from committed extracted data: the kernel series only
/// (open-iscsi copies are checked and diffed, not emitted), oldest release first.
/// The comments of `docs` (one label's, by C name) go into every model: a row takes
/// its text from the newest release of its run, which need not be the docs' label.
pub fn generate_from_store(
    extracted: &[Extracted],
    docs: &Docs,
    spec: &Spec,
) -> Result<Vec<GeneratedFile>> {
    generate_from_store_in(extracted, docs, spec, Form::Crate)
}

/// [`generate_from_store`] in the given [`Form`].
pub fn generate_from_store_in(
    extracted: &[Extracted],
    docs: &Docs,
    spec: &Spec,
    form: Form,
) -> Result<Vec<GeneratedFile>> {
    let kernel: Vec<&Extracted> = extracted
        .iter()
        .filter(|x| x.series() == Series::Kernel)
        .collect();
    if kernel.is_empty() {
        return Err(Error::msg(
            "no kernel release in the extracted data to generate from",
        ));
    }
    let mut names: Vec<String> = Vec::new();
    for x in &kernel {
        for f in &x.files {
            let n = file_name(&f.path).to_string();
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        let mut headers = Vec::new();
        for x in &kernel {
            for mut h in x.headers() {
                if file_name(&h.source.path) != name {
                    continue;
                }
                docs.apply(&mut h);
                headers.push(h);
            }
        }
        spec.check_stale(&headers, &name)?;
        let contents = emit::emit_file_in(&headers, spec, &name, form)?;
        out.push(GeneratedFile {
            path: output_name(&name),
            contents,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(output_name("iscsi_if.h"), PathBuf::from("iscsi_if.rs"));
        assert_eq!(output_name("x"), PathBuf::from("x.rs"));
    }
}
