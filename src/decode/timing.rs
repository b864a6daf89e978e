//! HZ and the silence before a NOP ping timeout, from the jiffies the kernel prints.
//!
//! `ping timeout of P secs expired, recv timeout R, last rx A, last ping B, now C`: the ping
//! was sent at B and the connection failed at C >= B + P·HZ, so HZ ≈ (C − B) / P, rounded to a
//! kernel's choice (100, 250, 300, 1000). When the line also has a printk uptime, jiffies
//! started at INITIAL_JIFFIES = 2³² − 300·HZ, which confirms HZ (or picks it when the ratio is
//! ambiguous).

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
    // Nearest choice by ratio (log distance), since the timer may fire late.
    let by_ratio = |hz: u32| (raw / f64::from(hz)).ln().abs();
    let mut ranked = HZ_CHOICES;
    ranked.sort_by(|a, b| by_ratio(*a).total_cmp(&by_ratio(*b)));
    let mut hz = ranked[0];
    let mut confirmed = false;
    if let Some(up) = uptime {
        if let Some(&h) = ranked.iter().find(|&&h| uptime_matches(p.now, h, up)) {
            // The uptime check wins over the ratio when the ratio is not clear-cut.
            if h == hz || by_ratio(h) < 0.5 {
                hz = h;
                confirmed = true;
            }
        }
    }
    let hzf = f64::from(hz);
    let silence_s = silence as f64 / hzf;
    let since_ping_s = since_ping as f64 / hzf;
    let expected_s = (p.recv_tmo + p.ping_tmo) as f64;
    let stalled =
        silence_s > 2.0 * expected_s + 1.0 || since_ping_s > 2.0 * p.ping_tmo as f64 + 1.0;
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
