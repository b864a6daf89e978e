//! Our words for login response statuses (class and detail, as in
//! `login rejected: initiator error - target not found (02/03)`), and whether trying again
//! can help: the question an administrator has when a login fails.

use crate::iscsi_proto::{LoginStatus, LoginStatusClass};

/// What a login response status means and whether a retry can succeed.
///
/// ```
/// use iscsi_tables::explain::login_status;
/// use iscsi_tables::iscsi_proto::LoginStatus;
/// let i = login_status(LoginStatus::from_parts(2, 3));
/// assert_eq!(i.name, Some("ISCSI_LOGIN_STATUS_TGT_NOT_FOUND"));
/// assert_eq!(i.text, "initiator error - target not found");
/// assert!(!i.retry_can_succeed);
/// assert!(login_status(LoginStatus::from_parts(3, 1)).retry_can_succeed);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LoginInfo {
    /// The status, class in the high byte.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_status"))]
    pub status: LoginStatus,
    /// The C name of the detail, when known.
    pub name: Option<&'static str>,
    /// What iscsid logs after `login rejected: ` for it; empty when it logs nothing (success,
    /// redirects).
    pub text: &'static str,
    /// What the status means.
    pub meaning: &'static str,
    /// Whether trying again, without changing anything, can succeed.
    pub retry_can_succeed: bool,
    /// `meaning` followed by the retry verdict, as one paragraph.
    pub explanation: &'static str,
    /// The iscsid.conf setting involved, where one applies.
    pub setting: Option<&'static str>,
}

#[cfg(feature = "serde")]
fn ser_status<S: serde::Serializer>(c: &LoginStatus, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u16(c.0)
}

macro_rules! retry_ok {
    () => {
        "A retry can succeed; iscsid tries again by itself."
    };
}
macro_rules! fatal {
    () => {
        "Retrying will not help until the cause is fixed: on a first login iscsiadm gives up \
         with ISCSI_ERR_FATAL_LOGIN. (While recovering a session that was already up, iscsid \
         keeps reconnecting regardless.)"
    };
}
macro_rules! fatal_auth {
    () => {
        "Retrying will not help until the credentials or the target's access list change: on \
         a first login iscsiadm gives up with ISCSI_ERR_LOGIN_AUTH_FAILED. (While recovering \
         a session that was already up, iscsid keeps reconnecting regardless.)"
    };
}
macro_rules! success {
    () => {
        "Nothing is retried: this is not a failure."
    };
}
macro_rules! redirect {
    () => {
        "Not a failure: iscsid reconnects to the new address at once, so the login can \
         succeed there."
    };
}

struct Row {
    status: LoginStatus,
    text: &'static str,
    meaning: &'static str,
    retry: bool,
    explanation: &'static str,
    setting: Option<&'static str>,
}

macro_rules! row {
    ($name:ident, $text:literal, $meaning:literal, $retry:literal, $verdict:ident, $setting:expr) => {
        Row {
            status: LoginStatus::$name,
            text: $text,
            meaning: $meaning,
            retry: $retry,
            explanation: concat!($meaning, " ", $verdict!()),
            setting: $setting,
        }
    };
}

const AUTH: Option<&str> =
    Some("node.session.auth.authmethod, node.session.auth.username, node.session.auth.password");
const LOGIN_RETRY: Option<&str> =
    Some("node.session.initial_login_retry_max, node.conn[0].timeo.login_timeout");

