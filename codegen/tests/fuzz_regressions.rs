//! Headers the fuzz target (fuzz/fuzz_targets/header.rs, docs/fuzzing.md) once hung
//! on, replayed without the nightly toolchain, and the bound that fixed them.

use std::path::{Path, PathBuf};

use iscsi_codegen::Error;
use iscsi_codegen::extract::{ExtractOptions, extract_bytes};
use iscsi_codegen::model::Header;

fn opts(path: &str) -> ExtractOptions {
    ExtractOptions {
        label: "fuzz".into(),
        path: path.into(),
        include_dirs: vec![],
        skip_undefined: false,
    }
}

fn extract_str(src: &str) -> Result<Header, Error> {
    extract_bytes(src.as_bytes(), Path::new("snippet.h"), &opts("snippet.h"))
}

/// Every saved input returns (an error here: they are broken headers), as the fuzz
/// target runs it: named inside a directory that does not exist.
#[test]
fn header_inputs() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz/header");
    let mut all: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    all.sort();
    assert!(!all.is_empty());
    let file = Path::new("/nonexistent-iscsi-fuzz/include/scsi/iscsi_if.h");
    for p in all {
        let data = std::fs::read(&p).unwrap();
        let e = extract_bytes(&data, file, &opts("include/scsi/iscsi_if.h"))
            .expect_err(&p.display().to_string());
        let _ = e.to_string();
    }
}

/// lang-c's scannerless grammar tries every `--` as a decrement and as two minus
/// signs, so a failing statement with many of them took time exponential in their
/// number (the fuzzer's 964-byte header took 8 minutes). They are refused first,
/// with the position; a string literal full of dashes is no operator.
#[test]
fn increment_runs_are_refused_before_the_c_parser() {
    let refused = [
        format!("enum e {{ A = 0, B, {} ::: }};", "-".repeat(60)),
        format!("enum e {{ A = 0, B = {} 1 ::: }};", "-- ".repeat(30)),
        format!("int x = {} 1 :::;", "++*".repeat(30)),
        format!("enum e {{ A = {}1 ::: }};", "--sizeof ".repeat(30)),
    ];
    for src in refused {
        let e = extract_str(&src).expect_err(&src).to_string();
        assert!(e.contains("more than 8 `++`/`--` in one statement"), "{e}");
        assert!(e.contains("snippet.h:1:"), "{e}");
    }
    let dashes = format!(
        "static const char rule[] = \"{}\";\nenum e {{ A = 3 }};\n",
        "-".repeat(200)
    );
    let h = extract_str(&dashes).unwrap();
    assert_eq!(h.enums[0].enumerators[0].value, 3);
    // A few in one statement, and more in separate ones, still parse.
    let legal = "static int x, y = 1 - - 1;\n".to_string() + &"static int z = -(-1);\n".repeat(20);
    extract_str(&legal).unwrap();
}
