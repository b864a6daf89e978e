//! The envelope: what a log format wraps around a message (time, host, program, pid).
//!
//! Each line is parsed on its own, so a file that mixes `dmesg` output with syslog lines
//! (as people paste them into bug reports) still decodes. `--format` forces one parser; a line
//! that does not fit it falls back to [`Format::Bare`] rather than being dropped.

use super::clock::{self, NoYear};
use super::unwrap;
use std::borrow::Cow;

/// A log line format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// RFC 3164 syslog (`/var/log/messages`, `/var/log/syslog`), also with an ISO 8601
    /// timestamp (rsyslog's high-precision format) or a `<PRI>` in front.
    Syslog,
    /// RFC 5424 syslog: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG`.
    Rfc5424,
    /// `journalctl` text output (default, short-iso, short-precise): the syslog shape.
    Journal,
    /// `journalctl -o json`: one JSON object per line.
    JournalJson,
    /// `dmesg` with `[uptime]` (also `dmesg -r` `<N>` levels and `dmesg -x` prefixes).
    Dmesg,
    /// `dmesg -T`: `[Wed Apr 17 15:28:54 2024]`.
    DmesgT,
    /// A message with no envelope, possibly starting with `kernel: ` or `iscsid: `.
    Bare,
}

impl Format {
    /// Every format, in the order `--format` lists them.
    pub const ALL: [Format; 7] = [
        Format::Syslog,
        Format::Rfc5424,
        Format::Journal,
        Format::JournalJson,
        Format::Dmesg,
        Format::DmesgT,
        Format::Bare,
    ];

    /// The position of this format in [`Format::ALL`] (the declaration order).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The `--format` name: `syslog`, `rfc5424`, `journal`, `journal-json`, `dmesg`,
    /// `dmesg-t` or `bare`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Syslog => "syslog",
            Format::Rfc5424 => "rfc5424",
            Format::Journal => "journal",
            Format::JournalJson => "journal-json",
            Format::Dmesg => "dmesg",
            Format::DmesgT => "dmesg-t",
            Format::Bare => "bare",
        }
    }

    /// The format of a `--format` name.
    pub fn from_name(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }
}

/// A timestamp as read, before the decoder places it on a scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RawTime {
    /// No wall-clock time on the line.
    None,
    /// A reading without a year (RFC 3164).
    NoYear(NoYear),
    /// Seconds since the epoch.
    Wall(f64),
}

/// A parsed line: the envelope fields and the message they wrap.
#[derive(Clone, Debug, PartialEq)]
pub struct Envelope<'a> {
    /// The format that parsed the line.
    pub format: Format,
    /// The timestamp as the log printed it.
    pub time_text: Option<Cow<'a, str>>,
    /// The timestamp's value.
    pub time: RawTime,
    /// The printk uptime in seconds (`[  171.334125]`), when present.
    pub uptime: Option<f64>,
    /// The host name.
    pub host: Option<Cow<'a, str>>,
    /// The program (syslog tag): `kernel`, `iscsid`, `iscsiadm`, ...
    pub program: Option<Cow<'a, str>>,
    /// The process id.
    pub pid: Option<u32>,
    /// The message, with the kernel's uptime, the device-prefix space and an inner
    /// `iscsid: ` prefix removed.
    pub message: Cow<'a, str>,
    /// True when the message carried the program's own `<prog>: ` prefix (open-iscsi's
    /// stderr logging under systemd: only error, warning and debug messages have it).
    pub inner_prefix: bool,
    /// How many times the line stands for its message: rsyslog's `message repeated N
    /// times: [ ... ]`, logwatch's `...: N Time(s)`.
    pub repeated: Option<u32>,
    /// The printk caller id (`T1234`: a task, `C3`: a CPU), when the line shows one.
    pub caller: Option<Cow<'a, str>>,
}

/// Programs whose `name: ` may start a bare line.
const BARE_TAGS: &[&str] = &[
    "kernel",
    "iscsid",
    "iscsiadm",
    "iscsistart",
    "iscsiuio",
    "multipathd",
    "systemd",
    "systemd-journald",
];

