//! The explain tables against the generated ones: every value has words, names and numbers
//! round-trip, unknown values keep their number, and no input makes anything panic.

use iscsi_decode::explain::iscsiadm::{self, IscsiadmError};
use iscsi_decode::explain::{self, Space};
use iscsi_decode::tables::iscsi_if::{IscsiConnState, IscsiErr};
use iscsi_decode::tables::iscsi_proto::LoginStatus;

#[test]
fn every_kernel_error_has_an_explanation() {
    for e in IscsiErr::TABLE {
        assert!(
            explain::has_kernel_explanation(e.value),
            "{} has no explanation",
            e.name
        );
        let k = explain::kernel_error(e.value);
        assert_eq!(k.name, Some(e.name));
        for part in [k.iscsid_text, k.doing, k.causes, k.check, k.explanation] {
            assert!(!part.trim().is_empty(), "{}: empty text", e.name);
        }
    }
}

#[test]
fn every_conn_state_has_a_phase() {
    for e in IscsiConnState::TABLE {
        assert!(
            explain::has_conn_state_phase(e.value),
            "{} has no phase",
            e.name
        );
        assert!(explain::conn_state_label(e.value).is_some());
    }
}

#[test]
fn every_login_status_has_an_explanation() {
    for e in LoginStatus::TABLE {
        assert!(
            explain::has_login_explanation(e.value),
            "{} has no explanation",
            e.name
        );
        let i = explain::login_status(e.value);
        assert!(!i.meaning.is_empty() && i.explanation.starts_with(i.meaning));
    }
}

#[test]
fn every_value_of_every_space_has_a_name_and_a_description() {
    let mut spaces = 0;
    for space in Space::all() {
        spaces += 1;
        let mut n = 0;
        for r in space.list() {
            n += 1;
            assert_eq!(r.space, space);
            assert!(r.name.is_some_and(|n| !n.is_empty()), "{space} {}", r.value);
            assert!(
                !r.explanation.trim().is_empty(),
                "{space} {r}: no description"
            );
        }
        assert!(n > 0, "{space} lists nothing");
        assert!(!space.c_name().is_empty(), "{space} has no C name");
    }
    assert!(spaces >= 17, "only {spaces} spaces");
}

#[test]
fn every_named_space_exists_in_the_tables() {
    for &s in explain::NAMED {
        assert!(
            s.exists(),
            "{s} maps to no generated family ({:?})",
            s.rust_name()
        );
        assert_eq!(Space::parse(s.as_str()), Some(s));
        for a in s.aliases() {
            assert_eq!(Space::parse(a), Some(s), "alias {a}");
        }
    }
}

#[test]
fn number_name_number_round_trips() {
    for space in Space::all() {
        for r in space.list() {
            let name = r.name.unwrap();
            // Number to name: the value is known (an alias may answer with its first name).
            let by_value = space.reading(r.value);
            assert!(by_value.is_known(), "{space} {}", r.value);
            // Name to number, exact and in lower case, and without the prefix.
            for word in [name.to_string(), name.to_ascii_lowercase()] {
                let back = space
                    .lookup(&word)
                    .unwrap_or_else(|| panic!("{space} {word}"));
                assert_eq!(back.value, r.value, "{space} {word}");
                assert_eq!(back.name, Some(name));
            }
            let prefix = space.prefix();
            if let Some(short) = name.strip_prefix(prefix).filter(|s| !s.is_empty()) {
                let back = space
                    .lookup(short)
                    .unwrap_or_else(|| panic!("{space} {short}"));
                assert_eq!(back.value, r.value, "{space} {short}");
            }
            // The global lookup finds it too, in this space among others.
            assert!(
                explain::lookup_names(name).any(|x| x.space == space && x.value == r.value),
                "lookup_names({name})"
            );
        }
    }
}

#[test]
fn bare_numbers_rank_the_likely_space_first() {
    let first = |v| explain::readings(v).next().map(|r| r.space);
    assert_eq!(first(1022), Some(Space::IscsiErr));
    assert_eq!(first(8), Some(Space::IscsiadmError));
    assert_eq!(first(0x3f), Some(Space::Opcode));
    let eight: Vec<Space> = explain::readings(8).map(|r| r.space).collect();
    assert!(eight.len() > 1, "8 should have several readings: {eight:?}");
    assert!(explain::readings(1099).next().is_none());
}

#[test]
fn iscsiadm_codes_are_their_own_space() {
    let r = explain::lookup_name("ISCSI_ERR_TRANS_TIMEOUT").unwrap();
    assert_eq!((r.space, r.value), (Space::IscsiadmError, 8));
    assert_eq!(r.text, "connection timed out");
    // The kernel has no code 8, and iscsiadm none above its table.
    assert!(!Space::IscsiErr.reading(8).is_known());
    assert!(!Space::IscsiadmError.reading(1022).is_known());
    for (i, row) in iscsiadm::TABLE.iter().enumerate() {
        assert_eq!(usize::from(row.code.0), i, "iscsiadm table out of order");
        assert_eq!(IscsiadmError::from_name(row.name), Some(row.code));
        assert!(
            IscsiErr::from_name(row.name).is_none(),
            "{} clashes with the kernel",
            row.name
        );
    }
    assert_eq!(iscsiadm::TABLE.len(), 34);
}

