//! `decode --open-iscsi` / `--kernel RELEASE` and `explain --open-iscsi`: the wordings a log
//! has that the named release cannot print (issue 13), on wordings that changed between
//! tracked releases (`iscsi-codegen messages diff 2.1.10 2.1.11`, `v6.1.192 v6.12.118`).

use std::io::Write as _;
use std::process::{Command, Stdio};

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Runs `iscsi-decode ARGS` with `input` on stdin.
fn run(input: &str, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run iscsi-decode");
    let mut stdin = child.stdin.take().expect("stdin");
    // A run that rejects its arguments exits before reading: a broken pipe is then expected.
    if let Err(e) = stdin.write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "write stdin: {e}");
    }
    drop(stdin);
    let out = child.wait_with_output().expect("wait");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// 2.1.11 reworded iscsiadm's `mode %d is not yet supported` and dropped iscsid's `Giving up
/// on session %d after %d retries`; the conn error line is every tag's.
const OPEN_ISCSI_LOG: &str = "\
Mar  3 10:00:01 node1 iscsiadm: iscsiadm: fw mode is unkonwn/unsupported
Mar  3 10:00:02 node1 iscsid: Giving up on session 3 after 5 retries
Mar  3 10:00:03 node1 iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)
Mar  3 10:00:04 node1 iscsiadm: iscsiadm: fw mode is unkonwn/unsupported
";

#[test]
fn open_iscsi_wordings_the_release_cannot_print() {
    let plain = run(OPEN_ISCSI_LOG, &["decode", "--color", "never"]);
    assert_eq!((plain.code, plain.stderr.as_str()), (0, ""));
    let old = run(
        OPEN_ISCSI_LOG,
        &["decode", "--color", "never", "--open-iscsi", "2.1.10"],
    );
    assert_eq!(old.code, 0, "{}", old.stderr);
    // The report is unchanged; the verdict goes to stderr, one line per wording.
    assert_eq!(old.stdout, plain.stdout);
    let expected = "iscsi-decode: --open-iscsi 2.1.10: 1 wording(s) of open-iscsi lines cannot \
        come from that release (a log of another machine or release, or a vendor's patch):\n  \
        \"%s mode is unkonwn/unsupported\" (verify_mode_params() in usr/iscsiadm.c): 2 line(s), \
        first -:1. cannot come from open-iscsi 2.1.10: first printed by 2.1.11.\n";
    assert_eq!(old.stderr, expected);
    let new = run(OPEN_ISCSI_LOG, &["decode", "--open-iscsi", "v2.1.11"]);
    assert!(
        new.stderr.contains(
            "\"Giving up on session %d after %d retries\" (iscsi_login_eh() in \
             usr/initiator.c): 1 line(s), first -:2. cannot come from open-iscsi v2.1.11: \
             last printed by 2.1.10."
        ) && !new.stderr.contains("unkonwn"),
        "{}",
        new.stderr
    );
}

#[test]
fn a_matching_release_says_nothing() {
    // Lines every tracked tag from 2.0.877 to 2.1.10 prints.
    let log = "Mar  3 10:00:02 node1 iscsid: Giving up on session 3 after 5 retries\n\
               Mar  3 10:00:03 node1 iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)\n\
               Mar  3 10:00:04 node1 kernel:  connection3:0: detected conn error (1022)\n\
               Mar  3 10:00:05 node1 kernel: device-mapper: multipath: invalid PG number supplied to switch_pg_num\n";
    for args in [
        &["--open-iscsi", "2.1.10"][..],
        &["--open-iscsi", "2.0.877"],
        &["--open-iscsi", "2.1.4-1ubuntu1"],
        // v6.12.118 reworded the dm-multipath line to `... supplied to %s`, which prints the
        // same text: no accusation.
        &["--kernel", "6.12.118", "--open-iscsi", "2.1.10"],
        &["--kernel", "6.1.192"],
    ] {
        let mut a = vec!["decode"];
        a.extend_from_slice(args);
        let r = run(log, &a);
        assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{args:?}");
    }
}