// RFC 7143 section 11.13.5: 0x0201 "Authentication failure: the initiator could not be
// successfully authenticated or target authentication is not supported".
static ROWS: &[Row] = &[
    row!(
        ISCSI_LOGIN_STATUS_ACCEPT,
        "",
        "A success: the target accepted this login step; negotiation goes on and the \
         connection then enters full-feature phase.",
        true,
        success,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_TGT_MOVED_TEMP,
        "",
        "The target is temporarily reachable elsewhere: the response carries another \
         address to log in at.",
        true,
        redirect,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_TGT_MOVED_PERM,
        "",
        "The target has moved for good: the response carries its new address. For node \
         logins iscsid follows it this time but keeps the stored portal, so a later \
         reconnect starts at the old address again; only discovery records are updated.",
        true,
        redirect,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_INIT_ERR,
        "initiator error",
        "The target found fault with the login request without naming the problem.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_AUTH_FAILED,
        "Initiator failed authentication with target",
        "Authentication failed: the CHAP name or secret the initiator offered (or the lack \
         of them) did not satisfy the target, or the initiator asked the target to \
         authenticate itself (mutual CHAP) and the target does not support that.",
        false,
        fatal_auth,
        AUTH
    ),
    row!(
        ISCSI_LOGIN_STATUS_TGT_FORBIDDEN,
        "initiator failed authorization with target",
        "The initiator is not allowed to use this target: its initiator name (in \
         /etc/iscsi/initiatorname.iscsi) is missing from the target's access list, or its \
         credentials do not grant access.",
        false,
        fatal_auth,
        AUTH
    ),
    row!(
        ISCSI_LOGIN_STATUS_TGT_NOT_FOUND,
        "initiator error - target not found",
        "No target of the requested name exists behind this portal: the name is misspelt, \
         the target was deleted or renamed, or the portal belongs to another array.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_TGT_REMOVED,
        "initiator error",
        "The target existed but has been removed, and the target gives no new address for \
         it.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_NO_VERSION,
        "incompatible version",
        "The target supports none of the protocol versions the initiator offered.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_ISID_ERROR,
        "initiator error",
        "The target refuses another connection or session for this initiator session id, \
         typically because it allows no more.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_MISSING_FIELDS,
        "initiator error",
        "The login request lacked a key the target requires.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_CONN_ADD_FAILED,
        "initiator error",
        "The target cannot add this connection to the existing session.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_NO_SESSION_TYPE,
        "initiator error",
        "The target does not support the session type asked for (discovery or normal).",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_NO_SESSION,
        "initiator error",
        "The login tried to join or reinstate a session the target does not know.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_INVALID_REQUEST,
        "initiator error",
        "The target received a request that is not valid during login.",
        false,
        fatal,
        None
    ),
    row!(
        ISCSI_LOGIN_STATUS_TARGET_ERROR,
        "target error",
        "The target failed for a reason of its own, not because of the request.",
        true,
        retry_ok,
        LOGIN_RETRY
    ),
    row!(
        ISCSI_LOGIN_STATUS_SVC_UNAVAILABLE,
        "target error",
        "The target is temporarily unable to serve logins, for example while it starts up \
         or fails over.",
        true,
        retry_ok,
        LOGIN_RETRY
    ),
    row!(
        ISCSI_LOGIN_STATUS_NO_RESOURCES,
        "target error",
        "The target is out of resources (sessions, memory) for another login.",
        true,
        retry_ok,
        LOGIN_RETRY
    ),
];

/// Fallbacks for a detail this build does not know, by class.
static CLASS_FALLBACK: &[Row] = &[
    Row {
        status: LoginStatus(0),
        text: "",
        meaning: "A success-class status with a detail this build does not know.",
        retry: true,
        explanation: "A success-class status with a detail this build does not know. Not an \
                      error.",
        setting: None,
    },
    Row {
        status: LoginStatus(0),
        text: "",
        meaning: "A redirection with a detail this build does not know; iscsid handles every \
                  redirection the same way, by following the address in the response.",
        retry: true,
        explanation: concat!(
            "A redirection with a detail this build does not know; iscsid handles every \
             redirection the same way, by following the address in the response. ",
            redirect!()
        ),
        setting: None,
    },
    Row {
        status: LoginStatus(0),
        text: "initiator error",
        meaning: "An initiator-error status with a detail this build does not know.",
        retry: false,
        explanation: concat!(
            "An initiator-error status with a detail this build does not know. ",
            fatal!()
        ),
        setting: None,
    },
    Row {
        status: LoginStatus(0),
        text: "target error",
        meaning: "A target-error status with a detail this build does not know.",
        retry: true,
        explanation: concat!(
            "A target-error status with a detail this build does not know. ",
            retry_ok!()
        ),
        setting: LOGIN_RETRY,
    },
];

static UNKNOWN_CLASS: Row = Row {
    status: LoginStatus(0),
    text: "",
    meaning: "A status class outside the protocol's four; iscsid logs it as a response with \
              an unknown status class.",
    retry: false,
    explanation: "A status class outside the protocol's four; iscsid logs it as a response \
                  with an unknown status class. iscsid treats it as fatal on a first login; \
                  look at the target's logs and software level.",
    setting: None,
};

fn class_index(class: u8) -> Option<usize> {
    let c = LoginStatusClass(class);
    [
        LoginStatusClass::ISCSI_STATUS_CLS_SUCCESS,
        LoginStatusClass::ISCSI_STATUS_CLS_REDIRECT,
        LoginStatusClass::ISCSI_STATUS_CLS_INITIATOR_ERR,
        LoginStatusClass::ISCSI_STATUS_CLS_TARGET_ERR,
    ]
    .iter()
    .position(|k| *k == c)
}

fn row(s: LoginStatus) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.status == s)
}

/// Explains a login response status; an unknown detail falls back to its class, an unknown
/// class to a generic text. Never fails.
pub fn login_status(s: LoginStatus) -> LoginInfo {
    let r = row(s).unwrap_or_else(|| {
        class_index(s.class())
            .and_then(|i| CLASS_FALLBACK.get(i))
            .unwrap_or(&UNKNOWN_CLASS)
    });
    LoginInfo {
        status: s,
        name: s.name(),
        text: r.text,
        meaning: r.meaning,
        retry_can_succeed: r.retry,
        explanation: r.explanation,
        setting: r.setting,
    }
}

/// Whether we have our own words for this exact status (every generated value should).
pub(crate) fn has_explanation(s: LoginStatus) -> bool {
    row(s).is_some()
}
