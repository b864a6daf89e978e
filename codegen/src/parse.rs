//! The lang-c driver and visitor: prepared header text → the enums (with the byte
//! spans of their names and initialisers) and the integer typedefs. Values are not
//! computed here; [`crate::preprocess::eval`] does that, over the same symbol table as macros.
//!
//! lang-c parses the prepared text behind the typedef prelude
//! ([`crate::preprocess::annotations::prelude`]), which sits on the header's first
//! line; every span is shifted back by the prelude's length, so offsets here are
//! offsets into the original file. `static inline` functions parse as they are
//! (lang-c's GNU C11 flavour accepts them once annotations are blanked).

use std::collections::HashMap;

use lang_c::ast::{
    Declaration, DeclarationSpecifier, DeclaratorKind, EnumType, StorageClassSpecifier,
    TypeSpecifier,
};
use lang_c::driver::{Config, Flavor, parse_preprocessed};
use lang_c::span::Span;
use lang_c::visit::{self, Visit};

use crate::error::{Error, Result};
use crate::preprocess::Prepared;
use crate::preprocess::annotations::{PRELUDE_TYPEDEFS, prelude};
use crate::preprocess::ctype::{IntType, TYPE_WORDS, TypeName, int_type_of};
use crate::preprocess::lexer::TokKind;
use crate::preprocess::symbols::Symbols;

/// An enum definition as lang-c found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEnum {
    /// The tag, if any.
    pub name: Option<String>,
    /// Offset of the `enum` keyword.
    pub offset: usize,
    /// Offset just past the closing `}`.
    pub end: usize,
    /// The enumerators in order.
    pub enumerators: Vec<RawEnumerator>,
}

/// An enumerator as lang-c found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEnumerator {
    /// The name.
    pub name: String,
    /// Offset of the name.
    pub offset: usize,
    /// Byte range of the initialiser expression, if any.
    pub expr: Option<(usize, usize)>,
    /// Offset just past the enumerator (name or initialiser).
    pub end: usize,
}

/// What the parse stage extracts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Enum definitions in file order (anonymous and nested ones included).
    pub enums: Vec<RawEnum>,
    /// Typedefs in file order: `Some` type for an integer typedef.
    pub typedefs: Vec<(String, Option<IntType>)>,
}

/// The deepest bracket nesting accepted before handing text to lang-c, whose
/// recursive-descent parser would otherwise overflow the stack on hostile input.
const MAX_NESTING: usize = 200;

/// The longest stretch of code (non-blank bytes) without `;`, `,`, `{` or `}`
/// accepted (a kernel header's longest is a few hundred bytes).
const MAX_SEGMENT: usize = 16 * 1024;

/// The most `++`/`--` (two adjacent `+` or `-`, overlapping runs counted pairwise)
/// accepted between two `;`, `{` or `}`. lang-c's grammar has no lexer, so a failing
/// parse tries each `--` both as a decrement and as two minus signs: 24 of them cost
/// seconds, 40 hours (a fuzzed header of 964 bytes took 8 minutes). A file-level
/// declaration of a real header has none (function bodies are blanked first).
const MAX_INC_DEC: usize = 8;

/// Parses the prepared header with lang-c (GNU C11).
pub fn parse(prepared: &Prepared, syms: &Symbols) -> Result<Parsed> {
    let code = blank_function_bodies(&prepared.text);
    check_nesting(&code, prepared.file, syms)?;
    // Typedef names the prelude does not declare (from included files), sorted so
    // the prelude is deterministic.
    let mut extra: Vec<&str> = syms
        .typedefs
        .keys()
        .map(String::as_str)
        .chain(type_macros(syms))
        .filter(|n| !PRELUDE_TYPEDEFS.iter().any(|(p, _)| p == n))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    let pre = prelude(&extra);
    let shift = pre.len();
    let mut text = pre;
    text.push_str(&code);
    let config = Config {
        flavor: Flavor::GnuC11,
        ..Config::default()
    };
    let result = std::panic::catch_unwind(|| parse_preprocessed(&config, text));
    let parse = match result {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Err(syntax_error(prepared, syms, &e, shift)),
        Err(_) => {
            return Err(syms.error_at(
                prepared.file,
                0,
                "the C parser (lang-c) failed on this header",
            ));
        }
    };
    let mut v = Walker {
        shift,
        out: Parsed::default(),
        typedefs: syms.typedefs.clone(),
    };
    v.visit_translation_unit(&parse.unit);
    v.out.enums.sort_by_key(|e| e.offset);
    Ok(v.out)
}

