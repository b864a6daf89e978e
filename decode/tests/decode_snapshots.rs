//! Snapshots of decoded output (NDJSON events, incidents and summary; the human report with
//! per-line detail) for the fixture logs in tests/fixtures/logs, one per input form, plus the
//! properties every output must have: valid JSON, no secrets, no raw control characters.
#![cfg(feature = "decode")]

use iscsi_decode::decode::Event;
use iscsi_decode::decode::{self, Options, Render, Sink};
use iscsi_decode::report::{HumanSink, JsonSink, Style};
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join("tests/fixtures/logs")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json_of(name: &str, bytes: Vec<u8>, opts: &Options) -> String {
    // RFC 3164 years as of 2024-12-31 (not the test's day): `ts` is reproducible.
    let mut sink = JsonSink::new(Vec::new(), false).year_reference(1_735_603_200);
    decode::run_bytes(name, bytes, opts, &mut sink).unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}

fn human_of(name: &str, bytes: Vec<u8>, opts: &Options, verbose: bool) -> String {
    let mut sink = HumanSink::new(Vec::new(), Style { color: false }, verbose);
    decode::run_bytes(name, bytes, opts, &mut sink).unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}

/// Every line is a JSON object with a type; returns them.
fn parse_ndjson(s: &str) -> Vec<serde_json::Value> {
    s.lines()
        .map(|l| {
            let v: serde_json::Value =
                serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
            assert!(v["type"].is_string(), "{l}");
            v
        })
        .collect()
}

const FIXTURES: &[&str] = &[
    "syslog-nop-timeout-recovered.log",
    "syslog-multipath-recovery-timeout.log",
    "rfc5424.log",
    "journal-short-iso.log",
    "journal-short-precise.log",
    "journal.json",
    "dmesg.log",
    "dmesg-t.log",
    "bare-old-wording.log",
    "hostile.log",
];

#[test]
fn snapshots_of_every_fixture() {
    let opts = Options::default();
    for name in FIXTURES {
        let json = json_of(name, fixture(name), &opts);
        let objs = parse_ndjson(&json);
        assert_eq!(
            objs.last().unwrap()["type"],
            "summary",
            "{name}: the summary comes last"
        );
        let key = name.replace(['.', '-'], "_");
        insta::assert_snapshot!(format!("{key}_json"), json);
        let human = human_of(name, fixture(name), &opts, true);
        insta::assert_snapshot!(format!("{key}_human"), human);
    }
}

#[test]
fn the_three_issue_lines() {
    let log = "Mar  3 10:10:01 node1 iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)\n\
               Mar  3 10:10:01 node1 kernel:  connection3:0: ping timeout of 5 secs expired, recv timeout 5, last rx 36174282912, last ping 36174287936, now 36174292992\n\
               Mar  3 10:10:01 node1 kernel:  connection3:0: detected conn error (1022)\n";
    let objs = parse_ndjson(&json_of(
        "issue",
        log.as_bytes().to_vec(),
        &Options::default(),
    ));
    let events: Vec<_> = objs.iter().filter(|o| o["type"] == "event").collect();
    assert_eq!(events.len(), 3);
    for e in &events {
        assert_eq!(e["sid"], 3);
        assert_eq!(e["cid"], 0);
        assert_eq!(e["error"]["code"], 1022);
        assert_eq!(e["error"]["name"], "ISCSI_ERR_NOP_TIMEDOUT");
    }
    assert_eq!(events[0]["state"]["name"], "ISCSI_CONN_STATE_LOGGED_IN");
    assert_eq!(events[1]["timing"]["hz"], 1000);
    assert_eq!(events[1]["timing"]["silence_s"], 10.08);
    let inc: Vec<_> = objs.iter().filter(|o| o["type"] == "incident").collect();
    assert_eq!(inc.len(), 1, "one failure, one incident");
    assert_eq!(inc[0]["sid"], 3);
    assert_eq!(inc[0]["cause"]["name"], "ISCSI_ERR_NOP_TIMEDOUT");
    assert_eq!(inc[0]["outcome"], "unresolved");
}

