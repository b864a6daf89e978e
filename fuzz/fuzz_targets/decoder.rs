//! The log decoder on arbitrary bytes, in the calling thread (`threads: 1`): every envelope,
//! unwrapper and pattern, the incident engine, and both reports. The NDJSON must parse line
//! by line, and the human report (in colour, with `--verbose` and `--passthrough`) must
//! carry no raw control byte.
#![no_main]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::has_raw_control;
use iscsi_decode::report::{HumanSink, JsonSink, Style};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the options, so that the corpus explores them too.
    let (flags, log) = match data.split_first() {
        Some((f, rest)) => (*f, rest),
        None => (0, data),
    };
    let opts = Options {
        passthrough: flags & 1 != 0,
        threads: 1,
        ..Options::default()
    };
    let mut json = JsonSink::new(Vec::new(), flags & 2 != 0);
    decode::run_bytes("fuzz.log", log.to_vec(), &opts, &mut json).expect("in-memory output");
    let out = json.into_inner();
    let text = std::str::from_utf8(&out).expect("NDJSON is UTF-8");
    for line in text.lines() {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(line) {
            panic!("invalid NDJSON ({e}): {line}");
        }
    }
    let style = Style {
        color: flags & 4 != 0,
    };
    let mut human = HumanSink::new(Vec::new(), style, true);
    decode::run_bytes("fuzz.log", log.to_vec(), &opts, &mut human).expect("in-memory output");
    let out = human.into_inner();
    assert!(
        !has_raw_control(&out),
        "raw control in the human report: {}",
        String::from_utf8_lossy(&out).escape_debug()
    );
});
