//! Secrets in encoded text: what the decoder would decode before matching, the redactor
//! decodes before masking.
//!
//! - **A JSON object** anywhere in the line (journalctl `-o json`, docker, zap, a record
//!   relayed in a syslog line): each member is read as the value it holds. A member whose
//!   key names a secret is masked whole; a string is unescaped (`pass\u0077ord` is a key,
//!   a quoted argument is an argument) and journalctl's byte-array form of a `MESSAGE` with
//!   non-printable bytes (`"MESSAGE":[112,97,…]`) decoded, and when that text holds a secret
//!   the value becomes a JSON string of it, masked. Nested objects likewise. The record
//!   stays valid JSON, so the decoder still reads it.
//! - **Backslash escapes** elsewhere (logfmt, Go and Python quoting): the line is replaced
//!   by its unescaped, masked text.
//! - **HTML character references** (`password&#61;x`): likewise.
//!
//! Nothing changes unless a decoded form holds a secret.

use super::text::{MASK, Redactor};
use crate::decode::envelope::json::{JsonValue, json_members};
use crate::decode::unwrap::{html_entities, unescape};
use std::borrow::Cow;

/// Decoding inside decoding (a JSON string holding an escaped JSON record) is followed this
/// far.
const MAX_DEPTH: usize = 4;

/// The line with every secret masked, in its text and its encoded forms.
pub fn redact<'a>(r: &Redactor, line: &'a str, depth: usize) -> Cow<'a, str> {
    if depth >= MAX_DEPTH {
        return r.redact_text(line);
    }
    if let Some(v) = with_json(r, line, depth) {
        return v;
    }
    let text = r.redact_text(line);
    let b = text.as_bytes();
    if memchr::memchr(b'\\', b).is_some() {
        let d = unescape(&text);
        if d != *text {
            if let Cow::Owned(v) = redact(r, &d, depth + 1) {
                return Cow::Owned(v);
            }
        }
    }
    if memchr::memchr(b'&', b).is_some() {
        if let Some(d) = html_entities(&text) {
            if let Cow::Owned(v) = redact(r, &d, depth + 1) {
                return Cow::Owned(v);
            }
        }
    }
    text
}

/// The line redacted around and inside its first JSON object, if it has one.
fn with_json<'a>(r: &Redactor, line: &'a str, depth: usize) -> Option<Cow<'a, str>> {
    let b = line.as_bytes();
    let mut from = 0;
    let start = loop {
        let i = memchr::memchr(b'{', &b[from..])? + from;
        let next = b[i + 1..].iter().find(|c| !c.is_ascii_whitespace());
        if matches!(next, Some(b'"' | b'}')) {
            break i;
        }
        from = i + 1;
    };
    let (end, inner) = record(r, &line[start..], depth)?;
    let (pre, post) = (&line[..start], &line[start + end..]);
    let pre = redact(r, pre, depth + 1);
    let post = redact(r, post, depth + 1);
    if inner.is_none() && matches!(pre, Cow::Borrowed(_)) && matches!(post, Cow::Borrowed(_)) {
        return Some(Cow::Borrowed(line));
    }
    let obj = inner.unwrap_or_else(|| line[start..start + end].to_string());
    Some(Cow::Owned(format!("{pre}{obj}{post}")))
}

/// A JSON object at the start of `obj`: where it ends, and its text rewritten if a member
/// held a secret.
fn record(r: &Redactor, obj: &str, depth: usize) -> Option<(usize, Option<String>)> {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let end = json_members(obj, |key, span, v| {
        let raw = &obj[span.clone()];
        if r.is_secret_key(key) {
            if raw != format!("\"{MASK}\"") {
                edits.push((span, format!("\"{MASK}\"")));
            }
            return;
        }
        let decoded = match v {
            JsonValue::Str(s) => s.into_owned(),
            JsonValue::Bytes(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            JsonValue::Other if raw.starts_with('{') => {
                if let Some((_, Some(inner))) = record(r, raw, depth + 1) {
                    edits.push((span, inner));
                }
                return;
            }
            JsonValue::Other => return,
        };
        if let Cow::Owned(m) = redact(r, &decoded, depth + 1) {
            let json = serde_json::to_string(&m).unwrap_or_else(|_| format!("\"{MASK}\""));
            edits.push((span, json));
        }
    })?;
    if edits.is_empty() {
        return Some((end, None));
    }
    let mut out = obj[..end].to_string();
    for (span, m) in edits.into_iter().rev() {
        out.replace_range(span, &m);
    }
    Some((end, Some(out)))
}
