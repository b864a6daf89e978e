//! The `chatter` noise mix: a host that many people and robots log in to, runs containers
//! and a kubelet. Nearly every line says `session` or `connection`, in every shape but the
//! kernel's `session12` / `connection3:0`:
//!
//! - sshd and pam_unix (openssh's `Accepted %s for %s from %s port %d ssh2`, `Received
//!   disconnect from %s port %d:%d: %s`, `Disconnected from user %s %s port %d`, `Connection
//!   closed by %s port %d`; Linux-PAM's `session opened for user %s(uid=%u) by %s(uid=%u)`),
//! - systemd-logind (`New session %s of user %s.`, `Session %s logged out. Waiting for
//!   processes to exit.`, `Removed session %s.`) and systemd's session scopes and user
//!   managers (`Started Session %s of User %s.`, `session-%s.scope: Deactivated
//!   successfully.`, `Consumed %s CPU time.`),
//! - cron's `pam_unix(cron:session)` pairs around `(root) CMD (...)`,
//! - dockerd and containerd logging with logrus's text formatter (`time="..." level=info
//!   msg="..." key=value ...`, keys after `msg` sorted), among them `connection=... session=...`
//!   and `sessionID=...`,
//! - kubelet logging with klog (`I0304 00:02:51.334125    1234 file.go:123] "Message"
//!   key="value" ...`).
//!
//! Session numbers are consistent per host: a login opens a session that later lines of the
//! same session (pam, logind, the scope, the disconnect) refer to, until `Removed session N.`
//! drops it. Random identifiers are hex (container ids, UUIDs) or use Kubernetes' and
//! BuildKit's alphabets, like the real ones.

use crate::envelope::Src;
use crate::rng::Rng;
use crate::text::{civil_from_unix, push_hex, push_ip, push_u64, push_u64_pad};

/// An open login session of one host.
#[derive(Debug, Clone, Copy)]
pub struct Login {
    id: u64,
    user: usize,
    ip: [u8; 4],
    port: u16,
    sshd_pid: u32,
}

/// Per-host state of the chatter mix.
#[derive(Debug, Clone)]
pub struct ChatterHost {
    dockerd_pid: u32,
    containerd_pid: u32,
    kubelet_pid: u32,
    next_session: u64,
    open: Vec<Login>,
    containers: [[u64; 4]; 6],
    pods: [Pod; 6],
}

#[derive(Debug, Clone, Copy)]
struct Pod {
    ns: &'static str,
    name: &'static str,
    hash: [u8; 10],
    suffix: [u8; 5],
    uid: [u64; 2],
}

/// Users that log in: automation as root most of the time.
const USERS: [(&str, u32); 6] = [
    ("root", 0),
    ("root", 0),
    ("root", 0),
    ("ansible", 1001),
    ("deploy", 1002),
    ("alice", 1003),
];

const PODS: [(&str, &str); 6] = [
    ("kube-system", "coredns"),
    ("monitoring", "node-exporter"),
    ("default", "web"),
    ("default", "api"),
    ("ingress-nginx", "ingress-nginx-controller"),
    ("logging", "fluent-bit"),
];

/// Kubernetes' random-suffix alphabet (no vowels, no look-alikes).
const K8S_ALPHABET: &[u8; 27] = b"bcdfghjklmnpqrstvwxz2456789";
/// BuildKit's session identifiers: 25 characters of `[0-9a-z]`.
const B36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

const CRON_CMDS: [&str; 4] = [
    "command -v debian-sa1 > /dev/null && debian-sa1 1 1",
    "   cd / && run-parts --report /etc/cron.hourly",
    "/usr/local/bin/node-health.sh >/dev/null 2>&1",
    "[ -x /usr/lib/php/sessionclean ] && if [ ! -d /run/systemd/system ]; then /usr/lib/php/sessionclean; fi",
];

