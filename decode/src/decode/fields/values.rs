//! The value types of [`super::Fields`] and the helpers that parse and print them.

use regex::CaptureLocations;
use std::borrow::Cow;

/// A SCSI address `host:channel:target:lun`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hctl {
    /// The SCSI host number (one per iSCSI session with iscsi_tcp/ib_iser).
    pub host: u32,
    /// Channel.
    pub channel: u32,
    /// Target id.
    pub target: u32,
    /// Logical unit number.
    pub lun: u64,
}

impl Hctl {
    /// Parses `3:0:0:1`.
    pub fn parse(s: &str) -> Option<Hctl> {
        let mut it = s.split(':');
        let h = Hctl {
            host: it.next()?.parse().ok()?,
            channel: it.next()?.parse().ok()?,
            target: it.next()?.parse().ok()?,
            lun: it.next()?.parse().ok()?,
        };
        it.next().is_none().then_some(h)
    }
}

impl std::fmt::Display for Hctl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}:{}:{}:{}",
            self.host, self.channel, self.target, self.lun
        )
    }
}

/// The numbers of the kernel's ping-timeout line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PingNumbers {
    /// `ping timeout of N secs` (noop_out_timeout).
    pub ping_tmo: u64,
    /// `recv timeout N` (noop_out_interval).
    pub recv_tmo: u64,
    /// `last rx` in jiffies.
    pub last_rx: u64,
    /// `last ping` in jiffies.
    pub last_ping: u64,
    /// `now` in jiffies.
    pub now: u64,
}

/// The group spans of a match, one per group (messages are far shorter than 4 GiB).
pub fn spans_of(locs: &CaptureLocations, out: &mut Vec<Option<(u32, u32)>>) {
    out.clear();
    out.extend((0..locs.len()).map(|i| locs.get(i).map(|(s, e)| (s as u32, e as u32))));
}

/// The text of an errno number as this system's C library words it (`No route to host`).
pub fn errno_text(n: u32) -> Option<Cow<'static, str>> {
    if n == 0 || n > 4095 {
        return None;
    }
    let s = std::io::Error::from_raw_os_error(n as i32).to_string();
    let s = match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    };
    (!s.starts_with("Unknown error")).then_some(Cow::Owned(s))
}

/// The `sdX` name of a SCSI disk's `major:minor` (whole disks only), as the kernel names
/// them: majors 8, 65–71 and 128–135 hold 16 disks each.
pub fn sd_name_of_devnum(dev: &str) -> Option<String> {
    let (maj, min) = dev.split_once(':')?;
    let (maj, min): (u32, u32) = (maj.parse().ok()?, min.parse().ok()?);
    let slot = match maj {
        8 => 0,
        65..=71 => maj - 64,
        128..=135 => maj - 120,
        _ => return None,
    };
    if min >= 256 || min % 16 != 0 {
        return None;
    }
    let mut index = slot * 16 + min / 16;
    // sd_format_disk_name: base-26 with a = 0 in the last position, "aa" after "z".
    let mut name = Vec::new();
    loop {
        name.push(b'a' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    Some(format!("sd{}", String::from_utf8_lossy(&name)))
}

/// Two decimal digits per entry: `00`, `01`, ... `99`.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// The decimal digits of `n`, written at the end of `buf` (without `fmt`: numbers are
/// printed for every line of a decoded log).
#[inline(always)]
pub fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    while n >= 100 {
        let p = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[p..p + 2]);
    }
    if n >= 10 {
        let p = n as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[p..p + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    &buf[i..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disk_names() {
        assert_eq!(sd_name_of_devnum("8:0").as_deref(), Some("sda"));
        assert_eq!(sd_name_of_devnum("8:48").as_deref(), Some("sdd"));
        assert_eq!(sd_name_of_devnum("65:16").as_deref(), Some("sdr"));
        assert_eq!(sd_name_of_devnum("65:160").as_deref(), Some("sdaa"));
        assert_eq!(sd_name_of_devnum("8:49"), None);
        assert_eq!(sd_name_of_devnum("253:4"), None);
    }

    #[test]
    fn errno_texts() {
        assert_eq!(errno_text(113).as_deref(), Some("No route to host"));
        assert_eq!(errno_text(0), None);
    }

    #[test]
    fn hctl() {
        assert_eq!(
            Hctl::parse("3:0:0:1").map(|h| h.to_string()).as_deref(),
            Some("3:0:0:1")
        );
        assert_eq!(Hctl::parse("3:0:0"), None);
        assert_eq!(Hctl::parse("3:0:0:1:2"), None);
    }
}
