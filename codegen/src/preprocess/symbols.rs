//! The symbol table the whole front end shares: every file read, the live macros,
//! the enumeration constants and the integer typedefs, plus macro expansion. The
//! preprocessor fills the macros, the parse stage the typedefs, the enum walk the
//! constants; the evaluator ([`super::eval`]) reads them all.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;

use super::ctype::{EvalError, IntType, Mode, Value};
use super::lexer::{TokKind, Token};
use super::source_map::LineIndex;
use crate::error::Error;

/// One file the symbol table has seen: the header and anything it included.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path, as given (used in error messages).
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// Its line index.
    pub lines: LineIndex,
}

/// A macro definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    /// The macro's name.
    pub name: String,
    /// Parameter names for a function-like macro; `None` for an object-like one.
    pub params: Option<Vec<String>>,
    /// `true` when the parameter list ends in `...`.
    pub variadic: bool,
    /// The replacement list.
    pub body: Vec<Token>,
    /// The body as written, whitespace-normalised, comments removed.
    pub body_text: String,
    /// Index of the defining file in [`Symbols::files`].
    pub file: u32,
    /// Byte offset of the macro's name in that file.
    pub offset: usize,
    /// Byte offset of the `#` of its directive.
    pub directive_offset: usize,
}

/// The symbol table: files, live macros, enumeration constants and integer typedefs.
#[derive(Debug, Clone, Default)]
pub struct Symbols {
    /// Every file read, the header first.
    pub files: Vec<SourceFile>,
    /// The macros defined at this point of preprocessing (boxed: a header of many
    /// `#define`s grows the table, and moving small entries is cheap).
    pub macros: HashMap<String, Box<Macro>>,
    /// Enumeration constants declared so far.
    pub enum_consts: HashMap<String, Value>,
    /// Typedef names: `Some` for an integer type, `None` for any other type.
    pub typedefs: HashMap<String, Option<IntType>>,
    /// Tokens macro expansion has visited so far, every expansion counted (see
    /// [`MAX_EXPANSION_WORK`]).
    expansion_work: Cell<u64>,
}

/// The most tokens macro expansion may visit over one extraction, all expansions
/// together. One expansion is already capped (200,000 tokens, 200 levels), but a
/// header may ask for a capped expansion once per line: `#define D1 (D0+D0)` …
/// `#define D15 (D14+D14)` and then thousands of `#define X_n D15` would take hours.
/// A real header needs a few tokens per macro (the kernel's a few thousand in all,
/// an 8 MiB header of `#define ISCSI_X_n n` lines about 600,000); this bound keeps
/// the worst case to a fraction of a second.
pub const MAX_EXPANSION_WORK: u64 = 1 << 22;

impl Symbols {
    /// Records a file and returns its index.
    pub fn add_file(&mut self, path: PathBuf, text: String) -> u32 {
        let lines = LineIndex::new(&text);
        self.files.push(SourceFile { path, text, lines });
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }

    /// An error at a byte offset of file `file`. Only an error in the header itself
    /// (file 0) quotes its source line as snippet: an included file's text is
    /// never shown, whatever file it is.
    pub fn error_at(&self, file: u32, offset: usize, message: impl Into<String>) -> Error {
        match self.files.get(file as usize) {
            Some(f) => {
                let (line, col) = f.lines.locate(offset);
                let e = Error::at(f.path.clone(), line, col, message);
                if file == 0 {
                    e.with_snippet(f.lines.line_text(&f.text, line).trim())
                } else {
                    e
                }
            }
            None => Error::msg(message),
        }
    }

    pub(crate) fn err(&self, t: &Token, message: impl Into<String>) -> EvalError {
        EvalError::Hard(self.error_at(t.file, t.offset, message))
    }

