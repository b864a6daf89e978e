//! Byte-buffer formatting helpers: integers, padding and dates without `fmt` machinery.
//!
//! `write!` through `core::fmt` costs several times more than these hand-written
//! appends, and a 1 GB log is tens of millions of numbers.

/// Appends the decimal digits of `v`.
#[inline]
pub fn push_u64(buf: &mut Vec<u8>, mut v: u64) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `v` right-aligned in `width` columns, padded with `fill` (`b' '` or `b'0'`).
#[inline]
pub fn push_u64_pad(buf: &mut Vec<u8>, v: u64, width: usize, fill: u8) {
    let mut tmp = [0u8; 20];
    let mut i = tmp.len();
    let mut x = v;
    loop {
        i -= 1;
        tmp[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    let digits = tmp.len() - i;
    for _ in digits..width {
        buf.push(fill);
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends `v` as lowercase hex, at least `width` digits, zero-padded.
#[inline]
pub fn push_hex(buf: &mut Vec<u8>, v: u64, width: usize) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut tmp = [0u8; 16];
    let mut i = tmp.len();
    let mut x = v;
    loop {
        i -= 1;
        tmp[i] = HEX[(x & 15) as usize];
        x >>= 4;
        if x == 0 {
            break;
        }
    }
    for _ in (tmp.len() - i)..width {
        buf.push(b'0');
    }
    buf.extend_from_slice(&tmp[i..]);
}

/// Appends a dotted IPv4 address.
#[inline]
pub fn push_ip(buf: &mut Vec<u8>, ip: [u8; 4]) {
    for (k, o) in ip.iter().enumerate() {
        if k > 0 {
            buf.push(b'.');
        }
        push_u64(buf, u64::from(*o));
    }
}

/// Appends the `sd` disk name for index `i` (0 → `sda`, 25 → `sdz`, 26 → `sdaa`).
pub fn push_disk(buf: &mut Vec<u8>, i: u32) {
    buf.extend_from_slice(b"sd");
    if i < 26 {
        buf.push(b'a' + i as u8);
    } else {
        buf.push(b'a' + ((i / 26 - 1) % 26) as u8);
        buf.push(b'a' + (i % 26) as u8);
    }
}

/// Month abbreviations as syslog and ctime print them.
pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Weekday abbreviations, Sunday first.
pub const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/// A broken-down UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    /// Year, e.g. 2024.
    pub year: i64,
    /// Month 1..=12.
    pub month: u32,
    /// Day of month 1..=31.
    pub day: u32,
    /// Hour 0..=23.
    pub hour: u32,
    /// Minute 0..=59.
    pub min: u32,
    /// Second 0..=59.
    pub sec: u32,
    /// Day of week, 0 = Sunday.
    pub weekday: u32,
}

/// Converts seconds since the Unix epoch to a UTC civil time (Howard Hinnant's algorithm).
pub fn civil_from_unix(secs: i64) -> Civil {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3600,
        min: rem / 60 % 60,
        sec: rem % 60,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Converts a UTC civil date and time to seconds since the Unix epoch.
pub fn unix_from_civil(year: i64, month: u32, day: u32, hour: u32, min: u32, sec: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + i64::from(hour) * 3600 + i64::from(min) * 60 + i64::from(sec)
}

/// Parses `YYYY-MM-DDTHH:MM:SS` (or with a space instead of `T`) as UTC.
pub fn parse_iso(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 19 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if b[10] != b'T' && b[10] != b' ' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 59 {
        return None;
    }
    Some(unix_from_civil(i64::from(y), mo, d, h, mi, se))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut b = Vec::new();
        f(&mut b);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn numbers() {
        assert_eq!(s(|b| push_u64(b, 0)), "0");
        assert_eq!(s(|b| push_u64(b, u64::MAX)), "18446744073709551615");
        assert_eq!(s(|b| push_u64_pad(b, 171, 5, b' ')), "  171");
        assert_eq!(s(|b| push_u64_pad(b, 34125, 6, b'0')), "034125");
        assert_eq!(s(|b| push_u64_pad(b, 1234567, 5, b' ')), "1234567");
        assert_eq!(s(|b| push_hex(b, 0x800, 0)), "800");
        assert_eq!(s(|b| push_hex(b, 0xab, 8)), "000000ab");
        assert_eq!(s(|b| push_ip(b, [192, 0, 2, 10])), "192.0.2.10");
    }

    #[test]
    fn disks() {
        assert_eq!(s(|b| push_disk(b, 0)), "sda");
        assert_eq!(s(|b| push_disk(b, 25)), "sdz");
        assert_eq!(s(|b| push_disk(b, 26)), "sdaa");
        assert_eq!(s(|b| push_disk(b, 27)), "sdab");
        assert_eq!(s(|b| push_disk(b, 52)), "sdba");
    }

    #[test]
    fn dates_round_trip() {
        let t = parse_iso("2024-03-04T00:02:51").unwrap();
        assert_eq!(t, 1_709_510_571);
        let c = civil_from_unix(t);
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.min, c.sec),
            (2024, 3, 4, 0, 2, 51)
        );
        assert_eq!(WEEKDAYS[c.weekday as usize], "Mon");
        let leap = civil_from_unix(parse_iso("2024-02-29 23:59:59").unwrap() + 1);
        assert_eq!((leap.month, leap.day), (3, 1));
        assert_eq!(parse_iso("2024-13-01T00:00:00"), None);
    }
}
