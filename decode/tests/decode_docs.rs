//! docs/decode.md documents every kind and every NDJSON member: the kinds and the field
//! members come from their registries (`kinds!`, `field_table!`), so a kind or field added
//! without its documentation fails here; the other members (envelope, incident, summary) are
//! those the decoder writes for the fixture logs.

mod common;

use iscsi_decode::decode::JSON_MEMBERS;
use iscsi_decode::decode::Kind;
use std::collections::BTreeSet;

fn doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/decode.md")).unwrap()
}

/// The text of the section under `heading` (to the next heading of any level).
fn section<'d>(doc: &'d str, heading: &str) -> &'d str {
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/decode.md has no {heading}"))
        + heading.len()
        + 2;
    let rest = &doc[start..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    &rest[..end]
}

/// The names in backticks of a text.
fn quoted(text: &str) -> BTreeSet<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The names in backticks in the first column of a section's table.
fn members(section: &str) -> BTreeSet<&str> {
    section
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(" | ").next())
        .flat_map(quoted)
        .collect()
}

#[test]
fn every_kind_is_documented() {
    let doc = doc();
    let event = section(&doc, "### `event`");
    let listed = &event[event.find("\nKinds: ").expect("the list of kinds")..];
    let listed = quoted(listed);
    let missing: Vec<&str> = Kind::ALL
        .iter()
        .map(|k| k.name())
        .filter(|n| !listed.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "kinds not in docs/decode.md: {missing:?}"
    );
    let known: BTreeSet<&str> = Kind::ALL.iter().map(|k| k.name()).collect();
    let stale: Vec<&&str> = listed.difference(&known).collect();
    assert!(
        stale.is_empty(),
        "docs/decode.md lists unknown kinds: {stale:?}"
    );
}

#[test]
fn every_field_member_is_documented() {
    let doc = doc();
    let documented = members(section(&doc, "### `event`"));
    let missing: Vec<&&str> = JSON_MEMBERS
        .iter()
        .filter(|m| !documented.contains(**m))
        .collect();
    assert!(
        missing.is_empty(),
        "event members not in docs/decode.md: {missing:?}"
    );
}

/// Every member of the objects the decoder writes for the fixture logs is documented.
#[test]
fn every_written_member_is_documented() {
    let doc = doc();
    let tables = [
        ("event", members(section(&doc, "### `event`"))),
        ("incident", members(section(&doc, "### `incident`"))),
        ("summary", members(section(&doc, "### `summary` (last)"))),
    ];
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for dir in ["tests/fixtures/forms", "tests/fixtures/logs"] {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).join(dir);
        for entry in std::fs::read_dir(dir).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            for rec in common::records(&String::from_utf8_lossy(&bytes)) {
                let obj = rec.as_object().unwrap();
                let ty = obj["type"].as_str().unwrap().to_string();
                seen.extend(obj.keys().map(|k| (ty.clone(), k.clone())));
            }
        }
    }
    let mut missing = Vec::new();
    for (ty, key) in &seen {
        if let Some((_, documented)) = tables.iter().find(|(t, _)| t == ty) {
            if !documented.contains(key.as_str()) {
                missing.push(format!("{ty}.{key}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "members not in docs/decode.md: {missing:?}"
    );
    // The fixtures do exercise the three objects.
    for (t, _) in &tables {
        assert!(seen.iter().any(|(ty, _)| ty == t), "no {t} object written");
    }
}
