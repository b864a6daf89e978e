//! Wrappers: what a terminal, a mail client, a forum, a pager, a log shipper or another
//! program puts around a log line before a person pastes it.
//!
//! The envelope parser ([`super::envelope`]) reads a line from its start; when that fails,
//! [`strip_leading`] removes the wrappers that stand before the envelope (quote markers,
//! terminal-UI frames, Markdown, shell prompts, `grep -H` file names, container and
//! compose tags), and the parser tries again, then looks for an envelope further into the
//! line. After the envelope, the message is cleaned of what stands around it:
//! [`strip_trailing`] (frame borders and their padding, pager status, logwatch counts,
//! forum tags), [`repeated`] (rsyslog's `message repeated N times: [ ... ]`), [`klog`]
//! (Kubernetes' glog header), [`relayed`] (the `msg="..."` of logfmt/logrus and the
//! message member of a JSON record) and [`strip_markup`] (Markdown bold and code spans).
//!
//! Every function here recognises a *form* from its documentation, never a sample line;
//! each is a no-op on a line without the form, and none allocates unless it must unescape
//! or cut text out of the middle.

mod relay;

use regex::Regex;
pub use relay::{record_time, relayed, unescape};
use std::sync::OnceLock;

/// Frame characters of terminal UIs (tmux, screen, k9s, lazydocker, dialog boxes): box
/// drawing verticals and the ASCII bar.
const FRAMES: &[char] = &[
    '│', '┃', '║', '┆', '┇', '┊', '┋', '╎', '╏', '¦', '|', '├', '┤', '┠', '┨', '╟', '╢',
];

/// Compiles one of this module's regexes once.
fn re(cell: &'static OnceLock<Regex>, src: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(src).unwrap_or_else(|e| panic!("unwrap regex: {e}")))
}

/// A shell prompt: `$ `, `# `, `% `, `user@host:~$ `, `[user@host dir]# `, `(venv) ...`.
fn prompt() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:\([^)\s]*\) )?(?:\[[^\]\s]+@[^\]]+\]|[\w.-]+@[\w.-]+(?::[^\s$#%]*)?)?\s?[$#%] ",
    )
}

/// A `grep -H`/`grep -r` file name (a path with a `/`, or a name with a log-like
/// extension), with the optional `-n` line number: `./node/logs/dmesg.log:`,
/// `/var/log/messages:1234:`, `syslog.1:`.
fn grep_prefix() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:[^\s:\[\]=]*/[^\s:\[\]=]*|[\w.-]+\.(?:log|txt|out|err|gz)(?:\.[0-9]+)?|[A-Za-z][\w-]*\.[0-9]+)(?::[0-9]+)?:",
    )
}

/// A container or harness tag before the line: `[pod-name] `, `[node-1/kubelet] `,
/// docker compose's `web_1  | `, Kubernetes' CRI log form `2024-04-03T12:00:00.1Z stdout F `.
fn container_prefix() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^(?:\[[A-Za-z][\w.:/@-]*\] |[\w.-]+\s+\| |\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) (?:stdout|stderr) [FP] )",
    )
}

/// Forum markup tags (BBCode) at the start or end: `[COLOR=#FF0040]`, `[/COLOR]`, `[code]`.
fn bbcode() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r"^\[/?(?i:b|i|u|s|code|quote|color|size|font|pre)(?:=[^\]]*)?\]",
    )
}

