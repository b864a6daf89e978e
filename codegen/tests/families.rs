//! The family stage: the spec's own errors carry `file:line:column`, every integer
//! `#define` lands in exactly one family or a reasoned exclusion, and a define in
//! none (a new kernel constant) or in two stops generation with its name and
//! `file:line`. Against the real headers, the committed spec covers every define.

mod emit_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use emit_support::{define, header};
use iscsi_codegen::emit::emit_file;
use iscsi_codegen::extract::{ExtractOptions, extract_bytes};
use iscsi_codegen::families::{IntType, Kind, Membership, Spec};
use iscsi_codegen::model::Header;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const SPEC: &str = r#"
[[family]]
name = "Op"
header = "x.h"
kind = "values"
type = "u8"
prefixes = ["X_OP_"]

[[family]]
name = "OpBits"
header = "x.h"
kind = "flags"
type = "u8"
names = ["X_OP_RETRY"]

[[family]]
name = "Status"
header = "x.h"
kind = "keyed"
type = "u16"
prefixes = ["X_STATUS_"]
sections = ["Class-"]

[[family.class]]
section = "Class-0"
class = "X_CLS_OK"

[[family.class]]
section = "Class-2"
class = "X_CLS_BAD"

[[family]]
name = "Cls"
header = "x.h"
kind = "values"
type = "u8"
prefixes = ["X_CLS_"]

[[exclude]]
name = "X_OP_LEGACY"
header = "x.h"
reason = "kept for old userspace"
"#;

