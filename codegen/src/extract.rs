//! The front end's entry point: header bytes → [`Header`]. Preprocess (our own
//! code), parse the declarations (lang-c), evaluate every enumerator and every
//! object-like `#define` of the header with the one evaluator, attach comments.
//!
//! Which `#define`s enter the model: every object-like macro the header defines in
//! an active branch that is still defined at the end of the header (the last
//! definition if it was redefined; an `#undef`ed one is gone, as it is for any C
//! code after the header) and whose expansion is an integer constant expression.
//! Empty bodies (include guards), strings, type names, floating constants and
//! statements are not integers and are left out; a body that names an undefined
//! identifier, or a macro cycle, is an error. Values are those at the end of the
//! header (a macro may use enumerators declared anywhere before that point).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::model::{Define, Enum, Enumerator, Header, Include, Source};
use crate::parse::{RawEnum, parse};
use crate::preprocess::annotations::{PRELUDE_TYPEDEFS, scan_typedef_names};
use crate::preprocess::ctype::{EvalError, Mode, TypeName, Value, int_type_of};
use crate::preprocess::docs::{Docs, Span};
use crate::preprocess::include::{Includes, MAX_TOTAL_SIZE, ReadError, read_bounded};
use crate::preprocess::lexer::{lex, normalise_ws};
use crate::preprocess::symbols::Symbols;
use crate::preprocess::{Prepared, predefine, preprocess, utf8};

/// How to extract one header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// The source label for the model (`linux-6.12`).
    pub label: String,
    /// The header's path as the kernel knows it (`include/scsi/iscsi_if.h`).
    pub path: String,
    /// Directories searched for `#include`d files, each also an include root (see
    /// [`crate::preprocess::include`]); the macros of a file found there are visible
    /// to the header, but the file does not enter the model.
    pub include_dirs: Vec<PathBuf>,
    /// Leave out a `#define` whose body names an identifier declared nowhere, instead
    /// of failing (as a compiler would: an unused macro is never evaluated). For
    /// history, where old copies have such macros (open-iscsi 2013-05-28); tracked
    /// headers keep the strict error.
    pub skip_undefined: bool,
}

/// A header's model, and the notes the front end made on the way: positioned
/// messages that do not stop extraction (an `#include` found in no search
/// directory), rendered like errors. The CLI prints them on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    /// The model.
    pub header: Header,
    /// The notes, in the order they were made.
    pub notes: Vec<Error>,
}

/// Reads `file` and extracts its model.
pub fn extract_file(file: &Path, opts: &ExtractOptions) -> Result<Header> {
    extract_file_noted(file, opts).map(|x| x.header)
}

/// Reads `file` (at most [`MAX_TOTAL_SIZE`] bytes are read) and extracts its
/// model, with notes.
pub fn extract_file_noted(file: &Path, opts: &ExtractOptions) -> Result<Extraction> {
    let bytes = read_bounded(file, MAX_TOTAL_SIZE).map_err(|e| match e {
        ReadError::TooLarge => too_large(file),
        ReadError::Io(e) => Error::msg(format!("cannot read {}: {e}", file.display())),
    })?;
    extract_bytes_noted(&bytes, file, opts)
}

/// The stack of the thread that extracts: lang-c parses by recursive descent, and
/// hostile input within the front end's limits needs more than a default thread's
/// 2 MiB (in debug builds). Only the pages used are ever touched.
const STACK_SIZE: usize = 256 << 20;

fn too_large(file: &Path) -> Error {
    Error::msg(format!(
        "header larger than {MAX_TOTAL_SIZE} bytes (8 MiB, the most the header and the \
         files it includes may hold together); refused"
    ))
    .in_file(file)
}

/// Extracts the model of a header given as bytes; `file` names it in errors.
pub fn extract_bytes(bytes: &[u8], file: &Path, opts: &ExtractOptions) -> Result<Header> {
    extract_bytes_noted(bytes, file, opts).map(|x| x.header)
}

/// Extracts the model of a header given as bytes, with notes; `file` names it in
/// errors, and its directory is searched for `#include "..."`.
pub fn extract_bytes_noted(bytes: &[u8], file: &Path, opts: &ExtractOptions) -> Result<Extraction> {
    if bytes.len() > MAX_TOTAL_SIZE {
        return Err(too_large(file));
    }
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .name("iscsi-codegen-extract".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || extract_here(bytes, file, opts));
        match worker {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Err(Error::msg("internal error: the extractor panicked").in_file(file))
            }),
            // No thread to be had (a strict memory limit): the depth limits still
            // apply, on the caller's stack.
            Err(_) => extract_here(bytes, file, opts),
        }
    })
}

