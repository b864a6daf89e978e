//! The simulated machines: hosts with their kernel and daemon quirks, storage paths, and the
//! iSCSI sessions that come and go on them.
//!
//! A *path* is a (host, target, portal) pair that an administrator configured; a *session*
//! is one login on a path, with the sid, SCSI host number and disk the kernel gave it. A path
//! outlives its sessions: after a timed-out session is logged out, a later login on the same
//! path gets a new sid, as on a real machine.

use crate::envelope::HostEnv;
use crate::noise::NoiseHost;
use crate::rng::Rng;

/// `INITIAL_JIFFIES` for a given HZ: jiffies start five minutes before the 32-bit wrap.
pub fn initial_jiffies(hz: u32) -> u64 {
    (1u64 << 32) - 300 * u64::from(hz)
}

/// How the host's kernel words block-layer errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KernelStyle {
    /// 6.1: `I/O error, dev sdc, ...`, `rejecting I/O to offline device` once per transition.
    Modern,
    /// 5.x: `blk_update_request: I/O error, dev sdc, ...`, `rejecting I/O` once per request.
    Older,
}

/// One simulated machine.
#[derive(Debug, Clone)]
pub struct Host {
    /// What the envelope prints for this host.
    pub env: HostEnv,
    /// Kernel tick rate.
    pub hz: u32,
    /// Kernel wording generation.
    pub style: KernelStyle,
    /// dm-multipath manages the iSCSI disks (so recovery_tmo is pinned low).
    pub multipath: bool,
    /// Seconds before a failed session's I/O is failed (replacement_timeout / fast_io_fail_tmo).
    pub recovery_tmo: u32,
    /// noop_out_timeout (the kernel's "ping timeout").
    pub ping_tmo: u32,
    /// noop_out_interval (the kernel's "recv timeout").
    pub recv_tmo: u32,
    /// `iscsid -f` under systemd: err/warn lines carry an `iscsid: ` prefix in the message.
    pub iscsid_foreground: bool,
    /// open-iscsi <= 2.0.876: 1022 is "Invalid or unknown error code".
    pub old_iscsid: bool,
    /// open-iscsi <= 2.1.10: iscsiadm prints `Logging in to [...]` at info level.
    pub logging_in_line: bool,
    /// iscsid's pid.
    pub iscsid_pid: u32,
    /// multipathd's pid.
    pub multipathd_pid: u32,
    /// Noise state.
    pub noise: NoiseHost,
    /// Next session id the kernel hands out.
    pub next_sid: u32,
    /// Next `scsi hostN` number.
    pub next_scsi_host: u32,
    /// Next `sdX` index.
    pub next_disk: u32,
    /// `scsi hostN` numbers and `sdX` indices freed by logouts (the kernel reuses the lowest).
    pub free_scsi_hosts: Vec<u32>,
    /// `sdX` indices freed by logouts.
    pub free_disks: Vec<u32>,
    /// Indices of this host's paths in [`World::paths`].
    pub paths: Vec<u32>,
    /// A portal/target that always refuses us (CHAP misconfiguration), for login failures.
    pub bad_path: u32,
}

/// One configured (target, portal) on a host.
#[derive(Debug, Clone)]
pub struct Path {
    /// Owning host index.
    pub host: u16,
    /// Target IQN.
    pub target: String,
    /// Portal IPv4 address (port 3260).
    pub portal: [u8; 4],
    /// LUN the target exports.
    pub lun: u32,
    /// dm-multipath map minor (253:N) and name letter index, if multipathed.
    pub mpath_map: Option<u32>,
    /// The live session on this path, if any.
    pub session: Option<u32>,
}

/// Lifecycle of a session as the generator sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessState {
    /// Login lines still being written.
    LoggingIn,
    /// Logged in and healthy: may be picked for an incident.
    Up,
    /// In an incident or being torn down.
    Busy,
}

/// One login on a path.
#[derive(Debug, Clone)]
pub struct Session {
    /// Path index.
    pub path: u32,
    /// Session id (`sessionN`, `connectionN:0`).
    pub sid: u32,
    /// SCSI host number (`scsi hostN`, `H` in `H:C:T:L`).
    pub scsi_host: u32,
    /// Disk index (`sdX`).
    pub disk: u32,
    /// State.
    pub state: SessState,
}