#[test]
fn unknown_values_keep_their_number() {
    assert_eq!(
        Space::IscsiErr.reading(1099).to_string(),
        "1099 ISCSI_ERR_???"
    );
    assert_eq!(
        Space::ConnState.reading(9).to_string(),
        "9 ISCSI_CONN_STATE_???"
    );
    assert_eq!(
        Space::LoginStatus.reading(0x027f).to_string(),
        "02/7f ISCSI_LOGIN_STATUS_???"
    );
    assert_eq!(
        Space::IscsiadmError.reading(99).to_string(),
        "99 ISCSI_ERR_???"
    );
    assert_eq!(Space::Opcode.reading(0x12).to_string(), "0x12 ISCSI_OP_???");
    let k = explain::kernel_error(IscsiErr(1099));
    assert_eq!(
        (k.code.0, k.name, k.iscsid_text),
        (1099, None, explain::UNKNOWN_TEXT)
    );
    for space in Space::all() {
        for v in [-1i128, 1 << 40, i128::MIN, i128::MAX] {
            let r = space.reading(v);
            assert_eq!(r.value, v);
            let listed = space.list().any(|x| x.value == v);
            assert_eq!(r.is_known(), listed, "{space} {v}");
            assert!(!r.explanation.is_empty());
        }
    }
}

#[test]
fn names_are_found_in_any_case_with_or_without_prefix() {
    for n in [
        "ISCSI_ERR_NOP_TIMEDOUT",
        "iscsi_err_nop_timedout",
        "NOP_TIMEDOUT",
        "nop_timedout",
    ] {
        let r = explain::lookup_name(n).unwrap();
        assert_eq!(
            (r.space, r.name),
            (Space::IscsiErr, Some("ISCSI_ERR_NOP_TIMEDOUT")),
            "{n}"
        );
    }
    assert_eq!(Space::ConnState.lookup("logged_in").unwrap().value, 3);
    assert_eq!(
        Space::LoginStatus.lookup("TGT_NOT_FOUND").unwrap().value,
        0x0203
    );
    assert!(explain::lookup_name("nop_timeout").is_none());
    let s = explain::suggest("nop_timeout", None);
    assert_eq!(s.iter().next().map(|x| x.1), Some("ISCSI_ERR_NOP_TIMEDOUT"));
}

/// Texts name other values by their C names: a number in prose would go stale when the
/// kernel renumbers. Kernel error codes (1000 and up) must never appear in our words.
#[test]
fn texts_do_not_repeat_kernel_codes() {
    let has_code = |s: &str| {
        s.as_bytes()
            .windows(4)
            .any(|w| w[0] == b'1' && w[1] == b'0' && w.iter().all(u8::is_ascii_digit))
    };
    for space in Space::all() {
        for r in space.list() {
            assert!(!has_code(r.explanation), "{space} {r}: {}", r.explanation);
            assert!(r.setting.is_none_or(|s| !has_code(s)));
        }
    }
}

#[test]
fn no_input_panics() {
    let words = [
        "",
        " ",
        "/",
        "//",
        "0x",
        "-",
        "+",
        "--1",
        "0x-1",
        "ff/ff",
        "100/1",
        "1/",
        "/1",
        "é",
        "ISCSI_",
        "ISCSI_ERR_",
        "🦀🦀🦀",
        "\u{0}",
        "99999999999999999999999999999999999999999999",
        "-170141183460469231731687303715884105728",
        "0xffffffffffffffffffffffffffffffffff",
    ];
    let long = "x".repeat(10_000);
    for w in words.iter().copied().chain([long.as_str()]) {
        let _ = explain::parse_number(w);
        let _ = explain::parse_login_status(w);
        let _ = explain::lookup_names(w).count();
        let _ = explain::suggest(w, None);
        let _ = Space::parse(w);
        for s in Space::all() {
            if let Some(r) = s.lookup(w) {
                let _ = r.human().to_string();
                let _ = r.json().to_string();
            }
        }
    }
    for v in [i128::MIN, -1, 0, 255, 256, 65535, 65536, 1 << 32, i128::MAX] {
        for r in explain::readings(v).chain([explain::unknown_reading(v)]) {
            let _ = r.human().to_string();
            let _ = r.json().to_string();
        }
    }
}

#[test]
fn json_has_the_documented_fields() {
    for space in Space::all() {
        for r in space.list().chain([space.reading(-1)]) {
            let line = r.json().to_string();
            let v: serde_json::Value = serde_json::from_str(&line).expect(&line);
            let o = v.as_object().unwrap();
            assert_eq!(o["space"], space.as_str());
            assert_eq!(o["value"].as_i64().map(i128::from), Some(r.value));
            // Absent means absent: no `null` name, no empty text.
            assert_eq!(o.get("name").and_then(|n| n.as_str()), r.name);
            assert_eq!(o.get("text").and_then(|t| t.as_str()).unwrap_or(""), r.text);
            assert!(
                o.get("text") != Some(&serde_json::Value::from("")),
                "{line}"
            );
            assert_eq!(o["explanation"], r.explanation);
            assert_eq!(o.get("setting").and_then(|s| s.as_str()), r.setting);
            assert_eq!(
                o.len(),
                3 + usize::from(r.name.is_some())
                    + usize::from(!r.text.is_empty())
                    + usize::from(r.setting.is_some())
            );
            #[cfg(feature = "serde")]
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                v,
                "serde and write_json differ"
            );
        }
    }
}

#[test]
fn human_output_is_wrapped() {
    for space in Space::all() {
        for r in space.list() {
            let text = r.human().to_string();
            for line in text.lines() {
                // A single long word (a path, a C name) may overflow; prose may not.
                let overflow = line.chars().count() > 80 && line.trim().contains(' ');
                assert!(!overflow, "{space} {r}: line too long: {line}");
            }
        }
    }
}
