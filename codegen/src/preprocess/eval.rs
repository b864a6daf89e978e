//! The one integer evaluator, over the one symbol table. `#if` conditions, `#define`
//! bodies and enumerator initialisers all come here, so a value means the same thing
//! wherever it is written: enumerators may use macros (`UEVENT_BASE + 1`) and macros
//! may use enumerators (`1ULL << ISCSI_PARAM_MAX_RECV_DLENGTH`).
//!
//! Arithmetic follows gcc on LP64 (x86-64): C types are tracked (`int`, `unsigned`,
//! `long`, `unsigned long`; `long long` has the width of `long`), the usual arithmetic
//! conversions apply, unsigned results and shifts wrap to their type (`1 << 31` is
//! `-2147483648`, `(uint32_t)-1` is `4294967295`), a signed `+ - * / %` or negation
//! whose result its type cannot hold is an error (undefined in C: `INT_MIN / -1`),
//! plain `char` is signed. Values are held in `i128`
//! so no intermediate step overflows. `#if` arithmetic is in `intmax_t`/`uintmax_t`
//! and turns leftover identifiers into `0`, as the C standard says.
//!
//! It lives in the preprocessor because `#if` needs it; the later stages (the enum walk and
//! the define pass of [`crate::extract`]) call it through the symbol table. It depends only
//! on the lexer, the symbol table and [`super::ctype`], never on a later stage.

use super::ctype::{
    CAST_ANNOTATIONS, EvalError, IntType, Mode, TYPE_WORDS, TypeName, Value, int_type_of,
    not_integer,
};
use super::lexer::{TokKind, Token};
use super::symbols::Symbols;
use crate::error::Error;

impl Symbols {
    /// Evaluates `tokens` (macros expanded first) in `mode`. `at` is the position
    /// reported when there is no token to blame (an empty expression).
    pub fn eval(&self, tokens: &[Token], mode: Mode, at: (u32, usize)) -> Result<Value, EvalError> {
        let mut expanded = Vec::new();
        let mut hide = Vec::new();
        self.expand(tokens, mode, &mut hide, &mut expanded)?;
        if mode == Mode::Constant {
            not_integer(&expanded, &self.typedefs)?;
        }
        let Some(last) = expanded.last().cloned() else {
            return Err(EvalError::Hard(self.error_at(
                at.0,
                at.1,
                "expected an expression, found nothing",
            )));
        };
        let mut p = Parser {
            syms: self,
            toks: &expanded,
            pos: 0,
            mode,
            last,
            depth: 0,
        };
        let v = p.ternary(true)?;
        if let Some(t) = expanded.get(p.pos) {
            return Err(self.err(
                t,
                format!("unexpected `{}` after a complete expression", t.text),
            ));
        }
        Ok(v)
    }

    /// Evaluates the object-like macro `name` as C (its expansion at this point).
    pub fn eval_macro(&self, name: &str) -> Result<Value, EvalError> {
        let Some(m) = self.macros.get(name) else {
            return Err(EvalError::Hard(Error::msg(format!(
                "no macro named {name}"
            ))));
        };
        let tok = Token {
            kind: TokKind::Ident,
            text: name.to_string(),
            file: m.file,
            offset: m.offset,
        };
        if m.body.is_empty() {
            return Err(EvalError::NotInteger("empty body".into()));
        }
        self.eval(
            std::slice::from_ref(&tok),
            Mode::Constant,
            (m.file, m.offset),
        )
    }
}

/// Precedence of a binary operator (higher binds tighter).
fn precedence(t: &Token) -> Option<u8> {
    if t.kind != TokKind::Punct {
        return None;
    }
    Some(match t.text.as_str() {
        "||" => 1,
        "&&" => 2,
        "|" => 3,
        "^" => 4,
        "&" => 5,
        "==" | "!=" => 6,
        "<" | ">" | "<=" | ">=" => 7,
        "<<" | ">>" => 8,
        "+" | "-" => 9,
        "*" | "/" | "%" => 10,
        _ => return None,
    })
}