/// Strips the wrappers that can stand before a log line's envelope, in any combination and
/// order: indentation, mail quote markers (`> `, `>> `), terminal-UI frames, Markdown list
/// markers, bold and code spans, numbered lists, shell prompts, `grep -H` file names,
/// container/compose/CRI tags and forum markup. Returns the rest of `line`.
pub fn strip_leading(line: &str) -> &str {
    let mut s = line;
    for _ in 0..12 {
        let before = s.len();
        s = s.trim_start_matches([' ', '\t', '\u{a0}']);
        if let Some(r) = s.strip_prefix('>').or_else(|| s.strip_prefix("&gt;")) {
            // A quote marker, also as an HTML-rendered mail archive shows it.
            s = r;
        } else if let Some(c) = s.chars().next().filter(|c| FRAMES.contains(c)) {
            s = &s[c.len_utf8()..];
        } else if (s.starts_with("**") || s.starts_with("__")) && !s[2..].starts_with(['*', '_']) {
            s = &s[2..];
        } else if s.starts_with('`') {
            s = s.trim_start_matches('`');
        } else if let Some(r) = ["- ", "* ", "+ ", "• "]
            .iter()
            .find_map(|m| s.strip_prefix(m))
        {
            s = r;
        } else if let Some(n) = numbered_item(s) {
            s = &s[n..];
        } else if let Some(n) = tagged_prefix(s) {
            s = &s[n..];
        }
        if s.len() == before {
            break;
        }
    }
    s
}

/// The length of a forum tag, container/compose/CRI tag, `grep -H` file name or shell
/// prompt at the start of `s`. Each regex runs only where a cheap test of its first bytes
/// allows it (this runs on lines whose start is no envelope).
fn tagged_prefix(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let head = &b[..b.len().min(128)];
    let word_end = memchr::memchr(b' ', head).unwrap_or(head.len());
    let first = *b.first()?;
    if first == b'[' {
        if let Some(m) = bbcode().find(s).or_else(|| container_prefix().find(s)) {
            return Some(m.end());
        }
    }
    if (first.is_ascii_digit() || memchr::memchr(b'|', head).is_some()) && first != b'[' {
        if let Some(m) = container_prefix().find(s) {
            return Some(m.end());
        }
    }
    let word = &head[..word_end];
    if memchr::memchr(b':', word).is_some() && memchr::memchr2(b'/', b'.', word).is_some() {
        if let Some(m) = grep_prefix().find(s) {
            return Some(m.end());
        }
    }
    if memchr::memchr3(b'$', b'#', b'%', head).is_some() {
        if let Some(m) = prompt().find(s) {
            return Some(m.end());
        }
    }
    None
}

/// The length of a Markdown numbered-list marker (`1. `, `12) `) at the start of `s`.
fn numbered_item(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let n = b.iter().take(3).take_while(|c| c.is_ascii_digit()).count();
    (n > 0 && matches!(b.get(n), Some(b'.' | b')')) && b.get(n + 1) == Some(&b' ')).then_some(n + 2)
}

/// The pager's status line glued to the end of a line (`less`: `lines 1-20/200 (END)`,
/// `lines 5-30 45%`, with `>` where `less -S` cut the line).
fn pager_residue() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(
        &R,
        r">?(?:lines \d+-\d+(?:/\d+)? (?:\(END\)|\d+%)|\(END\))\s*$",
    )
}

/// logwatch's summary count after a message: `...:  17 Time(s)`.
fn logwatch_count() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\s*(?:\.\.\.)?:\s+(\d+) Time\(s\)\s*$")
}

/// A closing forum tag at the end: `[/COLOR]`, `[/code]`.
fn bbcode_close() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\[/[A-Za-z]+\]\s*$")
}

/// Strips what can stand after a message: a terminal-UI frame border and the padding
/// before it, a pager status, a closing forum tag, and logwatch's `...: N Time(s)`
/// (returned as the repeat count). Returns the message and the count.
pub fn strip_trailing(msg: &str) -> (&str, Option<u32>) {
    let mut s = msg;
    let mut count = None;
    for _ in 0..6 {
        let before = s.len();
        s = s.trim_end_matches([' ', '\t', '\r', '\n', '\u{a0}']);
        if let Some(c) = s.chars().next_back().filter(|c| FRAMES.contains(c)) {
            // A bar ends a frame only after padding (a message may end in `|`).
            let rest = &s[..s.len() - c.len_utf8()];
            if c != '|' || rest.ends_with("  ") {
                s = rest;
            }
        } else if s.ends_with("(END)") || s.ends_with('%') {
            if let Some(m) = pager_residue().find(s) {
                s = &s[..m.start()];
            }
        } else if s.ends_with(" Time(s)") {
            if let Some(c) = logwatch_count().captures(s) {
                count = c.get(1).and_then(|m| m.as_str().parse().ok());
                s = &s[..c.get(0).map_or(s.len(), |m| m.start())];
            }
        } else if s.ends_with(']') {
            if let Some(m) = bbcode_close().find(s) {
                s = &s[..m.start()];
            }
        } else if (s.ends_with("**") || s.ends_with("__"))
            && !s[..s.len() - 2].ends_with(['*', '_'])
        {
            s = &s[..s.len() - 2];
        } else if s.ends_with('`') {
            s = s.trim_end_matches('`');
        }
        if s.len() == before {
            break;
        }
    }
    (s, count)
}

