//! `iscsi-decode explain` end to end: snapshots of the human and JSON output for every
//! space, the bare-number, name and unknown-value paths, and exit statuses.

use iscsi_decode::explain::Space;
use std::process::Command;

/// Runs the binary and returns a transcript: the command, stdout, stderr and exit status.
fn transcript(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run iscsi-decode");
    let mut t = format!("$ iscsi-decode {}\n", args.join(" "));
    t.push_str(&String::from_utf8_lossy(&out.stdout));
    if !out.stderr.is_empty() {
        t.push_str("--- stderr\n");
        t.push_str(&String::from_utf8_lossy(&out.stderr));
    }
    t.push_str(&format!("--- exit {}\n", out.status.code().unwrap_or(-1)));
    t
}

fn status(args: &[&str]) -> i32 {
    Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run iscsi-decode")
        .status
        .code()
        .unwrap_or(-1)
}

fn json_lines(args: &[&str]) -> Vec<serde_json::Value> {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run iscsi-decode");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect(l))
        .collect()
}

#[test]
fn kernel_error_by_number_and_by_name() {
    insta::assert_snapshot!("kernel_1022", transcript(&["explain", "1022"]));
    // The same reading whatever way the name is written.
    let by_number = transcript(&["explain", "1022"]);
    for name in [
        "ISCSI_ERR_NOP_TIMEDOUT",
        "nop_timedout",
        "iscsi_err_nop_timedout",
    ] {
        let by_name = transcript(&["explain", name]);
        assert_eq!(
            by_name.lines().skip(1).collect::<Vec<_>>(),
            by_number.lines().skip(1).collect::<Vec<_>>()
        );
    }
    insta::assert_snapshot!(
        "kernel_1022_json",
        transcript(&["explain", "1022", "--json"])
    );
}

#[test]
fn conn_state() {
    insta::assert_snapshot!("state_3", transcript(&["explain", "state", "3"]));
    insta::assert_snapshot!(
        "state_3_json",
        transcript(&["explain", "state", "3", "--json"])
    );
    let j = json_lines(&["explain", "state", "3", "--json"]);
    assert_eq!(j[0]["name"], "ISCSI_CONN_STATE_LOGGED_IN");
}

#[test]
fn login_status() {
    insta::assert_snapshot!("login_02_03", transcript(&["explain", "login", "02/03"]));
    assert_eq!(
        transcript(&["explain", "login", "0x0203"])
            .lines()
            .skip(1)
            .collect::<Vec<_>>(),
        transcript(&["explain", "login", "02/03"])
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
    );
    insta::assert_snapshot!(
        "login_bare_02_03_json",
        transcript(&["explain", "02/03", "--json"])
    );
    insta::assert_snapshot!(
        "login_unknown_detail",
        transcript(&["explain", "login", "02/7f"])
    );
}

#[test]
fn iscsiadm_error() {
    insta::assert_snapshot!("iscsiadm_8", transcript(&["explain", "iscsiadm", "8"]));
    let j = json_lines(&["explain", "iscsiadm", "8", "--json"]);
    assert_eq!(j[0]["text"], "connection timed out");
    assert_eq!(j[0]["space"], "iscsiadm_error");
}

#[test]
fn opcode() {
    insta::assert_snapshot!("opcode_0x3f", transcript(&["explain", "opcode", "0x3f"]));
}

#[test]
fn host_byte() {
    insta::assert_snapshot!(
        "host_byte_0x0e",
        transcript(&["explain", "host_byte", "0x0e"])
    );
    // As the report prints it (the name), as the kernel prints a value its table lacks
    // (`hostbyte=0x14`), and by its short name.
    for (word, value, name) in [
        ("DID_TRANSPORT_DISRUPTED", 14, "DID_TRANSPORT_DISRUPTED"),
        ("transport_failfast", 15, "DID_TRANSPORT_FAILFAST"),
        ("hostbyte=0x14", 20, "DID_TRANSPORT_MARGINAL"),
        ("hostbyte=DID_NO_CONNECT", 1, "DID_NO_CONNECT"),
    ] {
        let j = json_lines(&["explain", word, "--json"]);
        assert_eq!(j[0]["space"], "host_byte", "{word}");
        assert_eq!(j[0]["value"], value, "{word}");
        assert_eq!(j[0]["name"], name, "{word}");
    }
    let j = json_lines(&["explain", "hostbyte", "0x0f", "--json"]);
    assert_eq!(j[0]["setting"], "node.session.timeo.replacement_timeout");
    assert_eq!(status(&["explain", "host_byte", "0x15"]), 1);
    assert_eq!(status(&["explain", "--list", "host_byte"]), 0);
}

#[test]
fn bare_number_with_several_readings() {
    insta::assert_snapshot!("bare_8", transcript(&["explain", "8"]));
    insta::assert_snapshot!("bare_8_json", transcript(&["explain", "8", "--json"]));
    let j = json_lines(&["explain", "8", "--json"]);
    assert!(j.len() > 1);
    assert_eq!(j[0]["space"], "iscsiadm_error");
}

