//! Every pattern names the entries of the generated table of the sources it refines, or why
//! it names none ([`Refines`]): the entries exist, the samples decode to lines whose row is
//! one of them (or prints the same words), and no pattern of the iSCSI stack lacks its
//! entries without a reason that its samples bear out.
#![cfg(feature = "decode")]

use crate::decode::Decoder;
use crate::decode::patterns::{self, DEBUG_TWINS, Refines, SOURCE_TABLE, Source};
use crate::decode::sources::{MessageSource, ROWS};
use std::collections::{BTreeMap, BTreeSet};

/// Samples whose line the table's matcher gives a row the pattern does not refine, and why
/// the pattern is right and the row wrong.
const MATCHER_MISSES: &[(&str, &str, &str)] = &[(
    "listing.record_setting",
    "= ********",
    "the row `%s\\t\\t*****` of session_info_print_tree takes any text ending in stars",
)];

/// Patterns whose samples the table's matcher finds no row for, though the pattern's regex
/// accepts its entries' wordings, and why (so no sample can show an entry; the list must
/// stay exact: a pattern whose sample comes to find its entry leaves it).
const UNFOUND: &[(&str, &str)] = &[
    (
        "iscsiadm.session_listing",
        "`%s: [%u] %s:%i,%i %s (%s)` has no literal long enough for the matcher",
    ),
    (
        "iscsiadm.discovery_record",
        "`%s:%d,%d %s` has no literal long enough for the matcher",
    ),
    (
        "iscsiadm.iscsistart_logging_into",
        "`%s: Logging into …`: the envelope takes the leading `iscsistart: ` for the program",
    ),
    (
        "listing.sid",
        "`%s\\t\\tSID: %u`: `SID: ` alone is too short a literal for the matcher",
    ),
    (
        "listing.host_number",
        "`Host Number: %u` and `\\tState: %s` are two printf calls that print one line",
    ),
    (
        "listing.record_setting",
        "`%s = %s` of fw_entry.c has no literal; `iscsiadm -m node` records (idbm) have no row",
    ),
];

/// `file:function` of a row.
fn entry(r: &MessageSource) -> String {
    format!("{}:{}", r.file, r.function)
}

/// What a row prints: rows that print the same words cannot be told apart by a line.
fn wording(r: &MessageSource) -> (&'static str, &'static str, &'static str) {
    (r.origin, r.prefix, r.format)
}

/// Whether `row` is one of `entries`, or prints the words of a row of one of them.
fn refined_by(row: &MessageSource, entries: &[&str]) -> bool {
    let e = entry(row);
    entries.contains(&e.as_str())
        || ROWS
            .iter()
            .any(|o| wording(o) == wording(row) && entries.contains(&entry(o).as_str()))
}

