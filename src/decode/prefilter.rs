//! The literal prefilter: a few literals searched over whole buffers (SIMD Aho-Corasick), so
//! that the many lines of a log that have nothing to do with iSCSI cost next to nothing.
//!
//! Every pattern's anchor contains one of these literals (a test checks it), so a line the
//! prefilter skips can never be recognised. False positives are fine: the anchors and the
//! regexes sort them out.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The literals: the names of the iSCSI programs and modules, the device names the kernel
/// prints (`connectionN:N`, `sessionN`, `sd H:C:T:L`), and the few phrases of iSCSI lines that
/// carry none of them (open-iscsi's error lines all carry `iscsid: ` or `iscsiadm: `). A
/// handful of literals keeps this as fast as ripgrep with
/// `iscsi|connection[0-9]|session[0-9]|rejecting I/O`.
pub const LITERALS: &[&str] = &[
    "iscsi",
    "iSCSI",
    "sd ",
    "scsi",
    "I/O error",
    "error, dev",
    "multipath",
    "iser: ",
    "[iface: ",
    "[sid: ",
    "callbacks suppressed",
    "iqn.",
    "\"MESSAGE\":[",
    "onnection",
    "session",
];

/// Literals that only count when a digit follows: the kernel's device names
/// (`connection3:0`, `session12`, `sd 3:0:0:0`), not `Connection closed`, `session opened` or
/// `usd 5`. The `-1` of open-iscsi's not-yet-created sessions (`Connection-1:0 to [...]`) only
/// appears in lines that carry the iscsid tag or prefix; `session-1505.scope` is systemd's.
pub const NEED_DIGIT: &[&str] = &["sd ", "onnection", "session"];

/// The searcher: SIMD Teddy where the CPU has it, else Aho-Corasick.
#[derive(Debug, Clone)]
enum Engine {
    Packed(aho_corasick::packed::Searcher),
    Ac(AhoCorasick),
}

/// Finds candidate lines in a buffer.
#[derive(Debug, Clone)]
pub struct Prefilter {
    engine: Engine,
    /// Per literal: whether a digit must follow.
    need_digit: Vec<bool>,
}

/// Every literal searched, in order.
pub fn all_literals() -> Vec<String> {
    LITERALS.iter().map(|s| s.to_string()).collect()
}

impl Prefilter {
    /// Builds the searcher.
    pub fn new() -> Prefilter {
        let lits = all_literals();
        let need_digit = lits
            .iter()
            .map(|l| NEED_DIGIT.contains(&l.as_str()))
            .collect();
        let packed = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&lits)
            .build();
        let engine = match packed {
            Some(p) => Engine::Packed(p),
            None => Engine::Ac(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&lits)
                    .unwrap_or_else(|e| panic!("prefilter literals: {e}")),
            ),
        };
        Prefilter { engine, need_digit }
    }

    fn find(&self, hay: &[u8], from: usize) -> Option<(usize, usize, usize)> {
        match &self.engine {
            Engine::Packed(p) => p
                .find_in(hay, aho_corasick::Span::from(from..hay.len()))
                .map(|m| (m.start(), m.end(), m.pattern().as_usize())),
            Engine::Ac(ac) => {
                let input = aho_corasick::Input::new(hay).span(from..hay.len());
                ac.find(input)
                    .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            }
        }
    }

    /// The offset of the first (valid) literal at or after `from`, if any.
    pub fn next_hit(&self, hay: &[u8], mut from: usize) -> Option<usize> {
        loop {
            let (start, end, pat) = self.find(hay, from)?;
            if !self.need_digit[pat] || hay.get(end).is_some_and(u8::is_ascii_digit) {
                return Some(start);
            }
            from = start + 1;
        }
    }

    /// True if `line` contains a literal.
    pub fn is_candidate(&self, line: &[u8]) -> bool {
        self.next_hit(line, 0).is_some()
    }

    /// The lines (start, end excluding the newline) of `buf` that contain a literal. `buf`
    /// holds whole lines; the last may lack its newline.
    pub fn candidates<'p, 'b>(&'p self, buf: &'b [u8]) -> Candidates<'p, 'b> {
        Candidates {
            pre: self,
            buf,
            from: 0,
        }
    }
}

/// Iterator over candidate lines; see [`Prefilter::candidates`].
#[derive(Debug)]
pub struct Candidates<'p, 'b> {
    pre: &'p Prefilter,
    buf: &'b [u8],
    from: usize,
}

impl Iterator for Candidates<'_, '_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let buf = self.buf;
        if self.from >= buf.len() {
            return None;
        }
        let hit = self.pre.next_hit(buf, self.from)?;
        let start =
            memchr::memrchr(b'\n', &buf[self.from..hit]).map_or(self.from, |i| self.from + i + 1);
        let end = memchr::memchr(b'\n', &buf[hit..]).map_or(buf.len(), |i| hit + i);
        self.from = end + 1;
        Some((start, end))
    }
}

impl Default for Prefilter {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_lines() {
        let p = Prefilter::new();
        let buf = b"noise one\nkernel:  connection3:0: detected conn error (1022)\nmore noise\nsd 3:0:0:0: x";
        let got: Vec<String> = p
            .candidates(buf)
            .map(|(s, e)| String::from_utf8_lossy(&buf[s..e]).into_owned())
            .collect();
        assert_eq!(
            got,
            [
                "kernel:  connection3:0: detected conn error (1022)",
                "sd 3:0:0:0: x"
            ]
        );
    }
}
