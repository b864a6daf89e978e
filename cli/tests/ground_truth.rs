//! Ground truth: `iscsi-decode decode --json` finds exactly the incidents that `iscsi-loggen`
//! planted in a noisy log, in every log format, with the right host, session, cause, outcome,
//! attempts and duration.
//!
//! The generator records its truth from the lines it actually wrote (see
//! `loggen/src/truth.rs`), so a recovery that the format cannot show (dmesg has no iscsid
//! lines) is `unresolved` in the truth too. Incidents are matched by their first line.

use iscsi_loggen::{Config, Format, Incident, LoginFailure, Mix, Outcome, Truth, generate};
use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Seconds two durations may differ by: timestamps with one-second resolution are compared
/// as printed, so they agree exactly; the slack only absorbs float rounding.
const DURATION_TOLERANCE_S: f64 = 1.0;

fn config(format: Format, seed: u64) -> Config {
    Config {
        format,
        seed,
        max_bytes: 600 << 10,
        hosts: 3,
        paths_per_host: 8,
        incident_rate: 150.0,
        noise_per_host_per_s: 2.0,
        ..Config::default()
    }
}

fn write_log(cfg: &Config) -> (PathBuf, Truth) {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "ground-truth-{}-{}-{}.log",
        cfg.format.name(),
        cfg.noise_mix.name(),
        cfg.seed
    ));
    let file = std::fs::File::create(&path).expect("create log");
    let truth = generate(cfg, std::io::BufWriter::new(file)).expect("generate log");
    (path, truth)
}

/// Runs the decoder and returns its NDJSON records.
fn decode(path: &PathBuf) -> Vec<Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--json"])
        .arg(path)
        .stdin(Stdio::null())
        .output()
        .expect("run iscsi-decode");
    assert!(
        out.status.success(),
        "iscsi-decode failed on {}: {}\n{}",
        path.display(),
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8 output")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad NDJSON line {l:?}: {e}")))
        .collect()
}

fn first_line(inc: &Value) -> Option<u64> {
    inc.get("lines")?.get(0)?.as_u64()
}

/// The decoder's `attempts`: iscsid's own count when the log has one (`after recovery (K
/// attempts)`, also for a reconnect after the timeout), else the failed connects it saw while
/// the outage lasted (a timed-out session's relogins go on after the timeout line).
fn expected_attempts(t: &Incident) -> Option<u64> {
    let seen = t.attempts + t.late_attempts;
    let n = t
        .late_reported_attempts
        .or(t.reported_attempts)
        .or((seen > 0).then_some(seen));
    n.map(u64::from)
}

fn check_incident(t: &Incident, d: &Value, errs: &mut Vec<String>) {
    let at = format!(
        "incident at line {} (sid {}, {})",
        t.start.line, t.sid, t.cause
    );
    let mut diff = |what: &str, want: String, got: &Value| {
        errs.push(format!("{at}: {what}: want {want}, got {got}"));
    };
    let host = d.get("host").cloned().unwrap_or(Value::Null);
    if host.as_str() != t.host.as_deref() {
        diff("host", format!("{:?}", t.host), &host);
    }
    if d["sid"].as_u64() != Some(u64::from(t.sid)) {
        diff("sid", t.sid.to_string(), &d["sid"]);
    }
    if d["cid"].as_u64() != Some(u64::from(t.cid)) {
        diff("cid", t.cid.to_string(), &d["cid"]);
    }
    if d["cause"]["code"].as_u64() != Some(u64::from(t.cause))
        || d["cause"]["name"].as_str() != Some(t.cause_name)
    {
        diff(
            "cause",
            format!("{} {}", t.cause, t.cause_name),
            &d["cause"],
        );
    }
    if d["outcome"].as_str() != Some(t.outcome.as_str()) {
        diff("outcome", t.outcome.as_str().into(), &d["outcome"]);
    }
    let reconnected = d
        .get("reconnected_after_timeout")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if reconnected != t.reconnected_after_timeout {
        diff(
            "reconnected_after_timeout",
            t.reconnected_after_timeout.to_string(),
            &Value::Bool(reconnected),
        );
    }
    if d["attempts"].as_u64() != expected_attempts(t) {
        diff(
            "attempts",
            format!("{:?}", expected_attempts(t)),
            &d["attempts"],
        );
    }
    // duration_s spans the outage: to the recovery, to the reconnect after a timeout, or to
    // the logout of a timed-out session. With none of them in the log, it lasts at least
    // until the timeout.
    let got = d["duration_s"].as_f64();
    match (t.outage_s, t.duration_s, got) {
        (Some(want), _, Some(got)) if (got - want).abs() <= DURATION_TOLERANCE_S => {}
        (None, Some(want), Some(got)) if got + DURATION_TOLERANCE_S >= want => {}
        (None, None, _) => {}
        (outage, timeout, _) => diff(
            "duration_s",
            format!("outage {outage:?} (timeout after {timeout:?})"),
            &d["duration_s"],
        ),
    }
    if d["start"].as_str().map(str::trim) != Some(t.start.text.as_str()) {
        diff("start", format!("{:?}", t.start.text), &d["start"]);
    }
}

