//! Scheduled iSCSI-stack lines and how each one is written.
//!
//! Every incident is planned as a list of timed events; the main loop pops them in time
//! order between noise lines. One event writes at most one line. Events whose source the
//! format cannot show (iscsid in dmesg) or that are not iSCSI lines (in `--only-iscsi`) write
//! nothing but still take effect, so the world stays the same whatever the format.

use crate::envelope::{Envelope, Src};
use crate::rng::Rng;
use crate::text::{push_disk, push_hex, push_ip, push_u64};
use crate::world::{KernelStyle, World, disk_devnum};
use std::cmp::Ordering;

/// No incident / login-failure record.
pub const NONE: u32 = u32::MAX;

/// Why a relogin `connect()` failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// EHOSTUNREACH: the path is down.
    NoRoute,
    /// ECONNREFUSED: the target host is up but its iSCSI service is not.
    Refused,
}

/// What an event writes or does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Kernel ` connectionN:0: ping timeout of ...` (jitters in jiffies).
    PingTimeout {
        /// Jiffies between last rx + recv timeout and the ping.
        rx_jit: u32,
        /// Jiffies between ping + ping timeout and the timer firing.
        ping_jit: u32,
    },
    /// Kernel ` connectionN:0: detected conn error (code)`.
    ConnError(u16),
    /// iscsid `Kernel reported iSCSI connection N:0 error (code - text) state (3)`.
    KernelReported(u16),
    /// iscsid `connect to ip:3260 failed (reason)`.
    ConnectFailed(Reason),
    /// iscsid `connectionN:0 is operational after recovery (K attempts)`.
    Recovered(u32),
    /// Kernel ` sessionN: session recovery timed out after S secs`.
    TimedOut(u32),
    /// Kernel `sd H:0:0:L: rejecting I/O to offline device`.
    Rejecting,
    /// Kernel block-layer error; `transport` = `recoverable transport error` (FAILFAST).
    IoError {
        /// Sector.
        sector: u64,
        /// WRITE rather than READ.
        write: bool,
        /// BLK_STS_TRANSPORT rather than BLK_STS_IOERR.
        transport: bool,
    },
    /// Kernel `Buffer I/O error on dev sdX1, logical block N, lost async page write`.
    BufferIo(u64),
    /// Kernel `<func>: N callbacks suppressed`.
    Suppressed(u32),
    /// Kernel `sd ...: [sdX] tag#T FAILED Result: hostbyte=... cmd_age=Ns`.
    FailedResult {
        /// Tag.
        tag: u32,
        /// Seconds.
        age: u32,
    },
    /// Kernel `sd ...: [sdX] tag#T CDB: Write(10) ...`.
    Cdb {
        /// Tag.
        tag: u32,
        /// Sector.
        sector: u64,
    },
    /// Kernel `device-mapper: multipath: 253:N: Failing path M:m.`
    MpathFail,
    /// Kernel `device-mapper: multipath: 253:N: Reinstating path M:m.`
    MpathReinstate,
    /// multipathd `sdX: mark as failed`.
    MpathdFailed,
    /// multipathd `mpathX: remaining active paths: N`.
    MpathdRemaining(u32),
    /// multipathd `M:m: reinstated`.
    MpathdReinstated,
    /// iscsiadm `Logging in to [iface: default, target: ..., portal: ...,3260]` (pid).
    LoggingIn(u32),
    /// Action: create a session on the path and schedule its login lines (iscsiadm pid).
    LoginSeq(u32),
    /// Action: one failing iscsiadm login on the path (pid, error code, delay before failing in ms).
    LoginFailSeq(u32, u8, u32),
    /// Kernel `scsi hostN: iSCSI Initiator over TCP/IP`.
    HostBanner,
    /// Kernel `scsi H:0:0:L: Direct-Access ...`.
    ScsiAttach,
    /// Kernel `sd H:0:0:L: [sdX] Attached SCSI disk`.
    SdAttached,
    /// iscsid `ConnectionN:0 to [target: ..., portal: ...] through [iface: default] is operational now`.
    OperationalNow,
    /// iscsiadm `Login to [...] successful.` (pid); marks the session up.
    LoginOk(u32),
    /// iscsiadm `Logging out of session [sid: N, ...]` (pid).
    LogoutStart(u32),
    /// iscsid `ConnectionN:0 to [...] is shutdown.`
    LogoutShutdown,
    /// iscsiadm `Logout of [sid: N, ...] successful.` (pid); frees the path.
    LogoutDone(u32),
    /// iscsiadm `Could not login to [iface: default, target: ..., portal: ...,3260].` (pid).
    LoginFail(u32),
    /// iscsiadm `initiator reported error (N - text)` (pid, code).
    LoginFailErr(u32, u8),
    /// Action: the session recovered unseen (dmesg) and is later replaced by a new login.
    Replace,
    /// Action: consider starting an incident (`--only-iscsi` pacing).
    Spawn,
}

