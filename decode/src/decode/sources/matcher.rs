//! Finds the row of [`super::ROWS`] a message matches. Each row's prefix and format become an
//! anchored regex (printf conversions as typed captures: `%d` as `-?\d+`, `%x` as hex, `%s` as
//! any text, the kernel's `%pI4`/`%pISpc`/… as one word). The longest literal of the format is
//! the row's anchor; one Aho-Corasick search over all anchors picks the candidate rows, and
//! only those are verified. Formats without a literal of at least [`MIN_ANCHOR`] bytes
//! (`%s`, `%s: %s`) are left out: they would match any line.
//!
//! Built once per process, on the first message that needs it.

use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use regex::bytes::{Regex, RegexBuilder};

use super::{MessageSource, ROWS};
use crate::decode::fields::{FieldId, Fields};

/// The prefix of dev_printk's rows (codegen's `messages::rules`): the device's driver and
/// name.
const DEVICE: &str = "{driver} {device}: ";

/// The shortest anchor a row may have.
const MIN_ANCHOR: usize = 5;

struct Matcher {
    /// Anchors, one pattern each.
    ac: AhoCorasick,
    /// For each anchor, the rows that have it.
    rows_of: Vec<Vec<u32>>,
    /// Per row: its regex (compiled on first use; `None` when it does not compile) and
    /// the number of literal bytes (the more, the more specific).
    regex: Vec<OnceLock<Option<Regex>>>,
    weight: Vec<u32>,
    /// Per row, how it ranks among rows of equal weight: typed conversions (`%d` says more
    /// than `%s`) twice, plus one for a message printed without a debug switch.
    rank: Vec<u32>,
    /// Per row, the version of the last release that prints it (`[0; 4]` when unknown).
    until: Vec<[u16; 4]>,
    /// Per row, its regex text (`None`: the row is left out).
    text: Vec<Option<String>>,
    /// Per row, the other rows of the same wording (origin, prefix and format) printed by
    /// another call site (file and function); empty for most.
    twins: Vec<Vec<u32>>,
}

static MATCHER: OnceLock<Matcher> = OnceLock::new();

fn matcher() -> &'static Matcher {
    MATCHER.get_or_init(build)
}

impl Matcher {
    /// Row `i`'s regex, compiled on first use; `None` for a row left out. Over bytes and
    /// without Unicode classes (`\d` is `[0-9]`, `\S` a byte that is not ASCII space): a
    /// tenth of the compile time and size, and the same matches on these formats, whose
    /// conversions print ASCII digits and words.
    fn regex_of(&self, i: usize) -> Option<&Regex> {
        self.regex[i]
            .get_or_init(|| {
                let text = self.text[i].as_deref()?;
                RegexBuilder::new(text).unicode(false).build().ok()
            })
            .as_ref()
    }
}

fn build() -> Matcher {
    let mut anchors: Vec<String> = Vec::new();
    let mut rows_of: Vec<Vec<u32>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut text = Vec::with_capacity(ROWS.len());
    let mut weight = Vec::with_capacity(ROWS.len());
    let mut rank = Vec::with_capacity(ROWS.len());
    for (i, row) in ROWS.iter().enumerate() {
        let t = translate(row);
        let anchor = t
            .as_ref()
            .and_then(|t| t.anchor.clone())
            .filter(|a| a.len() >= MIN_ANCHOR);
        weight.push(t.as_ref().map_or(0, |t| t.literal_bytes));
        rank.push(t.as_ref().map_or(0, |t| t.typed * 2) + u32::from(row.level != "debug"));
        match (t, anchor) {
            (Some(t), Some(a)) => {
                let k = *index.entry(a.clone()).or_insert_with(|| {
                    anchors.push(a);
                    rows_of.push(Vec::new());
                    rows_of.len() - 1
                });
                rows_of[k].push(i as u32);
                text.push(Some(t.regex));
            }
            _ => text.push(None),
        }
    }
    // A contiguous NFA builds in a few milliseconds for these thousands of anchors (a DFA
    // would take far longer), and searches only messages that need a source.
    let ac = AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::ContiguousNFA))
        .match_kind(MatchKind::Standard)
        .build(&anchors)
        .expect("the anchors are plain strings");
    Matcher {
        ac,
        rows_of,
        regex: (0..ROWS.len()).map(|_| OnceLock::new()).collect(),
        weight,
        rank,
        until: ROWS
            .iter()
            .map(|r| crate::tables::core::parse_version(r.until).unwrap_or_default())
            .collect(),
        text,
        twins: twins(),
    }
}

