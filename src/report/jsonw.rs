//! A small streaming JSON object writer: the NDJSON renderer writes millions of objects, so
//! it formats straight into a reused buffer instead of building `serde_json::Value`s.

/// Writes one JSON object into a buffer; nested objects with [`Obj::open`]/[`Obj::close`].
#[derive(Debug, Default)]
pub struct Obj {
    buf: String,
    first: Vec<bool>,
}

impl Obj {
    /// Starts an object in a cleared buffer.
    pub fn begin(&mut self) {
        self.buf.clear();
        self.first.clear();
        self.buf.push('{');
        self.first.push(true);
    }

    fn key(&mut self, k: &str) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(',');
            }
            *f = false;
        }
        self.buf.push('"');
        self.buf.push_str(k);
        self.buf.push_str("\":");
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
        self.buf.push('"');
        push_int(&mut self.buf, i128::from(h));
        self.buf.push(':');
        push_int(&mut self.buf, i128::from(c));
        self.buf.push(':');
        push_int(&mut self.buf, i128::from(t));
        self.buf.push(':');
        push_int(&mut self.buf, i128::from(l));
        self.buf.push('"');
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
        if v.is_finite() {
            let s = format!("{v:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            self.buf
                .push_str(if s.is_empty() || s == "-" { "0" } else { s });
        } else {
            self.buf.push_str("null");
        }
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
        self.buf.push_str(if v { "true" } else { "false" });
    }

    /// A null field.
    pub fn null(&mut self, k: &str) {
        self.key(k);
        self.buf.push_str("null");
    }

    /// An array of strings.
    pub fn strs<'a>(&mut self, k: &str, v: impl IntoIterator<Item = &'a str>) {
        self.key(k);
        self.buf.push('[');
        for (i, s) in v.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            push_json_string(&mut self.buf, s);
        }
        self.buf.push(']');
    }

    /// Opens a nested object under `k`.
    pub fn open(&mut self, k: &str) {
        self.key(k);
        self.buf.push('{');
        self.first.push(true);
    }

    /// Opens a nested object as an array element (after [`Obj::open_array`]).
    pub fn open_elem(&mut self) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(',');
            }
            *f = false;
        }
        self.buf.push('{');
        self.first.push(true);
    }

    /// Closes the innermost object.
    pub fn close(&mut self) {
        self.buf.push('}');
        self.first.pop();
    }

    /// Opens an array under `k`.
    pub fn open_array(&mut self, k: &str) {
        self.key(k);
        self.buf.push('[');
        self.first.push(true);
    }

    /// An integer as an array element (after [`Obj::open_array`]).
    pub fn elem_int(&mut self, v: impl Into<i128>) {
        if let Some(f) = self.first.last_mut() {
            if !*f {
                self.buf.push(',');
            }
            *f = false;
        }
        push_int(&mut self.buf, v.into());
    }

    /// Closes the innermost array.
    pub fn close_array(&mut self) {
        self.buf.push(']');
        self.first.pop();
    }

    /// Ends the object and returns its text (without a newline).
    pub fn end(&mut self) -> &str {
        while !self.first.is_empty() {
            self.buf.push('}');
            self.first.pop();
        }
        &self.buf
    }
}

/// Appends an integer in decimal (without `fmt`, which is slow for `i128`).
pub fn push_int(out: &mut String, v: i128) {
    if v < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 40];
    let mut i = digits.len();
    match u64::try_from(v.unsigned_abs()) {
        Ok(mut n) => loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        },
        Err(_) => {
            let mut n = v.unsigned_abs();
            loop {
                i -= 1;
                digits[i] = b'0' + (n % 10) as u8;
                n /= 10;
                if n == 0 {
                    break;
                }
            }
        }
    }
    for &d in &digits[i..] {
        out.push(char::from(d));
    }
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

/// Whether any byte of `x` is one that [`ESCAPE`] marks (SWAR: bytes below 0x20, `"`, `\`,
/// DEL, and the lead bytes 0xC2 and 0xE2).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let eq = |n: u8| zero(x ^ (ONES * u64::from(n)));
    // Bytes below 0x20 (exact for bytes below 0x80; a byte >= 0x80 is never flagged here).
    let below = x.wrapping_sub(ONES * 0x20) & !x & HIGH;
    (below | eq(b'"') | eq(b'\\') | eq(0x7f) | eq(0xc2) | eq(0xe2)) != 0
}

/// Where JSON text can be appended: a `String` or a byte buffer.
pub trait JsonBuf {
    /// Appends text.
    fn put(&mut self, s: &str);
}

impl JsonBuf for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

impl JsonBuf for Vec<u8> {
    fn put(&mut self, s: &str) {
        self.extend_from_slice(s.as_bytes());
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
    out.put(std::str::from_utf8(&d).unwrap_or(""));
}

/// Appends `s` as a JSON string; control characters (C0, DEL, C1) become `\u00XX`.
pub fn push_json_string<B: JsonBuf + ?Sized>(out: &mut B, s: &str) {
    out.put("\"");
    let b = s.as_bytes();
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        // Skip eight plain bytes at a time.
        if let Some(w) = b.get(i..i + 8) {
            let mut a = [0u8; 8];
            a.copy_from_slice(w);
            if !needs_escape(u64::from_le_bytes(a)) {
                i += 8;
                continue;
            }
        }
        let c = b[i];
        if !ESCAPE[c as usize] {
            i += 1;
            continue;
        }
        // 0xE2 0x80 0xAA..0xAE and 0xE2 0x81 0xA6..0xA9: the bidi overrides and isolates,
        // escaped so that a log line cannot reorder a terminal's text.
        if c == 0xe2 {
            let bidi = match (b.get(i + 1), b.get(i + 2)) {
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
                    out.put(&s[last..i]);
                    put_u4(out, cp);
                    i += 3;
                    last = i;
                }
                None => i += 1,
            }
            continue;
        }
        // 0xC2 starts U+0080..U+00BF; only U+0080..U+009F (C1 controls) are escaped.
        if c == 0xc2 {
            match b.get(i + 1) {
                Some(&n) if (0x80..=0x9f).contains(&n) => {
                    out.put(&s[last..i]);
                    put_u4(out, u32::from(n));
                    i += 2;
                    last = i;
                }
                _ => i += 1,
            }
            continue;
        }
        out.put(&s[last..i]);
        match c {
            b'"' => out.put("\\\""),
            b'\\' => out.put("\\\\"),
            b'\n' => out.put("\\n"),
            b'\r' => out.put("\\r"),
            b'\t' => out.put("\\t"),
            _ => {
                put_u4(out, u32::from(c));
            }
        }
        i += 1;
        last = i;
    }
    out.put(&s[last..]);
    out.put("\"");
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
}