#[test]
fn named_entries_exist_and_reasons_fit_the_source() {
    let known: BTreeSet<String> = ROWS.iter().map(entry).collect();
    let twins: BTreeSet<&str> = DEBUG_TWINS.iter().map(|t| t.1).collect();
    let mut bad = Vec::new();
    for p in patterns::all() {
        let mut seen = BTreeSet::new();
        match p.refines {
            Refines::Entries(e) => {
                if e.is_empty() {
                    bad.push(format!("{}: Entries(&[]) without a reason", p.id));
                }
                for name in e {
                    if !seen.insert(*name) {
                        bad.push(format!("{}: {name} named twice", p.id));
                    }
                    if !known.contains(*name) {
                        bad.push(format!("{}: no row of the table is {name}", p.id));
                    }
                }
                if !matches!(
                    p.source,
                    Source::Kernel | Source::OpenIscsi | Source::Iscsiuio
                ) {
                    bad.push(format!("{}: the table has no row of {:?}", p.id, p.source));
                }
            }
            Refines::Untracked(what) | Refines::CatchAll(what) if what.is_empty() => {
                bad.push(format!("{}: a reason without its text", p.id));
            }
            Refines::DebugTwin if !twins.contains(p.id) => {
                bad.push(format!("{}: DebugTwin but not in DEBUG_TWINS", p.id));
            }
            Refines::SourceTable if p.anchor != SOURCE_TABLE => {
                bad.push(format!(
                    "{}: SourceTable but not the source table's row",
                    p.id
                ));
            }
            _ => {}
        }
        if matches!(p.source, Source::Multipathd | Source::Systemd)
            && !matches!(p.refines, Refines::Untracked(_))
        {
            bad.push(format!("{}: {:?} is not tracked", p.id, p.source));
        }
        if twins.contains(p.id) && p.refines != Refines::DebugTwin {
            bad.push(format!("{}: a debug twin must say DebugTwin", p.id));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Decodes every sample and checks the row the table's matcher finds for it against what
/// its pattern says; prints a summary of the registry.
#[test]
fn samples_come_from_the_entries_their_pattern_names() {
    let mut d = Decoder::new(None);
    // Which patterns name each entry.
    let mut namers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in patterns::all() {
        for e in p.refines.entries() {
            namers.entry(e).or_default().push(p.id);
        }
    }
    let mut bad = Vec::new();
    let (mut exact, mut twin, mut no_row, mut excused) = (0, 0, 0, 0);
    let mut without: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut catch_all_named = Vec::new();
    for p in patterns::all() {
        let entries = p.refines.entries();
        let mut hits = 0;
        for s in p.samples {
            let mut store = String::new();
            let Some(ev) = d.decode(1, s.line, &mut store) else {
                bad.push(format!("{}: not recognised: {}", p.id, s.line));
                continue;
            };
            let row = ev.source();
            match (p.refines, row) {
                (Refines::Entries(_), None) => no_row += 1,
                (Refines::Entries(_), Some(r)) if entries.contains(&entry(r).as_str()) => {
                    exact += 1;
                    hits += 1;
                }
                (Refines::Entries(_), Some(r)) if refined_by(r, entries) => {
                    twin += 1;
                    hits += 1;
                }
                (Refines::Entries(_), Some(r)) => {
                    if MATCHER_MISSES
                        .iter()
                        .any(|m| m.0 == p.id && s.line.contains(m.1))
                    {
                        excused += 1;
                    } else {
                        bad.push(format!(
                            "{}: {} comes from {}, not from {entries:?}",
                            p.id,
                            s.line,
                            entry(r)
                        ));
                    }
                }
                // "Not in the tracked sources" holds only if the table has no such line.
                (Refines::Untracked(what), Some(r)) => bad.push(format!(
                    "{}: said untracked ({what}), but {} comes from {}",
                    p.id,
                    s.line,
                    entry(r)
                )),
                // A generic row's line whose row a specific pattern names: that pattern
                // must not accept it (else its anchor or the order is wrong).
                (_, Some(r)) => {
                    for q in namers.get(entry(r).as_str()).into_iter().flatten() {
                        let re =
                            regex::Regex::new(patterns::all().find(|x| x.id == *q).unwrap().regex)
                                .unwrap();
                        if re.is_match(&ev.env.message) {
                            bad.push(format!(
                                "{}: {} is {q}'s wording (from {}), but {q} did not match",
                                p.id,
                                s.line,
                                entry(r)
                            ));
                        } else {
                            catch_all_named.push(format!("{} <- {} ({q})", p.id, entry(r)));
                        }
                    }
                }
                (_, None) => {}
            }
        }
        let unfound = UNFOUND.iter().any(|u| u.0 == p.id);
        if !entries.is_empty() && hits == 0 && !unfound {
            bad.push(format!(
                "{}: no sample comes from its entries {entries:?}",
                p.id
            ));
        }
        if unfound && (entries.is_empty() || hits > 0) {
            bad.push(format!(
                "{}: listed in UNFOUND, but {hits} samples show its entries",
                p.id
            ));
        }
        if let Some(why) = p.refines.reason() {
            let key = why.split(':').next().unwrap_or_default();
            without.entry(key.to_string()).or_default().push(p.id);
        }
    }
    let with = patterns::all()
        .filter(|p| !p.refines.entries().is_empty())
        .count();
    println!(
        "patterns with entries: {with} ({} distinct entries; {} whose samples the matcher \
         cannot find); samples from a named entry {exact}, from a same-wording twin {twin}, \
         with no row {no_row}, excused {excused}",
        namers.len(),
        UNFOUND.len()
    );
    for (why, ids) in &without {
        println!("without entries, {why}: {} ({})", ids.len(), ids.join(", "));
    }
    for l in &catch_all_named {
        println!("generic sample from a function a pattern names: {l}");
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
