//! The explanations against the facts they rest on: each test pins a fact taken from the
//! sources (open-iscsi `usr/`, the kernel's initiators, RFC 7143; see `../shared/catalog/`)
//! that an earlier text got wrong, so a rewrite cannot lose it again. The source of each is
//! named on the test and next to the text.

use iscsi_decode::explain::{self, Space};
use iscsi_decode::tables::iscsi_if::IscsiErr;
use iscsi_decode::tables::iscsi_proto::LoginStatus;

/// Fails with the missing words when `text` lacks any of `needles`.
fn says(what: &str, text: &str, needles: &[&str]) {
    let missing: Vec<&&str> = needles.iter().filter(|n| !text.contains(**n)).collect();
    assert!(missing.is_empty(), "{what}: missing {missing:?} in: {text}");
}

/// iscsiadm 19 is every failure iscsid finds on its own side of a first login,
/// authentication included, each logged as "Login error (Login status N)" (open-iscsi
/// usr/initiator.c iscsi_recv_login_rsp and __login_response_status; usr/login.c).
#[test]
fn iscsiadm_fatal_login_covers_every_initiator_side_failure() {
    let r = Space::IscsiadmError.reading(19);
    says(
        "iscsiadm 19",
        r.explanation,
        &[
            "Login authentication failed with target",
            "mutual CHAP",
            "chap_algs",
            "Login negotiation failed",
            "Login version mismatch",
            "Received invalid login PDU",
            "\"Login error (Login status N)\"",
            "5 (authentication failed)",
        ],
    );
    // 24 is the target's verdict only (02/01, 02/02); the initiator's own is 19.
    says(
        "iscsiadm 24",
        Space::IscsiadmError.reading(24).explanation,
        &["02/01", "ISCSI_ERR_FATAL_LOGIN"],
    );
}

/// iscsiadm 8 and 5 end once initial_login_retry_max × login_timeout has passed; refused
/// and unreachable connects are retried through the same login timer (usr/initiator.c
/// iscsi_login_timedout, iscsi_retry_initial_login, session_conn_poll).
#[test]
fn iscsiadm_login_timeouts_say_what_is_retried_and_for_how_long() {
    let eight = Space::IscsiadmError.reading(8);
    says(
        "iscsiadm 8",
        eight.explanation,
        &[
            "refused",
            "no route",
            "initial_login_retry_max × login_timeout",
            "8 × 15 s = 120 s",
        ],
    );
    says(
        "iscsiadm 8 setting",
        eight.setting.unwrap_or(""),
        &[
            "node.session.initial_login_retry_max",
            "node.conn[0].timeo.login_timeout",
        ],
    );
    says(
        "iscsiadm 5",
        Space::IscsiadmError.reading(5).explanation,
        &["closed the TCP connection during", "Login I/O error"],
    );
}

/// 1011's real raisers by kernel (libiscsi.c iscsi_exec_task_mgmt_fn, __iscsi_complete_pdu;
/// scsi_transport_iscsi.c iscsi_recv_pdu; iSER and offload drivers; iscsi_tcp before
/// v2.6.32), and not "stopped for recovery": nothing raises it for that.
#[test]
fn conn_failed_names_its_raisers_by_kernel() {
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_CONN_FAILED);
    says(
        "1011",
        e.explanation,
        &[
            "\"Could not send TMF.\"",
            "iscsid not running",
            "\"can not deliver control PDU: OOM\"",
            "iSER and the offload drivers",
            "RDMA",
            "before 2.6.32",
        ],
    );
    assert!(!e.explanation.contains("stopped for recovery"), "{e:?}");
}

/// Any task management timeout drops the session: libiscsi.c iscsi_eh_abort,
/// iscsi_eh_device_reset, iscsi_eh_target_reset (TMF_TIMEDOUT) and iscsi_eh_session_reset.
#[test]
fn eh_session_reset_follows_any_unanswered_task_management_request() {
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_SCSI_EH_SESSION_RST);
    says(
        "1021",
        e.explanation,
        &[
            "ABORT TASK",
            "abort_timeout (15 s",
            "is enough",
            "LOGICAL UNIT RESET",
            "TARGET WARM RESET",
            "session reset that follows a failed target reset",
        ],
    );
    assert!(!e.explanation.contains("as its last step"), "{e:?}");
    let abort = Space::TmfFunction.lookup("ABORT_TASK").unwrap();
    says(
        "tmf ABORT_TASK",
        abort.explanation,
        &["abort_timeout", "ISCSI_ERR_SCSI_EH_SESSION_RST"],
    );
}

