//! The lang-c driver and visitor: prepared header text → the enums (with the byte
//! spans of their names and initialisers) and the integer typedefs. Values are not
//! computed here; [`crate::eval`] does that, over the same symbol table as macros.
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

use crate::error::Result;
use crate::eval::{IntType, int_type_of};
use crate::preprocess::Prepared;
use crate::preprocess::annotations::prelude;
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

/// Parses the prepared header with lang-c (GNU C11).
pub fn parse(prepared: &Prepared, syms: &Symbols) -> Result<Parsed> {
    check_nesting(prepared, syms)?;
    let pre = prelude();
    let shift = pre.len();
    let mut text = pre;
    text.push_str(&prepared.text);
    let config = Config {
        flavor: Flavor::GnuC11,
        ..Config::default()
    };
    let result = std::panic::catch_unwind(|| parse_preprocessed(&config, text));
    let parse = match result {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => {
            let mut expected: Vec<&str> = e.expected.iter().copied().collect();
            expected.sort_unstable();
            let more = expected.len().saturating_sub(8);
            expected.truncate(8);
            let mut list = expected.join(" ");
            if more > 0 {
                list.push_str(&format!(" (and {more} more)"));
            }
            let at = e.offset.saturating_sub(shift);
            return Err(syms.error_at(
                prepared.file,
                at,
                format!("C syntax error: expected one of {list}"),
            ));
        }
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

/// Rejects bracket nesting deeper than [`MAX_NESTING`].
fn check_nesting(prepared: &Prepared, syms: &Symbols) -> Result<()> {
    let mut depth = 0usize;
    for (i, b) in prepared.text.bytes().enumerate() {
        match b {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(syms.error_at(
                        prepared.file,
                        i,
                        format!("brackets nested more than {MAX_NESTING} deep"),
                    ));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
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
        int_type_of(&words, &self.typedefs).ok().flatten()
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
