use iscsi_codegen::{
    emit,
    families::Spec,
    pipeline,
    source::{HeaderSet, Manifest},
};
use std::path::Path;
fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let manifest = Manifest::load(&root.join("headers/manifest.toml")).unwrap();
    let spec = Spec::load(root.join("headers/families.toml")).unwrap();
    let set = HeaderSet::from_cache(&manifest.sources[0], &root.join("headers/cache"))
        .unwrap()
        .unwrap();
    let stage = std::env::var("STAGE").unwrap_or_default();
    let n: usize = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let names = pipeline::file_names(std::slice::from_ref(&set));
    let mut models = Vec::new();
    for name in &names {
        let f = set.file(name).unwrap();
        let mut h = pipeline::extract_one(&set, f).unwrap();
        pipeline::assign(&spec, &mut h, f).unwrap();
        models.push(h);
    }
    let t = std::time::Instant::now();
    for _ in 0..n {
        if stage != "emit" {
            for name in &names {
                let f = set.file(name).unwrap();
                std::hint::black_box(pipeline::extract_one(&set, f).unwrap());
            }
        }
        if stage != "front" {
            for h in &models {
                std::hint::black_box(emit::emit_file(std::slice::from_ref(h), &spec).unwrap());
            }
        }
    }
    eprintln!("{:.3} ms/iter", t.elapsed().as_secs_f64() * 1e3 / n as f64);
}
