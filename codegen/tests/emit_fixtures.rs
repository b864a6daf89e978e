//! The emitter on the front end's fixture headers (headers/fixtures/): snapshots,
//! standalone no_std compilation, and the hostile header, whose keywords,
//! comment closers, quotes, attributes and non-ASCII text must come out as inert
//! identifiers and string literals, never as code.

mod emit_support;

use std::path::{Path, PathBuf};

use emit_support::{compile_no_std, run_with};
use iscsi_codegen::emit::{emit_file, emit_standalone};
use iscsi_codegen::extract::{ExtractOptions, extract_file};
use iscsi_codegen::families::Spec;
use iscsi_codegen::model::Header;

const SPEC: &str = r#"
# ------------------------------------------------------------ basic.h
[[enum]]
member = "ANON_A"
name = "Anon"

[[family]]
name = "WidgetBases"
header = "basic.h"
kind = "constants"
type = "u32"
names = ["WIDGET_BASE", "GADGET_BASE", "ANON_C_COPY", "COND_NESTED", "COND_IFNDEF", "REDEFINED"]

[[family]]
name = "WidgetMasks"
header = "basic.h"
kind = "flags"
type = "u64"
names = ["WIDGET_CREATE_MASK", "WIDGET_MOVE_MASK"]

[[family]]
name = "ExprSigned"
header = "basic.h"
kind = "constants"
type = "i64"
prefixes = ["EXPR_"]

[[family]]
name = "ExprUnsigned"
header = "basic.h"
kind = "constants"
type = "u64"
names = ["EXPR_NOT", "EXPR_CAST_U32", "EXPR_CAST_FORCE", "EXPR_CAST_LONG"]

[[exclude]]
name = "WIDGET_TAG_NONE"
header = "basic.h"
reason = "a sparse-typed cast of all ones"

# ------------------------------------------------------------ old_kernel.h
[[family]]
name = "OldFlags"
header = "old_kernel.h"
kind = "flags"
type = "u64"
names = ["OLD_A", "OLD_B", "OLD_C", "OLD_D", "OLD_E", "OLD_ALL"]

[[family]]
name = "OldConsts"
header = "old_kernel.h"
kind = "constants"
type = "i64"
names = ["OLD_USERSPACE", "OLD_EVENT_BASE", "OLD_RESERVED_ITT", "OLD_LAST_STAGE"]

[[exclude]]
name = "OLD_D_INT"
header = "old_kernel.h"
reason = "an int shift into the sign bit; OLD_D is the same bit as unsigned long long"

# ------------------------------------------------------------ hostile.h
[[enum]]
tag = "type"
rename = { "_" = "UNDERSCORE", "__" = "DOUBLE_UNDERSCORE", "Self" = "SELF_TYPE" }

[[family]]
name = "HostileChars"
header = "hostile.h"
kind = "values"
type = "u8"
names = ["HOSTILE_QUOTE", "HOSTILE_APOS", "HOSTILE_SLASH", "HOSTILE_STAR"]

[[family]]
name = "HostileDocs"
header = "hostile.h"
kind = "constants"
type = "i64"
prefixes = ["HOSTILE_"]
names = ["type_SELF"]

[[family]]
name = "HostileWide"
header = "hostile.h"
kind = "constants"
type = "u64"
names = ["HOSTILE_MAX_ULL", "HOSTILE_BIG_SHIFT"]
"#;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../headers/fixtures")
}

fn extract(name: &str) -> Header {
    let options = ExtractOptions {
        label: "fixture".into(),
        path: format!("fixtures/{name}"),
        include_dirs: vec![fixtures().join("include")],
        skip_undefined: false,
    };
    extract_file(&fixtures().join(name), &options).unwrap_or_else(|e| panic!("{e}"))
}

fn spec() -> Spec {
    Spec::parse(SPEC, "fixture-families.toml").unwrap_or_else(|e| panic!("{e}"))
}