fn spec() -> Spec {
    Spec::parse(SPEC, "spec.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn x_header() -> Header {
    let mut h = header("include/x.h", "test");
    h.defines = vec![
        define("X_OP_RETRY", 0x80, 10, None, None),
        define("X_OP_LOGIN", 0x03, 11, None, None),
        define("X_OP_LEGACY", 0x07, 12, None, None),
        define("X_CLS_OK", 0, 20, None, None),
        define("X_CLS_BAD", 2, 21, None, None),
        define("X_STATUS_ACCEPT", 0, 30, Some("Class-0 (Success)"), None),
        define(
            "X_STATUS_NOT_FOUND",
            3,
            33,
            Some("Class-2 (Initiator Error)"),
            None,
        ),
    ];
    h
}

fn spec_error(text: &str) -> String {
    Spec::parse(text, "spec.toml").unwrap_err().to_string()
}

#[test]
fn the_committed_spec_loads() {
    let spec = Spec::load(root().join("headers/families.toml")).unwrap_or_else(|e| panic!("{e}"));
    let files: Vec<&str> = spec.families.iter().map(|f| f.header.as_str()).collect();
    assert!(files.contains(&"iscsi_if.h") && files.contains(&"iscsi_proto.h"));
    let login = spec
        .families
        .iter()
        .find(|f| f.name == "LoginStatus")
        .unwrap();
    assert_eq!(
        (login.kind, login.ty, login.classes.len()),
        (Kind::Keyed, IntType::U16, 4)
    );
    assert!(spec.excludes.iter().all(|x| !x.reason.trim().is_empty()));
}

#[test]
fn toml_errors_have_line_and_column() {
    let err = spec_error(
        "[[family]]\nname = \"A\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u9\"\n",
    );
    assert!(err.starts_with("spec.toml:5:8: "), "{err}");
    let err = spec_error(
        "[[family]]\nname = \"A\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u8\"\ncolour = 1\nnames = [\"A_X\"]\n",
    );
    assert!(err.starts_with("spec.toml:6:1: "), "{err}");
    assert!(err.contains("colour"), "{err}");
    let err = spec_error("[[family]\n");
    assert!(err.starts_with("spec.toml:1:"), "{err}");
}

#[test]
fn spec_rules_are_checked_at_load() {
    let base = "[[family]]\nname = \"A\"\nheader = \"x.h\"\nkind = \"keyed\"\ntype = \"u8\"\nnames = [\"A_X\"]\n";
    let err = spec_error(base);
    assert!(
        err.starts_with("spec.toml:1:1: keyed family `A` must have type u16"),
        "{err}"
    );
    let err = spec_error("[[exclude]]\nname = \"A\"\nheader = \"x.h\"\nreason = \" \"\n");
    assert!(err.contains("exclusion of `A` needs a reason"), "{err}");
    let err = spec_error(
        "[[family]]\nname = \"lower\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u8\"\nnames = [\"A\"]\n",
    );
    assert!(
        err.contains("not an UpperCamelCase Rust identifier"),
        "{err}"
    );
    let two = "[[family]]\nname = \"A\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u8\"\nnames = [\"N\"]\n\
               [[family]]\nname = \"B\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u8\"\nnames = [\"N\"]\n";
    let err = spec_error(two);
    assert!(
        err.starts_with("spec.toml:7:1: `N` is named by both family `A` and family `B`"),
        "{err}"
    );
    let err = spec_error("[[enum]]\ntag = \"t\"\nrename = { \"x\" = \"fn\" }\n");
    assert!(err.contains("rename of `x` to `fn`"), "{err}");
}

#[test]
fn assign_sets_families_and_honours_exclusions() {
    let mut h = x_header();
    spec().assign(&mut h).unwrap_or_else(|e| panic!("{e}"));
    let got: BTreeMap<&str, Option<&str>> = h
        .defines
        .iter()
        .map(|d| (d.name.as_str(), d.family.as_deref()))
        .collect();
    assert_eq!(
        got["X_OP_RETRY"],
        Some("OpBits"),
        "an explicit name wins over a prefix"
    );
    assert_eq!(got["X_OP_LOGIN"], Some("Op"));
    assert_eq!(got["X_OP_LEGACY"], None, "excluded");
    assert_eq!(got["X_STATUS_NOT_FOUND"], Some("Status"));
    let s = spec();
    let d = h.define("X_OP_LEGACY").unwrap();
    assert!(
        matches!(s.membership("x.h", "include/x.h", d), Ok(Membership::Excluded(x)) if x.reason == "kept for old userspace")
    );
}

#[test]
fn an_unassigned_define_fails_with_its_name_and_position() {
    let mut h = x_header();
    h.defines.push(define("X_BRAND_NEW", 9, 77, None, None));
    h.defines.push(define("X_ALSO_NEW", 10, 78, None, None));
    let err = spec().assign(&mut h).unwrap_err().to_string();
    assert!(
        err.starts_with("include/x.h:77:1: integer #define X_BRAND_NEW = 9 belongs to no family"),
        "{err}"
    );
    assert!(
        err.contains("(2 defines fail this way: X_BRAND_NEW, X_ALSO_NEW)"),
        "{err}"
    );
    // The emitter runs the same check.
    let err = emit_file(&[h], &spec()).unwrap_err().to_string();
    assert!(err.contains("X_BRAND_NEW"), "{err}");
}

#[test]
fn a_define_in_two_families_fails() {
    let text = format!(
        "{SPEC}\n[[family]]\nname = \"Op2\"\nheader = \"x.h\"\nkind = \"values\"\ntype = \"u8\"\nprefixes = [\"X_OP_L\"]\n"
    );
    let spec = Spec::parse(&text, "spec.toml").unwrap();
    let err = spec.assign(&mut x_header()).unwrap_err().to_string();
    assert!(
        err.starts_with("include/x.h:11:1: #define X_OP_LOGIN matches two families"),
        "{err}"
    );
    assert!(err.contains("`Op`") && err.contains("`Op2`"), "{err}");
}

#[test]
fn sections_bound_prefix_matches() {
    let mut h = x_header();
    h.defines
        .push(define("X_STATUS_STRAY", 1, 90, Some("Unrelated"), None));
    let err = spec().assign(&mut h).unwrap_err().to_string();
    assert!(err.contains("X_STATUS_STRAY"), "{err}");
}

#[test]
fn keyed_values_pack_class_and_detail() {
    let out = emit_file(&[x_header()], &spec()).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.contains("pub const X_STATUS_NOT_FOUND: Self = Self(0x0203);"),
        "{out}"
    );
    assert!(
        out.contains("pub const X_STATUS_ACCEPT: Self = Self(0x0000);"),
        "{out}"
    );
}

#[test]
fn stale_spec_entries_fail() {
    let mut h = x_header();
    h.defines
        .retain(|d| d.name != "X_OP_LEGACY" && d.name != "X_OP_RETRY");
    // The whole tracked history is checked (`generate_from_store`), not each emit.
    let err = spec()
        .check_stale(&[h.clone()], "x.h")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("family `OpBits` names `X_OP_RETRY`, which no source of x.h defines"),
        "{err}"
    );
    h.defines.push(define("X_OP_RETRY", 0x80, 10, None, None));
    let err = spec().check_stale(&[h], "x.h").unwrap_err().to_string();
    assert!(
        err.contains("`X_OP_LEGACY` is excluded, but no source of x.h defines it"),
        "{err}"
    );
}