impl ChatterHost {
    /// Draws the per-host constants from their own stream, so that the default mix's draws
    /// stay as they were.
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed ^ 0x0063_6861_7474_6572);
        let mut containers = [[0u64; 4]; 6];
        for c in &mut containers {
            for w in c.iter_mut() {
                *w = rng.next_u64();
            }
        }
        let pods = std::array::from_fn(|i| {
            let (ns, name) = PODS[i];
            let mut hash = [0u8; 10];
            for b in &mut hash {
                *b = K8S_ALPHABET[rng.below(27) as usize];
            }
            let mut suffix = [0u8; 5];
            for b in &mut suffix {
                *b = K8S_ALPHABET[rng.below(27) as usize];
            }
            Pod {
                ns,
                name,
                hash,
                suffix,
                uid: [rng.next_u64(), rng.next_u64()],
            }
        });
        ChatterHost {
            dockerd_pid: rng.range(700, 1500) as u32,
            containerd_pid: rng.range(600, 1400) as u32,
            kubelet_pid: rng.range(900, 2500) as u32,
            next_session: rng.range(1000, 90_000),
            open: Vec::with_capacity(64),
            containers,
            pods,
        }
    }

    /// One of the newest logins, opening one if none is open.
    fn recent(&mut self, rng: &mut Rng) -> (usize, Login) {
        if self.open.is_empty() {
            self.login(rng);
        }
        let n = self.open.len();
        let i = n - 1 - rng.below(n.min(4) as u64) as usize;
        (i, self.open[i])
    }

    /// An older login, for the lines that end one.
    fn older(&mut self, rng: &mut Rng) -> (usize, Login) {
        if self.open.is_empty() {
            self.login(rng);
        }
        let n = self.open.len();
        let i = rng.below(n.min(8) as u64) as usize;
        (i, self.open[i])
    }

    fn login(&mut self, rng: &mut Rng) -> (usize, Login) {
        self.next_session += 1;
        // Jump hosts and CI runners mostly, some addresses from outside.
        let ip = if rng.chance(0.7) {
            [198, 51, 100, rng.range(2, 30) as u8]
        } else {
            [203, 0, 113, rng.range(1, 254) as u8]
        };
        let l = Login {
            id: self.next_session,
            user: rng.below(USERS.len() as u64) as usize,
            ip,
            port: rng.range(32768, 60999) as u16,
            sshd_pid: rng.range(1000, 4_000_000) as u32,
        };
        if self.open.len() == 48 {
            self.open.remove(0);
        }
        self.open.push(l);
        (self.open.len() - 1, l)
    }
}

/// The chatter templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum C {
    SshAccepted,
    SshPamOpen,
    SshReceivedDisconnect,
    SshDisconnected,
    SshPamClose,
    SshClosedPreauth,
    SshInvalid,
    LogindNew,
    LogindLoggedOut,
    LogindRemoved,
    ScopeStarted,
    ScopeStartedNew,
    ScopeDone,
    ScopeConsumed,
    UserManager,
    CronOpen,
    CronCmd,
    CronClose,
    DockerIgnoringEvent,
    DockerSessionStarted,
    DockerSessionFinished,
    DockerAttach,
    ContainerdShimDisconnected,
    ContainerdCleanup,
    ContainerdPlugin,
    ContainerdSignalLoop,
    KubeletPleg,
    KubeletProbe,
    KubeletVolume,
    KubeletSyncError,
}

