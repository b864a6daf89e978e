//! Running the decoder on a small log in tests: its NDJSON records, or its human report.
#![allow(dead_code)]

pub mod render;

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::{HumanSink, JsonSink, Style};
use serde_json::Value;

/// The NDJSON records of `log`.
pub fn records(log: &str) -> Vec<Value> {
    // RFC 3164 years as of 2024-12-31 (not the test's day): `ts` is reproducible.
    let mut sink = JsonSink::new(Vec::new(), false).year_reference(1_735_603_200);
    decode::run_bytes(
        "t.log",
        log.as_bytes().to_vec(),
        &Options::default(),
        &mut sink,
    )
    .unwrap();
    String::from_utf8(sink.into_inner())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The human report of `log` without colour, wrapped at `width` when given.
pub fn human(log: &str, width: Option<usize>) -> String {
    let mut sink = HumanSink::new(Vec::new(), Style { color: false }, false).width(width);
    decode::run_bytes(
        "t.log",
        log.as_bytes().to_vec(),
        &Options::default(),
        &mut sink,
    )
    .unwrap();
    String::from_utf8(sink.into_inner()).unwrap()
}
