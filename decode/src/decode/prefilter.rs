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
//!
//! Every searched literal has at least four bytes, so that Teddy fingerprints four: with
//! three, `ion` alone would stop the search at every `session` and `Connection` of sshd,
//! logind, cron and dockerd chatter (several per line) to check the digit after it. And the
//! literals are laid out over slim Teddy's eight buckets (see `SEARCHED`) so that no
//! bucket mixes literals whose bytes combine into common text: a bucket fires where each
//! of the four bytes matches one of its literals' bytes at that place, in both nybbles.

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// The literals: a line is a candidate when it contains one of them (for [`NEED_DIGIT`]
/// literals, followed by a digit). They are the names of the iSCSI programs and modules (in
/// `scsi`/`SCSI`: `iscsid`, `iSCSI`, `scsi_transport_iscsi`), the device names the kernel prints
/// (`connectionN:N`, `sessionN`, `sd H:C:T:L`), and the few phrases of iSCSI lines that carry
/// none of them (open-iscsi's error lines all carry `iscsid: ` or `iscsiadm: `). The offload
/// drivers `bnx2i` and `qla4xxx` are found by `bnx2` and `qla4`: four bytes, like every
/// literal searched (the module pattern's anchors, which hold no digits, say `bnx`, `qla`).
#[cfg_attr(not(test), allow(dead_code))] // The specification the tests check.
pub const LITERALS: &[&str] = &[
    "scsi",
    "SCSI",
    "sd ",
    "I/O error",
    "error, dev",
    "multipath",
    "iser: ",
    "iser_",
    "bnx2",
    "cxgb",
    "qedi",
    "qla4",
    "[iface: ",
    "callbacks suppressed",
    "iqn.",
    "\"MESSAGE\":[",
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
#[cfg_attr(not(test), allow(dead_code))] // The specification the tests check.
pub const NEED_DIGIT: &[&str] = &["sd ", "onnection", "session"];

/// Literals that only count at the start of a word (the start of the text, or after a
/// blank, a `"` or a newline): iscsiadm's `SID: 3`, not a Wi-Fi `SSID: `.
#[cfg_attr(not(test), allow(dead_code))] // The specification the tests check.
pub const WORD_START: &[&str] = &["SID: "];

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

/// The searched literals, in the order that puts them in the buckets below.
///
/// The packed searcher gives a literal the bucket of an earlier one whose four first bytes
/// have the same low nybbles (`SCSI` joins `scsi`, `iser_` joins `iser: `), and otherwise
/// bucket `7 - id % 8`, `id` being its place here. So the literals at places 0, 8, 16, 24
/// share a bucket, and so on. The buckets (`bucket_layout` in the tests checks them):
///
/// | bucket | literals |
/// |---|---|
/// | 7 | `ion0` `ion3` `ion6` `ion9` |
/// | 6 | `multipath` `iqn.` `error, dev` `Host Number: ` |
/// | 5 | `[iface: ` `qedi` `qla4` `I/O error` |
/// | 4 | `cxgb` `bnx2` `callbacks suppressed` `"MESSAGE":[` |
/// | 3 | `scsi` `iser: ` `Portal: ` `SID: ` (and, by their nybbles, `SCSI` `iser_`) |
/// | 2 | `ion1` `ion4` `ion7` |
/// | 1 | `ion2` `ion5` `ion8` |
/// | 0 | ` sd ` `\nsd ` `"sd ` |
///
/// The `ion` + digit buckets fire on exactly those bytes (the digits differ in the low
/// nybble only); buckets 4 to 6 are the grouping of the other literals that fires least on
/// noise-dominated logs of both of iscsi-loggen's mixes (and on an iSCSI-only log).
const SEARCHED: &[(&str, Check)] = &[
    ("ion0", Check::IonDigit),
    ("multipath", Check::Plain),
    ("[iface: ", Check::Plain),
    ("cxgb", Check::Plain),
    ("scsi", Check::Plain),
    ("ion1", Check::IonDigit),
    ("ion2", Check::IonDigit),
    (" sd ", Check::Sd),
    ("ion3", Check::IonDigit),
    ("iqn.", Check::Plain),
    ("qedi", Check::Plain),
    ("bnx2", Check::Plain),
    ("iser: ", Check::Plain),
    ("ion4", Check::IonDigit),
    ("ion5", Check::IonDigit),
    ("\nsd ", Check::Sd),
    ("ion6", Check::IonDigit),
    ("error, dev", Check::Plain),
    ("qla4", Check::Plain),
    ("callbacks suppressed", Check::Plain),
    ("Portal: ", Check::Plain),
    ("ion7", Check::IonDigit),
    ("ion8", Check::IonDigit),
    ("\"sd ", Check::Sd),
    ("ion9", Check::IonDigit),
    ("Host Number: ", Check::Plain),
    ("I/O error", Check::Plain),
    ("\"MESSAGE\":[", Check::Plain),
    ("SID: ", Check::WordStart),
    ("SCSI", Check::Plain),
    ("iser_", Check::Plain),
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
        let packed = |fat: Option<bool>| {
            aho_corasick::packed::Config::new()
                .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                .only_teddy_fat(fat)
                .builder()
                .extend(&lits)
                .build()
        };
        // Slim Teddy (eight buckets, 32 bytes a step with AVX2, 16 with SSSE3) with the
        // layout of `SEARCHED`; else whatever the packed searcher picks; without SIMD, an
        // Aho-Corasick DFA.
        let engine = match packed(Some(false)).or_else(|| packed(None)) {
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
    fn word_start_literals_are_literals_searched_at_a_word_start() {
        for w in WORD_START {
            assert!(LITERALS.contains(w), "{w}");
            let checked = SEARCHED
                .iter()
                .any(|(l, c)| l == w && *c == Check::WordStart);
            assert!(checked, "{w} is not searched with the word-start check");
        }
        let p = Prefilter::new();
        assert_eq!(p.candidates(b"  SID: 3\n").count(), 1);
        assert_eq!(p.candidates(b"wlan0 SSID: home\n").count(), 0);
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

    #[test]
    fn literals_fingerprint_four_bytes() {
        // Teddy fingerprints min(4, shortest literal) bytes: four keeps `ion` + digit exact.
        for (l, _) in SEARCHED {
            assert!(l.len() >= 4, "{l:?}");
        }
        for l in LITERALS {
            assert!(
                SEARCHED.iter().any(|(s, _)| s.contains(l.trim_end()))
                    || ["sd ", "onnection", "session"].contains(l),
                "{l:?} is not searched"
            );
        }
    }

    /// The buckets the packed searcher makes of [`SEARCHED`] (its rule: a literal joins the
    /// bucket of an earlier one with the same low nybbles in its four first bytes, else
    /// takes bucket `7 - id % 8`), as the table in [`SEARCHED`]'s documentation says.
    #[test]
    fn bucket_layout() {
        let mut buckets: Vec<Vec<&str>> = vec![Vec::new(); 8];
        let mut by_nybbles: Vec<(Vec<u8>, usize)> = Vec::new();
        for (id, (l, _)) in SEARCHED.iter().enumerate() {
            let key: Vec<u8> = l.bytes().take(4).map(|b| b & 15).collect();
            let b = match by_nybbles.iter().find(|(k, _)| *k == key) {
                Some(&(_, b)) => b,
                None => {
                    by_nybbles.push((key, 7 - id % 8));
                    7 - id % 8
                }
            };
            buckets[b].push(l);
        }
        let want: [&[&str]; 8] = [
            &[" sd ", "\nsd ", "\"sd "],
            &["ion2", "ion5", "ion8"],
            &["ion1", "ion4", "ion7"],
            &["scsi", "iser: ", "Portal: ", "SID: ", "SCSI", "iser_"],
            &["cxgb", "bnx2", "callbacks suppressed", "\"MESSAGE\":["],
            &["[iface: ", "qedi", "qla4", "I/O error"],
            &["multipath", "iqn.", "error, dev", "Host Number: "],
            &["ion0", "ion3", "ion6", "ion9"],
        ];
        for (b, w) in want.iter().enumerate() {
            assert_eq!(buckets[b], *w, "bucket {b}");
        }
    }

    /// Heavy session chatter (iscsi-loggen's `--noise-mix chatter`) says `session` and
    /// `connection` on almost every line, in every shape but the kernel's: none of it is a
    /// candidate.
    #[test]
    fn session_chatter_is_no_candidate() {
        let chatter = [
            "Mar  4 00:00:21 node02 sshd[3577086]: pam_unix(sshd:session): session opened for user root(uid=0) by (uid=0)",
            "Mar  4 00:04:07 db02 sshd[2623566]: pam_unix(sshd:session): session closed for user root",
            "Mar  4 00:07:28 db01 systemd-logind[687]: New session 4242 of user root.",
            "Mar  4 00:03:42 backup01 systemd-logind[794]: Session 4242 logged out. Waiting for processes to exit.",
            "Mar  4 00:04:05 backup01 systemd-logind[794]: Removed session 4242.",
            "Mar  4 00:00:09 backup01 systemd[1]: Started Session 4242 of User root.",
            "Mar  4 00:03:49 node01 systemd[1]: Started session-4242.scope - Session 4242 of User deploy.",
            "Mar  4 00:00:55 backup01 systemd[1]: session-4242.scope: Deactivated successfully.",
            "Mar  4 00:03:40 web01 systemd[1]: session-4242.scope: Consumed 2.755s CPU time.",
            "Mar  4 00:00:03 db01 sshd[3088878]: Connection closed by 203.0.113.213 port 49567 [preauth]",
            "Mar  4 00:00:03 db01 sshd[3088878]: Connection closed by authenticating user root 203.0.113.9 port 22 [preauth]",
            "Mar  4 00:06:18 web01 sshd[3175549]: Received disconnect from 198.51.100.7 port 47466:11: disconnected by user",
            "Mar  4 00:06:18 web01 sshd[3175549]: Disconnected from user root 198.51.100.7 port 47466",
            "Mar  4 00:06:17 web01 sshd[3175549]: Accepted publickey for root from 198.51.100.7 port 47466 ssh2: ED25519 SHA256:Yw3vJ6s0dG2nq7c0aXH1g8tZ3pQ5mK9rB4fL2eU7iC1",
            "Mar  4 00:00:00 db02 CRON[1462062]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
            "Mar  4 00:06:07 node01 CRON[275668]: pam_unix(cron:session): session closed for user root",
            "Mar  4 00:00:00 db01 dockerd[849]: time=\"2024-03-04T00:00:00.069194859Z\" level=info msg=\"session started\" connection=fdc5c28b session=sm9iog5g8bwmrltj4phhy0j6f sessionID=60uui8x6c3m1yt0wm1s4bad3y",
            "Mar  4 00:00:00 db02 dockerd[1399]: time=\"2024-03-04T00:00:00.070751145Z\" level=info msg=\"session finished\" connection=7214a95e error=\"<nil>\" session=8vwvc52pgrl68173vnp66azvz sessionID=74e9v7hpxpyp664d4dusep3qr",
            "Mar  4 00:05:20 gw01 containerd[642]: time=\"2024-03-04T00:05:20.022788688Z\" level=warning msg=\"cleaning up after shim disconnected\" id=ca38b794d8ff6330a170225ce1b6c131366161ee41e5cef5e12b3edab2fd8f42 namespace=moby",
            "Mar  4 00:00:32 web01 kubelet[1489]: I0304 00:00:32.724822    1489 prober.go:107] \"Probe failed\" probeType=\"Readiness\" pod=\"logging/fluent-bit-xrhdtdqhj2-6tbtz\" probeResult=\"failure\" output=\"Get \\\"http://10.244.2.80:8080/healthz\\\": dial tcp 10.244.2.80:8080: connect: connection refused\"",
            // Random identifiers that hold a short module name (`bnx`, `qla`) but not the
            // driver's (`bnx2i`, `qla4xxx`).
            "Mar  4 00:02:01 web01 dockerd[1423]: time=\"2024-03-04T00:02:01.966555479Z\" level=info msg=\"session started\" connection=77027695 session=cq7q0kdanbd7gukez9gapfsh1 sessionID=eqla8hs4avi8fblrc0t7fxejw",
            "Mar  4 00:02:37 k8s01 kubelet[2094]: I0304 00:02:37.013271    2094 reconciler_common.go:258] \"operationExecutor.VerifyControllerAttachedVolume started for volume \\\"kube-api-access-cbnxn\\\"\"",
            // The same words with a digit after them elsewhere than the kernel's names.
            "Mar  4 00:00:01 db01 sshd[12]: version3 and region1 and function0 and Session9 are no device names",
        ];
        let p = Prefilter::new();
        for l in chatter {
            assert!(!p.is_candidate(l.as_bytes()), "{l}");
        }
        let joined = chatter.join("\n");
        assert_eq!(p.candidates(joined.as_bytes()).count(), 0);
        // Among them, the lines the decoder must see still are candidates.
        let mut mixed = joined.clone();
        mixed.push_str("\nMar  4 00:00:02 db01 kernel: [ 171.334125]  session12: session recovery timed out after 120 secs\n");
        mixed.push_str("Mar  4 00:00:02 db01 kernel: bnx2i: netif=eth3, ipaddr not set\n");
        mixed.push_str("Mar  4 00:00:02 db01 kernel: qla4xxx 0000:04:00.0: login timed out\n");
        mixed.push_str("Mar  4 00:00:02 db01 iscsid: Connection4:0 to [target: t, portal: p,3260] through [iface: default] is operational now");
        assert_eq!(p.candidates(mixed.as_bytes()).count(), 4);
    }
}
