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
//!
//! [`Docs`] indexes a prepared header once (standalone comments by their last line,
//! and for every line the nearest line above that is neither blank nor a define), so
//! each question is answered without walking the file: a header of many defines
//! costs time linear in its size.

use std::collections::HashMap;

use super::comments::Comment;
use super::source_map::LineIndex;
use super::{DefineSite, LineKind, Prepared};

/// A byte range of the header text (`start..end`): where an enumerator sits, as the parse
/// stage found it (its name to the end of its initialiser).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset just past the last byte.
    pub end: usize,
}

/// The docs and sections of one prepared header, indexed.
#[derive(Debug)]
pub struct Docs<'a> {
    p: &'a Prepared,
    lines: &'a LineIndex,
    /// Last line → index of the last standalone comment ending there.
    standalone_end: HashMap<u32, usize>,
    /// The same for standalone `//` comments only.
    line_comment_end: HashMap<u32, usize>,
    /// For line `l` (index `l`), the nearest line `<= l` that is neither blank nor
    /// a define; 0 when there is none.
    above: Vec<u32>,
}

impl<'a> Docs<'a> {
    /// Indexes `p`, whose line offsets are those of `lines`.
    pub fn new(p: &'a Prepared, lines: &'a LineIndex) -> Self {
        let mut standalone_end = HashMap::new();
        let mut line_comment_end = HashMap::new();
        for (i, c) in p.comments.iter().enumerate() {
            let standalone =
                c.own_line && (c.line..=c.end_line).all(|l| kind(p, l) == Some(LineKind::Comment));
            if standalone {
                standalone_end.insert(c.end_line, i);
                if c.line_comment {
                    line_comment_end.insert(c.end_line, i);
                }
            }
        }
        let mut above = Vec::with_capacity(p.line_kinds.len() + 1);
        above.push(0);
        let mut last = 0;
        for (l, k) in (1u32..).zip(&p.line_kinds) {
            if !matches!(k, LineKind::Blank | LineKind::Define) {
                last = l;
            }
            above.push(last);
        }
        Docs {
            p,
            lines,
            standalone_end,
            line_comment_end,
            above,
        }
    }