/// The tracked kernel headers, or `None` (skipped, except under CI) without a cache.
fn kernel_header(label: &str, file: &str) -> Option<(PathBuf, Vec<u8>)> {
    let path = root().join(format!("headers/cache/{label}/include/scsi/{file}"));
    match std::fs::read(&path) {
        Ok(bytes) => Some((path, bytes)),
        Err(_) => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{} is missing (run `cargo run -p iscsi-codegen -- fetch`)",
                path.display()
            );
            eprintln!("skipped: {} is not in the cache", path.display());
            None
        }
    }
}

fn extract_kernel(label: &str, file: &str, bytes: &[u8], path: &Path) -> Header {
    let options = ExtractOptions {
        label: label.into(),
        path: format!("include/scsi/{file}"),
        include_dirs: vec![path.parent().unwrap().parent().unwrap().to_path_buf()],
        skip_undefined: false,
    };
    extract_bytes(bytes, path, &options).unwrap_or_else(|e| panic!("{e}"))
}

/// A header file, its families with member counts, and its number of exclusions.
type Coverage = (&'static str, &'static [(&'static str, usize)], usize);

#[test]
fn the_spec_covers_every_kernel_define() {
    let spec = Spec::load(root().join("headers/families.toml")).unwrap();
    let expected: &[Coverage] = &[
        (
            "iscsi_if.h",
            &[
                ("NetlinkGroup", 2),
                ("EventBases", 3),
                ("IfaceEnable", 2),
                ("Bootproto", 2),
                ("Ipv6Autocfg", 3),
                ("Ipv6LinklocalAutocfg", 2),
                ("Ipv6RouterAutocfg", 2),
                ("IfaceType", 2),
                ("VlanEnable", 2),
                ("NetParamEnable", 2),
                ("TransportCaps", 15),
                ("StopConn", 3),
                ("IfLimits", 8),
            ],
            0,
        ),
        (
            "iscsi_proto.h",
            &[
                ("ProtoLimits", 22),
                ("OpcodeBits", 3),
                ("IscsiOpcode", 22),
                ("AhsType", 2),
                ("ScsiCmdFlags", 4),
                ("ScsiCmdAttr", 5),
                ("ScsiRspFlags", 4),
                ("ScsiResponse", 3),
                ("AsyncEvent", 6),
                ("TmFlags", 1),
                ("TmFunc", 8),
                ("TmfResponse", 8),
                ("DataFlags", 4),
                ("TextFlags", 1),
                ("LoginFlags", 10),
                ("LoginStage", 4),
                ("LoginStatusClass", 4),
                ("LoginStatus", 18),
                ("LogoutFlags", 1),
                ("LogoutReason", 4),
                ("LogoutResponse", 4),
                ("SnackType", 5),
                ("SnackFlags", 1),
                ("RejectReason", 11),
            ],
            1,
        ),
    ];
    for (file, families, excluded) in expected {
        for label in ["linux-6.1", "linux-6.12"] {
            let Some((path, bytes)) = kernel_header(label, file) else {
                return;
            };
            let mut h = extract_kernel(label, file, &bytes, &path);
            spec.assign(&mut h)
                .unwrap_or_else(|e| panic!("{label} {file}: {e}"));
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for d in &h.defines {
                *counts
                    .entry(d.family.as_deref().unwrap_or("(excluded)"))
                    .or_default() += 1;
            }
            let mut want: BTreeMap<&str, usize> = families.iter().copied().collect();
            if *excluded > 0 {
                want.insert("(excluded)", *excluded);
            }
            assert_eq!(counts, want, "{label} {file}");
        }
    }
}

#[test]
fn a_new_kernel_constant_stops_generation() {
    let Some((path, bytes)) = kernel_header("linux-6.12", "iscsi_proto.h") else {
        return;
    };
    let mut text = String::from_utf8(bytes).unwrap();
    let at = text.rfind("#endif").unwrap();
    text.insert_str(
        at,
        "#define ISCSI_OP_FUTURE_THING\t0x1b\n#define ISCSI_SHINY_NEW\t42\n\n",
    );
    let line = text[..at].lines().count() + 2;
    let mut h = extract_kernel("linux-6.12", "iscsi_proto.h", text.as_bytes(), &path);
    let spec = Spec::load(root().join("headers/families.toml")).unwrap();
    // The opcode joins its family by prefix; the unknown one is named with its line.
    let err = spec.assign(&mut h).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!(
            "include/scsi/iscsi_proto.h:{line}:1: integer #define ISCSI_SHINY_NEW = 42 belongs to no family"
        )),
        "{err}"
    );
    assert!(!err.contains("ISCSI_OP_FUTURE_THING"), "{err}");
}