#[test]
fn secrets_are_redacted_and_controls_escaped() {
    let opts = Options {
        passthrough: true,
        ..Options::default()
    };
    let json = json_of("hostile.log", fixture("hostile.log"), &opts);
    let human = human_of("hostile.log", fixture("hostile.log"), &opts, true);
    for out in [&json, &human] {
        for secret in ["S3cr3tPass", "hunter2", "deadbeef"] {
            assert!(!out.contains(secret), "secret {secret} in output:\n{out}");
        }
        assert!(!out.contains('\u{1b}') && !out.contains('\0') && !out.contains('\u{202e}'));
    }
    parse_ndjson(&json);
    assert!(human.contains("\\x1b[31m"));
}

#[test]
fn gzip_and_long_lines() {
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;
    let plain = fixture("syslog-nop-timeout-recovered.log");
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(&plain).unwrap();
    let gz = e.finish().unwrap();
    let opts = Options::default();
    let a = json_of("x", plain.clone(), &opts);
    let b = json_of("x", gz, &opts);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.contains("\"type\":\"summary\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&a), strip(&b), "gzip decodes to the same events");

    let mut long = b"Mar  3 10:00:00 node1 app: iscsi ".to_vec();
    long.extend(std::iter::repeat_n(b'x', 300_000));
    long.extend_from_slice(
        b"\nMar  3 10:10:01 node1 kernel:  connection3:0: detected conn error (1022)\n",
    );
    let objs = parse_ndjson(&json_of("long", long, &opts));
    let s = objs.last().unwrap();
    assert_eq!(s["truncated"], 1);
    assert_eq!(s["recognised"], 1);
    assert_eq!(objs[0]["type"], "header");
    assert_eq!(objs[1]["line"], 2);
    // Longer than a chunk: cut by the reader, memory stays bounded.
    let mut huge = b"app: iscsi ".to_vec();
    huge.extend(std::iter::repeat_n(b'y', 3 << 20));
    huge.extend_from_slice(b"\nkernel:  connection3:0: detected conn error (1022)\n");
    let objs = parse_ndjson(&json_of("huge", huge, &opts));
    assert_eq!(objs.last().unwrap()["truncated"], 1);
    assert_eq!(objs[0]["type"], "header");
    assert_eq!(objs[1]["line"], 2);
}

#[test]
fn forced_format_and_passthrough() {
    let log = "-- Boot 0f2a --\nJan 06 14:00:00 h iscsid[1]: iscsid: connect to 192.0.2.1:3260 failed (No route to host)\nJan 06 14:00:01 h sshd[2]: Connection closed\n";
    let opts = Options {
        format: Some(iscsi_decode::decode::Format::Journal),
        passthrough: true,
        threads: 0,
        text: false,
    };
    let objs = parse_ndjson(&json_of("j", log.as_bytes().to_vec(), &opts));
    let ev: Vec<_> = objs.iter().filter(|o| o["type"] == "event").collect();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["format"], "journal");
    let un: Vec<_> = objs
        .iter()
        .filter(|o| o["type"] == "unrecognised")
        .collect();
    assert_eq!(un.len(), 2);
    assert_eq!(objs.last().unwrap()["unrecognised"], 2);
}

