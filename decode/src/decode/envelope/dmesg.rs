//! dmesg envelopes: `[uptime]`, `-T`, `-x` facility and level, `--human` and relative
//! stamps, `-d` deltas, printk caller ids, `--time-format iso`, and `journalctl -o
//! short-monotonic`.

use super::syslog::{parse_syslog, pri_severity, strip_pri};
use super::types::{BARE_TAGS, Envelope, Format, RawTime, empty, split_tag};
use crate::decode::clock::{self, NoYear};
use std::borrow::Cow;

/// syslog facility names, as `dmesg -x` (`--decode`) prints them before the level.
const FACILITIES: &[&str] = &[
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv",
    "ftp", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
];

/// syslog level names, as `dmesg -x` prints them.
const LEVELS: &[&str] = &[
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

/// Strips `dmesg -x`'s `kern  :info  : ` (facility and level, each padded to its column);
/// returns the facility and the rest.
fn strip_facility(s: &str) -> Option<(&str, &str)> {
    let (fac, rest) = s.split_once(':')?;
    let (lvl, rest) = rest.split_once(':')?;
    let fac = fac.trim_end();
    (FACILITIES.contains(&fac) && LEVELS.contains(&lvl.trim_end()))
        .then(|| (fac, rest.strip_prefix(' ').unwrap_or(rest)))
}

/// What one `[...]` group of a dmesg line holds.
pub(super) enum Stamp<'a> {
    /// `[  171.334125]` (with `dmesg -d`: `[  171.334125 <    0.000042>]`).
    Uptime(f64),
    /// `[Wed Apr 17 15:28:54 2024]` (`dmesg -T`).
    Ctime(f64, &'a str),
    /// `[Jan13 04:31]` (`dmesg --human`, the first line of a minute).
    Human(NoYear, &'a str),
    /// `[  +0.010370]` (`dmesg --human`/`-d`: time since the previous line).
    Relative,
    /// `[T1234]`, `[  C3]` (printk caller id: task or CPU).
    Caller(&'a str),
}

pub(super) fn stamp(inner: &str) -> Option<Stamp<'_>> {
    let t = inner.trim();
    if let Some(up) = parse_uptime(t.split_once(" <").map_or(t, |(a, _)| a)) {
        return Some(Stamp::Uptime(up));
    }
    if let Some(secs) = clock::parse_ctime(t.as_bytes()) {
        return Some(Stamp::Ctime(secs, t));
    }
    if let Some(r) = t.strip_prefix('+') {
        return parse_uptime(r).map(|_| Stamp::Relative);
    }
    let b = t.as_bytes();
    if matches!(b.first(), Some(b'T' | b'C'))
        && b.len() > 1
        && b[1..].iter().all(u8::is_ascii_digit)
    {
        return Some(Stamp::Caller(t));
    }
    // `Jan13 04:31`: month, day, hours and minutes.
    let month = clock::month_from_abbr(b)?;
    let (day, at) = match (b.get(3), b.get(4)) {
        (Some(d1), Some(d2)) if d1.is_ascii_digit() && d2.is_ascii_digit() => {
            (u32::from(d1 - b'0') * 10 + u32::from(d2 - b'0'), 5)
        }
        (Some(d), Some(b' ')) if d.is_ascii_digit() => (u32::from(d - b'0'), 4),
        _ => return None,
    };
    let hm = b.get(at + 1..)?;
    if b.get(at) != Some(&b' ') || hm.len() != 5 || hm[2] != b':' {
        return None;
    }
    let (h, m) = (clock::digits(hm, 2)?, clock::digits(&hm[3..], 2)?);
    ((1..=31).contains(&day) && h < 24 && m < 60).then(|| {
        Stamp::Human(
            NoYear {
                month,
                day,
                sod: f64::from(h * 3600 + m * 60),
            },
            t,
        )
    })
}

/// `[  171.334125] msg`, `[Wed Apr 17 15:28:54 2024] msg`, `<6>[ 1.0] msg`,
/// `kern  :info  : [ 1.0] msg`, and the stacked stamps of `dmesg -x --human -T` with
/// printk caller ids: `kern  :info  : [Jan13 04:31] [Tue Jan 13 04:31:07 2026] [T10489] msg`.
/// `journalctl -o short-monotonic` (`[ 1.0] host prog[pid]: msg`) is read here too.
pub(super) fn parse_dmesg(line: &str) -> Option<Envelope<'_>> {
    let mut s = line;
    let mut severity = None;
    if let Some(r) = strip_pri(s) {
        s = r;
        severity = pri_severity(line);
    }
    let mut facility = "kern";
    if let Some((fac, r)) = strip_facility(s) {
        facility = fac;
        let level = s[fac.len()..].trim_start_matches([' ', ':']);
        severity = LEVELS
            .iter()
            .position(|l| level.starts_with(l))
            .map(|i| i as u8);
        s = r.trim_start();
        // `dmesg -x --time-format iso`: the ISO time follows the level.
        if !s.starts_with('[') {
            let mut env = parse_syslog(s).filter(|e| e.format == Format::Dmesg)?;
            env.program = Some(Cow::Borrowed("kernel"));
            env.severity = severity;
            return Some(env);
        }
    }
    let mut env = empty(Format::Dmesg, "");
    env.program = Some(Cow::Borrowed("kernel"));
    env.severity = severity;
    let mut seen = false;
    while let Some(r) = s.strip_prefix('[') {
        let Some(close) = r.find(']') else { break };
        let Some(st) = stamp(&r[..close]) else { break };
        match st {
            Stamp::Uptime(up) => env.uptime = env.uptime.or(Some(up)),
            Stamp::Ctime(secs, text) => {
                env.format = Format::DmesgT;
                env.time = RawTime::Wall(secs);
                env.time_text = Some(Cow::Borrowed(text));
            }
            Stamp::Human(ny, text) => {
                if env.time_text.is_none() {
                    env.format = Format::DmesgT;
                    env.time = RawTime::NoYear(ny);
                    env.time_text = Some(Cow::Borrowed(text));
                }
            }
            Stamp::Relative => {}
            Stamp::Caller(c) => env.caller = Some(Cow::Borrowed(c)),
        }
        seen = true;
        s = &r[close + 1..];
        s = s.strip_prefix(' ').unwrap_or(s);
        if s.starts_with(" [") {
            s = s.trim_start();
        }
    }
    if !seen {
        return None;
    }
    env.message = Cow::Borrowed(s);
    if facility != "kern" {
        // A user-space message written to /dev/kmsg: its own `tag[pid]: ` names it.
        env.program = None;
        if let Some((tag, pid, msg)) = split_tag(s) {
            env.program = Some(Cow::Borrowed(tag));
            env.pid = pid;
            env.message = Cow::Borrowed(msg);
        }
        return Some(env);
    }
    // journalctl -o short-monotonic: `HOST TAG[PID]: MSG` after the stamp.
    if let Some((host, after)) = s.split_once(' ') {
        if !host.ends_with(':') && !host.is_empty() {
            if let Some((tag, pid, msg)) = split_tag(after) {
                if pid.is_some() || BARE_TAGS.contains(&tag) {
                    env.format = Format::Journal;
                    env.host = Some(Cow::Borrowed(host));
                    env.program = Some(Cow::Borrowed(tag));
                    env.pid = pid;
                    env.message = Cow::Borrowed(msg);
                }
            }
        }
    }
    Some(env)
}

/// `  171.334125` (space-padded seconds with a fraction).
pub(super) fn parse_uptime(s: &str) -> Option<f64> {
    let t = s.trim_start();
    let (int, frac) = t.split_once('.')?;
    if int.is_empty()
        || frac.is_empty()
        || !int.bytes().all(|c| c.is_ascii_digit())
        || !frac.bytes().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    // `int.frac` as one integer over a power of ten: when both are exact in an f64, their
    // quotient is correctly rounded, the same value `str::parse` gives, at a fraction of the
    // cost. Longer numbers take the parser.
    if int.len() + frac.len() <= 15 {
        let n = int
            .bytes()
            .chain(frac.bytes())
            .fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
        return Some(n as f64 / POW10[frac.len()]);
    }
    t.parse().ok()
}

/// 10^0 ..= 10^15, all exact in an f64.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];
