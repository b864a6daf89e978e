//! Our words for `enum iscsi_conn_state`, the `state (N)` at the end of iscsid's
//! `Kernel reported iSCSI connection ... error (...) state (N)`. The number says where the
//! connection was when it failed, which is the first fork in diagnosing it: a failure in
//! `LOGGED_IN` hit a working connection, not a login.

use crate::tables::iscsi_if::IscsiConnState;

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
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_XPT_WAIT,
        label: "TRANSPORT WAIT",
        phase: "Connecting: iscsid is waiting for the transport (the TCP connection to the \
                portal) to come up before it can start a login. A failure here means the \
                portal could not be reached.",
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
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_IN_LOGOUT,
        label: "IN LOGOUT",
        phase: "Logging out: a Logout request was sent and its response is awaited, as part \
                of an orderly shutdown of the connection.",
    },
    Row {
        state: IscsiConnState::ISCSI_CONN_STATE_LOGOUT_REQUESTED,
        label: "LOGOUT REQUESTED",
        phase: "Logout pending: a logout has been asked for (for example by the target \
                through an asynchronous message) and is waiting to be carried out.",
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
/// use iscsi_decode::explain::conn_state_phase;
/// use iscsi_decode::tables::iscsi_if::IscsiConnState;
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