/// One scheduled event.
#[derive(Debug, Clone, Copy)]
pub struct Ev {
    /// Wall time, microseconds since the Unix epoch.
    pub t: u64,
    /// Tie-breaker: scheduling order.
    pub seq: u64,
    /// What to do.
    pub kind: Kind,
    /// Session index (or [`NONE`]).
    pub sess: u32,
    /// Path index.
    pub path: u32,
    /// Incident or login-failure record index (or [`NONE`]).
    pub rec: u32,
}

impl PartialEq for Ev {
    fn eq(&self, o: &Self) -> bool {
        (self.t, self.seq) == (o.t, o.seq)
    }
}
impl Eq for Ev {}
impl PartialOrd for Ev {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ev {
    /// Reversed, so that `BinaryHeap` pops the earliest event first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.t, o.seq).cmp(&(self.t, self.seq))
    }
}

/// Kernel `iscsi_err` name and iscsid's text for it.
pub fn kernel_err(code: u16) -> (&'static str, &'static str) {
    match code {
        1011 => ("ISCSI_ERR_CONN_FAILED", "iSCSI connection failed"),
        1019 => (
            "ISCSI_ERR_XMIT_FAILED",
            "Transmission of iSCSI packet failed",
        ),
        1020 => ("ISCSI_ERR_TCP_CONN_CLOSE", "TCP connection closed"),
        1021 => (
            "ISCSI_ERR_SCSI_EH_SESSION_RST",
            "Session was dropped as a result of SCSI error recovery",
        ),
        1022 => ("ISCSI_ERR_NOP_TIMEDOUT", "A NOP has timed out"),
        _ => ("", ""),
    }
}

/// iscsiadm error text (iscsiadm_errors.tsv).
pub fn iscsiadm_err(code: u8) -> &'static str {
    match code {
        5 => "encountered iSCSI login failure",
        8 => "connection timed out",
        11 => "iSCSI PDU timed out",
        19 => "encountered non-retryable iSCSI login failure",
        24 => "iSCSI login failed due to authorization failure",
        _ => "unknown error",
    }
}

impl Kind {
    /// True when the line comes from a userspace daemon (absent from dmesg).
    pub fn is_userspace(self) -> bool {
        matches!(
            self,
            Kind::KernelReported(_)
                | Kind::ConnectFailed(_)
                | Kind::Recovered(_)
                | Kind::MpathdFailed
                | Kind::MpathdRemaining(_)
                | Kind::MpathdReinstated
                | Kind::LoggingIn(_)
                | Kind::OperationalNow
                | Kind::LoginOk(_)
                | Kind::LogoutStart(_)
                | Kind::LogoutShutdown
                | Kind::LogoutDone(_)
                | Kind::LoginFail(_)
                | Kind::LoginFailErr(..)
        )
    }

    /// True when the event writes no line at all.
    pub fn is_action(self) -> bool {
        matches!(
            self,
            Kind::LoginSeq(_) | Kind::LoginFailSeq(..) | Kind::Replace | Kind::Spawn
        )
    }

    /// True for lines that are not in the iSCSI message catalog (left out by `--only-iscsi`).
    pub fn is_peripheral(self) -> bool {
        matches!(
            self,
            Kind::ScsiAttach
                | Kind::SdAttached
                | Kind::MpathdFailed
                | Kind::MpathdRemaining(_)
                | Kind::MpathdReinstated
        )
    }
}