/// The emitted file with the sha256 in the banner masked, so editing a fixture's
/// comments shows up only where the output changes.
fn emit(name: &str) -> String {
    let out = emit_file(&[extract(name)], &spec()).unwrap_or_else(|e| panic!("{e}"));
    mask(&out)
}

/// The standalone form of the fixture (compiles alone).
fn standalone(name: &str) -> String {
    emit_standalone(&[extract(name)], &spec()).unwrap_or_else(|e| panic!("{e}"))
}

fn mask(out: &str) -> String {
    out.lines()
        .map(|l| match l.find(" sha256 ") {
            Some(i) if l.starts_with("//") => format!("{} sha256 <masked>", &l[..i]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn snapshot_basic() {
    insta::assert_snapshot!("fixture_basic", emit("basic.h"));
}

#[test]
fn snapshot_old_kernel() {
    insta::assert_snapshot!("fixture_old_kernel", emit("old_kernel.h"));
}

#[test]
fn snapshot_hostile() {
    insta::assert_snapshot!("fixture_hostile", emit("hostile.h"));
}

#[test]
fn fixtures_compile_alone_under_no_std() {
    for name in ["basic.h", "old_kernel.h", "hostile.h"] {
        compile_no_std(name.trim_end_matches(".h"), &standalone(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// Top-level item names of a parsed file.
fn item_names(file: &syn::File) -> Vec<String> {
    file.items
        .iter()
        .map(|item| match item {
            syn::Item::Struct(s) => format!("struct {}", s.ident),
            syn::Item::Enum(e) => format!("enum {}", e.ident),
            syn::Item::Const(c) => format!("const {}", c.ident),
            syn::Item::Static(s) => format!("static {}", s.ident),
            syn::Item::Trait(t) => format!("trait {}", t.ident),
            syn::Item::Macro(m) => {
                let path = &m.mac.path;
                let name = m
                    .ident
                    .as_ref()
                    .map(|i| format!(" {i}"))
                    .unwrap_or_default();
                format!("macro {}{name}", quote::quote!(#path))
            }
            syn::Item::Impl(i) => {
                let ty = &i.self_ty;
                let tr = i
                    .trait_
                    .as_ref()
                    .map(|(p, _)| quote::quote!(#p).to_string());
                format!("impl {} for {}", tr.unwrap_or_default(), quote::quote!(#ty))
            }
            syn::Item::Use(u) => format!("use {}", quote::quote!(#u)),
            other => format!("unexpected {}", quote::quote!(#other)),
        })
        .collect()
}

#[test]
fn hostile_text_cannot_inject_code() {
    let out = emit("hostile.h");
    let file = syn::parse_file(&out).expect("the output parses");
    assert!(file.attrs.is_empty(), "no inner attributes");
    let names = item_names(&file);
    // Only the shapes the emitter makes, and only for the hostile header's families.
    for n in &names {
        assert!(
            n.starts_with("struct ")
                || n.starts_with("enum ")
                || n.starts_with("const ")
                || n.starts_with("static FAMILIES")
                || n == "macro family_impls"
                || n == "macro flags_display"
                || n == "macro releases"
                || n.starts_with("use pub use crate :: core :: {")
                || n.starts_with("use use crate :: core :: {")
                || n.starts_with("impl "),
            "unexpected item {n}"
        );
    }
    assert!(!names.iter().any(|n| n.contains("unexpected")));
    let types: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("struct ") || n.starts_with("enum "))
        .collect();
    assert_eq!(
        types,
        [
            "struct Type",
            "enum TypeKnown",
            "struct HostileSpeed",
            "enum HostileSpeedKnown",
            "struct HostileBig",
            "enum HostileBigKnown",
            "struct HostileChars",
        ]
    );
    // Every fn in the file is one the emitter writes.
    let allowed = [
        "new",
        "get",
        "entry",
        "name",
        "doc",
        "from_name",
        "from",
        "try_from",
        "fmt",
        "contains",
        "bitor",
        "bitand",
        "from_parts",
        "class",
        "detail",
    ];
    for item in &file.items {
        if let syn::Item::Impl(i) = item {
            for it in &i.items {
                if let syn::ImplItem::Fn(f) = it {
                    let n = f.sig.ident.to_string();
                    assert!(allowed.contains(&n.as_str()), "unexpected fn {n}");
                }
            }
        }
    }
    // Keywords became raw identifiers or escaped names, never bare keywords.
    assert!(out.contains("pub const r#fn: Self"), "{out}");
    assert!(out.contains("pub const self_: Self"));
    assert!(out.contains("pub const crate_: Self"));
    assert!(out.contains("pub const SELF_TYPE: Self"));
    assert!(out.contains("pub const UNDERSCORE: Self"));
    // The hostile comments are in string literals and inert doc lines.
    assert!(out.contains(r#"doc: "trailing */ and /* and */""#), "{out}");
    assert!(out.contains(r##"doc: "#[doc = \"x\"]""##), "{out}");
}

#[test]
fn hostile_values_round_trip() {
    let body = r##"
    use g::*;
    assert_eq!(Type::from_name("fn"), Some(Type(3)));
    assert_eq!(Type::r#fn, Type(3));
    assert_eq!(Type::self_.get(), 0);
    assert_eq!(Type(4).name(), Some("Self"));
    assert_eq!(Type(-1).doc(), Some("négatif: naïve café, ✓, 日本語, 🦀"));
    assert_eq!(Type(2).to_string(), "2 _");
    assert_eq!(TypeKnown::try_from(Type(4)), Ok(TypeKnown::SelfType));
    assert_eq!(TypeKnown::IMPL, TypeKnown::Self_);
    assert_eq!(TypeKnown::try_from(Type(0)), Ok(TypeKnown::Self_));
    assert_eq!(HOSTILE_MIN_LL, i64::MIN);
    assert_eq!(HOSTILE_MAX_ULL, u64::MAX);
    assert_eq!(type_SELF, 3);
    let f = FAMILIES.iter().find(|f| f.rust_name == "HostileDocs").unwrap();
    let boxed = (0..f.len).filter_map(|i| (f.entry)(i)).find(|e| e.name == "HOSTILE_BOXED").unwrap();
    assert!(boxed.doc.contains("| \"x\" |"));
    assert_eq!(HostileChars::HOSTILE_QUOTE.doc(), Some("a double quote char: 34"));
    assert_eq!(HostileBig(0x1_0000_0000).to_string(), "4294967296 BIG_NEXT");
    "##;
    run_with("hostile-run", &standalone("hostile.h"), body).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn colliding_rust_names_need_a_rename() {
    // Without the spec's renames, C `_` would become `__` (a keyword that cannot
    // be raw gets a `_`), which C `__` already is: a reported error, not code
    // that fails to compile.
    let spec = Spec::parse(
        &SPEC.replace(
            r#"rename = { "_" = "UNDERSCORE", "__" = "DOUBLE_UNDERSCORE", "Self" = "SELF_TYPE" }"#,
            "",
        ),
        "f.toml",
    )
    .unwrap();
    let err = emit_file(&[extract("hostile.h")], &spec)
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("fixtures/hostile.h:22:1: "), "{err}");
    assert!(
        err.contains("`__` and `_` would both be `Type::__`; rename one in the spec"),
        "{err}"
    );
}

#[test]
fn self_and_self_type_need_a_rename() {
    // C `self` and `Self` would both be the variant `Self_`.
    let spec = Spec::parse(&SPEC.replace(r#", "Self" = "SELF_TYPE""#, ""), "f.toml").unwrap();
    let err = emit_file(&[extract("hostile.h")], &spec)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`Self` and `self` both give the name `TypeKnown::Self_`"),
        "{err}"
    );
}