/// Weights (965 in all): sshd and PAM about a third, logind and systemd's session units
/// about a third, cron an eighth, dockerd/containerd and the kubelet the rest.
pub const WEIGHTS: [(C, u32); 30] = [
    (C::SshAccepted, 50),
    (C::SshPamOpen, 55),
    (C::SshReceivedDisconnect, 45),
    (C::SshDisconnected, 45),
    (C::SshPamClose, 55),
    (C::SshClosedPreauth, 45),
    (C::SshInvalid, 15),
    (C::LogindNew, 55),
    (C::LogindLoggedOut, 50),
    (C::LogindRemoved, 55),
    (C::ScopeStarted, 35),
    (C::ScopeStartedNew, 20),
    (C::ScopeDone, 50),
    (C::ScopeConsumed, 30),
    (C::UserManager, 15),
    (C::CronOpen, 40),
    (C::CronCmd, 40),
    (C::CronClose, 40),
    (C::DockerIgnoringEvent, 20),
    (C::DockerSessionStarted, 15),
    (C::DockerSessionFinished, 15),
    (C::DockerAttach, 10),
    (C::ContainerdShimDisconnected, 15),
    (C::ContainerdCleanup, 15),
    (C::ContainerdPlugin, 25),
    (C::ContainerdSignalLoop, 10),
    (C::KubeletPleg, 35),
    (C::KubeletProbe, 30),
    (C::KubeletVolume, 20),
    (C::KubeletSyncError, 15),
];

/// Who writes a template's line (sshd's pid is the login's).
pub fn source(
    c: C,
    rng: &mut Rng,
    ch: &ChatterHost,
    logind_pid: u32,
    login: Option<(usize, Login)>,
) -> Src<'static> {
    match c {
        C::SshAccepted
        | C::SshPamOpen
        | C::SshReceivedDisconnect
        | C::SshDisconnected
        | C::SshPamClose => Src::Pid("sshd", login.map_or(1, |(_, l)| l.sshd_pid)),
        C::SshClosedPreauth | C::SshInvalid => Src::Pid("sshd", rng.range(1000, 4_000_000) as u32),
        C::LogindNew | C::LogindLoggedOut | C::LogindRemoved => {
            Src::Pid("systemd-logind", logind_pid)
        }
        C::ScopeStarted | C::ScopeStartedNew | C::ScopeDone | C::ScopeConsumed | C::UserManager => {
            Src::Pid("systemd", 1)
        }
        C::CronOpen | C::CronCmd | C::CronClose => {
            Src::Pid("CRON", rng.range(1000, 4_000_000) as u32)
        }
        C::DockerIgnoringEvent
        | C::DockerSessionStarted
        | C::DockerSessionFinished
        | C::DockerAttach => Src::Pid("dockerd", ch.dockerd_pid),
        C::ContainerdShimDisconnected
        | C::ContainerdCleanup
        | C::ContainerdPlugin
        | C::ContainerdSignalLoop => Src::Pid("containerd", ch.containerd_pid),
        C::KubeletPleg | C::KubeletProbe | C::KubeletVolume | C::KubeletSyncError => {
            Src::Pid("kubelet", ch.kubelet_pid)
        }
    }
}

/// The login a template's line is about, if any, with its index among the open ones (drawn
/// before the prefix, whose sshd pid is the login's).
pub fn pick_login(c: C, rng: &mut Rng, ch: &mut ChatterHost) -> Option<(usize, Login)> {
    match c {
        C::SshAccepted => Some(ch.login(rng)),
        C::SshPamOpen | C::LogindNew | C::ScopeStarted | C::ScopeStartedNew => Some(ch.recent(rng)),
        C::SshReceivedDisconnect
        | C::SshDisconnected
        | C::SshPamClose
        | C::LogindLoggedOut
        | C::LogindRemoved
        | C::ScopeDone
        | C::ScopeConsumed => Some(ch.older(rng)),
        _ => None,
    }
}

fn push_user(b: &mut Vec<u8>, u: usize) {
    b.extend_from_slice(USERS[u].0.as_bytes());
}

fn port(b: &mut Vec<u8>, p: u16) {
    b.extend_from_slice(b" port ");
    push_u64(b, u64::from(p));
}

fn hex64(b: &mut Vec<u8>, words: &[u64; 4]) {
    for w in words {
        push_hex(b, *w, 16);
    }
}

fn uuid(b: &mut Vec<u8>, uid: [u64; 2]) {
    let mut h = Vec::with_capacity(32);
    push_hex(&mut h, uid[0], 16);
    push_hex(&mut h, uid[1], 16);
    for (i, part) in [&h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32]]
        .iter()
        .enumerate()
    {
        if i > 0 {
            b.push(b'-');
        }
        b.extend_from_slice(part);
    }
}

