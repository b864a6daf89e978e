//! Background lines that are not iSCSI but look dangerously close to it.
//!
//! Real syslogs are >99% sshd, systemd, cron, mail and kernel chatter. Many of those
//! lines contain words a careless iSCSI matcher would take: `Connection closed`,
//! `New session`, `lost connection`, `session opened`, `link is down`, `not responding`,
//! even `iscsid` (in sudo command lines). A decoder must stay quiet on all of them.

use crate::chatter::{self, C, ChatterHost};
use crate::envelope::{Envelope, HostEnv, Src};
use crate::rng::Rng;
use crate::text::{push_hex, push_ip, push_u64, push_u64_pad};

/// Per-host state the noise needs (daemon pids, counters, names).
#[derive(Debug, Clone)]
pub struct NoiseHost {
    logind_pid: u32,
    chronyd_pid: u32,
    nm_pid: u32,
    multipathd_pid: u32,
    qmgr_pid: u32,
    next_session: u64,
    nic: &'static str,
    mac: [u8; 6],
    my_ip: [u8; 4],
    chatter: ChatterHost,
}

impl NoiseHost {
    /// Draws the per-host constants.
    pub fn new(rng: &mut Rng) -> Self {
        const NICS: [&str; 4] = ["eno1", "ens192", "enp3s0f0", "eth0"];
        let mut mac = [0u8; 6];
        for b in &mut mac {
            *b = rng.below(256) as u8;
        }
        mac[0] &= 0xfe;
        let logind_pid = rng.range(600, 1200) as u32;
        let chronyd_pid = rng.range(600, 1200) as u32;
        let nm_pid = rng.range(600, 1200) as u32;
        let multipathd_pid = rng.range(400, 900) as u32;
        let qmgr_pid = rng.range(1500, 3000) as u32;
        let next_session = rng.range(1, 5000);
        let nic = NICS[rng.below(NICS.len() as u64) as usize];
        let my_ip = [192, 0, 2, rng.range(20, 250) as u8];
        // The chatter mix's host state comes from its own stream, seeded by what was drawn
        // here: the default mix draws exactly what it always did.
        let seed = mac
            .iter()
            .fold(u64::from(logind_pid) << 32 | next_session, |a, &b| {
                a.rotate_left(8) ^ u64::from(b)
            });
        NoiseHost {
            logind_pid,
            chronyd_pid,
            nm_pid,
            multipathd_pid,
            qmgr_pid,
            next_session,
            nic,
            mac,
            my_ip,
            chatter: ChatterHost::new(seed),
        }
    }
}

const USERS: [&str; 7] = [
    "deploy", "alice", "bob", "backup", "ansible", "git", "monitor",
];
const CRON_CMDS: [&str; 5] = [
    "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
    "   cd / && run-parts --report /etc/cron.hourly",
    "/usr/local/bin/backup-db.sh >/dev/null 2>&1",
    "test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }",
    "/usr/lib/sysstat/debian-sa1 1 1",
];
const UNITS: [(&str, &str); 6] = [
    ("apt-daily.service", "Daily apt download activities"),
    ("logrotate.service", "Rotate log files"),
    ("man-db.service", "Daily man-db regeneration"),
    ("sysstat-collect.service", "system activity accounting tool"),
    (
        "fstrim.service",
        "Discard unused blocks on filesystems from /etc/fstab",
    ),
    ("certbot.service", "Certbot"),
];
const SUDO_CMDS: [&str; 5] = [
    "/usr/bin/systemctl status iscsid",
    "/usr/sbin/iscsiadm -m session -P 3",
    "/usr/bin/journalctl -u open-iscsi",
    "/usr/bin/apt-get update",
    "/usr/sbin/multipath -ll",
];

