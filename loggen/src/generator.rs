//! The main loop: noise lines at a steady pace, scheduled iSCSI events in between, and the
//! planning of incidents, logins and their aftermath.

use crate::envelope::{Envelope, Format, HostEnv};
use crate::event::{Ev, Kind, NONE, Reason, kernel_err, render};
use crate::noise::{Mix, Noise};
use crate::rng::Rng;
use crate::truth::{Incident, LoginFailure, Outcome, Stamp, Truth};
use crate::world::{SessState, World};
use std::collections::BinaryHeap;
use std::io::{self, Write};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// Output layout.
    pub format: Format,
    /// PRNG seed: same seed and config, same bytes.
    pub seed: u64,
    /// Stop before the output would exceed this many bytes (0 = no byte limit).
    pub max_bytes: u64,
    /// Stop after this many lines (0 = no line limit).
    pub max_lines: u64,
    /// Number of hosts (forced to 1 for dmesg formats).
    pub hosts: usize,
    /// iSCSI paths (sessions) per host.
    pub paths_per_host: usize,
    /// Expected incidents per 10,000 noise lines.
    pub incident_rate: f64,
    /// Write only iSCSI lines (no noise): incidents are paced in time instead.
    pub only_iscsi: bool,
    /// Noise lines per second per host.
    pub noise_per_host_per_s: f64,
    /// First timestamp, Unix seconds.
    pub start_unix: i64,
    /// On multipath hosts, let some timed-out sessions come back later (`Reinstating path`).
    pub late_recovery: bool,
    /// Incidents started near the end that never resolve.
    pub tail_incidents: usize,
    /// Which background lines (the iSCSI lines and their truth do not depend on it).
    pub noise_mix: Mix,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            format: Format::Syslog,
            seed: 1,
            max_bytes: 1 << 20,
            max_lines: 0,
            hosts: 4,
            paths_per_host: 4,
            incident_rate: 2.0,
            only_iscsi: false,
            noise_per_host_per_s: 40.0,
            start_unix: 1_709_510_400, // 2024-03-04T00:00:00Z
            late_recovery: true,
            tail_incidents: 2,
            noise_mix: Mix::Default,
        }
    }
}

struct IncRec {
    sess: u32,
    cause: u16,
    tail: bool,
    start: Option<Stamp>,
    error_line: Option<u64>,
    end: Option<Stamp>,
    outcome: Outcome,
    attempts: u32,
    reported: Option<u32>,
    late_attempts: u32,
    late_reported: Option<u32>,
    outage_end: Option<Stamp>,
}

struct LfRec {
    path: u32,
    code: u8,
    line: Option<Stamp>,
    error_line: Option<u64>,
}

const FLUSH_AT: usize = 1 << 20;
const MS: u64 = 1000;
const S: u64 = 1_000_000;

struct Gen<'c, W: Write> {
    cfg: &'c Config,
    rng: Rng,
    w: World,
    env: Envelope,
    noise: Noise,
    heap: BinaryHeap<Ev>,
    seq: u64,
    now: u64,
    out: W,
    buf: Vec<u8>,
    bytes: u64,
    lines: u64,
    iscsi_lines: u64,
    done: bool,
    incs: Vec<IncRec>,
    lfs: Vec<LfRec>,
}

/// Writes a log as configured to `out` and returns its ground truth.
pub fn generate<W: Write>(cfg: &Config, out: W) -> io::Result<Truth> {
    let mut rng = Rng::new(cfg.seed);
    let kernel_only = cfg.format.kernel_only();
    let hosts = if kernel_only { 1 } else { cfg.hosts.max(1) };
    let start_us = cfg.start_unix.max(0) as u64 * S;
    let w = World::new(
        &mut rng,
        hosts,
        cfg.paths_per_host.max(1),
        start_us,
        kernel_only,
    );
    let mut g = Gen {
        cfg,
        rng,
        w,
        env: Envelope::new(cfg.format),
        noise: Noise::with_mix(kernel_only, cfg.noise_mix),
        heap: BinaryHeap::new(),
        seq: 0,
        now: start_us,
        out,
        buf: Vec::with_capacity(FLUSH_AT + 4096),
        bytes: 0,
        lines: 0,
        iscsi_lines: 0,
        done: false,
        incs: Vec::new(),
        lfs: Vec::new(),
    };
    g.run()?;
    Ok(g.finish())
}

