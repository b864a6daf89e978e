//! `decode`'s filters and modes end to end: `--since/--until`, `--host`, `--session`,
//! `--outcome`, `--summary`, `-q`, `--fail-on` and its exit statuses, `--metrics-file`.
//!
//! The inputs are the fixtures of tests/fixtures/logs, copied into a temporary directory
//! with a chosen modification time where the year of syslog times matters:
//! - syslog-nop-timeout-recovered.log: node1, session 3, Mar 3 10:10:01, recovered;
//! - syslog-multipath-recovery-timeout.log: db2, session 7, Apr 11 03:15:20, recovery timed
//!   out (then logged in again);
//! - journal-short-iso.log: stor-cl1, session 12, 2025-01-06T14:01:00+0100, timed out;
//! - dmesg.log: no host, sessions 2 (timed out) and 5 (unresolved), uptime only.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NOP: &str = "syslog-nop-timeout-recovered.log";
const MPATH: &str = "syslog-multipath-recovery-timeout.log";
const JOURNAL: &str = "journal-short-iso.log";
const DMESG: &str = "dmesg.log";
const ALL: [&str; 4] = [NOP, MPATH, JOURNAL, DMESG];

/// A temporary directory with copies of the fixtures, modified at `mtime` (seconds since
/// 1970).
struct Logs {
    dir: PathBuf,
}

