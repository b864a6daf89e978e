//! Identifiers, names and doc text for the emitted code. Everything taken from a
//! header passes through here before it becomes tokens: C names are checked to be
//! identifiers (a keyword becomes a raw identifier, an impossible one an error),
//! and comment text becomes `#[doc = "..."]` string literals, never source text.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::error::{Error, Result};

use crate::rust_name::NOT_RAW;
pub use crate::rust_name::{is_ident_shaped, is_keyword};

/// A position for errors about a name: the header path and line.
#[derive(Debug, Clone, Copy)]
pub struct At<'a> {
    /// The header path as the model has it.
    pub file: &'a str,
    /// 1-based line, 0 when unknown.
    pub line: u32,
}

impl At<'_> {
    /// An error at this position.
    pub fn error(&self, message: impl Into<String>) -> Error {
        Error::at(
            self.file,
            self.line,
            if self.line == 0 { 0 } else { 1 },
            message,
        )
    }
}

/// The Rust name for C name `name` when the spec does not rename it: the name
/// itself, with `_` appended to the keywords that cannot be raw identifiers
/// (`self` → `self_`, `_` → `__`). Other keywords stay and print as `r#fn`.
pub fn default_rust_name(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// An identifier for `name`: raw when it is a keyword, an error when it cannot be
/// an identifier (bad characters, or `self`, `Self`, `super`, `crate`, `_`).
pub fn ident(name: &str, at: At<'_>) -> Result<Ident> {
    if !is_ident_shaped(name) && name != "_" {
        return Err(at
            .error(format!(
                "`{}` cannot be a Rust identifier",
                name.escape_default()
            ))
            .with_snippet(name));
    }
    if NOT_RAW.contains(&name) {
        return Err(at.error(format!(
            "`{name}` is a Rust keyword that cannot be a raw identifier; rename it in the spec"
        )));
    }
    if is_keyword(name) {
        Ok(Ident::new_raw(name, Span::call_site()))
    } else {
        Ok(Ident::new(name, Span::call_site()))
    }
}

/// `#[allow(non_upper_case_globals)]` when a const name is not SCREAMING_CASE (a C
/// name in lower case), so the including crate builds without warnings.
pub fn allow_case(name: &str) -> TokenStream {
    if needs_allow_case(name) {
        quote! { #[allow(non_upper_case_globals)] }
    } else {
        TokenStream::new()
    }
}

/// `iscsi_uevent_e` → `IscsiUeventE`, `NOP_TIMEDOUT` → `NopTimedout`, `10MBPS` →
/// `10Mbps`: each `_`-separated word lower-cased with its first letter upper-cased.
pub fn upper_camel(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split('_').filter(|w| !w.is_empty()) {
        let mut upper_next = true;
        for c in word.chars() {
            if upper_next && c.is_ascii_alphabetic() {
                out.push(c.to_ascii_uppercase());
                upper_next = false;
            } else {
                if c.is_ascii_alphabetic() {
                    upper_next = false;
                }
                out.push(c.to_ascii_lowercase());
            }
        }
    }
    out
}

/// The longest prefix ending in `_` shared by all `names`, never a whole name
/// (one name `ISCSI_OK` gives `ISCSI_`).
pub fn common_prefix<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut iter = names.into_iter();
    let Some(first) = iter.next() else {
        return String::new();
    };
    let mut len = first.len();
    for n in iter {
        len = first
            .bytes()
            .zip(n.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    let shared = first.get(..len).unwrap_or("");
    // Stop at the last `_` that leaves something of the first name after it.
    let limit = if len == first.len() {
        shared.get(..len.saturating_sub(1)).unwrap_or("")
    } else {
        shared
    };
    match limit.rfind('_') {
        Some(i) => first.get(..=i).unwrap_or("").to_string(),
        None => String::new(),
    }
}

/// `name` without `prefix`; when it does not start with it, without the leading
/// whole words it shares with it (`ISCSI_OK` with `ISCSI_ERR_` gives `OK`).
pub fn strip_prefix<'a>(name: &'a str, prefix: &str) -> &'a str {
    if let Some(rest) = name.strip_prefix(prefix)
        && !rest.is_empty()
    {
        return rest;
    }
    let mut cut = 0;
    for (i, _) in prefix.match_indices('_') {
        let candidate = &prefix[..=i];
        if name.starts_with(candidate) && name.len() > candidate.len() {
            cut = candidate.len();
        } else {
            break;
        }
    }
    &name[cut..]
}

/// The Rust enum variant for C `name` in a family with `prefix`: stripped and in
/// UpperCamelCase; a leading digit gets the prefix's last word in front
/// (`ISCSI_PORT_SPEED_10MBPS` → `Speed10Mbps`), or `N` when there is none.
pub fn variant_name(name: &str, prefix: &str) -> String {
    let rest = strip_prefix(name, prefix);
    let mut camel = upper_camel(rest);
    if camel.is_empty() {
        camel = upper_camel(name);
    }
    if camel.starts_with(|c: char| c.is_ascii_digit()) {
        let word = prefix
            .trim_end_matches('_')
            .rsplit('_')
            .next()
            .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or("N");
        camel = format!("{}{camel}", upper_camel(word));
    }
    if camel == "Self" {
        camel.push('_');
    }
    camel
}

/// The associated-const name of an alias on a Rust enum: the C name stripped of
/// `prefix`, kept in SCREAMING_CASE (`ISCSI_FLAG_SNACK_TYPE_R2T` → `R2T`); a
/// leading digit gets the prefix's last word in front, as for variants.
pub fn alias_name(name: &str, prefix: &str) -> String {
    let rest = strip_prefix(name, prefix);
    let rest = if rest.is_empty() { name } else { rest };
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        let word = prefix
            .trim_end_matches('_')
            .rsplit('_')
            .next()
            .filter(|w| !w.is_empty() && !w.starts_with(|c: char| c.is_ascii_digit()))
            .unwrap_or("N");
        format!("{word}_{rest}").to_ascii_uppercase()
    } else {
        rest.to_ascii_uppercase()
    }
}

