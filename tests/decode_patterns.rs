//! Every pattern's sample lines decode to that pattern with the expected fields, and the
//! prefilter lets every sample through (patterns are data; this is their loader check).
#![cfg(feature = "decode")]

use iscsi_decode::decode::Decoder;
use iscsi_decode::decode::fields::GroupMap;
use iscsi_decode::decode::patterns::{self, Source, split_anchor};
use iscsi_decode::decode::prefilter::{DIGIT_STEMS, LITERALS, NEED_DIGIT, Prefilter};
use std::collections::HashSet;

/// Programs whose name (in the syslog tag, or as the `prog: ` prefix open-iscsi's stderr
/// lines carry) holds a prefilter literal: their lines pass whatever the message says.
const TAGGED: &[Source] = &[
    Source::OpenIscsi,
    Source::Multipathd,
    Source::Iscsiuio,
    Source::Systemd,
];

/// open-iscsi messages printed on stdout without a prefix: they need a literal of their own.
const UNTAGGED: &[&str] = &[
    "iscsiadm.logging_in",
    "iscsiadm.login_succeeded",
    "iscsiadm.logging_out",
    "iscsiadm.logout_succeeded",
    "iscsiadm.session_listing",
    "iscsiadm.discovery_record",
];

/// Patterns whose anchor and literal regex prefix hold no prefilter literal, and why every
/// line they match still passes the prefilter.
const ANCHOR_EXCEPTIONS: &[(&str, &str)] = &[
    ("iscsiadm.logging_in", "holds `[iface: `"),
    ("iscsiadm.login_succeeded", "holds `[iface: `"),
    ("iscsiadm.logging_out", "holds `[sid: `"),
    (
        "iscsiadm.logout_succeeded",
        "holds `[sid: ` (the `Logout of sid N` form is logged with the iscsiadm prefix)",
    ),
    (
        "iscsiadm.session_listing",
        "holds the target's `iqn.` (eui./naa. targets are rare; those lines are report output)",
    ),
    (
        "iscsiadm.discovery_record",
        "holds the target's `iqn.` (eui./naa. as above)",
    ),
    ("block.io_error", "holds `error, dev`"),
    (
        "kernel.callbacks_suppressed",
        "holds `callbacks suppressed`",
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
        if exceptions.contains(p.id) || (TAGGED.contains(&p.source) && !UNTAGGED.contains(&p.id)) {
            continue;
        }
        // `{sd|scsi} H:C:T:L: ...` lines start with a literal (`sd ` + digit, `scsi`).
        if p.regex.starts_with("^(?:sd|scsi) ") {
            continue;
        }
        let prefix = literal_prefix(p.regex);
        // A literal that needs a digit after it only covers text that ends with it and is
        // followed by a number (a `+digit` anchor, or a regex prefix before its id group).
        let covers = |t: &str, digit_follows: bool| {
            let lit = LITERALS.iter().any(|l| {
                if NEED_DIGIT.contains(l) {
                    digit_follows && t.ends_with(l)
                } else {
                    t.contains(l)
                }
            });
            let stem = DIGIT_STEMS.iter().any(|st| {
                (digit_follows && t.ends_with(st))
                    || (0..10).any(|d| t.contains(&format!("{st}{d}")))
            });
            lit || stem
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
