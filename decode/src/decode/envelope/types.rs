//! The envelope's types and the pieces every format's parser uses.

use crate::decode::clock::NoYear;
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
    /// The syslog severity (0 emerg .. 7 debug), when the line shows it: a `<PRI>`
    /// (RFC 5424, `dmesg -r`, syslog with PRI), the level of `dmesg -x`, the `PRIORITY` of
    /// journal JSON.
    pub severity: Option<u8>,
}

/// Programs whose `name: ` may start a bare line.
pub(super) const BARE_TAGS: &[&str] = &[
    "kernel",
    "iscsid",
    "iscsiadm",
    "iscsistart",
    "iscsiuio",
    "multipathd",
    "systemd",
    "systemd-journald",
];

pub(super) fn empty(format: Format, message: &str) -> Envelope<'_> {
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
        severity: None,
    }
}

/// The bytes a syslog tag is made of: ASCII letters, digits and `_-./@`.
pub(super) static TAG_BYTE: [bool; 256] = {
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
pub(super) fn split_tag(s: &str) -> Option<(&str, Option<u32>, &str)> {
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