fn target_portal(b: &mut Vec<u8>, w: &World, path: u32, with_iface_first: bool) {
    let p = &w.paths[path as usize];
    if with_iface_first {
        b.extend_from_slice(b"[iface: default, target: ");
    } else {
        b.extend_from_slice(b"[target: ");
    }
    b.extend_from_slice(p.target.as_bytes());
    b.extend_from_slice(b", portal: ");
    push_ip(b, p.portal);
    b.extend_from_slice(b",3260]");
}

fn hctl(b: &mut Vec<u8>, w: &World, sess: u32, driver: &[u8]) {
    let s = &w.sessions[sess as usize];
    b.extend_from_slice(driver);
    b.push(b' ');
    push_u64(b, u64::from(s.scsi_host));
    b.extend_from_slice(b":0:0:");
    push_u64(b, u64::from(w.paths[s.path as usize].lun));
    b.extend_from_slice(b": ");
}

fn devnum(b: &mut Vec<u8>, d: u32) {
    let (ma, mi) = disk_devnum(d);
    push_u64(b, u64::from(ma));
    b.push(b':');
    push_u64(b, u64::from(mi));
}

/// Writes the line for `ev` (prefix, message, newline). Returns false, writing nothing, when
/// the event has no line in this output.
pub fn render(
    ev: &Ev,
    w: &World,
    rng: &mut Rng,
    env: &mut Envelope,
    only_iscsi: bool,
    b: &mut Vec<u8>,
) -> bool {
    let k = ev.kind;
    if k.is_action()
        || (k.is_userspace() && env.format().kernel_only())
        || (only_iscsi && k.is_peripheral())
    {
        return false;
    }
    let path = &w.paths[ev.path as usize];
    let hi = path.host as usize;
    let h = &w.hosts[hi];
    let sess = (ev.sess != NONE).then(|| &w.sessions[ev.sess as usize]);
    let sid = sess.map_or(0, |s| u64::from(s.sid));
    let disk = sess.map_or(0, |s| s.disk);
    let src = match k {
        Kind::KernelReported(_)
        | Kind::ConnectFailed(_)
        | Kind::Recovered(_)
        | Kind::OperationalNow
        | Kind::LogoutShutdown => {
            if h.iscsid_foreground {
                Src::Pid("iscsid", h.iscsid_pid)
            } else {
                Src::NoPid("iscsid", h.iscsid_pid)
            }
        }
        Kind::LoggingIn(pid)
        | Kind::LoginOk(pid)
        | Kind::LogoutStart(pid)
        | Kind::LogoutDone(pid)
        | Kind::LoginFail(pid)
        | Kind::LoginFailErr(pid, _) => Src::Pid("iscsiadm", pid),
        Kind::MpathdFailed | Kind::MpathdRemaining(_) | Kind::MpathdReinstated => {
            Src::Pid("multipathd", h.multipathd_pid)
        }
        _ => Src::Kernel,
    };
    env.push_prefix(b, ev.t, &h.env, src);
    // iscsid -f sends err/warn to stderr as "iscsid: msg"; iscsiadm always does for err.
    let iscsid_pfx = h.iscsid_foreground;
    match k {
        Kind::PingTimeout { rx_jit, ping_jit } => {
            let now = w.jiffies(hi, ev.t);
            let hz = u64::from(h.hz);
            let last_ping = now - u64::from(h.ping_tmo) * hz - u64::from(ping_jit);
            let last_rx = last_ping - u64::from(h.recv_tmo) * hz - u64::from(rx_jit);
            b.extend_from_slice(b" connection");
            push_u64(b, sid);
            b.extend_from_slice(b":0: ping timeout of ");
            push_u64(b, u64::from(h.ping_tmo));
            b.extend_from_slice(b" secs expired, recv timeout ");
            push_u64(b, u64::from(h.recv_tmo));
            b.extend_from_slice(b", last rx ");
            push_u64(b, last_rx);
            b.extend_from_slice(b", last ping ");
            push_u64(b, last_ping);
            b.extend_from_slice(b", now ");
            push_u64(b, now);
        }
        Kind::ConnError(code) => {
            b.extend_from_slice(b" connection");
            push_u64(b, sid);
            b.extend_from_slice(b":0: detected conn error (");
            push_u64(b, u64::from(code));
            b.push(b')');
        }
        Kind::KernelReported(code) => {
            if iscsid_pfx {
                b.extend_from_slice(b"iscsid: ");
            }
            b.extend_from_slice(b"Kernel reported iSCSI connection ");
            push_u64(b, sid);
            b.extend_from_slice(b":0 error (");
            push_u64(b, u64::from(code));
            b.extend_from_slice(b" - ");
            let (name, text) = kernel_err(code);
            if h.old_iscsid && code == 1022 || name.is_empty() {
                b.extend_from_slice(b"Invalid or unknown error code");
            } else {
                b.extend_from_slice(name.as_bytes());
                b.extend_from_slice(b": ");
                b.extend_from_slice(text.as_bytes());
            }
            b.extend_from_slice(b") state (3)");
        }
        Kind::ConnectFailed(reason) => {
            if iscsid_pfx {
                b.extend_from_slice(b"iscsid: ");
            }
            b.extend_from_slice(b"connect to ");
            push_ip(b, path.portal);
            b.extend_from_slice(b":3260 failed (");
            b.extend_from_slice(match reason {
                Reason::NoRoute => b"No route to host",
                Reason::Refused => b"Connection refused",
            });
            b.push(b')');
        }
        Kind::Recovered(n) => {
            if iscsid_pfx {
                b.extend_from_slice(b"iscsid: ");
            }
            b.extend_from_slice(b"connection");
            push_u64(b, sid);
            b.extend_from_slice(b":0 is operational after recovery (");
            push_u64(b, u64::from(n));
            b.extend_from_slice(b" attempts)");
        }
        Kind::TimedOut(secs) => {
            b.extend_from_slice(b" session");
            push_u64(b, sid);
            b.extend_from_slice(b": session recovery timed out after ");
            push_u64(b, u64::from(secs));
            b.extend_from_slice(b" secs");
        }
        Kind::Rejecting => {
            hctl(b, w, ev.sess, b"sd");
            b.extend_from_slice(b"rejecting I/O to offline device");
        }
        Kind::IoError {
            sector,
            write,
            transport,
        } => {
            if h.style == KernelStyle::Older {
                b.extend_from_slice(b"blk_update_request: ");
            }
            b.extend_from_slice(if transport {
                b"recoverable transport"
            } else {
                b"I/O"
            });
            b.extend_from_slice(b" error, dev ");
            push_disk(b, disk);
            b.extend_from_slice(b", sector ");
            push_u64(b, sector);
            b.extend_from_slice(if write {
                b" op 0x1:(WRITE) flags "
            } else {
                b" op 0x0:(READ) flags "
            });
            b.extend_from_slice(if write { b"0x800" } else { b"0x0" });
            b.extend_from_slice(b" phys_seg ");
            push_u64(b, 1 + rng.below(4) * rng.below(8));
            b.extend_from_slice(b" prio class ");
            b.push(if h.style == KernelStyle::Older {
                b'0'
            } else {
                b'2'
            });
        }
        Kind::BufferIo(block) => {
            b.extend_from_slice(b"Buffer I/O error on dev ");
            push_disk(b, disk);
            b.extend_from_slice(b"1, logical block ");
            push_u64(b, block);
            b.extend_from_slice(b", lost async page write");
        }
        Kind::Suppressed(n) => {
            b.extend_from_slice(if h.style == KernelStyle::Older {
                b"print_req_error: "
            } else {
                b"blk_print_req_error: "
            });
            push_u64(b, u64::from(n));
            b.extend_from_slice(b" callbacks suppressed");
        }
        Kind::FailedResult { tag, age } => {
            hctl(b, w, ev.sess, b"sd");
            b.push(b'[');
            push_disk(b, disk);
            b.extend_from_slice(b"] tag#");
            push_u64(b, u64::from(tag));
            b.extend_from_slice(
                b" FAILED Result: hostbyte=DID_TRANSPORT_FAILFAST driverbyte=DRIVER_OK cmd_age=",
            );
            push_u64(b, u64::from(age));
            b.push(b's');
        }
        Kind::Cdb { tag, sector } => {
            hctl(b, w, ev.sess, b"sd");
            b.push(b'[');
            push_disk(b, disk);
            b.extend_from_slice(b"] tag#");
            push_u64(b, u64::from(tag));
            b.extend_from_slice(b" CDB: Write(10) 2a 00");
            for sh in [24u32, 16, 8, 0] {
                b.push(b' ');
                push_hex(b, (sector >> sh) & 0xff, 2);
            }
            b.extend_from_slice(b" 00 00 08 00");
        }
        Kind::MpathFail | Kind::MpathReinstate => {
            b.extend_from_slice(b"device-mapper: multipath: 253:");
            push_u64(b, u64::from(path.mpath_map.unwrap_or(0)));
            b.extend_from_slice(if k == Kind::MpathFail {
                b": Failing path "
            } else {
                b": Reinstating path "
            });
            devnum(b, disk);
            b.push(b'.');
        }
        Kind::MpathdFailed => {
            push_disk(b, disk);
            b.extend_from_slice(b": mark as failed");
        }
        Kind::MpathdRemaining(n) => {
            b.extend_from_slice(b"mpath");
            b.push(b'a' + (path.mpath_map.unwrap_or(2).saturating_sub(2) % 26) as u8);
            b.extend_from_slice(b": remaining active paths: ");
            push_u64(b, u64::from(n));
        }
        Kind::MpathdReinstated => {
            devnum(b, disk);
            b.extend_from_slice(b": reinstated");
        }
        Kind::LoggingIn(_) => {
            b.extend_from_slice(b"Logging in to ");
            target_portal(b, w, ev.path, true);
        }
        Kind::HostBanner => {
            b.extend_from_slice(b"scsi host");
            push_u64(b, sess.map_or(0, |s| u64::from(s.scsi_host)));
            b.extend_from_slice(b": iSCSI Initiator over TCP/IP");
        }
        Kind::ScsiAttach => {
            hctl(b, w, ev.sess, b"scsi");
            b.extend_from_slice(b"Direct-Access     LIO-ORG  disk");
            push_u64(b, u64::from(path.lun));
            b.extend_from_slice(b"            4.0  PQ: 0 ANSI: 6");
        }
        Kind::SdAttached => {
            hctl(b, w, ev.sess, b"sd");
            b.push(b'[');
            push_disk(b, disk);
            b.extend_from_slice(b"] Attached SCSI disk");
        }
        Kind::OperationalNow | Kind::LogoutShutdown => {
            if iscsid_pfx {
                b.extend_from_slice(b"iscsid: ");
            }
            b.extend_from_slice(b"Connection");
            push_u64(b, sid);
            b.extend_from_slice(b":0 to ");
            target_portal(b, w, ev.path, false);
            b.extend_from_slice(if k == Kind::OperationalNow {
                b" through [iface: default] is operational now"
            } else {
                b" through [iface: default] is shutdown."
            });
        }
        Kind::LoginOk(_) => {
            b.extend_from_slice(b"Login to ");
            target_portal(b, w, ev.path, true);
            b.extend_from_slice(b" successful.");
        }
        Kind::LogoutStart(_) | Kind::LogoutDone(_) => {
            b.extend_from_slice(if matches!(k, Kind::LogoutStart(_)) {
                b"Logging out of session [sid: "
            } else {
                b"Logout of [sid: "
            });
            push_u64(b, sid);
            b.extend_from_slice(b", target: ");
            b.extend_from_slice(path.target.as_bytes());
            b.extend_from_slice(b", portal: ");
            push_ip(b, path.portal);
            b.extend_from_slice(if matches!(k, Kind::LogoutStart(_)) {
                b",3260]"
            } else {
                b",3260] successful."
            });
        }
        Kind::LoginFail(_) => {
            b.extend_from_slice(b"iscsiadm: Could not login to ");
            target_portal(b, w, ev.path, true);
            b.push(b'.');
        }
        Kind::LoginFailErr(_, code) => {
            b.extend_from_slice(b"iscsiadm: initiator reported error (");
            push_u64(b, u64::from(code));
            b.extend_from_slice(b" - ");
            b.extend_from_slice(iscsiadm_err(code).as_bytes());
            b.push(b')');
        }
        Kind::LoginSeq(_) | Kind::LoginFailSeq(..) | Kind::Replace | Kind::Spawn => unreachable!(),
    }
    b.push(b'\n');
    true
}
