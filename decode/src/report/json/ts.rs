//! The NDJSON `ts` member: a line's time placed on the UTC wall clock, as RFC 3339 with a
//! fixed six-digit fraction and `Z` (`2024-03-03T10:10:01.000000Z`), so that the texts sort
//! as the times do; `ts_inferred` names what had to be guessed (docs/decode.md):
//!
//! - `year`: RFC 3164 syslog prints no year. The year is the latest that does not put the
//!   time more than a day after the reference: the input file's modification time (the
//!   current time for standard input), so a log written across New Year gets two years.
//! - `zone`: the log printed no UTC offset (`dmesg -T`, syslog, ISO times without `Z` or
//!   `±hh:mm`); the time is read as UTC, whatever the machine's zone.
//! - `boot`: a kernel uptime (`dmesg` without `-T`) placed through a boot time guessed from
//!   a regular file: its modification time (the year's reference) less the uptime of its
//!   last dmesg line, as when `dmesg > FILE` wrote it. Standard input has no boot time, so an
//!   uptime alone there gives no `ts`.
//!
//! A line whose time cannot be placed at all has no `ts` (nor `ts_inferred`).

use crate::decode::clock::{Instant, NoYear, Scale, civil_from_days, days_from_civil};
use crate::decode::envelope::{Format, RawTime};
use crate::report::jsonw::Obj;

/// The year was guessed.
const YEAR: u8 = 1;
/// The zone was guessed (UTC assumed).
const ZONE: u8 = 2;
/// The boot time was guessed.
const BOOT: u8 = 4;

/// What an input's times are placed through: the reference of its RFC 3164 years (seconds
/// since the epoch) and, for a file of dmesg lines, its guessed boot time.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Refs {
    /// See [`reference_of`].
    pub(crate) year: i64,
    /// See [`boot_of`].
    pub(crate) boot: Option<f64>,
}

/// A time placed on the UTC wall clock, with what was guessed to place it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Placed {
    /// Seconds since 1970-01-01 UTC.
    secs: f64,
    /// [`YEAR`] | [`ZONE`].
    guessed: u8,
}

impl Placed {
    /// The names of what was guessed, in the order of the schema.
    fn inferred(self) -> impl Iterator<Item = &'static str> {
        [(YEAR, "year"), (ZONE, "zone"), (BOOT, "boot")]
            .into_iter()
            .filter(move |(bit, _)| self.guessed & bit != 0)
            .map(|(_, name)| name)
    }

    /// Writes `,"<key>":…` and, when something was guessed, `,"<key>_inferred":[…]` (raw
    /// bytes: the event renderer writes without the object writer).
    pub(crate) fn push(self, out: &mut Vec<u8>, key: &str) {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"\":\"");
        push_rfc3339(out, self.secs);
        out.push(b'"');
        if self.guessed != 0 {
            out.extend_from_slice(b",\"");
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b"_inferred\":[");
            for (i, name) in self.inferred().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                out.push(b'"');
                out.extend_from_slice(name.as_bytes());
                out.push(b'"');
            }
            out.push(b']');
        }
    }

    /// [`Placed::push`] through the object writer; `also` (an incident's end) adds its
    /// guesses to `<key>_inferred`.
    pub(crate) fn write(self, o: &mut Obj, key: &str, also: Option<Placed>) {
        self.write_alone(o, key);
        let both = Placed {
            secs: self.secs,
            guessed: self.guessed | also.map_or(0, |a| a.guessed),
        };
        if both.guessed != 0 {
            o.strs(&format!("{key}_inferred"), both.inferred());
        }
    }

    /// Writes `"<key>":…` alone, without what was guessed.
    pub(crate) fn write_alone(self, o: &mut Obj, key: &str) {
        let mut b = Vec::with_capacity(32);
        push_rfc3339(&mut b, self.secs);
        o.str(key, std::str::from_utf8(&b).unwrap_or_default());
    }
}

/// Places the time of a line: `time` as the envelope read it, `text` as the log printed it,
/// `uptime` its kernel uptime, `refs` its input's year reference and boot time.
pub(crate) fn place(
    time: RawTime,
    text: Option<&str>,
    format: Format,
    uptime: Option<f64>,
    refs: Refs,
) -> Option<Placed> {
    let reference = refs.year;
    match time {
        RawTime::None => Some(Placed {
            secs: refs.boot? + uptime?,
            guessed: BOOT,
        }),
        RawTime::Wall(secs) => Some(Placed {
            secs,
            guessed: if format == Format::JournalJson || text.is_some_and(has_offset) {
                0
            } else {
                ZONE
            },
        }),
        RawTime::NoYear(ny) => Some(no_year(ny, text, reference)),
    }
}

