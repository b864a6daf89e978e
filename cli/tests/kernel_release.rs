//! `explain --kernel RELEASE` and `explain::release`: whether a kernel release has a value,
//! since when it exists, vendor release strings, gaps between tracked releases, and the
//! errors for a release that is no release. Checked against the committed tables (skipped
//! when the tables were generated at build time from another header).

use std::process::Command;

use iscsi_decode::explain::release::{self, KernelRelease, Presence, Tables};
use iscsi_decode::explain::{Space, lookup_name};
use iscsi_decode::tables::{self, iscsi_if, iscsi_proto};

fn committed_tables() -> bool {
    if let Some(h) = tables::BUILD_TIME_IF_H {
        eprintln!("skipped: tables generated at build time from {h}");
        return false;
    }
    true
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .args(args)
        .output()
        .expect("run iscsi-decode");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// The `kernel` objects of the JSON lines of a run.
fn kernel_json(args: &[&str]) -> Vec<serde_json::Value> {
    run(args)
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect(l)["kernel"].clone())
        .collect()
}

/// The `kernel:` paragraphs of human output, with the command and exit status.
fn kernel_lines(args: &[&str]) -> String {
    let r = run(args);
    let mut t = format!("$ iscsi-decode {}\n", args.join(" "));
    let mut inside = false;
    for line in r.stdout.lines() {
        if line.starts_with("  kernel: ") {
            inside = true;
        } else if !line.starts_with("    ") {
            inside = false;
        }
        if inside || !line.starts_with(' ') {
            t.push_str(line);
            t.push('\n');
        }
    }
    if !r.stderr.is_empty() {
        t.push_str("--- stderr\n");
        t.push_str(&r.stderr);
    }
    t.push_str(&format!("--- exit {}\n", r.code));
    t
}

#[test]
fn nop_timedout_is_absent_from_2_6_18() {
    if !committed_tables() {
        return;
    }
    let k = kernel_json(&["explain", "--kernel", "2.6.18", "1022", "--json"]);
    assert_eq!(k.len(), 1, "{k:?}");
    let k = &k[0];
    assert_eq!(k["release"], "2.6.18");
    assert_eq!(k["tracked"], "v2.6.18");
    assert_eq!(k["exact"], true);
    assert_eq!(k["present"], false);
    assert_eq!(k["status"], "absent");
    let since = k["since"].as_str().expect("since");
    assert!(since.starts_with('v') && since != "v2.6.18", "{since}");
    // ... and it is there from `since` on.
    let k = kernel_json(&["explain", "--kernel", since, "1022", "--json"]);
    assert_eq!(k[0]["present"], true, "{k:?}");
    assert_eq!(k[0]["name"], "ISCSI_ERR_NOP_TIMEDOUT");
    insta::assert_snapshot!(
        "kernel_2_6_18_1022",
        kernel_lines(&["explain", "--kernel", "2.6.18", "1022"])
    );
}

#[test]
fn release_spellings_agree() {
    if !committed_tables() {
        return;
    }
    let a = release::check(Space::IscsiErr, 1022, "2.6.18");
    for spelling in ["v2.6.18", "linux-2.6.18", " 2.6.18 "] {
        assert_eq!(
            release::check(Space::IscsiErr, 1022, spelling),
            a,
            "{spelling}"
        );
    }
}

#[test]
fn vendor_release_is_read_by_its_line_and_says_so() {
    if !committed_tables() {
        return;
    }
    let vendor = "3.10.0-1160.el7.x86_64";
    let r = Tables::If.resolve(vendor).expect("a 3.10 kernel resolves");
    assert!(!r.exact);
    let k = &kernel_json(&["explain", "--kernel", vendor, "1011", "--json"])[0];
    assert_eq!(k["release"], vendor);
    assert_eq!(k["tracked"], r.label);
    assert_eq!(k["exact"], false);
    assert_eq!(k["present"], true);
    let human = run(&["explain", "--kernel", vendor, "1011"]).stdout;
    assert!(
        human.contains(&format!("{vendor} is read as")) || human.contains(vendor),
        "{human}"
    );
    assert!(
        human.contains("vendor kernel may have backported"),
        "{human}"
    );
    insta::assert_snapshot!(
        "kernel_vendor_1022",
        kernel_lines(&["explain", "--kernel", vendor, "1022"])
    );
}

