//! Stage timings of the decoder on a log file, for profiling by hand (ignored by default):
//! `DECODE_PERF_LOG=/tmp/x.log cargo test --release --test decode_perf -- --ignored --nocapture`
#![cfg(feature = "decode")]

use iscsi_decode::decode::incidents::Engine;
use iscsi_decode::decode::patterns::{PatternSet, Source};
use iscsi_decode::decode::prefilter::Prefilter;
use iscsi_decode::decode::{Decoder, envelope};

/// CPU time of this thread (from /proc/thread-self/schedstat), so that timings hold on a
/// busy machine; falls back to wall time.
#[derive(Clone, Copy)]
struct Instant(u128, std::time::Instant);

fn cpu_ns() -> Option<u128> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

impl Instant {
    fn now() -> Instant {
        Instant(cpu_ns().unwrap_or(0), std::time::Instant::now())
    }
    fn elapsed(&self) -> std::time::Duration {
        match cpu_ns() {
            Some(n) if self.0 > 0 => std::time::Duration::from_nanos((n - self.0) as u64),
            _ => self.1.elapsed(),
        }
    }
}

#[test]
#[ignore]
fn stage_timings() {
    let Ok(path) = std::env::var("DECODE_PERF_LOG") else {
        eprintln!("set DECODE_PERF_LOG");
        return;
    };
    let data = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&data);
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len() as f64;
    let per = |t: Instant| format!("{:.0} ns/line", t.elapsed().as_nanos() as f64 / n);

    let pre = Prefilter::new();
    let t = Instant::now();
    let c = pre.candidates(&data).count();
    eprintln!("prefilter over the buffer: {} ({c} candidates)", per(t));

    let t = Instant::now();
    let mut k = 0usize;
    for l in &lines {
        k += envelope::parse(l, None).message.len();
    }
    eprintln!("envelope: {} ({k})", per(t));

    let set = PatternSet::new();
    let t = Instant::now();
    let mut k = 0usize;
    for l in &lines {
        let env = envelope::parse(l, None);
        k += usize::from(set.any_anchor(env.message.as_bytes()));
    }
    eprintln!("envelope + any_anchor: {} ({k})", per(t));

    let mut scratch = set.scratch();
    let t = Instant::now();
    let mut k = 0usize;
    for l in &lines {
        let env = envelope::parse(l, None);
        let src = env.program.as_deref().and_then(Source::of_program);
        k += set.find(&env.message, src, &mut scratch).unwrap_or(0);
    }
    eprintln!("envelope + find (anchors + regex): {} ({k})", per(t));

    let mut d = Decoder::new(None);
    let t = Instant::now();
    let mut k = 0usize;
    for (i, l) in lines.iter().enumerate() {
        let mut store = String::new();
        k += usize::from(d.decode(i as u64, l, &mut store).is_some());
    }
    eprintln!("decode (+ fields, timing): {} ({k})", per(t));

    {
        use iscsi_decode::decode::run::Sink;
        let sink = iscsi_decode::report::JsonSink::new(Vec::new(), false);
        let mut r = sink.renderer();
        let mut d = Decoder::new(None);
        let (mut out, mut detail) = (Vec::with_capacity(1 << 20), Vec::new());
        let t = Instant::now();
        for (i, l) in lines.iter().enumerate() {
            let mut store = String::new();
            if let Some(ev) = d.decode(i as u64, l, &mut store) {
                r.event(0, &ev, &mut out, &mut detail);
                if out.len() > 1 << 20 {
                    out.clear();
                }
            }
        }
        eprintln!("decode + JSON render: {}", per(t));
        let mut d = Decoder::new(None);
        let t = Instant::now();
        let mut k = 0;
        for (i, l) in lines.iter().enumerate() {
            let mut store = String::new();
            if let Some(ev) = d.decode(i as u64, l, &mut store) {
                k += iscsi_decode::decode::fact::Fact::of(&ev).map_or(0, |f| f.line as usize);
            }
        }
        eprintln!("decode + fact: {} ({k})", per(t));
        let red = iscsi_decode::decode::redact::Redactor::get();
        let t = Instant::now();
        let mut k = 0;
        for l in &lines {
            k += usize::from(red.may_contain(l));
        }
        eprintln!("redaction test: {} ({k})", per(t));
    }
    let mut d = Decoder::new(None);
    let mut e = Engine::new();
    let t = Instant::now();
    for (i, l) in lines.iter().enumerate() {
        let mut store = String::new();
        if let Some(ev) = d.decode(i as u64, l, &mut store) {
            if let Some(f) = iscsi_decode::decode::fact::Fact::of(&ev) {
                e.feed(&f);
            }
            e.drain_closed().for_each(drop);
        }
    }
    eprintln!("decode + incidents: {}", per(t));
}

