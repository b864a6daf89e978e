//! Typed fields of a recognised message, filled from the pattern's named groups.
//!
//! A group named `x` or `x_alt...` fills field `x`; numbers are parsed, never trusted
//! (an out-of-range value leaves the field empty). Names for the numbers (error codes,
//! states, login statuses) are looked up when rendering, in `names`.
//!
//! Every field is one row of `field_table!`: its type, the regex group that fills it and
//! how, its NDJSON member, its `field=value` pair and whether the incident engine needs it.
//! The [`Fields`] struct, [`FieldId`], the group names, the assignment from captures and the
//! pairs are generated here from the rows; the NDJSON members in `report::json` and the
//! engine's copies in `fact::Fact`, from the same rows. A new field is one row here and one
//! line in docs/decode.md (`decode/tests/decode_docs.rs` checks it), plus a function of `setters`
//! when its group needs more than parsing, and a renderer in `report::json` when its member
//! is an object.

mod values;

pub use values::{Hctl, PingNumbers, decimal, errno_text, sd_name_of_devnum, spans_of};

use crate::explain::IscsidLoginCode;
use crate::explain::iscsiadm::IscsiadmError;
use crate::tables::iscsi_if::{IscsiConnState, IscsiErr, IscsiParam};
use crate::tables::iscsi_proto::LoginStatus;
use regex::Regex;
use std::borrow::Cow;

