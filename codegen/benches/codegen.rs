//! How long the generator takes from header bytes to `generated/` text: the front end
//! (preprocess, parse, evaluate into the model), the family spec, and the emitter, for
//! both tracked headers. Plain std timing (no criterion): many iterations, median and
//! minimum per stage, once for one source and once for every tracked source (what
//! `generate` does). The budget is 20 ms in total.
//!
//! Run: `cargo bench -p iscsi-codegen --bench codegen` (ISCSI_BENCH_ITERS=N to change
//! the iteration count). Needs `headers/cache/` filled (`cargo run -p iscsi-codegen --
//! fetch`); skips with a message otherwise.

use std::path::Path;
use std::time::{Duration, Instant};

use iscsi_codegen::emit;
use iscsi_codegen::families::Spec;
use iscsi_codegen::model::Header;
use iscsi_codegen::pipeline;
use iscsi_codegen::source::{HeaderSet, Manifest};

/// The generator allocates many small token trees; mimalloc (the CLI's allocator too)
/// serves them faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const BUDGET: Duration = Duration::from_millis(20);
const WARMUP: usize = 5;

fn main() {
    if let Err(e) = run() {
        eprintln!("codegen bench: {e}");
        std::process::exit(1);
    }
}

fn run() -> iscsi_codegen::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap_or(Path::new(".."));
    let manifest = Manifest::load(&root.join("headers/manifest.toml"))?;
    let spec = Spec::load(root.join("headers/families.toml"))?;
    let mut sets = Vec::new();
    for s in &manifest.sources {
        match HeaderSet::from_cache(s, &root.join("headers/cache"))? {
            Some(set) => sets.push(set),
            None => {
                println!(
                    "codegen bench: skipped: {} is not in headers/cache/ (run `cargo run -p \
                     iscsi-codegen -- fetch`)",
                    s.label
                );
                return Ok(());
            }
        }
    }
    let iterations: usize = std::env::var("ISCSI_BENCH_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
        .max(1);
    println!("codegen bench: {iterations} iterations after {WARMUP} warm-up runs");
    report("one source", &sets[..1], &spec, iterations)?;
    report("all sources", &sets, &spec, iterations)?;
    history(root, &spec, iterations.div_ceil(4))?;
    Ok(())
}

/// What `generate` and `check` do: read every committed extracted source and emit
/// the tables with since/until over all kernel releases (no header is parsed).
fn history(root: &Path, spec: &Spec, iterations: usize) -> iscsi_codegen::Result<()> {
    let dir = root.join("headers/extracted");
    let mut load = Vec::new();
    let mut emit = Vec::new();
    let mut labels = 0;
    for i in 0..iterations + WARMUP {
        let t = Instant::now();
        let extracted = iscsi_codegen::store::load_dir(&dir)?;
        let docs = iscsi_codegen::store::load_docs(&dir)?;
        let t_load = t.elapsed();
        let t = Instant::now();
        pipeline::generate_from_store(&extracted, &docs, spec)?;
        let t_emit = t.elapsed();
        labels = extracted.len();
        if i >= WARMUP {
            load.push(t_load);
            emit.push(t_emit);
        }
    }
    println!("committed history ({labels} extracted sources; generate/check):");
    for (label, v) in [("load JSON", &mut load), ("plan+emit", &mut emit)] {
        v.sort();
        println!(
            "  {label:<10} median {:>8.3} ms   min {:>8.3} ms",
            ms(v[v.len() / 2]),
            ms(v[0])
        );
    }
    Ok(())
}

/// Times every stage over `sets` and prints median and minimum.
fn report(
    what: &str,
    sets: &[HeaderSet],
    spec: &Spec,
    iterations: usize,
) -> iscsi_codegen::Result<()> {
    let names = pipeline::file_names(sets);
    let mut stages: [Vec<Duration>; 4] = Default::default();
    let mut bytes = 0;
    for i in 0..iterations + WARMUP {
        let mut t_extract = Duration::ZERO;
        let mut t_families = Duration::ZERO;
        let mut t_emit = Duration::ZERO;
        bytes = 0;
        for name in &names {
            let mut headers: Vec<Header> = Vec::new();
            for set in sets {
                let Some(file) = set.file(name) else { continue };
                let t = Instant::now();
                let mut h = pipeline::extract_one(set, file)?;
                t_extract += t.elapsed();
                let t = Instant::now();
                pipeline::assign(spec, &mut h, file)?;
                t_families += t.elapsed();
                headers.push(h);
            }
            let t = Instant::now();
            let text = emit::emit_file(&headers, spec)?;
            t_emit += t.elapsed();
            bytes += text.len();
        }
        if i >= WARMUP {
            let total = t_extract + t_families + t_emit;
            for (v, d) in stages
                .iter_mut()
                .zip([t_extract, t_families, t_emit, total])
            {
                v.push(d);
            }
        }
    }
    let labels: Vec<&str> = sets.iter().map(|s| s.label.as_str()).collect();
    println!(
        "{what} ({}): {} header files, {bytes} bytes emitted",
        labels.join(", "),
        names.len()
    );
    for (label, v) in ["front end", "families", "emit", "total"]
        .iter()
        .zip(stages.iter_mut())
    {
        v.sort();
        println!(
            "  {label:<10} median {:>8.3} ms   min {:>8.3} ms",
            ms(v[v.len() / 2]),
            ms(v[0])
        );
    }
    let median = stages[3][stages[3].len() / 2];
    println!(
        "  budget {:.0} ms: {}",
        ms(BUDGET),
        if median <= BUDGET { "met" } else { "EXCEEDED" }
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