/// Templates, each with a weight; the first `KERNEL_FIRST..` ones are kernel lines.
#[derive(Debug, Clone, Copy)]
enum T {
    SshClosed,
    SshAccepted,
    SshPamOpen,
    SshPamClose,
    SshDisconnect,
    SshDisconnected,
    SshInvalid,
    SshReset,
    LogindNew,
    LogindLoggedOut,
    LogindRemoved,
    SystemdSessionStarted,
    SystemdScopeDone,
    CronCmd,
    CronOpen,
    CronClose,
    PostfixConnect,
    PostfixLost,
    PostfixDisconnect,
    PostfixQmgr,
    SystemdUnitStart,
    SystemdUnitDone,
    Chrony,
    NmState,
    Sudo,
    SudoPam,
    MultipathdCheck,
    // kernel lines
    KAudit,
    KUfw,
    KUsbNew,
    KUsbGone,
    KLinkUp,
    KLinkDown,
    KAddrconf,
    KExt4,
    KSynFlood,
    KNfs,
    KNfsOk,
    KPerf,
    KVeth,
    KConntrack,
    KLocalSd,
}

const WEIGHTS: [(T, u32); 42] = [
    (T::SshClosed, 60),
    (T::SshAccepted, 25),
    (T::SshPamOpen, 25),
    (T::SshPamClose, 25),
    (T::SshDisconnect, 20),
    (T::SshDisconnected, 20),
    (T::SshInvalid, 30),
    (T::SshReset, 20),
    (T::LogindNew, 25),
    (T::LogindLoggedOut, 20),
    (T::LogindRemoved, 20),
    (T::SystemdSessionStarted, 25),
    (T::SystemdScopeDone, 20),
    (T::CronCmd, 40),
    (T::CronOpen, 40),
    (T::CronClose, 40),
    (T::PostfixConnect, 20),
    (T::PostfixLost, 15),
    (T::PostfixDisconnect, 20),
    (T::PostfixQmgr, 10),
    (T::SystemdUnitStart, 10),
    (T::SystemdUnitDone, 10),
    (T::Chrony, 8),
    (T::NmState, 6),
    (T::Sudo, 6),
    (T::SudoPam, 6),
    (T::MultipathdCheck, 4),
    (T::KAudit, 30),
    (T::KUfw, 60),
    (T::KUsbNew, 3),
    (T::KUsbGone, 3),
    (T::KLinkUp, 3),
    (T::KLinkDown, 3),
    (T::KAddrconf, 3),
    (T::KExt4, 4),
    (T::KSynFlood, 3),
    (T::KNfs, 3),
    (T::KNfsOk, 3),
    (T::KPerf, 2),
    (T::KVeth, 10),
    (T::KConntrack, 3),
    (T::KLocalSd, 4),
];

fn is_kernel(t: T) -> bool {
    (t as u32) >= (T::KAudit as u32)
}

/// Which background lines a log gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mix {
    /// A mixed server: sshd, logind, cron, postfix, chronyd, NetworkManager, sudo and kernel
    /// lines (UFW, audit, USB, NICs, EXT4, NFS, docker veths, local disks).
    #[default]
    Default,
    /// Heavy login-session chatter: sshd, pam_unix, systemd-logind and session scopes, cron,
    /// dockerd/containerd logfmt with `connection=... session=...` and `sessionID=...`,
    /// kubelet klog lines (see the `chatter` module). The kernel formats, which have no
    /// userspace lines, get the default mix's kernel lines.
    Chatter,
}

impl Mix {
    /// Every mix, in CLI order.
    pub const ALL: [Mix; 2] = [Mix::Default, Mix::Chatter];

    /// Parses the CLI name (`default`, `chatter`).
    pub fn parse(s: &str) -> Option<Mix> {
        Mix::ALL.into_iter().find(|m| m.name() == s)
    }

    /// The CLI name.
    pub fn name(self) -> &'static str {
        match self {
            Mix::Default => "default",
            Mix::Chatter => "chatter",
        }
    }
}

/// The templates of a mix, each repeated by its weight.
#[derive(Debug)]
enum Table {
    Default(Vec<T>),
    Chatter(Vec<C>),
}

/// Picks and writes noise lines.
#[derive(Debug)]
pub struct Noise {
    table: Table,
}

impl Noise {
    /// A noise source of the default mix; `kernel_only` restricts it to kernel lines (dmesg).
    pub fn new(kernel_only: bool) -> Self {
        Noise::with_mix(kernel_only, Mix::Default)
    }

