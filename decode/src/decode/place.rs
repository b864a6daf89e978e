//! A line's time placed on the UTC clock, and what had to be guessed to place it: the
//! NDJSON's `ts`/`ts_inferred` and the `--since`/`--until` window both place times here,
//! so the two always agree (docs/decode.md):
//!
//! - `year`: RFC 3164 syslog prints no year. The year is the latest that does not put the
//!   time more than a day after the reference: the input file's modification time (the
//!   current time for standard input), so a log written across New Year gets two years.
//! - `zone`: the log printed no UTC offset (`dmesg -T`, syslog, ISO times without `Z` or
//!   `±hh:mm`). The time is read in the [`Zone`] of [`TimeRefs::zone`]: the machine's own
//!   by default in the CLI (`--timezone` names another), UTC in the library.
//! - `boot`: a kernel uptime (`dmesg` without `-T`) placed through a boot time
//!   ([`Boot`]): given by the user, guessed from a regular file (its modification time less
//!   the uptime of its last dmesg line, as when `dmesg > FILE` wrote it), or, for a pipe,
//!   this machine's own boot time, as `dmesg -T` does.
//!
//! A line whose time cannot be placed at all has no `ts` (nor `ts_inferred`).

use super::clock::{Instant, NoYear, Scale, civil_from_days, days_from_civil};
use super::envelope::{Format, RawTime};
use super::zone::Zone;

/// The year was guessed.
const YEAR: u8 = 1;
/// The zone was guessed.
const ZONE: u8 = 2;
/// The boot time was guessed.
const BOOT: u8 = 4;

/// Where the uptimes of an input's dmesg lines start on the UTC clock.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub enum Boot {
    /// Unknown: an uptime alone gives no time.
    #[default]
    Unknown,
    /// Seconds since 1970 UTC, given by the user (`--boot-time`) or guessed from a file.
    At(f64),
    /// This machine's boot time (seconds since 1970 UTC), for a pipe read as it is written
    /// (`dmesg -w | …`, `dmesg | …`): an uptime that would place a line after now cannot
    /// be of this boot and gives no time.
    ThisMachine(f64),
}

/// What an input's times are placed through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TimeRefs {
    /// The reference of RFC 3164 years, seconds since 1970: see [`reference_of`].
    pub year: i64,
    /// The input's boot time: see [`Boot`].
    pub boot: Boot,
    /// The zone zone-less times are read in.
    pub zone: Zone,
}

/// A time placed on the UTC wall clock, with what was guessed to place it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    /// Seconds since 1970-01-01 UTC.
    pub secs: f64,
    /// [`YEAR`] | [`ZONE`] | [`BOOT`].
    guessed: u8,
}

impl Placed {
    /// The names of what was guessed (`year`, `zone`, `boot`), in the order of the schema.
    pub fn inferred(self) -> impl Iterator<Item = &'static str> {
        [(YEAR, "year"), (ZONE, "zone"), (BOOT, "boot")]
            .into_iter()
            .filter(move |(bit, _)| self.guessed & bit != 0)
            .map(|(_, name)| name)
    }

    /// Whether anything was guessed.
    pub fn is_inferred(self) -> bool {
        self.guessed != 0
    }

    /// This time with the guesses of `other` too (an incident's start and end).
    pub fn with_guesses_of(self, other: Option<Placed>) -> Placed {
        Placed {
            secs: self.secs,
            guessed: self.guessed | other.map_or(0, |o| o.guessed),
        }
    }
}

/// Places the time of a line: `time` as the envelope read it, `text` as the log printed it,
/// `uptime` its kernel uptime, `refs` its input's references.
pub fn place(
    time: RawTime,
    text: Option<&str>,
    format: Format,
    uptime: Option<f64>,
    refs: &TimeRefs,
) -> Option<Placed> {
    match time {
        RawTime::None => from_boot(uptime?, refs.boot),
        RawTime::Wall(secs) => Some(
            if format == Format::JournalJson || text.is_some_and(has_offset) {
                Placed { secs, guessed: 0 }
            } else {
                Placed {
                    secs: refs.zone.to_utc(secs),
                    guessed: ZONE,
                }
            },
        ),
        RawTime::NoYear(ny) => Some(no_year(ny, text, refs)),
    }
}

