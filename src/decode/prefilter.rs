//! The literal prefilter: a few literals searched over whole buffers (SIMD Teddy), so that
//! the many lines of a log that have nothing to do with iSCSI cost next to nothing.
//!
//! Every pattern's anchor contains one of these literals (a test checks it), so a line the
//! prefilter skips can never be recognised. False positives are fine: the anchors and the
//! regexes sort them out.
//!
//! The kernel's device names (`connection3:0`, `session12`, `sd 3:0:0:0`) only count when a
//! digit follows, and noise is full of the bare words (`Connection closed`, `session
//! opened`). Searching for `session` and checking the next byte would stop the SIMD search at
//! every such word; instead the searcher looks for `ion` followed by each digit (`ion0` ..
//! `ion9`, rare in any text) and checks the word before it, and for `sd ` at the start of a
//! word. So the search stops only where a candidate almost surely is.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The literals: a line is a candidate when it contains one of them (for [`NEED_DIGIT`]
/// literals, followed by a digit). They are the names of the iSCSI programs and modules (in
/// `scsi`/`SCSI`: `iscsid`, `iSCSI`, `scsi_transport_iscsi`), the device names the kernel prints
/// (`connectionN:N`, `sessionN`, `sd H:C:T:L`), and the few phrases of iSCSI lines that carry
/// none of them (open-iscsi's error lines all carry `iscsid: ` or `iscsiadm: `).
pub const LITERALS: &[&str] = &[
    "scsi",
    "SCSI",
    "sd ",
    "I/O error",
    "error, dev",
    "multipath",
    "iser: ",
    "iser_",
    "bnx2i",
    "cxgb",
    "qedi",
    "qla4xxx",
    "[iface: ",
    "[sid: ",
    "callbacks suppressed",
    "iqn.",
    "\"MESSAGE\":[",
    "MESSAGE=",
    "onnection",
    "session",
    // iscsiadm's report output (`-m session -P N`, `-m node`, `-m discovery`), whose lines
    // carry no program name; see `patterns::listing`.
    "Portal: ",
    "SID: ",
    "Host Number: ",
];

/// Literals that only count when a digit follows: the kernel's device names
/// (`connection3:0`, `session12`, `sd 3:0:0:0`), not `Connection closed`, `session opened` or
/// `usd 5`. `sd ` also only counts at the start of a word (the start of a line, or after a
/// space or a `"`). The `-1` of open-iscsi's not-yet-created sessions (`Connection-1:0 to
/// [...]`) only appears in lines that carry the iscsid tag or prefix; `session-1505.scope` is
/// systemd's.
pub const NEED_DIGIT: &[&str] = &["sd ", "onnection", "session"];

/// Literals that only count at the start of a word (the start of the text, or after a
/// blank, a `"` or a newline): the keys of iscsiadm's record dumps (`node.startup = ...`),
/// not `inode.c`, and its `SID: 3`, not a Wi-Fi `SSID: `.
pub const WORD_START: &[&str] = &["SID: ", "node.", "iface.", "discovery."];

/// What a literal of the searcher stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// The literal itself.
    Plain,
    /// `sd ` after the byte searched with it; a digit must follow.
    Sd,
    /// `ion` + digit: the end of `connection`/`session` + a digit, when the word before
    /// it says so.
    IonDigit,
    /// The literal at the start of a word (see [`WORD_START`]).
    WordStart,
}

/// The searched literals, in the order that spreads them best over Teddy's buckets (the
/// ten `ion` + digit literals get buckets of their own).
const SEARCHED: &[(&str, Check)] = &[
    ("scsi", Check::Plain),
    ("SCSI", Check::Plain),
    ("I/O error", Check::Plain),
    ("error, dev", Check::Plain),
    ("multipath", Check::Plain),
    ("iser: ", Check::Plain),
    ("iser_", Check::Plain),
    ("bnx2i", Check::Plain),
    ("cxgb", Check::Plain),
    ("qedi", Check::Plain),
    ("qla4xxx", Check::Plain),
    ("ion0", Check::IonDigit),
    ("ion1", Check::IonDigit),
    ("ion2", Check::IonDigit),
    ("ion3", Check::IonDigit),
    ("ion4", Check::IonDigit),
    ("ion5", Check::IonDigit),
    ("ion6", Check::IonDigit),
    ("ion7", Check::IonDigit),
    ("ion8", Check::IonDigit),
    ("ion9", Check::IonDigit),
    ("[iface: ", Check::Plain),
    ("[sid: ", Check::Plain),
    ("callbacks suppressed", Check::Plain),
    ("iqn.", Check::Plain),
    ("\"MESSAGE\":[", Check::Plain),
    ("MESSAGE=", Check::Plain),
    (" sd ", Check::Sd),
    ("\nsd ", Check::Sd),
    ("\"sd ", Check::Sd),
    ("Portal: ", Check::Plain),
    ("SID: ", Check::WordStart),
    ("Host Number: ", Check::Plain),
];

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
}

/// Every literal searched, in order.
pub fn all_literals() -> Vec<String> {
    SEARCHED.iter().map(|(s, _)| s.to_string()).collect()
}

/// Whether `hay[at]` is an ASCII digit.
fn digit_at(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_some_and(u8::is_ascii_digit)
}

