//! The explain query as the command line runs it: words, `--list`, `--kernel`,
//! `--open-iscsi`, `--json`, from arbitrary text. An answer or an error message, never a panic.
#![no_main]

use iscsi_decode::query::{Query, answer};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Lines: the first holds the flags and options, the rest are words.
    let mut lines = text.split('\n');
    let head = lines.next().unwrap_or_default();
    let words: Vec<String> = lines.map(str::to_string).collect();
    let mut q = Query {
        words,
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
    assert!(o.ok || !o.err.is_empty(), "a failure says why: {q:?}");
});
