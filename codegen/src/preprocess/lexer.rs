//! C tokens for the parts of a header we evaluate ourselves: `#define` bodies,
//! `#if` conditions and enumerator initialisers. lang-c has its own lexer for the
//! declarations; this one only needs to be exact about numbers, characters,
//! identifiers and punctuators, and to report every position it cannot read.

/// What kind of token a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// An identifier or keyword.
    Ident,
    /// A preprocessing number (`0x1fUL`, `1.5e3`): classified by the evaluator.
    Number,
    /// A character literal with its quotes (`'a'`, `L'\n'`).
    Char,
    /// A string literal with its quotes.
    Str,
    /// A punctuator (`<<`, `(`, `?`).
    Punct,
}

/// One token with the place it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The kind of token.
    pub kind: TokKind,
    /// The token's text as written.
    pub text: String,
    /// Index of the file in the symbol table's file list.
    pub file: u32,
    /// Byte offset of the token's first byte in that file.
    pub offset: usize,
}

impl Token {
    /// `true` when this is the punctuator `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == TokKind::Punct && self.text == p
    }

    /// `true` when this is the identifier `name`.
    pub fn is_ident(&self, name: &str) -> bool {
        self.kind == TokKind::Ident && self.text == name
    }
}

/// A lexing failure: the byte offset (in the lexed text) and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    /// Byte offset in the text given to [`lex`].
    pub offset: usize,
    /// What was wrong.
    pub message: String,
}

const PUNCTS: [&str; 48] = [
    "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "*=",
    "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##", "[", "]", "(", ")", "{", "}", ".", "&", "*",
    "+", "-", "~", "!", "/", "%", "<", ">", "^", "|", "?", ":", ";", "=", ",", "#",
];

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

fn is_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// Splits `text` (comments already removed) into tokens. `offset_of` maps a byte
/// offset in `text` to the offset in file `file` that the token records.
pub fn lex(
    text: &str,
    file: u32,
    offset_of: &dyn Fn(usize) -> usize,
) -> Result<Vec<Token>, LexError> {
    lex_with(text, file, offset_of, false)
}

/// Like [`lex`], but never fails: as in a C preprocessor, a stray character is a
/// token of its own and an unterminated literal runs to the end. Used for macro
/// bodies, which may hold anything until someone evaluates them.
pub fn lex_lenient(text: &str, file: u32, offset_of: &dyn Fn(usize) -> usize) -> Vec<Token> {
    lex_with(text, file, offset_of, true).unwrap_or_default()
}

fn lex_with(
    text: &str,
    file: u32,
    offset_of: &dyn Fn(usize) -> usize,
    lenient: bool,
) -> Result<Vec<Token>, LexError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let kind;
        if is_ident_start(c) {
            while b.get(i).is_some_and(|&x| is_ident_continue(x)) {
                i += 1;
            }
            // An encoding prefix glued to a character or string literal.
            let prefix = text.get(start..i).unwrap_or_default();
            match b.get(i) {
                Some(&q @ (b'\'' | b'"')) if matches!(prefix, "L" | "u" | "U" | "u8") => {
                    i = quoted(b, i, q).or_else(|e| if lenient { Ok(b.len()) } else { Err(e) })?;
                    kind = if q == b'\'' {
                        TokKind::Char
                    } else {
                        TokKind::Str
                    };
                }
                _ => kind = TokKind::Ident,
            }
        } else if c.is_ascii_digit()
            || (c == b'.' && b.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            i += 1;
            while let Some(&x) = b.get(i) {
                let exponent_sign = matches!(x, b'+' | b'-')
                    && matches!(b.get(i - 1), Some(b'e' | b'E' | b'p' | b'P'));
                if exponent_sign || is_ident_continue(x) || x == b'.' {
                    i += 1;
                } else {
                    break;
                }
            }
            kind = TokKind::Number;
        } else if c == b'\'' || c == b'"' {
            i = quoted(b, i, c).or_else(|e| if lenient { Ok(b.len()) } else { Err(e) })?;
            kind = if c == b'\'' {
                TokKind::Char
            } else {
                TokKind::Str
            };
        } else if let Some(p) = PUNCTS.iter().find(|p| b[i..].starts_with(p.as_bytes())) {
            i += p.len();
            kind = TokKind::Punct;
        } else if lenient {
            i += text
                .get(i..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            kind = TokKind::Punct;
        } else {
            let ch = text.get(i..).and_then(|s| s.chars().next()).unwrap_or('?');
            return Err(LexError {
                offset: i,
                message: format!("unexpected character {ch:?}"),
            });
        }
        out.push(Token {
            kind,
            text: text.get(start..i).unwrap_or_default().to_string(),
            file,
            offset: offset_of(start),
        });
    }
    Ok(out)
}

/// Returns the offset just past the closing quote of the literal opening at `i`.
fn quoted(b: &[u8], mut i: usize, q: u8) -> Result<usize, LexError> {
    let open = i;
    i += 1;
    while let Some(&x) = b.get(i) {
        match x {
            b'\\' => i += 2,
            b'\n' => break,
            _ if x == q => return Ok(i + 1),
            _ => i += 1,
        }
    }
    Err(LexError {
        offset: open,
        message: format!(
            "unterminated {} literal",
            if q == b'"' { "string" } else { "character" }
        ),
    })
}

/// Collapses every run of whitespace to one space and trims the ends: the
/// whitespace-normalised form used for `expr` in the model.
pub fn normalise_ws(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_ascii_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_numbers_chars_and_puncts() {
        let t = lex("(1ULL<<x)|'\\''+0x1e+2 u8\"s\" ...", 0, &|o| o).unwrap_or_default();
        let texts: Vec<&str> = t.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "(", "1ULL", "<<", "x", ")", "|", "'\\''", "+", "0x1e+2", "u8\"s\"", "..."
            ]
        );
        assert_eq!(t.get(3).map(|t| t.offset), Some(7));
    }

    #[test]
    fn reports_bad_characters() {
        assert!(lex("1 @ 2", 0, &|o| o).is_err());
        assert!(lex("'abc", 0, &|o| o).is_err());
        assert!(lex("\"abc\\", 0, &|o| o).is_err());
    }
}