#[test]
fn unknown_values_and_names_exit_1() {
    insta::assert_snapshot!("unknown_1099", transcript(&["explain", "1099"]));
    insta::assert_snapshot!(
        "unknown_1099_json",
        transcript(&["explain", "1099", "--json"])
    );
    insta::assert_snapshot!("unknown_state_9", transcript(&["explain", "state", "9"]));
    insta::assert_snapshot!("unknown_name", transcript(&["explain", "nop_timeout"]));
    insta::assert_snapshot!("unknown_space", transcript(&["explain", "stat", "3"]));
    insta::assert_snapshot!("nothing", transcript(&["explain"]));
    assert_eq!(status(&["explain", "1099"]), 1);
    assert_eq!(status(&["explain", "opcode", "0x12"]), 1);
    assert_eq!(status(&["explain", "login", "7/0"]), 1);
    assert_eq!(status(&["explain", "1022"]), 0);
}

/// The standard error of a run.
fn stderr(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run iscsi-decode");
    String::from_utf8(out.stderr).unwrap()
}

/// Error messages name spaces as `--list` shows them (`conn_state`), or a header family by
/// its C name, never by a Rust type name (`IscsiConnState`, `IscsiParam`).
#[test]
fn error_messages_never_name_rust_types() {
    let rust_names: Vec<&str> = Space::all().filter_map(Space::rust_name).collect();
    assert!(rust_names.contains(&"IscsiConnState") && rust_names.contains(&"IscsiParam"));
    for args in [
        &["explain", "stat", "3"][..],
        &["explain", "--list", "foo"],
        &["explain", "IscsiConnState", "9"],
        &["explain", "IscsiConnState", "logged_inn"],
        &["explain", "IscsiParam", "999"],
        &["explain", "IscsiParam", "foo"],
        &["explain", "TransportCaps", "0x8030"],
        &["explain", "iscsi_param_max_recv_dlengt"],
        &["explain", "conn_state_logged_inn"],
    ] {
        let err = stderr(args);
        assert!(!err.is_empty(), "{args:?}");
        let words: Vec<&str> = err
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .collect();
        for name in &rust_names {
            assert!(!words.contains(name), "{args:?} names {name}:\n{err}");
        }
    }
    // The list of spaces is the named ones, as `--list` prints them.
    let err = stderr(&["explain", "stat", "3"]);
    for s in iscsi_decode::explain::NAMED {
        assert!(err.contains(s.as_str()), "{s}");
    }
    assert!(err.contains("`explain --list` shows all"));
    let err = stderr(&["explain", "IscsiParam", "foo"]);
    assert!(err.contains("in enum iscsi_param"), "{err}");
}

#[test]
fn flag_combinations() {
    insta::assert_snapshot!(
        "flags_caps_0x8030",
        transcript(&["explain", "TransportCaps", "0x8030"])
    );
    assert_eq!(status(&["explain", "TransportCaps", "0x30"]), 0);
    assert_eq!(
        json_lines(&["explain", "TransportCaps", "0x30", "--json"]).len(),
        2
    );
}

#[test]
fn list_of_spaces() {
    insta::assert_snapshot!("list", transcript(&["explain", "--list"]));
    insta::assert_snapshot!("list_json", transcript(&["explain", "--list", "--json"]));
}

/// One snapshot per named space: its whole listing, human and JSON.
#[test]
fn list_every_named_space() {
    for &space in iscsi_decode::explain::NAMED {
        let name = space.as_str();
        let both = format!(
            "{}\n{}",
            transcript(&["explain", "--list", name]),
            transcript(&["explain", "--list", name, "--json"])
        );
        insta::assert_snapshot!(format!("list_{name}"), both);
    }
}

/// The other generated families, in two snapshots (human, JSON) rather than forty.
#[test]
fn list_every_other_space() {
    let others: Vec<Space> = Space::all()
        .filter(|s| matches!(s, Space::Other(_)))
        .collect();
    assert!(!others.is_empty());
    let mut human = String::new();
    let mut json = String::new();
    for s in others {
        human.push_str(&transcript(&["explain", "--list", s.as_str()]));
        json.push_str(&transcript(&["explain", "--list", s.as_str(), "--json"]));
    }
    insta::assert_snapshot!("list_other_spaces", human);
    insta::assert_snapshot!("list_other_spaces_json", json);
}

/// Every reading of every space, explained one at a time through the space/value form,
/// succeeds and prints the reading's own name.
#[test]
fn every_value_explains_through_the_cli() {
    for s in Space::all().filter(|s| !matches!(s, Space::Other(_))) {
        for r in s.list() {
            let name = r.name.unwrap();
            let j = json_lines(&["explain", s.as_str(), name, "--json"]);
            assert_eq!(j.len(), 1, "{s} {name}");
            assert_eq!(j[0]["name"], name);
            assert_eq!(j[0]["space"], s.as_str());
        }
    }
}