/// For each row, the rows of other call sites that print the same wording.
fn twins() -> Vec<Vec<u32>> {
    let mut groups: std::collections::HashMap<(&str, &str, &str), Vec<u32>> =
        std::collections::HashMap::new();
    for (i, r) in ROWS.iter().enumerate() {
        groups
            .entry((r.origin, r.prefix, r.format))
            .or_default()
            .push(i as u32);
    }
    ROWS.iter()
        .map(|r| {
            let mut seen: Vec<(&str, &str)> = vec![(r.file, r.function)];
            let mut out = Vec::new();
            for &j in &groups[&(r.origin, r.prefix, r.format)] {
                let o = &ROWS[j as usize];
                if !seen.contains(&(o.file, o.function)) {
                    seen.push((o.file, o.function));
                    out.push(j);
                }
            }
            out
        })
        .collect()
}

/// The index of `row` in [`ROWS`] (rows handed out are always elements of it).
pub(crate) fn index_of(row: &MessageSource) -> Option<usize> {
    let at = (row as *const MessageSource as usize).checked_sub(ROWS.as_ptr() as usize)?;
    let i = at / std::mem::size_of::<MessageSource>();
    (i < ROWS.len() && std::ptr::eq(&ROWS[i], row)).then_some(i)
}

/// The other call sites that print exactly the wording of `row` (a line cannot tell them
/// apart), among those `program` links when it is named: most recent wording first.
pub(crate) fn same_wording(
    row: &MessageSource,
    program: Option<&str>,
) -> Vec<&'static MessageSource> {
    let Some(i) = index_of(row) else {
        return Vec::new();
    };
    let m = matcher();
    let mut out: Vec<&'static MessageSource> = m.twins[i]
        .iter()
        .map(|&j| &ROWS[j as usize])
        .filter(|o| links(o, program))
        .collect();
    out.sort_by_key(|o| {
        std::cmp::Reverse(crate::tables::core::parse_version(o.until).unwrap_or_default())
    });
    out
}

/// Whether the program that tagged a line links the file of `row` (true when the line
/// names no program, or one the table does not know).
fn links(row: &MessageSource, program: Option<&str>) -> bool {
    match program {
        Some(p) if program_class(Some(p)).is_some_and(|c| c > 0) => row.programs.contains(&p),
        _ => true,
    }
}

/// A row as a regex and its anchor.
struct Translated {
    regex: String,
    anchor: Option<String>,
    literal_bytes: u32,
    /// Conversions narrower than any text (all but `%s`).
    typed: u32,
}