/// Makes one line of header comment text inert as rustdoc Markdown: leading
/// whitespace removed (no indented code blocks), Markdown punctuation that could
/// start code, links or HTML backslash-escaped, and [`visible_chars`] applied.
pub fn comment_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    for c in line.trim().chars() {
        if matches!(c, '\\' | '`' | '<' | '>' | '[' | ']' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    visible_chars(&out)
}

/// Control characters (a bare CR ends a `///` comment badly) and bidirectional-text
/// controls (rustc denies them in comments) written as visible `\u{..}` escapes;
/// tabs become spaces.
pub fn visible_chars(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32));
            }
            c => out.push(c),
        }
    }
    out
}

/// Unicode characters that reorder text (rustc denies them in comments).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The lines of a header comment, each made inert with [`comment_line`]; runs of
/// blank lines collapse to one, and none lead or trail.
pub fn comment_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.lines() {
        let line = comment_line(raw);
        if line.is_empty() && lines.last().is_none_or(String::is_empty) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// `#[doc = "..."]` attributes, one per line. The lines are the emitter's own
/// Markdown (with untrusted parts already passed through [`code`] or
/// [`comment_lines`]); any line break inside one splits it, and
/// [`visible_chars`] is applied again as a last guard.
pub fn doc_attrs<S: AsRef<str>>(lines: &[S]) -> TokenStream {
    let attrs = doc_values(lines).map(|v| {
        let lit = Literal::string(&v);
        quote! { #[doc = #lit] }
    });
    quote! { #(#attrs)* }
}

/// The value of each `#[doc = "..."]` attribute [`doc_attrs`] makes for `lines`.
fn doc_values<S: AsRef<str>>(lines: &[S]) -> impl Iterator<Item = String> + '_ {
    lines.iter().flat_map(|l| l.as_ref().split('\n')).map(|l| {
        let l = visible_chars(l.trim_end());
        if l.is_empty() { l } else { format!(" {l}") }
    })
}

/// The text prettyplease prints for [`doc_attrs`]`(lines)`: one `///` line per
/// attribute at `indent`, appended to `out`. Every value `doc_values` makes is
/// single-line and starts with a space (or is empty), so it prints as `///` plus
/// the value with trailing spaces trimmed.
pub fn push_doc_lines<S: AsRef<str>>(lines: &[S], indent: &str, out: &mut String) {
    for v in doc_values(lines) {
        out.push_str(indent);
        out.push_str("///");
        out.push_str(v.trim_end_matches(' '));
        out.push('\n');
    }
}

/// Whether [`allow_case`] gives the attribute for `name`.
pub fn needs_allow_case(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_lowercase())
}

/// A string literal token: escapes everything that needs it.
pub fn str_lit(s: &str) -> Literal {
    Literal::string(s)
}

/// Inline code for docs: the text between backticks, with backticks, control and
/// bidirectional-text characters replaced by spaces so it cannot close the span
/// early or reorder the line.
pub fn code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| {
            if c.is_control() || c == '`' || is_bidi_control(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let flat = flat.trim();
    if flat.is_empty() {
        String::from("` `")
    } else {
        format!("`{flat}`")
    }
}