/// Parses one line (without its newline). `forced` picks a parser; `None` detects it.
pub fn parse(line: &str, forced: Option<Format>) -> Envelope<'_> {
    // Text from a web archive of a mailing list or forum: HTML character references.
    if memchr::memchr(b'&', line.as_bytes()).is_some() {
        if let Some(decoded) = unwrap::html_entities(line) {
            return owned(parse_text(&decoded, forced));
        }
    }
    parse_text(line, forced)
}

fn parse_text(line: &str, forced: Option<Format>) -> Envelope<'_> {
    let env = match forced {
        Some(f) => parse_as(line, f),
        None => detect(line).or_else(|| recover(line)),
    };
    let mut env = env.unwrap_or_else(|| bare(unwrap::strip_leading(line)));
    finish(&mut env);
    env
}

/// Whether `line` starts with an envelope (time, or dmesg stamp): no wrapper taken off, no
/// message normalised.
pub fn starts_with_envelope(line: &str) -> bool {
    detect(line).is_some_and(|e| e.format != Format::Bare)
}

/// A line whose start is no envelope: the envelope after the wrappers that stand before
/// it ([`unwrap::strip_leading`]), else one further into the line (a console line that a
/// kernel message interrupted, an unknown prefix): the first position, after a byte that
/// ends a word, where a timestamped envelope parses. Only strong envelopes count there:
/// a dmesg stamp, RFC 5424, journal JSON, or syslog with a program tag.
fn recover(line: &str) -> Option<Envelope<'_>> {
    let inner = unwrap::strip_leading(line);
    if inner.len() != line.len() {
        if let Some(env) = detect(inner) {
            return Some(env);
        }
    }
    if let Some(env) = bracketed_time(inner) {
        return Some(env);
    }
    if inner.starts_with(['{', '"']) {
        // A JSON record or string: the message is a member, read after the envelope.
        return None;
    }
    let b = inner.as_bytes();
    for i in 1..b.len().min(RECOVER_SCAN) {
        let c = b[i];
        let boundary = c == b'[' || !b[i - 1].is_ascii_alphanumeric();
        if !boundary || !(c == b'[' || c == b'<' || c.is_ascii_alphanumeric()) {
            continue;
        }
        if !inner.is_char_boundary(i) {
            continue;
        }
        if let Some(env) = detect(&inner[i..]) {
            let strong = match env.format {
                Format::Syslog | Format::Journal => env.program.is_some(),
                Format::Bare => false,
                _ => true,
            };
            if strong {
                return Some(env);
            }
        }
    }
    None
}

/// A harness's or script's bracketed time before a line: `[2024-03-03 10:10:05] msg`,
/// `[2024-03-03T10:10:05.123Z] msg`.
fn bracketed_time(line: &str) -> Option<Envelope<'_>> {
    let r = line.strip_prefix('[')?;
    let close = r.find(']')?;
    let text = &r[..close];
    let (secs, used) = clock::parse_iso(text.as_bytes())?;
    if used != text.len() {
        return None;
    }
    let rest = r[close + 1..].trim_start();
    let mut env = detect(rest).unwrap_or_else(|| bare(unwrap::strip_leading(rest)));
    if env.time_text.is_none() {
        env.time = RawTime::Wall(secs);
        env.time_text = Some(Cow::Borrowed(text));
    }
    Some(env)
}

/// Kubernetes' CRI log line (containerd, CRI-O: `/var/log/containers/*.log`):
/// `TIMESTAMP STREAM TAG MSG`, stream `stdout`/`stderr`, tag `F` (full) or `P` (partial).
/// The message is read as a line of its own; the CRI time stands when it has none.
fn parse_cri(line: &str) -> Option<Envelope<'_>> {
    let (secs, used) = clock::parse_iso(line.as_bytes())?;
    let rest = line[used..].strip_prefix(' ')?;
    let rest = ["stdout F ", "stderr F ", "stdout P ", "stderr P "]
        .iter()
        .find_map(|p| rest.strip_prefix(p))?;
    let mut env = detect(rest)
        .or_else(|| recover(rest))
        .unwrap_or_else(|| bare(unwrap::strip_leading(rest)));
    if env.time_text.is_none() {
        env.time = RawTime::Wall(secs);
        env.time_text = Some(Cow::Borrowed(&line[..used]));
    }
    Some(env)
}

/// How far into a line [`recover`] looks for an envelope.
const RECOVER_SCAN: usize = 160;