impl Logs {
    fn new(tag: &str, mtime: u64) -> Logs {
        let dir = std::env::temp_dir().join(format!("iscsi-filters-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/logs");
        for name in ALL {
            let to = dir.join(name);
            std::fs::copy(fixtures.join(name), &to).unwrap();
            let f = std::fs::File::options().write(true).open(&to).unwrap();
            f.set_modified(UNIX_EPOCH + Duration::from_secs(mtime))
                .unwrap();
        }
        Logs { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).display().to_string()
    }

    fn run(&self, args: &[&str], files: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
            .env("TZ", "UTC")
            .arg("decode")
            .args(args)
            .args(files.iter().map(|f| self.path(f)))
            .stdin(Stdio::null())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    /// The NDJSON objects of a run.
    fn json(&self, args: &[&str], files: &[&str]) -> Vec<Value> {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        let out = self.run(&a, files);
        assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    /// `(file, host, sid, outcome)` of each incident of a run.
    fn incidents(&self, args: &[&str]) -> Vec<(String, String, i64, String)> {
        self.json(args, &ALL)
            .iter()
            .filter(|o| o["type"] == "incident")
            .map(|o| {
                (
                    o["file"]
                        .as_str()
                        .unwrap_or_default()
                        .rsplit('/')
                        .next()
                        .unwrap()
                        .to_string(),
                    o["host"].as_str().unwrap_or("-").to_string(),
                    o["sid"].as_i64().unwrap_or(-1),
                    o["outcome"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect()
    }

    fn hosts_and_sessions(&self, args: &[&str]) -> Vec<(String, i64)> {
        self.incidents(args)
            .into_iter()
            .map(|(_, h, s, _)| (h, s))
            .collect()
    }
}

impl Drop for Logs {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// 2024-06-01T00:00:00Z: syslog's Mar 3 and Apr 11 are in 2024.
const JUNE_2024: u64 = 1_717_200_000;

fn pairs(v: &[(&str, i64)]) -> Vec<(String, i64)> {
    v.iter().map(|(h, s)| (h.to_string(), *s)).collect()
}

#[test]
fn no_filter_reports_everything() {
    let logs = Logs::new("all", JUNE_2024);
    assert_eq!(
        logs.hosts_and_sessions(&[]),
        pairs(&[
            ("node1", 3),
            ("db2", 7),
            ("stor-cl1", 12),
            ("-", 2),
            ("-", 5)
        ])
    );
}

#[test]
fn host_filter() {
    let logs = Logs::new("host", JUNE_2024);
    assert_eq!(
        logs.hosts_and_sessions(&["--host", "db2"]),
        pairs(&[("db2", 7)])
    );
    // Repeatable, and case-insensitive as host names are.
    assert_eq!(
        logs.hosts_and_sessions(&["--host", "NODE1", "--host", "stor-cl1"]),
        pairs(&[("node1", 3), ("stor-cl1", 12)])
    );
    assert!(logs.hosts_and_sessions(&["--host", "nosuch"]).is_empty());
    // Events: only the host's.
    let all = logs.json(&["--host", "db2"], &ALL);
    let events: Vec<&Value> = all.iter().filter(|o| o["type"] == "event").collect();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["host"] == "db2"), "{events:?}");
    // The summary counts the reported incidents on the reported hosts.
    let summary = all.iter().find(|o| o["type"] == "summary").unwrap();
    assert_eq!(summary["incidents"], 1, "{summary}");
}

#[test]
fn session_filter() {
    let logs = Logs::new("session", JUNE_2024);
    assert_eq!(
        logs.hosts_and_sessions(&["--session", "12"]),
        pairs(&[("stor-cl1", 12)])
    );
    assert_eq!(
        logs.hosts_and_sessions(&["--session", "3", "--session", "5"]),
        pairs(&[("node1", 3), ("-", 5)])
    );
    // With --host: both must hold.
    assert!(
        logs.hosts_and_sessions(&["--session", "3", "--host", "db2"])
            .is_empty()
    );
    let events: Vec<Value> = logs
        .json(&["--session", "7"], &ALL)
        .into_iter()
        .filter(|o| o["type"] == "event")
        .collect();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["sid"] == 7), "{events:?}");
}

#[test]
fn outcome_filter() {
    let logs = Logs::new("outcome", JUNE_2024);
    let outcomes = |o: &str| -> Vec<(String, i64)> { logs.hosts_and_sessions(&["--outcome", o]) };
    assert_eq!(outcomes("recovered"), pairs(&[("node1", 3)]));
    assert_eq!(
        outcomes("timed-out"),
        pairs(&[("db2", 7), ("stor-cl1", 12), ("-", 2)])
    );
    assert_eq!(outcomes("unresolved"), pairs(&[("-", 5)]));
    assert_eq!(
        logs.hosts_and_sessions(&["--outcome", "recovered", "--outcome", "unresolved"]),
        pairs(&[("node1", 3), ("-", 5)])
    );
    // Events are not filtered by outcome: they are written before it is known.
    let n = |args: &[&str]| {
        logs.json(args, &ALL)
            .iter()
            .filter(|o| o["type"] == "event")
            .count()
    };
    assert_eq!(n(&["--outcome", "recovered"]), n(&[]));
}

#[test]
fn time_window_absolute() {
    let logs = Logs::new("window", JUNE_2024);
    // Syslog dates take the file's year (2024); dmesg's uptimes are placed, as their `ts`
    // is, through the file's boot time (its modification time less its last uptime): June.
    assert_eq!(
        logs.hosts_and_sessions(&["--since", "2024-04-01"]),
        pairs(&[("db2", 7), ("stor-cl1", 12), ("-", 2), ("-", 5)])
    );
    assert_eq!(
        logs.hosts_and_sessions(&["--until", "2024-03-31 23:59"]),
        pairs(&[("node1", 3)])
    );
    // A boot time given moves them: booted on 2024-03-01, they fall in March.
    assert_eq!(
        logs.hosts_and_sessions(&["--until", "2024-03-31 23:59", "--boot-time", "2024-03-01"]),
        pairs(&[("node1", 3), ("-", 2), ("-", 5)])
    );
    // The journal's 14:01:00+0100 is 13:01:00Z; an incident is kept when its span overlaps.
    assert_eq!(
        logs.hosts_and_sessions(&[
            "--since",
            "2025-01-06T13:00:00Z",
            "--until",
            "2025-01-06T13:01:30+00:00"
        ])
        .into_iter()
        .filter(|(h, _)| h != "-")
        .collect::<Vec<_>>(),
        pairs(&[("stor-cl1", 12)])
    );
    assert!(
        logs.hosts_and_sessions(&["--until", "2025-01-06T12:59:59Z", "--host", "stor-cl1"])
            .is_empty()
    );
    // Events outside the window are not written.
    let events: Vec<Value> = logs
        .json(
            &[
                "--since",
                "2024-03-03 10:10:00",
                "--until",
                "2024-03-03T10:10:05",
            ],
            &[NOP],
        )
        .into_iter()
        .filter(|o| o["type"] == "event")
        .collect();
    let times: Vec<&str> = events.iter().map(|e| e["time"].as_str().unwrap()).collect();
    assert!(!times.is_empty());
    assert!(
        times
            .iter()
            .all(|t| ("Mar  3 10:10:00"..="Mar  3 10:10:05").contains(t)),
        "{times:?}"
    );
    // In another zone, the same local times are other UTC times: the window and `ts` agree.
    let zoned: Vec<Value> = logs.json(
        &[
            "--timezone",
            "+02:00",
            "--since",
            "2024-03-03T08:10:00Z",
            "--until",
            "2024-03-03T08:10:05Z",
        ],
        &[NOP],
    );
    assert_eq!(zoned[0]["zone"], "+02:00");
    let zoned: Vec<&Value> = zoned.iter().filter(|o| o["type"] == "event").collect();
    assert_eq!(zoned.len(), events.len());
    for (z, e) in zoned.iter().zip(&events) {
        assert_eq!(z["time"], e["time"]);
        let (zt, et) = (z["ts"].as_str().unwrap(), e["ts"].as_str().unwrap());
        assert!(
            zt.starts_with("2024-03-03T08:10:0") && et.starts_with("2024-03-03T10:10:0"),
            "{zt} {et}"
        );
        assert_eq!(zt[16..], et[16..]);
    }
    // The year taken is said on stderr.
    let out = logs.run(&["--since", "2024-01-01"], &[NOP]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("syslog times carry no year; taken as 2024"),
        "{err}"
    );
}

#[test]
fn syslog_year_before_the_files_time() {
    // Modified on 2024-03-01: a Mar 3 line is from 2023, not from after the file's time.
    let logs = Logs::new("year", 1_709_251_200);
    assert_eq!(
        logs.hosts_and_sessions(&[
            "--since",
            "2023-03-03",
            "--until",
            "2023-03-04",
            "--host",
            "node1"
        ]),
        pairs(&[("node1", 3)])
    );
    assert!(
        logs.hosts_and_sessions(&["--since", "2024-01-01", "--host", "node1"])
            .is_empty()
    );
    let out = logs.run(&["--since", "2023-01-01"], &[NOP]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("taken as 2023"));
}

#[test]
fn time_window_relative() {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let logs = Logs::new("relative", now);
    // Everything is older than a day but for dmesg's, whose file was written now.
    assert_eq!(
        logs.hosts_and_sessions(&["--since", "1d"]),
        pairs(&[("-", 2), ("-", 5)])
    );
    assert_eq!(logs.hosts_and_sessions(&["--since", "100000d"]).len(), 5);
    assert_eq!(logs.hosts_and_sessions(&["--until", "2h"]).len(), 3);
}

#[test]
fn summary_only() {
    let logs = Logs::new("summary", JUNE_2024);
    let out = logs.run(&["--summary"], &ALL);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("5 incidents on 4 hosts"), "{text}");
    assert!(text.contains("\nSummary\n"), "{text}");
    assert!(!text.contains("Incidents"), "{text}");
    assert!(!text.contains("No incidents"), "{text}");
    // -v adds nothing.
    assert_eq!(logs.run(&["--summary", "-v"], &ALL).stdout, out.stdout);
    // NDJSON: the header line (schema 1.0), then the summary object alone.
    let j = logs.json(&["--summary"], &ALL);
    assert_eq!(j.len(), 2, "{j:?}");
    assert_eq!(j[0]["type"], "header");
    assert_eq!(j[1]["type"], "summary");
    assert_eq!(j[1]["incidents"], 5);
    // With a filter, the summary counts what is reported.
    let text = logs
        .run(&["--summary", "--outcome", "timed-out"], &ALL)
        .stdout;
    assert!(String::from_utf8_lossy(&text).contains("3 incidents on 3 hosts"));
}

#[test]
fn quiet_prints_nothing() {
    let logs = Logs::new("quiet", JUNE_2024);
    for args in [
        &["-q"][..],
        &["--quiet", "--json", "-v"],
        &["-q", "--since", "2024-01-01"],
    ] {
        let out = logs.run(args, &ALL);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn fail_on_exit_statuses() {
    let logs = Logs::new("failon", JUNE_2024);
    let status = |args: &[&str], files: &[&str]| logs.run(args, files).status.code();
    // 0: no --fail-on, or nothing reported matches.
    assert_eq!(status(&[], &ALL), Some(0));
    assert_eq!(status(&["--fail-on", "unresolved"], &[NOP, MPATH]), Some(0));
    assert_eq!(status(&["--fail-on", "timed-out"], &[NOP]), Some(0));
    assert_eq!(
        status(&["--fail-on", "any", "--host", "nosuch"], &ALL),
        Some(0)
    );
    // 1: a reported incident matches (with any output mode).
    assert_eq!(status(&["--fail-on", "any"], &[NOP]), Some(1));
    assert_eq!(status(&["--fail-on", "timed-out", "-q"], &[MPATH]), Some(1));
    assert_eq!(
        status(&["--fail-on", "unresolved", "--json"], &ALL),
        Some(1)
    );
    assert_eq!(
        status(&["--fail-on", "unresolved", "--summary"], &[DMESG]),
        Some(1)
    );
    // Only incidents the filters keep count.
    assert_eq!(
        status(&["--fail-on", "unresolved", "--session", "2"], &[DMESG]),
        Some(0)
    );
    // 2: errors, which win over 1.
    let missing = logs.dir.join("missing.log").display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args([
            "decode",
            "-q",
            "--fail-on",
            "any",
            &logs.path(NOP),
            &missing,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.log"));
    for bad in [
        &["--since", "yesterday"][..],
        &["--until", "2024-02-30"],
        &["--since", "2024-03-02", "--until", "2024-03-01"],
        &["--outcome", "bogus"],
        &["--session", "three"],
        &["--fail-on", "sometimes"],
        &["--metrics-file", "/nonexistent/dir/iscsi.prom"],
        &["--metrics-file", "/"],
    ] {
        assert_eq!(status(bad, &[NOP]), Some(2), "{bad:?}");
    }
    let dir = logs.dir.display().to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--fail-on", "any", &dir])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn exit_statuses_in_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for s in [
        "Exit status:",
        "--fail-on",
        "--since",
        "--metrics-file",
        "  2  an error",
    ] {
        assert!(help.contains(s), "{s}: {help}");
    }
}

#[test]
fn verbose_and_passthrough_follow_the_filters() {
    let logs = Logs::new("verbose", JUNE_2024);
    let out = logs.run(&["-v", "--host", "db2"], &[NOP, MPATH]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("db2"), "{text}");
    assert!(!text.contains("node1"), "{text}");
    // An unrecognised line of another host is not passed through.
    let out = logs.run(&["--json", "--passthrough", "--host", "db2"], &[NOP, MPATH]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("sshd"), "{text}");
    let out = logs.run(&["--json", "--passthrough", "--host", "node1"], &[NOP]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("sshd"));
}

#[test]
fn metrics_file_passes_promtool() {
    let logs = Logs::new("metrics", JUNE_2024);
    let path = logs.dir.join("iscsi.prom");
    let p = path.display().to_string();
    let out = logs.run(&["-q", "--metrics-file", &p], &ALL);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = std::fs::read_to_string(&path).unwrap();
    for s in [
        "# TYPE iscsi_decode_incidents_total counter",
        "iscsi_decode_incidents_total{host=\"db2\",outcome=\"recovery_timed_out\",\
         cause_kind=\"kernel_error\",cause=\"ISCSI_ERR_TCP_CONN_CLOSE\"} 1",
        "iscsi_decode_sessions_down{host=\"\"} 2",
        "iscsi_decode_sessions_down{host=\"node1\"} 0",
        // The journal's 2025-01-06T14:01:00+0100, the latest start.
        "iscsi_decode_last_incident_timestamp_seconds 1736168460\n",
        "iscsi_decode_lines_read_total 60\n",
        "iscsi_decode_lines_recognised_total 55\n",
    ] {
        assert!(text.contains(s), "{s}\n{text}");
    }
    // A syslog date takes the file's year: Apr 11 03:15:20 2024.
    logs.run(&["-q", "--metrics-file", &p], &[MPATH]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("iscsi_decode_last_incident_timestamp_seconds 1712805320\n"),
        "{text}"
    );
    // The filters apply to the metrics too.
    logs.run(&["-q", "--host", "node1", "--metrics-file", &p], &ALL);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("db2"), "{text}");
    // A hostile host name stays inside its label.
    let hostile = logs.dir.join("hostile.log");
    std::fs::write(
        &hostile,
        "Mar  3 10:10:01 ev\"il\\h kernel:  connection3:0: detected conn error (1022)\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "-q", "--metrics-file", &p])
        .arg(&hostile)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("host=\"ev\\\"il\\\\h\""), "{text}");
    promtool_check(&path);
}

/// `promtool check metrics` on the file; SKIPPED (said on stderr, uncaptured) without
/// promtool (Debian's `prometheus` package; scripts/setup.sh installs it), except in CI
/// (`$CI` set), where that fails.
fn promtool_check(path: &Path) {
    let Ok(file) = std::fs::File::open(path) else {
        panic!("no metrics file {}", path.display())
    };
    let out = match Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(file)
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // CI installs it (scripts/setup.sh): there, its absence is a failure.
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is missing in CI: scripts/setup.sh installs Debian's prometheus"
            );
            // Straight to the terminal: the test harness captures print! but not this.
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED promtool check metrics: promtool is not installed \
                 (apt-get install prometheus)"
            );
            return;
        }
        Err(e) => panic!("promtool: {e}"),
    };
    assert!(
        out.status.success(),
        "promtool check metrics: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