/// Places an instant of the incident engine: `text` is the time as logged.
pub(crate) fn place_instant(t: Instant, text: Option<&str>, refs: Refs) -> Option<Placed> {
    let reference = refs.year;
    match t.scale {
        Scale::Uptime => Some(Placed {
            secs: refs.boot? + t.secs,
            guessed: BOOT,
        }),
        Scale::Wall => Some(Placed {
            secs: t.secs,
            guessed: if text.is_some_and(has_offset) {
                0
            } else {
                ZONE
            },
        }),
        Scale::WallNoYear => {
            // The engine counts years from 2000; only the month, day and time are kept.
            let days = (t.secs / 86_400.0).floor();
            let (_, month, day) = civil_from_days(days as i64);
            let sod = t.secs - days * 86_400.0;
            Some(no_year(NoYear { month, day, sod }, text, reference))
        }
    }
}

/// An RFC 3164 reading in the latest year that puts it at most a day after `reference`.
fn no_year(ny: NoYear, text: Option<&str>, reference: i64) -> Placed {
    let (year, _, _) = civil_from_days(reference.div_euclid(86_400));
    let at = |y: i64| days_from_civil(y, ny.month, ny.day) as f64 * 86_400.0 + ny.sod;
    let mut secs = at(year);
    if secs > (reference + 86_400) as f64 {
        secs = at(year - 1);
    }
    let zone = if text.is_some_and(has_offset) {
        0
    } else {
        ZONE
    };
    Placed {
        secs,
        guessed: YEAR | zone,
    }
}

/// Whether a logged time gives its UTC offset: it ends in `Z`, ` UTC`, ` GMT` or `±hh:mm` /
/// `±hhmm` after the time (a zone name such as `CET` does not count: the time was read as
/// UTC), or it is a count of seconds since the epoch (`1709460601.611244`, `@…`).
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

/// Appends `YYYY-MM-DDTHH:MM:SS.ffffffZ` for seconds since the epoch (rounded to the
/// microsecond; the fraction always has six digits, so the texts sort as the times).
pub(crate) fn push_rfc3339(out: &mut Vec<u8>, secs: f64) {
    let us = if secs.is_finite() {
        (secs * 1e6).round() as i64
    } else {
        0
    };
    let (s, micros) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
    let days = s.div_euclid(86_400);
    let sod = s.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    // Written digit by digit: this runs once per event.
    let two = |out: &mut Vec<u8>, v: i64, sep: u8| {
        out.push(b'0' + (v / 10 % 10) as u8);
        out.push(b'0' + (v % 10) as u8);
        out.push(sep);
    };
    let y = y.clamp(0, 9999);
    two(out, y / 100, b'0' + (y / 10 % 10) as u8);
    out.push(b'0' + (y % 10) as u8);
    out.push(b'-');
    two(out, i64::from(m), b'-');
    two(out, i64::from(d), b'T');
    two(out, sod / 3600, b':');
    two(out, sod / 60 % 60, b':');
    two(out, sod % 60, b'.');
    let mut div = 100_000;
    while div > 0 {
        out.push(b'0' + (micros / div % 10) as u8);
        div /= 10;
    }
    out.push(b'Z');
}

/// How the times of the input `name` are placed: `pinned` or its own year reference, and
/// the boot time that reference gives through the file's last dmesg uptime.
pub(crate) fn refs_of(name: &str, pinned: Option<i64>) -> Refs {
    let year = pinned.unwrap_or_else(|| reference_of(name));
    Refs {
        year,
        boot: boot_of(name, year),
    }
}