/// 1003, 1004, 1009, 1013, 1016: no in-tree initiator of 6.1 raises them; 1013 came from
/// libiscsi up to 2.6.26 (iscsi_verify_itt). 1017: no 6.1 code raises it, iSER only
/// tolerates it (iscsi_iser_recv); libiscsi returned it up to 2.6.26.
#[test]
fn codes_no_current_initiator_raises_say_so() {
    for code in [
        IscsiErr::ISCSI_ERR_MAX_CMDSN,
        IscsiErr::ISCSI_ERR_EXP_CMDSN,
        IscsiErr::ISCSI_ERR_LUN,
        IscsiErr::ISCSI_ERR_SESSION_FAILED,
        IscsiErr::ISCSI_ERR_PARAM_NOT_FOUND,
    ] {
        let e = explain::kernel_error(code);
        says(
            &code.to_string(),
            e.causes,
            &[
                "No in-tree initiator raises it on 6.1",
                "iscsi_tcp",
                "iSER",
                "be2iscsi",
                "bnx2i",
                "cxgbi",
                "qedi",
                "qla4xxx",
            ],
        );
        assert!(!e.causes.contains("an offload driver may"), "{code}");
    }
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_SESSION_FAILED);
    says("1013", e.causes, &["Up to 2.6.26 libiscsi raised it"]);
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_NO_SCSI_CMD);
    says(
        "1017",
        e.explanation,
        &[
            "No 6.1 code raises it",
            "iSER only tolerates it",
            "Up to 2.6.26 libiscsi returned it",
            "dropping ctask with itt",
        ],
    );
    assert!(!e.explanation.contains("raised by"), "{e:?}");
}

/// 1002 comes from Data-In and segment seeks (libiscsi_tcp.c iscsi_tcp_data_in,
/// iscsi_segment_seek_sg); an R2T beyond the buffer is 1006 (iscsi_tcp_r2t_rsp).
#[test]
fn data_offset_is_data_in_and_an_r2t_beyond_the_buffer_is_datalen() {
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_DATA_OFFSET);
    says(
        "1002",
        e.doing,
        &["Data-In", "R2T", "ISCSI_ERR_DATALEN instead"],
    );
    assert!(!e.doing.contains("Data-In or R2T"), "{e:?}");
}

/// iscsid up to 2.0.876 has no case for 1022 in kern_err_code_to_string() (catalog
/// kernel_err_strings.tsv, NOTES.md).
#[test]
fn nop_timedout_says_how_old_iscsid_prints_it() {
    let e = explain::kernel_error(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT);
    says(
        "1022",
        e.explanation,
        &["up to 2.0.876", &format!("\"{}\"", explain::UNKNOWN_TEXT)],
    );
}

/// open-iscsi usr/initiator.c: no code assigns LOGOUT_REQUESTED; a target's logout request
/// makes iscsi_send_logout set IN_LOGOUT and iscsid log in again; __session_conn_reopen sets
/// XPT_WAIT at every reopen and __conn_error_handle ignores kernel errors in it.
#[test]
fn conn_states_say_what_iscsid_really_does() {
    says(
        "state 5",
        Space::ConnState.reading(5).explanation,
        &["Never set by iscsid", "IN LOGOUT instead"],
    );
    says(
        "state 4",
        Space::ConnState.reading(4).explanation,
        &[
            "\"Target requests logout within N seconds\"",
            "logs in again",
            "one the target asked for",
        ],
    );
    says(
        "state 1",
        Space::ConnState.reading(1).explanation,
        &[
            "at the start of every connect and reconnect",
            "late report about the old connection",
            "ignores kernel errors in this state",
        ],
    );
}