/// The anchored regex of `row`'s prefix and format, with the longest literal of the format
/// (else of the prefix) as the anchor.
fn translate(row: &MessageSource) -> Option<Translated> {
    let mut regex = String::from("^");
    let mut best_format: Option<String> = None;
    let mut best_prefix: Option<String> = None;
    let mut literal_bytes = 0u32;
    let mut typed = 0u32;
    // The prefix: `{sd|scsi}` is either word; `{driver} {device}: ` is dev_printk's driver
    // and device name (`qla4xxx 0000:04:00.0: `), which a paste may leave out; a leading
    // space is the kernel's empty driver string (the message is matched trimmed).
    let prefix = row.prefix.trim_start();
    let rest = if let Some(rest) = prefix.strip_prefix("{sd|scsi}") {
        regex.push_str("(?:sd|scsi)");
        rest
    } else if let Some(rest) = prefix.strip_prefix(DEVICE) {
        regex.push_str(r"(?:\S+ \S+: )?");
        rest
    } else {
        prefix
    };
    for (part, is_format) in [(rest, false), (row.format, true)] {
        let best = if is_format {
            &mut best_format
        } else {
            &mut best_prefix
        };
        let mut piece = String::new();
        let flush = |piece: &mut String, best: &mut Option<String>| {
            let t = piece.trim();
            if best.as_ref().is_none_or(|b| t.len() > b.len()) && !t.is_empty() {
                *best = Some(t.to_string());
            }
            piece.clear();
        };
        let b = part.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c == b'\\' && b.get(i + 1).is_some_and(u8::is_ascii) {
                match b[i + 1] {
                    b't' | b'n' | b'r' => {
                        flush(&mut piece, best);
                        regex.push_str(r"\s*");
                    }
                    other => {
                        piece.push(other as char);
                        push_escaped(&mut regex, other as char);
                        literal_bytes += 1;
                    }
                }
                i += 2;
                continue;
            }
            if c != b'%' {
                let ch = part[i..].chars().next()?;
                piece.push(ch);
                push_escaped(&mut regex, ch);
                literal_bytes += ch.len_utf8() as u32;
                i += ch.len_utf8();
                continue;
            }
            i += 1;
            if b.get(i) == Some(&b'%') {
                piece.push('%');
                regex.push('%');
                i += 1;
                continue;
            }
            flush(&mut piece, best);
            let mut hash = false;
            while let Some(&f) = b.get(i) {
                if b"-+ #0".contains(&f) {
                    hash |= f == b'#';
                    i += 1;
                } else {
                    break;
                }
            }
            while b
                .get(i)
                .is_some_and(|x| x.is_ascii_digit() || *x == b'*' || *x == b'.')
            {
                i += 1;
            }
            while b.get(i).is_some_and(|x| b"hlLqjzt".contains(x)) {
                i += 1;
            }
            let conv = *b.get(i)?;
            i += 1;
            let at_end = i >= b.len() && is_format;
            typed += u32::from(conv != b's');
            // Each conversion is a group (numbered in order, prefix first), whose text
            // fills the field the row's `fields` names for it; a width's padding is
            // outside it.
            if matches!(conv, b'd' | b'i' | b'u' | b'x' | b'X' | b'o') {
                regex.push_str(r"\s*");
            }
            regex.push('(');
            regex.push_str(match conv {
                b'd' | b'i' => r"-?\d+",
                b'u' => r"\d+",
                b'x' | b'X' if hash => r"0[xX][0-9a-fA-F]+",
                b'x' | b'X' => r"[0-9a-fA-F]+",
                b'o' => r"[0-7]+",
                b'c' => ".",
                b'f' | b'g' | b'e' => r"[-+0-9.eEinfa]+",
                b'p' => {
                    // The kernel's extensions: letters and digits after %p.
                    while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                        i += 1;
                    }
                    r"\S+"
                }
                _ if at_end => ".*",
                _ => ".*?",
            });
            regex.push(')');
        }
        flush(&mut piece, best);
    }
    regex.push_str(r"\s*$");
    Some(Translated {
        regex,
        anchor: best_format.or(best_prefix),
        literal_bytes,
        typed,
    })
}

/// Appends `c` to a regex as a literal (what `regex::escape` does, without allocating).
fn push_escaped(regex: &mut String, c: char) {
    if regex_syntax::is_meta_character(c) {
        regex.push('\\');
    }
    regex.push(c);
}

/// Whether a row of `origin` may have been logged by `program` (the envelope's tag, if
/// any): kernel rows by the kernel, open-iscsi rows by its programs.
fn program_fits(origin: &str, program: Option<&str>) -> bool {
    let Some(p) = program else {
        return true;
    };
    if origin == "kernel" {
        p == "kernel"
    } else {
        matches!(p, "iscsid" | "iscsiadm" | "iscsistart" | "iscsiuio")
    }
}

