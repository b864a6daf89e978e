//! The explanations against the facts they rest on: each test pins a fact taken from the
//! sources (open-iscsi `usr/`, the kernel's initiators, RFC 7143; see `../shared/catalog/`)
//! that an earlier text got wrong, so a rewrite cannot lose it again. The source of each is
//! named on the test and next to the text.

use iscsi_decode::explain::{self, Space};
use iscsi_decode::tables::iscsi_if::IscsiErr;

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
