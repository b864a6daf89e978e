//! docs/ndjson.schema.json (JSON Schema draft 2020-12) holds for every NDJSON line the
//! decoder writes: every record line of every insta snapshot (decode/tests/snapshots,
//! cli/tests/snapshots), and a fresh decode of every fixture log (tests/fixtures/logs and
//! tests/fixtures/forms, with `--passthrough`), read from its file. A violation fails with
//! the file, the line and the validator's error. `explain --json` snapshots have no `null`
//! and no `""` member.
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::JsonSink;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn validator() -> jsonschema::Validator {
    let p = root().join("docs/ndjson.schema.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let schema: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    jsonschema::draft202012::meta::validate(&schema)
        .unwrap_or_else(|e| panic!("{}: not a draft 2020-12 schema: {e}", p.display()));
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The violations of the record lines of `text` (lines starting `{"type":`), each as
/// `where:line: error at path`; `first_line` is the line number of `text`'s first line.
fn violations(v: &jsonschema::Validator, text: &str, at: &str, first_line: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if !line.starts_with("{\"type\":") {
            continue;
        }
        let n = first_line + i;
        let rec: Value = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                out.push(format!("{at}:{n}: not JSON: {e}"));
                continue;
            }
        };
        for e in v.iter_errors(&rec) {
            out.push(format!("{at}:{n}: {e} (at {})", e.instance_path()));
        }
    }
    out
}

/// The snapshot files of a directory, sorted.
fn snapshots(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "snap"))
        .collect();
    v.sort();
    v
}

fn fail_on(found: Vec<String>) {
    assert!(
        found.is_empty(),
        "{} violation(s) of docs/ndjson.schema.json:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn every_snapshot_line_fits_the_schema() {
    let v = validator();
    let mut found = Vec::new();
    let mut records = 0;
    for dir in ["decode/tests/snapshots", "cli/tests/snapshots"] {
        for p in snapshots(&root().join(dir)) {
            let text = std::fs::read_to_string(&p).unwrap();
            let name = format!("{dir}/{}", p.file_name().unwrap().to_string_lossy());
            records += text.lines().filter(|l| l.starts_with("{\"type\":")).count();
            found.extend(violations(&v, &text, &name, 1));
        }
    }
    assert!(records > 100, "only {records} records in the snapshots");
    fail_on(found);
}

#[test]
fn a_fresh_decode_of_every_fixture_fits_the_schema() {
    let v = validator();
    let mut found = Vec::new();
    let opts = Options {
        passthrough: true,
        ..Options::default()
    };
    for dir in ["tests/fixtures/logs", "tests/fixtures/forms"] {
        let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let mut sink = JsonSink::new(Vec::new(), false);
            decode::run_files(std::slice::from_ref(&name), &opts, &mut sink, &mut |_| {})
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            let out = String::from_utf8(sink.into_inner()).unwrap();
            assert!(
                out.starts_with("{\"type\":\"header\",\"schema\":\"1.0\""),
                "{name}"
            );
            // The line numbers are those of the output.
            found.extend(violations(&v, &out, &format!("{name} (output)"), 1));
        }
    }
    fail_on(found);
}

/// Absent means absent: no `null`, no `""`, at any depth.
fn empties(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Null => out.push(format!("{path}: null")),
        Value::String(s) if s.is_empty() => out.push(format!("{path}: \"\"")),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| empties(x, &format!("{path}/{i}"), out)),
        Value::Object(o) => o
            .iter()
            .for_each(|(k, x)| empties(x, &format!("{path}/{k}"), out)),
        _ => {}
    }
}

#[test]
fn explain_json_has_no_null_or_empty_members() {
    let mut found = Vec::new();
    let dir = root().join("cli/tests/snapshots");
    for p in snapshots(&dir) {
        if !p.to_string_lossy().ends_with("_json.snap") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        for (i, line) in text.lines().enumerate() {
            if let Ok(v @ Value::Object(_)) = serde_json::from_str::<Value>(line) {
                empties(&v, &format!("{name}:{}", i + 1), &mut found);
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The schema is strict: the shapes of before 1.0 and unknown members fail, with the line.
#[test]
fn the_schema_rejects_what_1_0_left_behind() {
    let v = validator();
    let ok = r#"{"type":"incident","file":"-","id":1,"portal":{"address":"192.0.2.10","port":3260},"cause":{"kind":"unknown"},"outcome":"unresolved","lines":[1,1],"events":1,"open":true}"#;
    assert!(violations(&v, ok, "ok", 1).is_empty(), "{ok}");
    for bad in [
        ok.replace(
            r#"{"address":"192.0.2.10","port":3260}"#,
            r#""192.0.2.10:3260""#,
        ),
        ok.replace(r#""file":"-","#, ""),
        ok.replace(r#""open":true"#, r#""open":false"#),
        ok.replace(r#""id":1"#, r#""id":1,"host":null"#),
        ok.replace(r#""id":1"#, r#""id":1,"host":"""#),
        ok.replace(r#""id":1"#, r#""id":1,"ts":"Mar  3 10:10:01""#),
        ok.replace(r#""id":1"#, r#""id":1,"ts_inferred":["year"]"#),
        ok.replace(r#""id":1"#, r#""id":1,"novel":1"#),
        r#"{"type":"header","schema":"0.9","tool":"iscsi-decode","version":"0.1.0"}"#.to_string(),
    ] {
        let found = violations(&v, &format!("x\n{bad}"), "bad.ndjson", 1);
        assert!(!found.is_empty(), "accepted: {bad}");
        assert!(found[0].starts_with("bad.ndjson:2: "), "{found:?}");
    }
}