/// open-iscsi's std-mode logger writes `<prog>: ` before error, warning and debug messages
/// (usr/log.c): the format starts after it.
fn strip_std_prefix(message: &str) -> &str {
    for p in ["iscsid: ", "iscsiadm: ", "iscsistart: "] {
        if let Some(rest) = message.strip_prefix(p) {
            return rest;
        }
    }
    message
}

/// The fields `row`'s `fields` column names in `message` (a message the row matches, as
/// [`find`] was given it): each field's name and byte range in `message`, in order. The
/// conversions of one field in a row (the four numbers of `H:C:T:L`) are one range, from
/// the first to the last; a field named twice apart is taken the first time only.
pub(crate) fn field_spans(
    row: &MessageSource,
    message: &str,
    out: &mut Vec<(&'static str, usize, usize)>,
) {
    out.clear();
    if row.fields.is_empty() {
        return;
    }
    let Some(i) = index_of(row) else { return };
    let m = matcher();
    let Some(re) = m.regex_of(i) else {
        return;
    };
    let text = strip_std_prefix(message.trim());
    let base = text.as_ptr() as usize - message.as_ptr() as usize;
    let Some(caps) = re.captures(text.as_bytes()) else {
        return;
    };
    let mut last: Option<&'static str> = None;
    for (g, name) in row.fields.split(' ').enumerate() {
        let Some(at) = caps.get(g + 1) else {
            last = None;
            continue;
        };
        if name == "-" {
            last = None;
            continue;
        }
        let (s, e) = (base + at.start(), base + at.end());
        // `last`: the name of the range just pushed or extended, which this conversion
        // may extend.
        if last == Some(name) {
            if let Some(prev) = out.last_mut() {
                prev.2 = e;
            }
        } else if out.iter().any(|f| f.0 == name) {
            last = None;
        } else {
            out.push((name, s, e));
            last = Some(name);
        }
    }
}

/// For a message only the table of the sources knows: fills `fields` with what its row's
/// conversions print (the `fields` column, from `headers/message-fields.toml`). They are set
/// last to first, so that the first conversion filling a field wins (`retcode %d (%d)`:
/// the return code's errno, not the errno printed after it). `scratch` holds the spans.
pub(crate) fn fill_fields<'a>(
    program: Option<&str>,
    msg: &'a str,
    fields: &mut Fields<'a>,
    scratch: &mut Vec<(&'static str, usize, usize)>,
) {
    let Some(row) = find_strict(program, msg) else {
        return;
    };
    field_spans(row, msg, scratch);
    for &(name, s, e) in scratch.iter().rev() {
        if let (Some(id), Some(v)) = (FieldId::from_group(name), msg.get(s..e)) {
            fields.set(id, v);
        }
    }
}

/// The number of conversions (capture groups) of `row`'s regex; `None` when the row is left
/// out of matching (no anchor, or a regex that does not compile).
#[cfg(test)]
pub(crate) fn group_count(row: &MessageSource) -> Option<usize> {
    let i = index_of(row)?;
    let m = matcher();
    Some(m.regex_of(i)?.captures_len() - 1)
}

/// Literal bytes a row needs before a line is recognised by the row alone
/// ([`find_strict`]): a wording short enough to be any program's (`%s failed: %d`) names a
/// source for a line a pattern recognised, but does not make a line iSCSI on its own.
const MIN_LITERAL_ALONE: u32 = 12;

/// [`find`], for a line no pattern recognises: only rows with [`MIN_LITERAL_ALONE`] literal
/// bytes.
pub(crate) fn find_strict(program: Option<&str>, message: &str) -> Option<&'static MessageSource> {
    find_min(program, message, MIN_LITERAL_ALONE)
}

