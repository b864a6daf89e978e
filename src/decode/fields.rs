//! Typed fields of a recognised message, filled from the pattern's named groups.
//!
//! A group named `x` or `x_alt...` fills field `x`; numbers are parsed, never trusted
//! (an out-of-range value leaves the field empty). Names for the numbers (error codes,
//! states, login statuses) are looked up when rendering, in `names`.

use regex::{CaptureLocations, Regex};
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

/// The fields a pattern extracted. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fields<'a> {
    /// Session id (`-1` while the first login has not created the kernel session).
    pub sid: Option<i64>,
    /// Connection id.
    pub cid: Option<u32>,
    /// SCSI address.
    pub hctl: Option<Hctl>,
    /// Block device name (`sdb`), given or derived from a `major:minor`.
    pub disk: Option<Cow<'a, str>>,
    /// SCSI command tag.
    pub tag: Option<u32>,
    /// SCSI host number (`scsi hostN`).
    pub scsi_host: Option<u32>,
    /// Portal address (IPv4, IPv6 or name).
    pub addr: Option<&'a str>,
    /// Portal port.
    pub port: Option<u16>,
    /// Target portal group tag.
    pub tpgt: Option<i64>,
    /// Target name (IQN).
    pub target: Option<&'a str>,
    /// open-iscsi iface name.
    pub iface: Option<&'a str>,
    /// An errno number (positive).
    pub errno: Option<u32>,
    /// An errno text as logged (`No route to host`).
    pub errno_text: Option<&'a str>,
    /// Kernel `enum iscsi_err` value.
    pub kerr: Option<u32>,
    /// The error text iscsid logged with it.
    pub kerr_text: Option<&'a str>,
    /// iscsid's connection state number (`enum iscsi_conn_state`).
    pub state: Option<u32>,
    /// Login response status class and detail.
    pub login: Option<(u8, u8)>,
    /// iscsid's internal login result code (`Login error (Login status N)`).
    pub login_code: Option<u32>,
    /// iscsiadm error code / exit status.
    pub iscsiadm: Option<u8>,
    /// The text iscsiadm logged for it.
    pub iscsiadm_text: Option<&'a str>,
    /// Attempts or retries.
    pub attempts: Option<u32>,
    /// A duration in seconds (recovery timeout, waited, logout within...).
    pub secs: Option<u64>,
    /// The ping-timeout numbers.
    pub ping: Option<PingNumbers>,
    /// SCSI host byte (`DID_TRANSPORT_DISRUPTED`).
    pub hostbyte: Option<&'a str>,
    /// Command age in seconds.
    pub cmd_age: Option<u64>,
    /// Block status text (`I/O`, `recoverable transport`).
    pub blk_status: Option<&'a str>,
    /// Sector or logical block.
    pub sector: Option<u64>,
    /// device-mapper map `major:minor`.
    pub dm_map: Option<&'a str>,
    /// Path device `major:minor`.
    pub path_dev: Option<&'a str>,
    /// multipath map name.
    pub map: Option<&'a str>,
    /// A count (suppressed messages, remaining paths, max cmds).
    pub count: Option<u64>,
    /// Kernel function name.
    pub func: Option<&'a str>,
    /// systemd unit.
    pub unit: Option<&'a str>,
    /// Process exit status.
    pub exit_status: Option<u32>,
    /// Version string.
    pub version: Option<&'a str>,
    /// Transport name or banner.
    pub transport: Option<&'a str>,
    /// iSCSI parameter number (`enum iscsi_param`).
    pub param: Option<u32>,
    /// Initiator name (target-side lines).
    pub initiator: Option<&'a str>,
    /// Device or path state word (`offline`, `down`).
    pub devstate: Option<&'a str>,
    /// A level word (`ERROR`, `INFO`).
    pub level: Option<&'a str>,
    /// A process id in the message.
    pub pid: Option<u32>,
    /// Free text of the message (generic patterns, detail words).
    pub text: Option<&'a str>,
    /// The name of a setting or tree line of iscsiadm's report output, as printed:
    /// `node.session.timeo.replacement_timeout`, `iSCSI Session State`, `Iface Name`.
    pub listing_key: Option<&'a str>,
    /// Its value as printed: `120`, `LOGGED_IN`, `NO CHANGE`, `default`.
    pub listing_value: Option<&'a str>,
}

