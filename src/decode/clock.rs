//! Timestamps as logs print them, turned into seconds on a comparable scale.
//!
//! Logs mix three clocks: wall time with a year (ISO 8601, `dmesg -T`, journal JSON), wall
//! time without one (RFC 3164 `Feb 26 19:02:41`), and the kernel's uptime (`[  171.334125]`).
//! Durations are only computed between two instants of the same [`Scale`].

/// Which clock a [`Instant`] was read from; instants of different scales are not comparable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Wall-clock seconds since 1970-01-01 (UTC when the log gave an offset, else local).
    Wall,
    /// Wall-clock seconds of a log that prints no year (RFC 3164); the year is inferred.
    WallNoYear,
    /// Seconds since boot (printk timestamps).
    Uptime,
}

/// A point in time on one [`Scale`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Instant {
    /// Seconds on the scale.
    pub secs: f64,
    /// The clock.
    pub scale: Scale,
}

impl Instant {
    /// Seconds from `earlier` to `self`, if both are on the same scale.
    pub fn since(self, earlier: Instant) -> Option<f64> {
        (self.scale == earlier.scale).then_some(self.secs - earlier.secs)
    }
}

/// A wall-clock reading without a year, as RFC 3164 prints it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoYear {
    /// 1..=12.
    pub month: u32,
    /// 1..=31.
    pub day: u32,
    /// Seconds since midnight, with fraction.
    pub sod: f64,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
pub fn format_utc(secs: i64, micros: u32) -> String {
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (sod / 3600, sod / 60 % 60, sod % 60);
    if micros == 0 {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
    } else {
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{micros:06}Z")
    }
}

/// `Jan`..`Dec` to 1..=12.
pub fn month_from_abbr(b: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let b = b.get(..3)?;
    MONTHS
        .iter()
        .position(|m| &m[..] == b)
        .map(|i| i as u32 + 1)
}

