//! HZ and the silence before a NOP ping timeout, from the jiffies the kernel prints.
//!
//! `ping timeout of P secs expired, recv timeout R, last rx A, last ping B, now C`: the ping
//! was sent at B and the connection failed at C >= B + P·HZ, so HZ ≈ (C − B) / P, rounded to a
//! kernel's choice (100, 250, 300, 1000). When the line also has a printk uptime, jiffies
//! started at INITIAL_JIFFIES = 2³² − 300·HZ, which confirms HZ (or picks it when the ratio is
//! ambiguous). An HZ under which the kernel could not have failed yet is never chosen, and
//! the uptime's HZ wins over the ratio.

use super::fields::PingNumbers;

/// The HZ values kernels are built with.
pub const HZ_CHOICES: [u32; 4] = [100, 250, 300, 1000];

/// What the ping-timeout numbers say.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PingTiming {
    /// The inferred tick rate.
    pub hz: u32,
    /// True when INITIAL_JIFFIES and the printk uptime agree with `hz`.
    pub hz_confirmed: bool,
    /// Seconds without any PDU from the target: (now − last rx) / HZ.
    pub silence_s: f64,
    /// Seconds the ping was outstanding: (now − last ping) / HZ.
    pub since_ping_s: f64,
    /// Seconds the kernel allows before failing: recv timeout + ping timeout.
    pub expected_s: f64,
    /// The silence is far beyond the timeouts: the host (or VM) was stalled, because the
    /// timer that checks the connection could not run in time.
    pub stalled: bool,
}

/// Jiffies elapsed from `earlier` to `later`, allowing for a 32-bit wrap.
fn elapsed(later: u64, earlier: u64) -> Option<u64> {
    if later >= earlier {
        Some(later - earlier)
    } else if earlier <= u64::from(u32::MAX) && later <= u64::from(u32::MAX) {
        Some(later + (1u64 << 32) - earlier)
    } else {
        None
    }
}

/// The uptime implied by a jiffies value on a 64-bit kernel with the given HZ.
pub fn uptime_from_jiffies(now: u64, hz: u32) -> Option<f64> {
    let initial = (1u64 << 32) - 300 * u64::from(hz);
    elapsed(now, initial).map(|d| d as f64 / f64::from(hz))
}

fn uptime_matches(now: u64, hz: u32, uptime: f64) -> bool {
    match uptime_from_jiffies(now, hz) {
        Some(u) => (u - uptime).abs() <= 5.0 + uptime * 0.005,
        None => false,
    }
}