#[test]
fn ndjson_events_carry_the_verdict() {
    let r = run(
        OPEN_ISCSI_LOG,
        &["decode", "--json", "--open-iscsi", "2.1.10"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect(l))
        .filter(|v| v["type"] == "event")
        .collect();
    assert_eq!(events.len(), 4);
    let release = |i: usize| events[i]["source"]["release"].clone();
    assert_eq!(
        release(0),
        serde_json::json!({"asked": "2.1.10", "tracked": "2.1.10", "printed": "no",
            "since": "2.1.11", "until": "2.1.11-14-gbc23614"})
    );
    assert_eq!(release(1)["printed"], "yes");
    assert_eq!(release(1)["until"], "2.1.10");
    assert_eq!(release(2)["printed"], "yes");
    assert_eq!(release(3)["printed"], "no");
    // Without the option there is no verdict.
    let plain = run(OPEN_ISCSI_LOG, &["decode", "--json"]);
    assert!(!plain.stdout.contains("\"release\""));
}

#[test]
fn between_or_outside_the_tracked_releases_is_unknown() {
    let r = run(
        OPEN_ISCSI_LOG,
        &["decode", "--open-iscsi", "2.1.10-7-gabcdef0"],
    );
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("2 wording(s) of open-iscsi lines the tracked releases cannot tell")
            && r.stderr.contains(
                "lies between the tracked releases 2.1.10 and 2.1.11, which disagree: cannot \
                 tell (printed by 2.0.877 … 2.1.10)"
            )
            && !r.stderr.contains("cannot come from"),
        "{}",
        r.stderr
    );
    let newer = run(OPEN_ISCSI_LOG, &["decode", "--open-iscsi", "2.1.12"]);
    assert!(
        newer.stderr.contains("newer than every tracked one")
            && !newer.stderr.contains("cannot come from"),
        "{}",
        newer.stderr
    );
    // Kernel 6.6 lies between v6.1.192 and v6.12.118; a wording only v6.1.192 has may or
    // may not be in it, while v6.12.118 cannot print it.
    let log = "kernel: device-mapper: multipath: request-based register failed -12\n";
    let mid = run(log, &["decode", "--kernel", "6.6"]);
    assert!(
        mid.stderr.contains("cannot tell") && !mid.stderr.contains("cannot come from"),
        "{}",
        mid.stderr
    );
    let new = run(log, &["decode", "--kernel", "6.12.118"]);
    assert!(
        new.stderr
            .contains("cannot come from kernel 6.12.118: last printed by v6.1.192"),
        "{}",
        new.stderr
    );
}

#[test]
fn a_release_that_is_no_release_exits_2() {
    for bad in ["2.0.880", "2.1", "foo"] {
        let r = run(OPEN_ISCSI_LOG, &["decode", "--open-iscsi", bad]);
        assert_eq!(r.code, 2, "{bad}");
        assert!(
            r.stderr
                .contains("expected an open-iscsi release tag such as 2.1.4"),
            "{}",
            r.stderr
        );
        assert!(r.stdout.is_empty());
    }
}

#[test]
fn explain_says_whether_the_release_prints_a_pasted_line() {
    let line = "Mar  3 10:00:02 node1 iscsid: Giving up on session 3 after 5 retries";
    let r = run("", &["explain", "--open-iscsi", "2.1.11", "--", line]);
    assert!(
        r.stdout
            .contains("cannot come from open-iscsi 2.1.11: last printed by 2.1.10"),
        "{}",
        r.stdout
    );
    let r = run("", &["explain", "--open-iscsi", "2.1.10", "--", line]);
    assert!(
        r.stdout.contains("printed by open-iscsi 2.1.10"),
        "{}",
        r.stdout
    );
    let r = run(
        "",
        &["explain", "--json", "--open-iscsi", "2.1.11", "--", line],
    );
    let v: serde_json::Value = serde_json::from_str(r.stdout.trim()).expect("one object");
    assert_eq!(v["understood"]["printed_by"]["release"]["printed"], "no");
    let r = run("", &["explain", "--open-iscsi", "2.0.880", "1022"]);
    assert_ne!(r.code, 0);
    assert!(
        r.stderr.contains("is no release of open-iscsi"),
        "{}",
        r.stderr
    );
}
