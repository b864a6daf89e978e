//! The journald pipeline of docs/pipelines.md with the real engines: journal export streams
//! of two hosts go through `systemd-journal-remote` into one journal file, and
//! `journalctl --file … -o json | iscsi-decode decode --json -` gives each host its incident.
//! Needs Debian's `systemd-journal-remote` and `journalctl` (scripts/setup.sh installs
//! them); without them the test fails and says so.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Where Debian installs the remote journal receiver (not on PATH).
const REMOTE: &[&str] = &[
    "/lib/systemd/systemd-journal-remote",
    "/usr/lib/systemd/systemd-journal-remote",
];

/// One record of the journal export format (systemd's JOURNAL_EXPORT_FORMATS).
fn record(us: u64, host: &str, ident: &str, transport: &str, msg: &str) -> String {
    format!(
        "__REALTIME_TIMESTAMP={us}\n__MONOTONIC_TIMESTAMP={us}\n\
         _BOOT_ID=0123456789abcdef0123456789abcdef\n_HOSTNAME={host}\n\
         SYSLOG_IDENTIFIER={ident}\nPRIORITY=3\n_TRANSPORT={transport}\nMESSAGE={msg}\n\n"
    )
}

/// A NOP timeout on session `sid` of `host` and its recovery `after` seconds later.
fn export(dir: &Path, host: &str, sid: u32, after: u64) -> PathBuf {
    let t = 1_733_500_000_000_000u64;
    let mut s = String::new();
    s += &record(
        t,
        host,
        "kernel",
        "kernel",
        &format!(
            " connection{sid}:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4295152378, last ping 4295153633, now 4295154944"
        ),
    );
    s += &record(
        t + 100_000,
        host,
        "kernel",
        "kernel",
        &format!(" connection{sid}:0: detected conn error (1022)"),
    );
    s += &record(
        t + after * 1_000_000,
        host,
        "iscsid",
        "syslog",
        &format!("connection{sid}:0 is operational after recovery (2 attempts)"),
    );
    let path = dir.join(format!("{host}.export"));
    std::fs::write(&path, s).expect("write the export stream");
    path
}

#[test]
fn journal_remote_then_journalctl_json_gives_incidents_per_host() {
    let remote = REMOTE
        .iter()
        .find(|p| Path::new(p).exists())
        .expect("systemd-journal-remote is not installed: run scripts/setup.sh (Debian package systemd-journal-remote)");
    let dir = std::env::temp_dir().join(format!("iscsi-journald-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let a = export(&dir, "node1", 3, 20);
    let b = export(&dir, "node2", 7, 45);
    let journal = dir.join("remote.journal");
    let st = Command::new(remote)
        .arg(format!("--output={}", journal.display()))
        .args([&a, &b])
        .stderr(Stdio::null())
        .status()
        .expect("systemd-journal-remote runs");
    assert!(st.success(), "systemd-journal-remote failed");
    let json = Command::new("journalctl")
        .arg("--file")
        .arg(&journal)
        .args(["-o", "json", "--no-pager"])
        .output()
        .expect("journalctl runs");
    assert!(json.status.success(), "journalctl failed");
    let mut dec = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    dec.stdin.take().unwrap().write_all(&json.stdout).unwrap();
    let out = dec.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let incidents: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "incident")
        .collect();
    let _ = std::fs::remove_dir_all(&dir);
    let mut got: Vec<(String, u64, String, u64)> = incidents
        .iter()
        .map(|i| {
            (
                i["host"].as_str().unwrap_or("").to_string(),
                i["sid"].as_u64().unwrap_or(0),
                i["outcome"].as_str().unwrap_or("").to_string(),
                i["cause"]["code"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("node1".into(), 3, "recovered".into(), 1022),
            ("node2".into(), 7, "recovered".into(), 1022),
        ],
        "{text}"
    );
}
