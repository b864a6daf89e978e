//! A small streaming JSON object writer: the NDJSON renderer writes millions of objects, so
//! it formats straight into a reused buffer instead of building `serde_json::Value`s.

/// Writes one JSON object into a buffer; nested objects with [`Obj::open`]/[`Obj::close`].
#[derive(Debug, Default)]
pub struct Obj {
    buf: Vec<u8>,
    first: Vec<bool>,
}

impl Obj {
    /// Starts an object in a cleared buffer.
    pub fn begin(&mut self) {
        self.buf.clear();
        self.first.clear();
        self.buf.push(b'{');
        self.first.push(true);
    }

    fn key(&mut self, k: &str) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(b',');
            }
            *f = false;
        }
        self.buf.push(b'"');
        self.buf.extend_from_slice(k.as_bytes());
        self.buf.extend_from_slice(b"\":");
    }

    /// A string field.
    pub fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        push_json_string(&mut self.buf, v);
    }

    /// A string field, if present.
    pub fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    /// An integer field.
    pub fn int(&mut self, k: &str, v: impl Into<i128>) {
        self.key(k);
        push_int(&mut self.buf, v.into());
    }

    /// A SCSI address `h:c:t:l` as a string field.
    pub fn hctl(&mut self, k: &str, h: u32, c: u32, t: u32, l: u64) {
        self.key(k);
        self.buf.push(b'"');
        push_int(&mut self.buf, i128::from(h));
        self.buf.push(b':');
        push_int(&mut self.buf, i128::from(c));
        self.buf.push(b':');
        push_int(&mut self.buf, i128::from(t));
        self.buf.push(b':');
        push_int(&mut self.buf, i128::from(l));
        self.buf.push(b'"');
    }

    /// An integer field, if present.
    pub fn opt_int<T: Into<i128>>(&mut self, k: &str, v: Option<T>) {
        if let Some(v) = v {
            self.int(k, v);
        }
    }

    /// A number with up to 6 decimals (trailing zeros trimmed); non-finite numbers are null.
    pub fn num(&mut self, k: &str, v: f64) {
        self.key(k);
        push_num(&mut self.buf, v);
    }

    /// A number field, if present.
    pub fn opt_num(&mut self, k: &str, v: Option<f64>) {
        if let Some(v) = v {
            self.num(k, v);
        }
    }

    /// A boolean field.
    pub fn bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.buf
            .extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// An array of strings.
    pub fn strs<'a>(&mut self, k: &str, v: impl IntoIterator<Item = &'a str>) {
        self.key(k);
        self.buf.push(b'[');
        for (i, s) in v.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(b',');
            }
            push_json_string(&mut self.buf, s);
        }
        self.buf.push(b']');
    }

    /// Opens a nested object under `k`.
    pub fn open(&mut self, k: &str) {
        self.key(k);
        self.buf.push(b'{');
        self.first.push(true);
    }

    /// Opens a nested object as an array element (after [`Obj::open_array`]).
    pub fn open_elem(&mut self) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(b',');
            }
            *f = false;
        }
        self.buf.push(b'{');
        self.first.push(true);
    }

    /// Closes the innermost object.
    pub fn close(&mut self) {
        self.buf.push(b'}');
        self.first.pop();
    }

    /// Opens an array under `k`.
    pub fn open_array(&mut self, k: &str) {
        self.key(k);
        self.buf.push(b'[');
        self.first.push(true);
    }

    /// An integer as an array element (after [`Obj::open_array`]).
    pub fn elem_int(&mut self, v: impl Into<i128>) {
        self.elem_sep();
        push_int(&mut self.buf, v.into());
    }

    /// A string as an array element (after [`Obj::open_array`]).
    pub fn elem_str(&mut self, v: &str) {
        self.elem_sep();
        push_json_string(&mut self.buf, v);
    }

    /// The comma before an array element that is not the first.
    fn elem_sep(&mut self) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(b',');
            }
            *f = false;
        }
    }

    /// Closes the innermost array.
    pub fn close_array(&mut self) {
        self.buf.push(b']');
        self.first.pop();
    }

    /// Ends the object and returns its text (without a newline).
    pub fn end(&mut self) -> &str {
        std::str::from_utf8(self.end_bytes()).unwrap_or_default()
    }

    /// Ends the object and returns its bytes (UTF-8, without a newline).
    pub fn end_bytes(&mut self) -> &[u8] {
        while !self.first.is_empty() {
            self.buf.push(b'}');
            self.first.pop();
        }
        &self.buf
    }
}