/// Which field a regex group fills.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldId {
    /// See [`Fields::sid`].
    Sid,
    /// See [`Fields::cid`].
    Cid,
    /// See [`Fields::hctl`].
    Hctl,
    /// See [`Fields::disk`].
    Disk,
    /// See [`Fields::tag`].
    Tag,
    /// See [`Fields::scsi_host`].
    ScsiHost,
    /// See [`Fields::addr`].
    Addr,
    /// See [`Fields::port`].
    Port,
    /// `address:port` (the port after the last colon): fills addr and port.
    AddrPort,
    /// See [`Fields::tpgt`].
    Tpgt,
    /// See [`Fields::target`].
    Target,
    /// See [`Fields::iface`].
    Iface,
    /// See [`Fields::errno`].
    Errno,
    /// A negative return code: fills [`Fields::errno`] with its absolute value.
    Retcode,
    /// See [`Fields::errno_text`].
    ErrnoText,
    /// See [`Fields::kerr`].
    Kerr,
    /// See [`Fields::kerr_text`].
    KerrText,
    /// See [`Fields::state`].
    State,
    /// Login status class (hex).
    LoginClass,
    /// Login status detail (hex).
    LoginDetail,
    /// See [`Fields::login_code`].
    LoginCode,
    /// See [`Fields::iscsiadm`].
    Iscsiadm,
    /// See [`Fields::iscsiadm_text`].
    IscsiadmText,
    /// See [`Fields::attempts`].
    Attempts,
    /// See [`Fields::secs`].
    Secs,
    /// Ping timeout seconds.
    PingTmo,
    /// Recv timeout seconds.
    RecvTmo,
    /// Last rx jiffies.
    LastRx,
    /// Last ping jiffies.
    LastPing,
    /// Now jiffies.
    Now,
    /// See [`Fields::hostbyte`].
    Hostbyte,
    /// See [`Fields::cmd_age`].
    CmdAge,
    /// See [`Fields::blk_status`].
    BlkStatus,
    /// See [`Fields::sector`].
    Sector,
    /// See [`Fields::dm_map`].
    DmMap,
    /// See [`Fields::path_dev`].
    PathDev,
    /// See [`Fields::map`].
    Map,
    /// See [`Fields::count`].
    Count,
    /// See [`Fields::func`].
    Func,
    /// See [`Fields::unit`].
    Unit,
    /// See [`Fields::exit_status`].
    ExitStatus,
    /// See [`Fields::version`].
    Version,
    /// See [`Fields::transport`].
    Transport,
    /// See [`Fields::param`].
    Param,
    /// See [`Fields::initiator`].
    Initiator,
    /// See [`Fields::devstate`].
    Devstate,
    /// See [`Fields::level`].
    Level,
    /// See [`Fields::pid`].
    Pid,
    /// See [`Fields::text`].
    Text,
    /// A SCSI address printed as words, its four numbers in `H:C:T:L` order
    /// (`3 Channel 00 Id 0 Lun: 1` of iscsiadm's `scsi3 Channel 00 Id 0 Lun: 1`): fills
    /// [`Fields::hctl`].
    HctlWords,
    /// See [`Fields::listing_key`].
    ListingKey,
    /// See [`Fields::listing_value`].
    ListingValue,
    /// iscsiadm's words for a connection state (`LOGGED IN`): fills [`Fields::state`] with
    /// the state's number when the words name exactly one state.
    StateLabel,
    /// `login` in `implies`: `02/02`.
    Login,
}

impl FieldId {
    /// The field of a group name (`x` or `x_alt…`), or `None` for an unknown name.
    pub fn from_group(name: &str) -> Option<FieldId> {
        let base = match name.find("_alt") {
            Some(i) => &name[..i],
            None => name,
        };
        use FieldId::*;
        Some(match base {
            "sid" => Sid,
            "cid" => Cid,
            "hctl" => Hctl,
            "disk" => Disk,
            "tag" => Tag,
            "scsi_host" => ScsiHost,
            "addr" => Addr,
            "port" => Port,
            "addr_port" => AddrPort,
            "tpgt" => Tpgt,
            "target" => Target,
            "iface" => Iface,
            "errno" => Errno,
            "retcode" => Retcode,
            "errno_text" => ErrnoText,
            "kerr" => Kerr,
            "kerr_text" => KerrText,
            "state" => State,
            "login_class" => LoginClass,
            "login_detail" => LoginDetail,
            "login_code" => LoginCode,
            "login" => Login,
            "iscsiadm" => Iscsiadm,
            "iscsiadm_text" => IscsiadmText,
            "attempts" => Attempts,
            "secs" => Secs,
            "ping_tmo" => PingTmo,
            "recv_tmo" => RecvTmo,
            "last_rx" => LastRx,
            "last_ping" => LastPing,
            "now" => Now,
            "hostbyte" => Hostbyte,
            "cmd_age" => CmdAge,
            "blk_status" => BlkStatus,
            "sector" => Sector,
            "dm_map" => DmMap,
            "path_dev" => PathDev,
            "map" => Map,
            "count" => Count,
            "func" => Func,
            "unit" => Unit,
            "exit_status" => ExitStatus,
            "version" => Version,
            "transport" => Transport,
            "param" => Param,
            "initiator" => Initiator,
            "devstate" => Devstate,
            "level" => Level,
            "pid" => Pid,
            "text" => Text,
            "hctl_words" => HctlWords,
            "listing_key" => ListingKey,
            "listing_value" => ListingValue,
            "state_label" => StateLabel,
            _ => return None,
        })
    }
}