#[test]
#[ignore]
fn one_message() {
    let msg = "connect to 10.20.30.11:3260 failed (No route to host)";
    let re = regex::Regex::new(r"^(?:session(?P<sid>-?\d+) )?connect to (?P<addr_port>\S+) failed \((?P<errno_text>[^)]*)\)").unwrap();
    let mut locs = re.capture_locations();
    let n = 1_000_000;
    let t = Instant::now();
    let mut k = 0;
    for _ in 0..n {
        k += usize::from(re.captures_read(&mut locs, msg).is_some());
    }
    eprintln!(
        "captures_read: {:.0} ns ({k})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        k += usize::from(re.is_match(msg));
    }
    eprintln!(
        "is_match: {:.0} ns ({k})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    for (name, pat) in [
        (
            "digits09",
            r"^(?:session(?P<sid>-?[0-9]+) )?connect to (?P<addr_port>\S+) failed \((?P<errno_text>[^)]*)\)",
        ),
        (
            "nospace",
            r"^(?:session(?P<sid>-?[0-9]+) )?connect to (?P<addr_port>[^ ]+) failed \((?P<errno_text>[^)]*)\)",
        ),
        (
            "ascii-classes",
            r"^(?:session(?P<sid>-?[0-9]+) )?connect to (?P<addr_port>[!-~]+) failed \((?P<errno_text>[ -(*-~]*)\)",
        ),
        (
            "nocap",
            r"^(?:session-?\d+ )?connect to \S+ failed \([^)]*\)",
        ),
    ] {
        let re = regex::Regex::new(pat).unwrap();
        let mut locs = re.capture_locations();
        let t = Instant::now();
        for _ in 0..n {
            k += usize::from(re.captures_read(&mut locs, msg).is_some());
        }
        eprintln!(
            "captures_read {name}: {:.0} ns ({k})",
            t.elapsed().as_nanos() as f64 / n as f64
        );
    }
    let set = PatternSet::new();
    let mut scratch = set.scratch();
    let t = Instant::now();
    for _ in 0..n {
        k += set
            .find(msg, Some(Source::OpenIscsi), &mut scratch)
            .unwrap_or(0);
    }
    eprintln!(
        "PatternSet::find: {:.0} ns ({k})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let t = Instant::now();
    for _ in 0..n {
        k += usize::from(set.any_anchor(msg.as_bytes()));
    }
    eprintln!(
        "any_anchor: {:.0} ns ({k})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
    let line = "Mar  4 00:00:06 k8s-worker01 iscsid[984]: iscsid: connect to 10.20.30.11:3260 failed (No route to host)";
    let t = Instant::now();
    for _ in 0..n {
        k += envelope::parse(line, None).message.len();
    }
    eprintln!(
        "envelope: {:.0} ns ({k})",
        t.elapsed().as_nanos() as f64 / n as f64
    );
}

#[test]
#[ignore]
fn sizes() {
    eprintln!(
        "Fields {} Envelope {} Event {}",
        std::mem::size_of::<iscsi_decode::decode::fields::Fields<'_>>(),
        std::mem::size_of::<envelope::Envelope<'_>>(),
        std::mem::size_of::<iscsi_decode::decode::Event<'_>>()
    );
}

#[test]
#[ignore]
fn prefilter_variants() {
    let Ok(path) = std::env::var("DECODE_PERF_LOG") else {
        return;
    };
    let data = std::fs::read(path).unwrap();
    let base: Vec<String> = iscsi_decode::decode::prefilter::LITERALS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut stems = base.clone();
    stems.extend(["onnection".to_string(), "session".to_string()]);
    let mut expanded = base.clone();
    for st in ["onnection", "session"] {
        for d in 0..10 {
            expanded.push(format!("{st}{d}"));
        }
    }
    let rg: Vec<String> = ["iscsi", "connection", "session", "rejecting I/O"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (name, lits) in [("rg4", rg), ("stems", stems), ("expanded", expanded)] {
        let p = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&lits)
            .build()
            .unwrap();
        let t = Instant::now();
        let mut n = 0;
        let mut from = 0;
        while let Some(m) = p.find_in(&data, aho_corasick::Span::from(from..data.len())) {
            n += 1;
            from = memchr::memchr(b'\n', &data[m.end()..]).map_or(data.len(), |i| m.end() + i + 1);
        }
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "{name} ({} literals): {:.2} GB/s, {n} lines",
            lits.len(),
            data.len() as f64 / s / 1e9
        );
    }
    // Stems with a digit check after each hit, restarting the search on a miss.
    {
        let mut lits = base.clone();
        lits.extend(["onnection".to_string(), "session".to_string()]);
        let gate: Vec<bool> = lits
            .iter()
            .map(|l| l == "onnection" || l == "session" || l == "sd ")
            .collect();
        let p = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&lits)
            .build()
            .unwrap();
        let t = Instant::now();
        let (mut n, mut from) = (0, 0);
        while let Some(m) = p.find_in(&data, aho_corasick::Span::from(from..data.len())) {
            if gate[m.pattern().as_usize()] && !data.get(m.end()).is_some_and(u8::is_ascii_digit) {
                from = m.start() + 1;
                continue;
            }
            n += 1;
            from = memchr::memchr(b'\n', &data[m.end()..]).map_or(data.len(), |i| m.end() + i + 1);
        }
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "gated stems ({} literals): {:.2} GB/s, {n} lines",
            lits.len(),
            data.len() as f64 / s / 1e9
        );
    }
    // Stems with a digit check after each hit, restarting the search on a miss.
    {
        let mut lits = base.clone();
        lits.extend(["onnection".to_string(), "session".to_string()]);
        let gate: Vec<bool> = lits
            .iter()
            .map(|l| l == "onnection" || l == "session" || l == "sd ")
            .collect();
        let p = aho_corasick::packed::Config::new()
            .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
            .builder()
            .extend(&lits)
            .build()
            .unwrap();
        let t = Instant::now();
        let (mut n, mut from) = (0, 0);
        while let Some(m) = p.find_in(&data, aho_corasick::Span::from(from..data.len())) {
            if gate[m.pattern().as_usize()] && !data.get(m.end()).is_some_and(u8::is_ascii_digit) {
                from = m.start() + 1;
                continue;
            }
            n += 1;
            from = memchr::memchr(b'\n', &data[m.end()..]).map_or(data.len(), |i| m.end() + i + 1);
        }
        let s = t.elapsed().as_secs_f64();
        eprintln!(
            "gated stems ({} literals): {:.2} GB/s, {n} lines",
            lits.len(),
            data.len() as f64 / s / 1e9
        );
    }
    let pre = Prefilter::new();
    let t = Instant::now();
    let c = pre.candidates(&data).count();
    eprintln!(
        "Prefilter: {:.2} GB/s, {c} lines",
        data.len() as f64 / t.elapsed().as_secs_f64() / 1e9
    );
    let t = Instant::now();
    let c = memchr::memchr_iter(b'\n', &data).count();
    eprintln!(
        "newlines: {:.2} GB/s, {c}",
        data.len() as f64 / t.elapsed().as_secs_f64() / 1e9
    );
}
