//! Inputs the fuzz targets (fuzz/, docs/fuzzing.md) once failed on, replayed with the same
//! assertions, so that a fix stays a fix without the nightly toolchain: the decoder's (the
//! first byte picks the options, as in fuzz/fuzz_targets/decoder.rs), the header front
//! end's and the explain query's.
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::has_raw_control;
use iscsi_decode::report::{HumanSink, JsonSink, Style};
use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .join("tests/fixtures/fuzz")
        .join(target);
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (p.display().to_string(), std::fs::read(&p).unwrap())
        })
        .collect();
    v.sort();
    v
}

#[test]
fn decoder_inputs() {
    let all = inputs("decoder");
    assert!(!all.is_empty());
    for (name, data) in all {
        let (flags, log) = data.split_first().map_or((0, &[][..]), |(f, r)| (*f, r));
        for threads in [1, 2] {
            let opts = Options {
                passthrough: flags & 1 != 0,
                threads,
                ..Options::default()
            };
            let mut json = JsonSink::new(Vec::new(), flags & 2 != 0);
            decode::run_bytes("fuzz.log", log.to_vec(), &opts, &mut json).unwrap();
            let out = String::from_utf8(json.into_inner()).unwrap();
            for line in out.lines() {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|e| panic!("{name}: invalid NDJSON ({e}): {line}"));
            }
            let style = Style {
                color: flags & 4 != 0,
            };
            let mut human = HumanSink::new(Vec::new(), style, true);
            decode::run_bytes("fuzz.log", log.to_vec(), &opts, &mut human).unwrap();
            assert!(!has_raw_control(&human.into_inner()), "{name}");
        }
    }
}

#[test]
fn explain_inputs() {
    use iscsi_decode::query::{Query, answer};
    for (name, data) in inputs("explain") {
        let text = String::from_utf8_lossy(&data);
        let mut lines = text.split('\n');
        let head = lines.next().unwrap_or_default();
        let mut q = Query {
            words: lines.map(str::to_string).collect(),
            json: head.contains('j'),
            ..Query::default()
        };
        if let Some(k) = head.strip_prefix("kernel=") {
            q.kernel = Some(k.to_string());
        } else if let Some(l) = head.strip_prefix("list=") {
            q.list = Some(l.to_string());
        } else if let Some(v) = head.strip_prefix("open-iscsi=") {
            q.open_iscsi = Some(v.to_string());
        }
        let o = answer(&q);
        assert!(o.ok || !o.err.is_empty(), "{name}");
    }
}
