//! One fixture per form people paste (tests/fixtures/forms/, written from each format's
//! documentation): the NDJSON of each is pinned by an insta snapshot, and a table states
//! what each must give at least (recognised lines, a field of one of them).
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::JsonSink;
use std::path::PathBuf;

fn decode(name: &str) -> (String, Vec<serde_json::Value>) {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join("tests/fixtures/forms")
        .join(name);
    let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    // RFC 3164 years as of 2024-12-31 (not the test's day): `ts` is reproducible.
    let mut sink = JsonSink::new(Vec::new(), false).year_reference(1_735_603_200);
    decode::run_bytes(name, bytes, &Options::default(), &mut sink).unwrap();
    let out = String::from_utf8(sink.into_inner()).unwrap();
    let objs = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    (out, objs)
}

/// Each fixture, the lines that must carry an event, and one `(line, member path, value)`
/// every fixture must show (a path is `/`-separated, as serde_json's pointer).
type Form = (
    &'static str,
    &'static [u64],
    (u64, &'static str, &'static str),
);

const FORMS: &[Form] = &[
    ("quote-markers.log", &[1, 2, 3], (1, "/host", "\"node1\"")),
    ("tui-frames.log", &[1, 2, 3, 4], (2, "/state/value", "3")),
    ("markdown.log", &[1, 2, 3, 4], (3, "/iscsiadm/code", "8")),
    ("shell-prompt-indent.log", &[2, 4, 5, 6], (6, "/sid", "2")),
    (
        "grep-prefixes.log",
        &[1, 2, 3, 4],
        (3, "/time", "\"Mar  3 10:10:09\""),
    ),
    (
        "container-prefixes.log",
        &[1, 2, 3, 4, 5],
        (5, "/time", "\"2024-03-03 10:10:05\""),
    ),
    (
        "klog.log",
        &[1, 2, 3],
        (1, "/time", "\"0303 10:10:01.500000\""),
    ),
    ("logfmt.log", &[1, 2, 3], (2, "/error/code", "1020")),
    (
        "json-lines.log",
        &[1, 2, 3, 7],
        (1, "/time", "\"2024-03-03T10:10:01Z\""),
    ),
    ("pager-residue.log", &[1, 2], (1, "/sid", "2")),
    (
        "dmesg-x-caller.log",
        &[1, 2, 3],
        (1, "/caller", "\"T4242\""),
    ),
    (
        "dmesg-human-relative.log",
        &[1, 2, 3, 4],
        (4, "/caller", "\"T4242\""),
    ),
    (
        "dmesg-x-human-T.log",
        &[1, 2],
        (1, "/time", "\"Sun Mar  3 10:10:01 2024\""),
    ),
    ("dmesg-iso.log", &[1, 2], (2, "/program", "\"kernel\"")),
    (
        "journal-short-monotonic.log",
        &[1, 2],
        (2, "/program", "\"iscsid\""),
    ),
    ("journal-cat.log", &[1, 2, 3], (2, "/state/value", "3")),
    // `MESSAGE=` lines are candidates only by their own literals (`MESSAGE=` would cost a
    // Teddy bucket): line 9, iscsid's `connect to ... failed`, has none.
    ("journal-verbose.log", &[6], (6, "/error/code", "1020")),
    (
        "journal-short-full-unix.log",
        &[1, 2, 3],
        (3, "/host", "\"node1\""),
    ),
    ("html-archive.log", &[1, 2, 3], (3, "/iscsiadm/code", "24")),
    (
        "localised-months.log",
        &[1, 2, 3, 4, 5, 6, 7],
        (4, "/host", "\"узел1\""),
    ),
    ("doubled-tags.log", &[1, 2], (1, "/timing/hz", "250")),
    ("repeated.log", &[1, 2, 3], (2, "/repeated", "23")),
    ("wrapped-lines.log", &[1, 2, 3, 4, 5], (3, "/line_end", "4")),
    ("embedded.log", &[1, 2, 3], (3, "/iscsiadm/code", "24")),
    (
        "unknown-stack-lines.log",
        &[1, 2, 3, 4, 5, 6, 7, 8],
        (6, "/kind", "\"debug\""),
    ),
    (
        "iscsi-flag.log",
        &[1, 2, 3, 4, 5, 6],
        (4, "/iscsi", "false"),
    ),
];

#[test]
fn every_form_is_recognised() {
    let mut failures = Vec::new();
    for (name, lines, (at, path, want)) in FORMS {
        let (_, objs) = decode(name);
        let events: Vec<&serde_json::Value> =
            objs.iter().filter(|o| o["type"] == "event").collect();
        let covers = |n: u64| {
            events.iter().any(|e| {
                let first = e["line"].as_u64().unwrap_or(0);
                (first..=e["line_end"].as_u64().unwrap_or(first)).contains(&n)
            })
        };
        for &n in *lines {
            if !covers(n) {
                failures.push(format!("{name}:{n}: no event"));
            }
        }
        let found = events.iter().filter(|e| e["line"] == *at).any(|e| {
            e.pointer(path)
                .is_some_and(|v| v.to_string().as_str() == *want)
        });
        if !found {
            failures.push(format!("{name}:{at}: no event with {path} = {want}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn relayed_output_gives_one_event_per_message() {
    let (_, objs) = decode("embedded.log");
    let parts: Vec<(u64, u64, &str)> = objs
        .iter()
        .filter(|o| o["type"] == "event")
        .map(|o| {
            (
                o["line"].as_u64().unwrap(),
                o["part"].as_u64().unwrap_or(99),
                o["kind"].as_str().unwrap(),
            )
        })
        .collect();
    // k3s relays iscsiadm's four stderr lines and its exit status 4.
    let k3s: Vec<_> = parts.iter().filter(|p| p.0 == 1).collect();
    assert_eq!(k3s.len(), 5, "{parts:?}");
    assert!(k3s.iter().enumerate().all(|(i, p)| p.1 == i as u64));
    assert_eq!(k3s[4].2, "initiator_error");
    // os-brick's `Exit code: 19`, stdout and stderr.
    assert!(parts.contains(&(2, 0, "initiator_error")));
    assert!(parts.contains(&(2, 3, "initiator_error")));
}

#[test]
fn snapshots_of_every_form() {
    for (name, _, _) in FORMS {
        let (out, _) = decode(name);
        let key = name.replace(['.', '-'], "_");
        insta::assert_snapshot!(format!("form_{key}"), out);
    }
}
