//! The literal prefilter: a few literals searched over whole buffers (SIMD Aho-Corasick), so
//! that the many lines of a log that have nothing to do with iSCSI cost next to nothing.
//!
//! Every pattern's anchor contains one of these literals (a test checks it), so a line the
//! prefilter skips can never be recognised. False positives are fine: the anchors and the
//! regexes sort them out.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The literals. Common words that iSCSI lines share with other lines (`session`,
/// `connection`, `sd `) only count when a digit (or the `-` of `-1`) follows, which the
/// iterator checks on the spot; the rest are phrases that other lines rarely contain.
pub const LITERALS: &[&str] = &[
    "iscsi",
    "iSCSI",
    "ISCSI",
    "session",
    "onnection",
    "sd ",
    "scsi",
    "I/O",
    "error, dev",
    "ultipath",
    "iser: ",
    "portal",
    "login re",
    "Login ",
    "ogout",
    "callbacks suppressed",
    "CDB: ",
    "Sense",
    "timing out command",
    "Device offlined",
    "iqn.",
    "eui.",
    "naa.",
    "mark as failed",
    "reinstated",
    "checker",
    "paths:",
    "\"MESSAGE\":[",
    "Nop-out",
    "Target ",
    "Giving up",
    "re-opening",
    "can't st",
    "can't bind",
    "operational parameter",
    "cannot make",
    "iferror",
    "reopen_max",
    "async event",
    "No records found",
    "No active sessions",
    "No session found",
    "nitiatorName",
    "failing authentication",
    "CHAP",
    "Invalid timeo",
    "with pid=",
    "Discovery",
    "discovery",
    "reported error",
    "error code",
];

/// Literals that only count when followed by a digit or `-`.
pub const NEED_DIGIT: &[&str] = &["session", "onnection", "sd "];

/// Finds candidate lines in a buffer.
#[derive(Debug, Clone)]
pub struct Prefilter {
    ac: AhoCorasick,
    need_digit: Vec<bool>,
}

impl Prefilter {
    /// Builds the automaton (a SIMD "Teddy" searcher where the CPU allows).
    pub fn new() -> Prefilter {
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .kind(Some(AhoCorasickKind::DFA))
            .build(LITERALS)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(LITERALS)
            })
            .unwrap_or_else(|e| panic!("prefilter literals: {e}"));
        let need_digit = LITERALS.iter().map(|l| NEED_DIGIT.contains(l)).collect();
        Prefilter { ac, need_digit }
    }

    /// The offset of the first (valid) literal at or after `from`, if any.
    pub fn next_hit(&self, hay: &[u8], mut from: usize) -> Option<usize> {
        loop {
            let input = aho_corasick::Input::new(hay).span(from..hay.len());
            let m = self.ac.find(input)?;
            if !self.need_digit[m.pattern().as_usize()]
                || hay
                    .get(m.end())
                    .is_some_and(|&b| b.is_ascii_digit() || b == b'-')
            {
                return Some(m.start());
            }
            from = m.start() + 1;
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
