//! Messages relayed inside structured lines: logfmt/logrus `msg="..."`, the message member
//! of a JSON record, JSON strings, and their times; the escapes they use.

use crate::decode::clock;
use std::borrow::Cow;

/// The time of a structured record: the `time`/`ts`/`timestamp`/`@timestamp` member of a
/// JSON record or logfmt line, as RFC 3339 text or seconds since the epoch. Returns the
/// seconds since the epoch and the text.
pub fn record_time(msg: &str) -> Option<(f64, String)> {
    const KEYS: [&str; 4] = ["time", "ts", "timestamp", "@timestamp"];
    let b = msg.as_bytes();
    for key in KEYS {
        for (quoted_key, sep) in [(true, ':'), (false, '=')] {
            let pat = if quoted_key {
                format!("\"{key}\"")
            } else {
                format!("{key}=")
            };
            let Some(i) = msg.find(&pat) else { continue };
            if i > 0 && !quoted_key && !b[i - 1].is_ascii_whitespace() {
                continue;
            }
            let mut v = msg[i + pat.len()..].trim_start();
            if quoted_key {
                v = v.strip_prefix(sep)?.trim_start();
            }
            let text = match v.strip_prefix('"') {
                Some(q) => &q[..q.find('"')?],
                None => &v[..v.find([' ', ',', '}']).unwrap_or(v.len())],
            };
            if let Some((secs, used)) = clock::parse_iso(text.as_bytes()) {
                if used == text.len() {
                    return Some((secs, text.to_string()));
                }
            }
            if let Ok(secs) = text.parse::<f64>() {
                if (1e9..1e10).contains(&secs) {
                    return Some((secs, text.to_string()));
                }
            }
        }
    }
    None
}

/// The message relayed inside a structured line: logfmt/logrus `msg="..."` (or
/// `message=`), or the `msg`/`message`/`log`/`MESSAGE` member of a JSON record (one-line
/// JSON, or one member line of a pretty-printed record). Escapes are decoded.
pub fn relayed(msg: &str) -> Option<Cow<'_, str>> {
    let t = msg.trim_start();
    if t.starts_with('{') {
        return json_member(t);
    }
    if t.starts_with('"') {
        // One member line of a pretty-printed record, or a whole line as a JSON string
        // (an element of a JSON array of lines).
        return json_member_line(t).or_else(|| {
            let (v, used) = quoted(t)?;
            matches!(t[used..].trim(), "" | ",").then_some(v)
        });
    }
    logfmt(msg)
}

/// The value of `msg=`/`message=` in a logfmt line (quoted with Go escapes, or bare up to
/// the next space).
fn logfmt(msg: &str) -> Option<Cow<'_, str>> {
    let b = msg.as_bytes();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&b[from..], b"msg=").map(|i| i + from) {
        from = i + 4;
        let start = if i >= 4 && &b[i - 4..i] == b"mess" {
            i - 4
        } else {
            i
        };
        if start > 0 && !b[start - 1].is_ascii_whitespace() {
            continue;
        }
        let v = &msg[i + 4..];
        if v.starts_with('"') {
            return quoted(v).map(|(s, _)| s);
        }
        let end = v.find(' ').unwrap_or(v.len());
        return Some(Cow::Borrowed(&v[..end]));
    }
    None
}

/// A double-quoted string at the start of `s`, with C/Go/JSON escapes decoded (`\"`,
/// `\\`, `\n`, `\t`, `\r`, `\uXXXX`, `\xHH`); returns it and the bytes used.
pub fn quoted(s: &str) -> Option<(Cow<'_, str>, usize)> {
    let body = s.strip_prefix('"')?;
    let b = body.as_bytes();
    let mut i = 0;
    let mut escaped = false;
    while i < b.len() {
        match b[i] {
            b'\\' => {
                escaped = true;
                i += 2;
            }
            b'"' => {
                let raw = &body[..i];
                let v = if escaped {
                    Cow::Owned(unescape(raw))
                } else {
                    Cow::Borrowed(raw)
                };
                return Some((v, i + 2));
            }
            _ => i += 1,
        }
    }
    // An unterminated string (cut by the pasting): what there is.
    Some((Cow::Owned(unescape(body)), s.len()))
}

