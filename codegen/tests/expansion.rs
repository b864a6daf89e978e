//! Macro expansion has one budget over the whole header: a header that asks for a
//! maximal expansion on every line ends in an error within about a second instead
//! of running for hours.

use std::path::Path;
use std::time::Instant;

use iscsi_codegen::extract::{ExtractOptions, extract_bytes};

#[test]
fn repeated_huge_expansions_exhaust_one_budget() {
    // D15 expands to 32,768 `1`s: under the cap of one expansion.
    let mut src = String::from("#define D0 1\n");
    for i in 1..=15 {
        src.push_str(&format!("#define D{i} (D{}+D{})\n", i - 1, i - 1));
    }
    src.push_str("#define ISCSI_ONCE D15\n");
    let opts = ExtractOptions::default();
    let h = extract_bytes(src.as_bytes(), Path::new("/nonexistent/t.h"), &opts);
    let h = h.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(h.define("ISCSI_ONCE").map(|d| d.value), Some(32768));
    for n in 0..2000 {
        src.push_str(&format!("#define ISCSI_X_{n} D15\n"));
    }
    let started = Instant::now();
    let e = extract_bytes(src.as_bytes(), Path::new("/nonexistent/t.h"), &opts).err();
    let e = e.unwrap_or_else(|| panic!("2000 expansions of D15 evaluated"));
    assert!(
        e.message
            .contains("macro expansion visited more than 4194304 tokens"),
        "{e}"
    );
    assert!(
        e.message.contains("(in the value of #define ISCSI_X_"),
        "{e}"
    );
    eprintln!("budget exhausted in {:?}", started.elapsed());
}
