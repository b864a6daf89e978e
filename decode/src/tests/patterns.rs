//! Every pattern's sample lines decode to that pattern with the expected fields, and the
//! prefilter lets every sample through (patterns are data; this is their loader check).
#![cfg(feature = "decode")]

use crate::decode::Decoder;
use crate::decode::fields::GroupMap;
use crate::decode::patterns::{self, Source, split_anchor};
use crate::decode::prefilter::{LITERALS, NEED_DIGIT, Prefilter};
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
    "listing.target",
    "listing.current_portal",
    "listing.portal",
    "listing.iface",
    "listing.sid",
    "listing.conn_state",
    "listing.session_state",
    "listing.iscsid_state",
    "listing.timeout",
    "listing.host_number",
    "listing.scsi_device",
    "listing.attached_disk",
    "listing.transport_class",
    "listing.record_setting",
    "listing.discovery_address",
];

/// Patterns whose anchor and literal regex prefix hold no prefilter literal, and why every
/// line they match still passes the prefilter.
const ANCHOR_EXCEPTIONS: &[(&str, &str)] = &[
    (
        "listing.iface",
        "prefilter-gated: `Iface ` would cost every log; lines with `iqn.` (Initiatorname) pass",
    ),
    (
        "listing.timeout",
        "prefilter-gated: `Timeout: ` would cost every log",
    ),
    (
        "listing.record_setting",
        "prefilter-gated: `node.` would stop the search at every `node.example.com`; settings with an `iqn.` or `session`+digit value pass",
    ),
    (
        "listing.discovery_address",
        "prefilter-gated: `via ` is everywhere in noise",
    ),
    (
        "kernel.module_debug",
        "the debug twin of kernel.module_message, with its anchor",
    ),
    (
        "kernel.module_message",
        "the offload drivers' names hold digits (bnx2i, qla4xxx), which anchors cannot; the prefilter searches the whole names",
    ),
    (
        "source.message",
        "never searched: taken when no pattern matched and the generated table of the sources has the line",
    ),
    ("iscsiadm.logging_in", "holds `[iface: `"),
    ("iscsiadm.login_succeeded", "holds `[iface: `"),
    (
        "iscsiadm.logging_out",
        "holds the target's `iqn.` (`[sid: ` would cost a Teddy bucket)",
    ),
    (
        "iscsiadm.logout_succeeded",
        "holds the target's `iqn.` (the `Logout of sid N` form is logged with the iscsiadm prefix)",
    ),
    (
        "iscsiadm.session_listing",
        "holds the target's `iqn.` (eui./naa. targets are rare; those lines are report output)",
    ),
    (
        "iscsiadm.discovery_record",
        "holds the target's `iqn.` (eui./naa. as above)",
    ),
    (
        "listing.target",
        "holds the target's `iqn.` (eui./naa. as above)",
    ),
    ("block.io_error", "holds `error, dev`"),
    (
        "kernel.callbacks_suppressed",
        "holds `callbacks suppressed`",
    ),
];

/// Anchors that a longer prefilter literal covers: the pattern's regex has the anchor only
/// followed by the rest of the literal. The offload drivers' names (`bnx2i`, `qla4xxx`):
/// anchors hold no digits (the shape cache needs that), and every literal the prefilter
/// searches has four bytes or more (Teddy fingerprints that many).
const ANCHOR_EXTENDED: &[(&str, &str, &str)] = &[
    ("kernel.module_message", "bnx", "bnx2"),
    ("kernel.module_message", "qla", "qla4"),
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
                crate::decode::fields::FieldId::from_group(k).is_some(),
                "{}: implies {k}",
                p.id
            );
        }
    }
}

