//! `journalctl -o json`: one flat JSON object per line.

use super::types::{Envelope, Format, RawTime, empty};
use crate::decode::clock;
use std::borrow::Cow;

/// A value of a flat journal JSON object.
pub(crate) enum JsonValue<'a> {
    /// A string, unescaped.
    Str(Cow<'a, str>),
    /// An array of bytes (journalctl's form of a value that is not printable UTF-8).
    Bytes(Vec<u8>),
    /// Anything else.
    Other,
}

/// Scans a flat JSON object (`journalctl -o json` prints one per line), calling `f` for each
/// top-level key. Strings without escapes are borrowed; nested values are skipped.
fn scan_json<'a>(line: &'a str, mut f: impl FnMut(&'a str, JsonValue<'a>)) -> Option<()> {
    json_members(line, |k, _, v| f(k, v)).map(|_| ())
}

/// As [`scan_json`], also giving each value's byte range in `line` (for the redactor, which
/// rewrites a value that holds a secret). Returns where the object ends (after its `}`).
pub(crate) fn json_members<'a>(
    line: &'a str,
    mut f: impl FnMut(&'a str, std::ops::Range<usize>, JsonValue<'a>),
) -> Option<usize> {
    let b = line.as_bytes();
    let ws = |i: &mut usize| {
        while b.get(*i).is_some_and(|c| c.is_ascii_whitespace()) {
            *i += 1;
        }
    };
    // Returns the end (exclusive, after the closing quote) of a string starting at `i`.
    let string_end = |mut i: usize| -> Option<(usize, bool)> {
        let mut escaped = false;
        i += 1;
        loop {
            match *b.get(i)? {
                b'\\' => {
                    escaped = true;
                    i += 2;
                }
                b'"' => return Some((i + 1, escaped)),
                _ => i += 1,
            }
        }
    };
    let mut i = 0;
    ws(&mut i);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        ws(&mut i);
        match b.get(i)? {
            b'}' => return Some(i + 1),
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let (kend, kesc) = string_end(i)?;
        let key = if kesc { "" } else { &line[i + 1..kend - 1] };
        i = kend;
        ws(&mut i);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i += 1;
        ws(&mut i);
        let vstart = i;
        let value = match b.get(i)? {
            b'"' => {
                let (vend, esc) = string_end(i)?;
                i = vend;
                if esc {
                    JsonValue::Str(Cow::Owned(
                        serde_json::from_str::<String>(&line[vstart..vend]).ok()?,
                    ))
                } else {
                    JsonValue::Str(Cow::Borrowed(&line[vstart + 1..vend - 1]))
                }
            }
            b'[' | b'{' => {
                let mut depth = 0usize;
                loop {
                    match *b.get(i)? {
                        b'"' => {
                            i = string_end(i)?.0;
                            continue;
                        }
                        b'[' | b'{' => depth += 1,
                        b']' | b'}' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
                match serde_json::from_str::<Vec<u8>>(&line[vstart..i]) {
                    Ok(v) => JsonValue::Bytes(v),
                    Err(_) => JsonValue::Other,
                }
            }
            _ => {
                while b.get(i).is_some_and(|&c| c != b',' && c != b'}') {
                    i += 1;
                }
                JsonValue::Other
            }
        };
        f(key, vstart..i, value);
    }
}

pub(super) fn parse_json(line: &str) -> Option<Envelope<'_>> {
    let mut env = empty(Format::JournalJson, "");
    let mut message = None;
    let (mut realtime, mut transport, mut ident, mut comm, mut pid, mut spid, mut mono) =
        (None, None, None, None, None, None, None);
    scan_json(line, |k, v| {
        let JsonValue::Str(s) = v else {
            if let (JsonValue::Bytes(bytes), "MESSAGE") = (v, k) {
                message = Some(Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()));
            }
            return;
        };
        match k {
            "MESSAGE" => message = Some(s),
            "__REALTIME_TIMESTAMP" => realtime = Some(s),
            "_HOSTNAME" => env.host = Some(s),
            "_TRANSPORT" => transport = Some(s),
            "SYSLOG_IDENTIFIER" => ident = Some(s),
            "_COMM" => comm = Some(s),
            "_PID" => pid = Some(s),
            "SYSLOG_PID" => spid = Some(s),
            "PRIORITY" => env.severity = s.parse().ok().filter(|p: &u8| *p < 8),
            "_SOURCE_MONOTONIC_TIMESTAMP" => mono = Some(s),
            _ => {}
        }
    })?;
    env.message = message?;
    if let Some(us) = realtime.as_deref().and_then(|s| s.parse::<i64>().ok()) {
        let secs = us.div_euclid(1_000_000);
        env.time = RawTime::Wall(us as f64 / 1e6);
        env.time_text = Some(Cow::Owned(clock::format_utc(
            secs,
            us.rem_euclid(1_000_000) as u32,
        )));
    }
    let kernel = transport.as_deref() == Some("kernel");
    env.program = if kernel {
        Some(Cow::Borrowed("kernel"))
    } else {
        ident.or(comm)
    };
    env.pid = spid.or(pid).and_then(|p| p.parse().ok());
    if kernel {
        env.uptime = mono
            .and_then(|s| s.parse::<u64>().ok())
            .map(|us| us as f64 / 1e6);
    }
    Some(env)
}