fn pod_name(b: &mut Vec<u8>, p: &Pod) {
    b.extend_from_slice(p.name.as_bytes());
    b.push(b'-');
    b.extend_from_slice(&p.hash);
    b.push(b'-');
    b.extend_from_slice(&p.suffix);
}

fn pod_ref(b: &mut Vec<u8>, p: &Pod) {
    b.extend_from_slice(b"pod=\"");
    b.extend_from_slice(p.ns.as_bytes());
    b.push(b'/');
    pod_name(b, p);
    b.push(b'"');
}

fn b36(rng: &mut Rng, b: &mut Vec<u8>, n: usize) {
    for _ in 0..n {
        b.push(B36[rng.below(36) as usize]);
    }
}

/// logrus's `time="2024-03-04T00:02:51.334125123Z" level=LEVEL msg="`.
fn logrus(b: &mut Vec<u8>, rng: &mut Rng, t_us: u64, level: &str) {
    let c = civil_from_unix((t_us / 1_000_000) as i64);
    b.extend_from_slice(b"time=\"");
    push_u64_pad(b, c.year as u64, 4, b'0');
    for (sep, v) in [
        (b'-', c.month),
        (b'-', c.day),
        (b'T', c.hour),
        (b':', c.min),
        (b':', c.sec),
    ] {
        b.push(sep);
        push_u64_pad(b, u64::from(v), 2, b'0');
    }
    b.push(b'.');
    push_u64_pad(b, t_us % 1_000_000, 6, b'0');
    push_u64_pad(b, rng.below(1000), 3, b'0');
    b.extend_from_slice(b"Z\" level=");
    b.extend_from_slice(level.as_bytes());
    b.extend_from_slice(b" msg=\"");
}

/// klog's header: `I0304 00:02:51.334125    1234 file.go:123] `.
fn klog(b: &mut Vec<u8>, t_us: u64, sev: u8, tid: u32, file: &str) {
    let c = civil_from_unix((t_us / 1_000_000) as i64);
    b.push(sev);
    push_u64_pad(b, u64::from(c.month), 2, b'0');
    push_u64_pad(b, u64::from(c.day), 2, b'0');
    b.push(b' ');
    push_u64_pad(b, u64::from(c.hour), 2, b'0');
    b.push(b':');
    push_u64_pad(b, u64::from(c.min), 2, b'0');
    b.push(b':');
    push_u64_pad(b, u64::from(c.sec), 2, b'0');
    b.push(b'.');
    push_u64_pad(b, t_us % 1_000_000, 6, b'0');
    b.push(b' ');
    push_u64_pad(b, u64::from(tid), 7, b' ');
    b.push(b' ');
    b.extend_from_slice(file.as_bytes());
    b.extend_from_slice(b"] ");
}

