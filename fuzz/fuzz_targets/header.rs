//! The header front end (preprocessor, C parser, evaluator, model) on arbitrary bytes: an
//! error or a model, never a panic, a hang or unbounded memory. The header is named inside
//! a directory that does not exist, so no `#include` can reach a file.
#![no_main]

use iscsi_codegen::extract::{ExtractOptions, extract_bytes};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let opts = ExtractOptions {
        label: "fuzz".into(),
        path: "include/scsi/iscsi_if.h".into(),
        ..ExtractOptions::default()
    };
    let file = Path::new("/nonexistent-iscsi-fuzz/include/scsi/iscsi_if.h");
    if let Err(e) = extract_bytes(data, file, &opts) {
        // Errors render (with their snippet) without panicking.
        let _ = e.to_string();
    }
});