/// Appends an unsigned integer in decimal.
#[inline]
pub fn push_u64<B: JsonBuf + ?Sized>(out: &mut B, n: u64) {
    let mut d = [0u8; 20];
    out.put_ascii(crate::decode::fields::decimal(n, &mut d));
}

/// Appends an integer in decimal (without `fmt` within the range of `u64`).
pub fn push_int<B: JsonBuf + ?Sized>(out: &mut B, v: i128) {
    if v < 0 {
        out.put("-");
    }
    if let Ok(n) = u64::try_from(v.unsigned_abs()) {
        push_u64(out, n);
        return;
    }
    // Beyond u64 (no member of this crate's output gets there): through fmt.
    out.put(&v.unsigned_abs().to_string());
}

/// `v` rounded to millionths the way `format!("{v:.6}")` rounds it (the exact binary value,
/// ties to even), as (negative, millionths); `None` when it is too large for this path.
fn millionths(v: f64) -> Option<(bool, u128)> {
    let bits = v.to_bits();
    let neg = bits >> 63 != 0;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = u128::from(bits & ((1 << 52) - 1));
    let (m, e) = match exp {
        0x7ff => return None,
        0 => (frac, -1074),
        _ => (frac | 1 << 52, exp - 1075),
    };
    let n = m * 1_000_000;
    if e >= 0 {
        // m < 2^53 and 10^6 < 2^20: exact below 2^128.
        return (e <= 50).then(|| (neg, n << e));
    }
    let s = (-e) as u32;
    if s >= 127 {
        // n < 2^73: less than half a millionth.
        return Some((neg, 0));
    }
    let q = n >> s;
    let r = n & ((1 << s) - 1);
    let half = 1u128 << (s - 1);
    let up = r > half || (r == half && q & 1 == 1);
    Some((neg, q + u128::from(up)))
}

/// Appends `v` with up to 6 decimals, trailing zeros trimmed (`format!("{v:.6}")` without
/// its trailing zeros and point); non-finite numbers are `null`.
pub fn push_num<B: JsonBuf + ?Sized>(out: &mut B, v: f64) {
    if !v.is_finite() {
        out.put("null");
        return;
    }
    let Some((neg, q)) = millionths(v) else {
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        out.put(if s.is_empty() || s == "-" { "0" } else { s });
        return;
    };
    if neg {
        out.put("-");
    }
    let (int, mut frac) = (q / 1_000_000, (q % 1_000_000) as u32);
    match u64::try_from(int) {
        Ok(i) => push_u64(out, i),
        Err(_) => push_int(out, int as i128),
    }
    if frac == 0 {
        return;
    }
    let mut d = [b'.', 0, 0, 0, 0, 0, 0];
    for k in (1..7).rev() {
        d[k] = b'0' + (frac % 10) as u8;
        frac /= 10;
    }
    let mut len = d.len();
    while d[len - 1] == b'0' {
        len -= 1;
    }
    out.put_ascii(&d[..len]);
}

/// Bytes that need escaping in a JSON string (and the C1 lead byte 0xC2, checked further).
const fn escape_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xe2] = true;
    t
}
static ESCAPE: [bool; 256] = escape_table();

/// The bytes of `x` that may need a look (SWAR): a set high bit marks the first such byte
/// exactly (higher marks may be false). Flags bytes below 0x20, `"`, `\`, DEL and every
/// byte >= 0x80 (only the lead bytes 0xC2 and 0xE2 matter among those).
#[inline]
fn escape_mask(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let eq = |n: u8| zero(x ^ (ONES * u64::from(n)));
    // Below 0x20 or at least 0x80: without a byte below 0x20 nothing borrows, and a byte in
    // 0x20..0x80 minus 0x20 keeps its high bit clear.
    let ctl_or_high = (x.wrapping_sub(ONES * 0x20) | x) & HIGH;
    ctl_or_high | eq(b'"') | eq(b'\\') | eq(0x7f)
}

/// Where JSON text can be appended: a `String` or a byte buffer.
pub trait JsonBuf {
    /// Appends text.
    fn put(&mut self, s: &str);
    /// Appends ASCII bytes (digits, punctuation).
    fn put_ascii(&mut self, b: &[u8]);
    /// Appends `"s"` (`s` needs no escaping).
    fn put_quoted(&mut self, s: &str) {
        self.put("\"");
        self.put(s);
        self.put("\"");
    }
}

impl JsonBuf for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
    fn put_ascii(&mut self, b: &[u8]) {
        for &c in b {
            self.push(char::from(c));
        }
    }
}

