//! The explanations against the facts they rest on: each test pins a fact taken from the
//! sources (open-iscsi `usr/`, the kernel's initiators, RFC 7143; see `../shared/catalog/`)
//! that an earlier text got wrong, so a rewrite cannot lose it again. The source of each is
//! named on the test and next to the text.

use iscsi_decode::explain::Space;

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
