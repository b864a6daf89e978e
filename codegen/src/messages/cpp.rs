//! The preprocessor side of a C file, as the message extractor needs it: `#define`s of
//! strings (`#define PFX "nic "`, `iface_fmt`), the bodies of the other `#define`s (a macro
//! may log), and `#if 0` regions (dead code, not messages). Directive lines are blanked so
//! that the scanner sees only code.

use std::collections::BTreeMap;

use crate::preprocess::comments;
use crate::preprocess::lexer::{TokKind, lex_lenient};
use crate::preprocess::source_map::LineIndex;

/// One `#define` of a file: its name, body (the logical line after the name and any
/// parameter list) and where it starts.
pub(super) struct Define {
    pub(super) name: String,
    pub(super) body: String,
    pub(super) offset: usize,
}

/// The text with every preprocessor line (and its continuations) blanked, newlines kept;
/// the object-like `#define`s whose bodies are string literals and earlier such macros go
/// into `strings`, and every `#define` is returned for its calls.
pub(super) fn directives(
    text: &str,
    strings: &mut BTreeMap<String, String>,
) -> (String, Vec<Define>) {
    let mut code = text.as_bytes().to_vec();
    let mut defines = Vec::new();
    // (start, end) of every line, end before its newline.
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, c) in text.bytes().enumerate() {
        if c == b'\n' {
            spans.push((start, i));
            start = i + 1;
        }
    }
    spans.push((start, text.len()));
    // Inside `#if 0` (the conditional nesting depth that opened it): dead code, blanked.
    let mut dead: Option<usize> = None;
    let mut nest = 0usize;
    let blank = |code: &mut Vec<u8>, a: usize, b: usize| {
        for c in &mut code[a..b] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut k = 0;
    while k < spans.len() {
        let (a, mut b) = spans[k];
        if !text[a..b].trim_start().starts_with('#') {
            if dead.is_some() {
                blank(&mut code, a, b);
            }
            k += 1;
            continue;
        }
        let words: Vec<&str> = text[a..b]
            .trim_start()
            .trim_start_matches('#')
            .split_whitespace()
            .take(2)
            .collect();
        match words.first().copied() {
            Some("if" | "ifdef" | "ifndef") => {
                nest += 1;
                if dead.is_none() && words.first() == Some(&"if") && words.get(1) == Some(&"0") {
                    dead = Some(nest);
                }
            }
            Some("else" | "elif") if dead == Some(nest) => dead = None,
            Some("endif") => {
                if dead == Some(nest) {
                    dead = None;
                }
                nest = nest.saturating_sub(1);
            }
            _ => {}
        }
        if dead.is_some() {
            blank(&mut code, a, b);
            k += 1;
            continue;
        }
        // The logical line: through every backslash-newline.
        while text[a..b].trim_end().ends_with('\\') && k + 1 < spans.len() {
            k += 1;
            b = spans[k].1;
        }
        let logical = text[a..b].replace("\\\r\n", " ").replace("\\\n", " ");
        if let Some((name, value)) = string_define(&logical, strings) {
            strings.insert(name, value);
        } else if let Some((name, body)) = define_body(&logical) {
            defines.push(Define {
                name,
                body,
                offset: a,
            });
        }
        blank(&mut code, a, b);
        k += 1;
    }
    (String::from_utf8_lossy(&code).into_owned(), defines)
}

/// `#define NAME(params) body` or `#define NAME body` as (NAME, body).
fn define_body(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("define")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, mut body) = rest.split_at(name_len);
    if let Some(params) = body.strip_prefix('(') {
        body = params.split_once(')').map_or("", |(_, b)| b);
    }
    Some((name.to_string(), body.to_string()))
}

/// Whether an identifier left in a format names a build-time define (`PACKAGE_VERSION`):
/// upper case, digits and `_` only.
pub(super) fn is_build_define(name: &str) -> bool {
    name.len() > 1
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The string `#define`s of a header (for the tree-wide table [`scan`] is given).
pub fn header_strings(text: &str, strings: &mut BTreeMap<String, String>) {
    let lines = LineIndex::new(text);
    if let Ok(stripped) = comments::strip(text, &lines) {
        directives(&stripped.text, strings);
    }
}

/// `#define NAME "a" OTHER "b"` as (NAME, its string), when the body is only string
/// literals and known string macros.
fn string_define(line: &str, known: &BTreeMap<String, String>) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let rest = rest.strip_prefix("define")?;
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, body) = rest.split_at(name_len);
    if name.is_empty() || body.starts_with('(') {
        return None;
    }
    let tokens = lex_lenient(body, 0, &|o| o);
    if tokens.is_empty() {
        return None;
    }
    let mut value = String::new();
    for t in &tokens {
        match t.kind {
            TokKind::Str => value.push_str(&literal(&t.text)),
            TokKind::Ident => value.push_str(known.get(&t.text)?),
            _ => return None,
        }
    }
    Some((name.to_string(), value))
}

/// A string literal's contents as the catalog writes them: quotes and any encoding prefix
/// removed, `\"` and `\'` decoded, every other escape kept as written.
pub(super) fn literal(token: &str) -> String {
    let inner = token
        .find('"')
        .and_then(|a| {
            token
                .rfind('"')
                .filter(|b| *b > a)
                .map(|b| &token[a + 1..b])
        })
        .unwrap_or("");
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(q @ ('"' | '\'')) => out.push(q),
                // A line splice inside the literal (translation phase 2).
                Some('\n') => {}
                Some('\r') => {
                    let mut peek = chars.clone();
                    if peek.next() == Some('\n') {
                        chars = peek;
                    } else {
                        out.push_str("\\\r");
                    }
                }
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            }
        } else if c == '\t' {
            // A real TAB in the literal: written as the catalog writes it.
            out.push_str("\\t");
        } else {
            out.push(c);
        }
    }
    out
}