/// The sink sees incidents after the event that closed them and before the summary.
#[test]
fn incident_order() {
    struct Lines;
    impl Render for Lines {
        fn event(&mut self, _: usize, ev: &Event<'_>, out: &mut Vec<u8>, _: &mut Vec<u8>) {
            out.extend_from_slice(format!("e{}\n", ev.line).as_bytes());
        }
    }
    struct Order(Vec<String>);
    impl Sink for Order {
        fn renderer(&self) -> Box<dyn Render> {
            Box::new(Lines)
        }
        fn write(&mut self, out: &[u8]) -> std::io::Result<()> {
            self.0
                .extend(String::from_utf8_lossy(out).lines().map(str::to_string));
            Ok(())
        }
        fn incident(&mut self, inc: &iscsi_decode::decode::Incident) -> std::io::Result<()> {
            self.0.push(format!("i{}", inc.seq));
            Ok(())
        }
        fn finish(&mut self, _: &decode::Summary) -> std::io::Result<()> {
            self.0.push("s".into());
            Ok(())
        }
    }
    for threads in [1, 2, 3] {
        let mut o = Order(Vec::new());
        let opts = Options {
            threads,
            ..Options::default()
        };
        decode::run_bytes(
            "x",
            fixture("syslog-nop-timeout-recovered.log"),
            &opts,
            &mut o,
        )
        .unwrap();
        let pos = |k: &str| o.0.iter().position(|x| x == k).unwrap();
        assert_eq!(pos("i1"), pos("e12") + 1, "{:?}", o.0);
        assert!(pos("i1") < pos("s"));
    }
}

/// Many chunks, several workers: the output is the same as with one worker.
#[test]
fn threads_do_not_change_output() {
    let mut big = Vec::new();
    for i in 0..4000u32 {
        big.extend_from_slice(&fixture("syslog-multipath-recovery-timeout.log"));
        big.extend_from_slice(format!("Apr 11 04:00:00 db2 app[{i}]: noise line {i}\n").as_bytes());
    }
    let one = json_of_threads("big", big.clone(), 1);
    let three = json_of_threads("big", big, 3);
    assert_eq!(one, three);
    assert!(one.lines().count() > 80_000);
}

fn json_of_threads(name: &str, bytes: Vec<u8>, threads: usize) -> String {
    // RFC 3164 years as of 2024-12-31 (not the test's day): `ts` is reproducible.
    let mut sink = JsonSink::new(Vec::new(), false).year_reference(1_735_603_200);
    decode::run_bytes(
        name,
        bytes,
        &Options {
            threads,
            ..Options::default()
        },
        &mut sink,
    )
    .unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}

/// iscsiadm's `Could not login` and its `initiator reported error` pair by process id, with
/// other programs' lines between them; another iscsiadm's error does not take the pending
/// line.
#[test]
fn iscsiadm_error_pairs_with_its_own_process() {
    let login = "Mar  4 00:00:56 node01 iscsiadm[35214]: iscsiadm: Could not login to [iface: default, target: iqn.2001-05.com.example:t1, portal: 198.51.100.40,3260].\n";
    let noise = "Mar  4 00:00:56 esx-gw01 iscsid: connect to 10.20.30.11:3260 failed (Connection refused)\n";
    let other = "Mar  4 00:00:56 node01 iscsiadm[40000]: iscsiadm: initiator reported error (8 - connection timed out)\n";
    let own = "Mar  4 00:00:57 node01 iscsiadm[35214]: iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)\n";
    let log = format!("{login}{}{other}{noise}{own}", noise.repeat(6));
    let objs = parse_ndjson(&json_of("pairing", log.into_bytes(), &Options::default()));
    let inc: Vec<_> = objs
        .iter()
        .filter(|o| o["type"] == "incident" && o["host"] == "node01")
        .collect();
    assert_eq!(inc.len(), 1, "{inc:?}");
    assert_eq!(inc[0]["cause"]["kind"], "iscsiadm_error", "{:?}", inc[0]);
    assert_eq!(inc[0]["cause"]["code"], 24, "{:?}", inc[0]);
}

