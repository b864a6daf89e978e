//! The part of a line before the message: timestamp, host and tag, per output format.
//!
//! Wall-clock prefixes are cached per second, since consecutive lines mostly share
//! one; only the host name and tag are appended per line.

use crate::text::{MONTHS, WEEKDAYS, civil_from_unix, push_u64, push_u64_pad};

/// The log layouts the generator writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// rsyslog's traditional file format: `Mar  4 00:02:51 host tag: msg` (day space-padded).
    Syslog,
    /// rsyslog's `RSYSLOG_FileFormat` (Debian 12's default): `2024-03-04T00:02:51.334125+00:00 host tag: msg`.
    SyslogIso,
    /// `journalctl` default short output: `Mar 04 00:02:51 host ident[pid]: msg` (day zero-padded).
    Journal,
    /// `dmesg`: `[  171.334125] msg`, kernel lines only.
    Dmesg,
    /// `dmesg -T`: `[Mon Mar  4 00:02:51 2024] msg`, kernel lines only.
    DmesgT,
}

impl Format {
    /// Every format, in CLI order.
    pub const ALL: [Format; 5] = [
        Format::Syslog,
        Format::SyslogIso,
        Format::Journal,
        Format::Dmesg,
        Format::DmesgT,
    ];

    /// Parses the CLI name (`syslog`, `syslog-iso`, `journal`, `dmesg`, `dmesg-t`).
    pub fn parse(s: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == s)
    }

    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Syslog => "syslog",
            Format::SyslogIso => "syslog-iso",
            Format::Journal => "journal",
            Format::Dmesg => "dmesg",
            Format::DmesgT => "dmesg-t",
        }
    }

    /// True for the kernel ring-buffer formats, which carry no host and no userspace lines.
    pub fn kernel_only(self) -> bool {
        matches!(self, Format::Dmesg | Format::DmesgT)
    }

    /// Seconds between two printed timestamps that can be told apart (1 or 1e-6).
    pub fn resolution_us(self) -> u64 {
        match self {
            Format::Syslog | Format::Journal | Format::DmesgT => 1_000_000,
            Format::SyslogIso | Format::Dmesg => 1,
        }
    }
}