/// Object-like macros whose body is a type name (`#define ulong_t unsigned long`,
/// as old open-iscsi copies have): lang-c must take them for type names.
fn type_macros(syms: &Symbols) -> impl Iterator<Item = &str> {
    syms.macros.values().filter_map(|m| {
        let is_type = m.params.is_none()
            && !m.body.is_empty()
            && m.body.iter().all(|t| {
                t.kind == TokKind::Ident
                    && (TYPE_WORDS.contains(&t.text.as_str())
                        || syms.typedefs.contains_key(&t.text))
            });
        is_type.then_some(m.name.as_str())
    })
}

/// Turns lang-c's error into ours: the position in the original file, what was
/// found there (or the end of the file) and a few of the tokens expected.
fn syntax_error(
    prepared: &Prepared,
    syms: &Symbols,
    e: &lang_c::driver::SyntaxError,
    shift: usize,
) -> Error {
    let mut expected: Vec<&str> = e.expected.iter().copied().collect();
    expected.sort_unstable();
    let more = expected.len().saturating_sub(6);
    expected.truncate(6);
    let mut list = expected.join(" ");
    if more > 0 {
        list.push_str(&format!(" (or {more} more)"));
    }
    let at = e.offset.saturating_sub(shift);
    let rest = prepared.text.get(at..).unwrap_or_default();
    match rest.chars().find(|c| !c.is_whitespace()) {
        Some(c) => syms.error_at(
            prepared.file,
            at,
            format!("C syntax error at {c:?}: expected one of {list}"),
        ),
        None => {
            let end = prepared.text.trim_end().len();
            syms.error_at(
                prepared.file,
                end,
                format!("C syntax error: unexpected end of file (expected one of {list})"),
            )
        }
    }
}