    /// A noise source of `mix`; `kernel_only` restricts it to kernel lines (dmesg), which
    /// only the default mix has.
    pub fn with_mix(kernel_only: bool, mix: Mix) -> Self {
        let table = if mix == Mix::Chatter && !kernel_only {
            let mut table = Vec::new();
            for &(c, w) in &chatter::WEIGHTS {
                table.extend(std::iter::repeat_n(c, w as usize));
            }
            Table::Chatter(table)
        } else {
            let mut table = Vec::new();
            for &(t, w) in &WEIGHTS {
                if !kernel_only || is_kernel(t) {
                    for _ in 0..w {
                        table.push(t);
                    }
                }
            }
            Table::Default(table)
        };
        Noise { table }
    }

    /// Appends one complete noise line (with newline).
    #[allow(clippy::too_many_arguments)]
    pub fn write(
        &self,
        rng: &mut Rng,
        buf: &mut Vec<u8>,
        env: &mut Envelope,
        t_us: u64,
        host: &HostEnv,
        nh: &mut NoiseHost,
    ) {
        let table = match &self.table {
            Table::Default(table) => table,
            Table::Chatter(table) => {
                let c = *rng.pick(table);
                let login = chatter::pick_login(c, rng, &mut nh.chatter);
                let src = chatter::source(c, rng, &nh.chatter, nh.logind_pid, login);
                env.push_prefix(buf, t_us, host, src);
                chatter::body(c, rng, buf, &mut nh.chatter, t_us, login);
                buf.push(b'\n');
                return;
            }
        };
        let t = *rng.pick(table);
        let src = match t {
            T::SshClosed
            | T::SshAccepted
            | T::SshPamOpen
            | T::SshPamClose
            | T::SshDisconnect
            | T::SshDisconnected
            | T::SshInvalid
            | T::SshReset => Src::Pid("sshd", rng.range(1000, 99_999) as u32),
            T::LogindNew | T::LogindLoggedOut | T::LogindRemoved => {
                Src::Pid("systemd-logind", nh.logind_pid)
            }
            T::SystemdSessionStarted
            | T::SystemdScopeDone
            | T::SystemdUnitStart
            | T::SystemdUnitDone => Src::Pid("systemd", 1),
            T::CronCmd | T::CronOpen | T::CronClose => {
                Src::Pid("CRON", rng.range(1000, 99_999) as u32)
            }
            T::PostfixConnect | T::PostfixLost | T::PostfixDisconnect => {
                Src::Pid("postfix/smtpd", rng.range(1000, 99_999) as u32)
            }
            T::PostfixQmgr => Src::Pid("postfix/qmgr", nh.qmgr_pid),
            T::Chrony => Src::Pid("chronyd", nh.chronyd_pid),
            T::NmState => Src::Pid("NetworkManager", nh.nm_pid),
            T::Sudo | T::SudoPam => Src::NoPid("sudo", rng.range(1000, 99_999) as u32),
            T::MultipathdCheck => Src::Pid("multipathd", nh.multipathd_pid),
            _ => Src::Kernel,
        };
        env.push_prefix(buf, t_us, host, src);
        body(t, rng, buf, nh, t_us);
        buf.push(b'\n');
    }
}

fn ext_ip(rng: &mut Rng, buf: &mut Vec<u8>) {
    let ip = if rng.chance(0.5) {
        [203, 0, 113, rng.range(1, 254) as u8]
    } else {
        [198, 51, 100, rng.range(1, 254) as u8]
    };
    push_ip(buf, ip);
}

fn port(rng: &mut Rng, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b" port ");
    push_u64(buf, rng.range(1024, 65535));
}

fn b64(rng: &mut Rng, buf: &mut Vec<u8>, n: usize) {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut x = rng.next_u64();
    for i in 0..n {
        if i % 10 == 9 {
            x = rng.next_u64();
        }
        buf.push(A[(x & 63) as usize]);
        x >>= 6;
    }
}