/// The group-to-field map of one regex, computed once.
#[derive(Clone, Debug, Default)]
pub struct GroupMap(Vec<(usize, FieldId)>);

impl GroupMap {
    /// Maps every named group of `re`. Unknown names are returned as errors (a test checks
    /// that there are none).
    pub fn new(re: &Regex) -> Result<GroupMap, String> {
        let mut v = Vec::new();
        for (i, name) in re.capture_names().enumerate() {
            if let Some(n) = name {
                let id = FieldId::from_group(n).ok_or_else(|| format!("unknown group name {n}"))?;
                v.push((i, id));
            }
        }
        Ok(GroupMap(v))
    }
}

impl<'a> Fields<'a> {
    /// Fills fields from a match of a pattern's regex on `msg`.
    pub fn from_match(map: &GroupMap, locs: &CaptureLocations, msg: &'a str) -> Fields<'a> {
        let mut f = Fields::default();
        for &(i, id) in &map.0 {
            if let Some((s, e)) = locs.get(i) {
                if let Some(v) = msg.get(s..e) {
                    f.set(id, v);
                }
            }
        }
        f.derive();
        f
    }

    /// Fills fields from group spans (as [`spans_of`] records them) on `msg`.
    pub fn from_spans(map: &GroupMap, spans: &[Option<(u32, u32)>], msg: &'a str) -> Fields<'a> {
        let mut f = Fields::default();
        f.fill_from_spans(map, spans, msg);
        f
    }

    /// Like [`Fields::from_spans`], into fields that are all unset (in place: the struct is
    /// large, and this runs once per recognised line).
    pub fn fill_from_spans(&mut self, map: &GroupMap, spans: &[Option<(u32, u32)>], msg: &'a str) {
        for &(i, id) in &map.0 {
            if let Some(Some((s, e))) = spans.get(i) {
                if let Some(v) = msg.get(*s as usize..*e as usize) {
                    self.set(id, v);
                }
            }
        }
        self.derive();
    }

    /// Sets one field from its text; a value that does not parse leaves the field as it was.
    pub fn set(&mut self, id: FieldId, v: &'a str) {
        use FieldId::*;
        let num = || v.parse::<u64>().ok();
        match id {
            Sid => self.sid = v.parse().ok().or(self.sid),
            Cid => self.cid = v.parse().ok().or(self.cid),
            Hctl => self.hctl = self::Hctl::parse(v).or(self.hctl),
            Disk => self.disk = Some(Cow::Borrowed(v)),
            Tag => self.tag = v.parse().ok(),
            ScsiHost => self.scsi_host = v.parse().ok(),
            Addr => self.addr = Some(v),
            Port => self.port = v.parse().ok(),
            AddrPort => match memchr::memrchr(b':', v.as_bytes()).map(|i| (&v[..i], &v[i + 1..])) {
                Some((a, p)) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                    let a = a
                        .strip_prefix('[')
                        .and_then(|a| a.strip_suffix(']'))
                        .unwrap_or(a);
                    self.addr = Some(a);
                    self.port = p.parse().ok();
                }
                _ => self.addr = Some(v),
            },
            Tpgt => self.tpgt = v.parse().ok(),
            Target => self.target = Some(v),
            Iface => self.iface = Some(v),
            Errno => self.errno = v.parse().ok(),
            Retcode => {
                if let Ok(n) = v.parse::<i64>() {
                    if n < 0 && n > -4096 {
                        self.errno = Some(n.unsigned_abs() as u32);
                    }
                }
            }
            ErrnoText => self.errno_text = Some(v),
            Kerr => self.kerr = v.parse().ok(),
            KerrText => self.kerr_text = Some(v),
            State => self.state = v.parse().ok(),
            LoginClass => {
                if let Ok(c) = u8::from_str_radix(v, 16) {
                    self.login = Some((c, self.login.map_or(0, |l| l.1)));
                }
            }
            LoginDetail => {
                if let Ok(d) = u8::from_str_radix(v, 16) {
                    self.login = Some((self.login.map_or(0, |l| l.0), d));
                }
            }
            Login => {
                if let Some((c, d)) = v.split_once('/') {
                    if let (Ok(c), Ok(d)) = (u8::from_str_radix(c, 16), u8::from_str_radix(d, 16)) {
                        self.login = Some((c, d));
                    }
                }
            }
            LoginCode => self.login_code = v.parse().ok(),
            Iscsiadm => self.iscsiadm = v.parse().ok(),
            IscsiadmText => self.iscsiadm_text = Some(v),
            Attempts => self.attempts = v.parse().ok(),
            Secs => self.secs = num(),
            PingTmo => self.ping.get_or_insert_with(Default::default).ping_tmo = num().unwrap_or(0),
            RecvTmo => self.ping.get_or_insert_with(Default::default).recv_tmo = num().unwrap_or(0),
            LastRx => self.ping.get_or_insert_with(Default::default).last_rx = num().unwrap_or(0),
            LastPing => {
                self.ping.get_or_insert_with(Default::default).last_ping = num().unwrap_or(0)
            }
            Now => self.ping.get_or_insert_with(Default::default).now = num().unwrap_or(0),
            Hostbyte => self.hostbyte = Some(v),
            CmdAge => self.cmd_age = num(),
            BlkStatus => self.blk_status = Some(v),
            Sector => self.sector = num(),
            DmMap => self.dm_map = Some(v),
            PathDev => self.path_dev = Some(v),
            Map => self.map = Some(v),
            Count => self.count = num(),
            Func => self.func = Some(v),
            Unit => self.unit = Some(v),
            ExitStatus => self.exit_status = v.parse().ok(),
            Version => self.version = Some(v),
            Transport => self.transport = Some(v),
            Param => self.param = v.parse().ok(),
            Initiator => self.initiator = Some(v),
            Devstate => self.devstate = Some(v),
            Level => self.level = Some(v),
            Pid => self.pid = v.parse().ok(),
            Text => self.text = Some(v),
            HctlWords => {
                let mut n = v
                    .split(|c: char| !c.is_ascii_digit())
                    .filter(|w| !w.is_empty());
                let mut next = || n.next().and_then(|w| w.parse().ok());
                if let (Some(host), Some(channel), Some(target), Some(lun)) =
                    (next(), next(), next(), next())
                {
                    self.hctl = Some(self::Hctl {
                        host,
                        channel,
                        target,
                        lun: u64::from(lun),
                    });
                }
            }
            ListingKey => self.listing_key = Some(v),
            ListingValue => self.listing_value = Some(v),
            StateLabel => {
                if let Some(n) = super::names::conn_state_of_label(v) {
                    self.state = Some(n);
                }
            }
        }
    }

    /// Fields that follow from others: the disk name of a SCSI disk's `major:minor`.
    fn derive(&mut self) {
        if self.disk.is_none() {
            if let Some(dev) = self.path_dev {
                self.disk = sd_name_of_devnum(dev).map(Cow::Owned);
            }
        }
    }

    /// `field=value` pairs in a fixed order, spaces in values shown as `_` (for sample tests
    /// and debugging).
    pub fn pairs(&self) -> Vec<String> {
        let mut v = Vec::new();
        macro_rules! p {
            ($name:literal, $val:expr) => {
                if let Some(x) = $val {
                    v.push(format!("{}={}", $name, x.to_string().replace(' ', "_")));
                }
            };
        }
        p!("sid", self.sid);
        p!("cid", self.cid);
        p!("hctl", self.hctl);
        p!("disk", self.disk.as_deref());
        p!("tag", self.tag);
        p!("scsi_host", self.scsi_host);
        p!("addr", self.addr);
        p!("port", self.port);
        p!("tpgt", self.tpgt);
        p!("target", self.target);
        p!("iface", self.iface);
        p!("errno", self.errno);
        p!(
            "errno_text",
            self.errno_text
                .map(Cow::Borrowed)
                .or_else(|| self.errno.and_then(errno_text))
        );
        p!("kerr", self.kerr);
        p!("kerr_text", self.kerr_text);
        p!("state", self.state);
        p!("login", self.login.map(|(c, d)| format!("{c:02x}/{d:02x}")));
        p!("login_code", self.login_code);
        p!("iscsiadm", self.iscsiadm);
        p!("attempts", self.attempts);
        p!("secs", self.secs);
        p!("hostbyte", self.hostbyte);
        p!("cmd_age", self.cmd_age);
        p!("blk_status", self.blk_status);
        p!("sector", self.sector);
        p!("dm_map", self.dm_map);
        p!("path_dev", self.path_dev);
        p!("map", self.map);
        p!("count", self.count);
        p!("func", self.func);
        p!("unit", self.unit);
        p!("exit_status", self.exit_status);
        p!("version", self.version);
        p!("transport", self.transport);
        p!("param", self.param);
        p!("initiator", self.initiator);
        p!("devstate", self.devstate);
        p!("level", self.level);
        p!("pid", self.pid);
        p!("text", self.text);
        p!("listing_key", self.listing_key);
        p!("listing_value", self.listing_value);
        v
    }
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