/// The row of the sources that prints `message` (tagged `program`, when the envelope says),
/// the most specific when several match.
pub(crate) fn find(program: Option<&str>, message: &str) -> Option<&'static MessageSource> {
    find_min(program, message, 0)
}

/// Which rows a program's lines may match: 0 any (no program), 1 the kernel's, 2
/// open-iscsi's; `None` for any other program (no row).
fn program_class(program: Option<&str>) -> Option<u8> {
    match program {
        None => Some(0),
        Some(p) if program_fits("kernel", Some(p)) => Some(1),
        Some(p) if program_fits("open-iscsi", Some(p)) => Some(2),
        Some(_) => None,
    }
}

/// Entries of the per-thread cache before it is emptied.
const CACHE_ENTRIES: usize = 8192;

/// A cache of rows found, by message shape.
type ShapeCache = (std::collections::HashMap<Vec<u8>, Option<u32>>, Vec<u8>);

thread_local! {
    /// Rows found for message shapes (digit runs as their lengths, `memo::shape_key`), by
    /// program and strictness: messages that differ only in their numbers (ids,
    /// jiffies, error codes) are one search.
    static CACHE: std::cell::RefCell<ShapeCache> =
        std::cell::RefCell::new((std::collections::HashMap::new(), Vec::new()));
}

fn find_min(
    program: Option<&str>,
    message: &str,
    min_weight: u32,
) -> Option<&'static MessageSource> {
    let class = program_class(program)?;
    let message = strip_std_prefix(message.trim());
    CACHE.with(|c| {
        let (map, key) = &mut *c.borrow_mut();
        crate::decode::memo::shape_key(message, key);
        key.push(class);
        key.extend_from_slice(program.unwrap_or("").as_bytes());
        key.push(u8::from(min_weight > 0));
        if let Some(hit) = map.get(key.as_slice()) {
            return hit.map(|r| &ROWS[r as usize]);
        }
        let found = search(program, message, min_weight);
        // A wording with digits of its own (`v2.0`, `%02x`) may tell same-shape messages
        // apart: its answer is not kept for the shape.
        let digits = found.is_some_and(|r| ROWS[r].format.bytes().any(|b| b.is_ascii_digit()));
        if !digits {
            if map.len() >= CACHE_ENTRIES {
                map.clear();
            }
            map.insert(key.clone(), found.map(|r| r as u32));
        }
        found.map(|r| &ROWS[r])
    })
}

/// The index of the most specific row that matches `message` (already trimmed): the
/// candidates of every anchor found, most specific first (the most literal text, then the
/// newest release's wording: a call site renamed or moved keeps its old row in the
/// history), verified in that order until one matches, so that a line usually costs one
/// regex.
fn search(program: Option<&str>, message: &str, min_weight: u32) -> Option<usize> {
    let m = matcher();
    CANDIDATES.with(|c| {
        let cands = &mut *c.borrow_mut();
        cands.clear();
        for hit in m.ac.find_overlapping_iter(message) {
            for &row in &m.rows_of[hit.pattern().as_usize()] {
                let row = row as usize;
                if m.weight[row] >= min_weight && program_fits(ROWS[row].origin, program) {
                    let linked = links(&ROWS[row], program);
                    cands.push((linked, m.weight[row], m.rank[row], m.until[row], row));
                }
            }
        }
        // A row of a file the program links first (a line tagged `iscsistart` is not
        // printed by usr/iscsiadm.c), then the most specific, then the newest; between
        // equals, the row the table lists first.
        cands.sort_unstable_by(|x, y| (y.0, y.1, y.2, y.3, x.4).cmp(&(x.0, x.1, x.2, x.3, y.4)));
        cands.dedup();
        cands.iter().map(|&(_, _, _, _, row)| row).find(|&row| {
            m.regex_of(row)
                .is_some_and(|re| re.is_match(message.as_bytes()))
        })
    })
}