fn detect(line: &str) -> Option<Envelope<'_>> {
    let b = line.as_bytes();
    match b.first()? {
        b'{' => parse_json(line),
        b'<' => parse_rfc5424(line)
            .or_else(|| parse_pri_syslog(line))
            .or_else(|| parse_dmesg(line)),
        b'[' => parse_dmesg(line),
        b'0'..=b'9' => parse_cri(line).or_else(|| parse_syslog(line)),
        b'A'..=b'Z' => parse_syslog(line),
        // dmesg -x facility names, or syslog's month localised (`abr`, `мая`, `4月`, ` 4월`
        // with glibc's pad).
        b'a'..=b'z' => parse_dmesg(line).or_else(|| parse_syslog(line)),
        b' ' | 0x80..=0xff => parse_syslog(line),
        _ => None,
    }
}

fn parse_as(line: &str, f: Format) -> Option<Envelope<'_>> {
    let mut env = match f {
        Format::Syslog | Format::Journal => parse_syslog(line).or_else(|| parse_pri_syslog(line)),
        Format::Rfc5424 => parse_rfc5424(line),
        Format::JournalJson => parse_json(line),
        Format::Dmesg | Format::DmesgT => parse_dmesg(line),
        Format::Bare => Some(bare(line)),
    }?;
    if f == Format::Journal && env.format == Format::Syslog {
        env.format = Format::Journal;
    }
    Some(env)
}

fn empty(format: Format, message: &str) -> Envelope<'_> {
    Envelope {
        format,
        time_text: None,
        time: RawTime::None,
        uptime: None,
        host: None,
        program: None,
        pid: None,
        message: Cow::Borrowed(message),
        inner_prefix: false,
        repeated: None,
        caller: None,
    }
}

/// A line with no envelope; a leading `kernel: `/`iscsid: `... names the program.
fn bare(line: &str) -> Envelope<'_> {
    let mut env = empty(Format::Bare, line);
    if let Some((tag, pid, rest)) = split_tag(line) {
        if BARE_TAGS.contains(&tag) {
            env.program = Some(Cow::Borrowed(tag));
            env.pid = pid;
            env.message = Cow::Borrowed(rest);
        }
    }
    env
}

/// The bytes a syslog tag is made of: ASCII letters, digits and `_-./@`.
static TAG_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b'@');
        c += 1;
    }
    t
};

/// Splits `tag[pid]: rest` (the tag has no spaces). Returns `None` if the line does not
/// start that way.
fn split_tag(s: &str) -> Option<(&str, Option<u32>, &str)> {
    let b = s.as_bytes();
    let end = b.iter().position(|&c| !TAG_BYTE[c as usize])?;
    if end == 0 {
        return None;
    }
    let tag = &s[..end];
    let mut at = end;
    let mut pid = None;
    if b.get(at) == Some(&b'[') {
        let close = at + 1 + b[at + 1..].iter().position(|&c| c == b']')?;
        pid = s[at + 1..close].parse().ok();
        at = close + 1;
    }
    if b.get(at) != Some(&b':') {
        return None;
    }
    at += 1;
    match b.get(at) {
        None => Some((tag, pid, "")),
        Some(b' ') => Some((tag, pid, &s[at + 1..])),
        _ => None,
    }
}

/// `TIMESTAMP [HOST] TAG[PID]: MSG` with an RFC 3164 or ISO 8601 timestamp.
fn parse_syslog(line: &str) -> Option<Envelope<'_>> {
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
fn journal_time(b: &[u8]) -> Option<(f64, usize)> {
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
fn parse_pri_syslog(line: &str) -> Option<Envelope<'_>> {
    let rest = strip_pri(line)?;
    parse_syslog(rest)
}

fn strip_pri(line: &str) -> Option<&str> {
    let rest = line.strip_prefix('<')?;
    let close = rest.find('>')?;
    if close == 0 || close > 3 || !rest[..close].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(&rest[close + 1..])
}

/// `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`.
fn parse_rfc5424(line: &str) -> Option<Envelope<'_>> {
    let rest = strip_pri(line)?.strip_prefix("1 ")?;
    let mut it = rest.splitn(6, ' ');
    let ts = it.next()?;
    let host = it.next()?;
    let app = it.next()?;
    let procid = it.next()?;
    let _msgid = it.next()?;
    let tail = it.next().unwrap_or("");
    let mut env = empty(Format::Rfc5424, "");
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
enum Stamp<'a> {
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

