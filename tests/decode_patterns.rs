//! Every pattern's sample lines decode to that pattern with the expected fields, and the
//! prefilter lets every sample through (patterns are data; this is their loader check).
#![cfg(feature = "decode")]

use iscsi_decode::decode::Decoder;
use iscsi_decode::decode::fields::GroupMap;
use iscsi_decode::decode::patterns::{self, split_anchor};
use iscsi_decode::decode::prefilter::{LITERALS, NEED_DIGIT, Prefilter};
use std::collections::HashSet;

/// Patterns whose anchor and literal regex prefix hold no prefilter literal, and why every
/// line they match still passes the prefilter.
const ANCHOR_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "iscsid.connect_failed",
        "logged by iscsid/iscsiadm with their tag, or with a `session%d` prefix",
    ),
    (
        "iscsid.connect_timed_out",
        "logged by iscsiadm/iscsid with their tag",
    ),
    (
        "iscsid.cannot_make_connection",
        "logged by iscsiadm/iscsid with their tag",
    ),
    ("iscsid.no_initiator_name", "logged by iscsid with its tag"),
    (
        "iscsid.async_param_negotiation",
        "ends with `dropping session`",
    ),
    (
        "iscsid.discovery_retries_exceeded",
        "the text holds `connection login`",
    ),
    ("iscsid.cant_bind_conn", "the text holds `to session`"),
    (
        "iscsid.cant_set_param",
        "the text holds `for connection` or is logged with the iscsid tag",
    ),
    (
        "iscsiadm.nothing_found",
        "iscsiadm output: `No records found`/`No active sessions` are literals, `No session found`/`No portals found`/`No matching sessions` hold `session`/`portal`",
    ),
    (
        "iscsiadm.discovery_failed",
        "`Discovery`/`discovery` are literals; `SendTargets` lines hold `discovery` or `portal`, or carry the iscsiadm tag",
    ),
    (
        "iscsiadm.iscsistart_logging_into",
        "logged by iscsistart with its tag",
    ),
    ("multipathd.path_down", "logged by multipathd with its tag"),
    (
        "multipathd.checker_failed",
        "logged by multipathd with its tag",
    ),
    ("multipathd.remaining_paths", "`paths:` is a literal"),
    ("systemd.iscsiadm_unit_exit", "the unit name holds `iscsi`"),
    ("systemd.unit_exit", "the unit name holds `iscsi`"),
    ("systemd.unit_message", "the unit name holds `iscsi`"),
    ("journald.suppressed", "the unit name holds `iscsi`"),
    ("iscsiuio.message", "logged by iscsiuio with its tag"),
    ("scsi.rejecting_io", "starts with `sd ` or `scsi `"),
    ("scsi.result", "starts with `sd ` or `scsi `"),
    ("scsi.cdb", "starts with `sd ` or `scsi `"),
    ("scsi.sense", "starts with `sd ` or `scsi `"),
    ("scsi.timing_out", "starts with `sd ` or `scsi `"),
    ("scsi.device_offlined", "starts with `sd ` or `scsi `"),
    ("scsi.disk_attached", "starts with `sd ` or `scsi `"),
    (
        "kernel.callbacks_suppressed",
        "`callbacks suppressed` is a literal",
    ),
    ("block.io_error", "`error, dev` is a literal"),
    ("iscsid.login_error_status", "holds `ogin`"),
    ("iscsiadm.logging_in", "holds `portal`"),
    ("iscsiadm.login_failed", "holds `portal`"),
    ("iscsiadm.logging_out", "holds `portal`"),
    (
        "iscsid.session_sysfs",
        "holds `session` or is logged with the iscsid tag",
    ),
    (
        "iscsid.logout_refused",
        "starts with `session` or is logged with the iscsid tag (`Session %d is actively in use`)",
    ),
];

/// The literal text a regex starts with (after `^`), up to its first metacharacter.
fn literal_prefix(re: &str) -> String {
    let r = re.strip_prefix('^').unwrap_or(re);
    let mut out = String::new();
    let mut chars = r.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if !n.is_ascii_alphanumeric() => out.push(n),
                _ => break,
            },
            '(' | '[' | '.' | '*' | '+' | '?' | '{' | '|' | '$' | ')' => {
                if matches!(c, '?' | '*' | '{') {
                    out.pop();
                }
                break;
            }
            c => out.push(c),
        }
    }
    out
}

#[test]
fn every_pattern_has_samples_and_they_decode() {
    let mut d = Decoder::new(None);
    let mut failures = Vec::new();
    let mut ids = HashSet::new();
    for p in patterns::all() {
        assert!(ids.insert(p.id), "duplicate pattern id {}", p.id);
        assert!(!p.samples.is_empty(), "{} has no sample", p.id);
        for s in p.samples {
            let mut store = String::new();
            match d.decode(1, s.line, &mut store) {
                None => failures.push(format!("{}: not recognised: {}", p.id, s.line)),
                Some(ev) if ev.pattern.id != p.id => failures.push(format!(
                    "{}: matched {} instead: {}",
                    p.id, ev.pattern.id, s.line
                )),
                Some(ev) => {
                    let pairs = ev.pairs();
                    for want in s.expect.split_whitespace() {
                        if !pairs.iter().any(|p| p == want) {
                            failures.push(format!("{}: missing {want} in {pairs:?}", p.id));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn group_names_are_fields() {
    for p in patterns::all() {
        let re = regex::Regex::new(p.regex).unwrap();
        GroupMap::new(&re).unwrap_or_else(|e| panic!("{}: {e}", p.id));
        for (k, _) in p.implies {
            assert!(
                iscsi_decode::decode::fields::FieldId::from_group(k).is_some(),
                "{}: implies {k}",
                p.id
            );
        }
    }
}

#[test]
fn prefilter_lets_every_sample_through() {
    let pre = Prefilter::new();
    for p in patterns::all() {
        for s in p.samples {
            assert!(
                pre.is_candidate(s.line.as_bytes()),
                "{}: prefilter drops {}",
                p.id,
                s.line
            );
        }
    }
}

#[test]
fn anchors_hold_a_prefilter_literal() {
    let exceptions: HashSet<&str> = ANCHOR_EXCEPTIONS.iter().map(|e| e.0).collect();
    let mut missing = Vec::new();
    for p in patterns::all() {
        if exceptions.contains(p.id) {
            continue;
        }
        let prefix = literal_prefix(p.regex);
        // A literal that needs a digit after it only covers text that ends with it and is
        // followed by a number (a `+digit` anchor, or a regex prefix before its id group).
        let covers = |t: &str, digit_follows: bool| {
            LITERALS.iter().any(|l| {
                if NEED_DIGIT.contains(l) {
                    digit_follows && t.ends_with(l)
                } else {
                    t.contains(l)
                }
            })
        };
        for alt in p.anchor.split('|') {
            let (text, digit) = split_anchor(alt);
            if !covers(text, digit) && !covers(&prefix, true) {
                missing.push(format!("{} ({text:?}, prefix {prefix:?})", p.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "anchors without a prefilter literal: {missing:?}"
    );
}
