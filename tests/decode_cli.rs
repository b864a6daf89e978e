//! The `decode` command line: inputs (files, `-`, gzip), exit status, colour, JSON.
#![cfg(feature = "cli")]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/logs")
        .join(name)
}

fn decode(args: &[&str], stdin: Option<&[u8]>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"));
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