fn stamp(inner: &str) -> Option<Stamp<'_>> {
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
fn parse_dmesg(line: &str) -> Option<Envelope<'_>> {
    let mut s = line;
    if let Some(r) = strip_pri(s) {
        s = r;
    }
    let mut facility = "kern";
    if let Some((fac, r)) = strip_facility(s) {
        facility = fac;
        s = r.trim_start();
        // `dmesg -x --time-format iso`: the ISO time follows the level.
        if !s.starts_with('[') {
            let mut env = parse_syslog(s).filter(|e| e.format == Format::Dmesg)?;
            env.program = Some(Cow::Borrowed("kernel"));
            return Some(env);
        }
    }
    let mut env = empty(Format::Dmesg, "");
    env.program = Some(Cow::Borrowed("kernel"));
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
fn parse_uptime(s: &str) -> Option<f64> {
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

/// A value of a flat journal JSON object.
enum JsonValue<'a> {
    Str(Cow<'a, str>),
    Bytes(Vec<u8>),
    Other,
}

/// Scans a flat JSON object (`journalctl -o json` prints one per line), calling `f` for each
/// top-level key. Strings without escapes are borrowed; nested values are skipped.
fn scan_json<'a>(line: &'a str, mut f: impl FnMut(&'a str, JsonValue<'a>)) -> Option<()> {
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
            b'}' => return Some(()),
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
        f(key, value);
    }
}

fn parse_json(line: &str) -> Option<Envelope<'_>> {
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

/// Replaces the message with what `f` makes of it (a part of it, or decoded text); true if
/// it did.
fn rewrite<'a>(
    m: &mut Cow<'a, str>,
    mut f: impl for<'x> FnMut(&'x str) -> Option<Cow<'x, str>>,
) -> bool {
    if let Cow::Borrowed(s) = *m {
        return match f(s) {
            Some(v) => {
                *m = v;
                true
            }
            None => false,
        };
    }
    match f(m.as_ref()).map(Cow::into_owned) {
        Some(v) => {
            *m = Cow::Owned(v);
            true
        }
        None => false,
    }
}

