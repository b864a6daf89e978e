//! The emitter on synthetic models: snapshots of the generated source, that it
//! compiles alone under `#![no_std]` with missing docs denied, that its `Display`
//! formats are the contract's, and that hostile names and comments cannot inject
//! code.

mod emit_support;

use emit_support::{compile_no_std, define, enumeration, header, run_with};
use iscsi_codegen::emit::{emit_file, emit_standalone};
use iscsi_codegen::families::Spec;
use iscsi_codegen::model::Header;

const SPEC: &str = r#"
[[enum]]
tag = "iscsi_err"
strip = "ISCSI_ERR_"

[[family]]
name = "TransportCaps"
header = "iscsi_if.h"
kind = "flags"
type = "u32"
prefixes = ["CAP_"]

[[family]]
name = "StopConn"
header = "iscsi_if.h"
kind = "values"
type = "u32"
prefixes = ["STOP_CONN_"]

[[family]]
name = "IfLimits"
header = "iscsi_if.h"
kind = "constants"
type = "u32"
names = ["ISCSI_STATS_CUSTOM_MAX"]

[[exclude]]
name = "ISCSI_IF_SOMETHING"
header = "iscsi_if.h"
reason = "test exclusion"

[[family]]
name = "IscsiOpcode"
header = "iscsi_proto.h"
kind = "values"
type = "u8"
prefixes = ["ISCSI_OP_"]
strip = "ISCSI_OP_"
hex = true

[[family]]
name = "OpcodeBits"
header = "iscsi_proto.h"
kind = "flags"
type = "u8"
names = ["ISCSI_OP_IMMEDIATE", "ISCSI_OPCODE_MASK"]

[[family]]
name = "LoginFlags"
header = "iscsi_proto.h"
kind = "flags"
type = "u8"
prefixes = ["ISCSI_FLAG_LOGIN_"]

[[family]]
name = "LoginStage"
header = "iscsi_proto.h"
kind = "values"
type = "i8"
names = ["ISCSI_INITIAL_LOGIN_STAGE", "ISCSI_FULL_FEATURE_PHASE"]

[[family]]
name = "LoginStatusClass"
header = "iscsi_proto.h"
kind = "values"
type = "u8"
prefixes = ["ISCSI_STATUS_CLS_"]

[[family]]
name = "LoginStatus"
header = "iscsi_proto.h"
kind = "keyed"
type = "u16"
prefixes = ["ISCSI_LOGIN_STATUS_"]

[[family.class]]
section = "Class-0"
class = "ISCSI_STATUS_CLS_SUCCESS"

[[family.class]]
section = "Class-2"
class = "ISCSI_STATUS_CLS_INITIATOR_ERR"

[[family]]
name = "SnackType"
header = "iscsi_proto.h"
kind = "values"
type = "u8"
prefixes = ["ISCSI_FLAG_SNACK_TYPE_"]
"#;

fn spec() -> Spec {
    Spec::parse(SPEC, "families.toml").expect("spec")
}

fn if_header(label: &str) -> Header {
    let mut h = header("include/scsi/iscsi_if.h", label);
    h.enums.push(enumeration(
        Some("iscsi_err"),
        Some("Common error codes"),
        496,
        &[
            ("ISCSI_OK", 0, Some("0"), None),
            (
                "ISCSI_ERR_CONN_FAILED",
                1011,
                Some("ISCSI_ERR_BASE + 11"),
                None,
            ),
            (
                "ISCSI_ERR_TCP_CONN_CLOSE",
                1020,
                Some("ISCSI_ERR_BASE + 20"),
                None,
            ),
            (
                "ISCSI_ERR_NOP_TIMEDOUT",
                1022,
                Some("ISCSI_ERR_BASE + 22"),
                Some("NOP-Out timed out"),
            ),
        ],
    ));
    h.enums.push(enumeration(
        Some("iscsi_conn_state"),
        None,
        483,
        &[
            ("ISCSI_CONN_STATE_FREE", 0, None, None),
            ("ISCSI_CONN_STATE_XPT_WAIT", 1, None, None),
            ("ISCSI_CONN_STATE_LOGGED_IN", 2, None, None),
        ],
    ));
    h.enums.push(enumeration(
        Some("iscsi_port_speed"),
        Some("iSCSI port Speed"),
        711,
        &[
            ("ISCSI_PORT_SPEED_UNKNOWN", 1, Some("0x1"), None),
            ("ISCSI_PORT_SPEED_10MBPS", 2, Some("0x2"), None),
        ],
    ));
    h.defines
        .push(define("ISCSI_IF_SOMETHING", 7, 20, None, None));
    h.defines.push(define(
        "CAP_RECOVERY_L0",
        0x1,
        747,
        Some("These flags presents iSCSI Data-Path capabilities."),
        None,
    ));
    h.defines.push(define("CAP_HDRDGST", 0x10, 751, None, None));
    h.defines
        .push(define("CAP_DATADGST", 0x20, 752, None, Some("data digest")));
    h.defines.push(define("STOP_CONN_TERM", 1, 767, None, None));
    h.defines
        .push(define("STOP_CONN_RECOVER", 3, 769, None, None));
    h.defines
        .push(define("ISCSI_STATS_CUSTOM_MAX", 32, 771, None, None));
    h
}

