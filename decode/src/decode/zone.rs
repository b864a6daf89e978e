//! The time zone a log's zone-less times are read in.
//!
//! RFC 3164 syslog (`Mar  3 10:10:01`), `dmesg -T`, journalctl's default output and ISO 8601
//! times without `Z` or an offset are printed in the logging host's local time
//! (`localtime(3)`: rsyslog's `RSYSLOG_TraditionalFileFormat`, `dmesg -T`'s `ctime`-like
//! stamps, journalctl's `short` format). To place them on the UTC clock, the decoder reads
//! them in a zone: by default the zone of the machine it runs on (`TZ`, else
//! `/etc/localtime`), as `date`, `dmesg -T` and `journalctl` do; `--timezone` names another
//! (an IANA name such as `Europe/Berlin`, `UTC`, or a fixed offset such as `+02:00`).
//! Daylight saving time follows the zone's rules; a time that a change skips or repeats is
//! read as `jiff`'s "compatible" disambiguation does (RFC 5545: the offset before the
//! change).

use jiff::Timestamp;
use jiff::tz::{Offset, TimeZone};
use std::sync::atomic::{AtomicU64, Ordering};

/// A time zone for zone-less log times, and the name it is reported by.
#[derive(Debug)]
pub struct Zone {
    tz: TimeZone,
    name: String,
    /// The offset of a zone that has only one (UTC, `+02:00`, `Etc/UTC`), seconds east.
    fixed: Option<i32>,
    /// The last quarter hour of wall-clock time read, and its offset ([`pack`]): a log's
    /// times come in order, so most are read without asking the zone's rules.
    last: AtomicU64,
}

/// A 15-minute slot of wall-clock time (40 bits) and its offset in seconds (24 bits).
fn pack(slot: i64, east: i32) -> u64 {
    ((slot as u64) << 24) | (east as u32 as u64 & 0xFF_FFFF)
}

/// [`pack`] undone.
fn unpack(v: u64) -> (i64, i32) {
    let slot = (v as i64) >> 24;
    let east = ((v as u32) << 8) as i32 >> 8;
    (slot, east)
}

/// No slot cached.
const EMPTY: u64 = u64::MAX;

/// The length of a slot: clocks change on a quarter hour.
const SLOT: f64 = 900.0;

impl Clone for Zone {
    fn clone(&self) -> Self {
        Zone::of(self.tz.clone(), self.name.clone())
    }
}