    /// Replaces macros in `toks` (and, for `#if`, `defined X`) recursively. A macro
    /// met again inside its own expansion is a cycle, reported as an error.
    pub(crate) fn expand(
        &self,
        toks: &[Token],
        mode: Mode,
        hide: &mut Vec<String>,
        out: &mut Vec<Token>,
    ) -> Result<(), EvalError> {
        const MAX_TOKENS: usize = 200_000;
        let mut i = 0;
        while let Some(t) = toks.get(i) {
            i += 1;
            if out.len() > MAX_TOKENS {
                return Err(self.err(t, "macro expansion is too large"));
            }
            let work = self.expansion_work.get() + 1;
            self.expansion_work.set(work);
            if work > MAX_EXPANSION_WORK {
                return Err(self.err(
                    t,
                    format!(
                        "macro expansion visited more than {MAX_EXPANSION_WORK} tokens over \
                         the whole header (macros that multiply at every level?); refused"
                    ),
                ));
            }
            if t.kind != TokKind::Ident {
                out.push(t.clone());
                continue;
            }
            if mode == Mode::Condition && t.text == "defined" {
                let (name, used) = defined_operand(toks.get(i..).unwrap_or_default());
                let Some(name) = name else {
                    return Err(self.err(t, "`defined` needs a macro name"));
                };
                i += used;
                let v = if self.macros.contains_key(&name) {
                    "1"
                } else {
                    "0"
                };
                out.push(Token {
                    kind: TokKind::Number,
                    text: v.into(),
                    ..t.clone()
                });
                continue;
            }
            let Some(m) = self.macros.get(&t.text) else {
                out.push(t.clone());
                continue;
            };
            if hide.contains(&t.text) {
                // Empty entries mark argument expansions (see `substitute`).
                let mut chain: Vec<String> =
                    hide.iter().filter(|h| !h.is_empty()).cloned().collect();
                chain.push(t.text.clone());
                return Err(self.err(t, format!("macro cycle: {}", chain.join(" -> "))));
            }
            if hide.len() > 200 {
                return Err(self.err(t, "macro expansion nested too deeply"));
            }
            let body = match &m.params {
                None => m.body.clone(),
                Some(params) => {
                    if !toks.get(i).is_some_and(|x| x.is_punct("(")) {
                        // A function-like macro name without arguments is not expanded.
                        out.push(t.clone());
                        continue;
                    }
                    let (args, used) =
                        collect_args(toks.get(i..).unwrap_or_default()).ok_or_else(|| {
                            self.err(t, format!("unterminated argument list of macro {}", t.text))
                        })?;
                    i += used;
                    self.substitute(m, params, &args, t, mode, hide)?
                }
            };
            hide.push(t.text.clone());
            self.expand(&body, mode, hide, out)?;
            hide.pop();
        }
        Ok(())
    }

    fn substitute(
        &self,
        m: &Macro,
        params: &[String],
        args: &[Vec<Token>],
        at: &Token,
        mode: Mode,
        hide: &mut Vec<String>,
    ) -> Result<Vec<Token>, EvalError> {
        let arity_ok = if m.variadic {
            args.len() >= params.len()
        } else {
            args.len() == params.len()
                || (params.is_empty() && args.len() == 1 && args.iter().all(Vec::is_empty))
        };
        if !arity_ok {
            return Err(self.err(
                at,
                format!(
                    "macro {} takes {} argument(s), {} given",
                    m.name,
                    params.len(),
                    args.len()
                ),
            ));
        }
        let mut out = Vec::new();
        for b in &m.body {
            if b.is_punct("#") {
                return Err(EvalError::NotInteger("stringification (`#`)".into()));
            }
            if b.is_punct("##") {
                return Err(self.err(b, "token pasting (`##`) is not supported"));
            }
            let arg = if b.kind != TokKind::Ident {
                None
            } else if let Some(k) = params.iter().position(|p| *p == b.text) {
                args.get(k).cloned()
            } else if m.variadic && b.text == "__VA_ARGS__" {
                let rest: Vec<Vec<Token>> = args.get(params.len()..).unwrap_or_default().to_vec();
                Some(rest.join(&Token {
                    kind: TokKind::Punct,
                    text: ",".into(),
                    file: b.file,
                    offset: b.offset,
                }))
            } else {
                None
            };
            match arg {
                Some(a) => {
                    // An empty entry counts the nesting of arguments in the depth limit.
                    hide.push(String::new());
                    self.expand(&a, mode, hide, &mut out)?;
                    hide.pop();
                }
                None => out.push(b.clone()),
            }
        }
        Ok(out)
    }
}

/// The operand of `defined`: `X` or `( X )`, and how many tokens it used.
fn defined_operand(rest: &[Token]) -> (Option<String>, usize) {
    match rest {
        [a, ..] if a.kind == TokKind::Ident => (Some(a.text.clone()), 1),
        [o, a, c, ..] if o.is_punct("(") && a.kind == TokKind::Ident && c.is_punct(")") => {
            (Some(a.text.clone()), 3)
        }
        _ => (None, 0),
    }
}

/// Splits `( a, (b, c) )` into arguments; returns them and the tokens used.
fn collect_args(rest: &[Token]) -> Option<(Vec<Vec<Token>>, usize)> {
    let mut depth = 0usize;
    let mut args = vec![Vec::new()];
    for (k, t) in rest.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
            if depth == 1 {
                continue;
            }
        } else if t.is_punct(")") {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return Some((args, k + 1));
            }
        } else if t.is_punct(",") && depth == 1 {
            args.push(Vec::new());
            continue;
        }
        if let Some(a) = args.last_mut() {
            a.push(t.clone());
        }
    }
    None
}