fn proto_header(label: &str) -> Header {
    let mut h = header("include/scsi/iscsi_proto.h", label);
    let d = &mut h.defines;
    d.push(define(
        "ISCSI_OP_IMMEDIATE",
        0x40,
        97,
        Some("Opcode encoding bits"),
        None,
    ));
    d.push(define(
        "ISCSI_OPCODE_MASK",
        0x3f,
        98,
        Some("Opcode encoding bits"),
        None,
    ));
    d.push(define(
        "ISCSI_OP_LOGIN",
        0x03,
        104,
        Some("Initiator Opcode values"),
        None,
    ));
    d.push(define(
        "ISCSI_OP_LOGIN_RSP",
        0x23,
        119,
        Some("Target Opcode values"),
        None,
    ));
    d.push(define(
        "ISCSI_OP_REJECT",
        0x3f,
        125,
        Some("Target Opcode values"),
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_TRANSIT",
        0x80,
        446,
        Some("Login PDU flags"),
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK",
        0x0c,
        448,
        None,
        Some("2 bits"),
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_CURRENT_STAGE1",
        0x04,
        449,
        None,
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_NEXT_STAGE1",
        0x01,
        453,
        None,
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_NEXT_STAGE2",
        0x02,
        454,
        None,
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_LOGIN_NEXT_STAGE3",
        0x03,
        455,
        None,
        None,
    ));
    d.push(define("ISCSI_INITIAL_LOGIN_STAGE", -1, 483, None, None));
    d.push(define("ISCSI_FULL_FEATURE_PHASE", 3, 486, None, None));
    d.push(define(
        "ISCSI_STATUS_CLS_SUCCESS",
        0,
        489,
        Some("Login Status response classes"),
        None,
    ));
    d.push(define("ISCSI_STATUS_CLS_INITIATOR_ERR", 2, 491, None, None));
    d.push(define(
        "ISCSI_LOGIN_STATUS_ACCEPT",
        0,
        496,
        Some("Class-0 (Success)"),
        None,
    ));
    d.push(define(
        "ISCSI_LOGIN_STATUS_INIT_ERR",
        0,
        503,
        Some("Class-2 (Initiator Error)"),
        None,
    ));
    d.push(define(
        "ISCSI_LOGIN_STATUS_TGT_NOT_FOUND",
        3,
        506,
        Some("Class-2 (Initiator Error)"),
        None,
    ));
    d.push(define(
        "ISCSI_FLAG_SNACK_TYPE_DATA",
        0,
        592,
        Some("SNACK PDU flags"),
        None,
    ));
    d.push(define("ISCSI_FLAG_SNACK_TYPE_R2T", 0, 593, None, None));
    d.push(define("ISCSI_FLAG_SNACK_TYPE_STATUS", 1, 594, None, None));
    h
}

#[test]
fn snapshot_synthetic_if() {
    let out = emit_file(&[if_header("linux-6.1"), if_header("linux-6.12")], &spec()).expect("emit");
    insta::assert_snapshot!("synthetic_iscsi_if", out);
}