impl Prefilter {
    /// Builds the searcher.
    pub fn new() -> Prefilter {
        let lits = all_literals();
        let packed = |fat| {
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .only_teddy_fat(fat)
                .builder()
                .extend(&lits)
                .build()
        };
        // Fat Teddy (16 buckets, AVX2) keeps the ten `ion` + digit literals apart; without
        // AVX2, whatever the packed searcher picks; without SIMD, an Aho-Corasick DFA.
        let engine = match packed(Some(true)).or_else(|| packed(None)) {
            Some(p) => Engine::Packed(p),
            None => Engine::Ac(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .kind(Some(AhoCorasickKind::DFA))
                    .build(&lits)
                    .unwrap_or_else(|e| panic!("prefilter literals: {e}")),
            ),
        };
        Prefilter { engine }
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

    /// An offset inside the first line at or after `from` that holds a (valid) literal, if
    /// any. `from` is 0 or the start of a line.
    pub fn next_hit(&self, hay: &[u8], from: usize) -> Option<usize> {
        if from == 0 && hay.starts_with(b"sd ") && digit_at(hay, 3) {
            return Some(0);
        }
        // Start on the newline before a line, so that `\nsd ` finds `sd ` at its start.
        let mut pos = if from > 0 && hay.get(from - 1) == Some(&b'\n') {
            from - 1
        } else {
            from
        };
        loop {
            let (start, end, pat) = self.find(hay, pos)?;
            let ok = match SEARCHED[pat].1 {
                Check::Plain => return Some(start),
                Check::Sd => digit_at(hay, end),
                Check::IonDigit => {
                    let word = &hay[..start + 3];
                    word.ends_with(b"onnection") || word.ends_with(b"session")
                }
                Check::WordStart => {
                    if start == 0 || matches!(hay[start - 1], b' ' | b'\t' | b'\n' | b'"') {
                        return Some(start);
                    }
                    false
                }
            };
            if ok {
                // `start` may be the byte before `sd `: the hit is the byte after it.
                return Some(start + 1);
            }
            pos = start + 1;
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

    fn lines(buf: &[u8]) -> Vec<String> {
        let p = Prefilter::new();
        p.candidates(buf)
            .map(|(s, e)| String::from_utf8_lossy(&buf[s..e]).into_owned())
            .collect()
    }

    #[test]
    fn finds_lines() {
        let buf = b"noise one\nkernel:  connection3:0: detected conn error (1022)\nmore noise\nsd 3:0:0:0: x";
        assert_eq!(
            lines(buf),
            [
                "kernel:  connection3:0: detected conn error (1022)",
                "sd 3:0:0:0: x"
            ]
        );
    }

    #[test]
    fn device_names_need_a_digit() {
        let buf = b"sd 0:0:0:0: first\n\
            sshd[1]: Connection closed by 10.0.0.1\n\
            pam_unix(sshd:session): session opened for user root\n\
            systemd[1]: Started session-1505.scope\n\
            usd 5 and passwd 3 and version3 and partition1\n\
            kernel:  session12: session recovery timed out after 120 secs\n\
            iscsid: Connection1:0 to [target: t, portal: p,3260] through [iface: default] is operational now\n\
            {\"MESSAGE\":\"sd 5:0:0:1: rejecting I/O to offline device\"}\n\
            kernel: [  1.0] sd 2:0:0:0: [sdb] Attached disk\n\
            sd 7:0:0:0: last";
        assert_eq!(
            lines(buf),
            [
                "sd 0:0:0:0: first",
                "kernel:  session12: session recovery timed out after 120 secs",
                "iscsid: Connection1:0 to [target: t, portal: p,3260] through [iface: default] is operational now",
                "{\"MESSAGE\":\"sd 5:0:0:1: rejecting I/O to offline device\"}",
                "kernel: [  1.0] sd 2:0:0:0: [sdb] Attached disk",
                "sd 7:0:0:0: last",
            ]
        );
        let p = Prefilter::new();
        assert!(p.is_candidate(b"connection2:0: ping timeout"));
        assert!(!p.is_candidate(b"sshd: Connection closed"));
        assert!(!p.is_candidate(b"sd x"));
    }

    #[test]
    fn listing_lines_pass_and_look_alikes_do_not() {
        let p = Prefilter::new();
        for line in [
            "\tCurrent Portal: 192.0.2.10:3260,1",
            "\t\tSID: 3",
            "        SID: 3",
            "SID: 3",
            "\t\tHost Number: 3\tState: running",
        ] {
            assert!(p.is_candidate(line.as_bytes()), "{line}");
        }
        // Record dumps, discovery records and the iface and timeout lines of a tree carry no
        // literal the prefilter can afford: `node.`, `Iface `, `Timeout: ` or `via ` would
        // stop the search in most noise (host names, `via eth0`).
        for line in [
            "wpa_supplicant[812]: wlan0: SSID: home",
            "kernel: EXT4-fs (sda1): fs/inode.c: x",
            "NetworkManager: hostname.iface.x",
            "node.session.timeo.replacement_timeout = 120",
            "Mar  3 10:10:01 node.example.com sshd[1]: Accepted publickey via eth0",
        ] {
            assert!(!p.is_candidate(line.as_bytes()), "{line}");
        }
        // A rejected look-alike does not hide a literal later in the line.
        assert!(p.is_candidate(b"SSID: x inode. then SID: 4"));
    }
}
