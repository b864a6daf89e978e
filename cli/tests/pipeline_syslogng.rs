//! The syslog-ng pipeline of docs/pipelines.md with the real engine: a syslog-ng started on
//! loopback receives RFC 5424 syslog over TCP (`logger --tcp --octet-count`), and the docs'
//! recipe, read from their code block, filters the lines (`f_iscsi`) and its `program()`
//! destination feeds each selected one to `iscsi-decode decode --follow --json - >> OUT`.
//! The events and the incident must arrive while syslog-ng runs (the decoder writes each
//! event as its line comes, an incident when it closes), and the daemon is stopped by the
//! test, which ends the decoder. Needs Debian's `syslog-ng-core` and `logger`
//! (scripts/setup.sh unpacks the one beside rsyslog, with which it conflicts, and installs the
//! other); without them the test fails and says so.

#[path = "common/syslog_engine.rs"]
mod engine;

use engine::{Daemon, free_port, wait_for, wait_listening};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// A command that runs syslog-ng: the system's, or else Debian's syslog-ng-core package that
/// scripts/setup.sh unpacks into .cache/syslog-ng-core/ (the package conflicts with rsyslog's,
/// which the rsyslog test needs), run with its own libraries and modules.
fn syslog_ng() -> Command {
    if let Some(p) = ["/usr/sbin/syslog-ng", "/sbin/syslog-ng"]
        .into_iter()
        .find(|p| Path::new(p).exists())
    {
        return Command::new(p);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cache/syslog-ng-core");
    let bin = root.join("usr/sbin/syslog-ng");
    assert!(
        bin.exists(),
        "syslog-ng is not installed: run scripts/setup.sh (it unpacks Debian's syslog-ng-core \
         into .cache/syslog-ng-core/, as that package conflicts with rsyslog)"
    );
    let lib = root.join("usr/lib/syslog-ng");
    // The modules' directory is named for the version: usr/lib/syslog-ng/3.38/.
    let modules = std::fs::read_dir(&lib)
        .expect("the unpacked syslog-ng has its libraries")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.is_dir())
        .expect("the unpacked syslog-ng has its modules");
    let mut cmd = Command::new(bin);
    cmd.env("LD_LIBRARY_PATH", &lib)
        .arg(format!("--module-path={}", modules.display()));
    cmd
}

