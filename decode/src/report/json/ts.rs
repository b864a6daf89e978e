//! The NDJSON `ts` member: a line's time placed on the UTC clock ([`crate::decode::place`])
//! written as RFC 3339 with a fixed six-digit fraction and `Z`
//! (`2024-03-03T10:10:01.000000Z`), so that the texts sort as the times do; `ts_inferred`
//! names what had to be guessed (`year`, `zone`, `boot`; docs/decode.md).

use crate::decode::civil_from_days;
use crate::decode::place::Placed;
use crate::report::jsonw::Obj;

/// Writes `,"<key>":…` and, when something was guessed, `,"<key>_inferred":[…]` (raw
/// bytes: the event renderer writes without the object writer).
pub(crate) fn push(p: Placed, out: &mut Vec<u8>, key: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":\"");
    push_rfc3339(out, p.secs);
    out.push(b'"');
    if p.is_inferred() {
        out.extend_from_slice(b",\"");
        out.extend_from_slice(key.as_bytes());
        out.extend_from_slice(b"_inferred\":[");
        for (i, name) in p.inferred().enumerate() {
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

/// [`push`] through the object writer; `also` (an incident's end) adds its guesses to
/// `<key>_inferred`.
pub(crate) fn write(p: Placed, o: &mut Obj, key: &str, also: Option<Placed>) {
    write_alone(p, o, key);
    let both = p.with_guesses_of(also);
    if both.is_inferred() {
        o.strs(&format!("{key}_inferred"), both.inferred());
    }
}

/// Writes `"<key>":…` alone, without what was guessed.
pub(crate) fn write_alone(p: Placed, o: &mut Obj, key: &str) {
    let mut b = Vec::with_capacity(32);
    push_rfc3339(&mut b, p.secs);
    o.str(key, std::str::from_utf8(&b).unwrap_or_default());
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
