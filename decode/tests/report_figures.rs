//! The human report's figures and advice, checked on small logs (issue 16: one downtime
//! figure, the specific cause before the generic advice, dm-multipath's recovery timeout,
//! "line 7").
#![cfg(feature = "decode")]

mod common;

use iscsi_decode::decode::{self, Options};

fn report(log: &str) -> String {
    common::human(log, None)
}

/// The README's example: the summary said "down 12 s in total", the incident "down for about
/// 22.1 s". Both now give one figure, computed one way (Incident::down_s).
#[test]
fn one_downtime_figure() {
    let log = std::fs::read_to_string(concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
        "/tests/fixtures/logs/syslog-nop-timeout-recovered.log"
    ))
    .unwrap();
    let r = report(&log);
    let total = r
        .split("down ")
        .nth(1)
        .and_then(|s| s.split(" in total").next())
        .unwrap_or_else(|| panic!("no total in {r}"));
    assert!(r.contains(&format!("(down {total})")), "{r}");
    assert!(r.contains(&format!("down for about {total} ")), "{r}");
    assert_eq!(total, "22.1 s");
}

/// A connection error whose relogins the target rejects for authentication: the CHAP/ACL
/// advice comes before the kernel error's generic "read the target's logs".
#[test]
fn specific_cause_first() {
    let r = report(
        "Mar  3 10:00:00 node1 kernel: connection2:0: detected conn error (1020)\n\
         Mar  3 10:00:01 node1 iscsid: Kernel reported iSCSI connection 2:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed) state (3)\n\
         Mar  3 10:00:05 node1 iscsid: conn 0 login rejected: initiator error (02/01)\n",
    );
    let chap = r
        .find("CHAP")
        .unwrap_or_else(|| panic!("no CHAP advice: {r}"));
    let logs = r
        .find("Read the target's logs")
        .unwrap_or_else(|| panic!("no generic advice: {r}"));
    assert!(chap < logs, "{r}");
    // The rejection is said once.
    assert_eq!(r.matches("02/01").count(), 1, "{r}");
}

/// A 5 s recovery timeout is dm-multipath's fast_io_fail_tmo written through sysfs: the
/// advice names multipath.conf, not replacement_timeout alone.
#[test]
fn multipath_recovery_timeout() {
    let r = report(
        "Mar  3 10:00:00 node1 kernel: connection2:0: detected conn error (1020)\n\
         Mar  3 10:00:05 node1 kernel: session2: session recovery timed out after 5 secs\n",
    );
    for want in [
        "fast_io_fail_tmo",
        "no_path_retry",
        "multipath.conf",
        "no effect",
    ] {
        assert!(r.contains(want), "{want}: {r}");
    }
    assert!(r.contains("lines 1–2"), "{r}");
}

/// One line is "line N", not "lines N–N".
#[test]
fn a_single_line() {
    let r = report("Mar  3 10:00:00 node1 kernel: connection2:0: detected conn error (1020)\n");
    assert!(r.contains("line 1\n"), "{r}");
    assert!(!r.contains("lines 1–1"), "{r}");
}

/// The same failure of one session, again and again, folds into one paragraph; so do
/// many sessions failing alike at once. The NDJSON keeps every incident.
#[test]
fn alike_incidents_fold() {
    let mut log = String::new();
    for k in 0..4 {
        let m = 10 + k * 2;
        log.push_str(&format!(
            "Mar  3 10:{m}:00 node1 kernel: connection4:0: detected conn error (1020)\n\
             Mar  3 10:{m}:05 node1 iscsid: connection4:0 is operational after recovery (1 attempts)\n"
        ));
    }
    let r = report(&log);
    assert!(
        r.contains("#1–#4 node1  session 4 (connection 4:0) ×4"),
        "{r}"
    );
    assert!(r.contains("Down 5 s each, 20 s in all."), "{r}");
    assert_eq!(r.matches("Connection error 1020").count(), 1, "{r}");

    let mut log = String::new();
    for s in [7, 8, 9] {
        log.push_str(&format!(
            "Mar  3 10:00:00 node1 kernel: connection{s}:0: detected conn error (1020)\n"
        ));
    }
    let r = report(&log);
    assert!(r.contains("#1–#3 node1  sessions 7, 8, 9 ×3"), "{r}");
    let mut json = iscsi_decode::report::JsonSink::new(Vec::new(), false);
    decode::run_bytes("t.log", log.into_bytes(), &Options::default(), &mut json).unwrap();
    let out = String::from_utf8(json.into_inner()).unwrap();
    assert_eq!(out.matches("\"type\":\"incident\"").count(), 3);
}

/// On a terminal the report wraps at its width, as explain does; into a pipe or a file
/// every sentence stays on one line.
#[test]
fn wraps_at_the_width() {
    let log = std::fs::read_to_string(concat!(
        concat!(env!("CARGO_MANIFEST_DIR"), "/.."),
        "/tests/fixtures/logs/syslog-nop-timeout-recovered.log"
    ))
    .unwrap();
    let wrapped = common::human(&log, Some(60));
    let unwrapped = report(&log);
    let long = |s: &str| s.lines().filter(|l| l.chars().count() > 60).count();
    assert!(long(&unwrapped) > 3, "{unwrapped}");
    // Only headings (never wrapped) may be longer.
    for l in wrapped.lines().filter(|l| l.chars().count() > 60) {
        assert!(
            l.starts_with("  #") || l.starts_with("iSCSI log report"),
            "{l:?}"
        );
    }
    // Same words, other line breaks.
    let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(&wrapped), words(&unwrapped));
}