/// Appends the message of one chatter line; `login` is what [`pick_login`] drew.
pub fn body(
    c: C,
    rng: &mut Rng,
    b: &mut Vec<u8>,
    ch: &mut ChatterHost,
    t_us: u64,
    login: Option<(usize, Login)>,
) {
    let l = login.map(|(_, l)| l);
    let sess = |b: &mut Vec<u8>| push_u64(b, l.map_or(0, |l| l.id));
    match c {
        C::SshAccepted => {
            let l = l.expect("login");
            b.extend_from_slice(b"Accepted publickey for ");
            push_user(b, l.user);
            b.extend_from_slice(b" from ");
            push_ip(b, l.ip);
            port(b, l.port);
            b.extend_from_slice(b" ssh2: ED25519 SHA256:");
            const A: &[u8; 64] =
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            // One key per user: the fingerprint is fixed by the user.
            let mut x = 0x9e37_79b9_7f4a_7c15u64.wrapping_mul(l.user as u64 + 1);
            for _ in 0..43 {
                x ^= x >> 29;
                x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
                b.push(A[(x >> 58) as usize]);
            }
        }
        C::SshPamOpen => {
            let l = l.expect("login");
            b.extend_from_slice(b"pam_unix(sshd:session): session opened for user ");
            push_user(b, l.user);
            b.extend_from_slice(b"(uid=");
            push_u64(b, u64::from(USERS[l.user].1));
            b.extend_from_slice(b") by (uid=0)");
        }
        C::SshReceivedDisconnect => {
            let l = l.expect("login");
            b.extend_from_slice(b"Received disconnect from ");
            push_ip(b, l.ip);
            port(b, l.port);
            b.extend_from_slice(b":11: disconnected by user");
        }
        C::SshDisconnected => {
            let l = l.expect("login");
            b.extend_from_slice(b"Disconnected from user ");
            push_user(b, l.user);
            b.push(b' ');
            push_ip(b, l.ip);
            port(b, l.port);
        }
        C::SshPamClose => {
            let l = l.expect("login");
            b.extend_from_slice(b"pam_unix(sshd:session): session closed for user ");
            push_user(b, l.user);
        }
        C::SshClosedPreauth => {
            b.extend_from_slice(b"Connection closed by ");
            if rng.chance(0.4) {
                b.extend_from_slice(b"authenticating user root ");
            }
            push_ip(b, [203, 0, 113, rng.range(1, 254) as u8]);
            port(b, rng.range(1024, 65535) as u16);
            b.extend_from_slice(b" [preauth]");
        }
        C::SshInvalid => {
            b.extend_from_slice(b"Invalid user ");
            b.extend_from_slice(
                rng.pick(&["admin", "test", "oracle", "ubuntu", "pi", "user"])
                    .as_bytes(),
            );
            b.extend_from_slice(b" from ");
            push_ip(b, [203, 0, 113, rng.range(1, 254) as u8]);
            port(b, rng.range(1024, 65535) as u16);
        }
        C::LogindNew => {
            let l = l.expect("login");
            b.extend_from_slice(b"New session ");
            sess(b);
            b.extend_from_slice(b" of user ");
            push_user(b, l.user);
            b.push(b'.');
        }
        C::LogindLoggedOut => {
            b.extend_from_slice(b"Session ");
            sess(b);
            b.extend_from_slice(b" logged out. Waiting for processes to exit.");
        }
        C::LogindRemoved => {
            b.extend_from_slice(b"Removed session ");
            sess(b);
            b.push(b'.');
            if let Some((i, _)) = login {
                ch.open.remove(i);
            }
        }
        C::ScopeStarted => {
            let l = l.expect("login");
            b.extend_from_slice(b"Started Session ");
            sess(b);
            b.extend_from_slice(b" of User ");
            push_user(b, l.user);
            b.push(b'.');
        }
        C::ScopeStartedNew => {
            let l = l.expect("login");
            b.extend_from_slice(b"Started session-");
            sess(b);
            b.extend_from_slice(b".scope - Session ");
            sess(b);
            b.extend_from_slice(b" of User ");
            push_user(b, l.user);
            b.push(b'.');
        }
        C::ScopeDone => {
            b.extend_from_slice(b"session-");
            sess(b);
            b.extend_from_slice(b".scope: Deactivated successfully.");
        }
        C::ScopeConsumed => {
            b.extend_from_slice(b"session-");
            sess(b);
            b.extend_from_slice(b".scope: Consumed ");
            let ms = rng.range(20, 9_000);
            push_u64(b, ms / 1000);
            b.push(b'.');
            push_u64_pad(b, ms % 1000, 3, b'0');
            b.extend_from_slice(b"s CPU time.");
        }
        C::UserManager => {
            let uid = USERS[rng.below(USERS.len() as u64) as usize].1;
            let what: &[&str] = &[
                "Created slice User Slice of UID ",
                "Starting User Runtime Directory /run/user/",
                "Finished User Runtime Directory /run/user/",
                "Starting User Manager for UID ",
                "Started User Manager for UID ",
                "Stopping User Manager for UID ",
                "Stopped User Manager for UID ",
                "Removed slice User Slice of UID ",
            ];
            let w = *rng.pick(what);
            b.extend_from_slice(w.as_bytes());
            push_u64(b, u64::from(uid));
            b.extend_from_slice(if w.starts_with("Starting") || w.starts_with("Stopping") {
                b"..."
            } else {
                b"."
            });
        }
        C::CronOpen => b.extend_from_slice(
            b"pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
        ),
        C::CronCmd => {
            b.extend_from_slice(b"(root) CMD (");
            b.extend_from_slice(rng.pick(&CRON_CMDS).as_bytes());
            b.push(b')');
        }
        C::CronClose => {
            b.extend_from_slice(b"pam_unix(cron:session): session closed for user root")
        }
        C::DockerIgnoringEvent => {
            logrus(b, rng, t_us, "info");
            b.extend_from_slice(b"ignoring event\" container=");
            hex64(b, rng.pick(&ch.containers));
            b.extend_from_slice(
                b" module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"",
            );
        }
        C::DockerSessionStarted | C::DockerSessionFinished => {
            logrus(b, rng, t_us, "info");
            let started = c == C::DockerSessionStarted;
            b.extend_from_slice(if started {
                b"session started\" connection="
            } else {
                b"session finished\" connection="
            });
            push_hex(b, rng.next_u64() & 0xffff_ffff, 8);
            if !started {
                b.extend_from_slice(b" error=\"<nil>\"");
            }
            b.extend_from_slice(b" session=");
            b36(rng, b, 25);
            b.extend_from_slice(b" sessionID=");
            b36(rng, b, 25);
        }
        C::DockerAttach => {
            logrus(b, rng, t_us, "info");
            b.extend_from_slice(
                rng.pick(&[
                    "attach: stdout: end\"",
                    "attach: stderr: end\"",
                    "attach done\"",
                ])
                .as_bytes(),
            );
            b.extend_from_slice(b" container=");
            hex64(b, rng.pick(&ch.containers));
        }
        C::ContainerdShimDisconnected => {
            logrus(b, rng, t_us, "info");
            b.extend_from_slice(b"shim disconnected\" id=");
            hex64(b, rng.pick(&ch.containers));
            b.extend_from_slice(b" namespace=moby");
        }
        C::ContainerdCleanup => {
            logrus(b, rng, t_us, "warning");
            b.extend_from_slice(b"cleaning up after shim disconnected\" id=");
            hex64(b, rng.pick(&ch.containers));
            b.extend_from_slice(b" namespace=moby");
        }
        C::ContainerdPlugin => {
            logrus(b, rng, t_us, "info");
            let (p, t) = *rng.pick(&[
                ("io.containerd.event.v1.publisher", "io.containerd.event.v1"),
                (
                    "io.containerd.internal.v1.shutdown",
                    "io.containerd.internal.v1",
                ),
                ("io.containerd.ttrpc.v1.task", "io.containerd.ttrpc.v1"),
                ("io.containerd.ttrpc.v1.pause", "io.containerd.ttrpc.v1"),
            ]);
            b.extend_from_slice(b"loading plugin \\\"");
            b.extend_from_slice(p.as_bytes());
            b.extend_from_slice(b"\\\"...\" runtime=io.containerd.runc.v2 type=");
            b.extend_from_slice(t.as_bytes());
        }
        C::ContainerdSignalLoop => {
            logrus(b, rng, t_us, "info");
            b.extend_from_slice(
                b"starting signal loop\" namespace=moby path=/run/containerd/io.containerd.runtime.v2.task/moby/",
            );
            hex64(b, rng.pick(&ch.containers));
            b.extend_from_slice(b" pid=");
            push_u64(b, rng.range(2000, 4_000_000));
            b.extend_from_slice(b" runtime=io.containerd.runc.v2");
        }
        C::KubeletPleg => {
            let tid = ch.kubelet_pid;
            klog(b, t_us, b'I', tid, "kubelet.go:2457");
            let p = *rng.pick(&ch.pods);
            b.extend_from_slice(b"\"SyncLoop (PLEG): event for pod\" ");
            pod_ref(b, &p);
            b.extend_from_slice(b" event={\"ID\":\"");
            uuid(b, p.uid);
            b.extend_from_slice(b"\",\"Type\":\"");
            b.extend_from_slice(rng.pick(&["ContainerStarted", "ContainerDied"]).as_bytes());
            b.extend_from_slice(b"\",\"Data\":\"");
            hex64(b, rng.pick(&ch.containers));
            b.extend_from_slice(b"\"}");
        }
        C::KubeletProbe => {
            let tid = ch.kubelet_pid;
            klog(b, t_us, b'I', tid, "prober.go:107");
            let p = *rng.pick(&ch.pods);
            b.extend_from_slice(b"\"Probe failed\" probeType=\"Readiness\" ");
            pod_ref(b, &p);
            b.extend_from_slice(b" podUID=\"");
            uuid(b, p.uid);
            b.extend_from_slice(b"\" containerName=\"");
            b.extend_from_slice(p.name.as_bytes());
            b.extend_from_slice(b"\" probeResult=\"failure\" output=\"Get \\\"http://10.244.");
            let ip = [10, 244, rng.range(0, 3) as u8, rng.range(2, 250) as u8];
            push_u64(b, u64::from(ip[2]));
            b.push(b'.');
            push_u64(b, u64::from(ip[3]));
            b.extend_from_slice(b":8080/healthz\\\": dial tcp ");
            push_ip(b, ip);
            b.extend_from_slice(b":8080: connect: connection refused\"");
        }
        C::KubeletVolume => {
            let tid = ch.kubelet_pid;
            klog(b, t_us, b'I', tid, "reconciler_common.go:258");
            let p = *rng.pick(&ch.pods);
            let mut vol = Vec::with_capacity(5);
            for _ in 0..5 {
                vol.push(K8S_ALPHABET[rng.below(27) as usize]);
            }
            b.extend_from_slice(b"\"operationExecutor.VerifyControllerAttachedVolume started for volume \\\"kube-api-access-");
            b.extend_from_slice(&vol);
            b.extend_from_slice(b"\\\" (UniqueName: \\\"kubernetes.io/projected/");
            uuid(b, p.uid);
            b.extend_from_slice(b"-kube-api-access-");
            b.extend_from_slice(&vol);
            b.extend_from_slice(b"\\\") pod \\\"");
            pod_name(b, &p);
            b.extend_from_slice(b"\\\" (UID: \\\"");
            uuid(b, p.uid);
            b.extend_from_slice(b"\\\") \" ");
            pod_ref(b, &p);
        }
        C::KubeletSyncError => {
            let tid = ch.kubelet_pid;
            klog(b, t_us, b'E', tid, "pod_workers.go:1300");
            let p = *rng.pick(&ch.pods);
            b.extend_from_slice(
                b"\"Error syncing pod, skipping\" err=\"failed to \\\"StartContainer\\\" for \\\"",
            );
            b.extend_from_slice(p.name.as_bytes());
            b.extend_from_slice(
                b"\\\" with CrashLoopBackOff: \\\"back-off 5m0s restarting failed container=",
            );
            b.extend_from_slice(p.name.as_bytes());
            b.extend_from_slice(b" pod=");
            pod_name(b, &p);
            b.push(b'_');
            b.extend_from_slice(p.ns.as_bytes());
            b.push(b'(');
            uuid(b, p.uid);
            b.extend_from_slice(b")\\\"\" ");
            pod_ref(b, &p);
            b.extend_from_slice(b" podUID=\"");
            uuid(b, p.uid);
            b.push(b'"');
        }
    }
}
