//! Checks that the ground truth describes the log that was written: line numbers, texts,
//! attempt counts, durations, monotonic time, and no incident left out.

use iscsi_loggen::{Config, Format, Mix, Outcome, Truth, generate};

fn small(format: Format, seed: u64, only_iscsi: bool) -> Config {
    Config {
        format,
        seed,
        max_bytes: 600 << 10,
        hosts: 3,
        paths_per_host: 8,
        incident_rate: 150.0,
        noise_per_host_per_s: 2.0,
        only_iscsi,
        ..Config::default()
    }
}

fn run(cfg: &Config) -> (String, Truth) {
    let mut out = Vec::new();
    let truth = generate(cfg, &mut out).expect("generate");
    (String::from_utf8(out).expect("utf8"), truth)
}

/// A sortable key for the timestamp of a line.
fn time_key(format: Format, line: &str) -> (u64, u64) {
    const M: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let hms = |s: &str| -> u64 {
        let p: Vec<u64> = s.split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3600 + p[1] * 60 + p[2]
    };
    let mdh = |mon: &str, day: &str, t: &str| -> u64 {
        let m = M.iter().position(|x| *x == mon).unwrap() as u64;
        (m * 32 + day.trim().parse::<u64>().unwrap()) * 86_400 + hms(t)
    };
    match format {
        Format::Syslog | Format::Journal => (mdh(&line[0..3], &line[4..6], &line[7..15]), 0),
        Format::SyslogIso => {
            let ts = &line[..32];
            let secs = mdh(
                M[ts[5..7].parse::<usize>().unwrap() - 1],
                &ts[8..10],
                &ts[11..19],
            );
            (secs, ts[20..26].parse().unwrap())
        }
        Format::Dmesg => {
            let end = line.find(']').unwrap();
            let (s, us) = line[1..end].trim().split_once('.').unwrap();
            (s.parse().unwrap(), us.parse().unwrap())
        }
        Format::DmesgT => {
            let l = &line[1..];
            (mdh(&l[4..7], &l[8..10], &l[11..19]), 0)
        }
    }
}