/// The common type of the usual arithmetic conversions.
fn usual(a: IntType, b: IntType) -> IntType {
    let (a, b) = (a.promoted(), b.promoted());
    if a == b {
        return a;
    }
    if a.signed == b.signed {
        return if a.bits >= b.bits { a } else { b };
    }
    let (s, u) = if a.signed { (a, b) } else { (b, a) };
    if u.bits >= s.bits { u } else { s }
}

/// A recursive-descent parser that evaluates as it goes. `live == false` marks an
/// operand C does not evaluate (`0 && x`, the untaken side of `?:`): its type still
/// counts, a division by zero there does not.
struct Parser<'a> {
    syms: &'a Symbols,
    toks: &'a [Token],
    pos: usize,
    mode: Mode,
    /// The last token, blamed when the expression ends too early.
    last: Token,
    depth: u32,
}

impl Parser<'_> {
    fn adj(&self, ty: IntType) -> IntType {
        match self.mode {
            Mode::Constant => ty,
            Mode::Condition if ty.signed => IntType::LONG,
            Mode::Condition => IntType::ULONG,
        }
    }

    fn hard(&self, t: &Token, message: impl Into<String>) -> EvalError {
        EvalError::Hard(self.syms.error_at(t.file, t.offset, message))
    }

    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Result<Token, EvalError> {
        match self.toks.get(self.pos) {
            Some(t) => {
                self.pos += 1;
                Ok(t.clone())
            }
            None => Err(self.hard(
                &self.last,
                format!("expression ends early after `{}`", self.last.text),
            )),
        }
    }

    fn expect(&mut self, p: &str) -> Result<(), EvalError> {
        let t = self.next()?;
        if t.is_punct(p) {
            Ok(())
        } else {
            Err(self.hard(&t, format!("expected `{p}`, found `{}`", t.text)))
        }
    }

    fn ternary(&mut self, live: bool) -> Result<Value, EvalError> {
        self.depth += 1;
        if self.depth > 256 {
            let t = self.peek().unwrap_or(&self.last).clone();
            return Err(self.hard(&t, "expression nested too deeply"));
        }
        let c = self.binary(1, live)?;
        let v = if self.peek().is_some_and(|t| t.is_punct("?")) {
            self.pos += 1;
            let yes = self.ternary(live && c.value != 0)?;
            self.expect(":")?;
            let no = self.ternary(live && c.value == 0)?;
            let ty = self.adj(usual(yes.ty, no.ty));
            Value::new(if c.value != 0 { yes.value } else { no.value }, ty)
        } else {
            c
        };
        self.depth -= 1;
        Ok(v)
    }

    fn binary(&mut self, min: u8, live: bool) -> Result<Value, EvalError> {
        let mut lhs = self.unary(live)?;
        while let Some(op) = self.peek().cloned() {
            let Some(prec) = precedence(&op) else { break };
            if prec < min {
                break;
            }
            self.pos += 1;
            let int = self.adj(IntType::INT);
            lhs = match op.text.as_str() {
                "&&" => {
                    let rhs = self.binary(prec + 1, live && lhs.value != 0)?;
                    Value::new(i128::from(lhs.value != 0 && rhs.value != 0), int)
                }
                "||" => {
                    let rhs = self.binary(prec + 1, live && lhs.value == 0)?;
                    Value::new(i128::from(lhs.value != 0 || rhs.value != 0), int)
                }
                _ => {
                    let rhs = self.binary(prec + 1, live)?;
                    self.apply(&op, lhs, rhs, live)?
                }
            };
        }
        Ok(lhs)
    }

    fn apply(&self, op: &Token, a: Value, b: Value, live: bool) -> Result<Value, EvalError> {
        let int = self.adj(IntType::INT);
        if matches!(op.text.as_str(), "<<" | ">>") {
            let ty = self.adj(a.ty.promoted());
            let av = ty.wrap(a.value);
            if b.value < 0 || b.value >= i128::from(ty.bits) {
                if live {
                    return Err(self.hard(
                        op,
                        format!(
                            "shift count {} is out of range for a {}-bit type",
                            b.value, ty.bits
                        ),
                    ));
                }
                return Ok(Value::new(0, ty));
            }
            let n = u32::try_from(b.value).unwrap_or(0);
            let r = if op.text == "<<" {
                av.wrapping_shl(n)
            } else {
                av >> n
            };
            return Ok(Value::new(r, ty));
        }
        let ty = self.adj(usual(a.ty, b.ty));
        let (x, y) = (ty.wrap(a.value), ty.wrap(b.value));
        // Operands are at most 64 bits wide, so a signed result is exact in i128
        // (an unsigned one wraps mod 2^128, which `Value::new` reduces correctly).
        let r = match op.text.as_str() {
            "*" => x.wrapping_mul(y),
            "/" | "%" if y == 0 => {
                if live {
                    return Err(self.hard(op, "division by zero"));
                }
                0
            }
            "/" => x.wrapping_div(y),
            "%" => x.wrapping_rem(y),
            "+" => x.wrapping_add(y),
            "-" => x.wrapping_sub(y),
            "&" => x & y,
            "^" => x ^ y,
            "|" => x | y,
            cmp => {
                let v = match cmp {
                    "==" => x == y,
                    "!=" => x != y,
                    "<" => x < y,
                    ">" => x > y,
                    "<=" => x <= y,
                    _ => x >= y,
                };
                return Ok(Value::new(i128::from(v), int));
            }
        };
        if live && op.text == "%" {
            // `%` is undefined exactly when `/` is (C11 6.5.5p6: INT_MIN % -1).
            let q = x.wrapping_div(y);
            self.check_overflow(op, q, ty, || format!("the quotient of {x} % {y}"))?;
        } else if live {
            self.check_overflow(op, r, ty, || format!("{x} {} {y}", op.text))?;
        }
        Ok(Value::new(r, ty))
    }

    /// A signed result that its type cannot hold is an error: C leaves signed
    /// overflow undefined (`INT_MAX + 1`, `INT_MIN / -1`, `INT_MIN % -1`, `-INT_MIN`),
    /// where unsigned arithmetic wraps. Shifts are not checked here: gcc defines
    /// `1 << 31` as `INT_MIN`, and the kernel's headers rely on it.
    fn check_overflow(
        &self,
        at: &Token,
        exact: i128,
        ty: IntType,
        what: impl FnOnce() -> String,
    ) -> Result<(), EvalError> {
        if !ty.signed || ty.wrap(exact) == exact {
            return Ok(());
        }
        let name = match ty.bits {
            32 => "int".to_string(),
            64 if self.mode == Mode::Condition => "intmax_t".to_string(),
            64 => "long".to_string(),
            b => format!("a {b}-bit signed type"),
        };
        Err(self.hard(
            at,
            format!(
                "integer overflow: {} is {exact}, which {name} cannot hold (signed overflow \
                 is undefined in C)",
                what()
            ),
        ))
    }

    fn unary(&mut self, live: bool) -> Result<Value, EvalError> {
        self.depth += 1;
        let v = self.unary_inner(live);
        self.depth -= 1;
        v
    }

    fn unary_inner(&mut self, live: bool) -> Result<Value, EvalError> {
        let t = self.next()?;
        if self.depth > 256 {
            return Err(self.hard(&t, "expression nested too deeply"));
        }
        match t.kind {
            TokKind::Punct => match t.text.as_str() {
                "-" | "+" | "~" => {
                    let a = self.unary(live)?;
                    let ty = self.adj(a.ty.promoted());
                    if t.text == "-" && live {
                        let x = ty.wrap(a.value);
                        self.check_overflow(&t, -x, ty, || format!("-({x})"))?;
                    }
                    Ok(match t.text.as_str() {
                        "-" => Value::new(a.value.wrapping_neg(), ty),
                        "~" => Value::new(!a.value, ty),
                        _ => Value::new(a.value, ty),
                    })
                }
                "!" => {
                    let a = self.unary(live)?;
                    Ok(Value::new(i128::from(a.value == 0), self.adj(IntType::INT)))
                }
                "(" => {
                    if self.mode == Mode::Constant
                        && self.peek().is_some_and(|n| self.is_type_word(n))
                    {
                        let ty = self.cast_type()?;
                        let a = self.unary(live)?;
                        let v = Value::new(a.value, ty);
                        return Ok(if ty.bits < 32 {
                            Value {
                                ty: IntType::INT,
                                ..v
                            }
                        } else {
                            v
                        });
                    }
                    let v = self.ternary(live)?;
                    self.expect(")")?;
                    Ok(v)
                }
                _ => Err(self.hard(&t, format!("expected an expression, found `{}`", t.text))),
            },
            TokKind::Number => self.int_literal(&t),
            TokKind::Char => self.char_literal(&t),
            TokKind::Str => Err(EvalError::NotInteger("string literal".into())),
            TokKind::Ident => {
                if self.mode == Mode::Condition {
                    return Ok(Value::new(0, IntType::LONG));
                }
                if let Some(v) = self.syms.enum_consts.get(&t.text) {
                    return Ok(*v);
                }
                if matches!(
                    t.text.as_str(),
                    "sizeof" | "_Alignof" | "__alignof__" | "alignof"
                ) {
                    return Err(self.hard(
                        &t,
                        format!("`{}` is not supported in constant expressions here", t.text),
                    ));
                }
                if self.is_type_word(&t) {
                    return Err(self.hard(&t, format!("unexpected type name `{}`", t.text)));
                }
                Err(self.hard(&t, format!("undefined identifier `{}`", t.text)))
            }
        }
    }

    fn is_type_word(&self, t: &Token) -> bool {
        t.kind == TokKind::Ident
            && (TYPE_WORDS.contains(&t.text.as_str())
                || CAST_ANNOTATIONS.contains(&t.text.as_str())
                || self.syms.typedefs.contains_key(&t.text))
    }

    /// Reads `type-name )` after the `(` of a cast.
    fn cast_type(&mut self) -> Result<IntType, EvalError> {
        let mut words = Vec::new();
        let first = self.peek().cloned().unwrap_or_else(|| self.last.clone());
        loop {
            let t = self.next()?;
            if t.is_punct(")") {
                break;
            }
            if t.is_punct("*") {
                return Err(EvalError::NotInteger("pointer cast".into()));
            }
            if t.kind != TokKind::Ident {
                return Err(self.hard(&t, format!("unexpected `{}` in a cast", t.text)));
            }
            words.push(t.text);
        }
        let refs: Vec<&str> = words.iter().map(String::as_str).collect();
        match int_type_of(&refs, &self.syms.typedefs) {
            TypeName::Integer(ty) => Ok(ty),
            TypeName::NotInteger => Err(EvalError::NotInteger("cast to a non-integer type".into())),
            TypeName::Unknown => Err(self.hard(
                &first,
                format!("unknown type name in cast `({})`", words.join(" ")),
            )),
        }
    }

    fn int_literal(&self, t: &Token) -> Result<Value, EvalError> {
        let s = t.text.as_str();
        let bad = || self.hard(t, format!("invalid integer constant `{s}`"));
        let lower = s.to_ascii_lowercase();
        let (radix, digits) = if lower.starts_with("0x") {
            (16, s.get(2..).unwrap_or_default())
        } else if lower.starts_with("0b") {
            (2, s.get(2..).unwrap_or_default())
        } else if s.len() > 1 && s.starts_with('0') {
            (8, s.get(1..).unwrap_or_default())
        } else {
            (10, s)
        };
        let num = digits.trim_end_matches(['u', 'U', 'l', 'L']);
        let suffix = digits.get(num.len()..).unwrap_or_default();
        let unsigned = suffix.contains(['u', 'U']);
        let longs = suffix.matches(['l', 'L']).count();
        let suffix_ok = matches!(
            suffix,
            "" | "u"
                | "U"
                | "l"
                | "L"
                | "ul"
                | "uL"
                | "Ul"
                | "UL"
                | "lu"
                | "lU"
                | "Lu"
                | "LU"
                | "ll"
                | "LL"
                | "ull"
                | "uLL"
                | "Ull"
                | "ULL"
                | "llu"
                | "llU"
                | "LLu"
                | "LLU"
        );
        if !suffix_ok || (num.is_empty() && radix != 8) {
            return Err(bad());
        }
        let value = if num.is_empty() {
            0
        } else {
            u128::from_str_radix(num, radix).map_err(|_| bad())?
        };
        if value > u128::from(u64::MAX) {
            return Err(self.hard(t, format!("integer constant `{s}` is too large")));
        }
        let value = value as i128;
        let candidates: &[IntType] = match (unsigned, longs > 0, radix == 10) {
            (true, false, _) => &[IntType::UINT, IntType::ULONG],
            (true, true, _) => &[IntType::ULONG],
            (false, true, _) => &[IntType::LONG, IntType::ULONG],
            (false, false, true) => &[IntType::INT, IntType::LONG, IntType::ULONG],
            (false, false, false) => &[IntType::INT, IntType::UINT, IntType::LONG, IntType::ULONG],
        };
        let ty = candidates
            .iter()
            .copied()
            .find(|ty| ty.wrap(value) == value)
            .unwrap_or(IntType::ULONG);
        Ok(Value::new(value, self.adj(ty)))
    }

    fn char_literal(&self, t: &Token) -> Result<Value, EvalError> {
        let s = t.text.as_str();
        let q = s.find('\'').unwrap_or(0);
        let escaped_close = s.ends_with("\\'") && !s.ends_with("\\\\'");
        if s.len() < q + 2 || !s.ends_with('\'') || escaped_close {
            return Err(self.hard(t, "unterminated character constant"));
        }
        let prefix = s.get(..q).unwrap_or_default();
        let inner = s.get(q + 1..s.len().saturating_sub(1)).unwrap_or_default();
        let mut units: Vec<u32> = Vec::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '\\' {
                if prefix.is_empty() {
                    let mut buf = [0u8; 4];
                    units.extend(c.encode_utf8(&mut buf).bytes().map(u32::from));
                } else {
                    units.push(u32::from(c));
                }
                continue;
            }
            let Some(e) = chars.next() else { break };
            let v = match e {
                'n' => 10,
                't' => 9,
                'r' => 13,
                'a' => 7,
                'b' => 8,
                'f' => 12,
                'v' => 11,
                'e' | 'E' => 27,
                'x' => {
                    let mut v: u32 = 0;
                    while let Some(d) = chars.peek().and_then(|d| d.to_digit(16)) {
                        v = v.wrapping_mul(16).wrapping_add(d);
                        chars.next();
                    }
                    v
                }
                '0'..='7' => {
                    let mut v = e.to_digit(8).unwrap_or(0);
                    for _ in 0..2 {
                        match chars.peek().and_then(|d| d.to_digit(8)) {
                            Some(d) => {
                                v = v * 8 + d;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    v
                }
                other => u32::from(other),
            };
            units.push(v);
        }
        let Some(&last) = units.last() else {
            return Err(self.hard(t, "empty character constant"));
        };
        let v = match prefix {
            "" if units.len() == 1 => Value::new(i128::from(last as u8 as i8), IntType::INT),
            "" => Value::new(
                units
                    .iter()
                    .fold(0i128, |acc, &u| (acc << 8) | i128::from(u & 0xff)),
                IntType::INT,
            ),
            "U" => Value::new(i128::from(last), IntType::UINT),
            "u" => Value::new(i128::from(last & 0xffff), IntType::INT),
            _ => Value::new(i128::from(last), IntType::INT),
        };
        Ok(Value::new(v.value, self.adj(v.ty)))
    }
}
