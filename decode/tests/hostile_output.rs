//! A log line cannot drive the terminal through the human report: no byte below 0x20 but the
//! newline, no DEL and no C1 control reaches the output, whatever field of whatever line
//! carries it, in colour or not, with `--verbose` and `--passthrough` (issue 17, item 1).
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::has_raw_control;
use iscsi_decode::report::{HumanSink, Style};
use std::path::PathBuf;

/// What a hostile line carries: set the title, write the clipboard (OSC 52), ask for the
/// cursor position (the answer is typed into the shell), a C1 CSI, CR, DEL, a bidi override.
const PAYLOADS: &[&str] = &[
    "\x1b]0;pwned\x07",
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[6n",
    "\u{9b}6n",
    "\u{9d}0;t\u{9c}",
    "\r",
    "\x7f",
    "\x08\x08",
    "\u{202e}",
];

fn report(name: &str, log: &[u8], color: bool, verbose: bool, passthrough: bool) -> Vec<u8> {
    let mut sink = HumanSink::new(Vec::new(), Style { color }, verbose);
    let opts = Options {
        passthrough,
        ..Options::default()
    };
    decode::run_bytes(name, log.to_vec(), &opts, &mut sink).unwrap();
    sink.into_inner()
}

fn assert_clean(what: &str, out: &[u8]) {
    if has_raw_control(out) {
        let text = String::from_utf8_lossy(out);
        let bad = text
            .lines()
            .find(|l| has_raw_control(l.as_bytes()))
            .unwrap_or_default();
        panic!("{what}: raw control in the human report: {bad:?}");
    }
}

/// The reproducers of the issue, as given there.
#[test]
fn issue_reproducers() {
    let osc = b"Mar  3 10:10:03 node1 iscsid: connect to 192.0.2.1:3260 failed (Connection refused \x1b]52;c;cHduZWQ=\x07\x1b[6n)\n";
    let portal =
        b"Mar  3 10:10:03 node1 iscsid: connect to \x1b]0;x\x07:3260 failed (Connection refused)\n";
    for log in [&osc[..], &portal[..]] {
        for color in [false, true] {
            let out = report("osc.log", log, color, true, true);
            assert_clean("reproducer", &out);
            let text = String::from_utf8(out).unwrap();
            // Recognised, an incident, and the payload shown escaped where it was.
            assert!(text.contains("Incidents"), "{text}");
            assert!(text.contains("\\x1b]"), "{text}");
        }
    }
}

/// Every line of every fixture, with each payload put into each of its words in turn.
#[test]
fn payload_in_every_word_of_every_fixture() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join("tests/fixtures");
    let mut files = Vec::new();
    for dir in ["forms", "logs"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            files.push(e.unwrap().path());
        }
    }
    files.sort();
    assert!(files.len() > 20, "fixtures missing");
    let mut lines_tried = 0;
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let mut log = String::new();
        for (n, line) in text.lines().enumerate() {
            let words: Vec<(usize, &str)> = line
                .split(' ')
                .scan(0, |at, w| {
                    let start = *at;
                    *at += w.len() + 1;
                    Some((start, w))
                })
                .filter(|(_, w)| !w.is_empty())
                .collect();
            for (k, (start, w)) in words.iter().enumerate() {
                let p = PAYLOADS[(n + k) % PAYLOADS.len()];
                // Inside the word (after its first character), so that a field holds it.
                let cut = start + w.chars().next().map_or(0, char::len_utf8);
                log.push_str(&line[..cut]);
                log.push_str(p);
                log.push_str(&line[cut..]);
                log.push('\n');
                lines_tried += 1;
            }
        }
        let name = format!("{}\x1b]0;name\x07", path.display());
        for color in [false, true] {
            let out = report(&name, log.as_bytes(), color, true, true);
            assert_clean(&path.display().to_string(), &out);
        }
        // Without -v and passthrough, the incidents alone.
        assert_clean(
            &path.display().to_string(),
            &report(&name, log.as_bytes(), false, false, false),
        );
    }
    assert!(lines_tried > 500, "only {lines_tried} lines tried");
}
