//! The C integer vocabulary of the front end: integer types (`IntType`), typed values
//! (`Value`), what a sequence of type words names (`int_type_of`), and the two ways an
//! evaluation ends without a value (`EvalError`). The symbol table stores values in these
//! terms, the evaluator ([`super::eval`]) computes them, and the parse stage reads typedefs
//! with them. It also tells a `#define` body that is no integer expression at all (a
//! string, a type name, a statement) from one that is. It depends on nothing of the front
//! end but the lexer's tokens and [`crate::error`].

use std::collections::HashMap;

use super::lexer::{TokKind, Token};
use crate::error::Error;

/// An integer type by width and signedness (`bits == 1` is `_Bool`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IntType {
    /// Width in bits: 1, 8, 16, 32 or 64.
    pub bits: u8,
    /// `true` for a signed type.
    pub signed: bool,
}

impl IntType {
    /// `int`.
    pub const INT: Self = IntType {
        bits: 32,
        signed: true,
    };
    /// `unsigned int`.
    pub const UINT: Self = IntType {
        bits: 32,
        signed: false,
    };
    /// `long` (and `long long`).
    pub const LONG: Self = IntType {
        bits: 64,
        signed: true,
    };
    /// `unsigned long` (and `unsigned long long`).
    pub const ULONG: Self = IntType {
        bits: 64,
        signed: false,
    };

    /// Wraps `v` to this type, two's complement.
    pub fn wrap(self, v: i128) -> i128 {
        if self.bits == 1 {
            return i128::from(v != 0);
        }
        let bits = u32::from(self.bits.min(64));
        let modulus = 1i128 << bits;
        let m = v.rem_euclid(modulus);
        if self.signed && m >= modulus >> 1 {
            m - modulus
        } else {
            m
        }
    }

    /// The type after integer promotion.
    pub(crate) fn promoted(self) -> Self {
        if self.bits < 32 { IntType::INT } else { self }
    }
}

/// An evaluated integer constant with its C type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    /// The value (already wrapped to `ty`).
    pub value: i128,
    /// Its C type.
    pub ty: IntType,
}

impl Value {
    /// A value of type `ty`, wrapped to it.
    pub fn new(value: i128, ty: IntType) -> Self {
        Value {
            value: ty.wrap(value),
            ty,
        }
    }

    /// The type gcc gives an enumeration constant of this value (`int` when it
    /// fits, else the narrowest of `unsigned int`, `long`, `unsigned long`).
    pub fn for_enumerator(value: i128) -> Self {
        let ty = [IntType::INT, IntType::UINT, IntType::LONG, IntType::ULONG]
            .into_iter()
            .find(|t| t.wrap(value) == value)
            .unwrap_or(IntType::LONG);
        Value::new(value, ty)
    }
}

/// Why an expression has no integer value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// The text is well-formed but not an integer constant expression (a string, a
    /// type name, a floating constant, a pointer): a `#define` like that is simply
    /// not an integer define.
    NotInteger(String),
    /// A real error (undefined identifier, macro cycle, syntax, division by zero).
    Hard(Error),
}

/// Where evaluation happens: a `#if` condition or a C constant expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `#if`/`#elif`: `defined`, identifiers are 0, arithmetic in `intmax_t`.
    Condition,
    /// An enumerator initialiser or a `#define` body evaluated as C.
    Constant,
}

/// Keywords that may make up a type name in a cast.
pub const TYPE_WORDS: [&str; 14] = [
    "unsigned",
    "signed",
    "__signed__",
    "int",
    "long",
    "short",
    "char",
    "_Bool",
    "const",
    "volatile",
    "__const",
    "__volatile__",
    "void",
    "float",
];

/// Annotations that may appear in a cast and mean nothing to the value.
pub const CAST_ANNOTATIONS: [&str; 8] = [
    "__force",
    "__user",
    "__iomem",
    "__kernel",
    "__bitwise",
    "__bitwise__",
    "__rcu",
    "__nocast",
];

/// What a sequence of type words names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeName {
    /// An integer type (`unsigned long`, `uint32_t`).
    Integer(IntType),
    /// A type that is not an integer (`void`, `float`, a struct typedef).
    NotInteger,
    /// A word that is not a type word or a known typedef.
    Unknown,
}

/// The type named by a sequence of type words (`unsigned long`, `__force itt_t`).
pub fn int_type_of(words: &[&str], typedefs: &HashMap<String, Option<IntType>>) -> TypeName {
    let (mut longs, mut unsigned, mut short, mut char_, mut bool_, mut other) =
        (0, false, false, false, false, false);
    let mut named: Option<Option<IntType>> = None;
    for w in words {
        match *w {
            "long" => longs += 1,
            "unsigned" => unsigned = true,
            "short" => short = true,
            "char" => char_ = true,
            "_Bool" => bool_ = true,
            "void" | "float" | "double" => other = true,
            "signed" | "__signed__" | "int" | "const" | "volatile" | "__const" | "__volatile__" => {
            }
            w if CAST_ANNOTATIONS.contains(&w) => {}
            w => match typedefs.get(w) {
                Some(t) if named.is_none() => named = Some(*t),
                _ => return TypeName::Unknown,
            },
        }
    }
    if let Some(t) = named {
        return t.map_or(TypeName::NotInteger, TypeName::Integer);
    }
    if other {
        return TypeName::NotInteger;
    }
    let bits = if bool_ {
        1
    } else if char_ {
        8
    } else if short {
        16
    } else if longs > 0 {
        64
    } else {
        32
    };
    TypeName::Integer(IntType {
        bits,
        signed: !unsigned && !bool_,
    })
}

const NOT_EXPRESSION_WORDS: [&str; 24] = [
    "struct",
    "union",
    "enum",
    "typedef",
    "extern",
    "static",
    "inline",
    "__inline__",
    "__inline",
    "asm",
    "__asm__",
    "__asm",
    "__attribute__",
    "__attribute",
    "do",
    "while",
    "if",
    "for",
    "return",
    "goto",
    "break",
    "continue",
    "switch",
    "register",
];

/// Recognises expansions that are well-formed C but not integer constants.
pub(crate) fn not_integer(
    toks: &[Token],
    typedefs: &HashMap<String, Option<IntType>>,
) -> Result<(), EvalError> {
    let ni = |s: &str| Err(EvalError::NotInteger(s.to_string()));
    if toks.is_empty() {
        return ni("empty body");
    }
    for t in toks {
        match t.kind {
            TokKind::Str => return ni("string literal"),
            TokKind::Number if is_float(&t.text) => return ni("floating constant"),
            TokKind::Punct
                if matches!(
                    t.text.as_str(),
                    "{" | "}" | ";" | "=" | "[" | "]" | "->" | "." | "..."
                ) =>
            {
                return ni("not an expression");
            }
            TokKind::Ident if NOT_EXPRESSION_WORDS.contains(&t.text.as_str()) => {
                return ni("declaration or statement");
            }
            _ => {}
        }
    }
    let is_type_word = |t: &Token| {
        t.is_punct("*")
            || (t.kind == TokKind::Ident
                && (TYPE_WORDS.contains(&t.text.as_str())
                    || CAST_ANNOTATIONS.contains(&t.text.as_str())
                    || typedefs.contains_key(&t.text)))
    };
    if toks.iter().all(is_type_word) {
        return ni("type name");
    }
    Ok(())
}

fn is_float(n: &str) -> bool {
    let lower = n.to_ascii_lowercase();
    if lower.starts_with("0x") {
        lower.contains('.') || lower.contains('p')
    } else {
        lower.contains('.') || lower.contains('e')
    }
}
