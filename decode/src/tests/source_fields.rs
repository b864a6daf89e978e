//! The `fields` column of the sources' table (headers/message-fields.toml): it agrees with the
//! regexes the decoder compiles from the formats, names only decoder fields, and reads the
//! same values as the hand-written patterns from every sample they both know.
#![cfg(feature = "decode")]

use crate::decode::Decoder;
use crate::decode::fields::{FieldId, Fields};
use crate::decode::patterns;
use crate::decode::sources::{self, ROWS};

/// The fields a row's spans give `message`, as `name=value` pairs.
fn row_pairs(row: &sources::MessageSource, message: &str) -> Vec<String> {
    let mut spans = Vec::new();
    sources::field_spans(row, message, &mut spans);
    let mut f = Fields::default();
    for &(name, s, e) in spans.iter().rev() {
        f.set(FieldId::from_group(name).expect("a field"), &message[s..e]);
    }
    f.pairs()
}

#[test]
fn every_field_name_is_a_decoder_field_and_every_conversion_a_group() {
    let mut with = 0;
    for row in ROWS.iter().filter(|r| !r.fields.is_empty()) {
        with += 1;
        for name in row.fields.split(' ') {
            assert!(
                name == "-" || FieldId::from_group(name).is_some(),
                "{}:{}: `{name}` is no decoder field",
                row.file,
                row.function
            );
        }
        let Some(groups) = sources::group_count(row) else {
            continue;
        };
        assert_eq!(
            groups,
            row.fields.split(' ').count(),
            "{}:{}: {:?} {:?} has {groups} conversions, its fields column {:?}",
            row.file,
            row.function,
            row.prefix,
            row.format,
            row.fields
        );
    }
    // Ids, hosts, codes, portals: a third of the table says what it prints.
    assert!(with > 1500, "only {with} rows name a field");
}

#[test]
fn rows_read_the_ids_codes_and_portals_of_known_lines() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "kernel",
            " connection3:0: detected conn error (1022)",
            &["sid=3", "cid=0", "kerr=1022"],
        ),
        (
            "iscsid",
            "Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
            &["sid=3", "cid=0", "kerr=1022", "state=3"],
        ),
        (
            "kernel",
            "sd 2:0:0:1: [sdb] tag#12 timing out command, waited 180s",
            &["hctl=2:0:0:1", "disk=sdb", "tag=12"],
        ),
        (
            "iscsiadm",
            "discovery login to 10.1.1.1 rejected: initiator error (02/01), non-retryable, giving up",
            &["addr=10.1.1.1", "login=02/01"],
        ),
        ("kernel", "iscsi: invalid session 3.", &["sid=3"]),
        (
            "kernel",
            "set path could not find host no 7",
            &["scsi_host=7"],
        ),
    ];
    for &(program, message, want) in cases {
        let row = sources::find(Some(program), message).expect(message);
        let got = row_pairs(row, message);
        for w in want {
            assert!(
                got.iter().any(|g| g == w),
                "{message}: {w} not in {got:?} ({:?})",
                row.fields
            );
        }
    }
}

#[test]
fn a_line_only_the_table_knows_carries_its_fields() {
    let mut d = Decoder::new(None);
    let mut store = String::new();
    let ev = d
        .decode(
            1,
            "Mar  3 10:00:01 node1 kernel: iscsi: invalid session 3.",
            &mut store,
        )
        .expect("recognised by the table");
    assert_eq!(ev.pattern.anchor, patterns::SOURCE_TABLE);
    assert_eq!(ev.fields.sid, Some(3));
}

/// Field names whose printed form two readings may legitimately differ in: the row reads
/// a text field whole where a hand pattern takes part of it.
const TEXT: &[&str] = &["text", "errno_text", "kerr_text", "iscsiadm_text"];

#[test]
fn rows_and_hand_patterns_read_the_same_values() {
    let mut d = Decoder::new(None);
    let mut compared = 0;
    let mut failures = Vec::new();
    for p in patterns::all() {
        for s in p.samples {
            let mut store = String::new();
            let Some(ev) = d.decode(1, s.line, &mut store) else {
                continue;
            };
            let Some(row) = ev.source() else { continue };
            let mine = row_pairs(row, &ev.env.message);
            let theirs = ev.fields.pairs();
            for m in &mine {
                let (k, _) = m.split_once('=').unwrap_or((m, ""));
                if TEXT.contains(&k) {
                    continue;
                }
                let prefix = format!("{k}=");
                if let Some(t) = theirs.iter().find(|t| t.starts_with(&prefix)) {
                    compared += 1;
                    if t != m {
                        failures.push(format!(
                            "{} ({}:{}): the row reads {m}, the pattern {t}: {}",
                            p.id, row.file, row.function, s.line
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("rows and hand patterns: {compared} values compared, all equal");
    assert!(compared > 100, "only {compared} values compared");
}