/// Parses `N` ASCII digits at the start of `b`.
pub fn digits(b: &[u8], n: usize) -> Option<u32> {
    let s = b.get(..n)?;
    let mut v = 0u32;
    for &c in s {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parses `HH:MM:SS` and an optional `.fraction` (or `,fraction`) at the start of `b`.
/// Returns seconds since midnight and the bytes consumed.
pub fn parse_hms(b: &[u8]) -> Option<(f64, usize)> {
    let h = digits(b, 2)?;
    if b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return None;
    }
    let m = digits(b.get(3..)?, 2)?;
    let s = digits(b.get(6..)?, 2)?;
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut secs = f64::from(h * 3600 + m * 60 + s);
    let mut used = 8;
    if matches!(b.get(8), Some(b'.') | Some(b',')) {
        let frac = &b[9..];
        let n = frac
            .iter()
            .take(9)
            .take_while(|c| c.is_ascii_digit())
            .count();
        if n > 0 {
            let mut v = 0f64;
            let mut scale = 1f64;
            for &c in &frac[..n] {
                v = v * 10.0 + f64::from(c - b'0');
                scale *= 10.0;
            }
            secs += v / scale;
            used = 9 + n;
        }
    }
    Some((secs, used))
}

/// Parses an RFC 3164 timestamp `Mmm dd HH:MM:SS[.frac]` (day may be space-padded).
/// Returns the reading and the bytes consumed.
pub fn parse_rfc3164(b: &[u8]) -> Option<(NoYear, usize)> {
    let month = month_from_abbr(b)?;
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let (day, at) = match (b.get(4), b.get(5)) {
        (Some(b' '), Some(d)) if d.is_ascii_digit() => (u32::from(d - b'0'), 6),
        (Some(d1), Some(d2)) if d1.is_ascii_digit() && d2.is_ascii_digit() => {
            (u32::from(d1 - b'0') * 10 + u32::from(d2 - b'0'), 6)
        }
        (Some(d), Some(b' ')) if d.is_ascii_digit() => (u32::from(d - b'0'), 5),
        _ => return None,
    };
    if !(1..=31).contains(&day) || b.get(at) != Some(&b' ') {
        return None;
    }
    let (sod, used) = parse_hms(b.get(at + 1..)?)?;
    Some((NoYear { month, day, sod }, at + 1 + used))
}

/// Parses an ISO 8601 timestamp `YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH[:]MM]`.
/// Returns seconds since the epoch (UTC when an offset is given) and the bytes consumed.
pub fn parse_iso(b: &[u8]) -> Option<(f64, usize)> {
    let y = digits(b, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let mo = digits(b.get(5..)?, 2)?;
    let d = digits(b.get(8..)?, 2)?;
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    if !matches!(b.get(10), Some(b'T') | Some(b' ')) {
        return None;
    }
    let (sod, used) = parse_hms(b.get(11..)?)?;
    let mut at = 11 + used;
    let mut offset = 0i64;
    match b.get(at) {
        Some(b'Z') => at += 1,
        Some(&sign @ (b'+' | b'-')) => {
            let rest = b.get(at + 1..)?;
            let hh = digits(rest, 2)?;
            let (mm, n) = if rest.get(2) == Some(&b':') {
                (digits(rest.get(3..)?, 2)?, 5)
            } else {
                (digits(rest.get(2..)?, 2)?, 4)
            };
            let off = i64::from(hh * 3600 + mm * 60);
            offset = if sign == b'+' { off } else { -off };
            at += 1 + n;
        }
        _ => {}
    }
    let days = days_from_civil(i64::from(y), mo, d);
    Some(((days * 86_400 - offset) as f64 + sod, at))
}

/// Parses the `dmesg -T` form `Wed Apr 17 15:28:54 2024` (without brackets).
pub fn parse_ctime(b: &[u8]) -> Option<f64> {
    // "Www Mmm dd HH:MM:SS YYYY"; the day may be space-padded.
    if b.get(3) != Some(&b' ') {
        return None;
    }
    let (ny, used) = parse_rfc3164(b.get(4..)?)?;
    let rest = b.get(4 + used..)?;
    if rest.first() != Some(&b' ') {
        return None;
    }
    let y = digits(rest.get(1..)?, 4)?;
    let days = days_from_civil(i64::from(y), ny.month, ny.day);
    Some(days as f64 * 86_400.0 + ny.sod)
}

/// Turns RFC 3164 readings into instants, inferring the year: it starts at 2000 (a leap year,
/// so `Feb 29` exists) and advances when the month goes back (December to January).
#[derive(Debug, Default, Clone)]
pub struct YearTracker {
    year_bump: i64,
    last_month: Option<u32>,
}

impl YearTracker {
    /// The instant of a reading, advancing the inferred year on a wrap.
    pub fn instant(&mut self, t: NoYear) -> Instant {
        if let Some(last) = self.last_month {
            if t.month + 6 < last {
                self.year_bump += 1;
            }
        }
        self.last_month = Some(t.month);
        let days = days_from_civil(2000 + self.year_bump, t.month, t.day);
        Instant {
            secs: days as f64 * 86_400.0 + t.sod,
            scale: Scale::WallNoYear,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_roundtrip() {
        for z in [-1000i64, 0, 1, 11_016, 19_830, 50_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format_utc(1_713_367_734, 0), "2024-04-17T15:28:54Z");
    }

    #[test]
    fn parses_forms() {
        let (t, n) = parse_rfc3164(b"Feb  6 19:02:41 host").unwrap();
        assert_eq!((t.month, t.day, n), (2, 6, 15));
        let (t, _) = parse_rfc3164(b"Jan 03 03:57:25.123456 x").unwrap();
        assert!((t.sod - (3.0 * 3600.0 + 57.0 * 60.0 + 25.123456)).abs() < 1e-6);
        let (s, n) = parse_iso(b"2024-04-17T17:28:54+0200 host").unwrap();
        assert_eq!((s, n), (1_713_367_734.0, 24));
        assert_eq!(
            parse_ctime(b"Wed Apr 17 15:28:54 2024"),
            Some(1_713_367_734.0)
        );
        assert!(parse_rfc3164(b"Fxb 26 19:02:41").is_none());
        assert!(parse_iso(b"2024-13-01T00:00:00").is_none());
    }

    #[test]
    fn year_wraps() {
        let mut y = YearTracker::default();
        let a = y.instant(NoYear {
            month: 12,
            day: 31,
            sod: 86_399.0,
        });
        let b = y.instant(NoYear {
            month: 1,
            day: 1,
            sod: 1.0,
        });
        assert_eq!(b.since(a), Some(2.0));
    }
}