/// The `@version:` of this syslog-ng: `3.38` from `syslog-ng 3 (3.38.1)`.
fn config_version() -> String {
    let out = syslog_ng()
        .arg("--version")
        .output()
        .expect("syslog-ng --version runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or("");
    let full = first
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(v, _)| v)
        .unwrap_or_else(|| {
            panic!(
                "no version in `syslog-ng --version`: {text:?} {:?}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
    let parts: Vec<&str> = full.split('.').take(2).collect();
    assert_eq!(parts.len(), 2, "no major.minor in {full:?}");
    parts.join(".")
}

/// The recipe of docs/pipelines.md: the code block of its `## syslog-ng` section.
fn docs_recipe() -> String {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/pipelines.md"))
            .expect("docs/pipelines.md is readable");
    let section = docs
        .split_once("\n## syslog-ng\n")
        .expect("docs/pipelines.md has a `## syslog-ng` section")
        .1;
    let block = section
        .split_once("\n```\n")
        .and_then(|(_, rest)| rest.split_once("\n```\n"))
        .expect("the syslog-ng section has a code block")
        .0;
    block.to_string()
}

/// The docs' recipe with a TCP source on loopback in place of Debian's local `s_src`, the
/// decoder just built and an output file under the test's directory. The persist, pid and
/// control files that syslog-ng keeps are given on its command line.
fn syslog_ng_conf(version: &str, port: u16, out: &Path) -> String {
    let recipe = docs_recipe();
    for part in [
        "/usr/local/bin/iscsi-decode decode --follow --json - >> /var/log/iscsi-decode.ndjson",
        "source(s_src)",
    ] {
        assert!(
            recipe.contains(part),
            "the docs' recipe lost {part:?}: {recipe}"
        );
    }
    let recipe = recipe
        .replace(
            "/usr/local/bin/iscsi-decode",
            env!("CARGO_BIN_EXE_iscsi-decode"),
        )
        .replace("/var/log/iscsi-decode.ndjson", &out.display().to_string())
        .replace("source(s_src)", "source(s_net)");
    format!(
        r#"@version: {version}
source s_net {{
  syslog(transport("tcp") ip("127.0.0.1") port({port}) keep-hostname(yes));
}};
{recipe}
"#
    )
}

/// One RFC 5424 message over TCP. syslog-ng's `syslog()` source reads RFC 6587 octet-counted
/// frames; `logger --tcp` alone frames by newline, which that source drops.
fn send(port: u16, tag: &str, msg: &str) {
    engine::send(port, &["--octet-count"], tag, msg);
}

#[test]
fn syslog_ng_program_feeds_the_decoder_and_events_arrive_while_it_runs() {
    let version = config_version();
    let dir = std::env::temp_dir().join(format!("iscsi-syslog-ng-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("decoded.ndjson");
    let log = dir.join("syslog-ng.log");
    let said = || std::fs::read_to_string(&log).unwrap_or_default();
    let port = free_port();
    let conf = dir.join("syslog-ng.conf");
    std::fs::write(&conf, syslog_ng_conf(&version, port, &out)).unwrap();
    let mut daemon = Daemon(
        syslog_ng()
            .args(["-F", "-e", "--no-caps", "-f"])
            .arg(&conf)
            .arg("-R")
            .arg(dir.join("syslog-ng.persist"))
            .arg("-p")
            .arg(dir.join("syslog-ng.pid"))
            .arg("-c")
            .arg(dir.join("syslog-ng.ctl"))
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("syslog-ng starts"),
    );
    wait_listening(
        &mut daemon,
        "syslog-ng",
        port,
        Duration::from_secs(30),
        said,
    );
    send(port, "kernel", " connection1:0: detected conn error (1022)");
    // Not for the decoder: the docs' filter keeps it out of the pipe.
    send(
        port,
        "sshd",
        "Accepted publickey for admin from 192.0.2.7 port 50122 ssh2",
    );
    send(
        port,
        "iscsid",
        "connection1:0 is operational after recovery (2 attempts)",
    );
    // The incident closes with the recovery, after both events.
    let text = wait_for(&out, "\"type\":\"incident\"", 1, Duration::from_secs(60));
    // Still running: the events came through the live pipeline, not at its end.
    assert!(
        daemon.0.try_wait().unwrap().is_none(),
        "syslog-ng exited early: {}",
        said()
    );
    let text = text.unwrap_or_else(|| {
        panic!(
            "no incident from the decoder while syslog-ng ran: {:?}; syslog-ng said: {}",
            std::fs::read_to_string(&out).unwrap_or_default(),
            said()
        )
    });
    // Stopping syslog-ng closes the decoder's standard input: it ends with its summary.
    drop(daemon);
    let last = wait_for(&out, "\"type\":\"summary\"", 1, Duration::from_secs(60));
    let _ = std::fs::remove_dir_all(&dir);
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    let values: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    let events: Vec<&serde_json::Value> = values.iter().filter(|v| v["type"] == "event").collect();
    assert_eq!(events.len(), 2, "{text}");
    for e in &events {
        assert_eq!(e["format"], "rfc5424", "{e}");
        assert_eq!(e["host"], host.as_str(), "{e}");
        assert_eq!(e["sid"], 1, "{e}");
        assert_eq!(e["cid"], 0, "{e}");
    }
    assert_eq!(events[0]["kind"], "conn_error");
    assert_eq!(events[0]["program"], "kernel");
    assert_eq!(events[0]["error"]["code"], 1022);
    assert_eq!(events[0]["line"], 1);
    assert_eq!(events[1]["kind"], "recovered");
    assert_eq!(events[1]["program"], "iscsid");
    assert_eq!(events[1]["attempts"], 2);
    // The decoder's second line: sshd's was filtered out.
    assert_eq!(events[1]["line"], 2);
    let incidents: Vec<&serde_json::Value> =
        values.iter().filter(|v| v["type"] == "incident").collect();
    assert_eq!(incidents.len(), 1, "{text}");
    let i = incidents[0];
    assert_eq!(i["host"], host.as_str(), "{i}");
    assert_eq!(i["sid"], 1, "{i}");
    assert_eq!(i["outcome"], "recovered", "{i}");
    assert_eq!(i["cause"]["code"], 1022, "{i}");
    assert_eq!(i["events"], 2, "{i}");
    let last = last.expect("the decoder wrote no summary after syslog-ng stopped");
    let summary: serde_json::Value = last
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["type"] == "summary")
        .unwrap();
    assert_eq!(summary["lines"], 2, "{summary}");
    assert_eq!(summary["incidents"], 1, "{summary}");
}
