//! The committed tables as data (issue 15): a kernel release that changes no value
//! changes a few lines of generated Rust, not every row; and the `--standalone` form of
//! the real tables compiles alone, as a vendoring tool would use it, on every edition
//! from 2018. Both run on the committed `headers/extracted/` (no network, no ../shared).

mod emit_support;

use std::path::Path;

use iscsi_codegen::emit::Form;
use iscsi_codegen::families::Spec;
use iscsi_codegen::pipeline::{self, GeneratedFile};
use iscsi_codegen::store::{self, Extracted};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn store() -> (Vec<Extracted>, store::Docs, Spec) {
    let dir = root().join("headers/extracted");
    let extracted = store::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"));
    let docs = store::load_docs(&dir).unwrap_or_else(|e| panic!("{e}"));
    let spec = Spec::load(root().join("headers/families.toml")).unwrap_or_else(|e| panic!("{e}"));
    (extracted, docs, spec)
}

fn generate(
    extracted: &[Extracted],
    docs: &store::Docs,
    spec: &Spec,
    form: Form,
) -> Vec<GeneratedFile> {
    pipeline::generate_from_store_in(extracted, docs, spec, form).unwrap_or_else(|e| panic!("{e}"))
}

/// The lines only in `a` and the lines only in `b`, as a line diff counts them.
fn changed_lines(a: &str, b: &str) -> Vec<String> {
    similar::TextDiff::from_lines(a, b)
        .iter_all_changes()
        .filter(|c| c.tag() != similar::ChangeTag::Equal)
        .map(|c| format!("{}{}", c.tag(), c.value().trim_end()))
        .collect()
}

#[test]
fn a_release_that_changes_no_value_changes_at_most_12_lines() {
    let (mut extracted, docs, spec) = store();
    let before = generate(&extracted, &docs, &spec, Form::Crate);
    // The committed files are what `generate` writes (so this measures the real diff).
    for f in &before {
        let committed =
            std::fs::read_to_string(root().join("tables/generated").join(&f.path)).unwrap();
        assert!(
            committed == f.contents,
            "{} is stale: run generate",
            f.path.display()
        );
    }
    let newest = extracted
        .iter()
        .filter(|x| x.series() == iscsi_codegen::version::Series::Kernel)
        .max_by_key(|x| iscsi_codegen::version::KernelVersion::parse(&x.label).map(|v| v.key()))
        .cloned()
        .expect("a kernel release");
    let mut copy = newest.clone();
    let [a, b, _, _] = iscsi_tables_version(&newest.label);
    copy.label = format!("v{a}.{}", b + 1);
    extracted.push(copy.clone());
    extracted.sort_by(|x, y| iscsi_codegen::version::compare_labels(&x.label, &y.label));
    let after = generate(&extracted, &docs, &spec, Form::Crate);
    assert_eq!(before.len(), after.len());
    let mut all = Vec::new();
    for (x, y) in before.iter().zip(&after) {
        let changed = changed_lines(&x.contents, &y.contents);
        // Only added lines: the banner's source line and the release's line of `releases!`.
        assert!(changed.iter().all(|l| l.starts_with('+')), "{changed:#?}");
        assert_eq!(changed.len(), 2, "{}: {changed:#?}", x.path.display());
        assert!(
            changed
                .iter()
                .any(|l| l.starts_with(&format!("+//   {}: ", copy.label)))
        );
        let name = format!("    V{}_{} = \"{}\",", a, b + 1, copy.label);
        assert!(changed.iter().any(|l| l[1..] == name), "{changed:#?}");
        all.extend(changed);
    }
    assert!(all.len() <= 12, "{} changed lines: {all:#?}", all.len());
}

/// `[major, minor, patch, rc]` of a label, by the runtime's own parser.
fn iscsi_tables_version(label: &str) -> [u16; 4] {
    iscsi_tables::core::parse_version(label).expect("a kernel label")
}

#[test]
fn the_standalone_tables_compile_alone_on_every_edition() {
    let (extracted, docs, spec) = store();
    let files = generate(&extracted, &docs, &spec, Form::Standalone);
    for f in &files {
        assert!(
            !f.contents.contains("crate::"),
            "{}: a crate path",
            f.path.display()
        );
        let name = f.path.file_stem().unwrap().to_str().unwrap();
        for edition in ["2018", "2021", "2024"] {
            for public in [false, true] {
                emit_support::compile_no_std_on(name, &f.contents, edition, public)
                    .unwrap_or_else(|e| panic!("{name} on {edition} (pub: {public}): {e}"));
            }
        }
    }
    let iscsi_if = files
        .iter()
        .find(|f| f.path.ends_with("iscsi_if.rs"))
        .unwrap();
    let body = r#"
    use g::*;
    assert_eq!(IscsiErr(1022).to_string(), "1022 ISCSI_ERR_NOP_TIMEDOUT");
    assert_eq!(IscsiConnState(3).name(), Some("ISCSI_CONN_STATE_LOGGED_IN"));
    let r = RELEASES.find("3.10.0-1160.el7.x86_64").unwrap();
    assert_eq!(RELEASES.label(r), "v3.10.65");
    assert_eq!(r, V3_10_65);
    assert!(LATEST.has(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT));
    assert_eq!(RELEASES.info(V4_1_RC6).unwrap().version, Some([4, 1, 0, 6]));
    "#;
    emit_support::run_with("standalone-real", &iscsi_if.contents, body)
        .unwrap_or_else(|e| panic!("{e}"));
}