    /// The own-line comment block that ends on `line` (consecutive `//` lines
    /// merged): its text and first line.
    fn block_ending_at(&self, line: u32) -> Option<(String, u32)> {
        let last = self.p.comments.get(*self.standalone_end.get(&line)?)?;
        let mut first = last.line;
        let mut parts = vec![last.text.as_str()];
        if last.line_comment {
            while let Some(c) = first
                .checked_sub(1)
                .and_then(|l| self.line_comment_end.get(&l))
                .and_then(|&i| self.p.comments.get(i))
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

    /// The comments that start in `from..to`, in order.
    fn starting_in(&self, from: usize, to: usize) -> &'a [Comment] {
        let c = &self.p.comments;
        let a = c.partition_point(|x| x.start < from);
        let b = c.partition_point(|x| x.start < to).max(a);
        c.get(a..b).unwrap_or_default()
    }

    /// The doc of an enum whose `enum` keyword is at `enum_offset`: the comment right
    /// above that line.
    pub fn enum_doc(&self, enum_offset: usize) -> Option<String> {
        let line = self.lines.line_of(enum_offset);
        self.block_ending_at(line.checked_sub(1)?)
            .and_then(|(t, _)| non_empty(t))
    }

    /// The doc of enumerator `idx` of an enum whose enumerators are at `enumerators` and
    /// whose `}` ends at `enum_end`.
    pub fn enumerator_doc(
        &self,
        enumerators: &[Span],
        enum_end: usize,
        idx: usize,
    ) -> Option<String> {
        let lines = self.lines;
        let x = enumerators.get(idx)?;
        let end_line = lines.line_of(x.end);
        let limit = enumerators.get(idx + 1).map_or(enum_end, |n| n.start);
        let trailing: Vec<&str> = self
            .starting_in(x.end, limit)
            .iter()
            .filter(|c| !c.own_line && c.line == end_line)
            .map(|c| c.text.as_str())
            .collect();
        if !trailing.is_empty() {
            return non_empty(trailing.join("\n"));
        }
        let line = lines.line_of(x.start);
        let (text, first) = self.block_ending_at(line.checked_sub(1)?)?;
        let prev_adjacent = idx
            .checked_sub(1)
            .and_then(|i| enumerators.get(i))
            .is_some_and(|prev| lines.line_of(prev.end) + 1 == first);
        let next_adjacent = enumerators
            .get(idx + 1)
            .is_some_and(|next| lines.line_of(next.start) == end_line + 1);
        if !prev_adjacent && next_adjacent {
            return None;
        }
        non_empty(text)
    }

    /// The doc of a `#define`.
    pub fn define_doc(&self, site: &DefineSite) -> Option<String> {
        let trailing: Vec<&str> = self
            .starting_in(site.directive_offset, site.end_offset)
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        if !trailing.is_empty() {
            return non_empty(trailing.join("\n"));
        }
        let (text, first) = self.block_ending_at(site.line.checked_sub(1)?)?;
        let heading = kind(self.p, first.saturating_sub(1)) != Some(LineKind::Define)
            && kind(self.p, site.end_line + 1) == Some(LineKind::Define);
        if heading {
            return None;
        }
        non_empty(text)
    }

    /// The section of a `#define`: the nearest standalone comment above it across
    /// blank lines and other defines.
    pub fn define_section(&self, site: &DefineSite) -> Option<String> {
        let start = site.line.checked_sub(1)?;
        let line = *self.above.get(start as usize)?;
        if line == 0 || kind(self.p, line)? != LineKind::Comment {
            return None;
        }
        self.block_ending_at(line).and_then(|(t, _)| non_empty(t))
    }
}

fn kind(p: &Prepared, line: u32) -> Option<LineKind> {
    p.line_kinds.get((line as usize).checked_sub(1)?).copied()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preprocess::include::Includes;
    use crate::preprocess::preprocess;
    use crate::preprocess::symbols::Symbols;
    use std::path::Path;

    fn prepared(src: &str) -> (Prepared, LineIndex) {
        let mut syms = Symbols::default();
        let id = syms.add_file("docs.h".into(), src.to_string());
        let mut inc = Includes::new(Path::new("/nonexistent/docs.h"), src.len(), &[]);
        let p = preprocess(id, &mut syms, &mut inc, 0).unwrap_or_else(|e| panic!("{e}"));
        (p, LineIndex::new(src))
    }

    #[test]
    fn docs_and_sections_of_defines() {
        let src = "\
/* Opcodes */

#define OP_A 1 /* trailing A */
#define OP_B 2
// one
// two
#define OP_C 3

/* lone doc */
#define LONE 4
int x;
#define AFTER_CODE 5

/* heading */
#define H1 6
#define H2 7
";
        let (p, lines) = prepared(src);
        let docs = Docs::new(&p, &lines);
        let got: Vec<(&str, Option<String>, Option<String>)> = p
            .defines
            .iter()
            .map(|d| (d.name.as_str(), docs.define_doc(d), docs.define_section(d)))
            .collect();
        let s = |x: &str| Some(x.to_string());
        assert_eq!(
            got,
            [
                ("OP_A", s("trailing A"), s("Opcodes")),
                ("OP_B", None, s("Opcodes")),
                ("OP_C", s("one\ntwo"), s("one\ntwo")),
                ("LONE", s("lone doc"), s("lone doc")),
                ("AFTER_CODE", None, None),
                ("H1", None, s("heading")),
                ("H2", None, s("heading")),
            ]
        );
    }

    #[test]
    fn many_defines_under_one_section() {
        let mut src = String::from("/* All of them */\n");
        for i in 0..20_000 {
            src.push_str(&format!("#define X_{i} {i}\n\n"));
        }
        let (p, lines) = prepared(&src);
        let docs = Docs::new(&p, &lines);
        let last = p.defines.last().unwrap_or_else(|| panic!("no defines"));
        assert_eq!(docs.define_section(last).as_deref(), Some("All of them"));
        assert_eq!(docs.define_doc(last), None);
    }
}