/// Every host, path and session.
#[derive(Debug, Default)]
pub struct World {
    /// Hosts.
    pub hosts: Vec<Host>,
    /// Paths.
    pub paths: Vec<Path>,
    /// Sessions, in creation order.
    pub sessions: Vec<Session>,
}

const HOST_STEMS: [&str; 6] = ["node", "db", "k8s-worker", "esx-gw", "backup", "web"];

fn target_name(rng: &mut Rng, i: usize) -> String {
    let hex = |rng: &mut Rng, n: usize| {
        let mut s = String::new();
        while s.len() < n {
            s.push_str(&format!("{:016x}", rng.next_u64()));
        }
        s.truncate(n);
        s
    };
    match i % 5 {
        0 => format!(
            "iqn.2003-01.org.linux-iscsi.stor{:02}.x8664:sn.{}",
            i / 5 + 1,
            hex(rng, 12)
        ),
        1 => format!(
            "iqn.2000-01.com.synology:nas{:02}.Target-{}.{}",
            i / 5 + 1,
            i + 1,
            hex(rng, 6)
        ),
        2 => format!(
            "iqn.1992-08.com.netapp:sn.{}:vs.{}",
            hex(rng, 16),
            i / 5 + 3
        ),
        3 => format!("iqn.2010-06.com.purestorage:flasharray.{}", hex(rng, 16)),
        _ => {
            let h = hex(rng, 32);
            format!(
                "iqn.2019-10.io.longhorn:pvc-{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
    }
}

impl World {
    /// Builds `n_hosts` hosts with `paths_per_host` paths each (rounded up to even on multipath
    /// hosts). `start_us` is the log's first instant; `kernel_only` marks dmesg output, where the
    /// log starts at boot.
    pub fn new(
        rng: &mut Rng,
        n_hosts: usize,
        paths_per_host: usize,
        start_us: u64,
        kernel_only: bool,
    ) -> World {
        let mut w = World::default();
        let n_targets = paths_per_host.div_ceil(2).max(1) + 1;
        let targets: Vec<String> = (0..n_targets).map(|i| target_name(rng, i)).collect();
        for h in 0..n_hosts {
            let stem = HOST_STEMS[h % HOST_STEMS.len()];
            let name = format!("{stem}{:02}", h / HOST_STEMS.len() + 1);
            let boot_us = if kernel_only {
                start_us
            } else {
                start_us - rng.range(30, 900) * 1_000_000 - rng.below(1_000_000)
            };
            let multipath = rng.chance(0.4);
            let recovery_tmo = if multipath {
                if rng.chance(0.8) { 5 } else { 15 }
            } else {
                120
            };
            let (ping_tmo, recv_tmo) =
                *rng.pick(&[(5, 5), (5, 5), (5, 5), (5, 5), (5, 5), (10, 10), (15, 5)]);
            let host = Host {
                env: HostEnv {
                    name,
                    boot_us,
                    kernel_uptime_prefix: rng.chance(0.4),
                },
                hz: *rng.pick(&[100, 250, 250, 300, 1000, 1000]),
                style: if rng.chance(0.6) {
                    KernelStyle::Modern
                } else {
                    KernelStyle::Older
                },
                multipath,
                recovery_tmo,
                ping_tmo,
                recv_tmo,
                iscsid_foreground: rng.chance(0.7),
                old_iscsid: rng.chance(0.1),
                logging_in_line: rng.chance(0.7),
                iscsid_pid: rng.range(700, 1500) as u32,
                multipathd_pid: rng.range(400, 700) as u32,
                noise: NoiseHost::new(rng),
                next_sid: 1,
                next_scsi_host: rng.range(2, 6) as u32,
                next_disk: 1,
                free_scsi_hosts: Vec::new(),
                free_disks: Vec::new(),
                paths: Vec::new(),
                bad_path: 0,
            };
            w.hosts.push(host);
            let mut n_paths = paths_per_host.max(1);
            if multipath && n_paths % 2 == 1 {
                n_paths += 1;
            }
            for i in 0..n_paths {
                let target = targets[i / 2].clone();
                let idx = w.paths.len() as u32;
                w.paths.push(Path {
                    host: h as u16,
                    target,
                    portal: [10, 20, 30 + (i % 2) as u8, 11 + (i / 2) as u8],
                    lun: if i % 5 == 1 { 1 } else { 0 },
                    mpath_map: multipath.then_some(2 + (i / 2) as u32),
                    session: None,
                });
                w.hosts[h].paths.push(idx);
            }
            let idx = w.paths.len() as u32;
            w.paths.push(Path {
                host: h as u16,
                target: targets[n_targets - 1].clone(),
                portal: [198, 51, 100, 40 + (h % 200) as u8],
                lun: 0,
                mpath_map: None,
                session: None,
            });
            w.hosts[h].bad_path = idx;
        }
        w
    }

    /// Creates the next session on `path` (kernel numbering advances) and returns its index.
    pub fn new_session(&mut self, path: u32) -> u32 {
        let p = &self.paths[path as usize];
        let h = &mut self.hosts[p.host as usize];
        let scsi_host = take_lowest(&mut h.free_scsi_hosts, &mut h.next_scsi_host);
        let disk = take_lowest(&mut h.free_disks, &mut h.next_disk);
        let s = Session {
            path,
            sid: h.next_sid,
            scsi_host,
            disk,
            state: SessState::LoggingIn,
        };
        h.next_sid += 1;
        let idx = self.sessions.len() as u32;
        self.sessions.push(s);
        self.paths[path as usize].session = Some(idx);
        idx
    }

    /// Detaches a logged-out session from its path and frees its SCSI host number and disk.
    pub fn release(&mut self, sess: u32) {
        let s = &self.sessions[sess as usize];
        let p = &mut self.paths[s.path as usize];
        if p.session != Some(sess) {
            return;
        }
        p.session = None;
        let h = &mut self.hosts[p.host as usize];
        h.free_scsi_hosts.push(s.scsi_host);
        h.free_disks.push(s.disk);
    }

    /// Jiffies on `host` at wall time `t_us`.
    pub fn jiffies(&self, host: usize, t_us: u64) -> u64 {
        let h = &self.hosts[host];
        let up = t_us.saturating_sub(h.env.boot_us);
        initial_jiffies(h.hz) + up * u64::from(h.hz) / 1_000_000
    }
}

/// Pops the lowest freed number, or takes the next fresh one.
fn take_lowest(free: &mut Vec<u32>, next: &mut u32) -> u32 {
    if let Some((i, _)) = free.iter().enumerate().min_by_key(|&(_, v)| *v) {
        return free.swap_remove(i);
    }
    *next += 1;
    *next - 1
}

/// `major:minor` of the `sdX` disk with index `d` (sd uses 16 minors per disk).
pub fn disk_devnum(d: u32) -> (u32, u32) {
    const MAJORS: [u32; 16] = [
        8, 65, 66, 67, 68, 69, 70, 71, 128, 129, 130, 131, 132, 133, 134, 135,
    ];
    let major = MAJORS[(d as usize / 16) % 16];
    (major, (d % 16) * 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_jiffies_match_notes() {
        assert_eq!(initial_jiffies(100), 4_294_937_296);
        assert_eq!(initial_jiffies(250), 4_294_892_296);
        assert_eq!(initial_jiffies(300), 4_294_877_296);
        assert_eq!(initial_jiffies(1000), 4_294_667_296);
    }

    #[test]
    fn portals_unique_per_host() {
        let mut rng = Rng::new(5);
        let w = World::new(&mut rng, 6, 7, 1_700_000_000_000_000, false);
        for h in &w.hosts {
            let mut seen: Vec<[u8; 4]> = h
                .paths
                .iter()
                .map(|&p| w.paths[p as usize].portal)
                .collect();
            seen.push(w.paths[h.bad_path as usize].portal);
            let n = seen.len();
            seen.sort();
            seen.dedup();
            assert_eq!(seen.len(), n);
        }
        assert_eq!(disk_devnum(3), (8, 48));
        assert_eq!(disk_devnum(17), (65, 16));
    }
}