fn body(t: T, rng: &mut Rng, b: &mut Vec<u8>, nh: &mut NoiseHost, t_us: u64) {
    let user = *rng.pick(&USERS);
    match t {
        T::SshClosed => {
            b.extend_from_slice(b"Connection closed by ");
            if rng.chance(0.3) {
                b.extend_from_slice(b"authenticating user root ");
            }
            ext_ip(rng, b);
            port(rng, b);
            b.extend_from_slice(b" [preauth]");
        }
        T::SshAccepted => {
            b.extend_from_slice(b"Accepted publickey for ");
            b.extend_from_slice(user.as_bytes());
            b.extend_from_slice(b" from ");
            ext_ip(rng, b);
            port(rng, b);
            b.extend_from_slice(b" ssh2: ED25519 SHA256:");
            b64(rng, b, 43);
        }
        T::SshPamOpen => {
            b.extend_from_slice(b"pam_unix(sshd:session): session opened for user ");
            b.extend_from_slice(user.as_bytes());
            b.extend_from_slice(b"(uid=");
            push_u64(b, 1000 + rng.below(7));
            b.extend_from_slice(b") by (uid=0)");
        }
        T::SshPamClose => {
            b.extend_from_slice(b"pam_unix(sshd:session): session closed for user ");
            b.extend_from_slice(user.as_bytes());
        }
        T::SshDisconnect => {
            b.extend_from_slice(b"Received disconnect from ");
            ext_ip(rng, b);
            port(rng, b);
            b.extend_from_slice(b":11: disconnected by user");
        }
        T::SshDisconnected => {
            b.extend_from_slice(b"Disconnected from user ");
            b.extend_from_slice(user.as_bytes());
            b.push(b' ');
            ext_ip(rng, b);
            port(rng, b);
        }
        T::SshInvalid => {
            b.extend_from_slice(b"Invalid user ");
            b.extend_from_slice(rng.pick(&["admin", "test", "oracle", "ubuntu", "pi"]).as_bytes());
            b.extend_from_slice(b" from ");
            ext_ip(rng, b);
            port(rng, b);
        }
        T::SshReset => {
            b.extend_from_slice(b"Connection reset by ");
            ext_ip(rng, b);
            port(rng, b);
            b.extend_from_slice(b" [preauth]");
        }
        T::LogindNew => {
            nh.next_session += 1;
            b.extend_from_slice(b"New session ");
            push_u64(b, nh.next_session);
            b.extend_from_slice(b" of user ");
            b.extend_from_slice(user.as_bytes());
            b.push(b'.');
        }
        T::LogindLoggedOut => {
            b.extend_from_slice(b"Session ");
            push_u64(b, nh.next_session);
            b.extend_from_slice(b" logged out. Waiting for processes to exit.");
        }
        T::LogindRemoved => {
            b.extend_from_slice(b"Removed session ");
            push_u64(b, nh.next_session.saturating_sub(rng.below(3)));
            b.push(b'.');
        }
        T::SystemdSessionStarted => {
            b.extend_from_slice(b"Started session-");
            push_u64(b, nh.next_session);
            b.extend_from_slice(b".scope - Session ");
            push_u64(b, nh.next_session);
            b.extend_from_slice(b" of User ");
            b.extend_from_slice(user.as_bytes());
            b.push(b'.');
        }
        T::SystemdScopeDone => {
            b.extend_from_slice(b"session-");
            push_u64(b, nh.next_session.saturating_sub(rng.below(3)));
            b.extend_from_slice(b".scope: Deactivated successfully.");
        }
        T::CronCmd => {
            b.extend_from_slice(b"(root) CMD (");
            b.extend_from_slice(rng.pick(&CRON_CMDS).as_bytes());
            b.push(b')');
        }
        T::CronOpen => {
            b.extend_from_slice(b"pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")
        }
        T::CronClose => b.extend_from_slice(b"pam_unix(cron:session): session closed for user root"),
        T::PostfixConnect => {
            b.extend_from_slice(b"connect from unknown[");
            ext_ip(rng, b);
            b.push(b']');
        }
        T::PostfixLost => {
            b.extend_from_slice(b"lost connection after ");
            b.extend_from_slice(rng.pick(&["AUTH", "CONNECT", "EHLO", "DATA"]).as_bytes());
            b.extend_from_slice(b" from unknown[");
            ext_ip(rng, b);
            b.push(b']');
        }
        T::PostfixDisconnect => {
            b.extend_from_slice(b"disconnect from unknown[");
            ext_ip(rng, b);
            b.extend_from_slice(b"] ehlo=1 auth=0/1 commands=1/2");
        }
        T::PostfixQmgr => {
            push_hex(b, rng.next_u64() & 0xff_ffff_ffff, 10);
            b.make_ascii_uppercase_tail(10);
            b.extend_from_slice(b": from=<root@");
            b.extend_from_slice(b"example.com>, size=");
            push_u64(b, rng.range(400, 40_000));
            b.extend_from_slice(b", nrcpt=1 (queue active)");
        }
        T::SystemdUnitStart => {
            let (u, d) = *rng.pick(&UNITS);
            b.extend_from_slice(b"Starting ");
            b.extend_from_slice(u.as_bytes());
            b.extend_from_slice(b" - ");
            b.extend_from_slice(d.as_bytes());
            b.extend_from_slice(b"...");
        }
        T::SystemdUnitDone => {
            let (u, _) = *rng.pick(&UNITS);
            b.extend_from_slice(u.as_bytes());
            b.extend_from_slice(b": Deactivated successfully.");
        }
        T::Chrony => {
            b.extend_from_slice(b"Selected source ");
            push_ip(b, [192, 0, 2, rng.range(120, 127) as u8]);
            b.extend_from_slice(b" (2.debian.pool.ntp.org)");
        }
        T::NmState => {
            b.extend_from_slice(b"<info>  [");
            push_u64(b, t_us / 1_000_000);
            b.push(b'.');
            push_u64_pad(b, t_us / 100 % 10_000, 4, b'0');
            b.extend_from_slice(b"] dhcp4 (");
            b.extend_from_slice(nh.nic.as_bytes());
            b.extend_from_slice(b"): state changed new lease, address=");
            push_ip(b, nh.my_ip);
        }
        T::Sudo => {
            b.extend_from_slice(b"  ");
            b.extend_from_slice(user.as_bytes());
            b.extend_from_slice(b" : TTY=pts/");
            push_u64(b, rng.below(4));
            b.extend_from_slice(b" ; PWD=/home/");
            b.extend_from_slice(user.as_bytes());
            b.extend_from_slice(b" ; USER=root ; COMMAND=");
            b.extend_from_slice(rng.pick(&SUDO_CMDS).as_bytes());
        }
        T::SudoPam => {
            b.extend_from_slice(b"pam_unix(sudo:session): session opened for user root(uid=0) by ");
            b.extend_from_slice(user.as_bytes());
            b.extend_from_slice(b"(uid=1001)");
        }
        T::MultipathdCheck => {
            b.extend_from_slice(b"sda: failed to get udev uid: Invalid argument");
        }
        T::KAudit => {
            b.extend_from_slice(b"audit: type=1400 audit(");
            push_u64(b, t_us / 1_000_000);
            b.push(b'.');
            push_u64_pad(b, t_us / 1000 % 1000, 3, b'0');
            b.push(b':');
            push_u64(b, rng.range(100, 9999));
            b.extend_from_slice(b"): apparmor=\"DENIED\" operation=\"open\" class=\"file\" profile=\"/usr/sbin/chronyd\" name=\"/proc/");
            let pid = rng.range(300, 60_000);
            push_u64(b, pid);
            b.extend_from_slice(b"/status\" pid=");
            push_u64(b, pid);
            b.extend_from_slice(b" comm=\"chronyd\" requested_mask=\"r\" denied_mask=\"r\" fsuid=0 ouid=0");
        }
        T::KUfw => {
            b.extend_from_slice(b"[UFW BLOCK] IN=");
            b.extend_from_slice(nh.nic.as_bytes());
            b.extend_from_slice(b" OUT= MAC=");
            for (i, m) in nh.mac.iter().enumerate() {
                if i > 0 {
                    b.push(b':');
                }
                push_hex(b, u64::from(*m), 2);
            }
            b.extend_from_slice(b":00:1b:21:3a:4c:5d:08:00 SRC=");
            ext_ip(rng, b);
            b.extend_from_slice(b" DST=");
            push_ip(b, nh.my_ip);
            b.extend_from_slice(b" LEN=44 TOS=0x00 PREC=0x00 TTL=");
            push_u64(b, rng.range(40, 250));
            b.extend_from_slice(b" ID=");
            push_u64(b, rng.below(65536));
            b.extend_from_slice(b" PROTO=TCP SPT=");
            push_u64(b, rng.range(1024, 65535));
            b.extend_from_slice(b" DPT=");
            push_u64(b, *rng.pick(&[23u64, 3389, 8080, 5900, 445, 3260]));
            b.extend_from_slice(b" WINDOW=1024 RES=0x00 SYN URGP=0");
        }
        T::KUsbNew => {
            b.extend_from_slice(b"usb 1-");
            push_u64(b, rng.range(1, 4));
            b.extend_from_slice(b": new high-speed USB device number ");
            push_u64(b, rng.range(2, 30));
            b.extend_from_slice(b" using xhci_hcd");
        }
        T::KUsbGone => {
            b.extend_from_slice(b"usb 1-");
            push_u64(b, rng.range(1, 4));
            b.extend_from_slice(b": USB disconnect, device number ");
            push_u64(b, rng.range(2, 30));
        }
        T::KLinkUp => {
            b.extend_from_slice(b"e1000e 0000:00:1f.6 ");
            b.extend_from_slice(nh.nic.as_bytes());
            b.extend_from_slice(b": NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx");
        }
        T::KLinkDown => {
            b.extend_from_slice(b"e1000e 0000:00:1f.6 ");
            b.extend_from_slice(nh.nic.as_bytes());
            b.extend_from_slice(b": NIC Link is Down");
        }
        T::KAddrconf => {
            b.extend_from_slice(b"IPv6: ADDRCONF(NETDEV_CHANGE): ");
            b.extend_from_slice(nh.nic.as_bytes());
            b.extend_from_slice(b": link becomes ready");
        }
        T::KExt4 => {
            b.extend_from_slice(b"EXT4-fs (sda1): ");
            b.extend_from_slice(
                rng.pick(&["re-mounted. Quota mode: none.", "mounted filesystem with ordered data mode. Quota mode: none."])
                    .as_bytes(),
            );
        }
        T::KSynFlood => b.extend_from_slice(
            b"TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.",
        ),
        T::KNfs => b.extend_from_slice(b"nfs: server nfs01 not responding, still trying"),
        T::KNfsOk => b.extend_from_slice(b"nfs: server nfs01 OK"),
        T::KPerf => {
            let n = rng.range(2501, 3000);
            b.extend_from_slice(b"perf: interrupt took too long (");
            push_u64(b, n);
            b.extend_from_slice(b" > 2500), lowering kernel.perf_event_max_sample_rate to ");
            push_u64(b, 100_000 * 2500 / n / 250 * 250);
        }
        T::KVeth => {
            b.extend_from_slice(b"docker0: port ");
            push_u64(b, rng.range(1, 12));
            b.extend_from_slice(b"(veth");
            push_hex(b, rng.next_u64() & 0xfff_ffff, 7);
            b.extend_from_slice(b") entered ");
            b.extend_from_slice(rng.pick(&["blocking", "forwarding", "disabled"]).as_bytes());
            b.extend_from_slice(b" state");
        }
        T::KConntrack => b.extend_from_slice(b"nf_conntrack: nf_conntrack: table full, dropping packet"),
        T::KLocalSd => {
            b.extend_from_slice(b"sd 0:0:0:0: [sda] ");
            b.extend_from_slice(
                rng.pick(&[
                    "Write cache: enabled, read cache: enabled, doesn't support DPO or FUA",
                    "Mode Sense: 00 3a 00 00",
                    "Synchronizing SCSI cache",
                ])
                .as_bytes(),
            );
        }
    }
}

