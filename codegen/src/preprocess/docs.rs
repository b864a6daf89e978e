//! Which comment describes what: the docs of enums, enumerators and `#define`s, and
//! the section heading above a run of `#define`s.
//!
//! - A *trailing* comment (after the item on its line, possibly running onto the
//!   next lines, as after `CAP_PADDING_OFFLOAD`) is the item's doc.
//! - Otherwise a *leading* comment, on lines of its own directly above the item, is
//!   its doc, unless it heads a group: preceded by a blank line (or the start of
//!   the enum or file) and followed by more items on the very next lines, it is a
//!   heading (`/* down events */`, `/* Opcode encoding bits */`), not the first
//!   item's doc. Consecutive `//` lines form one comment.
//! - A define's section is the nearest comment on lines of its own above it,
//!   separated from it by nothing but blank lines and other defines.

use super::comments::Comment;
use super::source_map::LineIndex;
use super::{DefineSite, LineKind, Prepared};
use crate::parse::RawEnum;

fn kind(p: &Prepared, line: u32) -> Option<LineKind> {
    p.line_kinds.get((line as usize).checked_sub(1)?).copied()
}

/// The own-line comment block that ends on `line` (consecutive `//` lines merged):
/// its text and first line.
fn block_ending_at(p: &Prepared, line: u32) -> Option<(String, u32)> {
    let standalone = |c: &&Comment| {
        c.own_line && (c.line..=c.end_line).all(|l| kind(p, l) == Some(LineKind::Comment))
    };
    let last = p
        .comments
        .iter()
        .rev()
        .filter(standalone)
        .find(|c| c.end_line == line)?;
    let mut first = last.line;
    let mut parts = vec![last.text.as_str()];
    if last.line_comment {
        while let Some(c) = p
            .comments
            .iter()
            .rev()
            .filter(standalone)
            .find(|c| c.line_comment && c.end_line + 1 == first)
        {
            first = c.line;
            parts.push(c.text.as_str());
        }
    }
    parts.reverse();
    let text = parts
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    Some((text, first))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The doc of an enum: the comment right above its `enum` line.
pub fn enum_doc(p: &Prepared, lines: &LineIndex, e: &RawEnum) -> Option<String> {
    let line = lines.line_of(e.offset);
    block_ending_at(p, line.checked_sub(1)?).and_then(|(t, _)| non_empty(t))
}

/// The doc of enumerator `idx` of `e`.
pub fn enumerator_doc(p: &Prepared, lines: &LineIndex, e: &RawEnum, idx: usize) -> Option<String> {
    let x = e.enumerators.get(idx)?;
    let end_line = lines.line_of(x.end);
    let limit = e.enumerators.get(idx + 1).map_or(e.end, |n| n.offset);
    let trailing: Vec<&str> = p
        .comments
        .iter()
        .filter(|c| !c.own_line && c.line == end_line && c.start >= x.end && c.start < limit)
        .map(|c| c.text.as_str())
        .collect();
    if !trailing.is_empty() {
        return non_empty(trailing.join("\n"));
    }
    let line = lines.line_of(x.offset);
    let (text, first) = block_ending_at(p, line.checked_sub(1)?)?;
    let prev_adjacent = idx
        .checked_sub(1)
        .and_then(|i| e.enumerators.get(i))
        .is_some_and(|prev| lines.line_of(prev.end) + 1 == first);
    let next_adjacent = e
        .enumerators
        .get(idx + 1)
        .is_some_and(|next| lines.line_of(next.offset) == end_line + 1);
    if !prev_adjacent && next_adjacent {
        return None;
    }
    non_empty(text)
}

/// The doc of a `#define`.
pub fn define_doc(p: &Prepared, site: &DefineSite) -> Option<String> {
    let trailing: Vec<&str> = p
        .comments
        .iter()
        .filter(|c| c.start >= site.directive_offset && c.start < site.end_offset)
        .map(|c| c.text.as_str())
        .collect();
    if !trailing.is_empty() {
        return non_empty(trailing.join("\n"));
    }
    let (text, first) = block_ending_at(p, site.line.checked_sub(1)?)?;
    let heading = kind(p, first.saturating_sub(1)) != Some(LineKind::Define)
        && kind(p, site.end_line + 1) == Some(LineKind::Define);
    if heading {
        return None;
    }
    non_empty(text)
}

/// The section of a `#define`: the nearest standalone comment above it across
/// blank lines and other defines.
pub fn define_section(p: &Prepared, site: &DefineSite) -> Option<String> {
    let mut line = site.line.checked_sub(1)?;
    while line > 0 {
        match kind(p, line)? {
            LineKind::Blank | LineKind::Define => line -= 1,
            LineKind::Comment => return block_ending_at(p, line).and_then(|(t, _)| non_empty(t)),
            _ => return None,
        }
    }
    None
}
