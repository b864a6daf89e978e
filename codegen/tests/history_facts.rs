//! The committed extracted data (`headers/extracted/*.json`) against the ground
//! truth in `shared/history/` (gcc's view of every kernel release and open-iscsi
//! copy): for every label both have, the same enumerators (enum, name, value), the
//! same integer #defines of each header (name, value), and the same sha256 of each
//! header. The directory is `$SHARED_DIR/history`, else `<repo>/../shared/history`;
//! the test is `#[ignore]`d, so `cargo test` lists it as ignored, and
//! `scripts/test.sh` runs it (`--include-ignored`) when the directory is there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use iscsi_codegen::store::{self, Extracted};

type Facts = BTreeSet<(String, String, i128)>;

fn shared_history() -> Option<PathBuf> {
    let dir = match std::env::var_os("SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    let h = dir.join("history");
    h.join("sources.tsv").is_file().then_some(h)
}

/// label → facts, from one TSV: `key_cols` name the fact, `value_col` its value,
/// and the kernel and open-iscsi `present_in` columns list the labels.
fn read_tsv(path: &Path, enum_col: Option<usize>) -> BTreeMap<String, Facts> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let name_col = enum_col.map_or(0, |_| 1);
    let (value_col, k_col, oi_col) = (col("value"), col("present_in"), col("oi_present_in"));
    let mut out: BTreeMap<String, Facts> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let group = enum_col.map_or("#define", |c| f[c]).to_string();
        let value: i128 = f[value_col].parse().unwrap();
        for labels in [f[k_col], f[oi_col]] {
            for l in labels.split(',').filter(|l| !l.is_empty()) {
                out.entry(l.to_string()).or_default().insert((
                    group.clone(),
                    f[name_col].to_string(),
                    value,
                ));
            }
        }
    }
    out
}

fn ours(x: &Extracted, file: &str, enums: bool) -> Facts {
    let mut out = Facts::new();
    let Some(f) = x.file(file) else { return out };
    if enums {
        for e in &f.enums {
            let g = e
                .name
                .clone()
                .unwrap_or_else(|| String::from("(anonymous)"));
            for (n, v, _, _) in &e.enumerators {
                out.insert((g.clone(), n.clone(), *v));
            }
        }
    } else {
        for (n, v, _, _, _) in &f.defines {
            out.insert((String::from("#define"), n.clone(), *v));
        }
    }
    out
}

#[test]
#[ignore = "needs ../shared (or SHARED_DIR); scripts/test.sh runs it when present"]
fn extracted_data_matches_shared_history() {
    let hist =
        shared_history().expect("this test needs ../shared/history (or $SHARED_DIR/history)");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let extracted = store::load_dir(&root.join("headers/extracted")).unwrap();
    let enumerators = read_tsv(&hist.join("iscsi_if_enumerators.tsv"), Some(0));
    let if_defines = read_tsv(&hist.join("iscsi_if_defines.tsv"), None);
    let proto_defines = read_tsv(&hist.join("iscsi_proto_defines.tsv"), None);
    let mut shas: BTreeMap<String, (String, String)> = BTreeMap::new();
    let sources = std::fs::read_to_string(hist.join("sources.tsv")).unwrap();
    for line in sources.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.get(1) == Some(&"label") {
            shas.insert(f[0].to_string(), (f[8].to_string(), f[9].to_string()));
        }
    }
    let mut problems = Vec::new();
    let mut compared = 0;
    for x in &extracted {
        let Some((sha_if, sha_proto)) = shas.get(&x.label) else {
            continue;
        };
        compared += 1;
        for (file, want) in [("iscsi_if.h", sha_if), ("iscsi_proto.h", sha_proto)] {
            let got = x.file(file).map(|f| f.sha256.as_str()).unwrap_or("-");
            if got != want {
                problems.push(format!(
                    "{}: {file} sha256 {got}, history has {want}",
                    x.label
                ));
            }
        }
        let empty = Facts::new();
        let checks = [
            ("enumerators", ours(x, "iscsi_if.h", true), &enumerators),
            (
                "iscsi_if.h defines",
                ours(x, "iscsi_if.h", false),
                &if_defines,
            ),
            (
                "iscsi_proto.h defines",
                ours(x, "iscsi_proto.h", false),
                &proto_defines,
            ),
        ];
        for (what, got, table) in checks {
            let want = table.get(&x.label).unwrap_or(&empty);
            for f in got.difference(want) {
                problems.push(format!("{}: {what}: extra {f:?}", x.label));
            }
            for f in want.difference(&got) {
                problems.push(format!("{}: {what}: missing {f:?}", x.label));
            }
        }
    }
    eprintln!("compared {compared} labels with {}", hist.display());
    assert!(compared > 0, "no label in common with shared/history");
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
