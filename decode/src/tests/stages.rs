//! What each stage of the decoder costs on a log file, in CPU time per line of this one
//! thread (from /proc/thread-self/schedstat, so that the figures hold on a busy machine;
//! wall time elsewhere). Each row runs the stages before it too: the difference between two
//! rows is the cost of a stage. One decoder serves every row and is warmed up by a first
//! pass, so that its lazily compiled regexes and its caches cost what they cost in a long
//! run. The stages are the crate's internals, so this is a (ignored) unit test:
//!
//! ```text
//! DECODE_STAGES_LOG=/tmp/iscsi-bench/iscsi-only-1G-….log \
//!     cargo test --release -p iscsi-decode --lib stages -- --ignored --nocapture
//! ```
//!
//! `bench/decode.sh` measures the whole program; this is for finding where its time goes.
//! It also checks that the stages agree (per-chunk and whole-buffer prefiltering find the
//! same candidates, every decoded line renders).

use crate::decode::CHUNK;
use crate::decode::Decoder;
use crate::decode::envelope;
use crate::decode::fact::Fact;
use crate::decode::incidents::Engine;
use crate::decode::prefilter::Prefilter;
use crate::decode::redact::Redactor;
use crate::decode::run::Sink;
use crate::report::JsonSink;

/// A point in this thread's CPU time (or wall time where schedstat is missing).
#[derive(Clone, Copy)]
struct Clock(Option<u128>, std::time::Instant);

fn cpu_ns() -> Option<u128> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

impl Clock {
    fn now() -> Clock {
        Clock(cpu_ns(), std::time::Instant::now())
    }

    fn ns(&self) -> u128 {
        match (self.0, cpu_ns()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => self.1.elapsed().as_nanos(),
        }
    }
}

/// Runs `f` over every line and prints its cost per line; `f` returns a count that is
/// printed too (so that the work cannot be optimised away, and as a check).
fn stage(name: &str, lines: &[&str], mut f: impl FnMut(u64, &str) -> usize) -> usize {
    let t = Clock::now();
    let mut k = 0usize;
    for (i, l) in lines.iter().enumerate() {
        k += f(i as u64 + 1, l);
    }
    let per = t.ns() as f64 / lines.len().max(1) as f64;
    println!("{name:<44} {per:>7.0} ns/line  ({k})");
    k
}

#[test]
#[ignore = "a profile of the decoder's stages on the log DECODE_STAGES_LOG names (docs/bench.md)"]
fn stages() {
    let Some(path) = std::env::var_os("DECODE_STAGES_LOG") else {
        eprintln!("SKIPPED: set DECODE_STAGES_LOG=/path/to/a.log");
        return;
    };
    let path = path.to_string_lossy().into_owned();
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let text = String::from_utf8_lossy(&data);
    let lines: Vec<&str> = text.lines().collect();
    println!("{path}: {} bytes, {} lines", data.len(), lines.len());

    let pre = Prefilter::new();
    let t = Clock::now();
    let c = pre.candidates(&data).count();
    let whole = c;
    let per = t.ns() as f64 / lines.len().max(1) as f64;
    println!(
        "{:<44} {per:>7.0} ns/line  ({c} candidates)",
        "prefilter (over the whole buffer)"
    );
    // As the decoder runs it: over chunks that the reader has just copied (so that they are
    // in the cache), which a search over the whole buffer, bound by memory, does not show.
    // The cost of the copies alone is measured apart and taken off.
    let chunks = {
        let (mut v, mut at) = (Vec::new(), 0);
        while at < data.len() {
            let end = (at + CHUNK).min(data.len());
            let end = memchr::memrchr(b'\n', &data[at..end]).map_or(end, |i| at + i + 1);
            v.push(at..end);
            at = end;
        }
        v
    };
    let mut buf = Vec::with_capacity(CHUNK);
    let copy = |buf: &mut Vec<u8>, r: &std::ops::Range<usize>| {
        buf.clear();
        buf.extend_from_slice(&data[r.clone()]);
        buf.len()
    };
    let t = Clock::now();
    let n: usize = chunks.iter().map(|r| copy(&mut buf, r)).sum();
    let copied = t.ns();
    let t = Clock::now();
    let c: usize = chunks
        .iter()
        .map(|r| {
            copy(&mut buf, r);
            pre.candidates(&buf).count()
        })
        .sum();
    let per = t.ns().saturating_sub(copied) as f64 / lines.len().max(1) as f64;
    println!(
        "{:<44} {per:>7.0} ns/line  ({c} candidates, {n} bytes)",
        "prefilter (per 256 KiB chunk, in the cache)"
    );
    // Chunks end at line ends, so they find the candidates the whole buffer has.
    assert_eq!(c, whole, "candidates per chunk and over the whole buffer");
    assert_eq!(n, data.len());

    let red = Redactor::get();
    stage("redaction test", &lines, |_, l| {
        usize::from(red.may_contain(l))
    });
    stage("envelope", &lines, |_, l| {
        envelope::parse(l, None).message.len()
    });
    let mut d = Decoder::new(None);
    let mut store = String::new();
    for (i, l) in lines.iter().enumerate() {
        store.clear();
        d.decode(i as u64 + 1, l, &mut store);
    }
    let decoded = stage("decode (envelope, patterns, fields)", &lines, |n, l| {
        store.clear();
        usize::from(d.decode(n, l, &mut store).is_some())
    });

    let sink = JsonSink::new(Vec::new(), false);
    let mut render = sink.renderer();
    let (mut out, mut detail) = (Vec::with_capacity(1 << 21), Vec::new());
    let rendered = stage("decode + NDJSON rendering", &lines, |n, l| {
        store.clear();
        let Some(ev) = d.decode(n, l, &mut store) else {
            return 0;
        };
        render.event(0, &ev, &mut out, &mut detail);
        if out.len() > 1 << 20 {
            out.clear();
        }
        1
    });

    assert_eq!(rendered, decoded, "every decoded line renders");
    let facts = stage("decode + fact", &lines, |n, l| {
        store.clear();
        d.decode(n, l, &mut store)
            .and_then(|ev| Fact::of(&ev))
            .map_or(0, |_| 1)
    });

    let mut engine = Engine::new();
    stage("decode + fact + incidents", &lines, |n, l| {
        store.clear();
        let Some(fact) = d.decode(n, l, &mut store).and_then(|ev| Fact::of(&ev)) else {
            return 0;
        };
        engine.feed(&fact);
        engine.drain_closed().count()
    });
    assert!(facts <= decoded, "a fact comes from a decoded line");
}