/// Normalises the message: wrappers after it (frames, pager status, logwatch counts), the
/// kernel's `[uptime] ` and caller id inside syslog lines, rsyslog's repeat reduction,
/// a klog header, a message relayed in logfmt or JSON, the program's own `prog: ` prefix
/// (open-iscsi under systemd, doubled `kernel: kernel:` tags), Markdown markup, the
/// leading space of dev_printk lines and trailing blanks.
fn finish(env: &mut Envelope<'_>) {
    let mut count = None;
    rewrite(&mut env.message, |m| {
        let (t, n) = unwrap::strip_trailing(m);
        count = n;
        (t.len() != m.len()).then_some(Cow::Borrowed(t))
    });
    if count.is_some() {
        env.repeated = count;
    }
    rewrite(&mut env.message, |m| {
        let t = m.trim_start_matches([' ', '\t']);
        (t.len() != m.len()).then_some(Cow::Borrowed(t))
    });
    // One scan for the bytes that the rarer forms need (logfmt's `=`, Markdown's `*` and
    // backtick): most messages have none of them.
    let special = memchr::memchr3(b'*', b'`', b'=', env.message.as_bytes()).is_some();
    if let Some(c) = env.message.chars().next() {
        if c == '{' || c == '"' || (special && env.message.contains("msg=")) {
            if env.time_text.is_none() {
                if let Some((secs, text)) = unwrap::record_time(&env.message) {
                    env.time = RawTime::Wall(secs);
                    env.time_text = Some(Cow::Owned(text));
                }
            }
            rewrite(&mut env.message, unwrap::relayed);
            if env.program.is_none() && env.format == Format::Bare {
                // A relayed line may carry its own envelope: `msg="Mar 3 ... iscsid: x"`.
                if let Some(inner) = detect(&env.message) {
                    let inner = owned(inner);
                    let keep_time = env.time_text.is_some();
                    let (t, tt) = (env.time, env.time_text.take());
                    *env = inner;
                    if keep_time && env.time_text.is_none() {
                        env.time = t;
                        env.time_text = tt;
                    }
                }
            }
        }
    }
    if env.message.starts_with("MESSAGE=") {
        // `journalctl -o verbose`: one field per line.
        rewrite(&mut env.message, |m| {
            m.strip_prefix("MESSAGE=").map(Cow::Borrowed)
        });
    }
    let mut times = None;
    rewrite(&mut env.message, |m| {
        let (n, inner) = unwrap::repeated(m)?;
        times = Some(n);
        Some(Cow::Borrowed(inner))
    });
    if times.is_some() {
        env.repeated = times;
    }
    let mut klog_time = None;
    rewrite(&mut env.message, |m| {
        let (month, day, sod, text, rest) = unwrap::klog(m)?;
        klog_time = Some((NoYear { month, day, sod }, text.to_string()));
        Some(Cow::Borrowed(rest))
    });
    if let (Some((ny, text)), None) = (klog_time, &env.time_text) {
        env.time = RawTime::NoYear(ny);
        env.time_text = Some(Cow::Owned(text));
    }
    let prog = env.program.as_deref();
    if matches!(prog, None | Some("kernel")) {
        let mut up = None;
        let mut caller = None;
        rewrite(&mut env.message, |m| {
            let t = m.trim_start_matches(' ');
            let r = t.strip_prefix('[')?;
            let close = r.find(']')?;
            up = Some(parse_uptime(&r[..close])?);
            let mut rest = r[close + 1..].trim_start_matches(' ');
            // A printk caller id after the uptime: `[  T123]`.
            if let Some(r2) = rest.strip_prefix('[') {
                if let Some(c) = r2.find(']') {
                    if let Some(Stamp::Caller(id)) = stamp(&r2[..c]) {
                        caller = Some(id.to_string());
                        rest = &r2[c + 1..];
                    }
                }
            }
            Some(Cow::Borrowed(rest))
        });
        if let Some(up) = up {
            env.uptime = env.uptime.or(Some(up));
            if prog.is_none() && env.format == Format::Bare {
                env.program = Some(Cow::Borrowed("kernel"));
            }
        }
        if let Some(c) = caller {
            env.caller = Some(Cow::Owned(c));
        }
    }
    strip_own_tags(env);
    rewrite(&mut env.message, |m| {
        unwrap::strip_markup(m).map(Cow::Owned)
    });
    rewrite(&mut env.message, |m| {
        let t = m.trim_matches([' ', '\t', '\r', '\n']);
        (t.len() != m.len()).then_some(Cow::Borrowed(t))
    });
}

/// Removes the `prog: ` prefixes a program's message carries inside its envelope: open-iscsi
/// logging to stderr under systemd (`iscsid: iscsid: ...`), and the doubled tags of
/// relays (`kernel: kernel: ...`). Without a tag, the first such prefix names the program.
pub fn strip_own_tags(env: &mut Envelope<'_>) {
    const OWN: [&str; 4] = ["iscsid: ", "iscsiadm: ", "iscsistart: ", "kernel: "];
    const OPEN_ISCSI: [&str; 3] = ["iscsid", "iscsiadm", "iscsistart"];
    for _ in 0..4 {
        let prog = env.program.as_deref();
        let Some(p) = OWN.iter().find(|p| env.message.starts_with(**p)) else {
            break;
        };
        let name = &p[..p.len() - 2];
        let same = match prog {
            None => true,
            Some(q) => q == name || (OPEN_ISCSI.contains(&q) && OPEN_ISCSI.contains(&name)),
        };
        if !same {
            break;
        }
        if prog.is_none() {
            env.program = Some(Cow::Owned(name.to_string()));
        }
        if name != "kernel" {
            env.inner_prefix = true;
        }
        let n = p.len();
        rewrite(&mut env.message, |m| {
            Some(Cow::Borrowed(m[n..].trim_start_matches(' ')))
        });
    }
}

