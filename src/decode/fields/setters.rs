//! The assignments of the groups that do more than parse one field (the `groups` rows of
//! the field registry, and the `login` field). A value that does not parse changes nothing.

use super::{Fields, Hctl, PingNumbers};

/// `address:port` (`[v6]:port`): fills addr and port; without a numeric port, the address
/// alone.
pub(super) fn addr_port<'a>(f: &mut Fields<'a>, v: &'a str) {
    match memchr::memrchr(b':', v.as_bytes()).map(|i| (&v[..i], &v[i + 1..])) {
        Some((a, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            let a = a
                .strip_prefix('[')
                .and_then(|a| a.strip_suffix(']'))
                .unwrap_or(a);
            f.addr = Some(a);
            f.port = p.parse().ok();
        }
        _ => f.addr = Some(v),
    }
}

/// A negative return code (`-113`): its absolute value is the errno.
pub(super) fn retcode(f: &mut Fields<'_>, v: &str) {
    if let Ok(n) = v.parse::<i64>() {
        if n < 0 && n > -4096 {
            f.errno = Some(n.unsigned_abs() as u32);
        }
    }
}

/// The login status class, in hex.
pub(super) fn login_class(f: &mut Fields<'_>, v: &str) {
    if let Ok(c) = u8::from_str_radix(v, 16) {
        f.login = Some((c, f.login.map_or(0, |l| l.1)));
    }
}

/// The login status detail, in hex.
pub(super) fn login_detail(f: &mut Fields<'_>, v: &str) {
    if let Ok(d) = u8::from_str_radix(v, 16) {
        f.login = Some((f.login.map_or(0, |l| l.0), d));
    }
}

/// The login status as `class/detail` in hex (`02/02`, as `implies` writes it).
pub(super) fn login(f: &mut Fields<'_>, v: &str) {
    if let Some((c, d)) = v.split_once('/') {
        if let (Ok(c), Ok(d)) = (u8::from_str_radix(c, 16), u8::from_str_radix(d, 16)) {
            f.login = Some((c, d));
        }
    }
}

/// One number of the ping-timeout line (0 when it does not parse).
fn ping(f: &mut Fields<'_>, v: &str, member: fn(&mut PingNumbers) -> &mut u64) {
    *member(f.ping.get_or_insert_with(Default::default)) = v.parse().unwrap_or(0);
}

/// `ping timeout of N secs`.
pub(super) fn ping_tmo(f: &mut Fields<'_>, v: &str) {
    ping(f, v, |p| &mut p.ping_tmo);
}

/// `recv timeout N`.
pub(super) fn recv_tmo(f: &mut Fields<'_>, v: &str) {
    ping(f, v, |p| &mut p.recv_tmo);
}

/// `last rx N`.
pub(super) fn last_rx(f: &mut Fields<'_>, v: &str) {
    ping(f, v, |p| &mut p.last_rx);
}

/// `last ping N`.
pub(super) fn last_ping(f: &mut Fields<'_>, v: &str) {
    ping(f, v, |p| &mut p.last_ping);
}

/// `now N`.
pub(super) fn now(f: &mut Fields<'_>, v: &str) {
    ping(f, v, |p| &mut p.now);
}

/// The four numbers of `3 Channel 00 Id 0 Lun: 1`, in `H:C:T:L` order.
pub(super) fn hctl_words(f: &mut Fields<'_>, v: &str) {
    let mut n = v
        .split(|c: char| !c.is_ascii_digit())
        .filter(|w| !w.is_empty());
    let mut next = || n.next().and_then(|w| w.parse().ok());
    if let (Some(host), Some(channel), Some(target), Some(lun)) = (next(), next(), next(), next()) {
        f.hctl = Some(Hctl {
            host,
            channel,
            target,
            lun: u64::from(lun),
        });
    }
}

/// iscsiadm's words for a connection state: its number, when they name exactly one.
pub(super) fn state_label(f: &mut Fields<'_>, v: &str) {
    if let Some(n) = crate::decode::names::conn_state_of_label(v) {
        f.state = Some(n.into());
    }
}