/// Reject reasons as RFC 7143 section 11.17.1 has them, whatever the kernel calls them.
#[test]
fn reject_reasons_follow_rfc_7143() {
    let reason = |v| Space::RejectReason.reading(v).explanation;
    says("reject 0x01", reason(0x01), &["Reserved"]);
    says("reject 0x08", reason(0x08), &["Invalid data ack"]);
    says(
        "reject 0x09",
        reason(0x09),
        &["Invalid PDU field", "BOOKMARK_INVALID, is historical"],
    );
    says(
        "reject 0x0a",
        reason(0x0a),
        &[
            "Long operation reject",
            "Target Transfer Tag",
            "out of resources",
        ],
    );
    says("reject 0x0b", reason(0x0b), &["Deprecated"]);
    assert!(!reason(0x01).contains("came before the login"));
}

/// Logout reasons: RFC 7143 section 11.14.1 defines 0-2 only. Async event 4: iscsid drops
/// the session (usr/initiator.c iscsi_recv_async_msg).
#[test]
fn logout_reason_3_and_async_event_4_say_what_really_happens() {
    says(
        "logout reason 3",
        Space::LogoutReason.reading(3).explanation,
        &["Not a reason code of the protocol", "only 0 to 2"],
    );
    says(
        "async event 4",
        Space::AsyncEvent.reading(4).explanation,
        &["\"Received async event param negotiation, dropping session:N\""],
    );
}

/// RFC 7143 section 11.2.1.2: vendor-specific initiator opcodes are 0x1c-0x1e; libiscsi and
/// iscsid never build a SNACK.
#[test]
fn snack_is_never_sent_and_0x1f_is_reserved() {
    says(
        "opcode 0x10",
        Space::Opcode.reading(0x10).explanation,
        &["The Linux initiator never sends it"],
    );
    says(
        "opcode 0x1f",
        Space::Opcode.reading(0x1f).explanation,
        &["Reserved", "0x1c to 0x1e"],
    );
    says(
        "opcode 0x1e",
        Space::Opcode.reading(0x1e).explanation,
        &["vendor-specific"],
    );
}

/// 00/00 is a success, so nothing is retried; 02/01 also covers "target authentication is
/// not supported" (RFC 7143 section 11.13.5).
#[test]
fn login_success_is_not_retried_and_02_01_covers_mutual_chap() {
    let ok = explain::login_status(LoginStatus::ISCSI_LOGIN_STATUS_ACCEPT);
    says("00/00", ok.explanation, &["success", "Nothing is retried"]);
    assert!(!ok.explanation.contains("retry can succeed"), "{ok:?}");
    let auth = explain::login_status(LoginStatus::ISCSI_LOGIN_STATUS_AUTH_FAILED);
    says(
        "02/01",
        auth.meaning,
        &["mutual CHAP", "target does not support that"],
    );
}

/// Header comments are looked up by name: aliases share a value, not a comment
/// (`ISCSI_PAD_LEN` and `ISCSI_CRC_LEN` are both 4).
#[test]
fn header_comments_belong_to_their_own_name() {
    use iscsi_decode::tables::{self, iscsi_if, iscsi_proto};
    if tables::BUILD_TIME_IF_H.is_none() && tables::BUILD_TIME_PROTO_H.is_none() {
        let text = |n| explain::lookup_name(n).map(|r| r.text);
        assert_eq!(text("ISCSI_PAD_LEN"), Some("Padding word length"));
        assert_eq!(text("ISCSI_CRC_LEN"), Some("iSCSI CRC32C length"));
        assert_eq!(
            text("MAX_KEY_VALUE_PAIRS"),
            Some("Max. number of Key=Value pairs in a text message")
        );
        assert_eq!(text("ISCSI_FLAG_LOGIN_NEXT_STAGE_MASK"), Some("2 bits"));
        assert_eq!(text("ISCSI_FLAG_LOGIN_CURRENT_STAGE_MASK"), Some("2 bits"));
    }
    // Every row of every generated family, found by its name and listed, has its own comment
    // (the spaces whose text is what a program prints are left out).
    let mut rows: Vec<(&str, i128, &str, &str)> = Vec::new();
    for f in iscsi_if::FAMILIES {
        let entries = (0..f.len).filter_map(f.entry);
        rows.extend(entries.map(|e| (f.rust_name, e.value, e.name, e.doc)));
    }
    for f in iscsi_proto::FAMILIES {
        let entries = (0..f.len).filter_map(f.entry);
        rows.extend(entries.map(|e| (f.rust_name, e.value, e.name, e.doc)));
    }
    let mut checked = 0;
    for (rust_name, value, name, doc) in rows {
        let space = Space::parse(rust_name).unwrap();
        if matches!(
            space,
            Space::IscsiErr | Space::ConnState | Space::LoginStatus
        ) {
            continue;
        }
        let by_name = explain::lookup_names_in_every_era(name)
            .find(|r| r.space == space && r.value == value)
            .unwrap_or_else(|| panic!("{space} {name}"));
        assert_eq!(by_name.text, doc, "{space} {name} by name");
        if let Some(listed) = space.list().find(|r| r.name == Some(name)) {
            assert_eq!(listed.text, doc, "{space} {name} listed");
        }
        checked += 1;
    }
    assert!(checked > 500, "only {checked} rows");
}