/// The boot time of a regular file of dmesg lines, guessed as `reference` (its modification
/// time) less the uptime of its last line that starts with one (`[ 1234.567890] …`, read
/// from its last 64 KiB); `None` for standard input, a gzip file or no such line.
pub(crate) fn boot_of(name: &str, reference: i64) -> Option<f64> {
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

/// The reference of an input's RFC 3164 years: its modification time when `name` is a
/// regular file, else now.
pub(crate) fn reference_of(name: &str) -> i64 {
    let now = std::time::SystemTime::now();
    let t = std::fs::metadata(name)
        .ok()
        .filter(std::fs::Metadata::is_file)
        .and_then(|m| m.modified().ok())
        .unwrap_or(now);
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(p: Option<Placed>) -> String {
        let mut v = Vec::new();
        if let Some(p) = p {
            p.push(&mut v, "ts");
        }
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn places_each_clock() {
        // 2024-06-01T00:00:00Z
        let r = Refs {
            year: 1_717_200_000,
            boot: None,
        };
        let ny = NoYear {
            month: 3,
            day: 3,
            sod: 36_601.5,
        };
        assert_eq!(
            text(place(
                RawTime::NoYear(ny),
                Some("Mar  3 10:10:01.5"),
                Format::Syslog,
                None,
                r
            )),
            r#","ts":"2024-03-03T10:10:01.500000Z","ts_inferred":["year","zone"]"#
        );
        // December read in June: last year's.
        let dec = NoYear {
            month: 12,
            day: 31,
            sod: 0.0,
        };
        assert!(
            text(place(RawTime::NoYear(dec), None, Format::Syslog, None, r)).contains("2023-12-31")
        );
        let iso = "2024-03-03T11:10:01+01:00";
        let (secs, _) = crate::decode::clock::parse_iso(iso.as_bytes()).unwrap();
        assert_eq!(
            text(place(
                RawTime::Wall(secs),
                Some(iso),
                Format::Syslog,
                None,
                r
            )),
            r#","ts":"2024-03-03T10:10:01.000000Z""#
        );
        assert!(
            text(place(
                RawTime::Wall(secs),
                Some("Sun Mar  3 10:10:01 2024"),
                Format::DmesgT,
                None,
                r
            ))
            .ends_with(r#""ts_inferred":["zone"]"#)
        );
        // An uptime alone: no time without a boot time, else the boot time plus the uptime.
        assert_eq!(
            text(place(RawTime::None, None, Format::Dmesg, Some(3.5), r)),
            ""
        );
        let booted = Refs {
            boot: Some(1_709_460_000.0),
            ..r
        };
        assert_eq!(
            text(place(
                RawTime::None,
                None,
                Format::Dmesg,
                Some(601.611244),
                booted
            )),
            r#","ts":"2024-03-03T10:10:01.611244Z","ts_inferred":["boot"]"#
        );
        let up = Instant {
            secs: 601.611244,
            scale: Scale::Uptime,
        };
        assert_eq!(place_instant(up, None, r), None);
        assert_eq!(
            place_instant(up, None, booted),
            place(RawTime::None, None, Format::Dmesg, Some(601.611244), booted)
        );
        // The engine's instants of a yearless log come back in the same year.
        let t = crate::decode::clock::YearTracker::default().instant(ny);
        assert_eq!(
            place_instant(t, None, r),
            place(RawTime::NoYear(ny), None, Format::Syslog, None, r)
        );
    }

    #[test]
    fn a_files_boot_time_is_its_mtime_less_its_last_uptime() {
        let dir = std::env::temp_dir().join(format!("iscsi-boot-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("dmesg.txt");
        std::fs::write(
            &f,
            "[    1.000000] Linux version\n[  100.250000]  connection1:0: detected conn error (1020)\nnot a dmesg line\n",
        )
        .unwrap();
        let name = f.to_str().unwrap();
        assert_eq!(boot_of(name, 10_000), Some(10_000.0 - 100.25));
        assert_eq!(refs_of(name, Some(20_000)).boot, Some(20_000.0 - 100.25));
        // No dmesg line, gzip, standard input: no boot time.
        std::fs::write(&f, "Mar  3 10:00:01 node1 kernel: [ 5.0] x\n").unwrap();
        assert_eq!(boot_of(name, 10_000), None);
        std::fs::write(&f, [0x1f, 0x8b, 8, 0]).unwrap();
        assert_eq!(boot_of(name, 10_000), None);
        assert_eq!(boot_of("-", 10_000), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn writes_fixed_width() {
        for (secs, want) in [
            (0.0, "1970-01-01T00:00:00.000000Z"),
            (1_709_460_601.611_244, "2024-03-03T10:10:01.611244Z"),
            (951_782_399.999_999_7, "2000-02-29T00:00:00.000000Z"),
            (-1.5, "1969-12-31T23:59:58.500000Z"),
        ] {
            let mut v = Vec::new();
            push_rfc3339(&mut v, secs);
            assert_eq!(String::from_utf8(v).unwrap(), want, "{secs}");
        }
    }

    #[test]
    fn offsets() {
        for t in [
            "2024-03-03T10:10:01Z",
            "2024-03-03T10:10:01.5+01:00",
            "2024-03-03T10:10:01,611244+00:00",
            "2024-03-03 10:10:01 -0500",
            "Sun 2024-03-03 10:10:01 UTC",
            "1709460601.611244",
        ] {
            assert!(has_offset(t), "{t}");
        }
        for t in [
            "2024-03-03T10:10:01",
            "2024-03-03",
            "Mar  3 10:10:01",
            "Sun Mar  3 10:10:01 2024",
            "Sun 2024-03-03 10:10:02.500000 CET",
            "1050.611244",
        ] {
            assert!(!has_offset(t), "{t}");
        }
    }
}