/// Places an instant of the incident engine: `text` is the time as logged.
pub fn place_instant(t: Instant, text: Option<&str>, refs: &TimeRefs) -> Option<Placed> {
    match t.scale {
        Scale::Uptime => from_boot(t.secs, refs.boot),
        Scale::Wall => Some(if text.is_some_and(has_offset) {
            Placed {
                secs: t.secs,
                guessed: 0,
            }
        } else {
            Placed {
                secs: refs.zone.to_utc(t.secs),
                guessed: ZONE,
            }
        }),
        Scale::WallNoYear => {
            // The engine counts years from 2000; only the month, day and time are kept.
            let days = (t.secs / 86_400.0).floor();
            let (_, month, day) = civil_from_days(days as i64);
            let sod = t.secs - days * 86_400.0;
            Some(no_year(NoYear { month, day, sod }, text, refs))
        }
    }
}

/// An uptime placed through a boot time.
fn from_boot(uptime: f64, boot: Boot) -> Option<Placed> {
    let secs = match boot {
        Boot::Unknown => return None,
        Boot::At(b) => b + uptime,
        Boot::ThisMachine(b) => {
            let t = b + uptime;
            // Not of this boot: it would lie in the future (a second allows for rounding).
            if t > now() + 1.0 {
                return None;
            }
            t
        }
    };
    Some(Placed {
        secs,
        guessed: BOOT,
    })
}

/// An RFC 3164 reading in the latest year that puts it at most a day after the reference.
fn no_year(ny: NoYear, text: Option<&str>, refs: &TimeRefs) -> Placed {
    let reference = refs.year;
    let (year, _, _) = civil_from_days(reference.div_euclid(86_400));
    let at = |y: i64| days_from_civil(y, ny.month, ny.day) as f64 * 86_400.0 + ny.sod;
    let mut secs = at(year);
    if secs > (reference + 86_400) as f64 {
        secs = at(year - 1);
    }
    if text.is_some_and(has_offset) {
        Placed {
            secs,
            guessed: YEAR,
        }
    } else {
        Placed {
            secs: refs.zone.to_utc(secs),
            guessed: YEAR | ZONE,
        }
    }
}

/// Whether a logged time gives its UTC offset: it ends in `Z`, ` UTC`, ` GMT` or `±hh:mm` /
/// `±hhmm` after the time (a zone name such as `CET` does not count: the time is read in
/// the [`Zone`]), or it is a count of seconds since the epoch (`1709460601.611244`, `@…`).
fn has_offset(text: &str) -> bool {
    let t = text.trim();
    let b = t.as_bytes();
    if b.last().is_some_and(|&c| c == b'Z' || c == b'z')
        || t.ends_with(" UTC")
        || t.ends_with(" GMT")
    {
        return true;
    }
    let epoch = t.strip_prefix('@').unwrap_or(t);
    if !epoch.is_empty()
        && epoch.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && epoch.split('.').next().is_some_and(|s| s.len() >= 9)
    {
        return true;
    }
    // `+hh:mm`, `+hhmm` (or `-`) after a time: a digit before the sign (or a space).
    for n in [6, 5] {
        if b.len() > n {
            let (head, off) = b.split_at(b.len() - n);
            let digits = off[1..].iter().filter(|c| c.is_ascii_digit()).count();
            let shape = if n == 6 {
                off[3] == b':' && digits == 4
            } else {
                digits == 4
            };
            if matches!(off[0], b'+' | b'-')
                && shape
                && head.trim_ascii_end().last().is_some_and(u8::is_ascii_digit)
                && head.contains(&b':')
            {
                return true;
            }
        }
    }
    false
}