/// Whether the tables are the committed ones (tables generated at build time from another
/// header have other releases).
fn committed_tables() -> bool {
    use iscsi_decode::tables;
    tables::BUILD_TIME_IF_H.is_none() && tables::BUILD_TIME_PROTO_H.is_none()
}

/// "since" is per name, not per value: `IscsiParam` 22 was `ISCSI_PARAM_MAX` up to v2.6.22
/// and is `ISCSI_PARAM_USERNAME` from v2.6.23 (history/iscsi_if_enumerators.tsv).
#[test]
fn since_and_until_belong_to_the_name() {
    use iscsi_decode::explain::release::{KernelRelease, Presence, Tables};
    if committed_tables() {
        let param = Space::parse("IscsiParam").unwrap();
        let c = KernelRelease::new("3.2").check(param, 22);
        assert_eq!(
            (c.name, c.since),
            (Some("ISCSI_PARAM_USERNAME"), Some("v2.6.23"))
        );
        let c = KernelRelease::new("2.6.20").check(param, 22);
        assert_eq!(
            (c.name, c.since, c.until, c.in_latest),
            (
                Some("ISCSI_PARAM_MAX"),
                Some("v2.6.18"),
                Some("v2.6.22"),
                false
            )
        );
        // Aliases: ISCSI_PAD_LEN and ISCSI_CRC_LEN are both 4, from different releases.
        let limits = explain::lookup_name("ISCSI_PAD_LEN").unwrap().space;
        let c = KernelRelease::new("6.1").check_name(limits, 4, Some("ISCSI_PAD_LEN"));
        assert_eq!((c.name, c.since), (Some("ISCSI_PAD_LEN"), Some("v2.6.25")));
    }
    // Every name of every value of every tracked space: from the first release that has it
    // under that name, it is present under that name, with that since and until.
    let mut renamed = std::collections::BTreeSet::new();
    for space in Space::all() {
        let Some(tables) = Tables::of_space(space) else {
            continue;
        };
        let labels: Vec<&str> = tables.labels().collect();
        for r in space_rows(space) {
            let name = r.name.unwrap();
            let rows: Vec<(u16, u16)> = eras(space, r.value, name);
            let since = rows.iter().map(|e| e.0).min().unwrap();
            let until = rows.iter().map(|e| e.1).max().unwrap();
            let c = KernelRelease::new(labels[usize::from(since)]).check_name(
                space,
                r.value,
                Some(name),
            );
            let what = format!("{space} {} {name}", r.value);
            assert_eq!(c.presence, Presence::Present, "{what}");
            assert_eq!(c.name, Some(name), "{what}");
            assert_eq!(c.since, Some(labels[usize::from(since)]), "{what}");
            assert_eq!(c.until, Some(labels[usize::from(until)]), "{what}");
            let by_value = eras_of_value(space, r.value).iter().map(|e| e.0).min();
            if by_value != Some(since) && space != Space::ConnState {
                renamed.insert(format!("{space} {name}"));
            }
        }
    }
    eprintln!(
        "{} names whose since differs from their value's: {renamed:?}",
        renamed.len()
    );
    if committed_tables() {
        assert!(renamed.len() >= 10, "{renamed:?}");
    }
}