/// Several words: each explained in turn, separated as the readings of one word are; the
/// exit status fails if any word fails, and standard error names those words.
#[test]
fn several_words() {
    insta::assert_snapshot!(
        "several_1022_0203_did_no_connect",
        transcript(&["explain", "1022", "02/03", "DID_NO_CONNECT"])
    );
    let j = json_lines(&["explain", "1022", "1020", "nop_timedout", "--json"]);
    let values: Vec<i64> = j.iter().map(|r| r["value"].as_i64().unwrap()).collect();
    assert_eq!(values, [1022, 1020, 1022]);
    // A space, then several values of it.
    let j = json_lines(&["explain", "state", "3", "1", "logged_in", "--json"]);
    assert!(j.iter().all(|r| r["space"] == "conn_state"));
    assert_eq!(j.len(), 3);
    // One word that fails fails the whole, and is named.
    insta::assert_snapshot!(
        "several_with_unknown",
        transcript(&["explain", "1022", "nop_timeot", "1099"])
    );
    assert_eq!(status(&["explain", "state", "3", "9"]), 1);
    assert!(stderr(&["explain", "state", "3", "9"]).contains("could not be explained: `9`"));
    assert_eq!(status(&["explain", "1022", "1020"]), 0);
    // A misspelt space before values is still a misspelt space, and the nearest is named.
    let err = stderr(&["explain", "stat", "3", "4"]);
    assert!(err.contains("`stat` is not a space"), "{err}");
    assert!(err.contains("did you mean `state` (conn_state)?"), "{err}");
}

/// A log line pasted as one argument, or as the words the shell split it into: what the
/// decoder understood, then each number in it.
#[test]
fn pasted_log_lines() {
    let line = "Kernel reported iSCSI connection 2:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: \
                TCP connection closed) state (3)";
    insta::assert_snapshot!(
        "pasted_kernel_reported",
        transcript(&["explain", "--", line])
    );
    let mut split = vec!["explain", "--"];
    split.extend(line.split(' '));
    assert_eq!(
        transcript(&split).lines().skip(1).collect::<Vec<_>>(),
        transcript(&["explain", line])
            .lines()
            .skip(1)
            .collect::<Vec<_>>()
    );
    let j = json_lines(&["explain", line, "--json"]);
    assert_eq!(j[0]["understood"]["pattern"], "iscsid.kernel_reported");
    // The issue's own example, the text elided as a ticket quotes it.
    let elided = json_lines(&[
        "explain",
        "--json",
        "--",
        "Kernel reported iSCSI connection 2:0 error (1020 …) state (3)",
    ]);
    assert_eq!(elided[1]["value"].as_i64(), Some(1020));
    assert_eq!(elided[2]["value"].as_i64(), Some(3));
    assert_eq!(
        (j[1]["space"].as_str(), j[1]["value"].as_i64()),
        (Some("iscsi_err"), Some(1020))
    );
    assert_eq!(
        (j[2]["space"].as_str(), j[2]["value"].as_i64()),
        (Some("conn_state"), Some(3))
    );
    // The host byte of a failed command, a login status, iscsiadm's code.
    for (line, space, value) in [
        (
            "Nov 25 23:31:56 h kernel: sd 8:0:0:0: [sdb] tag#76 FAILED Result: \
             hostbyte=DID_TRANSPORT_DISRUPTED driverbyte=DRIVER_OK cmd_age=72s",
            "host_byte",
            14,
        ),
        (
            "iscsid: connection1:0 login rejected: initiator error - target not found (02/03)",
            "login_status",
            0x0203,
        ),
        (
            "iscsiadm: initiator reported error (8 - connection timed out)",
            "iscsiadm_error",
            8,
        ),
    ] {
        let j = json_lines(&["explain", line, "--json"]);
        assert_eq!(j[1]["space"], space, "{line}");
        assert_eq!(j[1]["value"], value, "{line}");
        assert_eq!(status(&["explain", line]), 0);
    }
    // A line the decoder does not know is said to be one, and fails.
    insta::assert_snapshot!(
        "pasted_unknown",
        transcript(&[
            "explain",
            "--",
            "The kernel had a bad day with iSCSI connection 2:0 (1020)"
        ])
    );
    // Garbage is bad input (2), not an unknown value (1).
    assert_eq!(status(&["explain", "hello", "there", "world"]), 2);
}

/// Exit statuses: 1 for an unknown value, 2 for bad input.
#[test]
fn unknown_value_and_bad_input() {
    for unknown in [
        &["explain", "1099"][..],
        &["explain", "login", "7/0"],
        &["explain", "nop_timedoot"],
        &["explain", "state", "3", "99"],
    ] {
        assert_eq!(status(unknown), 1, "{unknown:?}");
    }
    for bad in [
        &["explain"][..],
        &["explain", "@@@"],
        &["explain", "--list", "nosuch"],
        &["explain", "--kernel", "banana", "1022"],
        &["explain", "--open-iscsi", "banana", "1022"],
        &["explain", "--no-such-option"],
        &["explain", "--", "the cat sat on the mat today"],
    ] {
        assert_eq!(status(bad), 2, "{bad:?}");
    }
}