/// Every row of the origin of `program` (any, without one) whose wording `message` fits:
/// the row [`find`] picks, the same words at other call sites, and any other wording the
/// text fits (an older `%s` where a newer format has `%s (%d)`). Not cached: for checks
/// that ask once per distinct message.
pub(crate) fn matching(program: Option<&str>, message: &str) -> Vec<&'static MessageSource> {
    if program_class(program).is_none() {
        return Vec::new();
    }
    let message = strip_std_prefix(message.trim());
    let m = matcher();
    let mut rows: Vec<usize> =
        m.ac.find_overlapping_iter(message)
            .flat_map(|hit| m.rows_of[hit.pattern().as_usize()].iter())
            .map(|&r| r as usize)
            .filter(|&r| program_fits(ROWS[r].origin, program))
            .collect();
    rows.sort_unstable();
    rows.dedup();
    rows.into_iter()
        .filter(|&row| {
            m.regex_of(row)
                .is_some_and(|re| re.is_match(message.as_bytes()))
        })
        .map(|r| &ROWS[r])
        .collect()
}

/// A candidate row: (linked by the program, weight, rank, until, row).
type Candidate = (bool, u32, u32, [u16; 4], usize);

thread_local! {
    /// The candidate rows of one search: (linked by the program, weight, rank, until, row).
    static CANDIDATES: std::cell::RefCell<Vec<Candidate>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_call_site_of_known_lines() {
        let f = |p, m| find(p, m).map(|s| (s.file, s.function));
        assert_eq!(
            f(Some("kernel"), " connection3:0: detected conn error (1022)"),
            Some((
                "drivers/scsi/scsi_transport_iscsi.c",
                "iscsi_conn_error_event"
            ))
        );
        assert_eq!(
            f(
                Some("kernel"),
                "connection3:0: ping timeout of 5 secs expired, recv timeout 5, last rx 36174282912, last ping 36174287936, now 36174292992"
            ),
            Some(("drivers/scsi/libiscsi.c", "iscsi_check_transport_timeouts"))
        );
        let s = find(
            Some("iscsid"),
            "iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
        )
        .expect("iscsid's conn error line");
        assert_eq!(s.origin, "open-iscsi");
        assert_eq!(
            (s.file, s.function),
            ("usr/initiator.c", "session_conn_error")
        );
        // A kernel wording is not taken for an iscsid line, and the reverse.
        assert!(
            find(Some("iscsid"), "detected conn error (1022)").is_none_or(|s| s.origin != "kernel")
        );
        assert!(find(Some("sshd"), "Connection closed by 10.0.0.1 port 22").is_none());
        // Too generic to anchor: no row claims a bare word.
        assert!(find(None, "hello").is_none());
    }

    #[test]
    fn printf_conversions() {
        let row = MessageSource::new(
            "kernel",
            &["kernel"],
            "f.c",
            "fn",
            "printk",
            "err",
            " session%u: ",
            "recovery timed out after %d secs (%s)%%",
            "v",
            "v",
            "sid - -",
        );
        let t = translate(&row).unwrap();
        // A backslash before a non-ASCII character is a literal backslash, not a panic.
        let odd = MessageSource {
            format: "caf\\é %d",
            ..row
        };
        let compile = |t: &str| RegexBuilder::new(t).unicode(false).build().unwrap();
        assert!(compile(&translate(&odd).unwrap().regex).is_match("session1: caf\\é 3".as_bytes()));
        let re = compile(&t.regex);
        assert!(re.is_match(b"session7: recovery timed out after 120 secs (x y)%"));
        assert!(!re.is_match(b"session7: recovery timed out after x secs (x)%"));
        // A conversion's text is a group, whatever bytes it holds.
        let caps = re
            .captures("session7: recovery timed out after 120 secs (é ü)%".as_bytes())
            .unwrap();
        assert_eq!(&caps[3], "é ü".as_bytes());
        assert_eq!(t.anchor.as_deref(), Some("recovery timed out after"));
    }
}
