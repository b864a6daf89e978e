//! Acceptance test over the shared corpus of real log excerpts: every iSCSI line of every
//! excerpt must be recognised by some pattern.
//!
//! "iSCSI line" is defined here, broadly and independently of the patterns: any line that
//! mentions iscsi/iSCSI/iser, a `connectionN:N` or `sessionN`, an `sd`/`scsi` H:C:T:L, an
//! I/O error or multipath. Lines that match this definition but are not log lines (or not
//! about iSCSI) are listed in [`EXCEPTIONS`] with the reason.
//!
//! The corpus lives in `$SHARED_DIR/corpus` or `<repo>/../shared/corpus`. The test is
//! `#[ignore]`d, so `cargo test` lists it as ignored; `scripts/test.sh` runs it
//! (`--include-ignored`) when the directory is there, and says SKIPPED when not.
#![cfg(feature = "decode")]

use crate::decode::Decoder;
use crate::decode::prefilter::Prefilter;
use regex::Regex;
use std::path::PathBuf;

/// What counts as an iSCSI line.
const ISCSI_LINE: &str = r"(?i)iscsi|\biser\b|connection-?\d+:\d+|session-?\d+|\b(?:sd|scsi) \d+:\d+:\d+:\d+|I/O error|multipath";

/// Lines that match [`ISCSI_LINE`] but need not be recognised, and why.
const EXCEPTIONS: &[(&str, &str)] = &[
    (
        r"^\s*(?:\[[^\]]*\][#$]|[#$]|[\w.-]+@[\w.-]+:[^#$]*[#$])\s",
        "a shell prompt with a command the reporter typed, not a log line",
    ),
    (
        r"^\s*(?:●|Loaded:|Active:|Docs:|Process:|Main PID:|Tasks:|Memory:|CGroup:|[├└]─)",
        "a `systemctl status` header line, not a log line",
    ),
    (
        r"^Unit \S+ could not be found\.$",
        "systemctl output, not a log line",
    ),
    (
        r"filesystem being mounted at \S*iscsi",
        "a file-system mount whose path contains `iscsi`",
    ),
    (
        r"in_atomic\(\).*name: iscsiadm",
        "context of a kernel BUG report that names the iscsiadm process",
    ),
];

fn corpus_dir() -> Option<PathBuf> {
    let base = match std::env::var_os("SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .join("..")
            .join("shared"),
    };
    let dir = base.join("corpus");
    dir.is_dir().then_some(dir)
}

#[test]
#[ignore = "needs ../shared (or SHARED_DIR); scripts/test.sh runs it when present"]
fn every_iscsi_line_of_the_corpus_is_recognised() {
    let dir = corpus_dir().expect("this test needs ../shared/corpus (or $SHARED_DIR/corpus)");
    let iscsi = Regex::new(ISCSI_LINE).unwrap();
    let exceptions: Vec<(Regex, &str)> = EXCEPTIONS
        .iter()
        .map(|(r, why)| (Regex::new(r).unwrap(), *why))
        .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 29,
        "expected the 29 excerpts, found {}",
        files.len()
    );
    let mut d = Decoder::new(None);
    let pre = Prefilter::new();
    let (mut total, mut recognised, mut excepted) = (0, 0, 0);
    let mut missed = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if !iscsi.is_match(line) {
                continue;
            }
            if exceptions.iter().any(|(re, _)| re.is_match(line)) {
                excepted += 1;
                continue;
            }
            total += 1;
            let mut store = String::new();
            // The whole pipeline: the prefilter must let the line through, then a pattern.
            if pre.is_candidate(line.as_bytes())
                && d.decode(i as u64 + 1, line, &mut store).is_some()
            {
                recognised += 1;
            } else {
                missed.push(format!(
                    "{}:{}: {line}",
                    f.file_name().unwrap().to_string_lossy(),
                    i + 1
                ));
            }
        }
    }
    eprintln!("corpus: {recognised}/{total} iSCSI lines recognised ({excepted} excepted)");
    assert!(
        missed.is_empty(),
        "{} iSCSI lines not recognised:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