/// An envelope that owns its texts (for one parsed from text the caller builds).
fn owned(e: Envelope<'_>) -> Envelope<'static> {
    let own = |c: Option<Cow<'_, str>>| c.map(|c| Cow::Owned(c.into_owned()));
    Envelope {
        format: e.format,
        time_text: own(e.time_text),
        time: e.time,
        uptime: e.uptime,
        host: own(e.host),
        program: own(e.program),
        pid: e.pid,
        message: Cow::Owned(e.message.into_owned()),
        inner_prefix: e.inner_prefix,
        repeated: e.repeated,
        caller: own(e.caller),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(line: &str) -> Envelope<'_> {
        parse(line, None)
    }

    #[test]
    fn uptime_equals_the_parser() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            // xorshift: integer and fraction digits of every length up to 15 together
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let int_len = 1 + (x % 9) as usize;
            let frac_len = 1 + ((x >> 8) % 9) as usize;
            let digits = format!("{:018}", x % 1_000_000_000_000_000_000);
            let t = format!("{}.{}", &digits[..int_len], &digits[9..9 + frac_len]);
            assert_eq!(parse_uptime(&t), t.parse::<f64>().ok(), "{t}");
        }
        assert_eq!(parse_uptime("  171.334125"), Some(171.334125));
        assert_eq!(
            parse_uptime("4294967296.123456789"),
            "4294967296.123456789".parse().ok()
        );
        assert_eq!(parse_uptime("1."), None);
    }

    #[test]
    fn syslog_with_and_without_host() {
        let e = p("Jan 29 00:53:39 node03 iscsid: Kernel reported iSCSI connection 14:0 error");
        assert_eq!(e.format, Format::Syslog);
        assert_eq!(e.host.as_deref(), Some("node03"));
        assert_eq!(e.program.as_deref(), Some("iscsid"));
        assert!(e.message.starts_with("Kernel reported"));
        let e = p("Feb 26 19:02:41 kernel: connection25:0: detected conn error (1022)");
        assert_eq!(e.host, None);
        assert_eq!(e.program.as_deref(), Some("kernel"));
        assert_eq!(e.message, "connection25:0: detected conn error (1022)");
        let e = p("Jan 03 03:57:25 fedora iscsid[40456]: iscsid: Kernel reported x");
        assert_eq!(e.pid, Some(40456));
        assert!(e.inner_prefix);
        assert_eq!(e.message, "Kernel reported x");
        let e = p("Nov 21 00:54:02 node-xxx kernel:  connection275:0: detected conn error (1020) ");
        assert_eq!(e.message, "connection275:0: detected conn error (1020)");
    }

    #[test]
    fn syslog_with_localised_month() {
        let e =
            p("abr 25 19:15:55 nodo1.example.com kernel: scsi host6: iSCSI Initiator over TCP/IP");
        assert_eq!(e.format, Format::Syslog);
        assert_eq!(e.time_text.as_deref(), Some("abr 25 19:15:55"));
        assert!(matches!(
            e.time,
            RawTime::NoYear(NoYear {
                month: 4,
                day: 25,
                ..
            })
        ));
        assert_eq!(e.host.as_deref(), Some("nodo1.example.com"));
        assert_eq!(e.program.as_deref(), Some("kernel"));
        assert_eq!(e.message, "scsi host6: iSCSI Initiator over TCP/IP");
        // glibc's pad before a one-digit month, and a month of two-byte letters.
        let e = p(" 4월  5 09:08:07 host iscsid: x");
        assert_eq!(e.time_text.as_deref(), Some(" 4월  5 09:08:07"));
        assert_eq!(
            (e.host.as_deref(), e.program.as_deref()),
            (Some("host"), Some("iscsid"))
        );
        let e = p("мая 05 09:08:07 host kernel: x");
        assert!(matches!(
            e.time,
            RawTime::NoYear(NoYear {
                month: 5,
                day: 5,
                ..
            })
        ));
        // Lowercase first bytes that are no month still make bare or dmesg lines.
        let e = p("kernel: connection1:0: detected conn error (1020)");
        assert_eq!(
            (e.format, e.program.as_deref()),
            (Format::Bare, Some("kernel"))
        );
        let e = p("kern  :info  : [  171.334125] x");
        assert_eq!((e.format, e.uptime), (Format::Dmesg, Some(171.334125)));
        // Indentation is a wrapper: the line under it is syslog.
        assert_eq!(p(" abr 25 19:15:55 h kernel: x").format, Format::Syslog);
    }

    #[test]
    fn journal_short_full_and_unix() {
        let e = p("Tue 2024-01-13 04:31:07 UTC node1 iscsid[812]: connect to x failed");
        assert_eq!(
            (e.format, e.host.as_deref(), e.program.as_deref()),
            (Format::Syslog, Some("node1"), Some("iscsid"))
        );
        assert_eq!(e.time_text.as_deref(), Some("Tue 2024-01-13 04:31:07 UTC"));
        let e =
            p("1705120267.123456 node1 kernel: session2: session recovery timed out after 5 secs");
        assert_eq!(e.time, RawTime::Wall(1705120267.123456));
        assert_eq!(e.program.as_deref(), Some("kernel"));
    }

    #[test]
    fn kernel_uptime_inside_syslog() {
        let e = p(
            "Mar  1 10:00:00 h kernel: [  171.334125]  session3: session recovery timed out after 5 secs",
        );
        assert_eq!(e.uptime, Some(171.334125));
        assert_eq!(
            e.message,
            "session3: session recovery timed out after 5 secs"
        );
    }

    #[test]
    fn iso_and_rfc5424() {
        let e = p("2024-04-17T17:28:54.123456+02:00 host kernel: x");
        assert_eq!(e.host.as_deref(), Some("host"));
        assert!(matches!(e.time, RawTime::Wall(_)));
        let e = p(
            "<30>1 2024-04-17T15:28:54Z h1 iscsid 812 - - connection3:0 is operational after recovery (2 attempts)",
        );
        assert_eq!(e.format, Format::Rfc5424);
        assert_eq!(e.program.as_deref(), Some("iscsid"));
        assert_eq!(e.pid, Some(812));
        assert!(e.message.starts_with("connection3:0"));
        let e = p("<30>1 2024-04-17T15:28:54Z h1 app - ID [ex a=\"]\"] msg");
        assert_eq!(e.message, "msg");
    }

    #[test]
    fn dmesg_forms() {
        let e = p("[59873.320781]  connection3:0: detected conn error (1022)");
        assert_eq!((e.format, e.uptime), (Format::Dmesg, Some(59873.320781)));
        assert_eq!(e.message, "connection3:0: detected conn error (1022)");
        let e =
            p("[Wed Apr 17 15:28:54 2024]  session4: session recovery timed out after 120 secs");
        assert_eq!(e.format, Format::DmesgT);
        assert_eq!(e.time_text.as_deref(), Some("Wed Apr 17 15:28:54 2024"));
        let e = p("<6>[    1.000000] iscsi: registered transport (tcp)");
        assert_eq!(e.message, "iscsi: registered transport (tcp)");
        let e = p("kern  :info  : [    1.000000] iscsi: registered transport (tcp)");
        assert_eq!(e.uptime, Some(1.0));
    }

    #[test]
    fn bare_and_json() {
        let e = p("kernel: connection2:0: detected conn error (1020)");
        assert_eq!(e.program.as_deref(), Some("kernel"));
        let e = p("Login to [iface: default, target: t, portal: 1.2.3.4,3260] successful.");
        assert_eq!(e.program, None);
        let e = p("iscsiadm: initiator reported error (8 - connection timed out)");
        assert_eq!(e.program.as_deref(), Some("iscsiadm"));
        let e = p(
            r#"{"__REALTIME_TIMESTAMP":"1713367734000000","_HOSTNAME":"h","_TRANSPORT":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"171334125","MESSAGE":" connection3:0: detected conn error (1022)"}"#,
        );
        assert_eq!(e.format, Format::JournalJson);
        assert_eq!(e.program.as_deref(), Some("kernel"));
        assert_eq!(e.uptime, Some(171.334125));
        assert_eq!(e.message, "connection3:0: detected conn error (1022)");
        let e = p(r#"{"MESSAGE":[105,115,99,115,105,255],"SYSLOG_IDENTIFIER":"iscsid"}"#);
        assert!(e.message.starts_with("iscsi"));
    }

    #[test]
    fn forced_format_falls_back() {
        let e = parse("-- Boot 1234 --", Some(Format::Syslog));
        assert_eq!(e.format, Format::Bare);
        let e = parse("Jan  1 00:00:00 h iscsid: x", Some(Format::Journal));
        assert_eq!(e.format, Format::Journal);
    }
}
