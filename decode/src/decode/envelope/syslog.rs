//! Syslog envelopes: RFC 3164 (also with an RFC 3339 time and localised months), RFC 5424,
//! `<PRI>` prefixes, and the journalctl forms with a syslog shape.

use super::types::{Envelope, Format, RawTime, empty, split_tag};
use crate::decode::clock;
use std::borrow::Cow;

/// `TIMESTAMP [HOST] TAG[PID]: MSG` with an RFC 3164 or ISO 8601 timestamp.
pub(super) fn parse_syslog(line: &str) -> Option<Envelope<'_>> {
    let b = line.as_bytes();
    let (time, used) = if let Some((ny, used)) = clock::parse_rfc3164(b) {
        (RawTime::NoYear(ny), used)
    } else if let Some((secs, used)) = clock::parse_iso(b) {
        (RawTime::Wall(secs), used)
    } else {
        let (secs, used) = journal_time(b)?;
        (RawTime::Wall(secs), used)
    };
    let mut env = empty(Format::Syslog, "");
    env.time_text = Some(Cow::Borrowed(&line[..used]));
    env.time = time;
    let rest = line.get(used..)?.strip_prefix(' ')?;
    let rest = rest.trim_start_matches(' ');
    // `dmesg --time-format iso` prints a comma before the fraction and no host or tag.
    if b.get(19) == Some(&b',') {
        env.format = Format::Dmesg;
        env.program = Some(Cow::Borrowed("kernel"));
        env.message = Cow::Borrowed(rest);
        return Some(env);
    }
    if let Some((tag, pid, msg)) = split_tag(rest) {
        // No host: `Feb 26 19:02:41 kernel: ...`.
        env.program = Some(Cow::Borrowed(tag));
        env.pid = pid;
        env.message = Cow::Borrowed(msg);
        return Some(env);
    }
    let (host, after) = rest.split_once(' ').unwrap_or((rest, ""));
    if host.bytes().all(|c| c.is_ascii_digit()) && split_tag(after).is_none() {
        // An application log's process id after its time (Python logging's `%(process)d`,
        // oslo.log): no host, and the rest is the message.
        env.message = Cow::Borrowed(rest);
        return Some(env);
    }
    env.host = Some(Cow::Borrowed(host));
    if let Some((tag, pid, msg)) = split_tag(after) {
        env.program = Some(Cow::Borrowed(tag));
        env.pid = pid;
        env.message = Cow::Borrowed(msg);
    } else {
        env.message = Cow::Borrowed(after);
    }
    Some(env)
}

/// The times of `journalctl -o short-full` (`Tue 2024-01-13 04:31:07 UTC`, the zone's
/// offset not applied) and `-o short-unix` (`1705120267.123456`): seconds and bytes used.
pub(super) fn journal_time(b: &[u8]) -> Option<(f64, usize)> {
    if b.first()?.is_ascii_uppercase() {
        if b.get(3) != Some(&b' ') || !b[..3].iter().all(u8::is_ascii_alphabetic) {
            return None;
        }
        let (secs, used) = clock::parse_iso(&b[4..])?;
        let at = 4 + used;
        let zone = b.get(at + 1..)?;
        if b.get(at) != Some(&b' ') {
            return None;
        }
        let n = zone
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-'))
            .count();
        return (1..=6).contains(&n).then_some((secs, at + 1 + n));
    }
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(9..=10).contains(&int) || b.get(int) != Some(&b'.') {
        return None;
    }
    let frac = b[int + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    let used = int + 1 + frac;
    let secs = std::str::from_utf8(&b[..used]).ok()?.parse().ok()?;
    (frac == 6).then_some((secs, used))
}

/// `<PRI>` followed by an RFC 3164 line.
pub(super) fn parse_pri_syslog(line: &str) -> Option<Envelope<'_>> {
    let rest = strip_pri(line)?;
    let mut env = parse_syslog(rest)?;
    env.severity = pri_severity(line);
    Some(env)
}

/// The severity of a line's `<PRI>` (PRI = facility × 8 + severity, RFC 5424 §6.2.1).
pub(super) fn pri_severity(line: &str) -> Option<u8> {
    let rest = line.strip_prefix('<')?;
    let close = rest.find('>')?;
    rest[..close].parse::<u16>().ok().map(|p| (p % 8) as u8)
}

pub(super) fn strip_pri(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('<')?;
    let close = rest.find('>')?;
    if close == 0 || close > 3 || !rest[..close].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(&rest[close + 1..])
}

/// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`.
pub(super) fn parse_rfc5424(line: &str) -> Option<Envelope<'_>> {
    let severity = pri_severity(line);
    let rest = strip_pri(line)?.strip_prefix("1 ")?;
    let mut it = rest.splitn(6, ' ');
    let ts = it.next()?;
    let host = it.next()?;
    let app = it.next()?;
    let procid = it.next()?;
    let _msgid = it.next()?;
    let tail = it.next().unwrap_or("");
    let mut env = empty(Format::Rfc5424, "");
    env.severity = severity;
    if ts != "-" {
        let (secs, _) = clock::parse_iso(ts.as_bytes())?;
        env.time = RawTime::Wall(secs);
        env.time_text = Some(Cow::Borrowed(ts));
    }
    fn nil(s: &str) -> Option<&str> {
        (s != "-").then_some(s)
    }
    env.host = nil(host).map(Cow::Borrowed);
    env.program = nil(app).map(Cow::Borrowed);
    env.pid = nil(procid).and_then(|p| p.parse().ok());
    let msg = skip_structured_data(tail)?;
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    env.message = Cow::Borrowed(msg);
    Some(env)
}

/// Skips RFC 5424 STRUCTURED-DATA (`-` or `[id k="v"]...`) and the space after it.
fn skip_structured_data(s: &str) -> Option<&str> {
    if let Some(r) = s.strip_prefix('-') {
        return Some(r.strip_prefix(' ').unwrap_or(r));
    }
    let b = s.as_bytes();
    let mut i = 0;
    while b.get(i) == Some(&b'[') {
        let mut in_quotes = false;
        i += 1;
        loop {
            match b.get(i)? {
                b'\\' if in_quotes => i += 1,
                b'"' => in_quotes = !in_quotes,
                b']' if !in_quotes => break,
                _ => {}
            }
            i += 1;
        }
        i += 1;
    }
    if i == 0 {
        return Some(s);
    }
    let r = &s[i..];
    Some(r.strip_prefix(' ').unwrap_or(r))
}