impl JsonBuf for Vec<u8> {
    #[inline]
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
    }
    #[inline]
    fn put_ascii(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
    #[inline]
    fn put_quoted(&mut self, s: &str) {
        self.reserve(s.len() + 2);
        self.push(b'"');
        self.extend_from_slice(s.as_bytes());
        self.push(b'"');
    }
}

/// Appends `\uXXXX`.
fn put_u4<B: JsonBuf + ?Sized>(out: &mut B, cp: u32) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let d = [
        b'\\',
        b'u',
        HEX[(cp >> 12 & 0xf) as usize],
        HEX[(cp >> 8 & 0xf) as usize],
        HEX[(cp >> 4 & 0xf) as usize],
        HEX[(cp & 0xf) as usize],
    ];
    out.put_ascii(&d);
}

/// Appends `s` as a JSON string; control characters (C0, DEL, C1) become `\u00XX`.
#[inline]
pub fn push_json_string<B: JsonBuf + ?Sized>(out: &mut B, s: &str) {
    let b = s.as_bytes();
    // Short plain strings (host names, times, program names) in one piece.
    if b.len() <= 24 && !b.iter().any(|&c| ESCAPE[c as usize]) {
        out.put_quoted(s);
        return;
    }
    out.put("\"");
    let mut last = 0;
    let mut i = 0;
    // Plain text (the whole of most log lines) is skipped 32 bytes at a time.
    while let Some(w) = b.get(i..i + 32).and_then(|w| <&[u8; 32]>::try_from(w).ok()) {
        if !crate::decode::block_is_plain(w) {
            break;
        }
        i += 32;
    }
    while i < b.len() {
        // Skip eight plain bytes at a time; else go straight to the first byte to look at.
        if let Some(w) = b.get(i..i + 8) {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            let m = escape_mask(u64::from_le_bytes(a));
            if m == 0 {
                i += 8;
                continue;
            }
            i += (m.trailing_zeros() / 8) as usize;
        }
        let c = b[i];
        if !ESCAPE[c as usize] {
            i += 1;
            continue;
        }
        escape_at(out, s, &mut i, &mut last);
    }
    out.put(&s[last..]);
    out.put("\"");
}

