//! Message patterns as data: every recognised message is one [`Pattern`] row with a regex of
//! named fields, an anchor literal, the wording's version range, and sample lines that a test
//! decodes (as lnav's formats do). Nothing outside these tables knows a message's wording.
//!
//! Matching is three steps, cheapest first: the prefilter (a handful of literals over whole
//! buffers, in `prefilter`), then the anchors of every pattern over one candidate message
//! (one Aho-Corasick pass), then the regexes of the patterns whose anchor occurred, in table
//! order (specific patterns before the generic ones at the end of each table).

/// A [`Sample`] row: `s!(line, expect)`; the tables of every submodule use it.
macro_rules! s {
    ($line:literal, $expect:literal) => {
        $crate::decode::patterns::Sample {
            line: $line,
            expect: $expect,
        }
    };
}

mod iscsiadm;
mod iscsid;
mod iscsid_setup;
mod kernel;
mod kinds;
mod listing;
mod row;
mod storage;
mod system;

pub use kinds::{Flag, Kind, Role, Scope, Severity, Source};
pub use row::{ANY, DEBUG_TWINS, Pattern, RELAYED_EXIT_STATUS, Refines, SOURCE_TABLE, Sample};

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{CaptureLocations, Regex};
use std::sync::OnceLock;

/// Every pattern, in matching priority order within each anchor.
pub fn all() -> impl Iterator<Item = &'static Pattern> {
    kernel::PATTERNS
        .iter()
        .chain(storage::PATTERNS)
        .chain(iscsid::PATTERNS)
        .chain(iscsid_setup::PATTERNS)
        .chain(iscsiadm::PATTERNS)
        .chain(listing::PATTERNS)
        .chain(system::PATTERNS)
}

/// The anchor text and whether a digit must follow it.
pub fn split_anchor(a: &str) -> (&str, bool) {
    match a.strip_suffix("+digit") {
        Some(t) => (t, true),
        None => (a, false),
    }
}

/// What finding one anchor text means: the patterns it (or an anchor inside it) admits.
#[derive(Debug, Default, Clone)]
struct AnchorInfo {
    /// Patterns admitted by the text alone.
    any: Vec<usize>,
    /// Patterns admitted only when a digit follows the match.
    digit_after: Vec<usize>,
}

/// The compiled patterns: one Aho-Corasick automaton over the anchors and one regex each.
///
/// The anchors are searched leftmost-longest, restarting one byte after each match's start,
/// so every position where an anchor begins is seen once, with its longest anchor; anchors
/// that contain other anchors carry those anchors' patterns too (a shorter anchor starting
/// at the same position, or inside a longer one, is never reported on its own).
#[derive(Debug)]
pub struct PatternSet {
    patterns: Vec<&'static Pattern>,
    /// Compiled on first use: most logs need a handful of the patterns.
    regexes: Vec<OnceLock<Regex>>,
    anchors: AhoCorasick,
    anchor_info: Vec<AnchorInfo>,
    /// Per pattern: whether its regex can tell digits apart, so that two messages that
    /// differ only in their digits may match it differently (see `memo`'s shape cache).
    digit_sensitive: Vec<bool>,
    /// Per pattern: its regex without the `^`/`$` anchors, for a message that stands
    /// inside a longer text (relayed by another program, after an unknown prefix).
    embedded: Vec<OnceLock<Regex>>,
    /// The [`ANY`] patterns, in priority order.
    fallback: Vec<usize>,
    /// The pattern of [`SOURCE_TABLE`], if the tables have it.
    source_table: Option<usize>,
    /// Per pattern: its debug twin (see [`DEBUG_TWINS`]).
    debug_twin: Vec<Option<usize>>,
}

/// Whether a regex can tell apart two texts that differ only in which ASCII digit stands
/// at each position: true when a literal holds a digit or a class holds some digits but not
/// all ten (`[1-9]`, `[0-7]`). A regex that cannot ("digit-blind": `\d+`, `[0-9a-f]+`,
/// `\w`) matches such texts alike, with the same group spans, which is what `memo`'s shape
/// cache relies on. Decided on the parsed regex (regex-syntax's HIR); a regex that does
/// not parse counts as sensitive.
pub fn distinguishes_digits(re: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn digits_in(ranges: impl Iterator<Item = (u32, u32)>) -> u32 {
        ranges
            .map(|(a, b)| {
                b.min(u32::from(b'9'))
                    .saturating_add(1)
                    .saturating_sub(a.max(u32::from(b'0')))
            })
            .sum()
    }
    fn walk(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => false,
            HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
            HirKind::Class(class) => {
                // Digits in the class: a class with some but not all ten tells them apart.
                let n = match class {
                    Class::Unicode(c) => digits_in(
                        c.ranges()
                            .iter()
                            .map(|r| (r.start().into(), r.end().into())),
                    ),
                    Class::Bytes(c) => digits_in(
                        c.ranges()
                            .iter()
                            .map(|r| (r.start().into(), r.end().into())),
                    ),
                };
                n != 0 && n != 10
            }
            HirKind::Repetition(r) => walk(&r.sub),
            HirKind::Capture(c) => walk(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(walk),
        }
    }
    match regex_syntax::Parser::new().parse(re) {
        Ok(h) => walk(&h),
        Err(_) => true,
    }
}

