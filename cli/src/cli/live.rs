//! `decode` on live input: `--follow`, `--idle`, and the SIGINT/SIGTERM handler that ends
//! a live run with its summary.

use iscsi_decode::decode::{Live, is_live};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Parses `--idle`: a number with a unit (`ms`, `s`, `m`, `h`; seconds without one).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (30s, 500ms, 2m, 1h)"))?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        u => return Err(format!("unknown unit `{u}` (ms, s, m, h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("`{s}`: {e}"))
}

/// The live options of a run over `files` (`--follow`, `--from-start`, `--idle`). When some
/// input is live, SIGINT and SIGTERM (and SIGHUP) end the run with its summary and status 0;
/// a second signal exits at once.
pub fn options(follow: bool, from_start: bool, idle: Duration, files: &[String]) -> Live {
    let mut live = Live {
        follow,
        from_start,
        idle,
        stop: None,
    };
    if follow || files.iter().any(|f| is_live(f)) {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let set = ctrlc::set_handler(move || {
            if flag.swap(true, Ordering::Relaxed) {
                std::process::exit(130);
            }
        });
        if set.is_ok() {
            live.stop = Some(stop);
        }
    }
    live
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1"), Ok(Duration::from_secs(1)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("x").is_err());
        assert!(parse_duration("3d").is_err());
    }
}
