//! Preprocessing in our own code, so no C compiler is needed at run time.
//!
//! One pass over a header: comments are recorded and blanked; directives are read
//! (`#define` with continuations, `#undef`, `#if`/`#ifdef`/`#ifndef`/`#elif`/`#else`/
//! `#endif` with `defined` and integer expressions, `#include`, `#error`); inactive
//! branches and directive lines are blanked; kernel annotations are blanked. Every
//! blanking keeps the length and the newlines, so an offset in the prepared text
//! is the same offset in the original file and lang-c's spans point into it.
//!
//! Macros are *not* expanded in the prepared text: lang-c parses the declarations
//! with macro names left as identifiers (they appear only where an expression or a
//! call may stand in these headers), and the evaluator expands them where a value
//! is needed. `#include`d files found inside the include roots (see [`include`](mod@include))
//! are preprocessed into the same symbol table (their macros become visible), but
//! do not enter the model. An error in an included file names its path, line and
//! column but never quotes its text: only the header's own text appears in
//! snippets.

pub mod annotations;
pub mod comments;
pub mod ctype;
pub mod directives;
pub mod docs;
pub mod eval;
pub mod include;
pub mod lexer;
pub mod source_map;
pub mod symbols;

use std::path::Path;

use crate::error::{Error, Result};
use comments::Comment;
use ctype::{EvalError, Mode};
use directives::{Logical, define_head, ident_at, include_target, logical_line, skip_ws};
use include::{Includes, MAX_TOTAL_SIZE, ReadError, Resolution};
use lexer::{Token, lex, lex_lenient, normalise_ws};
use symbols::{Macro, Symbols};

/// What a line of the header holds, after preprocessing (for docs and sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Nothing but whitespace.
    Blank,
    /// Only (part of) a comment that stands on lines of its own.
    Comment,
    /// Part of an active `#define` (its trailing comment included).
    Define,
    /// Part of another directive.
    Directive,
    /// C code (declarations, enum bodies).
    Code,
    /// In an inactive conditional branch.
    Inactive,
}

/// An active `#include` directive of the header (the model records these as its
/// includes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncludeSite {
    /// The text between the delimiters: `scsi/iscsi_proto.h`.
    pub path: String,
    /// `true` for `<...>`, `false` for `"..."`.
    pub system: bool,
    /// 1-based line of the directive.
    pub line: u32,
}

/// An active `#define` of the header itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefineSite {
    /// The macro name.
    pub name: String,
    /// `true` for a function-like macro.
    pub function_like: bool,
    /// Offset of the directive's `#`.
    pub directive_offset: usize,
    /// Offset just past the directive's logical line.
    pub end_offset: usize,
    /// 1-based first line.
    pub line: u32,
    /// 1-based last line of the directive.
    pub end_line: u32,
}

/// The result of preprocessing one header.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Index of the header in [`Symbols::files`].
    pub file: u32,
    /// The header with comments, directives, inactive code and annotations blanked;
    /// exactly as long as the original, newlines kept.
    pub text: String,
    /// The header's comments, in order.
    pub comments: Vec<Comment>,
    /// One entry per line (index = line − 1).
    pub line_kinds: Vec<LineKind>,
    /// Active `#define`s in file order (later `#undef`s do not remove them here).
    pub defines: Vec<DefineSite>,
    /// `#include` directives in active code, in file order.
    pub includes: Vec<IncludeSite>,
    /// The files found for those includes, preprocessed, in the order they were
    /// completed (a file's own includes before it).
    pub included: Vec<Prepared>,
}

/// Limits of include nesting (gcc stops at 200; these headers need 2).
const MAX_INCLUDE_DEPTH: u32 = 40;

/// Macros every translation unit starts with (gcc on x86-64 Linux, user space:
/// `__KERNEL__` is not defined).
pub const PREDEFINED: [(&str, &str); 6] = [
    ("__STDC__", "1"),
    ("__STDC_VERSION__", "201112L"),
    ("__GNUC__", "4"),
    ("__linux__", "1"),
    ("__LP64__", "1"),
    ("__CHAR_BIT__", "8"),
];