impl Default for Zone {
    fn default() -> Self {
        Zone::utc()
    }
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Zone {
    /// UTC: zone-less times are taken as printed.
    pub fn utc() -> Zone {
        Zone::of(TimeZone::UTC, "UTC".into())
    }

    fn of(tz: TimeZone, name: String) -> Zone {
        let fixed = tz.to_fixed_offset().ok().map(Offset::seconds);
        Zone {
            tz,
            name,
            fixed,
            last: AtomicU64::new(EMPTY),
        }
    }

    /// The zone of this machine: `TZ` when set, else `/etc/localtime`; UTC when neither
    /// can be read (`Err` then says why, for a warning).
    pub fn system() -> Result<Zone, String> {
        match TimeZone::try_system() {
            Ok(tz) => {
                let name = match (tz.iana_name(), std::env::var("TZ")) {
                    (Some(n), _) => n.to_string(),
                    (None, Ok(v)) if !v.is_empty() => v.trim_start_matches(':').to_string(),
                    _ => match tz.to_fixed_offset() {
                        Ok(o) => offset_name(o),
                        Err(_) => "localtime".to_string(),
                    },
                };
                Ok(Zone::of(tz, name))
            }
            Err(e) => Err(format!("the local time zone is unknown ({e}); UTC is used")),
        }
    }

    /// A zone named by the user: `UTC`, `Z`, `local` (see [`Zone::system`]), an IANA name
    /// (`Europe/Berlin`, from the system's tzdb), or a fixed offset `±hh:mm`, `±hhmm`, `±hh`.
    pub fn named(name: &str) -> Result<Zone, String> {
        let n = name.trim();
        if n.eq_ignore_ascii_case("utc") || n == "Z" || n == "z" {
            return Ok(Zone::utc());
        }
        if n.eq_ignore_ascii_case("local") {
            return Zone::system();
        }
        if let Some(secs) = parse_offset(n) {
            let o = Offset::from_seconds(secs).map_err(|e| format!("`{n}`: {e}"))?;
            return Ok(Zone::of(TimeZone::fixed(o), offset_name(o)));
        }
        match TimeZone::get(n) {
            Ok(tz) => {
                let name = tz.iana_name().unwrap_or(n).to_string();
                Ok(Zone::of(tz, name))
            }
            Err(_) => Err(format!(
                "`{}` is no time zone: write an IANA name (Europe/Berlin, America/New_York), \
                 UTC, local, or an offset such as +02:00",
                n.escape_debug()
            )),
        }
    }

    /// The zone's name: its IANA name, `UTC`, or its offset (`+02:00`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Seconds since 1970 UTC of `local`, a wall-clock time of this zone counted as seconds
    /// since 1970-01-01 00:00 of the same wall clock (the fraction is kept).
    pub fn to_utc(&self, local: f64) -> f64 {
        if let Some(east) = self.fixed {
            return local - f64::from(east);
        }
        if !local.is_finite() || local.abs() > 1e12 {
            return local;
        }
        let slot = (local / SLOT).floor() as i64;
        let cached = self.last.load(Ordering::Relaxed);
        if cached != EMPTY {
            let (s, east) = unpack(cached);
            if s == slot {
                return local - f64::from(east);
            }
        }
        let Some(east) = self.offset_at(local) else {
            return local;
        };
        // Cached only when the whole slot has one offset.
        let start = slot as f64 * SLOT;
        if self.offset_at(start) == Some(east) && self.offset_at(start + SLOT - 1.0) == Some(east) {
            self.last.store(pack(slot, east), Ordering::Relaxed);
        }
        local - f64::from(east)
    }

    /// The offset (seconds east) of the wall-clock time `local`, by the zone's rules.
    fn offset_at(&self, local: f64) -> Option<i32> {
        let whole = local.floor();
        let ts = Timestamp::from_second(whole as i64).ok()?;
        let civil = Offset::UTC.to_datetime(ts);
        let utc = self.tz.to_ambiguous_timestamp(civil).compatible().ok()?;
        Some((whole as i64 - utc.as_second()) as i32)
    }
}

/// `±hh:mm`, `±hhmm` or `±hh`: seconds east of UTC.
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let digits = rest.replace(':', "");
    if !digits.bytes().all(|c| c.is_ascii_digit())
        || !matches!(digits.len(), 2 | 4)
        || (rest.contains(':') && rest.len() != 5)
    {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits.get(2..).map_or(Some(0), |m| m.parse().ok())?;
    (h <= 23 && m <= 59).then_some(sign * (h * 3600 + m * 60))
}

/// `+02:00`, `-05:30`, `UTC` for zero.
fn offset_name(o: Offset) -> String {
    let s = o.seconds();
    if s == 0 {
        return "UTC".into();
    }
    let a = s.unsigned_abs();
    format!(
        "{}{:02}:{:02}",
        if s < 0 { '-' } else { '+' },
        a / 3600,
        a / 60 % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::clock::days_from_civil;

    fn at(y: i64, m: u32, d: u32, h: u32) -> f64 {
        (days_from_civil(y, m, d) * 86_400 + i64::from(h) * 3_600) as f64
    }

    #[test]
    fn reads_local_times_in_a_zone() {
        assert_eq!(
            Zone::utc().to_utc(at(2024, 3, 3, 10) + 0.5),
            at(2024, 3, 3, 10) + 0.5
        );
        let plus2 = Zone::named("+02:00").unwrap();
        assert_eq!(plus2.name(), "+02:00");
        assert_eq!(plus2.to_utc(at(2024, 3, 3, 10)), at(2024, 3, 3, 8));
        assert_eq!(Zone::named("-0530").unwrap().name(), "-05:30");
        assert_eq!(Zone::named("+00:00").unwrap().name(), "UTC");
        assert_eq!(Zone::named("z").unwrap(), Zone::utc());
        for bad in [
            "+2",
            "+25:00",
            "+02:60",
            "Mars/Olympus_Mons",
            "",
            "+02:0",
            "\u{1b}[31m",
        ] {
            assert!(Zone::named(bad).is_err(), "{bad:?}");
        }
        assert!(!Zone::named("\u{1b}[31m").unwrap_err().contains('\u{1b}'));
    }

    #[test]
    fn packs_slots_and_offsets() {
        for (slot, east) in [
            (0, 0),
            (1_900_000, 7_200),
            (-5, -18_000),
            (1 << 38, -64_800),
        ] {
            assert_eq!(unpack(pack(slot, east)), (slot, east));
        }
    }

    #[test]
    fn follows_daylight_saving_time() {
        // Needs the system's tzdb (Debian's tzdata): skipped, visibly, without it.
        let Ok(berlin) = Zone::named("Europe/Berlin") else {
            eprintln!("SKIPPED: no tzdb entry for Europe/Berlin on this machine");
            return;
        };
        assert_eq!(berlin.name(), "Europe/Berlin");
        // CET in winter, CEST in summer.
        assert_eq!(berlin.to_utc(at(2024, 1, 15, 12)), at(2024, 1, 15, 11));
        assert_eq!(berlin.to_utc(at(2024, 7, 15, 12)), at(2024, 7, 15, 10));
        // 2024-03-31 02:30 does not exist (clocks skip 02:00 → 03:00): the offset before
        // the change, +01:00, is used.
        assert_eq!(
            berlin.to_utc(at(2024, 3, 31, 2) + 1_800.0),
            at(2024, 3, 31, 1) + 1_800.0
        );
        // 2024-10-27 02:30 happens twice: the first, still +02:00.
        assert_eq!(
            berlin.to_utc(at(2024, 10, 27, 2) + 1_800.0),
            at(2024, 10, 27, 0) + 1_800.0
        );
        // Times read in order, across both changes, each as the rules say (the cache of
        // the last quarter hour never carries an offset past a change).
        let utc_of = |t: f64| {
            let fresh = Zone::named("Europe/Berlin").unwrap();
            fresh.to_utc(t)
        };
        for start in [at(2024, 3, 31, 0), at(2024, 10, 27, 0)] {
            let mut t = start;
            while t < start + 4.0 * 3_600.0 {
                assert_eq!(berlin.to_utc(t), utc_of(t), "{t}");
                t += 61.5;
            }
        }
    }
}