#[test]
fn snapshot_synthetic_proto() {
    let out = emit_file(&[proto_header("linux-6.12")], &spec()).expect("emit");
    insta::assert_snapshot!("synthetic_iscsi_proto", out);
}

#[test]
fn output_is_deterministic() {
    let a = emit_file(&[if_header("a"), if_header("b")], &spec()).expect("emit");
    let b = emit_file(&[if_header("a"), if_header("b")], &spec()).expect("emit");
    assert_eq!(a, b);
}

#[test]
fn shape_rules_hold() {
    for out in [
        emit_file(&[if_header("linux-6.12")], &spec()).expect("emit"),
        emit_file(&[proto_header("linux-6.12")], &spec()).expect("emit"),
    ] {
        assert!(out.starts_with("// @generated by iscsi-codegen"));
        assert!(out.contains("sha256 "));
        assert!(!out.contains("#!["), "no inner attributes");
        assert!(!out.contains("//!"), "no inner doc comments");
        assert!(!out.contains("std::"), "core only");
        assert!(!out.contains("transmute"));
        syn::parse_file(&out).expect("parses");
    }
}

#[test]
fn compiles_alone_under_no_std() {
    let out = emit_standalone(&[if_header("linux-6.12")], &spec()).expect("emit");
    compile_no_std("if", &out).unwrap_or_else(|e| panic!("{e}"));
    let out = emit_standalone(&[proto_header("linux-6.12")], &spec()).expect("emit");
    compile_no_std("proto", &out).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn display_formats_follow_the_contract() {
    let mut code = emit_standalone(&[if_header("linux-6.12")], &spec()).expect("emit");
    let proto = emit_standalone(&[proto_header("linux-6.12")], &spec()).expect("emit");
    // Two files in one module would clash on the common items: nest the second.
    code.push_str("\n/// proto\npub mod p {\n");
    code.push_str(&proto);
    code.push_str("\n}\n");
    let body = r#"
    {
    use g::*;
    assert_eq!(IscsiErr(1022).to_string(), "1022 ISCSI_ERR_NOP_TIMEDOUT");
    assert_eq!(IscsiErr(1099).to_string(), "1099 ISCSI_ERR_???");
    assert_eq!(format!("{:?}", IscsiErr(1022)), "IscsiErr(1022 ISCSI_ERR_NOP_TIMEDOUT)");
    assert_eq!(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT, IscsiErr(1022));
    assert_eq!(IscsiErr::from_name("ISCSI_OK"), Some(IscsiErr(0)));
    assert_eq!(IscsiErr(1022).doc(), Some("NOP-Out timed out"));
    assert_eq!(IscsiErr(0).doc(), None);
    assert_eq!(IscsiErrKnown::try_from(IscsiErr(1022)), Ok(IscsiErrKnown::NopTimedout));
    assert_eq!(IscsiErrKnown::try_from(IscsiErr(5)), Err(IscsiErr(5)));
    assert_eq!(IscsiErr::from(IscsiErrKnown::Ok), IscsiErr(0));
    assert_eq!(IscsiPortSpeedKnown::Speed10Mbps as u32, 2);
    assert_eq!(IscsiConnState(2).to_string(), "2 ISCSI_CONN_STATE_LOGGED_IN");
    assert_eq!(TransportCaps(0x8030).to_string(), "0x8030 CAP_HDRDGST|CAP_DATADGST|0x8000");
    assert_eq!(TransportCaps(0).to_string(), "0x0 0");
    assert!((TransportCaps::CAP_HDRDGST | TransportCaps::CAP_DATADGST).contains(TransportCaps::CAP_DATADGST));
    assert_eq!(ISCSI_STATS_CUSTOM_MAX, 32u32);
    assert_eq!(FAMILIES.iter().map(|f| f.rust_name).collect::<Vec<_>>(),
        ["IscsiConnState", "IscsiErr", "IscsiPortSpeed", "TransportCaps", "StopConn", "IfLimits"]);
    let err = &FAMILIES[1];
    let e = (err.entry)(3).unwrap();
    assert_eq!((e.value, e.name), (1022, "ISCSI_ERR_NOP_TIMEDOUT"));
    assert!((err.entry)(4).is_none());
    assert_eq!(err.len, 4);
    let c = FAMILIES.iter().find(|f| f.rust_name == "IfLimits").unwrap();
    assert_eq!(c.kind, FamilyKind::Constants);
    assert_eq!((c.entry)(0).unwrap().value, 32);
    // One source: one release, every row in it.
    assert_eq!(RELEASES.len(), 1);
    assert_eq!(LATEST, Release(0));
    assert_eq!(RELEASES.find("6.12.5"), Some(Release(0)));
    assert_eq!(RELEASES.find("3.10.0-1160.el7"), None);
    assert!(LATEST.has(IscsiErr(1022)));
    assert!(!LATEST.has(IscsiErr(1099)));
    assert_eq!(IscsiErr(1022).since(), Some(Release(0)));
    }
    use g::p::*;
    assert_eq!(LoginStatus(0x0203).to_string(), "02/03 ISCSI_LOGIN_STATUS_TGT_NOT_FOUND");
    assert_eq!(LoginStatus(0x027f).to_string(), "02/7f ISCSI_LOGIN_STATUS_???");
    assert_eq!(LoginStatus::from_parts(2, 3), LoginStatus::ISCSI_LOGIN_STATUS_TGT_NOT_FOUND);
    assert_eq!(LoginStatus(0x0203).class(), 2);
    assert_eq!(LoginStatus(0x0203).detail(), 3);
    assert_eq!(LoginStatus(0).to_string(), "00/00 ISCSI_LOGIN_STATUS_ACCEPT");
    assert_eq!(IscsiOpcode(0x23).to_string(), "0x23 ISCSI_OP_LOGIN_RSP");
    assert_eq!(IscsiOpcode(0x30).to_string(), "0x30 ISCSI_OP_???");
    assert_eq!(format!("{:?}", IscsiOpcode(3)), "IscsiOpcode(0x03 ISCSI_OP_LOGIN)");
    assert_eq!(LoginStage(-1).to_string(), "-1 ISCSI_INITIAL_LOGIN_STAGE");
    assert_eq!(LoginFlags(0x87).to_string(),
        "0x87 ISCSI_FLAG_LOGIN_NEXT_STAGE3|ISCSI_FLAG_LOGIN_CURRENT_STAGE1|ISCSI_FLAG_LOGIN_TRANSIT");
    assert_eq!(OpcodeBits(0x7f).to_string(), "0x7f ISCSI_OP_IMMEDIATE|0x3f");
    assert_eq!(SnackType(0).name(), Some("ISCSI_FLAG_SNACK_TYPE_DATA"));
    assert_eq!(SnackType::from_name("ISCSI_FLAG_SNACK_TYPE_R2T"), Some(SnackType(0)));
    assert_eq!(FAMILIES.iter().map(|f| f.rust_name).collect::<Vec<_>>(),
        ["OpcodeBits", "IscsiOpcode", "LoginFlags", "LoginStage", "LoginStatusClass", "LoginStatus", "SnackType"]);
    "#;
    run_with("display", &code, body).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn union_of_labels_keeps_every_name() {
    let old = if_header("linux-6.1");
    let mut new = if_header("linux-6.12");
    new.defines
        .push(define("CAP_NEW_THING", 0x4000, 762, None, None));
    let out = emit_file(&[old, new], &spec()).expect("emit");
    assert!(
        out.contains("pub const CAP_NEW_THING: Self = Self(0x4000);"),
        "{out}"
    );
}

#[test]
fn a_value_that_differs_between_labels_gets_a_row_per_value() {
    let old = if_header("linux-6.1");
    let mut new = if_header("linux-6.12");
    new.defines
        .iter_mut()
        .find(|d| d.name == "CAP_HDRDGST")
        .unwrap()
        .value = 0x11;
    let out = emit_file(&[old, new], &spec()).unwrap_or_else(|e| panic!("{e}"));
    // The const takes the newest value; its doc names the older one.
    assert!(
        out.contains("pub const CAP_HDRDGST: Self = Self(0x11);"),
        "{out}"
    );
    assert!(out.contains("other values: 16 (linux-6.1)"), "{out}");
    // Both rows stay in the table, each with its release.
    assert!(
        out.contains(r#"Self::row(0x10, "CAP_HDRDGST", "", "0x10", LINUX_6_1, LINUX_6_1)"#),
        "{out}"
    );
    assert!(
        out.contains(r#"Self::row(0x11, "CAP_HDRDGST", "", "0x10", LATEST, LATEST)"#),
        "{out}"
    );
}

/// Three releases: 1022 appears in the second; ISCSI_ERR_TCP_CONN_CLOSE is
/// renumbered in the last (a fiction, to exercise a value with two names).
fn three_releases() -> Vec<Header> {
    let drop = |mut h: Header, name: &str| {
        for e in &mut h.enums {
            e.enumerators.retain(|x| x.name != name);
        }
        h
    };
    let a = drop(if_header("v3.10.65"), "ISCSI_ERR_NOP_TIMEDOUT");
    let b = if_header("v3.17");
    let mut c = if_header("v6.1.192");
    for e in &mut c.enums {
        for x in &mut e.enumerators {
            if x.name == "ISCSI_ERR_TCP_CONN_CLOSE" {
                x.value = 1022;
            }
        }
    }
    let c = drop(c, "ISCSI_ERR_NOP_TIMEDOUT");
    vec![a, b, c]
}

#[test]
fn per_release_lookups_follow_the_contract() {
    let code = emit_standalone(&three_releases(), &spec()).unwrap_or_else(|e| panic!("{e}"));
    let body = r#"
    use g::*;
    assert_eq!(RELEASES.iter().map(|r| r.label).collect::<Vec<_>>(), ["v3.10.65", "v3.17", "v6.1.192"]);
    assert_eq!(RELEASES[0].version, Some([3, 10, 65, 0]));
    assert_eq!(LATEST, Release(2));
    assert_eq!((V3_10_65, V3_17, V6_1_192), (Release(0), Release(1), LATEST));
    // Exact labels and versions, and the release-line floor rule.
    for l in ["v3.17", "3.17", "linux-3.17", "3.17.0", "3.17.4", "3.18", "3.19.8-100.fc20"] {
        assert_eq!(RELEASES.find(l), Some(Release(1)), "{l}");
    }
    assert_eq!(RELEASES.find("3.10.0-1160.el7.x86_64"), Some(Release(0)));
    assert_eq!(RELEASES.find("linux-headers-6.12.117+deb12-amd64"), Some(Release(2)));
    assert_eq!(RELEASES.find("2.6.32-754.el6"), None);
    assert_eq!(RELEASES.find("not a version"), None);
    assert_eq!(RELEASES.find_exact("3.18"), None);
    assert_eq!(RELEASES.find_exact("v3.17"), Some(Release(1)));
    assert_eq!(RELEASES.label(Release(1)), "v3.17");
    assert_eq!(RELEASES.label(Release(9)), "");
    assert_eq!(RELEASES.all().count(), 3);
    assert_eq!(RELEASES.latest(), Some(LATEST));
    // 1022: NOP_TIMEDOUT in v3.17 only, TCP_CONN_CLOSE from v6.1.192 (the fiction).
    let rhel7 = RELEASES.find("3.10.0-1160.el7").unwrap();
    assert!(!rhel7.has(IscsiErr(1022)));
    assert_eq!(IscsiErr(1022).name_in(rhel7), None);
    assert_eq!(IscsiErr(1022).name_in(Release(1)), Some("ISCSI_ERR_NOP_TIMEDOUT"));
    assert_eq!(IscsiErr(1022).name_in(Release(2)), Some("ISCSI_ERR_TCP_CONN_CLOSE"));
    assert_eq!(IscsiErr(1022).name(), Some("ISCSI_ERR_TCP_CONN_CLOSE"));
    assert_eq!(IscsiErr(1022).to_string(), "1022 ISCSI_ERR_TCP_CONN_CLOSE");
    assert_eq!(IscsiErr(1022).since(), Some(Release(1)));
    assert_eq!(IscsiErr(1022).until(), Some(Release(2)));
    assert_eq!(IscsiErr(1020).until(), Some(Release(1)));
    assert_eq!(IscsiErr::ISCSI_ERR_TCP_CONN_CLOSE, IscsiErr(1022));
    assert_eq!(IscsiErr::from_name("ISCSI_ERR_TCP_CONN_CLOSE"), Some(IscsiErr(1022)));
    assert_eq!(IscsiErr::from_name_in("ISCSI_ERR_TCP_CONN_CLOSE", Release(0)), Some(IscsiErr(1020)));
    assert_eq!(IscsiErr::from_name_in("ISCSI_ERR_NOP_TIMEDOUT", Release(2)), None);
    let e = IscsiErr(1020).entry_in(Release(0)).unwrap();
    assert_eq!((e.name, e.since, e.until), ("ISCSI_ERR_TCP_CONN_CLOSE", Release(0), Release(1)));
    assert!(e.present_in(Release(1)) && !e.present_in(Release(2)));
    assert_eq!(IscsiErrKnown::try_from(IscsiErr(1022)), Ok(IscsiErrKnown::TcpConnClose));
    let f = FAMILIES.iter().find(|f| f.rust_name == "IscsiErr").unwrap();
    let rows: Vec<_> = (0..f.len).map(|i| (f.entry)(i).unwrap()).map(|r| (r.value, r.name, r.since.0, r.until.0)).collect();
    assert_eq!(rows, [
        (0, "ISCSI_OK", 0, 2),
        (1011, "ISCSI_ERR_CONN_FAILED", 0, 2),
        (1020, "ISCSI_ERR_TCP_CONN_CLOSE", 0, 1),
        (1022, "ISCSI_ERR_TCP_CONN_CLOSE", 2, 2),
        (1022, "ISCSI_ERR_NOP_TIMEDOUT", 1, 1),
    ]);
    "#;
    run_with("releases", &code, body).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_value_that_does_not_fit_the_type_is_an_error() {
    let mut h = proto_header("x");
    h.defines
        .push(define("ISCSI_OP_HUGE", 0x100, 130, None, None));
    let err = emit_file(&[h], &spec()).unwrap_err().to_string();
    assert!(err.contains("include/scsi/iscsi_proto.h:130:1"), "{err}");
    assert!(err.contains("ISCSI_OP_HUGE = 256 does not fit u8"), "{err}");
}

#[test]
fn a_c_name_that_collides_with_a_generated_item_is_an_error() {
    let mut h = if_header("x");
    h.enums.push(enumeration(
        Some("odd"),
        None,
        900,
        &[("TABLE", 1, None, None)],
    ));
    let err = emit_file(&[h], &spec()).unwrap_err().to_string();
    assert!(err.contains("`TABLE` collides"), "{err}");
}

#[test]
fn anonymous_enums_need_a_name() {
    let mut h = if_header("x");
    h.enums
        .push(enumeration(None, None, 900, &[("ANON_A", 1, None, None)]));
    let err = emit_file(&[h], &spec()).unwrap_err().to_string();
    assert!(
        err.contains("iscsi_if.h:900:1: anonymous enum (first member ANON_A)"),
        "{err}"
    );
}

/// A model whose every text field is hostile: comment closers, quotes, attribute
/// syntax, line breaks, carriage returns, bidi controls, Markdown code fences
/// (which rustdoc would run as doctests), and non-ASCII.
fn hostile_model() -> (Header, Spec) {
    let evil = "*/ pub fn injected() {} /* \" #[doc = \"x\"] #![no_std]\n\
                ```\nfn doctest() { panic!() }\n```\n    indented code\n\
                ~~~\r\ncarriage\u{202e}reversed\u{2066} /// ////\n<script>[link](x) é 🦀 日本";
    let mut h = header(
        "include/evil\n#[cfg(any())] pub fn banner() {}.h",
        "label\npub fn label() {}",
    );
    h.source.sha256 = "\u{202e}sha\r\n#![allow]".into();
    h.enums.push(enumeration(
        Some("evil_enum"),
        Some(evil),
        1,
        &[
            ("fn", 1, Some("\"1\" */"), Some(evil)),
            ("match", 2, None, Some("/ starts with a slash")),
            ("EVIL_GEN", 3, Some("r#\"raw\"#"), None),
        ],
    ));
    let mut d = define("EVIL_DEFINE", 7, 20, Some(evil), Some(evil));
    d.expr = String::from("(\"7\") /* */ `x`");
    h.defines.push(d);
    let spec = Spec::parse(
        "[[family]]\nname = \"Evil\"\nheader = \"x.h\"\nkind = \"flags\"\ntype = \"u8\"\nprefixes = [\"EVIL_\"]\n",
        "f.toml",
    )
    .unwrap();
    (h, spec)
}

#[test]
fn hostile_model_cannot_inject_code() {
    use iscsi_codegen::emit::{Form, emit_file_as, emit_file_in};
    let (h, spec) = hostile_model();
    let h2 = h.clone();
    let out = emit_file_as(&[h], &spec, "x.h").unwrap_or_else(|e| panic!("{e}"));
    let file = syn::parse_file(&out).expect("parses");
    assert!(file.attrs.is_empty(), "no inner attributes");
    for item in &file.items {
        match item {
            syn::Item::Struct(_)
            | syn::Item::Enum(_)
            | syn::Item::Impl(_)
            | syn::Item::Static(_)
            | syn::Item::Trait(_)
            | syn::Item::Use(_)
            | syn::Item::Macro(_) => {}
            other => panic!("unexpected top-level item: {}", quote::quote!(#other)),
        }
        if let syn::Item::Impl(i) = item {
            for it in &i.items {
                if let syn::ImplItem::Fn(f) = it {
                    let n = f.sig.ident.to_string();
                    assert!(
                        !["injected", "doctest", "banner", "label"].contains(&n.as_str()),
                        "{n}"
                    );
                }
            }
        }
    }
    // The banner stays comments: every line before the shared items starts with //.
    for line in out
        .lines()
        .take_while(|l| !l.starts_with("pub use crate::core"))
    {
        assert!(
            line.is_empty() || line.starts_with("//"),
            "banner line {line:?}"
        );
    }
    assert!(
        !out.contains('\u{202e}')
            || !out
                .lines()
                .any(|l| l.starts_with("//") && l.contains('\u{202e}'))
    );
    assert!(!out.contains('\r'));
    let out = emit_file_in(&[h2], &spec, "x.h", Form::Standalone).unwrap_or_else(|e| panic!("{e}"));
    compile_no_std("hostile-model", &out).unwrap_or_else(|e| panic!("{e}"));
    // The texts survive exactly in the tables.
    let body = r#"
    use g::*;
    assert_eq!(EvilEnum::r#fn.doc().map(|d| d.contains("*/ pub fn injected() {}")), Some(true));
    assert_eq!(EvilEnum(1).doc().map(|d| d.contains("\u{202e}")), Some(true));
    assert_eq!(EvilEnum::TABLE[0].expr, "\"1\" */");
    assert_eq!(Evil::EVIL_DEFINE.entry().unwrap().expr, "(\"7\") /* */ `x`");
    assert_eq!(EvilEnumKnown::try_from(EvilEnum(2)), Ok(EvilEnumKnown::Match));
    "#;
    run_with("hostile-model-run", &out, body).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn hostile_docs_make_no_doctests() {
    use iscsi_codegen::emit::{Form, emit_file_in};
    let (h, spec) = hostile_model();
    let out = emit_file_in(&[h], &spec, "x.h", Form::Standalone).unwrap();
    let dir = emit_support::scratch("doctests");
    std::fs::write(dir.join("g.rs"), &out).unwrap();
    std::fs::write(dir.join("lib.rs"), "//! t\n/// g\npub mod g;\n").unwrap();
    let rustdoc = std::env::var("RUSTDOC").unwrap_or_else(|_| "rustdoc".into());
    let run = std::process::Command::new(rustdoc)
        .args([
            "--edition",
            "2024",
            "--test",
            "--crate-name",
            "gen_doc",
            "lib.rs",
        ])
        .current_dir(&dir)
        .output()
        .expect("rustdoc runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("running 0 tests"), "{stdout}");
}