/// Decodes C/Go/JSON backslash escapes; an unknown escape keeps its character.
pub fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('u') => {
                let hex: String = it.clone().take(4).collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == 4 => {
                        out.push(ch);
                        it.nth(3);
                    }
                    _ => out.push('u'),
                }
            }
            Some('x') => {
                let hex: String = it.clone().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(v) if hex.len() == 2 && v.is_ascii() => {
                        out.push(char::from(v));
                        it.nth(1);
                    }
                    _ => out.push('x'),
                }
            }
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Keys whose string value is the log message in JSON records (journald, docker's
/// json-file `log`, zap/logrus/bunyan `msg`/`message`).
const MESSAGE_KEYS: &[&str] = &["MESSAGE", "message", "msg", "log", "Message"];

/// The message member of a one-line JSON object.
fn json_member(t: &str) -> Option<Cow<'_, str>> {
    for key in MESSAGE_KEYS {
        let pat = format!("\"{key}\"");
        let mut from = 0;
        while let Some(i) = t[from..].find(&pat).map(|i| i + from) {
            from = i + pat.len();
            let rest = t[from..].trim_start();
            let Some(rest) = rest.strip_prefix(':') else {
                continue;
            };
            if let Some((v, _)) = quoted(rest.trim_start()) {
                return Some(v);
            }
        }
    }
    None
}

/// One member line of a pretty-printed JSON record: `"MESSAGE" : "...",`.
fn json_member_line(t: &str) -> Option<Cow<'_, str>> {
    let (key, used) = quoted(t)?;
    if !MESSAGE_KEYS.contains(&key.as_ref()) {
        return None;
    }
    let rest = t[used..].trim_start().strip_prefix(':')?.trim_start();
    quoted(rest).map(|(v, _)| v)
}
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relayed_messages() {
        let m = r#"time="2024-01-02T03:04:05Z" level=error msg="iscsiadm: Could not login to [iface: default, target: \"t\"]\n" node=x"#;
        assert_eq!(
            relayed(m).unwrap(),
            "iscsiadm: Could not login to [iface: default, target: \"t\"]\n"
        );
        assert_eq!(relayed("level=info msg=hello other=1").unwrap(), "hello");
        assert_eq!(
            relayed(
                r#"{"level":"error","msg":"connect to 1.2.3.4:3260 failed (Connection refused)"}"#
            )
            .unwrap(),
            "connect to 1.2.3.4:3260 failed (Connection refused)"
        );
        assert_eq!(
            relayed(r#""MESSAGE" : "session3: session recovery timed out after 5 secs","#).unwrap(),
            "session3: session recovery timed out after 5 secs"
        );
        assert_eq!(relayed(r#""__CURSOR" : "s=1","#), None);
        assert_eq!(relayed("no message here"), None);
        assert_eq!(unescape(r"a\u001b\x41\\\q"), "a\u{1b}A\\q");
    }

    #[test]
    fn record_times() {
        let t = record_time(r#"{"level":"error","ts":"2024-03-03T10:10:01Z","msg":"x"}"#);
        assert_eq!(t.map(|t| t.1), Some("2024-03-03T10:10:01Z".into()));
        let t = record_time(r#"time="2024-03-03T10:10:01.5+01:00" level=info msg=x"#);
        assert_eq!(t.map(|t| t.1), Some("2024-03-03T10:10:01.5+01:00".into()));
        let t = record_time(r#"{"ts":1709460601.25,"msg":"x"}"#);
        assert_eq!(t.map(|t| t.0), Some(1709460601.25));
        assert_eq!(record_time("uptime=12 msg=x"), None);
    }
}