fn check(cfg: &Config) -> Truth {
    let (log, truth) = run(cfg);
    let lines: Vec<&str> = log.lines().collect();
    let name = cfg.format.name();
    assert_eq!(lines.len() as u64, truth.lines, "{name}: line count");
    assert_eq!(log.len() as u64, truth.bytes, "{name}: byte count");
    assert!(truth.bytes <= cfg.max_bytes);
    assert!(log.ends_with('\n'));

    let mut prev = (0, 0);
    for (i, l) in lines.iter().enumerate() {
        let k = time_key(cfg.format, l);
        assert!(k >= prev, "{name}: time goes back at line {}: {l}", i + 1);
        prev = k;
    }

    let mut error_lines = Vec::new();
    for inc in &truth.incidents {
        let at = |n: u64| lines[n as usize - 1];
        let start = at(inc.start.line);
        let conn = format!("connection{}:0: ", inc.sid);
        assert!(start.contains(&conn), "{name}: start line {start}");
        assert!(
            start.contains(&inc.start.text),
            "{name}: start text {:?} in {start}",
            inc.start.text
        );
        if let Some(h) = &inc.host {
            assert!(start.contains(&format!(" {h} ")), "{name}: host in {start}");
        } else {
            assert!(cfg.format.kernel_only());
        }
        let Some(e) = inc.error_line else {
            // Only the ping-timeout line made it before the size limit.
            assert_eq!(
                inc.start.line,
                lines.len() as u64,
                "{name}: no conn error line"
            );
            assert_eq!(inc.outcome, Outcome::Unresolved);
            continue;
        };
        error_lines.push(e);
        assert!(
            at(e).ends_with(&format!("{conn}detected conn error ({})", inc.cause)),
            "{}",
            at(e)
        );
        if inc.cause == 1022 {
            assert!(start.contains("ping timeout of"), "{start}");
        }
        if let (Some(end), false) = (&inc.end, cfg.format.kernel_only()) {
            let reported = format!("Kernel reported iSCSI connection {}:0 error (", inc.sid);
            let host = format!(" {} ", inc.host.as_deref().unwrap());
            assert!(
                lines[inc.start.line as usize - 1..end.line as usize]
                    .iter()
                    .any(|l| l.contains(&reported) && l.contains(&host)),
                "{name}: iscsid's report of sid {} at line {} comes after the incident's end",
                inc.sid,
                inc.start.line
            );
        }
        let last = match (&inc.end, inc.outcome) {
            (Some(end), Outcome::Recovered) => {
                let l = at(end.line);
                let want = format!(
                    "connection{}:0 is operational after recovery ({} attempts)",
                    inc.sid,
                    inc.reported_attempts.unwrap()
                );
                assert!(l.ends_with(&want), "{name}: {l} / {want}");
                assert_eq!(inc.reported_attempts, Some(inc.attempts + 1));
                end.line
            }
            (Some(end), Outcome::RecoveryTimedOut) => {
                let l = at(end.line);
                let want = format!(
                    "session{}: session recovery timed out after {} secs",
                    inc.sid, inc.recovery_tmo
                );
                assert!(l.ends_with(&want), "{name}: {l}");
                end.line
            }
            (None, Outcome::Unresolved) => lines.len() as u64,
            other => panic!("{name}: inconsistent end {other:?}"),
        };
        if let Some(end) = &inc.end {
            let d = inc.duration_s.unwrap();
            assert!((d - (end.secs - inc.start.secs)).abs() < 1e-6);
            assert!(
                d >= 0.0 && d <= f64::from(inc.recovery_tmo) + 1.0,
                "{name}: duration {d}"
            );
            if inc.outcome == Outcome::RecoveryTimedOut {
                assert!(
                    d + 1.0 >= f64::from(inc.recovery_tmo),
                    "{name}: timed out after {d}"
                );
            }
        }
        if inc.reconnected_after_timeout {
            assert_eq!(inc.outcome, Outcome::RecoveryTimedOut);
            assert_eq!(
                inc.late_reported_attempts,
                Some(inc.attempts + inc.late_attempts + 1),
                "{name}: late recovery count"
            );
        }
        if let Some(o) = &inc.outage_end {
            let l = at(o.line);
            assert!(o.line >= last, "{name}: outage ends before the incident");
            assert!(
                l.contains("is operational after recovery")
                    || l.contains("Logging out of session [sid: "),
                "{name}: outage end {l}"
            );
            assert!(
                l.contains(&format!("connection{}:0 ", inc.sid))
                    || l.contains(&format!("[sid: {},", inc.sid))
            );
            assert!((inc.outage_s.unwrap() - (o.secs - inc.start.secs)).abs() < 1e-6);
        }
        let connect = format!("connect to {} failed", inc.portal);
        let counted = lines[inc.start.line as usize..last as usize]
            .iter()
            .filter(|l| {
                l.contains(&connect)
                    && inc
                        .host
                        .as_ref()
                        .is_none_or(|h| l.contains(&format!(" {h} ")))
            })
            .count() as u32;
        assert_eq!(
            counted, inc.attempts,
            "{name}: attempts of sid {} at line {}",
            inc.sid, inc.start.line
        );
    }

    // Every conn error in the log belongs to exactly one incident.
    let mut seen: Vec<u64> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("detected conn error ("))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    seen.sort();
    error_lines.sort();
    assert_eq!(seen, error_lines, "{name}: untracked conn errors");

    let could_not: Vec<u64> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("iscsiadm: Could not login to ["))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let mut lf: Vec<u64> = truth.login_failures.iter().map(|f| f.line.line).collect();
    lf.sort();
    assert_eq!(could_not, lf, "{name}: login failures");
    for f in &truth.login_failures {
        if let Some(e) = f.error_line {
            assert!(
                lines[e as usize - 1].contains(&format!("initiator reported error ({} - ", f.code))
            );
        }
    }
    truth
}

#[test]
fn every_format_is_consistent() {
    for format in Format::ALL {
        let t = check(&small(format, 7, false));
        assert!(
            t.incidents.len() >= 10,
            "{}: {} incidents",
            format.name(),
            t.incidents.len()
        );
        assert!(t.count(Outcome::RecoveryTimedOut) >= 2, "{}", format.name());
        assert!(t.count(Outcome::Unresolved) >= 1, "{}", format.name());
        if !format.kernel_only() {
            assert!(t.count(Outcome::Recovered) >= 2, "{}", format.name());
            assert!(!t.login_failures.is_empty(), "{}", format.name());
            assert!(t.incidents.iter().any(|i| i.attempts > 0));
            assert!(
                t.incidents.iter().any(|i| i.reconnected_after_timeout),
                "{}",
                format.name()
            );
        }
    }
}