#[test]
fn prefilter_lets_every_sample_through() {
    let pre = Prefilter::new();
    let gated: HashSet<&str> = ANCHOR_EXCEPTIONS
        .iter()
        .filter(|e| e.1.starts_with("prefilter-gated"))
        .map(|e| e.0)
        .collect();
    for p in patterns::all() {
        if gated.contains(p.id) {
            continue;
        }
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

/// What the library recognises, the CLI must not skip (the prefilter dropped bare
/// `connect to A:P failed (…)` lines, `journalctl -u iscsid -o cat`'s form, that
/// `Decoder::decode` recognised). Each sample and each sample's message without its
/// envelope: whenever the decoder recognises it, a log of it gives that event through the
/// CLI's path, alone and amid lines of the other form. An enveloped line passes the
/// prefilter (unless its pattern is gated above); an input of bare lines is decoded line by
/// line, since no program name is there for the prefilter to find.
#[test]
fn the_cli_path_recognises_whatever_the_decoder_does() {
    use crate::decode::run::{self, Options};
    use crate::report::json::JsonSink;
    let mut d = Decoder::new(None);
    let (mut enveloped, mut bare) = (Vec::new(), Vec::new());
    for p in patterns::all() {
        for s in p.samples {
            let env = crate::decode::envelope::parse(s.line, None);
            for (line, into) in [
                (s.line.to_string(), &mut enveloped),
                (env.message.to_string(), &mut bare),
            ] {
                let mut store = String::new();
                if let Some(ev) = d.decode(1, &line, &mut store) {
                    let kind = ev.pattern.kind.name().to_string();
                    into.push((line, kind, p.id));
                }
            }
        }
    }
    let gated: HashSet<&str> = ANCHOR_EXCEPTIONS
        .iter()
        .filter(|e| e.1.starts_with("prefilter-gated"))
        .map(|e| e.0)
        .collect();
    enveloped.retain(|(_, _, id)| !gated.contains(id));
    assert!(
        bare.len() > 100,
        "only {} bare messages recognised",
        bare.len()
    );
    let mut lost = Vec::new();
    for (lines, what) in [(&enveloped, "enveloped"), (&bare, "bare")] {
        let log: String = lines.iter().map(|(l, _, _)| format!("{l}\n")).collect();
        let mut sink = JsonSink::new(Vec::new(), false);
        run::run_bytes("t.log", log.into_bytes(), &Options::default(), &mut sink).unwrap();
        let out = String::from_utf8(sink.into_inner()).unwrap();
        let mut kinds = vec![None; lines.len()];
        for l in out.lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            if let (Some(n), Some(k)) = (v["line"].as_u64(), v["kind"].as_str()) {
                kinds[n as usize - 1] = Some(k.to_string());
            }
        }
        for ((line, kind, id), got) in lines.iter().zip(kinds) {
            if got.as_deref() != Some(kind) {
                lost.push(format!(
                    "{what} {id}: {line:?} gave {got:?}, the decoder {kind}"
                ));
            }
        }
    }
    assert!(
        lost.is_empty(),
        "{} lines the decoder recognises are lost on the CLI path:\n{}",
        lost.len(),
        lost.join("\n")
    );
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
            LITERALS.iter().any(|l| {
                if NEED_DIGIT.contains(l) {
                    (digit_follows && t.ends_with(l))
                        || t.match_indices(l).any(|(k, _)| {
                            t.as_bytes()
                                .get(k + l.len())
                                .is_some_and(u8::is_ascii_digit)
                        })
                } else {
                    t.contains(l)
                }
            })
        };
        // `text` is in the regex only as the start of a literal that the prefilter searches.
        let extended = |text: &str| {
            ANCHOR_EXTENDED.iter().any(|&(id, anchor, lit)| {
                id == p.id
                    && anchor == text
                    && LITERALS.contains(&lit)
                    && p.regex.contains(lit)
                    && p.regex
                        .match_indices(anchor)
                        .all(|(k, _)| p.regex[k..].starts_with(lit))
            })
        };
        for alt in p.anchor.split('|') {
            let (text, digit) = split_anchor(alt);
            if !covers(text, digit) && !covers(&prefix, true) && !extended(text) {
                missing.push(format!("{} ({text:?}, prefix {prefix:?})", p.id));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "anchors without a prefilter literal: {missing:?}"
    );
}

/// The 30 messages of catalog/NOTES.md ("most likely to appear in real incident logs"), one
/// line each, as a kernel or open-iscsi would print them, with the kind each must decode to.
const THIRTY: &[(&str, &str)] = &[
    (
        "kernel:  connection3:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4295032320, last ping 4295033570, now 4295034820",
        "ping_timeout",
    ),
    (
        "kernel:  connection3:0: detected conn error (1021)",
        "conn_error",
    ),
    (
        "iscsid: Kernel reported iSCSI connection 3:0 error (1012 - ISCSI_ERR_R2TSN: Received invalid R2T (Ready to Transfer) data sequence number from target) state (3)",
        "kernel_reported",
    ),
    (
        "iscsid: connect to 192.0.2.10:3260 failed (Network is unreachable)",
        "connect_failed",
    ),
    (
        "iscsid: connection3:0 is operational after recovery (1 attempts)",
        "recovered",
    ),
    (
        "kernel:  session3: session recovery timed out after 15 secs",
        "recovery_timeout",
    ),
    (
        "kernel: sd 3:0:0:1: rejecting I/O to offline device",
        "rejecting_io",
    ),
    (
        "kernel: sd 3:0:0:1: [sdc] tag#17 FAILED Result: hostbyte=DID_TRANSPORT_FAILFAST driverbyte=DRIVER_OK cmd_age=0s",
        "scsi_result",
    ),
    (
        "kernel: sd 3:0:0:1: [sdc] tag#17 CDB: Write(10) 2a 00 00 00 08 00 00 00 08 00",
        "scsi_cdb",
    ),
    (
        "kernel: I/O error, dev sdc, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 2",
        "io_error",
    ),
    (
        "kernel: Buffer I/O error on dev sdc1, logical block 0, lost async page write",
        "buffer_io_error",
    ),
    (
        "kernel: device-mapper: multipath: 253:4: Failing path 8:32.",
        "multipath_failing_path",
    ),
    (
        "kernel: device-mapper: multipath: 253:4: Reinstating path 8:32.",
        "multipath_reinstating_path",
    ),
    (
        "kernel: blk_print_req_error: 53 callbacks suppressed",
        "callbacks_suppressed",
    ),
    (
        "iscsid: Connection3:0 to [target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260] through [iface: default] is operational now",
        "operational_now",
    ),
    (
        "iscsid: Connection3:0 to [target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260] through [iface: default] is shutdown.",
        "conn_shutdown",
    ),
    (
        "Login to [iface: default, target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260] successful.",
        "login_succeeded",
    ),
    (
        "iscsiadm: Could not login to [iface: default, target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260].",
        "login_failed",
    ),
    (
        "iscsiadm: initiator reported error (19 - encountered non-retryable iSCSI login failure)",
        "initiator_error",
    ),
    (
        "Logging out of session [sid: 3, target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260]",
        "logging_out",
    ),
    (
        "Logging in to [iface: default, target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260] (multiple)",
        "logging_in",
    ),
    (
        "iscsid: connection3:0 login rejected: initiator error - target not found (02/03)",
        "login_rejected",
    ),
    (
        "iscsid: Login failed to authenticate with target iqn.2001-05.com.example:t1",
        "login_rejected",
    ),
    (
        "iscsiadm: cannot make connection to 192.0.2.10: Connection refused",
        "connect_failed",
    ),
    (
        "kernel: scsi host3: iSCSI Initiator over iSER",
        "host_added",
    ),
    (
        "kernel: iscsi: registered transport (iser)",
        "transport_loaded",
    ),
    (
        "iscsid: connection3:0 Target requests logout within 5 seconds",
        "target_async",
    ),
    (
        "iscsid: Could not set session3 priority. READ/WRITE throughput and latency could be affected.",
        "config_warning",
    ),
    (
        "kernel: sd 3:0:0:1: Device offlined - not ready after error recovery",
        "device_offlined",
    ),
    ("iscsiadm: No session found.", "nothing_found"),
];

#[test]
fn the_thirty_incident_messages() {
    let mut d = Decoder::new(None);
    let pre = Prefilter::new();
    for (line, kind) in THIRTY {
        assert!(pre.is_candidate(line.as_bytes()), "prefilter drops {line}");
        let mut store = String::new();
        let ev = d
            .decode(1, line, &mut store)
            .unwrap_or_else(|| panic!("not recognised: {line}"));
        assert_eq!(ev.pattern.kind.name(), *kind, "{line}");
    }
    assert_eq!(THIRTY.len(), 30);
}

/// The shape cache relies on anchors without digits (messages that differ only in digits
/// find the same anchors) and on regexes whose literal digits are flagged.
#[test]
fn anchors_have_no_digits_and_literal_digits_are_found() {
    for p in patterns::all() {
        assert!(
            !p.anchor.bytes().any(|b| b.is_ascii_digit()),
            "{}: anchor {:?}",
            p.id,
            p.anchor
        );
    }
    use crate::decode::patterns::distinguishes_digits as sensitive;
    assert!(sensitive(r"Using 5 seconds"));
    assert!(sensitive(r"op 0x[0-9a-f]+"));
    assert!(sensitive(r"lun [1-9]\d*"));
    assert!(sensitive(r"[0-7]+"));
    assert!(sensitive(r"(?i)x\x31"));
    assert!(sensitive(r"(unbalanced"));
    assert!(!sensitive(r"(?P<sid_alt2>\d+) [0-9a-fA-F]{2} x{1,3}"));
    assert!(!sensitive(r"^\w+ \S+ [^:]+: [\d.]+ \b"));
}

/// Messages of one shape decode exactly as without the caches.
#[test]
fn caches_do_not_change_results() {
    let lines = [
        "kernel:  connection3:0: invalid ping timeout of zero. Using 5 seconds.",
        "kernel:  connection3:0: invalid ping timeout of zero. Using 6 seconds.",
        "kernel:  connection3:0: invalid ping timeout of zero. Using 5 seconds.",
        "iscsid: connection2:0 login rejected: target error (03/01)",
        "iscsid: connection2:0 login rejected: target error (3/1)",
        "iscsid: connection2:0 login rejected: target error (03/02)",
        "kernel:  connection7:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4295152378, last ping 4295153633, now 4295154944",
        "kernel:  connection8:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4295152379, last ping 4295153634, now 4295154945",
    ];
    let mut cached = Decoder::new(None);
    for l in lines.iter().chain(lines.iter()) {
        let mut fresh = Decoder::new(None);
        let (mut s1, mut s2) = (String::new(), String::new());
        let a = cached
            .decode(1, l, &mut s1)
            .map(|e| (e.pattern.id, e.pairs()));
        let b = fresh
            .decode(1, l, &mut s2)
            .map(|e| (e.pattern.id, e.pairs()));
        assert_eq!(a, b, "{l}");
    }
}

/// `Kind::index` and `Format::index` are the positions in `ALL` that the counters use.
#[test]
fn kind_and_format_indices_are_positions_in_all() {
    use crate::decode::envelope::Format;
    use crate::decode::patterns::Kind;
    for (i, k) in Kind::ALL.iter().enumerate() {
        assert_eq!(k.index(), i, "{k:?}");
    }
    for (i, f) in Format::ALL.iter().enumerate() {
        assert_eq!(f.index(), i, "{f:?}");
    }
}

/// A fact carries its portal as `addr:port`, IPv6 addresses in brackets.
#[test]
fn facts_carry_the_portal_text() {
    use crate::decode::fact::Fact;
    let mut d = Decoder::new(None);
    let mut store = String::new();
    for (line, portal) in [
        (
            "Mar  4 00:00:14 h1 iscsid: connect to 10.20.30.11:3260 failed (No route to host)",
            "10.20.30.11:3260",
        ),
        (
            "Mar  4 00:00:14 h1 iscsid: connect to [fd00::11]:3260 failed (Connection refused)",
            "[fd00::11]:3260",
        ),
    ] {
        let ev = d.decode(1, line, &mut store).expect(line);
        let fact = Fact::of(&ev).expect(line);
        assert_eq!(fact.portal(), Some(portal), "{line}");
        store.clear();
    }
}
