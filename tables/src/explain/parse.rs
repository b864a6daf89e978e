//! Reading numbers the way logs and admins write them: decimal, `0x` hex, and login
//! statuses as `class/detail` bytes. Overflow and junk give `None`, never a panic.

/// Parses a decimal or `0x`-prefixed hexadecimal integer, with an optional sign.
///
/// ```
/// use iscsi_tables::explain::parse_number;
/// assert_eq!(parse_number("1022"), Some(1022));
/// assert_eq!(parse_number("0x3F"), Some(0x3f));
/// assert_eq!(parse_number("-1"), Some(-1));
/// assert_eq!(parse_number("nop"), None);
/// assert_eq!(parse_number("99999999999999999999999999999999999999999"), None);
/// // Every i128 reads back from its text.
/// assert_eq!(parse_number(&i128::MIN.to_string()), Some(i128::MIN));
/// assert_eq!(parse_number(&i128::MAX.to_string()), Some(i128::MAX));
/// assert_eq!(parse_number("170141183460469231731687303715884105728"), None);
/// ```
pub fn parse_number(s: &str) -> Option<i128> {
    let s = s.trim();
    let (negative, s) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let hex = s.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"));
    let (digits, radix) = if hex { (&s[2..], 16) } else { (s, 10) };
    // from_str_radix accepts its own sign; a second one would be a typo.
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    // The magnitude first: i128::MIN's has no positive i128.
    let m = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        0i128.checked_sub_unsigned(m)
    } else {
        i128::try_from(m).ok()
    }
}

/// Parses a login response status as iscsid prints it, `02/03` (class and detail in hex),
/// or as `0x0203`, four hex digits `0203`, or a plain decimal of the packed value.
/// Returns `class << 8 | detail`.
///
/// ```
/// use iscsi_tables::explain::parse_login_status;
/// assert_eq!(parse_login_status("02/03"), Some(0x0203));
/// assert_eq!(parse_login_status("2/3"), Some(0x0203));
/// assert_eq!(parse_login_status("0x0203"), Some(0x0203));
/// assert_eq!(parse_login_status("0203"), Some(0x0203));
/// assert_eq!(parse_login_status("2/300"), None);
/// ```
pub fn parse_login_status(s: &str) -> Option<u16> {
    let s = s.trim();
    if let Some((class, detail)) = s.split_once('/') {
        let byte = |p: &str| {
            let p = p.trim();
            let p = if p.get(..2).is_some_and(|x| x.eq_ignore_ascii_case("0x")) {
                &p[2..]
            } else {
                p
            };
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u8::from_str_radix(p, 16).ok()
        };
        return Some(u16::from(byte(class)?) << 8 | u16::from(byte(detail)?));
    }
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return u16::from_str_radix(s, 16).ok();
    }
    u16::try_from(parse_number(s)?).ok()
}

/// `s` without `prefix`, compared ignoring ASCII case; `None` if it does not start with it.
pub fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}