/// The field registry. Calls `$cb! { fields { rows } groups { rows } }`; each consumer
/// defines `$cb` to take the columns it needs.
///
/// A `fields` row is one field of [`Fields`]:
///
/// ```text
/// /// rustdoc
/// name: Type = FieldId "group" how, json KIND [renderer] ["member"], pair KIND [printer];
/// ```
///
/// - `= FieldId "group" how` (absent for a field only `groups` rows fill): the group that
///   fills the field and how: `parse` (`str::parse`, empty when it does not parse), `keep`
///   (the same, keeping an earlier value when it does not parse), `code` or `code_u8` (a
///   `u32` or `u8` into the tables' type of the code), `text`, `cow`, `hctl` (`H:C:T:L`, keeping an earlier
///   value), or a function of `setters`.
/// - `json`: the NDJSON member, in the order the members are written: `int "m"`,
///   `str "m"`, `with renderer "m"` (a function of `report::json` writing member `m`, and
///   the members of the fields after it marked `skip`), or `skip`.
/// - `pair`: `show` (`name=value`), `code` (the number of a code), `with printer` (a
///   function here giving the value), or `skip`.
/// - `fact Type` (optional): the incident engine needs the field; [`super::fact::Fact`]
///   gets a member of that type, converted with `From` (a copy, for the field's own type).
///
/// A `groups` row is a regex group that fills other fields (`FieldId "group" => setter;`).
macro_rules! field_table {
    ($cb:ident) => {
        $cb! {
            fields {
                /// Session id (`-1` while the first login has not created the kernel session).
                sid: Option<i64> = Sid "sid" keep, json int "sid", pair show, fact Option<i64>;
                /// Connection id.
                cid: Option<u32> = Cid "cid" keep, json int "cid", pair show, fact Option<u32>;
                /// SCSI address.
                hctl: Option<Hctl> = Hctl "hctl" hctl, json with hctl "hctl", pair show,
                    fact Option<Hctl>;
                /// Block device name (`sdb`), given or derived from a `major:minor`.
                disk: Option<Cow<'a, str>> = Disk "disk" cow, json str "disk", pair show;
                /// SCSI command tag.
                tag: Option<u32> = Tag "tag" parse, json skip, pair show;
                /// SCSI host number (`scsi hostN`).
                scsi_host: Option<u32> = ScsiHost "scsi_host" parse, json int "scsi_host",
                    pair show, fact Option<u32>;
                /// Portal address (IPv4, IPv6 or name).
                addr: Option<&'a str> = Addr "addr" text, json with portal "portal", pair show;
                /// Portal port.
                port: Option<u16> = Port "port" parse, json skip, pair show, fact Option<u16>;
                /// Target portal group tag.
                tpgt: Option<i64> = Tpgt "tpgt" parse, json skip, pair show;
                /// Target name (IQN).
                target: Option<&'a str> = Target "target" text, json str "target", pair show;
                /// open-iscsi iface name.
                iface: Option<&'a str> = Iface "iface" text, json str "iface", pair show;
                /// An errno number (positive).
                errno: Option<u32> = Errno "errno" parse, json with errno "errno", pair show,
                    fact Option<u32>;
                /// An errno text as logged (`No route to host`).
                errno_text: Option<&'a str> = ErrnoText "errno_text" text, json skip,
                    pair with errno_words;
                /// Kernel `enum iscsi_err` value (a connection error code).
                kerr: Option<IscsiErr> = Kerr "kerr" code, json with kernel_error "error",
                    pair code, fact Option<IscsiErr>;
                /// The error text iscsid logged with it.
                kerr_text: Option<&'a str> = KerrText "kerr_text" text, json skip, pair show;
                /// iscsid's connection state number (`enum iscsi_conn_state`).
                state: Option<IscsiConnState> = State "state" code, json with conn_state "state",
                    pair code, fact Option<IscsiConnState>;
                /// Login response status class and detail.
                login: Option<LoginStatus> = Login "login" login, json with login "login",
                    pair with login_status, fact Option<LoginStatus>;
                /// iscsid's internal login result code (`Login error (Login status N)`).
                login_code: Option<IscsidLoginCode> = LoginCode "login_code" code, json skip,
                    pair code, fact Option<IscsidLoginCode>;
                /// iscsiadm error code / exit status.
                iscsiadm: Option<IscsiadmError> = Iscsiadm "iscsiadm" code_u8,
                    json with iscsiadm "iscsiadm", pair code, fact Option<IscsiadmError>;
                /// The text iscsiadm logged for it.
                iscsiadm_text: Option<&'a str> = IscsiadmText "iscsiadm_text" text, json skip,
                    pair skip;
                /// The ping-timeout numbers (after the event's `timing`, worked out from them).
                ping: Option<PingNumbers>, json with ping "ping", pair skip;
                /// Attempts or retries.
                attempts: Option<u32> = Attempts "attempts" parse, json int "attempts",
                    pair show, fact Option<u32>;
                /// A duration in seconds (recovery timeout, waited, logout within...).
                secs: Option<u64> = Secs "secs" parse, json int "secs", pair show, fact Option<u64>;
                /// SCSI host byte (`DID_TRANSPORT_DISRUPTED`).
                hostbyte: Option<&'a str> = Hostbyte "hostbyte" text, json str "hostbyte",
                    pair show;
                /// Command age in seconds.
                cmd_age: Option<u64> = CmdAge "cmd_age" parse, json int "cmd_age_s", pair show;
                /// Block status text (`I/O`, `recoverable transport`).
                blk_status: Option<&'a str> = BlkStatus "blk_status" text,
                    json str "blk_status", pair show;
                /// Sector or logical block.
                sector: Option<u64> = Sector "sector" parse, json int "sector", pair show;
                /// device-mapper map `major:minor`.
                dm_map: Option<&'a str> = DmMap "dm_map" text, json str "dm_map", pair show;
                /// Path device `major:minor`.
                path_dev: Option<&'a str> = PathDev "path_dev" text, json str "path_dev",
                    pair show;
                /// multipath map name.
                map: Option<&'a str> = Map "map" text, json str "multipath_map", pair show;
                /// A count (suppressed messages, remaining paths, max cmds).
                count: Option<u64> = Count "count" parse, json int "count", pair show,
                    fact Option<u64>;
                /// Kernel function name.
                func: Option<&'a str> = Func "func" text, json str "function", pair show;
                /// systemd unit.
                unit: Option<&'a str> = Unit "unit" text, json str "unit", pair show;
                /// Process exit status.
                exit_status: Option<u32> = ExitStatus "exit_status" parse,
                    json int "exit_status", pair show, fact Option<u32>;
                /// Version string.
                version: Option<&'a str> = Version "version" text, json str "version",
                    pair show;
                /// Transport name or banner.
                transport: Option<&'a str> = Transport "transport" text, json str "transport",
                    pair show;
                /// iSCSI parameter number (`enum iscsi_param`).
                param: Option<IscsiParam> = Param "param" code, json with param "param", pair code;
                /// Initiator name (target-side lines).
                initiator: Option<&'a str> = Initiator "initiator" text, json str "initiator",
                    pair show;
                /// Device or path state word (`offline`, `down`).
                devstate: Option<&'a str> = Devstate "devstate" text, json str "device_state",
                    pair show;
                /// A level word (`ERROR`, `INFO`).
                level: Option<&'a str> = Level "level" text, json str "level", pair show;
                /// A process id in the message.
                pid: Option<u32> = Pid "pid" parse, json skip, pair show;
                /// Free text of the message (generic patterns, detail words).
                text: Option<&'a str> = Text "text" text, json str "text", pair show;
                /// The name of a setting or tree line of iscsiadm's report output, as printed:
                /// `node.session.timeo.replacement_timeout`, `iSCSI Session State`, `Iface Name`.
                listing_key: Option<&'a str> = ListingKey "listing_key" text,
                    json with listing "listing", pair show;
                /// Its value as printed: `120`, `LOGGED_IN`, `NO CHANGE`, `default`.
                listing_value: Option<&'a str> = ListingValue "listing_value" text, json skip,
                    pair show;
            }
            groups {
                /// `address:port` (the port after the last colon): fills addr and port.
                AddrPort "addr_port" => addr_port;
                /// A negative return code: fills [`Fields::errno`] with its absolute value.
                Retcode "retcode" => retcode;
                /// Login status class (hex).
                LoginClass "login_class" => login_class;
                /// Login status detail (hex).
                LoginDetail "login_detail" => login_detail;
                /// Ping timeout seconds.
                PingTmo "ping_tmo" => ping_tmo;
                /// Recv timeout seconds.
                RecvTmo "recv_tmo" => recv_tmo;
                /// Last rx jiffies.
                LastRx "last_rx" => last_rx;
                /// Last ping jiffies.
                LastPing "last_ping" => last_ping;
                /// Now jiffies.
                Now "now" => now;
                /// A SCSI address printed as words, its four numbers in `H:C:T:L` order
                /// (`3 Channel 00 Id 0 Lun: 1` of iscsiadm's `scsi3 Channel 00 Id 0 Lun: 1`):
                /// fills [`Fields::hctl`].
                HctlWords "hctl_words" => hctl_words;
                /// iscsiadm's words for a connection state (`LOGGED IN`): fills
                /// [`Fields::state`] with the state's number when the words name exactly one
                /// state.
                StateLabel "state_label" => state_label;
            }
        }
    };
}
pub(crate) use field_table;