#[test]
fn only_iscsi_is_consistent_and_has_no_noise() {
    for format in [Format::Syslog, Format::Dmesg] {
        let cfg = small(format, 3, true);
        let t = check(&cfg);
        assert_eq!(
            t.iscsi_lines,
            t.lines - if format == Format::Dmesg { 5 } else { 0 }
        );
        assert!(t.incidents.len() > 50);
    }
}

#[test]
fn many_seeds_stay_consistent() {
    for seed in 10..22 {
        let mut cfg = small(Format::ALL[seed as usize % 5], seed, seed % 2 == 0);
        cfg.max_bytes = 200 << 10;
        check(&cfg);
    }
}

#[test]
fn chatter_mix_is_consistent_and_keeps_the_incidents() {
    for format in Format::ALL {
        let cfg = Config {
            noise_mix: Mix::Chatter,
            ..small(format, 7, false)
        };
        let t = check(&cfg);
        let name = format.name();
        assert!(t.incidents.len() >= 10, "{name}: {}", t.incidents.len());
        assert!(t.count(Outcome::RecoveryTimedOut) >= 2, "{name}");
        assert!(t.count(Outcome::Unresolved) >= 1, "{name}");
        if !format.kernel_only() {
            assert!(t.count(Outcome::Recovered) >= 2, "{name}");
            assert!(!t.login_failures.is_empty(), "{name}");
            let (log, _) = run(&cfg);
            assert!(log.contains(" sshd["), "{name}: no chatter");
            assert!(
                !log.contains("postfix"),
                "{name}: default noise in the chatter mix"
            );
        }
    }
}

#[test]
fn chatter_mix_is_deterministic() {
    let mut cfg = Config {
        noise_mix: Mix::Chatter,
        ..small(Format::Syslog, 4, false)
    };
    let (a, ta) = run(&cfg);
    let (b, tb) = run(&cfg);
    assert_eq!(a, b);
    assert_eq!(ta.to_json(), tb.to_json());
    cfg.seed = 5;
    assert_ne!(a, run(&cfg).0);
    cfg.seed = 4;
    cfg.noise_mix = Mix::Default;
    assert_ne!(a, run(&cfg).0);
}

#[test]
fn deterministic_and_line_limited() {
    let mut cfg = small(Format::Journal, 42, false);
    cfg.max_bytes = 0;
    cfg.max_lines = 3000;
    let (a, ta) = run(&cfg);
    let (b, _) = run(&cfg);
    assert_eq!(a, b);
    assert_eq!(ta.lines, 3000);
    assert_eq!(ta.to_json(), run(&cfg).1.to_json());
    cfg.seed = 43;
    assert_ne!(a, run(&cfg).0);
}

#[test]
fn kernel_lines_with_and_without_uptime_and_coherent_jiffies() {
    let cfg = Config {
        hosts: 8,
        ..small(Format::Syslog, 5, false)
    };
    let (log, _) = run(&cfg);
    let with = log.lines().filter(|l| l.contains(" kernel: [")).count();
    let without = log
        .lines()
        .filter(|l| l.contains(" kernel: ") && !l.contains(" kernel: ["))
        .count();
    assert!(with > 0 && without > 0);
    // With an uptime prefix, jiffies must agree with it for one of the allowed HZ values.
    let mut checked = 0;
    for l in log
        .lines()
        .filter(|l| l.contains(" kernel: [") && l.contains("ping timeout of"))
    {
        let up: f64 = l
            .split('[')
            .nth(1)
            .unwrap()
            .split(']')
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let now: u64 = l.rsplit("now ").next().unwrap().parse().unwrap();
        let ok = [100u64, 250, 300, 1000].iter().any(|&hz| {
            let init = (1u64 << 32) - 300 * hz;
            let est = (now - init) as f64 / hz as f64;
            (est - up).abs() < 0.02
        });
        assert!(ok, "{l}");
        checked += 1;
    }
    assert!(checked > 0);
}
