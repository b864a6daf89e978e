//! `--since`/`--until`: parsing the times a user writes.
//!
//! Every time is compared as seconds since 1970 UTC. The log's times are placed as the
//! NDJSON's `ts` places them (`iscsi_decode::decode::place`): a time printed without a
//! zone (RFC 3164 syslog, `dmesg -T`, journalctl's default) is read in `--timezone` (this
//! machine's zone by default), and so is a user's `--since 2024-03-03 10:00` without one;
//! `--since 2h` counts back from now.

use iscsi_decode::decode::{Zone, civil_from_days, days_from_civil};

/// The year of an instant in seconds since 1970.
pub fn year_of(secs: f64) -> i64 {
    civil_from_days((secs / 86_400.0).floor() as i64).0
}

/// Parses a `--since`/`--until` value into seconds since 1970 UTC: RFC 3339
/// (`2024-03-03T10:00:00Z`, `…+02:00`, fractions allowed), `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`
/// or `YYYY-MM-DD HH:MM:SS` (`T` or a space between; without a zone, read in `zone`), or a
/// span before `now` (`90s`, `30m`, `2h`, `1d`, `1w`).
pub fn parse_time(arg: &str, now: f64, zone: &Zone) -> Result<f64, String> {
    let s = arg.trim();
    if let Some(span) = parse_span(s) {
        return Ok(now - span);
    }
    parse_absolute(s)
        .map(|(t, zoned)| if zoned { t } else { zone.to_utc(t) })
        .ok_or_else(|| {
            format!(
                "`{}` is no time: write 2024-03-03, 2024-03-03 10:00[:00], \
             2024-03-03T10:00:00Z (RFC 3339), or a span before now: 30m, 2h, 1d",
                iscsi_decode::report::escaped(arg)
            )
        })
}

/// `N` followed by `s`, `m`, `h`, `d` or `w`: seconds.
fn parse_span(s: &str) -> Option<f64> {
    let unit = s.chars().last()?;
    let n: u64 = s.get(..s.len() - unit.len_utf8())?.parse().ok()?;
    let per = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3_600,
        'd' => 86_400,
        'w' => 604_800,
        _ => return None,
    };
    Some(n.checked_mul(per)? as f64)
}

/// `n` ASCII digits at the start of `b`.
fn digits(b: &[u8], n: usize) -> Option<u32> {
    let d = b.get(..n)?;
    d.iter()
        .all(u8::is_ascii_digit)
        .then(|| d.iter().fold(0u32, |v, &c| v * 10 + u32::from(c - b'0')))
}

/// An absolute time, seconds since 1970, and whether it gave its zone (else it is read as
/// if in UTC, for the caller to place).
fn parse_absolute(s: &str) -> Option<(f64, bool)> {
    let b = s.as_bytes();
    let y = digits(b, 4)?;
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let (m, d) = (digits(&b[5..], 2)?, digits(b.get(8..)?, 2)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let date = days_from_civil(i64::from(y), m, d) as f64 * 86_400.0;
    // A day past the month's end would roll over: refuse it.
    if civil_from_days((date / 86_400.0) as i64) != (i64::from(y), m, d) {
        return None;
    }
    let rest = &b[10..];
    if rest.is_empty() {
        return Some((date, false));
    }
    if !matches!(rest[0], b'T' | b't' | b' ') {
        return None;
    }
    let t = &rest[1..];
    let (h, mi) = (digits(t, 2)?, digits(t.get(3..)?, 2)?);
    if t[2] != b':' || h > 23 || mi > 59 {
        return None;
    }
    let mut secs = f64::from(h * 3600 + mi * 60);
    let mut zone = &t[5..];
    if zone.first() == Some(&b':') {
        let sec = digits(&zone[1..], 2)?;
        if sec > 60 {
            return None;
        }
        secs += f64::from(sec);
        zone = &zone[3..];
        if zone.first() == Some(&b'.') {
            let n = zone[1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return None;
            }
            let frac: f64 = std::str::from_utf8(&zone[..=n]).ok()?.parse().ok()?;
            secs += frac;
            zone = &zone[1 + n..];
        }
    }
    let offset = match zone {
        [] => return Some((date + secs, false)),
        [b'Z' | b'z'] => 0.0,
        [sign @ (b'+' | b'-'), ..] => {
            let z = &zone[1..];
            let (oh, om) = match z.len() {
                5 if z[2] == b':' => (digits(z, 2)?, digits(&z[3..], 2)?),
                4 => (digits(z, 2)?, digits(&z[2..], 2)?),
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let o = f64::from(oh * 3600 + om * 60);
            if *sign == b'+' { o } else { -o }
        }
        _ => return None,
    };
    Some((date + secs - offset, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_765_000_000.0;

    fn parse_time_utc(arg: &str, now: f64) -> Result<f64, String> {
        parse_time(arg, now, &Zone::utc())
    }

    #[test]
    fn zone_less_times_are_read_in_the_zone() {
        let day = 1_709_424_000.0; // 2024-03-03T00:00:00Z
        let plus2 = Zone::named("+02:00").unwrap();
        assert_eq!(
            parse_time("2024-03-03 10:00", NOW, &plus2),
            Ok(day + 28_800.0)
        );
        assert_eq!(parse_time("2024-03-03", NOW, &plus2), Ok(day - 7_200.0));
        // A time with its zone, and a span before now, are not moved.
        assert_eq!(
            parse_time("2024-03-03T10:00:00Z", NOW, &plus2),
            Ok(day + 36_000.0)
        );
        assert_eq!(parse_time("2h", NOW, &plus2), Ok(NOW - 7_200.0));
    }

    #[test]
    fn parses_times() {
        let day = 1_709_424_000.0; // 2024-03-03T00:00:00Z
        assert_eq!(parse_time_utc("2024-03-03", NOW), Ok(day));
        assert_eq!(parse_time_utc("2024-03-03 10:00", NOW), Ok(day + 36_000.0));
        assert_eq!(
            parse_time_utc("2024-03-03T10:00:05", NOW),
            Ok(day + 36_005.0)
        );
        assert_eq!(
            parse_time_utc("2024-03-03T10:00:05Z", NOW),
            Ok(day + 36_005.0)
        );
        assert_eq!(
            parse_time_utc("2024-03-03T10:00:05.5+02:00", NOW),
            Ok(day + 36_005.5 - 7_200.0)
        );
        assert_eq!(
            parse_time_utc("2024-03-03 10:00:05-0130", NOW),
            Ok(day + 36_005.0 + 5_400.0)
        );
        assert_eq!(parse_time_utc("2h", NOW), Ok(NOW - 7_200.0));
        assert_eq!(parse_time_utc("30m", NOW), Ok(NOW - 1_800.0));
        assert_eq!(parse_time_utc("1d", NOW), Ok(NOW - 86_400.0));
        assert_eq!(parse_time_utc("90s", NOW), Ok(NOW - 90.0));
        for bad in [
            "",
            "h",
            "2x",
            "-2h",
            "2024-02-30",
            "2024-13-01",
            "2024-03-03 25:00",
            "2024-03-03T10",
            "2024-03-03 10:00 junk",
            "yesterday",
            "2024-03-03T10:00:00+2",
            "99999999999999999999999h",
            "2024-03-03T10:00:00.",
            "\u{1b}[31m",
        ] {
            assert!(parse_time_utc(bad, NOW).is_err(), "{bad:?}");
        }
        assert!(
            parse_time_utc("\u{1b}[31m", NOW)
                .unwrap_err()
                .contains("\\x1b")
        );
    }
}