/// Assigns a field from its group's text, as the row's `how` says.
macro_rules! set_field {
    (parse, $f:ident . $n:ident, $v:ident) => {
        $f.$n = $v.parse().ok()
    };
    (keep, $f:ident . $n:ident, $v:ident) => {
        $f.$n = $v.parse().ok().or($f.$n)
    };
    (text, $f:ident . $n:ident, $v:ident) => {
        $f.$n = Some($v)
    };
    (cow, $f:ident . $n:ident, $v:ident) => {
        $f.$n = Some(Cow::Borrowed($v))
    };
    (code, $f:ident . $n:ident, $v:ident) => {
        $f.$n = $v.parse::<u32>().ok().map(Into::into)
    };
    (code_u8, $f:ident . $n:ident, $v:ident) => {
        $f.$n = $v.parse::<u8>().ok().map(Into::into)
    };
    (hctl, $f:ident . $n:ident, $v:ident) => {
        $f.$n = Hctl::parse($v).or($f.$n)
    };
    ($setter:ident, $f:ident . $n:ident, $v:ident) => {
        setters::$setter($f, $v)
    };
}

/// Pushes `name=value` of a field, as the row's `pair` column says.
macro_rules! push_pair {
    ($out:ident, $f:ident . $n:ident, show) => {
        push_pair!(@ $out, $n, $f.$n.as_ref())
    };
    ($out:ident, $f:ident . $n:ident, with $printer:ident) => {
        push_pair!(@ $out, $n, $printer($f))
    };
    ($out:ident, $f:ident . $n:ident, code) => {
        push_pair!(@ $out, $n, $f.$n.map(|c| c.0))
    };
    ($out:ident, $f:ident . $n:ident, skip) => {};
    (@ $out:ident, $n:ident, $val:expr) => {
        if let Some(x) = $val {
            $out.push(format!(
                "{}={}",
                stringify!($n),
                x.to_string().replace(' ', "_")
            ));
        }
    };
}