/// Infers HZ and the silence from the numbers of one ping-timeout line, with the printk
/// uptime of the same line when the log has one.
pub fn ping_timing(p: &PingNumbers, uptime: Option<f64>) -> Option<PingTiming> {
    if p.ping_tmo == 0 {
        return None;
    }
    let since_ping = elapsed(p.now, p.last_ping)?;
    let silence = elapsed(p.now, p.last_rx)?;
    let raw = since_ping as f64 / p.ping_tmo as f64;
    if raw <= 0.0 {
        return None;
    }
    // The kernel fails the connection only once the ping has been out `ping_tmo` seconds
    // (libiscsi.c `iscsi_has_ping_timed_out`: `time_before_eq(last_ping + ping_timeout * HZ,
    // jiffies)`), and sends that ping only after `recv_tmo` seconds without a PDU
    // (`iscsi_check_transport_timeouts`). An HZ that makes either span shorter cannot be the
    // kernel's.
    let expected = p.recv_tmo + p.ping_tmo;
    let possible = |hz: u32| {
        let hz = u64::from(hz);
        since_ping >= p.ping_tmo * hz && silence >= expected * hz
    };
    // Nearest choice by ratio (log distance), since the timer may fire late.
    let by_ratio = |hz: u32| (raw / f64::from(hz)).ln().abs();
    let mut ranked = HZ_CHOICES;
    ranked.sort_by(|a, b| by_ratio(*a).total_cmp(&by_ratio(*b)));
    let mut hz = ranked
        .iter()
        .copied()
        .find(|&h| possible(h))
        .unwrap_or(ranked[0]);
    let mut confirmed = false;
    // The printk uptime, through INITIAL_JIFFIES (2^32 - 300 HZ), names the HZ whatever the
    // ratio says: a timer that fired a minute late gives a ratio near another HZ.
    if let Some(up) = uptime {
        if let Some(&h) = ranked
            .iter()
            .find(|&&h| uptime_matches(p.now, h, up) && possible(h))
        {
            hz = h;
            confirmed = true;
        }
    }
    let hzf = f64::from(hz);
    let silence_s = silence as f64 / hzf;
    let since_ping_s = since_ping as f64 / hzf;
    let expected_s = expected as f64;
    // A stall is silence far beyond the timeouts: the timer that checks the connection could
    // not run. A long since-ping alone is none: the SCSI command-timeout handler sends NOP-Outs
    // early (libiscsi.c `iscsi_eh_cmd_timed_out` → `iscsi_send_nopout`), so the ping may be
    // old while the target was silent only as long as the timeouts allow.
    let stalled = silence_s > 2.0 * expected_s + 1.0;
    Some(PingTiming {
        hz,
        hz_confirmed: confirmed,
        silence_s,
        since_ping_s,
        expected_s,
        stalled,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nums(ping: u64, recv: u64, rx: u64, lp: u64, now: u64) -> PingNumbers {
        PingNumbers {
            ping_tmo: ping,
            recv_tmo: recv,
            last_rx: rx,
            last_ping: lp,
            now,
        }
    }

    #[test]
    fn issue_example() {
        let t = ping_timing(&nums(5, 5, 36174282912, 36174287936, 36174292992), None).unwrap();
        assert_eq!(t.hz, 1000);
        assert!((t.silence_s - 10.08).abs() < 1e-9);
        assert!(!t.stalled);
    }

    #[test]
    fn confirmed_by_uptime() {
        // corpus 017: HZ=250 at 1050 s uptime.
        let t = ping_timing(
            &nums(5, 5, 4295152378, 4295153633, 4295154944),
            Some(1050.611244),
        )
        .unwrap();
        assert_eq!((t.hz, t.hz_confirmed), (250, true));
        // corpus 014: HZ=1000 at 59873 s.
        let t = ping_timing(
            &nums(5, 5, 4354526811, 4354531840, 4354536960),
            Some(59873.32029),
        )
        .unwrap();
        assert_eq!((t.hz, t.hz_confirmed), (1000, true));
    }

    /// HZ 100, the ping timer a minute late, and the uptime of the line matching HZ 100:
    /// the ratio alone says about 1300 ticks per second (HZ 1000 and 7 s of silence), but
    /// the uptime says HZ 100 and 70 s.
    #[test]
    fn uptime_wins_over_a_late_timer() {
        let hz = 100u64;
        let initial = (1u64 << 32) - 300 * hz;
        let uptime = 5000.0;
        let now = initial + (uptime as u64) * hz;
        let last_ping = now - 65 * hz;
        let last_rx = now - 70 * hz;
        let p = nums(5, 5, last_rx, last_ping, now);
        let t = ping_timing(&p, Some(uptime)).unwrap();
        assert_eq!((t.hz, t.hz_confirmed), (100, true));
        assert!((t.silence_s - 70.0).abs() < 1e-9);
        assert!(t.stalled);
        // Without the uptime, HZ 1000 is impossible (7 s of silence is less than the 10 s
        // the timeouts need before the kernel can fail), so it is not chosen.
        let t = ping_timing(&p, None).unwrap();
        assert_ne!(t.hz, 1000);
        assert!(t.silence_s >= 10.0);
    }

    /// An HZ that gives a since-ping below the ping timeout, or a silence below recv + ping
    /// timeout, is never chosen.
    #[test]
    fn impossible_hz_rejected() {
        // 1100 ticks since the 5 s ping, 2100 of silence: the ratio (220 a second) is nearest
        // HZ 250, which would make the ping 4.4 s old, too young to fail; HZ 100 gives 11 s
        // and 21 s.
        let t = ping_timing(&nums(5, 5, 0, 1000, 2100), None).unwrap();
        assert!(t.since_ping_s >= 5.0 && t.silence_s >= 10.0, "{t:?}");
        assert_eq!(t.hz, 100);
    }

    /// Early NOP-Outs from the command-timeout handler: the ping is old, the silence is not.
    #[test]
    fn an_old_ping_with_normal_silence_is_no_stall() {
        // HZ 1000: ping sent 30 s before the failure, nothing received for 11 s.
        let t = ping_timing(&nums(5, 5, 100_000, 81_000, 111_000), None).unwrap();
        assert_eq!(t.hz, 1000);
        assert!(!t.stalled, "{t:?}");
    }

    #[test]
    fn stalled_and_wrapped() {
        let t = ping_timing(&nums(5, 5, 1000, 2000, 62000), None).unwrap();
        assert_eq!(t.hz, 1000);
        assert!(t.stalled);
        // 32-bit wrap between last rx and now.
        let t = ping_timing(
            &nums(
                5,
                5,
                u64::from(u32::MAX) - 4999,
                u64::from(u32::MAX) - 2,
                5000,
            ),
            None,
        )
        .unwrap();
        assert_eq!(t.hz, 1000);
        assert!((t.silence_s - 10.0).abs() < 1e-9);
        assert!(ping_timing(&nums(0, 5, 1, 2, 3), None).is_none());
    }
}