/// Escapes what starts at `b[*i]` (a byte [`ESCAPE`] marks), after the plain text from
/// `*last`; moves both past it.
#[cold]
fn escape_at<B: JsonBuf + ?Sized>(out: &mut B, s: &str, i: &mut usize, last: &mut usize) {
    let b = s.as_bytes();
    let c = b[*i];
    // 0xE2 0x80 0xAA..0xAE and 0xE2 0x81 0xA6..0xA9: the bidi overrides and isolates,
    // escaped so that a log line cannot reorder a terminal's text.
    if c == 0xe2 {
        let bidi = match (b.get(*i + 1), b.get(*i + 2)) {
            (Some(0x80), Some(&n)) if (0xaa..=0xae).contains(&n) => {
                Some(0x2000 + u32::from(n - 0x80))
            }
            (Some(0x81), Some(&n)) if (0xa6..=0xa9).contains(&n) => {
                Some(0x2040 + u32::from(n - 0x80))
            }
            _ => None,
        };
        match bidi {
            Some(cp) => {
                out.put(&s[*last..*i]);
                put_u4(out, cp);
                *i += 3;
                *last = *i;
            }
            None => *i += 1,
        }
        return;
    }
    // 0xC2 starts U+0080..U+00BF; only U+0080..U+009F (C1 controls) are escaped.
    if c == 0xc2 {
        match b.get(*i + 1) {
            Some(&n) if (0x80..=0x9f).contains(&n) => {
                out.put(&s[*last..*i]);
                put_u4(out, u32::from(n));
                *i += 2;
                *last = *i;
            }
            _ => *i += 1,
        }
        return;
    }
    out.put(&s[*last..*i]);
    match c {
        b'"' => out.put("\\\""),
        b'\\' => out.put("\\\\"),
        b'\n' => out.put("\\n"),
        b'\r' => out.put("\\r"),
        b'\t' => out.put("\\t"),
        _ => put_u4(out, u32::from(c)),
    }
    *i += 1;
    *last = *i;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json() {
        let mut o = Obj::default();
        o.begin();
        o.str("a", "x\"y\u{1b}[31m\n");
        o.int("n", 5u32);
        o.num("f", 10.08);
        o.open("in");
        o.bool("b", true);
        o.close();
        o.strs("l", ["p", "q"]);
        o.int("neg", -42i64);
        o.int("zero", 0u8);
        let s = o.end().to_string();
        let v: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(v["a"], "x\"y\u{1b}[31m\n");
        assert_eq!(v["f"], 10.08);
        assert_eq!(v["in"]["b"], true);
        assert_eq!(
            (v["neg"].as_i64(), v["zero"].as_i64()),
            (Some(-42), Some(0))
        );
        assert!(s.contains("\\u001b"));
        for probe in [
            "plain ascii text here",
            "tab\there!",
            "x\u{7f}yyyyyyyyy",
            "aaaaaaa\"b",
            "é and ü ok ok",
        ] {
            let mut t = String::new();
            push_json_string(&mut t, probe);
            assert_eq!(serde_json::from_str::<String>(&t).unwrap(), probe);
        }
        let mut t = String::new();
        push_json_string(&mut t, "é\u{85}x\\\u{202e}–");
        assert_eq!(t, "\"é\\u0085x\\\\\\u202e–\"");
    }

    /// The reference: what the renderer printed before [`push_num`].
    fn num_by_fmt(v: f64) -> String {
        if !v.is_finite() {
            return "null".into();
        }
        let s = format!("{v:.6}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        (if s.is_empty() || s == "-" { "0" } else { s }).to_string()
    }

    #[test]
    fn numbers_match_fmt() {
        let mut probes = vec![
            0.0,
            -0.0,
            1e-9,
            -1e-9,
            0.5,
            1.5,
            2.5,
            0.0078125,
            -0.0078125,
            0.0000005,
            0.0000015,
            3.0000005,
            10.54,
            5.073333,
            885.245923,
            1e15,
            1.2345678e17,
            9.007_199_254_740_993e15,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // Exact ties at the sixth decimal: odd multiples of 2^-k with k = 7..20.
        for k in 7..=26 {
            for m in [1u64, 3, 5, 7, 15625, 46875, 1_000_001] {
                probes.push(m as f64 / f64::from(1u32 << k));
            }
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            probes.push(f64::from_bits(x));
            let scale = 10f64.powi((x % 19) as i32 - 9);
            probes.push((x >> 11) as f64 / (1u64 << 53) as f64 * scale);
            probes.push((x % 100_000_000) as f64 / 1e6);
            probes.push(-((x % 100_000_000_000) as f64) / 1e6);
        }
        for v in probes {
            let mut b = Vec::new();
            push_num(&mut b, v);
            assert_eq!(String::from_utf8(b).unwrap(), num_by_fmt(v), "{v:e}");
        }
    }

    #[test]
    fn integers_match_fmt() {
        let mut probes: Vec<i128> = vec![0, 9, 10, 99, 100, 101, i128::MAX, i128::MIN];
        probes.extend([u64::MAX, i64::MAX as u64].map(i128::from));
        probes.push(i128::from(i64::MIN));
        let mut p: i128 = 1;
        for _ in 0..38 {
            probes.extend([p - 1, p, p + 1, -p, -p + 1]);
            p *= 10;
        }
        for v in probes {
            let (mut a, mut b) = (String::new(), Vec::new());
            push_int(&mut a, v);
            push_int(&mut b, v);
            assert_eq!(a, v.to_string());
            assert_eq!(b, v.to_string().into_bytes());
        }
    }

    #[test]
    fn strings_match_bytewise_escaping() {
        // Every byte (as its character, or in a UTF-8 sequence) at every offset of a word.
        let specials = [
            "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1f}", "\u{7f}", "\u{85}",
        ];
        let more = [
            "\u{9f}", "\u{a0}", "é", "\u{202a}", "\u{202e}", "\u{2066}", "\u{2069}",
        ];
        let extra = ["\u{2065}", "\u{202f}", "–", "€", " ", "~", "a"];
        for sp in specials.iter().chain(&more).chain(&extra) {
            for pre in 0..17 {
                for post in [0, 1, 7, 8, 9] {
                    let s = format!("{}{sp}{}", "x".repeat(pre), "y".repeat(post));
                    let mut t = String::new();
                    push_json_string(&mut t, &s);
                    let back: String = serde_json::from_str(&t).unwrap();
                    assert_eq!(back, s);
                    let escaped = t.contains("\\u");
                    let must = sp.chars().any(|c| {
                        c.is_control()
                            || ('\u{202a}'..='\u{202e}').contains(&c)
                            || ('\u{2066}'..='\u{2069}').contains(&c)
                    }) && !matches!(*sp, "\n" | "\r" | "\t");
                    assert_eq!(escaped, must, "{s:?} -> {t}");
                }
            }
        }
    }
}