/// Generates [`Fields`], [`FieldId`] and their methods from the rows of [`field_table!`].
macro_rules! define_fields {
    (
        fields { $(
            $(#[doc = $doc:literal])*
            $name:ident : $ty:ty $(= $id:ident $group:literal $how:ident)?,
            json $jk:ident $($jr:ident)? $($jn:literal)?,
            pair $pk:ident $($pp:ident)? $(, fact $fty:ty)?;
        )* }
        groups { $(
            $(#[doc = $gdoc:literal])*
            $gid:ident $gname:literal => $gset:ident;
        )* }
    ) => {
        /// The fields a pattern extracted. Every field is optional.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct Fields<'a> {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        /// Which field a regex group fills.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum FieldId {
            $($(
                #[doc = concat!("See [`Fields::", stringify!($name), "`].")]
                $id,
            )?)*
            $( $(#[doc = $gdoc])* $gid, )*
        }

        impl FieldId {
            /// The field of a group name (`x` or `x_alt…`), or `None` for an unknown name.
            pub fn from_group(name: &str) -> Option<FieldId> {
                let base = match name.find("_alt") {
                    Some(i) => &name[..i],
                    None => name,
                };
                Some(match base {
                    $($( $group => FieldId::$id, )?)*
                    $( $gname => FieldId::$gid, )*
                    _ => return None,
                })
            }
        }

        /// The NDJSON members the fields are written as (top level), in their order.
        pub const JSON_MEMBERS: &[&str] = &[$($($jn,)?)*];

        impl<'a> Fields<'a> {
            /// Sets one field from its text; a value that does not parse leaves the field
            /// empty (or, for ids and addresses, as it was).
            pub fn set(&mut self, id: FieldId, v: &'a str) {
                let f = self;
                match id {
                    $($( FieldId::$id => set_field!($how, f.$name, v), )?)*
                    $( FieldId::$gid => setters::$gset(f, v), )*
                }
            }

            /// `field=value` pairs in a fixed order, spaces in values shown as `_` (for
            /// sample tests and debugging).
            pub fn pairs(&self) -> Vec<String> {
                let f = self;
                let mut out = Vec::new();
                $( push_pair!(out, f.$name, $pk $($pp)?); )*
                out
            }
        }
    };
}

field_table!(define_fields);

/// The errno text as logged, or the C library's words for the errno number.
fn errno_words<'f>(f: &'f Fields<'_>) -> Option<Cow<'f, str>> {
    f.errno_text
        .map(Cow::Borrowed)
        .or_else(|| f.errno.and_then(errno_text))
}

/// The login status as `cc/dd` (hex).
fn login_status(f: &Fields<'_>) -> Option<String> {
    f.login
        .map(|l| format!("{:02x}/{:02x}", l.class(), l.detail()))
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
    /// Fills fields from group spans (as [`spans_of`] records them) on `msg`, into fields
    /// that are all unset (in place: the struct is
    /// large, and this runs once per recognised line).
    pub(crate) fn fill_from_spans(
        &mut self,
        map: &GroupMap,
        spans: &[Option<(u32, u32)>],
        msg: &'a str,
    ) {
        for &(i, id) in &map.0 {
            if let Some(Some((s, e))) = spans.get(i) {
                if let Some(v) = msg.get(*s as usize..*e as usize) {
                    self.set(id, v);
                }
            }
        }
        self.derive();
    }

    /// Fields that follow from others: the disk name of a SCSI disk's `major:minor`.
    fn derive(&mut self) {
        if self.disk.is_none() {
            if let Some(dev) = self.path_dev {
                self.disk = sd_name_of_devnum(dev).map(Cow::Owned);
            }
        }
    }
}

/// The assignments of the groups that do more than parse one field (the `groups` rows of
/// the field registry, and the `login` field). A value that does not parse changes nothing.
mod setters {
    use super::{Fields, Hctl, LoginStatus, PingNumbers};

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
            f.login = Some(LoginStatus::from_parts(
                c,
                f.login.map_or(0, LoginStatus::detail),
            ));
        }
    }

    /// The login status detail, in hex.
    pub(super) fn login_detail(f: &mut Fields<'_>, v: &str) {
        if let Ok(d) = u8::from_str_radix(v, 16) {
            f.login = Some(LoginStatus::from_parts(
                f.login.map_or(0, LoginStatus::class),
                d,
            ));
        }
    }

    /// The login status as `class/detail` in hex (`02/02`, as `implies` writes it).
    pub(super) fn login(f: &mut Fields<'_>, v: &str) {
        if let Some((c, d)) = v.split_once('/') {
            if let (Ok(c), Ok(d)) = (u8::from_str_radix(c, 16), u8::from_str_radix(d, 16)) {
                f.login = Some(LoginStatus::from_parts(c, d));
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
        if let (Some(host), Some(channel), Some(target), Some(lun)) =
            (next(), next(), next(), next())
        {
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
}