impl<W: Write> Gen<'_, W> {
    fn schedule(&mut self, t: u64, kind: Kind, sess: u32, path: u32, rec: u32) {
        self.seq += 1;
        self.heap.push(Ev {
            t: t.max(self.now),
            seq: self.seq,
            kind,
            sess,
            path,
            rec,
        });
    }

    fn limit_hit(&self, extra: usize) -> bool {
        (self.cfg.max_bytes > 0 && self.bytes + extra as u64 > self.cfg.max_bytes)
            || (self.cfg.max_lines > 0 && self.lines >= self.cfg.max_lines)
    }

    fn near_end(&self) -> bool {
        let tail_bytes = (self.cfg.max_bytes / 20).clamp(4096, 256 << 10);
        let tail_lines = (self.cfg.max_lines / 20).clamp(40, 2000);
        (self.cfg.max_bytes > 0 && self.bytes + tail_bytes >= self.cfg.max_bytes)
            || (self.cfg.max_lines > 0 && self.lines + tail_lines >= self.cfg.max_lines)
    }

    /// Accepts the line just rendered at `start..` or drops it and stops.
    fn accept(&mut self, start: usize) -> io::Result<bool> {
        let len = self.buf.len() - start;
        if self.limit_hit(len) {
            self.buf.truncate(start);
            self.done = true;
            return Ok(false);
        }
        self.bytes += len as u64;
        self.lines += 1;
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(true)
    }

    fn run(&mut self) -> io::Result<()> {
        let start = self.now;
        let kernel_only = self.cfg.format.kernel_only();
        if kernel_only {
            self.preamble()?;
        }
        let login_base = if kernel_only { start + 12 * S } else { start };
        for hi in 0..self.w.hosts.len() {
            let mut t = login_base + self.rng.below(20 * S);
            for pi in 0..self.w.hosts[hi].paths.len() {
                let path = self.w.hosts[hi].paths[pi];
                let pid = self.rng.range(2000, 60_000) as u32;
                self.schedule(t, Kind::LoginSeq(pid), NONE, path, NONE);
                t += self.rng.range(300, 2000) * MS;
            }
        }
        if self.cfg.only_iscsi {
            self.schedule(login_base + 40 * S, Kind::Spawn, NONE, 0, NONE);
        }
        let total_rate = self.cfg.noise_per_host_per_s.max(0.001) * self.w.hosts.len() as f64;
        let mean_gap = ((1e6 / total_rate) as u64).max(1);
        let p_spawn = (self.cfg.incident_rate / 10_000.0).clamp(0.0, 1.0);
        let mut tail_started = false;
        let mut tail_pending = 0;
        while !self.done {
            if !tail_started && self.near_end() {
                tail_started = true;
                tail_pending = self.cfg.tail_incidents;
            }
            // Sessions may all be busy when the tail begins: keep trying until they are not.
            while tail_pending > 0 && self.spawn(true) {
                tail_pending -= 1;
            }
            if self.cfg.only_iscsi {
                let Some(ev) = self.heap.pop() else { break };
                self.emit(ev)?;
                continue;
            }
            let t_next = self.now + 1 + self.rng.below(2 * mean_gap);
            while let Some(ev) = self.heap.peek().copied() {
                if ev.t > t_next || self.done {
                    break;
                }
                self.heap.pop();
                self.emit(ev)?;
            }
            if self.done {
                break;
            }
            self.now = t_next;
            let hi = self.rng.below(self.w.hosts.len() as u64) as usize;
            let at = self.buf.len();
            let h = &mut self.w.hosts[hi];
            self.noise.write(
                &mut self.rng,
                &mut self.buf,
                &mut self.env,
                t_next,
                &h.env,
                &mut h.noise,
            );
            if !self.accept(at)? {
                break;
            }
            if p_spawn > 0.0 && self.rng.chance(p_spawn) {
                self.spawn(false);
            }
        }
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        self.out.flush()
    }

    fn preamble(&mut self) -> io::Result<()> {
        const LINES: [(u64, &str); 5] = [
            (
                0,
                "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)",
            ),
            (
                0,
                "Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=/dev/mapper/vg0-root ro quiet",
            ),
            (
                1_204_118,
                "EXT4-fs (dm-0): mounted filesystem with ordered data mode. Quota mode: none.",
            ),
            (8_118_339, "Loading iSCSI transport class v2.0-870."),
            (8_131_027, "iscsi: registered transport (tcp)"),
        ];
        let base = self.now;
        for (off, text) in LINES {
            let t = base + off;
            let at = self.buf.len();
            let env: &HostEnv = &self.w.hosts[0].env;
            self.env
                .push_prefix(&mut self.buf, t, env, crate::envelope::Src::Kernel);
            self.buf.extend_from_slice(text.as_bytes());
            self.buf.push(b'\n');
            if !self.accept(at)? {
                return Ok(());
            }
            self.now = t;
        }
        Ok(())
    }

    fn emit(&mut self, ev: Ev) -> io::Result<()> {
        self.now = self.now.max(ev.t);
        let at = self.buf.len();
        if render(
            &ev,
            &self.w,
            &mut self.rng,
            &mut self.env,
            self.cfg.only_iscsi,
            &mut self.buf,
        ) {
            if !self.accept(at)? {
                return Ok(());
            }
            self.iscsi_lines += 1;
            self.record(&ev);
        }
        self.effect(ev);
        Ok(())
    }

    fn stamp(&mut self, ev: &Ev) -> Stamp {
        let hi = self.w.paths[ev.path as usize].host as usize;
        let (text, secs) = self.env.time_text(ev.t, &self.w.hosts[hi].env);
        Stamp {
            line: self.lines,
            text,
            secs,
        }
    }

    fn record(&mut self, ev: &Ev) {
        if ev.rec == NONE {
            return;
        }
        let r = ev.rec as usize;
        match ev.kind {
            Kind::LoginFail(_) => self.lfs[r].line = Some(self.stamp(ev)),
            Kind::LoginFailErr(..) => self.lfs[r].error_line = Some(self.lines),
            Kind::LoggingIn(_) => {}
            kind => {
                if self.incs[r].end.is_some() {
                    // After the timeout: iscsid keeps trying and may get the session back.
                    match kind {
                        Kind::ConnectFailed(_) => self.incs[r].late_attempts += 1,
                        Kind::Recovered(n) => {
                            self.incs[r].late_reported = Some(n);
                            self.incs[r].outage_end = Some(self.stamp(ev));
                        }
                        Kind::LogoutStart(_) => self.incs[r].outage_end = Some(self.stamp(ev)),
                        _ => {}
                    }
                    return;
                }
                if self.incs[r].start.is_none() {
                    self.incs[r].start = Some(self.stamp(ev));
                }
                match kind {
                    Kind::ConnError(_) => self.incs[r].error_line = Some(self.lines),
                    Kind::ConnectFailed(_) => self.incs[r].attempts += 1,
                    Kind::Recovered(n) => {
                        self.incs[r].end = Some(self.stamp(ev));
                        self.incs[r].outage_end = Some(self.stamp(ev));
                        self.incs[r].outcome = Outcome::Recovered;
                        self.incs[r].reported = Some(n);
                    }
                    Kind::TimedOut(_) => {
                        self.incs[r].end = Some(self.stamp(ev));
                        self.incs[r].outcome = Outcome::RecoveryTimedOut;
                    }
                    _ => {}
                }
            }
        }
    }

    fn effect(&mut self, ev: Ev) {
        let t = ev.t;
        match ev.kind {
            Kind::LoginSeq(pid) => {
                let s = self.w.new_session(ev.path);
                let hi = self.w.paths[ev.path as usize].host as usize;
                if self.w.hosts[hi].logging_in_line {
                    self.schedule(t, Kind::LoggingIn(pid), s, ev.path, NONE);
                }
                let banner = t + self.rng.range(15, 60) * MS;
                self.schedule(banner, Kind::HostBanner, s, ev.path, NONE);
                let attach = banner + self.rng.range(20, 80) * MS;
                self.schedule(attach, Kind::ScsiAttach, s, ev.path, NONE);
                let op = banner + self.rng.range(30, 120) * MS;
                self.schedule(op, Kind::OperationalNow, s, ev.path, NONE);
                let ok = op + self.rng.range(1, 10) * MS;
                self.schedule(ok, Kind::LoginOk(pid), s, ev.path, NONE);
                let sd = attach + self.rng.range(50, 400) * MS;
                self.schedule(sd, Kind::SdAttached, s, ev.path, NONE);
            }
            Kind::LoginOk(_) => self.w.sessions[ev.sess as usize].state = SessState::Up,
            Kind::Recovered(_) => {
                if self.cfg.format.kernel_only() {
                    // The recovery is invisible in dmesg; replace the session so that the
                    // unseen end never merges with a later incident on the same sid.
                    let d = self.rng.range(60, 600) * S;
                    self.schedule(t + d, Kind::Replace, ev.sess, ev.path, NONE);
                } else {
                    self.w.sessions[ev.sess as usize].state = SessState::Up;
                }
            }
            Kind::LogoutDone(_) | Kind::Replace => {
                self.w.release(ev.sess);
                if ev.kind == Kind::Replace {
                    let pid = self.rng.range(2000, 60_000) as u32;
                    let d = self.rng.range(1000, 5000) * MS;
                    self.schedule(t + d, Kind::LoginSeq(pid), NONE, ev.path, NONE);
                }
            }
            Kind::LoginFailSeq(pid, code, delay_ms) => {
                let rec = self.lfs.len() as u32;
                self.lfs.push(LfRec {
                    path: ev.path,
                    code,
                    line: None,
                    error_line: None,
                });
                let hi = self.w.paths[ev.path as usize].host as usize;
                if self.w.hosts[hi].logging_in_line {
                    self.schedule(t, Kind::LoggingIn(pid), NONE, ev.path, rec);
                }
                let f = t + u64::from(delay_ms) * MS;
                self.schedule(f, Kind::LoginFail(pid), NONE, ev.path, rec);
                let fe = f + self.rng.range(50, 900);
                self.schedule(fe, Kind::LoginFailErr(pid, code), NONE, ev.path, rec);
            }
            Kind::Spawn => {
                self.spawn(false);
                let n_paths = self.w.paths.len().max(1) as u64;
                let gap = 1 + self.rng.below(2 * 60 * S / n_paths);
                self.schedule(t + gap, Kind::Spawn, NONE, 0, NONE);
            }
            _ => {}
        }
    }

    /// Starts an incident (or, rarely, a failing login) on a random host at `now`; false when
    /// no session was free.
    fn spawn(&mut self, tail: bool) -> bool {
        let n_hosts = self.w.hosts.len();
        let first = self.rng.below(n_hosts as u64) as usize;
        let tries = if tail { n_hosts } else { 1 };
        for k in 0..tries {
            let hi = (first + k) % n_hosts;
            let mut ups: Vec<u32> = Vec::new();
            for &p in &self.w.hosts[hi].paths {
                if let Some(s) = self.w.paths[p as usize].session
                    && self.w.sessions[s as usize].state == SessState::Up
                {
                    ups.push(s);
                }
            }
            if !tail && self.rng.chance(0.04) {
                let bad = self.w.hosts[hi].bad_path;
                let pid = self.rng.range(2000, 60_000) as u32;
                let code = if self.rng.chance(0.7) { 24 } else { 19 };
                let delay = self.rng.range(40, 400) as u32;
                self.schedule(
                    self.now,
                    Kind::LoginFailSeq(pid, code, delay),
                    NONE,
                    bad,
                    NONE,
                );
                return true;
            }
            if ups.is_empty() {
                continue;
            }
            let r = self.rng.below(100);
            let cause = match r {
                0..50 => 1022,
                50..88 => 1020,
                88..94 => 1011,
                _ => 1021,
            };
            let storm =
                !tail && ups.len() >= 2 && matches!(cause, 1020 | 1022) && self.rng.chance(0.12);
            let n = if storm {
                self.rng.range(2, ups.len().min(4) as u64) as usize
            } else {
                1
            };
            for i in 0..n {
                let j = i + self.rng.below((ups.len() - i) as u64) as usize;
                ups.swap(i, j);
                let t0 = self.now + if i == 0 { 0 } else { self.rng.below(150 * MS) };
                self.plan_incident(ups[i], cause, t0, tail);
            }
            return true;
        }
        false
    }

    fn plan_incident(&mut self, s: u32, cause: u16, t0: u64, tail: bool) {
        self.w.sessions[s as usize].state = SessState::Busy;
        let path = self.w.sessions[s as usize].path;
        let hi = self.w.paths[path as usize].host as usize;
        let (hz, tmo, fg, mpath) = {
            let h = &self.w.hosts[hi];
            (
                u64::from(h.hz),
                u64::from(h.recovery_tmo),
                h.iscsid_foreground,
                h.multipath,
            )
        };
        let rec = self.incs.len() as u32;
        self.incs.push(IncRec {
            sess: s,
            cause,
            tail,
            start: None,
            error_line: None,
            end: None,
            outcome: Outcome::Unresolved,
            attempts: 0,
            reported: None,
            late_attempts: 0,
            late_reported: None,
            outage_end: None,
        });
        let mut t = t0;
        if cause == 1022 {
            let rx_jit = self.rng.below(hz / 2 + 1) as u32;
            let ping_jit = self.rng.below(hz / 4 + 1) as u32;
            self.schedule(t, Kind::PingTimeout { rx_jit, ping_jit }, s, path, rec);
            t += self.rng.range(20, 400);
        }
        self.schedule(t, Kind::ConnError(cause), s, path, rec);
        let te = t;
        let lag = if fg {
            self.rng.range(1, 40) * MS
        } else {
            self.rng.range(1, 1000) * MS
        };
        self.schedule(te + lag, Kind::KernelReported(cause), s, path, rec);
        let reason = if cause == 1020 && self.rng.chance(0.7) {
            Reason::Refused
        } else {
            Reason::NoRoute
        };
        let interval = self.rng.range(2000, 8000) * MS;
        let first = te + lag + self.rng.range(500, 3000) * MS;
        let mut k = 0u64;
        let attempt_at = |rng: &mut Rng, k: u64| first + k * interval + rng.below(300 * MS);
        if tail {
            for k in 0..400 {
                let a = attempt_at(&mut self.rng, k);
                self.schedule(a, Kind::ConnectFailed(reason), s, path, rec);
            }
            return;
        }
        let p_recover = if cause == 1021 {
            0.9
        } else if tmo <= 15 {
            0.35
        } else {
            0.6
        };
        if self.rng.chance(p_recover) {
            let rec_at = if cause == 1021 {
                te + self.rng.range(500, 2000) * MS
            } else {
                let max = (tmo * S).saturating_sub(500 * MS).min(110 * S);
                te + self.rng.range(600 * MS, max.max(700 * MS))
            };
            // iscsid reports the error before it logs in again, however late its logger is.
            let rec_at = rec_at.max(te + lag + self.rng.range(100, 600) * MS);
            loop {
                let a = attempt_at(&mut self.rng, k);
                if a + 300 * MS >= rec_at {
                    break;
                }
                self.schedule(a, Kind::ConnectFailed(reason), s, path, rec);
                k += 1;
            }
            self.schedule(rec_at, Kind::Recovered(k as u32 + 1), s, path, rec);
            return;
        }
        let t_to = te + tmo * S + self.rng.range(1, 40) * MS;
        loop {
            let a = attempt_at(&mut self.rng, k);
            if a + 100 * MS >= t_to {
                break;
            }
            self.schedule(a, Kind::ConnectFailed(reason), s, path, rec);
            k += 1;
        }
        self.schedule(t_to, Kind::TimedOut(tmo as u32), s, path, rec);
        let u = self.fallout(s, path, t_to, tmo);
        if mpath && self.cfg.late_recovery && self.rng.chance(0.6) {
            let late = u + self.rng.range(10, 600) * S;
            loop {
                let a = attempt_at(&mut self.rng, k);
                if a + 300 * MS >= late {
                    break;
                }
                self.schedule(a.max(u + MS), Kind::ConnectFailed(reason), s, path, rec);
                k += 1;
            }
            self.schedule(late, Kind::Recovered(k as u32 + 1), s, path, rec);
            let r = late + self.rng.range(5, 50) * MS;
            self.schedule(r, Kind::MpathReinstate, s, path, NONE);
            let (r1, r2) = (
                r + self.rng.range(1, 30) * MS,
                r + self.rng.range(31, 60) * MS,
            );
            self.schedule(r1, Kind::MpathdReinstated, s, path, NONE);
            self.schedule(r2, Kind::MpathdRemaining(2), s, path, NONE);
            return;
        }
        let d = if self.cfg.only_iscsi {
            self.rng.range(20, 180)
        } else {
            self.rng.range(120, 1800)
        };
        let lo = u + d * S;
        let pid = self.rng.range(2000, 60_000) as u32;
        self.schedule(lo, Kind::LogoutStart(pid), s, path, rec);
        let sh = lo + self.rng.range(30, 80) * MS;
        self.schedule(sh, Kind::LogoutShutdown, s, path, NONE);
        let done = sh + self.rng.range(5, 20) * MS;
        self.schedule(done, Kind::LogoutDone(pid), s, path, NONE);
        let mut next = sh + self.rng.range(10, 300) * S;
        let pid2 = self.rng.range(2000, 60_000) as u32;
        if self.rng.chance(0.4) {
            self.schedule(next, Kind::LoginFailSeq(pid2, 8, 120_000), NONE, path, NONE);
            next += (120 + self.rng.range(30, 600)) * S;
        }
        self.schedule(next, Kind::LoginSeq(pid2), NONE, path, NONE);
    }

    /// Schedules what the kernel prints once a session's I/O is failed; returns when it ends.
    fn fallout(&mut self, s: u32, path: u32, t_to: u64, tmo: u64) -> u64 {
        let hi = self.w.paths[path as usize].host as usize;
        let older = self.w.hosts[hi].style == crate::world::KernelStyle::Older;
        let mpath = self.w.hosts[hi].multipath;
        let mut u = t_to + self.rng.range(20, 300);
        let base = self.rng.range(1000, 50_000_000);
        if self.rng.chance(0.4) {
            let tag = self.rng.below(256) as u32;
            let age = (tmo + self.rng.below(30)) as u32;
            self.schedule(u, Kind::FailedResult { tag, age }, s, path, NONE);
            self.schedule(u + 40, Kind::Cdb { tag, sector: base }, s, path, NONE);
            let io = Kind::IoError {
                sector: base,
                write: true,
                transport: true,
            };
            self.schedule(u + 80, io, s, path, NONE);
            u += 100;
        }
        self.schedule(u, Kind::Rejecting, s, path, NONE);
        u += self.rng.range(5, 40);
        if self.rng.chance(0.3) {
            let n = self.rng.range(1, 20) as u32;
            self.schedule(u, Kind::Suppressed(n), s, path, NONE);
            u += self.rng.range(5, 40);
        }
        let n_io = self.rng.range(1, 6);
        for i in 0..n_io {
            if older && i > 0 {
                self.schedule(u, Kind::Rejecting, s, path, NONE);
                u += self.rng.range(5, 40);
            }
            let io = Kind::IoError {
                sector: base + self.rng.below(4096) * 8,
                write: self.rng.chance(0.8),
                transport: false,
            };
            self.schedule(u, io, s, path, NONE);
            u += self.rng.range(5, 40);
        }
        if self.rng.chance(0.5) {
            let block = base / 8 + self.rng.below(512);
            self.schedule(u, Kind::BufferIo(block), s, path, NONE);
            u += self.rng.range(5, 40);
        }
        if mpath {
            u += self.rng.range(100, 800);
            self.schedule(u, Kind::MpathFail, s, path, NONE);
            u += self.rng.range(1, 50) * MS;
            self.schedule(u, Kind::MpathdFailed, s, path, NONE);
            u += self.rng.range(1, 3) * MS;
            self.schedule(u, Kind::MpathdRemaining(1), s, path, NONE);
        }
        u
    }

    fn finish(self) -> Truth {
        let kernel_only = self.cfg.format.kernel_only();
        let host_name = |hi: usize| (!kernel_only).then(|| self.w.hosts[hi].env.name.clone());
        let portal = |p: [u8; 4]| format!("{}.{}.{}.{}:3260", p[0], p[1], p[2], p[3]);
        let mut incidents: Vec<Incident> = Vec::with_capacity(self.incs.len());
        for r in self.incs {
            let Some(start) = r.start else { continue };
            let sess = &self.w.sessions[r.sess as usize];
            let path = &self.w.paths[sess.path as usize];
            let host = &self.w.hosts[path.host as usize];
            let since_start = |e: &Stamp| ((e.secs - start.secs) * 1e6).round() / 1e6;
            let duration_s = r.end.as_ref().map(since_start);
            let outage_s = r.outage_end.as_ref().map(since_start);
            incidents.push(Incident {
                host: host_name(path.host as usize),
                sid: sess.sid,
                cid: 0,
                cause: r.cause,
                cause_name: kernel_err(r.cause).0,
                start,
                error_line: r.error_line,
                end: r.end,
                outcome: r.outcome,
                attempts: r.attempts,
                reported_attempts: r.reported,
                duration_s,
                reconnected_after_timeout: r.late_reported.is_some(),
                late_attempts: r.late_attempts,
                late_reported_attempts: r.late_reported,
                outage_s,
                outage_end: r.outage_end,
                recovery_tmo: host.recovery_tmo,
                hz: host.hz,
                multipath: host.multipath,
                target: path.target.clone(),
                portal: portal(path.portal),
                tail: r.tail,
            });
        }
        incidents.sort_by_key(|i| i.start.line);
        let mut login_failures = Vec::new();
        for r in self.lfs {
            let Some(line) = r.line else { continue };
            let path = &self.w.paths[r.path as usize];
            login_failures.push(LoginFailure {
                host: host_name(path.host as usize),
                code: r.code,
                target: path.target.clone(),
                portal: portal(path.portal),
                line,
                error_line: r.error_line,
            });
        }
        Truth {
            format: self.cfg.format.name().to_string(),
            seed: self.cfg.seed,
            lines: self.lines,
            bytes: self.bytes,
            iscsi_lines: self.iscsi_lines,
            incidents,
            login_failures,
        }
    }
}