/// Who wrote a line, which decides the tag.
#[derive(Debug, Clone, Copy)]
pub enum Src<'a> {
    /// The kernel (`kernel:` tag, optional `[uptime]` prefix in syslog).
    Kernel,
    /// A daemon logging with its pid (`ident[pid]:`).
    Pid(&'a str, u32),
    /// A daemon that called `openlog` without `LOG_PID` (`ident:` in syslog; journald still shows the pid).
    NoPid(&'a str, u32),
}

/// What the envelope needs to know about a host.
#[derive(Debug, Clone)]
pub struct HostEnv {
    /// Host name as printed.
    pub name: String,
    /// Boot time, microseconds since the Unix epoch.
    pub boot_us: u64,
    /// rsyslog keeps the kernel's `[  171.334125]` printk time in the message.
    pub kernel_uptime_prefix: bool,
}

/// Writes line prefixes for one format, caching the per-second timestamp text.
#[derive(Debug)]
pub struct Envelope {
    format: Format,
    cached_sec: i64,
    cached: Vec<u8>,
}

impl Envelope {
    /// A prefix writer for `format`.
    pub fn new(format: Format) -> Self {
        Envelope {
            format,
            cached_sec: i64::MIN,
            cached: Vec::with_capacity(40),
        }
    }

    /// The format this envelope writes.
    pub fn format(&self) -> Format {
        self.format
    }

    fn refresh(&mut self, sec: i64) {
        if sec == self.cached_sec {
            return;
        }
        self.cached_sec = sec;
        let c = civil_from_unix(sec);
        let b = &mut self.cached;
        b.clear();
        let month = MONTHS[c.month as usize - 1].as_bytes();
        match self.format {
            Format::Syslog | Format::Journal => {
                b.extend_from_slice(month);
                b.push(b' ');
                let fill = if self.format == Format::Syslog {
                    b' '
                } else {
                    b'0'
                };
                push_u64_pad(b, u64::from(c.day), 2, fill);
            }
            Format::SyslogIso => {
                push_u64_pad(b, c.year as u64, 4, b'0');
                b.push(b'-');
                push_u64_pad(b, u64::from(c.month), 2, b'0');
                b.push(b'-');
                push_u64_pad(b, u64::from(c.day), 2, b'0');
                b.push(b'T');
            }
            Format::DmesgT => {
                b.extend_from_slice(WEEKDAYS[c.weekday as usize].as_bytes());
                b.push(b' ');
                b.extend_from_slice(month);
                b.push(b' ');
                push_u64_pad(b, u64::from(c.day), 2, b' ');
            }
            Format::Dmesg => return,
        }
        if self.format != Format::SyslogIso {
            b.push(b' ');
        }
        push_u64_pad(b, u64::from(c.hour), 2, b'0');
        b.push(b':');
        push_u64_pad(b, u64::from(c.min), 2, b'0');
        b.push(b':');
        push_u64_pad(b, u64::from(c.sec), 2, b'0');
        if self.format == Format::DmesgT {
            b.push(b' ');
            push_u64(b, c.year as u64);
        }
    }

    /// Appends the timestamp exactly as the format prints it (without brackets).
    pub fn push_time(&mut self, buf: &mut Vec<u8>, t_us: u64, host: &HostEnv) {
        match self.format {
            Format::Dmesg => push_uptime(buf, t_us.saturating_sub(host.boot_us)),
            _ => {
                self.refresh((t_us / 1_000_000) as i64);
                buf.extend_from_slice(&self.cached);
                if self.format == Format::SyslogIso {
                    buf.push(b'.');
                    push_u64_pad(buf, t_us % 1_000_000, 6, b'0');
                    buf.extend_from_slice(b"+00:00");
                }
            }
        }
    }

    /// Appends everything before the message text, including the trailing space
    /// (for kernel lines, the message's own leading space, if any, comes after).
    #[inline]
    pub fn push_prefix(&mut self, buf: &mut Vec<u8>, t_us: u64, host: &HostEnv, src: Src<'_>) {
        match self.format {
            Format::Dmesg | Format::DmesgT => {
                buf.push(b'[');
                self.push_time(buf, t_us, host);
                buf.extend_from_slice(b"] ");
            }
            Format::Syslog | Format::SyslogIso | Format::Journal => {
                self.push_time(buf, t_us, host);
                buf.push(b' ');
                buf.extend_from_slice(host.name.as_bytes());
                buf.push(b' ');
                match src {
                    Src::Kernel => {
                        buf.extend_from_slice(b"kernel: ");
                        if host.kernel_uptime_prefix && self.format != Format::Journal {
                            buf.push(b'[');
                            push_uptime(buf, t_us.saturating_sub(host.boot_us));
                            buf.extend_from_slice(b"] ");
                        }
                    }
                    Src::Pid(ident, pid) => push_tag(buf, ident, Some(pid)),
                    Src::NoPid(ident, pid) => {
                        let pid = (self.format == Format::Journal).then_some(pid);
                        push_tag(buf, ident, pid);
                    }
                }
            }
        }
    }

    /// The timestamp text as printed, and its value in seconds (Unix time, or uptime for dmesg)
    /// at the precision the format prints.
    pub fn time_text(&mut self, t_us: u64, host: &HostEnv) -> (String, f64) {
        let mut b = Vec::new();
        self.push_time(&mut b, t_us, host);
        let text = String::from_utf8(b)
            .expect("ascii")
            .trim_start()
            .to_string();
        let res = self.format.resolution_us();
        let t = match self.format {
            Format::Dmesg => t_us.saturating_sub(host.boot_us),
            _ => t_us,
        };
        let shown = t / res * res;
        (text, shown as f64 / 1e6)
    }
}

#[inline]
fn push_tag(buf: &mut Vec<u8>, ident: &str, pid: Option<u32>) {
    buf.extend_from_slice(ident.as_bytes());
    if let Some(pid) = pid {
        buf.push(b'[');
        push_u64(buf, u64::from(pid));
        buf.push(b']');
    }
    buf.extend_from_slice(b": ");
}

/// Appends printk's `%5lu.%06lu` uptime.
#[inline]
pub fn push_uptime(buf: &mut Vec<u8>, up_us: u64) {
    push_u64_pad(buf, up_us / 1_000_000, 5, b' ');
    buf.push(b'.');
    push_u64_pad(buf, up_us % 1_000_000, 6, b'0');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::parse_iso;

    fn line(f: Format, src: Src<'_>, uptime_prefix: bool) -> String {
        let t0 = parse_iso("2024-03-04T00:02:51").unwrap() as u64 * 1_000_000;
        let host = HostEnv {
            name: "node01".into(),
            boot_us: t0 - 171_334_125,
            kernel_uptime_prefix: uptime_prefix,
        };
        let mut e = Envelope::new(f);
        let mut b = Vec::new();
        e.push_prefix(&mut b, t0, &host, src);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            line(Format::Syslog, Src::Kernel, true),
            "Mar  4 00:02:51 node01 kernel: [  171.334125] "
        );
        assert_eq!(
            line(Format::Syslog, Src::Kernel, false),
            "Mar  4 00:02:51 node01 kernel: "
        );
        assert_eq!(
            line(Format::Journal, Src::NoPid("iscsid", 812), true),
            "Mar 04 00:02:51 node01 iscsid[812]: "
        );
        assert_eq!(
            line(Format::Syslog, Src::NoPid("iscsid", 812), true),
            "Mar  4 00:02:51 node01 iscsid: "
        );
        assert_eq!(
            line(Format::SyslogIso, Src::Pid("sshd", 4242), false),
            "2024-03-04T00:02:51.000000+00:00 node01 sshd[4242]: "
        );
        assert_eq!(line(Format::Dmesg, Src::Kernel, false), "[  171.334125] ");
        assert_eq!(
            line(Format::DmesgT, Src::Kernel, false),
            "[Mon Mar  4 00:02:51 2024] "
        );
    }
}