fn check_login_failure(t: &LoginFailure, d: &Value, errs: &mut Vec<String>) {
    let at = format!("login failure at line {}", t.line.line);
    let host = d.get("host").cloned().unwrap_or(Value::Null);
    if host.as_str() != t.host.as_deref() {
        errs.push(format!("{at}: host: want {:?}, got {host}", t.host));
    }
    if d["cause"]["code"].as_u64() != Some(u64::from(t.code)) {
        errs.push(format!(
            "{at}: cause: want iscsiadm error {}, got {}",
            t.code, d["cause"]
        ));
    }
    // `portal` is `{"address", "port"?}` (NDJSON schema 1.0).
    let portal = match (
        d["portal"]["address"].as_str(),
        d["portal"]["port"].as_u64(),
    ) {
        (Some(a), Some(p)) => Some(format!("{a}:{p}")),
        (a, _) => a.map(str::to_string),
    };
    if portal.as_deref() != Some(t.portal.as_str()) {
        errs.push(format!(
            "{at}: portal: want {}, got {}",
            t.portal, d["portal"]
        ));
    }
}

fn check_format(format: Format, seed: u64) {
    check_config(&config(format, seed));
}

fn check_config(cfg: &Config) {
    let format = cfg.format;
    let (path, truth) = write_log(cfg);
    let name = format!("{} ({} noise)", format.name(), cfg.noise_mix.name());
    // The log must be worth testing: several incidents of every outcome it can show.
    assert!(
        truth.count(Outcome::RecoveryTimedOut) >= 3,
        "{name}: too few timeouts"
    );
    assert!(
        truth.count(Outcome::Unresolved) >= 1,
        "{name}: no unresolved incident"
    );
    if !format.kernel_only() {
        assert!(
            truth.count(Outcome::Recovered) >= 3,
            "{name}: too few recoveries"
        );
        assert!(!truth.login_failures.is_empty(), "{name}: no login failure");
    }

    let records = decode(&path);
    let summary = records.last().expect("output");
    assert_eq!(
        summary["type"], "summary",
        "{name}: last record is the summary"
    );
    assert_eq!(
        summary["lines"].as_u64(),
        Some(truth.lines),
        "{name}: summary line count"
    );
    let incidents: Vec<&Value> = records.iter().filter(|r| r["type"] == "incident").collect();

    let mut errs = Vec::new();
    let mut used = vec![false; incidents.len()];
    let take = |line: u64, used: &mut Vec<bool>| -> Option<usize> {
        let i = incidents
            .iter()
            .enumerate()
            .position(|(i, d)| !used[i] && first_line(d) == Some(line))?;
        used[i] = true;
        Some(i)
    };
    for t in &truth.incidents {
        match take(t.start.line, &mut used) {
            Some(i) => check_incident(t, incidents[i], &mut errs),
            None => errs.push(format!(
                "incident at line {} (sid {}, {}, {}) not found",
                t.start.line,
                t.sid,
                t.cause,
                t.outcome.as_str()
            )),
        }
    }
    for t in &truth.login_failures {
        match take(t.line.line, &mut used) {
            Some(i) => check_login_failure(t, incidents[i], &mut errs),
            None => errs.push(format!(
                "login failure at line {} ({}) not found",
                t.line.line, t.portal
            )),
        }
    }
    for (i, d) in incidents.iter().enumerate() {
        if !used[i] {
            errs.push(format!("unexpected incident: {d}"));
        }
    }
    assert_eq!(
        summary["incidents"].as_u64(),
        Some(incidents.len() as u64),
        "{name}: summary incident count"
    );
    if !errs.is_empty() {
        let n = errs.len();
        errs.truncate(25);
        panic!(
            "{name}: {n} mismatches against {} truth incidents and {} login failures (log kept at {}):\n  {}",
            truth.incidents.len(),
            truth.login_failures.len(),
            path.display(),
            errs.join("\n  ")
        );
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn syslog_incidents_match_ground_truth() {
    check_format(Format::Syslog, 11);
}

#[test]
fn syslog_iso_incidents_match_ground_truth() {
    check_format(Format::SyslogIso, 12);
}

#[test]
fn journal_incidents_match_ground_truth() {
    check_format(Format::Journal, 13);
}

#[test]
fn dmesg_incidents_match_ground_truth() {
    check_format(Format::Dmesg, 14);
}

#[test]
fn dmesg_t_incidents_match_ground_truth() {
    check_format(Format::DmesgT, 15);
}

#[test]
fn syslog_chatter_incidents_match_ground_truth() {
    check_config(&Config {
        noise_mix: Mix::Chatter,
        ..config(Format::Syslog, 17)
    });
}

#[test]
fn journal_chatter_incidents_match_ground_truth() {
    check_config(&Config {
        noise_mix: Mix::Chatter,
        ..config(Format::Journal, 18)
    });
}

/// The chatter mix's noise lines are syslog lines of their programs, and none is recognised.
#[test]
fn chatter_lines_parse_as_syslog_and_are_not_recognised() {
    use iscsi_decode::decode::{Decoder, Envelope, Format as EnvelopeFormat};
    let cfg = Config {
        noise_mix: Mix::Chatter,
        max_bytes: 0,
        max_lines: 30_000,
        incident_rate: 0.0,
        tail_incidents: 0,
        ..config(Format::Syslog, 19)
    };
    let mut log = Vec::new();
    generate(&cfg, &mut log).expect("generate");
    let log = String::from_utf8(log).expect("utf-8");
    let mut d = Decoder::new(None);
    let mut store = String::new();
    let mut noise = 0;
    for (i, l) in log.lines().enumerate() {
        let env = Envelope::parse(l, None);
        assert_eq!(env.format, EnvelopeFormat::Syslog, "{l}");
        assert!(env.host.is_some(), "{l}");
        let program = env
            .program
            .as_deref()
            .unwrap_or_else(|| panic!("no program: {l}"));
        if ["kernel", "iscsid", "iscsiadm", "multipathd"].contains(&program) {
            continue;
        }
        assert!(
            [
                "sshd",
                "systemd-logind",
                "systemd",
                "CRON",
                "dockerd",
                "containerd",
                "kubelet"
            ]
            .contains(&program),
            "{l}"
        );
        noise += 1;
        store.clear();
        assert!(
            d.decode(i as u64 + 1, l, &mut store).is_none(),
            "recognised: {l}"
        );
    }
    assert!(noise > 29_000, "{noise}");
}

#[test]
fn standard_input_gives_the_same_incidents() {
    let cfg = config(Format::Journal, 16);
    let (path, _) = write_log(&cfg);
    let from_file: Vec<Value> = decode(&path)
        .into_iter()
        .filter(|r| r["type"] == "incident")
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run iscsi-decode");
    let log = std::fs::read(&path).expect("read log");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&log));
    let out = child.wait_with_output().expect("wait");
    writer.join().expect("writer").expect("write stdin");
    assert!(out.status.success());
    let from_stdin: Vec<Value> = String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("json"))
        .filter(|r| r["type"] == "incident")
        .collect();
    let key = |v: &Value| {
        (
            v["sid"].clone(),
            v["lines"].clone(),
            v["outcome"].clone(),
            v["cause"]["code"].clone(),
        )
    };
    assert_eq!(
        from_file.iter().map(key).collect::<Vec<_>>(),
        from_stdin.iter().map(key).collect::<Vec<_>>()
    );
    let _ = std::fs::remove_file(&path);
}