/// Every row of a space, old eras included, as readings.
fn space_rows(space: Space) -> Vec<explain::Reading> {
    let mut names: Vec<explain::Reading> = Vec::new();
    for r in space.list() {
        for x in explain::lookup_names_in_every_era(r.name.unwrap()) {
            if x.space == space && !names.iter().any(|n| n.name == x.name && n.value == x.value) {
                names.push(x);
            }
        }
    }
    names
}

/// The (since, until) release indexes of the rows of `value` named `name` in `space`.
fn eras(space: Space, value: i128, name: &str) -> Vec<(u16, u16)> {
    raw_rows(space)
        .into_iter()
        .filter(|r| r.0 == value && r.1 == name)
        .map(|r| (r.2, r.3))
        .collect()
}

/// The (since, until) release indexes of every row of `value` in `space`.
fn eras_of_value(space: Space, value: i128) -> Vec<(u16, u16)> {
    raw_rows(space)
        .into_iter()
        .filter(|r| r.0 == value)
        .map(|r| (r.2, r.3))
        .collect()
}

/// (value, name, since, until) of every row of the generated family behind `space`.
fn raw_rows(space: Space) -> Vec<(i128, &'static str, u16, u16)> {
    use iscsi_decode::tables::{iscsi_if, iscsi_proto};
    let rust_name = space.rust_name().unwrap_or("");
    let mut out = Vec::new();
    for f in iscsi_if::FAMILIES
        .iter()
        .filter(|f| f.rust_name == rust_name)
    {
        let e = (0..f.len).filter_map(f.entry);
        out.extend(e.map(|e| (e.value, e.name, e.since.0, e.until.0)));
    }
    for f in iscsi_proto::FAMILIES
        .iter()
        .filter(|f| f.rust_name == rust_name)
    {
        let e = (0..f.len).filter_map(f.entry);
        out.extend(e.map(|e| (e.value, e.name, e.since.0, e.until.0)));
    }
    out
}

/// Connection states are iscsid's own numbers (open-iscsi usr/initiator.h, the same seven
/// since 2005); include/scsi/iscsi_if.h only gained a copy in v3.2. `--kernel 2.6.32 state 3`
/// means LOGGED IN.
#[test]
fn conn_state_numbers_mean_the_same_on_every_kernel() {
    use iscsi_decode::explain::release::{KernelRelease, Presence, Tables};
    for label in Tables::If.labels() {
        let k = KernelRelease::new(label);
        for state in Space::ConnState.list() {
            let c = k.check(Space::ConnState, state.value);
            assert_eq!(c.presence, Presence::Present, "{label} {state}");
            assert_eq!(c.name, state.name, "{label} {state}");
        }
        assert_eq!(k.check(Space::ConnState, 9).presence, Presence::Absent);
    }
    if committed_tables() {
        let c = KernelRelease::new("2.6.32").check(Space::ConnState, 3);
        let mut s = String::new();
        c.write_sentence(&mut s, "2.6.32").unwrap();
        says(
            "2.6.32 state 3",
            &s,
            &[
                "v2.6.32 has 3 ISCSI_CONN_STATE_LOGGED_IN",
                "iscsid's own numbers",
                "3 means LOGGED IN on every kernel",
                "only the kernel header's copy of them is new",
                "from v3.2",
            ],
        );
        assert!(!s.contains("does not have"), "{s}");
        let mut j = String::new();
        c.write_json(&mut j, "2.6.32").unwrap();
        says("2.6.32 state 3 JSON", &j, &["\"present\":true"]);
        let mut s = String::new();
        let c = KernelRelease::new("v6.1.192").check(Space::ConnState, 3);
        c.write_sentence(&mut s, "v6.1.192").unwrap();
        says("6.1 state 3", &s, &["carries a copy of them"]);
    }
}