/// Adds [`PREDEFINED`] to `syms` (as macros of no file).
pub fn predefine(syms: &mut Symbols) {
    for (name, body) in PREDEFINED {
        let body = lex_lenient(body, u32::MAX, &|o| o);
        syms.macros.insert(
            name.to_string(),
            Box::new(Macro {
                name: name.to_string(),
                params: None,
                variadic: false,
                body,
                body_text: String::new(),
                file: u32::MAX,
                offset: 0,
                directive_offset: 0,
            }),
        );
    }
}

/// One open conditional.
struct Frame {
    parent_active: bool,
    active: bool,
    taken: bool,
    seen_else: bool,
    offset: usize,
}

/// Preprocesses file `file` of `syms` (its text already there), updating the
/// macros of `syms`. `#include`d files are looked up, read and noted through `inc`.
pub fn preprocess(
    file: u32,
    syms: &mut Symbols,
    inc: &mut Includes,
    depth: u32,
) -> Result<Prepared> {
    let (src, lines) = match syms.files.get(file as usize) {
        Some(f) => (f.text.clone(), f.lines.clone()),
        None => return Err(Error::msg("internal: unknown file")),
    };
    let stripped = comments::strip(&src, &lines)
        .map_err(|at| syms.error_at(file, at, "unterminated comment (no closing */)"))?;
    let text = stripped.text;
    let mut out = text.clone().into_bytes();
    let n_lines = lines.line_count() as usize;
    let mut kinds = vec![LineKind::Blank; n_lines];
    let mut defines = Vec::new();
    let mut includes = Vec::new();
    let mut included = Vec::new();
    let mut frames: Vec<Frame> = Vec::new();
    let err = |syms: &Symbols, at: usize, msg: String| syms.error_at(file, at, msg);

    let mut pos = 0;
    while pos < text.len() {
        let l = logical_line(&text, pos);
        let first = skip_ws(&l.text, 0);
        let active = frames.last().is_none_or(|f| f.active);
        let (line, _) = lines.locate(l.start);
        let (end_line, _) = lines.locate(l.end);
        let is_directive = l.text.as_bytes().get(first) == Some(&b'#');
        if !is_directive {
            let kind = if !active {
                LineKind::Inactive
            } else if l.text.trim().is_empty() {
                LineKind::Blank
            } else {
                LineKind::Code
            };
            mark(&mut kinds, line, end_line, kind);
            if !active {
                blank(&mut out, l.start, l.end);
            }
            pos = l.next.max(pos + 1);
            continue;
        }
        blank(&mut out, l.start, l.end);
        let name_at = skip_ws(&l.text, first + 1);
        let (name, after) = ident_at(&l.text, name_at).unwrap_or(("", name_at));
        let at = |i: usize| l.offset(i);
        let mut kind = if active {
            LineKind::Directive
        } else {
            LineKind::Inactive
        };
        match name {
            "if" | "ifdef" | "ifndef" => {
                let value = if !active {
                    false
                } else if name == "if" {
                    condition(syms, file, &l, after)?
                } else {
                    let i = skip_ws(&l.text, after);
                    let (m, _) = ident_at(&l.text, i)
                        .ok_or_else(|| err(syms, at(i), format!("#{name} needs a macro name")))?;
                    syms.macros.contains_key(m) == (name == "ifdef")
                };
                frames.push(Frame {
                    parent_active: active,
                    active: active && value,
                    taken: value,
                    seen_else: false,
                    offset: l.offset(first),
                });
                kind = LineKind::Directive;
            }
            "elif" | "else" => {
                let Some(f) = frames.last() else {
                    return Err(err(syms, at(first), format!("#{name} without #if")));
                };
                if f.seen_else {
                    return Err(err(syms, at(first), format!("#{name} after #else")));
                }
                let (parent_active, taken) = (f.parent_active, f.taken);
                let value = if name == "else" {
                    !taken
                } else if parent_active && !taken {
                    condition(syms, file, &l, after)?
                } else {
                    false
                };
                if let Some(f) = frames.last_mut() {
                    f.active = parent_active && value;
                    f.taken |= value;
                    f.seen_else = name == "else";
                }
                kind = LineKind::Directive;
            }
            "endif" => {
                if frames.pop().is_none() {
                    return Err(err(syms, at(first), "#endif without #if".into()));
                }
                kind = LineKind::Directive;
            }
            _ if !active => {}
            "define" => {
                let h = define_head(&l.text, after).map_err(|(i, m)| err(syms, at(i), m))?;
                let body_text = l.text.get(h.body_at..).unwrap_or_default();
                let body = lex_lenient(body_text, file, &|i| l.offset(h.body_at + i));
                syms.macros.insert(
                    h.name.clone(),
                    Box::new(Macro {
                        name: h.name.clone(),
                        variadic: h.variadic,
                        params: h.params.clone(),
                        body,
                        body_text: normalise_ws(body_text),
                        file,
                        offset: at(h.name_at),
                        directive_offset: at(first),
                    }),
                );
                defines.push(DefineSite {
                    name: h.name,
                    function_like: h.params.is_some(),
                    directive_offset: at(first),
                    end_offset: l.end,
                    line,
                    end_line,
                });
                kind = LineKind::Define;
            }
            "undef" => {
                let i = skip_ws(&l.text, after);
                let (m, _) = ident_at(&l.text, i)
                    .ok_or_else(|| err(syms, at(i), "#undef needs a macro name".into()))?;
                syms.macros.remove(m);
            }
            "include" | "include_next" => {
                let (target, system, i) =
                    include_target(&l.text, after).map_err(|(i, m)| err(syms, at(i), m))?;
                includes.push(IncludeSite {
                    path: target.clone(),
                    system,
                    line,
                });
                let shown = target.escape_default().to_string();
                let shown = if system {
                    format!("#include <{shown}>")
                } else {
                    format!("#include \"{shown}\"")
                };
                match inc.resolve(&target, system, file) {
                    Resolution::Found { shown: found, real } => {
                        if depth >= MAX_INCLUDE_DEPTH {
                            return Err(err(
                                syms,
                                at(i),
                                format!("#include nested more than {MAX_INCLUDE_DEPTH} deep"),
                            ));
                        }
                        let bytes = inc.read(&real).map_err(|e| {
                            let why = match e {
                                ReadError::TooLarge => format!(
                                    "the header and the files it includes come to more than \
                                     {MAX_TOTAL_SIZE} bytes together"
                                ),
                                ReadError::Io(e) => format!("cannot read {}: {e}", found.display()),
                            };
                            err(syms, at(i), format!("{shown}: {why}; refused"))
                        })?;
                        let unit = include(syms, inc, &found, &real, &bytes, depth + 1)?;
                        included.extend(unit);
                    }
                    Resolution::Outside => {
                        let roots = inc.describe_roots();
                        let msg = format!("{shown} resolves outside {roots}; refused");
                        return Err(err(syms, at(i), msg));
                    }
                    Resolution::Missing => {
                        let roots = inc.describe_roots();
                        let msg = format!(
                            "{shown} not found in {roots}; skipped (what it declares stays unknown)"
                        );
                        let mut note = err(syms, at(i), msg);
                        note.snippet = None;
                        inc.notes.push(note);
                    }
                }
            }
            "error" => {
                let msg = l.text.get(after..).unwrap_or_default().trim();
                return Err(err(syms, at(first), format!("#error {msg}")));
            }
            "" if l.text.get(first + 1..).is_none_or(|r| r.trim().is_empty()) => {}
            "warning" | "pragma" | "line" | "ident" | "sccs" | "assert" | "unassert" => {}
            _ if l
                .text
                .get(name_at..)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())) => {}
            other => {
                return Err(err(
                    syms,
                    at(name_at),
                    format!("invalid preprocessing directive #{other}"),
                ));
            }
        }
        mark(&mut kinds, line, end_line, kind);
        pos = l.next.max(pos + 1);
    }
    if let Some(f) = frames.last() {
        return Err(err(
            syms,
            f.offset,
            "unterminated conditional (no matching #endif)".into(),
        ));
    }
    mark_comments(&mut kinds, &stripped.comments);
    annotations::neutralise(&mut out);
    let text = String::from_utf8(out).map_err(|_| Error::msg("internal: blanking broke UTF-8"))?;
    Ok(Prepared {
        file,
        text,
        comments: stripped.comments,
        line_kinds: kinds,
        defines,
        includes,
        included,
    })
}