#[test]
fn every_kernel_error_is_present_from_its_since_on() {
    if !committed_tables() {
        return;
    }
    for e in iscsi_if::IscsiErr::TABLE {
        let value = i128::from(e.value.get());
        let since = iscsi_if::RELEASES.label(e.since);
        let c = release::check(Space::IscsiErr, value, since);
        assert_eq!(c.presence, Presence::Present, "{} in {since}", e.name);
        assert_eq!(c.release.map(|r| r.exact), Some(true));
        let latest = iscsi_if::RELEASES.label(iscsi_if::LATEST);
        let in_latest = release::check(Space::IscsiErr, value, latest).presence;
        assert_eq!(in_latest == Presence::Present, c.in_latest, "{}", e.name);
        if e.since.0 > 0 && e.value.since() == Some(e.since) {
            let before = iscsi_if::RELEASES.label(iscsi_if::Release(e.since.0 - 1));
            let c = release::check(Space::IscsiErr, value, before);
            assert_eq!(c.presence, Presence::Absent, "{} in {before}", e.name);
            assert_eq!(c.since, Some(since));
        }
    }
}

#[test]
fn renamed_value_is_named_as_the_release_named_it() {
    if !committed_tables() {
        return;
    }
    // docs/generated-api.md: IscsiParam 22 was ISCSI_PARAM_MAX in v2.6.18 to v2.6.22, and is
    // ISCSI_PARAM_USERNAME from v2.6.23.
    let space = Space::parse("IscsiParam").expect("IscsiParam");
    let old = release::check(space, 22, "2.6.20");
    assert_eq!(
        (old.presence, old.name),
        (Presence::Present, Some("ISCSI_PARAM_MAX"))
    );
    let new = release::check(space, 22, "2.6.23");
    assert_eq!(new.name, Some("ISCSI_PARAM_USERNAME"));
    let k = &kernel_json(&[
        "explain",
        "--kernel",
        "2.6.20",
        "IscsiParam",
        "22",
        "--json",
    ])[0];
    assert_eq!(k["name"], "ISCSI_PARAM_MAX", "{k}");
    // A name with a value per era: --kernel keeps the value that release gives it.
    let r = run(&["explain", "--kernel", "2.6.20", "ISCSI_PARAM_MAX", "--json"]);
    let values: Vec<serde_json::Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect(l)["value"].clone())
        .collect();
    assert_eq!(values, [22], "{}", r.stdout);
}

/// A release between two tracked releases that disagree about a value is `Unsure`.
#[test]
fn release_in_a_gap_that_matters_is_unsure() {
    if !committed_tables() {
        return;
    }
    let mut unsure = 0;
    let if_releases = iscsi_if::RELEASES.iter().map(|r| (r.label, r.version));
    let proto_releases = iscsi_proto::RELEASES.iter().map(|r| (r.label, r.version));
    let both = [
        (Tables::If, if_releases.collect::<Vec<_>>()),
        (Tables::Proto, proto_releases.collect()),
    ];
    for (tables, releases) in &both {
        gap_checks(*tables, releases, &mut unsure);
    }
    eprintln!("{unsure} values are unsure in an untracked release between two tracked ones");
}

/// For each pair of tracked releases with an untracked release line between them, a release
/// of that line agrees with both where they agree and is `Unsure` where they differ.
fn gap_checks(tables: Tables, releases: &[(&str, Option<[u16; 4]>)], unsure: &mut usize) {
    for pair in releases.windows(2) {
        let (Some(a), Some(b)) = (pair[0].1, pair[1].1) else {
            continue;
        };
        // The release line just after `a`'s (after 3.19, 4.20 and 5.19 the major changes).
        let mid = match a {
            [2, 6, 39, _] => [3, 0, 0],
            [x, _, _, _] if x < 3 => [a[0], a[1], a[2] + 1],
            [3, 19, _, _] | [4, 20, _, _] | [5, 19, _, _] => [a[0] + 1, 0, 0],
            _ => [a[0], a[1] + 1, 0],
        };
        let b_line = if b[0] < 3 {
            [b[0], b[1], b[2]]
        } else {
            [b[0], b[1], 0]
        };
        if mid >= b_line {
            continue;
        }
        let asked = if mid[0] < 3 {
            format!("{}.{}.{}", mid[0], mid[1], mid[2])
        } else {
            format!("{}.{}", mid[0], mid[1])
        };
        let (ka, kb, km) = (
            KernelRelease::new(pair[0].0),
            KernelRelease::new(pair[1].0),
            KernelRelease::new(&asked),
        );
        let resolved = km.resolved(tables);
        assert_eq!(resolved.map(|r| r.label), Some(pair[0].0), "{asked}");
        assert_eq!(resolved.and_then(|r| r.next), Some(pair[1].0), "{asked}");
        for space in Space::all().filter(|s| Tables::of_space(*s) == Some(tables)) {
            for r in space.list() {
                let (pa, pb) = (
                    ka.check(space, r.value).presence,
                    kb.check(space, r.value).presence,
                );
                let pm = km.check(space, r.value).presence;
                if pa == pb {
                    assert_eq!(pm, pa, "{space} {} in {asked}", r.value);
                    continue;
                }
                assert_eq!(pm, Presence::Unsure, "{space} {} in {asked}", r.value);
                *unsure += 1;
                if *unsure == 1 {
                    let value = r.value.to_string();
                    let args = ["explain", "--kernel", &asked, space.as_str(), &value];
                    let k = &kernel_json(&[&args[..], &["--json"]].concat())[0];
                    assert_eq!(k["present"], serde_json::Value::Null, "{k}");
                    assert_eq!(k["status"], "unsure", "{k}");
                    let human = run(&args).stdout;
                    assert!(human.contains("The tables cannot tell"), "{human}");
                    eprint!("{}", kernel_lines(&args));
                }
            }
        }
    }
}