/// Reusable per-decoder buffers for [`PatternSet::find`].
#[derive(Debug)]
pub struct Scratch {
    locs: Vec<Option<CaptureLocations>>,
    elocs: Vec<Option<CaptureLocations>>,
    candidates: Vec<usize>,
    /// The pattern whose last match was found inside the text rather than at its start.
    embedded: Option<usize>,
}

impl PatternSet {
    /// The set every decoder shares: built once per process (its regexes compile on first
    /// use, once), so that a decoder per worker and per input costs nothing.
    pub fn shared() -> &'static PatternSet {
        static SET: OnceLock<PatternSet> = OnceLock::new();
        SET.get_or_init(PatternSet::new)
    }

    /// Compiles every pattern. Panics only if a pattern in the tables is invalid, which the
    /// tests rule out.
    pub fn new() -> PatternSet {
        let patterns: Vec<&'static Pattern> = all().collect();
        let source_table = patterns.iter().position(|p| p.anchor == SOURCE_TABLE);
        let regexes = patterns.iter().map(|_| OnceLock::new()).collect();
        // Own entries per distinct text.
        let mut texts: Vec<&str> = Vec::new();
        let mut own: Vec<AnchorInfo> = Vec::new();
        let mut fallback = Vec::new();
        let index = |id: &str| patterns.iter().position(|p| p.id == id);
        let mut debug_twin = vec![None; patterns.len()];
        for (other, debug) in DEBUG_TWINS {
            if let Some(o) = index(other) {
                debug_twin[o] = index(debug);
            }
        }
        for (i, p) in patterns.iter().enumerate() {
            if DEBUG_TWINS.iter().any(|(_, d)| *d == p.id) {
                continue;
            }
            if p.anchor == ANY {
                fallback.push(i);
                continue;
            }
            if p.anchor == SOURCE_TABLE {
                continue;
            }
            for alt in p.anchor.split('|') {
                let (text, digit) = split_anchor(alt);
                let j = match texts.iter().position(|t| *t == text) {
                    Some(j) => j,
                    None => {
                        texts.push(text);
                        own.push(AnchorInfo::default());
                        texts.len() - 1
                    }
                };
                let list = if digit {
                    &mut own[j].digit_after
                } else {
                    &mut own[j].any
                };
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        // Inherit the patterns of every anchor found inside another.
        let mut anchor_info = own.clone();
        for (i, outer) in texts.iter().enumerate() {
            for (j, inner) in texts.iter().enumerate() {
                if i == j {
                    continue;
                }
                for (k, _) in outer.match_indices(inner) {
                    let end = k + inner.len();
                    let info = &mut anchor_info[i];
                    info.any.extend(&own[j].any);
                    if end == outer.len() {
                        info.digit_after.extend(&own[j].digit_after);
                    } else if outer.as_bytes()[end].is_ascii_digit() {
                        info.any.extend(&own[j].digit_after);
                    }
                }
            }
            let info = &mut anchor_info[i];
            for v in [&mut info.any, &mut info.digit_after] {
                v.sort_unstable();
                v.dedup();
            }
        }
        let anchors = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&texts)
            .unwrap_or_else(|e| panic!("anchors: {e}"));
        let digit_sensitive = patterns
            .iter()
            .map(|p| distinguishes_digits(p.regex))
            .collect();
        let embedded = patterns.iter().map(|_| OnceLock::new()).collect();
        PatternSet {
            patterns,
            regexes,
            anchors,
            anchor_info,
            digit_sensitive,
            embedded,
            fallback,
            source_table,
            debug_twin,
        }
    }

    /// Fresh scratch buffers for this set.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            locs: self.regexes.iter().map(|_| None).collect(),
            elocs: self.regexes.iter().map(|_| None).collect(),
            candidates: Vec::with_capacity(8),
            embedded: None,
        }
    }

    /// The patterns, in priority order.
    pub fn patterns(&self) -> &[&'static Pattern] {
        &self.patterns
    }

    /// Calls `f` with the patterns admitted by each anchor occurrence in `text`; stops when
    /// `f` returns true.
    fn each_anchor(&self, text: &[u8], mut f: impl FnMut(&[usize]) -> bool) {
        let mut from = 0;
        while from < text.len() {
            let input = aho_corasick::Input::new(text).span(from..text.len());
            let Some(m) = self.anchors.find(input) else {
                return;
            };
            let info = &self.anchor_info[m.pattern().as_usize()];
            if f(&info.any) {
                return;
            }
            if text.get(m.end()).is_some_and(u8::is_ascii_digit) && f(&info.digit_after) {
                return;
            }
            from = m.start() + 1;
        }
    }

    /// The first pattern (in priority order) that matches `message` and may come from
    /// `source` (`None`: any). Its capture locations are left in `scratch`.
    ///
    /// Three passes: the patterns whose anchor occurs, at the start of the message; the
    /// same patterns anywhere in it, at the start of a word (a message relayed by another
    /// program or after a prefix no envelope parser knows); and the [`ANY`] patterns of the
    /// line's program.
    pub fn find(
        &self,
        message: &str,
        source: Option<Source>,
        scratch: &mut Scratch,
    ) -> Option<usize> {
        scratch.embedded = None;
        let mut cands = std::mem::take(&mut scratch.candidates);
        cands.clear();
        self.each_anchor(message.as_bytes(), |pats| {
            cands.extend_from_slice(pats);
            false
        });
        let mut found = None;
        if !cands.is_empty() {
            cands.sort_unstable();
            cands.dedup();
            let admitted = |i: usize| source.is_none_or(|s| s == self.patterns[i].source);
            for &i in &cands {
                if !admitted(i) {
                    continue;
                }
                let re = self.regex(i);
                let locs = scratch.locs[i].get_or_insert_with(|| re.capture_locations());
                if re.captures_read(locs, message).is_some() {
                    found = Some(i);
                    break;
                }
            }
            if found.is_none() {
                found = cands
                    .iter()
                    .copied()
                    .find(|&i| admitted(i) && self.try_embedded(i, message, scratch));
            }
        }
        if found.is_none() {
            if let Some(src) = source {
                found = self.fallback.iter().copied().find(|&i| {
                    self.patterns[i].source == src && self.try_anchored(i, message, scratch)
                });
            }
        }
        scratch.candidates = cands;
        found
    }

    /// The pattern of lines that only the generated table of the sources knows.
    pub fn source_table(&self) -> Option<usize> {
        self.source_table
    }

    /// Whether the last [`PatternSet::find`] or [`PatternSet::try_one`] matched inside the
    /// text rather than at its start.
    pub fn last_was_embedded(&self, scratch: &Scratch) -> bool {
        scratch.embedded.is_some()
    }

    /// Runs pattern `i`'s unanchored regex on `message`, accepting the first match that
    /// starts a word (the byte before it is no letter or digit, or the match starts with
    /// punctuation such as `[`).
    fn try_embedded(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        let re = self.embedded_regex(i);
        let locs = scratch.elocs[i].get_or_insert_with(|| re.capture_locations());
        let b = message.as_bytes();
        let mut at = 0;
        while at < b.len() {
            let Some(m) = re.captures_read_at(locs, message, at) else {
                return false;
            };
            let s = m.start();
            let starts_word = s == 0
                || !b[s].is_ascii_alphanumeric()
                || !(b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_');
            if starts_word {
                scratch.embedded = Some(i);
                return true;
            }
            at = s + 1;
            while at < b.len() && !message.is_char_boundary(at) {
                at += 1;
            }
        }
        false
    }

    fn try_anchored(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        let re = self.regex(i);
        let locs = scratch.locs[i].get_or_insert_with(|| re.capture_locations());
        re.captures_read(locs, message).is_some()
    }

    /// The regex of pattern `i` without its `^` and `$` anchors (compiled on first use).
    pub fn embedded_regex(&self, i: usize) -> &Regex {
        self.embedded[i].get_or_init(|| {
            let p = self.patterns[i];
            let src = p.regex.strip_prefix('^').unwrap_or(p.regex);
            let src = src.strip_suffix('$').unwrap_or(src);
            Regex::new(src).unwrap_or_else(|e| panic!("pattern {}: {e}", p.id))
        })
    }

    /// The debug twin of pattern `i` (see [`DEBUG_TWINS`]).
    pub fn debug_twin(&self, i: usize) -> Option<usize> {
        self.debug_twin[i]
    }

    /// Whether pattern `i`'s regex can tell apart messages that differ in digits alone.
    pub fn digit_sensitive(&self, i: usize) -> bool {
        self.digit_sensitive[i]
    }

    /// The candidate patterns of the last [`PatternSet::find`], in priority order.
    pub fn last_candidates<'s>(&self, scratch: &'s Scratch) -> &'s [usize] {
        &scratch.candidates
    }

    /// Runs pattern `i`'s regex alone on `message`; on a match its capture locations are
    /// left in `scratch`.
    pub fn try_one(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        scratch.embedded = None;
        self.try_anchored(i, message, scratch) || self.try_embedded(i, message, scratch)
    }

    /// The regex of pattern `i` (compiled on first use; the tests compile every one).
    pub fn regex(&self, i: usize) -> &Regex {
        self.regexes[i].get_or_init(|| {
            let p = self.patterns[i];
            Regex::new(p.regex).unwrap_or_else(|e| panic!("pattern {}: {e}", p.id))
        })
    }

    /// The capture locations left by the last successful [`PatternSet::find`] for pattern `i`.
    pub fn locations<'s>(&self, i: usize, scratch: &'s Scratch) -> Option<&'s CaptureLocations> {
        if scratch.embedded == Some(i) {
            return scratch.elocs[i].as_ref();
        }
        scratch.locs[i].as_ref()
    }
}

impl Default for PatternSet {
    fn default() -> Self {
        Self::new()
    }
}