/// Preprocesses an included file (`bytes`, read from `real`, shown as `shown`)
/// into `syms`; returns it and what it included, innermost first. Its errors name
/// it but quote none of its text.
fn include(
    syms: &mut Symbols,
    inc: &mut Includes,
    shown: &Path,
    real: &Path,
    bytes: &[u8],
    depth: u32,
) -> Result<Vec<Prepared>> {
    let text = utf8(bytes, shown).map_err(|mut e| {
        e.snippet = None;
        e
    })?;
    let id = syms.add_file(shown.to_path_buf(), text);
    inc.add_file(id, shown, real);
    let mut unit = preprocess(id, syms, inc, depth).map_err(|e| e.in_file(shown))?;
    let mut all = std::mem::take(&mut unit.included);
    all.push(unit);
    Ok(all)
}

/// Decodes UTF-8, or names the line and column of the first bad byte.
pub fn utf8(bytes: &[u8], file: &Path) -> Result<String> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let good = bytes.get(..e.valid_up_to()).unwrap_or_default();
            let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
            let col = good.len() - good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
            let rest = bytes.get(line_start..).unwrap_or_default();
            let line_bytes = rest.split(|&b| b == b'\n').next().unwrap_or_default();
            let first_bad = bytes.get(e.valid_up_to()).copied().unwrap_or(0);
            Err(Error::at(
                file,
                u32::try_from(line).unwrap_or(u32::MAX),
                u32::try_from(col).unwrap_or(u32::MAX),
                format!("invalid UTF-8 (byte 0x{first_bad:02x}); headers must be UTF-8"),
            )
            .with_snippet(&String::from_utf8_lossy(line_bytes)))
        }
    }
}

