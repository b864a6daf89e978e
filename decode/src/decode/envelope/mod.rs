//! The envelope: what a log format wraps around a message (time, host, program, pid).
//!
//! Each line is parsed on its own, so a file that mixes `dmesg` output with syslog lines
//! (as people paste them into bug reports) still decodes. `--format` forces one parser; a line
//! that does not fit it falls back to [`Format::Bare`] rather than being dropped.

mod dmesg;
pub(crate) mod json;
mod syslog;
#[cfg(test)]
mod tests;
mod types;

pub use types::{Envelope, Format, RawTime};

use super::clock::{self, NoYear};
use super::unwrap;
use dmesg::{Stamp, parse_dmesg, parse_uptime, stamp};
use json::parse_json;
use std::borrow::Cow;
use syslog::{parse_pri_syslog, parse_rfc5424, parse_syslog};
use types::{BARE_TAGS, empty, split_tag};

impl Envelope<'_> {
    /// Parses the envelope of one line (without its newline): its format, time, host,
    /// program and message. `forced` picks a parser; `None` detects it.
    ///
    /// ```
    /// use iscsi_decode::decode::{Envelope, Format};
    /// let e = Envelope::parse("Jun 22 16:31:50 node1 kernel: connection3:0: detected conn error (1022)", None);
    /// assert_eq!(e.format, Format::Syslog);
    /// assert_eq!(e.host.as_deref(), Some("node1"));
    /// assert_eq!(e.message, "connection3:0: detected conn error (1022)");
    /// ```
    pub fn parse(line: &str, forced: Option<Format>) -> Envelope<'_> {
        parse(line, forced)
    }
}

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
        severity: e.severity,
    }
}
