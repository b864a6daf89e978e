//! Our words for `enum iscsi_conn_state`, the `state (N)` at the end of iscsid's
//! `Kernel reported iSCSI connection ... error (...) state (N)`. The number says where the
//! connection was when it failed, which is the first fork in diagnosing it: a failure in
//! `LOGGED_IN` hit a working connection, not a login.
//!
//! The numbers are iscsid's own: open-iscsi has had these seven states, in this order, since
//! 2005 (commit 641ed04, usr/initiator.h), and the kernel's `include/scsi/iscsi_if.h` only
//! gained a copy of the enum in v3.2, for offload drivers' login events. So a number means
//! the same on every kernel.

use crate::iscsi_if::IscsiConnState;

struct Row {
    state: IscsiConnState,
    label: &'static str,
    phase: &'static str,
}

static ROWS: &[Row] = &[
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_FREE,
        label: "FREE",
        phase: "Idle: the connection is not set up, or has been torn down completely; no \
                login is under way and no I/O can use it.",
    },
    // open-iscsi usr/initiator.c: __session_conn_reopen sets XPT_WAIT at the start of every
    // reopen; __conn_error_handle ignores kernel errors in XPT_WAIT ("ignoring conn error in
    // XPT_WAIT"); iscsi_login_timedout turns a login timer expiry in it into
    // ISCSI_ERR_TRANS_TIMEOUT.
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_XPT_WAIT,
        label: "TRANSPORT WAIT",
        phase: "Connecting: iscsid sets this state at the start of every connect and \
                reconnect, and waits in it for the TCP connection to the portal before it \
                starts a login; a login attempt that fails here could not reach the portal. A \
                \"Kernel reported iSCSI connection ... state (1)\" line is a late report about \
                the old connection, the one being replaced: iscsid ignores kernel errors in \
                this state.",
    },
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_IN_LOGIN,
        label: "IN LOGIN",
        phase: "Logging in: login requests and responses are being exchanged (authentication \
                and parameter negotiation). A failure here is a login failure.",
    },
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_LOGGED_IN,
        label: "LOGGED IN",
        phase: "Full-feature phase: the login finished and SCSI commands and data were \
                flowing. A failure reported in this state hit a working connection (network \
                loss, a ping timeout, the target closing it); it is not a login problem.",
    },
    // open-iscsi usr/initiator.c: iscsi_send_logout is the only place that sets IN_LOGOUT;
    // iscsi_recv_async_msg calls it for a target's logout request (ISCSI_ASYNC_MSG_REQUEST_LOGOUT),
    // and the logout response handler then reconnects. No code assigns LOGOUT_REQUESTED.
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_IN_LOGOUT,
        label: "IN LOGOUT",
        phase: "Logging out: iscsid sent a Logout request and is waiting for the response. It \
                does so when an administrator logs the session out, and when the target asks \
                for a logout in an asynchronous message (\"Target requests logout within N \
                seconds\"), after which iscsid logs in again. An error reported in this state \
                is usually the connection closing during such a logout, often one the target \
                asked for.",
    },
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_LOGOUT_REQUESTED,
        label: "LOGOUT REQUESTED",
        phase: "Never set by iscsid: the enum has the value, but no open-iscsi code assigns it. \
                A target's request to log out moves the connection to IN LOGOUT instead, as \
                iscsid sends the Logout at once. A line showing this number comes from \
                another program, or the number is another field of the line.",
    },
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_CLEANUP_WAIT,
        label: "CLEANUP WAIT",
        phase: "Cleaning up: the connection has failed or is being stopped and iscsid is \
                waiting for the kernel to release it before reconnecting or giving up.",
    },
];

const UNKNOWN_PHASE: &str = "Not a connection state this build knows; iscsid's enum may have \
                             grown, or the number is another field of the line.";

fn row(s: IscsiConnState) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.state == s)
}

/// The phase a connection was in, in plain words.
///
/// ```
/// use iscsi_tables::explain::conn_state_phase;
/// use iscsi_tables::iscsi_if::IscsiConnState;
/// let p = conn_state_phase(IscsiConnState::ISCSI_CONN_STATE_LOGGED_IN);
/// assert!(p.starts_with("Full-feature phase"));
/// assert!(!conn_state_phase(IscsiConnState(42)).is_empty());
/// ```
pub fn conn_state_phase(s: IscsiConnState) -> &'static str {
    row(s).map_or(UNKNOWN_PHASE, |r| r.phase)
}

/// The words `iscsiadm -m session -P3` shows for a state (`LOGGED IN`), if known.
pub fn conn_state_label(s: IscsiConnState) -> Option<&'static str> {
    row(s).map(|r| r.label)
}

/// Whether we have our own words for this state (every generated value should).
pub fn has_phase(s: IscsiConnState) -> bool {
    row(s).is_some()
}