/// Evaluates the condition of `#if`/`#elif` whose text starts at index `from`.
fn condition(syms: &Symbols, file: u32, l: &Logical, from: usize) -> Result<bool> {
    let expr = l.text.get(from..).unwrap_or_default();
    let toks: Vec<Token> = lex(expr, file, &|i| l.offset(from + i))
        .map_err(|e| syms.error_at(file, l.offset(from + e.offset), e.message))?;
    match syms.eval(&toks, Mode::Condition, (file, l.offset(from))) {
        Ok(v) => Ok(v.value != 0),
        Err(EvalError::Hard(e)) => Err(e),
        Err(EvalError::NotInteger(why)) => Err(syms.error_at(
            file,
            l.offset(from),
            format!("#if condition is not an integer expression ({why})"),
        )),
    }
}

fn mark(kinds: &mut [LineKind], line: u32, end_line: u32, kind: LineKind) {
    for k in kinds
        .iter_mut()
        .take(end_line as usize)
        .skip((line as usize).saturating_sub(1))
    {
        *k = kind;
    }
}

/// Lines that hold only comments become [`LineKind::Comment`]; lines a trailing
/// comment runs onto take the kind of the line it started on (the second line of
/// a `#define`'s trailing comment belongs to the define).
fn mark_comments(kinds: &mut [LineKind], comments: &[Comment]) {
    for c in comments {
        let first = (c.line as usize).saturating_sub(1);
        let last = c.end_line as usize;
        let kind = if c.own_line {
            LineKind::Comment
        } else {
            kinds.get(first).copied().unwrap_or(LineKind::Code)
        };
        for k in kinds.iter_mut().take(last).skip(first) {
            if *k == LineKind::Blank {
                *k = kind;
            }
        }
    }
}

fn blank(out: &mut [u8], start: usize, end: usize) {
    for x in out.iter_mut().take(end).skip(start) {
        if *x != b'\n' {
            *x = b' ';
        }
    }
}