/// How a run places its inputs' times: the same for the NDJSON's `ts` and the CLI's
/// `--since`/`--until`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placing {
    /// The reference of every input's RFC 3164 years instead of each input's own
    /// (seconds since 1970; tests, reproducible runs).
    pub year: Option<i64>,
    /// The boot time of every input's uptimes instead of each input's own guess.
    pub boot: Option<f64>,
    /// Whether an input that is not a regular file (a pipe) takes this machine's boot time
    /// ([`Boot::ThisMachine`]).
    pub this_machine: bool,
    /// The zone zone-less times are read in.
    pub zone: Zone,
}

impl Placing {
    /// What the times of input `name` (a path; `-` or `<stdin>` for standard input) are
    /// placed through.
    pub fn refs(&self, name: &str) -> TimeRefs {
        // Standard input redirected from a file (`decode - < dmesg.txt`) is that file.
        let name = if name == "-" || name == "<stdin>" {
            "/dev/stdin"
        } else {
            name
        };
        let year = self.year.unwrap_or_else(|| reference_of(name));
        let regular = std::fs::metadata(name).is_ok_and(|m| m.is_file());
        let boot = match self.boot {
            Some(b) => Boot::At(b),
            None if regular => boot_of(name, year).map_or(Boot::Unknown, Boot::At),
            None if self.this_machine => {
                this_machines_boot().map_or(Boot::Unknown, Boot::ThisMachine)
            }
            None => Boot::Unknown,
        };
        TimeRefs {
            year,
            boot,
            zone: self.zone.clone(),
        }
    }

    /// What the times of an input not yet begun are placed through.
    pub fn fallback(&self) -> TimeRefs {
        TimeRefs {
            year: self.year.unwrap_or(0),
            boot: self.boot.map_or(Boot::Unknown, Boot::At),
            zone: self.zone.clone(),
        }
    }
}

/// The boot time of a regular file of dmesg lines, guessed as `reference` (its modification
/// time) less the uptime of its last line that starts with one (`[ 1234.567890] …`, read
/// from its last 64 KiB); `None` for standard input, a gzip file or no such line.
pub fn boot_of(name: &str, reference: i64) -> Option<f64> {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 64 * 1024;
    let mut f = std::fs::File::open(name).ok()?;
    let meta = f.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let mut magic = [0u8; 2];
    if f.read_exact(&mut magic).is_ok() && magic == [0x1f, 0x8b] {
        return None;
    }
    f.seek(SeekFrom::Start(meta.len().saturating_sub(TAIL)))
        .ok()?;
    let mut buf = Vec::new();
    f.take(TAIL).read_to_end(&mut buf).ok()?;
    let uptime = String::from_utf8_lossy(&buf).lines().rev().find_map(|l| {
        let (num, _) = l.trim_start().strip_prefix('[')?.split_once(']')?;
        let n = num.trim();
        (n.contains('.') && n.bytes().all(|c| c.is_ascii_digit() || c == b'.'))
            .then(|| n.parse::<f64>().ok())
            .flatten()
    })?;
    Some(reference as f64 - uptime)
}

/// This machine's boot time, seconds since 1970 UTC: now less the first number of
/// `/proc/uptime` (`CLOCK_BOOTTIME`, as `dmesg -T` computes it); `None` off Linux.
pub fn this_machines_boot() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/uptime").ok()?;
    let up: f64 = text.split_ascii_whitespace().next()?.parse().ok()?;
    (up.is_finite() && up >= 0.0).then(|| now() - up)
}

/// The reference of an input's RFC 3164 years: its modification time when `name` is a
/// regular file, else now.
pub fn reference_of(name: &str) -> i64 {
    let t = std::fs::metadata(name)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|m| m.modified().ok())
        .unwrap_or_else(std::time::SystemTime::now);
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Seconds since 1970 UTC, now.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

#[cfg(test)]
mod tests;