#[test]
fn not_a_release_exits_2_and_says_why() {
    if !committed_tables() {
        return;
    }
    let old = run(&["explain", "--kernel", "2.6.9", "1022"]);
    assert_eq!(old.code, 2);
    assert!(
        old.stderr
            .contains("older than every tracked kernel release"),
        "{}",
        old.stderr
    );
    let foo = run(&["explain", "--kernel", "foo", "1022", "--json"]);
    assert_eq!(foo.code, 2);
    assert!(
        foo.stderr.contains("`foo` is not a kernel release"),
        "{}",
        foo.stderr
    );
    let k: serde_json::Value = serde_json::from_str(foo.stdout.trim()).unwrap();
    assert_eq!(k["kernel"]["status"], "unknown_release");
    assert_eq!(k["kernel"]["present"], serde_json::Value::Null);
    insta::assert_snapshot!(
        "kernel_unknown_releases",
        format!(
            "{}{}",
            kernel_lines(&["explain", "--kernel", "2.6.9", "1022"]),
            kernel_lines(&["explain", "--kernel", "foo", "1022"])
        )
    );
}

#[test]
fn iscsiadm_codes_are_not_tracked_per_release() {
    let c = release::check(Space::IscsiadmError, 8, "2.6.18");
    assert_eq!(c.presence, Presence::Untracked);
    let k = &kernel_json(&["explain", "--kernel", "2.6.18", "iscsiadm", "8", "--json"])[0];
    assert_eq!(k["status"], "untracked");
}

#[test]
fn names_and_flags_get_the_kernel_line_too() {
    if !committed_tables() {
        return;
    }
    let by_name = kernel_json(&["explain", "--kernel", "2.6.18", "nop_timedout", "--json"]);
    assert_eq!(by_name[0]["present"], false);
    let nop = lookup_name("nop_timedout").unwrap();
    let lib = release::check(nop.space, nop.value, "2.6.18");
    assert_eq!(lib.presence.as_bool(), Some(false));
    // --kernel and --list do not go together.
    assert_eq!(run(&["explain", "--kernel", "2.6.18", "--list"]).code, 2);
}

/// Runs `decode` on `input` (stdin) with more arguments.
fn decode(input: &str, args: &[&str]) -> Run {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_iscsi-decode"))
        .env("TZ", "UTC")
        .arg("decode")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run iscsi-decode decode");
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

#[test]
fn decode_lists_kernel_codes_the_release_does_not_have() {
    if !committed_tables() {
        return;
    }
    let log = "kernel: connection2:0: detected conn error (1022)\n\
               kernel: connection2:0: detected conn error (1022)\n\
               kernel: connection1:0: detected conn error (1011)\n";
    let plain = decode(log, &[]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let old = decode(log, &["--kernel", "2.6.18"]);
    assert_eq!(old.code, 0, "{}", old.stderr);
    // The report itself is unchanged; the note goes to stderr.
    assert_eq!(old.stdout, plain.stdout);
    assert!(
        old.stderr.contains("--kernel 2.6.18: 1 decoded code(s)")
            && old.stderr.contains("iscsi_err 1022: 2 line(s), first -:1.")
            && old
                .stderr
                .contains("v2.6.18 does not have 1022 ISCSI_ERR_NOP_TIMEDOUT"),
        "{}",
        old.stderr
    );
    assert!(!old.stderr.contains("1011"), "{}", old.stderr);
    let new = decode(log, &["--kernel", "v6.12"]);
    assert_eq!((new.code, new.stderr.as_str()), (0, ""));
    let bad = decode(log, &["--kernel", "foo"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--kernel foo: not a kernel release"),
        "{}",
        bad.stderr
    );
}