/// Upper-cases the last `n` bytes (postfix queue ids are upper-case hex).
trait UpperTail {
    fn make_ascii_uppercase_tail(&mut self, n: usize);
}

impl UpperTail for Vec<u8> {
    fn make_ascii_uppercase_tail(&mut self, n: usize) {
        let l = self.len();
        self[l.saturating_sub(n)..].make_ascii_uppercase();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Format;

    #[test]
    fn kernel_only_noise_has_only_kernel_lines() {
        let n = Noise::new(true);
        let mut rng = Rng::new(1);
        let host = HostEnv {
            name: "h".into(),
            boot_us: 0,
            kernel_uptime_prefix: false,
        };
        let mut nh = NoiseHost::new(&mut rng);
        let mut env = Envelope::new(Format::Syslog);
        let mut buf = Vec::new();
        for _ in 0..2000 {
            n.write(
                &mut rng,
                &mut buf,
                &mut env,
                1_700_000_000_000_000,
                &host,
                &mut nh,
            );
        }
        let s = String::from_utf8(buf).unwrap();
        assert!(s.lines().all(|l| l.contains(" kernel: ")), "{s}");
    }

    #[test]
    fn noise_never_looks_like_iscsi() {
        let n = Noise::new(false);
        let mut rng = Rng::new(2);
        let host = HostEnv {
            name: "h".into(),
            boot_us: 0,
            kernel_uptime_prefix: false,
        };
        let mut nh = NoiseHost::new(&mut rng);
        let mut env = Envelope::new(Format::Journal);
        let mut buf = Vec::new();
        for _ in 0..20_000 {
            n.write(
                &mut rng,
                &mut buf,
                &mut env,
                1_700_000_000_000_000,
                &host,
                &mut nh,
            );
        }
        let s = String::from_utf8(buf).unwrap();
        for l in s.lines() {
            assert!(
                !l.contains("connection1") && !l.contains(" session1"),
                "{l}"
            );
            assert!(
                !l.contains("iscsid[") && !l.contains("rejecting I/O"),
                "{l}"
            );
        }
    }

    /// `n` lines of `mix` noise in `format`, from `seed`.
    fn lines_of(mix: Mix, format: Format, seed: u64, n: usize) -> String {
        let noise = Noise::with_mix(format.kernel_only(), mix);
        let mut rng = Rng::new(seed);
        let host = HostEnv {
            name: "node01".into(),
            boot_us: 1_699_999_000_000_000,
            kernel_uptime_prefix: false,
        };
        let mut nh = NoiseHost::new(&mut rng);
        let mut env = Envelope::new(format);
        let mut buf = Vec::new();
        let mut t = 1_700_000_000_000_000;
        for _ in 0..n {
            t += rng.range(1, 200_000);
            noise.write(&mut rng, &mut buf, &mut env, t, &host, &mut nh);
        }
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn chatter_is_deterministic_per_seed() {
        let a = lines_of(Mix::Chatter, Format::Syslog, 7, 5000);
        assert_eq!(a, lines_of(Mix::Chatter, Format::Syslog, 7, 5000));
        assert_ne!(a, lines_of(Mix::Chatter, Format::Syslog, 8, 5000));
        assert_ne!(a, lines_of(Mix::Default, Format::Syslog, 7, 5000));
        assert_eq!(Mix::parse("chatter"), Some(Mix::Chatter));
        assert_eq!(Mix::parse("default"), Some(Mix::Default));
        assert_eq!(Mix::parse("x"), None);
    }

    /// `Mar  4 00:02:51 node01 tag[pid]: message`, as rsyslog writes it: the tag and the
    /// message, or None.
    fn syslog_parts(l: &str) -> Option<(&str, &str)> {
        let b = l.as_bytes();
        let month_ok = crate::text::MONTHS.contains(&l.get(0..3)?);
        let day_ok = b.get(3) == Some(&b' ')
            && (b[4] == b' ' || b[4].is_ascii_digit())
            && b[5].is_ascii_digit()
            && b[6] == b' ';
        let time = l.get(7..15)?.as_bytes();
        let time_ok = time.iter().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                *c == b':'
            } else {
                c.is_ascii_digit()
            }
        });
        if !(month_ok && day_ok && time_ok && b.get(15) == Some(&b' ')) {
            return None;
        }
        let rest = l[16..].strip_prefix("node01 ")?;
        let (tag, msg) = rest.split_once(": ")?;
        let name = match tag.split_once('[') {
            Some((name, pid)) => {
                let pid = pid.strip_suffix(']')?;
                (!pid.is_empty() && pid.bytes().all(|c| c.is_ascii_digit())).then_some(name)?
            }
            None => tag,
        };
        let name_ok = !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'/');
        (name_ok && !msg.is_empty() && !msg.ends_with(' ')).then_some((name, msg))
    }

    #[test]
    fn every_chatter_line_parses_as_syslog() {
        const PROGRAMS: [&str; 8] = [
            "sshd",
            "systemd-logind",
            "systemd",
            "CRON",
            "dockerd",
            "containerd",
            "kubelet",
            "kernel",
        ];
        let s = lines_of(Mix::Chatter, Format::Syslog, 3, 20_000);
        let mut per = [0usize; PROGRAMS.len()];
        let mut session_words = 0;
        for l in s.lines() {
            let Some((name, msg)) = syslog_parts(l) else {
                panic!("not a syslog line: {l}");
            };
            let Some(k) = PROGRAMS.iter().position(|p| *p == name) else {
                panic!("unexpected program {name}: {l}");
            };
            per[k] += 1;
            match name {
                "dockerd" | "containerd" => assert!(
                    msg.starts_with("time=\"2023-11-14T")
                        && msg.contains(" level=")
                        && msg.contains(" msg=\""),
                    "{l}"
                ),
                "kubelet" => assert!(
                    (msg.starts_with("I1114 ") || msg.starts_with("E1114 "))
                        && msg.contains(".go:"),
                    "{l}"
                ),
                _ => {}
            }
            let lower = msg.to_ascii_lowercase();
            if lower.contains("session") || lower.contains("connection") {
                session_words += 1;
            }
        }
        // Realistic proportions: sshd and PAM the most, then logind and systemd, cron,
        // the container runtimes and the kubelet; no kernel line.
        let n = s.lines().count();
        assert_eq!(n, 20_000);
        let share = |p: &str| per[PROGRAMS.iter().position(|x| *x == p).unwrap()] as f64 / n as f64;
        assert!((0.25..0.40).contains(&share("sshd")), "{per:?}");
        assert!((0.10..0.22).contains(&share("systemd-logind")), "{per:?}");
        assert!((0.08..0.20).contains(&share("systemd")), "{per:?}");
        assert!((0.08..0.18).contains(&share("CRON")), "{per:?}");
        assert!((0.04..0.12).contains(&share("dockerd")), "{per:?}");
        assert!((0.04..0.12).contains(&share("containerd")), "{per:?}");
        assert!((0.05..0.15).contains(&share("kubelet")), "{per:?}");
        assert_eq!(share("kernel"), 0.0);
        assert!(session_words * 2 > n, "{session_words} of {n}");
    }

    #[test]
    fn chatter_sessions_are_consistent() {
        // A session logind removes was opened before, and is not removed twice.
        let s = lines_of(Mix::Chatter, Format::Syslog, 5, 20_000);
        let mut opened = std::collections::HashSet::new();
        let mut removed = std::collections::HashSet::new();
        let mut first = None;
        for l in s.lines() {
            let msg = syslog_parts(l).unwrap().1;
            if let Some(n) = msg.strip_prefix("New session ") {
                let n: u64 = n.split(' ').next().unwrap().parse().unwrap();
                first.get_or_insert(n);
                opened.insert(n);
            } else if let Some(n) = msg.strip_prefix("Removed session ") {
                let n: u64 = n.trim_end_matches('.').parse().unwrap();
                assert!(removed.insert(n), "removed twice: {l}");
            }
        }
        assert!(opened.len() > 500 && removed.len() > 500);
    }

    #[test]
    fn chatter_never_looks_like_iscsi() {
        for format in [
            Format::Syslog,
            Format::Journal,
            Format::SyslogIso,
            Format::Dmesg,
        ] {
            let s = lines_of(Mix::Chatter, format, 9, 20_000);
            for l in s.lines() {
                let bad = [
                    "iscsi",
                    "iSCSI",
                    "scsi ",
                    "rejecting I/O",
                    "I/O error",
                    "multipath",
                ];
                assert!(!bad.iter().any(|w| l.contains(w)), "{l}");
                for w in ["connection", "session", "Connection", "Session"] {
                    for (i, _) in l.match_indices(w) {
                        let next = l.as_bytes().get(i + w.len());
                        assert!(!next.is_some_and(u8::is_ascii_digit), "{l}");
                    }
                }
            }
            if format.kernel_only() {
                assert!(s.lines().all(|l| !l.contains("sshd")), "dmesg has no sshd");
            }
        }
    }
}
