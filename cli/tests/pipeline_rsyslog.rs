//! The rsyslog pipeline of docs/pipelines.md with the real engine: an rsyslogd started on
//! loopback receives syslog over TCP (`logger --tcp`), and its `omprog` action feeds every
//! line to `iscsi-decode decode --follow --json -`, whose NDJSON rsyslog writes to a file. The events
//! must arrive while rsyslogd runs (the decoder writes each event as its line comes), and the
//! daemon is stopped by the test. Needs Debian's `rsyslog` and `logger` (scripts/setup.sh
//! installs them); without them the test fails and says so.

#[path = "common/syslog_engine.rs"]
mod engine;

use engine::{Daemon, free_port, send, wait_for, wait_listening};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

fn rsyslog_conf(dir: &Path, port: u16, out: &Path) -> String {
    format!(
        r#"global(workDirectory="{dir}")
module(load="imtcp")
module(load="omprog")
ruleset(name="iscsi") {{
  action(type="omprog" binary="{bin} decode --follow --json -" output="{out}"
         template="RSYSLOG_SyslogProtocol23Format")
}}
input(type="imtcp" port="{port}" address="127.0.0.1" ruleset="iscsi")
"#,
        dir = dir.display(),
        bin = env!("CARGO_BIN_EXE_iscsi-decode"),
        out = out.display(),
    )
}

#[test]
fn rsyslog_omprog_feeds_the_decoder_and_events_arrive_while_it_runs() {
    let rsyslogd = ["/usr/sbin/rsyslogd", "/sbin/rsyslogd"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("rsyslogd is not installed: run scripts/setup.sh (Debian package rsyslog)");
    let dir = std::env::temp_dir().join(format!("iscsi-rsyslog-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("decoded.ndjson");
    let port = free_port();
    let conf = dir.join("rsyslog.conf");
    std::fs::write(&conf, rsyslog_conf(&dir, port, &out)).unwrap();
    let mut daemon = Daemon(
        Command::new(rsyslogd)
            .arg("-n")
            .arg("-f")
            .arg(&conf)
            .arg("-i")
            .arg(dir.join("rsyslogd.pid"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("rsyslogd starts"),
    );
    wait_listening(
        &mut daemon,
        "rsyslogd",
        port,
        Duration::from_secs(10),
        String::new,
    );
    send(
        port,
        &[],
        "iscsid",
        "Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
    );
    send(
        port,
        &[],
        "kernel",
        " connection3:0: detected conn error (1022)",
    );
    let text = wait_for(&out, "\"type\":\"event\"", 2, Duration::from_secs(10));
    // Still running: the events came through the live pipeline, not at its end.
    assert!(
        daemon.0.try_wait().unwrap().is_none(),
        "rsyslogd exited early"
    );
    let text = text.unwrap_or_else(|| {
        panic!(
            "no events from the decoder while rsyslogd ran: {:?}",
            std::fs::read_to_string(&out).unwrap_or_default()
        )
    });
    drop(daemon);
    let _ = std::fs::remove_dir_all(&dir);
    let events: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &serde_json::Value| v["type"] == "event")
        .collect();
    assert_eq!(events.len(), 2, "{text}");
    assert_eq!(events[0]["kind"], "kernel_reported");
    assert_eq!(events[0]["program"], "iscsid");
    assert_eq!(events[0]["format"], "rfc5424");
    assert_eq!(events[1]["kind"], "conn_error");
    assert_eq!(events[1]["error"]["code"], 1022);
}