/// SCSI lines of a SCSI host that no iSCSI banner or session claims (a local disk) are
/// recognised, and counted apart in the summaries, so "recognised as iSCSI" stays true.
#[test]
fn local_scsi_lines_are_counted_apart() {
    let log = "Mar  4 00:00:01 node1 kernel: sd 0:0:0:0: [sda] Attached SCSI disk\n\
               Mar  4 00:00:02 node1 kernel: sd 0:0:0:0: [sda] Write cache: enabled, read cache: enabled\n\
               Mar  4 00:00:06 node1 kernel: scsi host5: iSCSI Initiator over TCP/IP\n\
               Mar  4 00:00:06 node1 iscsid: Connection1:0 to [target: iqn.2001-05.com.example:t1, portal: 10.0.0.1,3260] through [iface: default] is operational now\n\
               Mar  4 00:00:07 node1 kernel: sd 5:0:0:1: [sdb] Attached SCSI disk\n";
    let objs = parse_ndjson(&json_of(
        "local",
        log.as_bytes().to_vec(),
        &Options::default(),
    ));
    let summary = objs.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["recognised"], 5, "{summary}");
    assert_eq!(summary["unattributed_scsi"], 2, "{summary}");
    assert_eq!(summary["hosts"][0]["unattributed_scsi"], 2, "{summary}");
    let human = human_of("local", log.as_bytes().to_vec(), &Options::default(), false);
    assert!(
        human.contains("5 recognised (2 of them SCSI lines of devices no iSCSI session claims"),
        "{human}"
    );
    let clean = human_of(
        "iscsi",
        log.lines()
            .skip(2)
            .collect::<Vec<_>>()
            .join("\n")
            .into_bytes(),
        &Options::default(),
        false,
    );
    assert!(clean.contains("3 recognised as iSCSI"), "{clean}");
}

/// A gzip stream cut short ends its input with [`Error::Read`] in the summary (the lines
/// before it are decoded, and the reports say so); a sink that cannot write stops the run
/// with [`Error::Write`], a closed pipe recognisable as such.
#[test]
fn read_and_write_errors_are_typed() {
    use flate2::{Compression, write::GzEncoder};
    use iscsi_decode::decode::Error;
    use std::io::{self, Write};
    let plain = fixture("syslog-nop-timeout-recovered.log");
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(&plain).unwrap();
    let gz = e.finish().unwrap();
    let cut = gz[..gz.len() - 12].to_vec(); // no CRC and length trailer
    for threads in [1, 2] {
        let opts = Options {
            threads,
            ..Options::default()
        };
        let mut sink = HumanSink::new(Vec::new(), Style { color: false }, false);
        let summary = decode::run_bytes("cut.log.gz", cut.clone(), &opts, &mut sink).unwrap();
        let human = String::from_utf8(sink.into_inner()).unwrap();
        match &summary.inputs[0].error {
            Some(Error::Read { input, lines, .. }) => {
                assert_eq!(input, "cut.log.gz");
                assert!(*lines <= summary.inputs[0].lines, "{lines}");
            }
            other => panic!("threads {threads}: expected a read error, got {other:?}"),
        }
        assert!(human.contains("cut.log.gz: read error: "), "{human}");
        let json = json_of("cut.log.gz", cut.clone(), &opts);
        assert!(json.contains(r#""name":"cut.log.gz""#), "{json}");
        assert!(json.contains(r#""error":""#), "{json}");
    }

    /// Renders like the NDJSON sink; every write fails as on a pipe whose reader is gone.
    struct Closed(JsonSink<Vec<u8>>);
    impl Sink for Closed {
        fn renderer(&self) -> Box<dyn Render> {
            self.0.renderer()
        }
        fn write(&mut self, _out: &[u8]) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn incident(&mut self, _inc: &iscsi_decode::decode::Incident) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn finish(&mut self, _s: &decode::Summary) -> io::Result<()> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
    }
    let mut closed = Closed(JsonSink::new(Vec::new(), false));
    let err = decode::run_bytes("t.log", plain, &Options::default(), &mut closed).unwrap_err();
    assert!(matches!(err, Error::Write(_)), "{err:?}");
    assert!(err.is_broken_pipe());
    assert!(
        err.to_string().starts_with("cannot write the output: "),
        "{err}"
    );
}