/// Rejects bracket nesting deeper than [`MAX_NESTING`] and stretches of code longer
/// than [`MAX_SEGMENT`] without a `;`, `,`, `{` or `}` (the only ways to make
/// lang-c's recursive descent recurse deeply once function bodies are blanked), and
/// more than [`MAX_INC_DEC`] `++`/`--` in one statement (see there).
fn check_nesting(code: &str, file: u32, syms: &Symbols) -> Result<()> {
    let mut depth = 0usize;
    let mut segment = 0usize;
    let mut inc_dec = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut prev = 0u8;
    for (i, b) in code.bytes().enumerate() {
        // `++`/`--` pairs, outside string and character literals, per statement.
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q || b == b'\n' {
                quote = None;
            }
            prev = 0;
        } else {
            match b {
                b'"' | b'\'' => quote = Some(b),
                b';' | b'{' | b'}' => inc_dec = 0,
                b'+' | b'-' if prev == b => {
                    inc_dec += 1;
                    if inc_dec > MAX_INC_DEC {
                        return Err(syms.error_at(
                            file,
                            i,
                            format!(
                                "more than {MAX_INC_DEC} `++`/`--` in one statement \
                                 (no header has so many, and the C parser would take \
                                 time exponential in their number)"
                            ),
                        ));
                    }
                }
                _ => {}
            }
            prev = b;
        }
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(syms.error_at(
                        file,
                        i,
                        format!("brackets nested more than {MAX_NESTING} deep"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(b, b';' | b',' | b'{' | b'}') {
            segment = 0;
        } else if !b.is_ascii_whitespace() {
            segment += 1;
            if segment > MAX_SEGMENT {
                return Err(syms.error_at(
                    file,
                    i,
                    format!("more than {MAX_SEGMENT} bytes of code without `;` or `,`"),
                ));
            }
        }
    }
    Ok(())
}

/// Replaces the body of every function definition by `;` and spaces (length and
/// newlines kept): `static inline int f(u32 a) { ... }` becomes a declaration.
/// Nothing is extracted from statements, and statement nesting is where lang-c's
/// recursive descent would need the most stack. A body is a `{` at file level
/// right after a `)`; struct, union and enum bodies follow a name or keyword.
fn blank_function_bodies(text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    let mut depth = 0usize;
    let mut last = 0u8;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'{' && depth == 0 && last == b')' {
            let mut d = 0usize;
            let mut end = None;
            let mut quote: Option<u8> = None;
            let mut escaped = false;
            for (k, &x) in b.iter().enumerate().skip(i) {
                if let Some(q) = quote {
                    if escaped {
                        escaped = false;
                    } else if x == b'\\' {
                        escaped = true;
                    } else if x == q || x == b'\n' {
                        quote = None;
                    }
                    continue;
                }
                match x {
                    b'"' | b'\'' => quote = Some(x),
                    b'{' => d += 1,
                    b'}' => {
                        d -= 1;
                        if d == 0 {
                            end = Some(k);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if let Some(end) = end {
                for x in b.iter_mut().take(end + 1).skip(i) {
                    if *x != b'\n' {
                        *x = b' ';
                    }
                }
                if let Some(x) = b.get_mut(i) {
                    *x = b';';
                }
                last = b';';
                i = end + 1;
                continue;
            }
        }
        match c {
            b'{' => depth += 1,
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
        i += 1;
    }
    String::from_utf8(b).unwrap_or_else(|_| text.to_string())
}

struct Walker {
    shift: usize,
    out: Parsed,
    typedefs: HashMap<String, Option<IntType>>,
}

impl Walker {
    fn at(&self, offset: usize) -> usize {
        offset.saturating_sub(self.shift)
    }

    /// The integer type a declaration's specifiers name, if they name one.
    fn specifier_type(&self, d: &Declaration) -> Option<IntType> {
        let mut words: Vec<&str> = Vec::new();
        for s in &d.specifiers {
            let DeclarationSpecifier::TypeSpecifier(t) = &s.node else {
                continue;
            };
            words.push(match &t.node {
                TypeSpecifier::Void => "void",
                TypeSpecifier::Char => "char",
                TypeSpecifier::Short => "short",
                TypeSpecifier::Int => "int",
                TypeSpecifier::Long => "long",
                TypeSpecifier::Signed => "signed",
                TypeSpecifier::Unsigned => "unsigned",
                TypeSpecifier::Bool => "_Bool",
                TypeSpecifier::Enum(_) => "int",
                TypeSpecifier::TypedefName(n) => n.node.name.as_str(),
                _ => "float",
            });
        }
        match int_type_of(&words, &self.typedefs) {
            TypeName::Integer(t) => Some(t),
            TypeName::NotInteger | TypeName::Unknown => None,
        }
    }
}

impl<'a> Visit<'a> for Walker {
    fn visit_declaration(&mut self, d: &'a Declaration, span: &'a Span) {
        let is_typedef = d.specifiers.iter().any(|s| {
            matches!(&s.node, DeclarationSpecifier::StorageClass(c) if c.node == StorageClassSpecifier::Typedef)
        });
        if is_typedef {
            let ty = self.specifier_type(d);
            for init in &d.declarators {
                let decl = &init.node.declarator.node;
                if let DeclaratorKind::Identifier(id) = &decl.kind.node {
                    let t = if decl.derived.is_empty() { ty } else { None };
                    let name = id.node.name.clone();
                    // The prelude's own typedefs are already in the table.
                    if id.span.start >= self.shift {
                        self.out.typedefs.push((name.clone(), t));
                    }
                    self.typedefs.insert(name, t);
                }
            }
        }
        visit::visit_declaration(self, d, span);
    }

    fn visit_enum_type(&mut self, e: &'a EnumType, span: &'a Span) {
        if !e.enumerators.is_empty() {
            let enumerators = e
                .enumerators
                .iter()
                .map(|n| {
                    let x = &n.node;
                    let expr = x
                        .expression
                        .as_ref()
                        .map(|ex| (self.at(ex.span.start), self.at(ex.span.end)));
                    RawEnumerator {
                        name: x.identifier.node.name.clone(),
                        offset: self.at(x.identifier.span.start),
                        expr,
                        end: self.at(n.span.end),
                    }
                })
                .collect();
            self.out.enums.push(RawEnum {
                name: e.identifier.as_ref().map(|i| i.node.name.clone()),
                offset: self.at(span.start),
                end: self.at(span.end),
                enumerators,
            });
        }
        visit::visit_enum_type(self, e, span);
    }
}