/// rsyslog's repeat-message reduction: `message repeated N times: [ MSG]` gives `(N, MSG)`
/// (rsyslog `$RepeatedMsgReduction`; the inner message keeps its own text).
pub fn repeated(msg: &str) -> Option<(u32, &str)> {
    let rest = msg.strip_prefix("message repeated ")?;
    let (n, rest) = rest.split_once(" times: [")?;
    let n = n.parse().ok()?;
    let inner = rest.strip_suffix(']').unwrap_or(rest);
    Some((n, inner.trim_start()))
}

/// Kubernetes' klog (glog) header: `I0403 12:00:00.123456    1234 file.go:12] MSG`
/// (severity `IWEF`, month and day, time, thread id, source). Returns the month, day,
/// seconds of the day, the time as printed (`0403 12:00:00.123456`) and the message.
pub fn klog(msg: &str) -> Option<(u32, u32, f64, &str, &str)> {
    let b = msg.as_bytes();
    if !matches!(b.first(), Some(b'I' | b'W' | b'E' | b'F')) || b.get(5) != Some(&b' ') {
        return None;
    }
    let month = super::clock::digits(&b[1..], 2)?;
    let day = super::clock::digits(&b[3..], 2)?;
    let (sod, used) = super::clock::parse_hms(b.get(6..)?)?;
    let rest = msg.get(6 + used..)?.trim_start();
    let (_thread, rest) = rest.split_once(' ')?;
    let close = rest.find("] ")?;
    if rest[..close].contains(' ') || !rest[..close].contains(':') {
        return None;
    }
    ((1..=12).contains(&month) && (1..=31).contains(&day))
        .then(|| (month, day, sod, &msg[1..6 + used], &rest[close + 2..]))
}
/// Decodes the HTML character references that web archives of mail and forums leave in
/// pasted text (`&gt;`, `&lt;`, `&amp;`, `&quot;`, `&#39;`, `&#NN;`, `&#xNN;`). `None`
/// when there are none.
pub fn html_entities(msg: &str) -> Option<String> {
    if !msg.contains('&') || !msg.contains(';') {
        return None;
    }
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    let mut changed = false;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // In bytes: the tenth byte may fall inside a character.
        let end = tail.as_bytes()[..tail.len().min(10)]
            .iter()
            .position(|&b| b == b';');
        let ch = end.and_then(|e| match &tail[1..e] {
            "gt" => Some('>'),
            "lt" => Some('<'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            n => {
                let num = n.strip_prefix('#')?;
                let v = match num.strip_prefix(['x', 'X']) {
                    Some(h) => u32::from_str_radix(h, 16).ok()?,
                    None => num.parse().ok()?,
                };
                char::from_u32(v).filter(|c| !c.is_control())
            }
        });
        match (ch, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &tail[e + 1..];
                changed = true;
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    changed.then_some(out)
}

/// Markdown bold: `**text**` (no space inside the markers; iscsiadm's `********` for a
/// hidden password is no markup).
fn bold() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    re(&R, r"\*\*([^*\s](?:[^*]*[^*\s])?)\*\*")
}

/// Removes Markdown bold markers (`**text**`) and code-span backticks from inside a message
/// (iSCSI messages contain neither). `None` when there is nothing to remove.
pub fn strip_markup(msg: &str) -> Option<String> {
    let ticks = msg.contains('`');
    let stars = msg.contains("**") && bold().is_match(msg);
    if !ticks && !stars {
        return None;
    }
    let mut out = if stars {
        bold().replace_all(msg, "$1").into_owned()
    } else {
        msg.to_string()
    };
    if ticks {
        out.retain(|c| c != '`');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_wrappers_in_combination() {
        let l = "kernel:  connection3:0: detected conn error (1022)";
        for w in [
            "> ",
            ">> ",
            "> > ",
            "│ ",
            "| ",
            "    ",
            "\t",
            "- ",
            "* ",
            "3. ",
            "**",
            "`",
            "$ ",
            "root@node1:~# ",
            "[root@node1 ~]# ",
            "./node/logs/kern.log:",
            "/var/log/messages:1234:",
            "syslog.1:",
            "kern.log.2.gz:",
            "[iscsi-node-1] ",
            "web_1  | ",
            "2024-04-03T12:00:00.123456789Z stdout F ",
            "[COLOR=#FF0040]",
            "> │ - ",
        ] {
            let line = format!("{w}{l}");
            assert_eq!(strip_leading(&line), l, "{w:?}");
        }
        assert_eq!(strip_leading(l), l);
        let listing = "192.168.3.126:3260,1 iqn.2018-06.node1.vdi1";
        assert_eq!(strip_leading(listing), listing, "a portal is no file name");
        assert_eq!(
            strip_leading("connection3:0: x"),
            "connection3:0: x",
            "device names are no grep prefix"
        );
    }

    #[test]
    fn trailing_wrappers() {
        let m = "connection2:0: detected conn error (1020)";
        assert_eq!(strip_trailing(&format!("{m}        │")), (m, None));
        assert_eq!(strip_trailing(&format!("{m}   |")), (m, None));
        assert_eq!(strip_trailing("a|b|"), ("a|b|", None));
        assert_eq!(
            strip_trailing("Connection1:0 to [target: iqn.x>lines 69199-69227/69227 (END)"),
            ("Connection1:0 to [target: iqn.x", None)
        );
        assert_eq!(
            strip_trailing(&format!("{m} ...:  17 Time(s)")),
            (m, Some(17))
        );
        assert_eq!(strip_trailing(&format!("{m}[/COLOR]")), (m, None));
        assert_eq!(strip_trailing(&format!("{m}**")), (m, None));
    }

    #[test]
    fn repeated_and_klog() {
        assert_eq!(
            repeated(
                "message repeated 13 times: [ connect to 192.0.2.1:3260 failed (No route to host)]"
            ),
            Some((13, "connect to 192.0.2.1:3260 failed (No route to host)"))
        );
        assert_eq!(repeated("message repeated x times: [ a]"), None);
        let (mo, d, sod, text, rest) =
            klog("E0403 12:00:01.500000    1234 iscsi_util.go:57] iscsiadm: x").unwrap();
        assert_eq!(
            (mo, d, sod, text, rest),
            (4, 3, 43201.5, "0403 12:00:01.500000", "iscsiadm: x")
        );
        assert_eq!(klog("Info 12:00:00 x"), None);
    }

    #[test]
    fn html() {
        assert_eq!(
            html_entities(
                "connect to [fd00::1]:3260 failed (&quot;x&quot; &amp; &#39;y&#x27; &lt;z&gt;)"
            )
            .unwrap(),
            "connect to [fd00::1]:3260 failed (\"x\" & 'y' <z>)"
        );
        assert_eq!(html_entities("a & b; c"), None);
        assert_eq!(html_entities("&#27;"), None, "no control characters");
        assert_eq!(strip_leading("&gt; &gt; x"), "x");
    }

    #[test]
    fn markup() {
        assert_eq!(
            strip_markup("initiator reported error (24 - **iSCSI login failed**)").unwrap(),
            "initiator reported error (24 - iSCSI login failed)"
        );
        assert_eq!(strip_markup("plain"), None);
        assert_eq!(strip_markup("node.session.auth.password = ********"), None);
        assert_eq!(
            strip_trailing("password = ********"),
            ("password = ********", None)
        );
    }
}