fn extract_here(bytes: &[u8], file: &Path, opts: &ExtractOptions) -> Result<Extraction> {
    let sha256 = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let text = utf8(bytes, file)?;
    let mut syms = Symbols::default();
    for (name, ty) in PRELUDE_TYPEDEFS {
        let words: Vec<&str> = ty.split_whitespace().collect();
        if let TypeName::Integer(t) = int_type_of(&words, &syms.typedefs) {
            syms.typedefs.insert(name.to_string(), Some(t));
        }
    }
    predefine(&mut syms);
    let id = syms.add_file(file.to_path_buf(), text);
    let mut inc = Includes::new(file, bytes.len(), &opts.include_dirs);
    let prepared = preprocess(id, &mut syms, &mut inc, 0)?;
    for unit in &prepared.included {
        learn_included(unit, &mut syms);
    }
    let parsed = parse(&prepared, &syms)?;
    for (name, ty) in &parsed.typedefs {
        syms.typedefs.insert(name.clone(), *ty);
    }
    let lines = syms
        .files
        .first()
        .map(|f| f.lines.clone())
        .unwrap_or_default();

    let docs = Docs::new(&prepared, &lines);
    let mut enums = Vec::with_capacity(parsed.enums.len());
    for e in &parsed.enums {
        let values = evaluate_enum(e, &prepared, &mut syms)?;
        let spans: Vec<Span> = e
            .enumerators
            .iter()
            .map(|x| Span {
                start: x.offset,
                end: x.end,
            })
            .collect();
        let enumerators = e
            .enumerators
            .iter()
            .zip(values)
            .enumerate()
            .map(|(idx, (x, (value, expr)))| Enumerator {
                name: x.name.clone(),
                value,
                expr,
                doc: docs.enumerator_doc(&spans, e.end, idx),
                line: lines.line_of(x.offset),
            })
            .collect();
        enums.push(Enum {
            name: e.name.clone(),
            doc: docs.enum_doc(e.offset),
            line: lines.line_of(e.offset),
            enumerators,
        });
    }

    let mut defines = Vec::with_capacity(prepared.defines.len());
    for site in prepared.defines.iter().filter(|s| !s.function_like) {
        let Some(m) = syms.macros.get(&site.name) else {
            continue;
        };
        if m.file != id || m.directive_offset != site.directive_offset {
            continue;
        }
        let value = match syms.eval_macro(&site.name) {
            Ok(v) => v.value,
            Err(EvalError::NotInteger(_)) => continue,
            Err(EvalError::Hard(e))
                if opts.skip_undefined && e.message.starts_with("undefined identifier") =>
            {
                continue;
            }
            Err(EvalError::Hard(e)) => {
                let mut e = e;
                e.message = format!("{} (in the value of #define {})", e.message, site.name);
                return Err(e);
            }
        };
        defines.push(Define {
            name: site.name.clone(),
            value,
            expr: m.body_text.clone(),
            family: None,
            doc: docs.define_doc(site),
            section: docs.define_section(site),
            line: site.line,
        });
    }

    let header = Header {
        source: Source {
            label: opts.label.clone(),
            path: opts.path.clone(),
            sha256,
        },
        includes: prepared
            .includes
            .into_iter()
            .map(|i| Include {
                path: i.path,
                system: i.system,
                line: i.line,
            })
            .collect(),
        enums,
        defines,
    };
    Ok(Extraction {
        header,
        notes: inc.notes,
    })
}

/// Evaluates the enumerators of `e` in order, adding each to the symbol table as it
/// goes (a later initialiser may use an earlier enumerator): values and the
/// whitespace-normalised initialisers.
fn evaluate_enum(
    e: &RawEnum,
    prepared: &Prepared,
    syms: &mut Symbols,
) -> Result<Vec<(i128, Option<String>)>> {
    let id = prepared.file;
    // The implicit value of the next enumerator; `None` when previous + 1
    // overflows the previous constant's type, which gcc rejects.
    let mut next: Option<i128> = Some(0);
    let mut out = Vec::with_capacity(e.enumerators.len());
    for x in &e.enumerators {
        let (value, expr) = match x.expr {
            Some((start, end)) => {
                let src = prepared.text.get(start..end).unwrap_or_default();
                let toks = lex(src, id, &|i| start + i)
                    .map_err(|er| syms.error_at(id, start + er.offset, er.message))?;
                let v = match syms.eval(&toks, Mode::Constant, (id, start)) {
                    Ok(v) => v.value,
                    Err(EvalError::Hard(er)) => return Err(er),
                    Err(EvalError::NotInteger(why)) => {
                        let msg = format!(
                            "initialiser of {} is not an integer constant expression ({why})",
                            x.name
                        );
                        return Err(syms.error_at(id, start, msg));
                    }
                };
                (v, Some(normalise_ws(src)))
            }
            None => match next {
                Some(v) => (v, None),
                None => {
                    let msg = format!(
                        "overflow in enumeration values: {} would follow the largest value of its type",
                        x.name
                    );
                    return Err(syms.error_at(id, x.offset, msg));
                }
            },
        };
        let typed = Value::for_enumerator(value);
        syms.enum_consts.insert(x.name.clone(), typed);
        next = Some(value + 1).filter(|n| typed.ty.wrap(*n) == *n);
        out.push((value, expr));
    }
    Ok(out)
}

/// Makes what an included file declares visible to the header, as a compiler
/// would: its typedef names (so lang-c parses the header) and its enumeration
/// constants (so the header's macros may use them). An included file is not the
/// header under extraction: when lang-c cannot parse it (a system header with
/// constructs we do not support), its typedef names are found by a plain scan,
/// and an enum that does not evaluate leaves its constants out.
fn learn_included(unit: &Prepared, syms: &mut Symbols) {
    match parse(unit, syms) {
        Ok(parsed) => {
            for (name, ty) in parsed.typedefs {
                syms.typedefs.insert(name, ty);
            }
            for e in &parsed.enums {
                let _ = evaluate_enum(e, unit, syms);
            }
        }
        Err(_) => {
            for name in scan_typedef_names(&unit.text) {
                syms.typedefs.entry(name).or_insert(None);
            }
        }
    }
}
