//! The `decode` command line: inputs (files, `-`, gzip), exit status, colour, JSON.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/logs")
        .join(name)
}

fn decode(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"));
    cmd.env("TZ", "UTC");
    cmd.arg("decode")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    });
    let mut child = cmd.spawn().unwrap();
    if let Some(data) = stdin {
        let mut si = child.stdin.take().unwrap();
        // The decoder may exit before reading everything; a broken pipe is fine.
        let _ = si.write_all(data);
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn missing_file_exits_2_with_a_message() {
    let o = decode(&["/nonexistent/messages"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("/nonexistent/messages: No such file"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty());
    // With a readable input too: the report, and still exit 2.
    let f = fixture("dmesg-t.log");
    let o = decode(&["/nonexistent/messages", f.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("1 incident"));
}

/// A directory is refused like a missing file: a message, no report, exit 2 (it printed
/// an empty report titled with a blank name).
#[test]
fn a_directory_is_an_error_like_a_missing_file() {
    let dir = std::env::temp_dir();
    let d = dir.to_str().unwrap();
    let o = decode(&[d], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(&format!("{d}: is a directory")),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));
    let f = fixture("dmesg-t.log");
    let o = decode(&[d, f.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stdout).contains("1 incident"));
}

#[test]
fn standard_input_and_gzip() {
    let plain = std::fs::read(fixture("syslog-nop-timeout-recovered.log")).unwrap();
    let a = decode(&["--json", "-"], Some(&plain), &[]);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a.stderr));
    let b = decode(&["--json"], Some(&plain), &[]);
    assert_eq!(a.stdout, b.stdout, "no file means standard input");

    use flate2::{Compression, write::GzEncoder};
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(&plain).unwrap();
    let gz = std::env::temp_dir().join(format!("iscsi-decode-test-{}.log.gz", std::process::id()));
    std::fs::write(&gz, e.finish().unwrap()).unwrap();
    let c = decode(&["--json", gz.to_str().unwrap()], None, &[]);
    let _ = std::fs::remove_file(&gz);
    let events = |o: &Output| {
        text(&o.stdout)
            .lines()
            .filter(|l| !l.contains("\"summary\""))
            .count()
    };
    assert_eq!(events(&a), events(&c));
    assert!(text(&c.stdout).contains("\"gzip\":true"));
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let f = fixture("syslog-multipath-recovery-timeout.log");
    let f = f.to_str().unwrap();
    let always = decode(&["--color", "always", f], None, &[]);
    assert!(always.stdout.contains(&0x1b), "--color always colours");
    let never = decode(&["--color", "never", f], None, &[]);
    assert!(!never.stdout.contains(&0x1b));
    // Not a terminal: auto does not colour, with or without NO_COLOR.
    let auto = decode(&[f], None, &[("NO_COLOR", "1")]);
    assert!(!auto.stdout.contains(&0x1b));
    assert_eq!(auto.stdout, never.stdout);
}

#[test]
fn forced_format_and_verbose() {
    let f = fixture("dmesg.log");
    let o = decode(
        &["--format", "dmesg", "--verbose", f.to_str().unwrap()],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(
        out.contains("Lines\n") && out.contains("ping_timeout"),
        "{out}"
    );
    let bad = decode(&["--format", "xml", f.to_str().unwrap()], None, &[]);
    assert_eq!(bad.status.code(), Some(2), "clap rejects an unknown format");
}

/// The NDJSON objects of a run.
fn objects(o: &Output) -> Vec<serde_json::Value> {
    text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// Kernel lines after a pasted `iscsiadm -m session -P 3`: session 1 (SCSI host 3, disks
/// sdb and sdc) times out first, session 2 (host 4, sdd) second, then host 3's LUN 1 rejects
/// I/O, sdc fails a read and host 4 prints a line.
const AFTER_LISTING: &str = "\
[ 5000.100000]  session1: session recovery timed out after 120 secs
[ 5002.200000]  session2: session recovery timed out after 120 secs
[ 5003.000000] sd 3:0:0:1: rejecting I/O to offline device
[ 5003.100000] I/O error, dev sdc, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0
[ 5004.000000] sd 4:0:0:0: rejecting I/O to offline device
";

#[test]
fn a_session_listing_maps_hosts_and_disks_to_sessions() {
    let mut log = std::fs::read(fixture("iscsiadm-session-P3.log")).unwrap();
    log.extend_from_slice(b"node.session.auth.password = hunter2\n");
    log.extend_from_slice(AFTER_LISTING.as_bytes());
    let o = decode(&["--json"], Some(&log), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("hunter2"));
    let objs = objects(&o);
    let incident = |sid: i64| {
        objs.iter()
            .find(|x| x["type"] == "incident" && x["sid"] == sid)
            .unwrap_or_else(|| panic!("no incident of session {sid}"))
    };
    // The listing says host 3 is session 1's and sdc is 3:0:0:2: the rejecting I/O line
    // and the I/O error belong to session 1, although session 2 timed out last.
    let one = incident(1);
    assert_eq!(one["outcome"], "recovery_timed_out");
    assert_eq!(
        one["offline_devices"],
        serde_json::json!(["3:0:0:1"]),
        "{one}"
    );
    assert_eq!(one["disks"], serde_json::json!(["sdc"]), "{one}");
    assert_eq!(one["io_errors"], 1);
    let two = incident(2);
    assert_eq!(
        two["offline_devices"],
        serde_json::json!(["4:0:0:0"]),
        "{two}"
    );
    let summary = objs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["unattributed_scsi"], 0, "hosts 3 and 4 are iSCSI");

    // Without the listing, host 3 is bound to the session that timed out last.
    let o = decode(&["--json"], Some(AFTER_LISTING.as_bytes()), &[]);
    let objs = objects(&o);
    let two = objs
        .iter()
        .find(|x| x["type"] == "incident" && x["sid"] == 2)
        .unwrap();
    assert_eq!(two["offline_devices"], serde_json::json!(["3:0:0:1"]));
    assert_ne!(objs.last().unwrap()["unattributed_scsi"], 0);
}

#[test]
fn every_line_of_a_session_listing_is_recognised() {
    let o = decode(
        &[
            "--json",
            "--passthrough",
            fixture("iscsiadm-session-P3.log").to_str().unwrap(),
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    // Not recognised: the prompts, rules and headers, `version`, the CHAP and negotiated
    // parameters of -P 2 and the record markers. (A report has no envelopes, so every line
    // is decoded: iface and timeout lines, record dumps and discovery records too.)
    let skipped = regex::Regex::new(
        r"^(?:#.*|\s*\*+|\s*[A-Za-z ]+:|version \S+|\s*(?:username|password)(?:_in)?: .*|\s*(?:HeaderDigest|DataDigest|MaxRecvDataSegmentLength|MaxXmitDataSegmentLength|FirstBurstLength|MaxBurstLength|ImmediateData|InitialR2T|MaxOutstandingR2T): \S+|No targets found\.)$",
    )
    .unwrap();
    let objs = objects(&o);
    for x in &objs {
        if x["type"] == "unrecognised" {
            let raw = x["raw"].as_str().unwrap();
            assert!(skipped.is_match(raw), "not recognised: {raw:?}");
        }
    }
    let kinds = &objs.last().unwrap()["kinds"];
    assert_eq!(kinds["listing_line"], 96, "{kinds}");
    assert_eq!(kinds["record_listing"], 4, "{kinds}");
    let state = objs
        .iter()
        .find(|x| x["pattern"] == "listing.conn_state")
        .unwrap();
    assert_eq!(state["state"]["name"], "ISCSI_CONN_STATE_LOGGED_IN");
    assert_eq!(state["listing"]["value"], "LOGGED IN");
}

/// `journalctl -u iscsid -o cat` prints messages without an envelope; the CLI decodes them
/// as the library does (issue 17, item 6), from a pipe and with CR-only line ends too
/// (item 7).
#[test]
fn bare_messages_and_cr_line_ends() {
    let bare = b"connect to 192.0.2.1:3260 failed (Connection refused)\nconnect to 192.0.2.1:3260 failed (No route to host)\n";
    let cr = b"Mar  3 10:10:01 node1 kernel: connection1:0: detected conn error (1020)\rMar  3 10:10:02 node1 iscsid: connection1:0 is operational after recovery (1 attempts)\r";
    for (input, lines) in [(&bare[..], 2), (&cr[..], 2)] {
        let out = decode(&["--json", "-"], Some(input), &[]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let events = text(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("{\"type\":\"event\""))
            .count();
        assert_eq!(events, lines, "{}", text(&out.stdout));
    }
}

/// A binary file (a NUL byte in its first 8000 bytes, git's rule) is refused like a missing
/// file; `-a`/`--text` decodes it anyway, and standard input is never sniffed.
#[test]
fn a_binary_file_is_refused_unless_text() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("decode-binary");
    std::fs::create_dir_all(&dir).unwrap();
    let bin = dir.join("a.out");
    let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00".to_vec();
    elf.extend_from_slice(&std::fs::read(fixture("dmesg-t.log")).unwrap());
    std::fs::write(&bin, &elf).unwrap();
    let name = bin.to_str().unwrap();

    let o = decode(&[name], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr)
            .contains("a.out: binary file (a NUL byte at offset 7); --text decodes it anyway"),
        "{}",
        text(&o.stderr)
    );
    assert!(o.stdout.is_empty(), "{}", text(&o.stdout));

    for flag in ["-a", "--text"] {
        let o = decode(&[flag, name], None, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains("1 incident"),
            "{}",
            text(&o.stdout)
        );
    }
    let o = decode(&["-"], Some(&elf), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("1 incident"),
        "{}",
        text(&o.stdout)
    );
}

/// A file of dmesg lines: its uptimes placed through the boot time its modification time and
/// last uptime give (`ts_inferred: ["boot"]`); on standard input, through this machine's boot
/// time when they can be of this boot, or through `--boot-time`.
#[test]
fn dmesg_uptimes_get_a_ts_through_the_files_boot_time() {
    let dir = std::env::temp_dir().join(format!("iscsi-dmesg-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("dmesg.txt");
    let text = "[ 1050.611244]  connection2:0: detected conn error (1022)\n\
                [ 1170.000000]  session2: session recovery timed out after 120 secs\n";
    std::fs::write(&path, text).unwrap();
    // 2026-12-06T12:00:00Z
    let mtime = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_796_558_400);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(mtime)
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&serde_json::Value> = lines.iter().filter(|v| v["type"] == "event").collect();
    assert_eq!(events[0]["ts"], "2026-12-06T11:58:00.611244Z");
    assert_eq!(events[1]["ts"], "2026-12-06T12:00:00.000000Z");
    assert_eq!(events[0]["ts_inferred"], serde_json::json!(["boot"]));
    let inc = lines.iter().find(|v| v["type"] == "incident").unwrap();
    assert_eq!(inc["ts"], "2026-12-06T11:58:00.611244Z");
    assert_eq!(inc["end_ts"], "2026-12-06T12:00:00.000000Z");
    // Standard input: this machine's boot time, as `dmesg -T` takes it; an uptime longer
    // than this machine's cannot be of this boot and gets no ts.
    let piped = |args: &[&str], input: &str| -> Vec<serde_json::Value> {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
            .env("TZ", "UTC")
            .args(["decode", "--json"])
            .args(args)
            .arg("-")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v["type"] == "event")
            .collect()
    };
    // Standard input redirected from the file (`- < dmesg.txt`) is the file.
    let redirected = std::process::Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(["decode", "--json", "-"])
        .stdin(std::fs::File::open(&path).unwrap())
        .output()
        .unwrap();
    let first_ts = String::from_utf8(redirected.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|v| v["type"] == "event")
        .map(|v| v["ts"].clone());
    assert_eq!(first_ts, Some("2026-12-06T11:58:00.611244Z".into()));
    let _ = std::fs::remove_dir_all(&dir);
    let given = piped(&["--boot-time", "2026-12-06 11:40:00"], text);
    assert_eq!(given[0]["ts"], "2026-12-06T11:57:30.611244Z");
    assert_eq!(given[0]["ts_inferred"], serde_json::json!(["boot"]));
    if std::fs::metadata("/proc/uptime").is_err() {
        eprintln!("SKIPPED: no /proc/uptime, no boot time of this machine");
        return;
    }
    let events = piped(
        &[],
        "[    1.500000]  connection2:0: detected conn error (1022)\n\
         [999999999.000000]  connection3:0: detected conn error (1022)\n",
    );
    assert_eq!(events[0]["ts_inferred"], serde_json::json!(["boot"]));
    // 1.5 s after this machine's boot (now less /proc/uptime), within the test's own time.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let up: f64 = std::fs::read_to_string("/proc/uptime")
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let ts = events[0]["ts"].as_str().unwrap();
    let (date, time) = ts.trim_end_matches('Z').split_once('T').unwrap();
    let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
    let t: Vec<f64> = time.split(':').map(|x| x.parse().unwrap()).collect();
    let secs = iscsi_decode::decode::days_from_civil(d[0], d[1] as u32, d[2] as u32) as f64
        * 86_400.0
        + t[0] * 3_600.0
        + t[1] * 60.0
        + t[2];
    assert!(
        (secs - (now - up + 1.5)).abs() < 30.0,
        "{ts} vs boot {}",
        now - up
    );
    assert_eq!(events[1].get("ts"), None, "{}", events[1]);
}

/// Syslog times carry no zone: they are read in this machine's zone (TZ), or in
/// `--timezone`, which the header names; a zone that does not exist is an error.
#[test]
fn zone_less_times_are_read_in_the_local_zone() {
    let line = b"Jan 15 12:00:00 node1 kernel: connection1:0: detected conn error (1020)\n";
    let first = |args: &[&str], env: &[(&str, &str)]| -> (String, String) {
        let mut a = vec!["--json"];
        a.extend_from_slice(args);
        a.push("-");
        let out = decode(&a, Some(line), env);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let objs: Vec<serde_json::Value> = text(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let ev = objs.iter().find(|o| o["type"] == "event").unwrap();
        (
            objs[0]["zone"].as_str().unwrap().to_string(),
            ev["ts"].as_str().unwrap()[4..].to_string(),
        )
    };
    assert_eq!(
        first(&[], &[]),
        ("UTC".into(), "-01-15T12:00:00.000000Z".into())
    );
    assert_eq!(
        first(&["--timezone", "-05:00"], &[]),
        ("-05:00".into(), "-01-15T17:00:00.000000Z".into())
    );
    if std::path::Path::new("/usr/share/zoneinfo/Europe/Berlin").exists() {
        // CET in January: one hour east of UTC.
        assert_eq!(
            first(&[], &[("TZ", "Europe/Berlin")]),
            ("Europe/Berlin".into(), "-01-15T11:00:00.000000Z".into())
        );
    } else {
        eprintln!("SKIPPED: the TZ part: no tzdb (Debian's tzdata) on this machine");
    }
    let bad = decode(&["--timezone", "Mars/Olympus", "-"], Some(line), &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("--timezone: `Mars/Olympus` is no time zone"));
}
