//! iscsiadm's own error codes: open-iscsi's `enum iscsi_error_list` (include/iscsi_err.h),
//! the `N` in `iscsiadm: initiator reported error (N - text)` and iscsiadm's exit status.
//!
//! This is a different number space from the kernel's `enum iscsi_err` even though both use
//! `ISCSI_ERR_` names: iscsiadm's 8 is a connect timeout, the kernel's codes start at 1000.
//! The header is open-iscsi's, not the kernel's, so this table is written by hand from the
//! catalog; it is the one place in the crate where these numbers appear.

/// An iscsiadm error code (also its exit status), known or not.
///
/// ```
/// use iscsi_tables::explain::iscsiadm::IscsiadmError;
/// let e = IscsiadmError(8);
/// assert_eq!(e, IscsiadmError::ISCSI_ERR_TRANS_TIMEOUT);
/// assert_eq!(e.name(), Some("ISCSI_ERR_TRANS_TIMEOUT"));
/// assert_eq!(e.text(), Some("connection timed out"));
/// assert_eq!(e.to_string(), "8 ISCSI_ERR_TRANS_TIMEOUT");
/// assert_eq!(IscsiadmError(99).to_string(), "99 ISCSI_ERR_???");
/// assert_eq!(IscsiadmError::from_name("trans_timeout"), Some(e));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[repr(transparent)]
pub struct IscsiadmError(pub u8);

/// One row of iscsiadm's table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Row {
    /// The code.
    pub code: IscsiadmError,
    /// The C name in `enum iscsi_error_list`.
    pub name: &'static str,
    /// What iscsiadm prints for it after `initiator reported error (N - `; empty for success.
    pub text: &'static str,
    /// Our explanation.
    pub explanation: &'static str,
}

macro_rules! table {
    ($( $code:literal $name:ident $text:literal => $expl:literal ;)*) => {
        impl IscsiadmError {
            $(
                #[doc = concat!("`", stringify!($name), "`: ", $text)]
                pub const $name: Self = Self($code);
            )*
        }
        /// Every known code, in numeric order.
        pub static TABLE: &[Row] = &[
            $( Row { code: IscsiadmError($code), name: stringify!($name), text: $text,
                     explanation: $expl }, )*
        ];
    };
}

// Sources (open-iscsi usr/, at bc23614; catalog iscsiadm_errors.tsv, login_status.tsv):
// - 5, 8, 11: initiator.c iscsi_login_timedout (the login timer: 8 in XPT_WAIT, 11 in
//   IN_LOGIN), iscsi_login_eh and iscsi_retry_initial_login (a first login is retried until
//   initial_login_retry_max × login_timeout has passed, then ends with the last error);
//   session_conn_poll puts a refused or unreachable connect back on the login timer
//   (queue_delayed_reopen), so it ends as 8 too; login.c iscsi_login_req and iscsi_login_rsp
//   ("Login I/O error") and a class 03 status end in ISCSI_ERR_LOGIN (5).
// - 19, 24: initiator.c iscsi_recv_login_rsp: 24 only for status 02/01 and 02/02
//   (__check_iscsi_status_class); every other failure is 19, among them each error of
//   login.c (check_security_stage_status, get_op_params_text_keys,
//   iscsi_process_login_response), logged by __login_response_status as "Login error (Login
//   status N)" with N from enum iscsi_login_status (initiator.h).
// - 02/01 also means "target authentication is not supported": RFC 7143 section 11.13.5.
table! {
    0 ISCSI_SUCCESS "" =>
        "The command did what was asked; iscsiadm exits with status zero.";
    1 ISCSI_ERR "unknown error" =>
        "A failure without a more specific code. The lines iscsiadm or iscsid printed just \
         before usually say what went wrong.";
    2 ISCSI_ERR_SESS_NOT_FOUND "session not found" =>
        "No running session matched the one the command named (by sid, target or portal). \
         It may have logged out already; list sessions with iscsiadm -m session.";
    3 ISCSI_ERR_NOMEM "no available memory" =>
        "iscsid or iscsiadm could not allocate what the operation needed. Look at the \
         host's memory pressure.";
    4 ISCSI_ERR_TRANS "encountered connection failure" =>
        "The transport failed during the operation: the TCP connection to the portal broke \
         or could not be set up (refused, reset, no route).";
    5 ISCSI_ERR_LOGIN "encountered iSCSI login failure" =>
        "The login did not succeed and no more specific code applied, and iscsid kept trying \
         until the time allowed for the first login (initial_login_retry_max × login_timeout, \
         8 × 15 s = 120 s with the iscsid.conf defaults) ran out. Typically the target kept \
         answering with a target error (class 03), or it closed the TCP connection during \
         the login exchange, so that a login PDU could not be sent or received (\"Login I/O \
         error, failed to send a PDU\" or \"... to receive a PDU\"). iscsid's log has the \
         login response status or the I/O error.";
    6 ISCSI_ERR_IDBM "encountered iSCSI database failure" =>
        "Reading or writing the node, discovery or iface records failed (files under \
         /etc/iscsi or /var/lib/iscsi). Check permissions, disk space and a missing or \
         malformed record.";
    7 ISCSI_ERR_INVAL "invalid parameter" =>
        "An argument or record value was not acceptable: a misspelt setting name, a value \
         out of range, a mode and operation that do not go together.";
    8 ISCSI_ERR_TRANS_TIMEOUT "connection timed out" =>
        "iscsid could not set up the TCP connection to the portal in the time allowed for \
         the first login. A connect that times out, and equally one that is refused or finds \
         no route, is retried through the same login timer, so all of them end as this code \
         once the time runs out: initial_login_retry_max × login_timeout, 8 × 15 s = 120 s \
         with the iscsid.conf defaults. iscsid's \"connect to ADDRESS:PORT failed (...)\" \
         lines give the reason of each attempt. Check routing, firewalls and that the \
         target listens at that address and port.";
    9 ISCSI_ERR_INTERNAL "internal error" =>
        "iscsid hit an unexpected condition of its own. Its log at the same time says more.";
    10 ISCSI_ERR_LOGOUT "encountered iSCSI logout failure" =>
        "The logout did not complete cleanly. Plain session logouts normally report \
         success even when iscsid had to drop the connection; this code mostly comes from \
         flash node logouts on offload adapters.";
    11 ISCSI_ERR_PDU_TIMEOUT "iSCSI PDU timed out" =>
        "The TCP connection was up but the target did not answer a login request in time. \
         Suspect a target that is overloaded or stuck, or a path that passes the connection \
         setup but drops larger packets (MTU).";
    12 ISCSI_ERR_TRANS_NOT_FOUND "iSCSI driver not found. Please make sure it is loaded, and retry the operation" =>
        "The transport the record asks for (iscsi_tcp, ib_iser, an offload driver) is not \
         loaded or not known to iscsid. Load the module and retry.";
    13 ISCSI_ERR_ACCESS "daemon access denied" =>
        "iscsid refused the request: iscsiadm is not running with enough privilege.";
    14 ISCSI_ERR_TRANS_CAPS "iSCSI driver does not support requested capability." =>
        "The transport driver cannot do what was asked, for example a discovery or \
         parameter only offload adapters support.";
    15 ISCSI_ERR_SESS_EXISTS "session exists" =>
        "A session to that target and portal through that interface is already logged in, \
         so there was nothing to do.";
    16 ISCSI_ERR_INVALID_MGMT_REQ "Unknown request" =>
        "iscsid did not recognise the request iscsiadm sent, usually because the two come \
         from different open-iscsi versions. Restart iscsid after an upgrade.";
    17 ISCSI_ERR_ISNS_UNAVAILABLE "iSNS service not supported" =>
        "iSNS was asked for but is not available to iscsid.";
    18 ISCSI_ERR_ISCSID_COMM_ERR "could not communicate to iscsid" =>
        "Sending the request to iscsid or reading its answer failed part way. Check that \
         iscsid is still running and did not crash.";
    19 ISCSI_ERR_FATAL_LOGIN "encountered non-retryable iSCSI login failure" =>
        "The first login failed in a way retrying cannot change, so iscsid gave up at once. \
         Either the target rejected the login with an initiator-error status other than an \
         authentication or authorisation failure (target not found, incompatible version and \
         the like) or an unknown status class (iscsid logs \"login rejected: ...\"), or the \
         initiator itself failed the login. The latter covers every failure iscsid finds on \
         its own side, authentication included: \"Login authentication failed with \
         target\" (the target failed mutual CHAP, or no CHAP algorithm of chap_algs was \
         agreed), \"Login negotiation failed, ...\", \"Login version mismatch ...\" and \
         \"Received invalid login PDU ...\". Each of these is followed by iscsid's \
         \"Login error (Login status N)\", N being 2 (failed), 3 (version mismatch), 4 \
         (negotiation failed), 5 (authentication failed) or 7 (invalid PDU). Fix the target \
         name, the ACL, the CHAP settings or the negotiated settings first.";
    20 ISCSI_ERR_ISCSID_NOTCONN "could not connect to iscsid" =>
        "iscsiadm found no iscsid to talk to. Start iscsid (or its socket unit) and retry.";
    21 ISCSI_ERR_NO_OBJS_FOUND "no objects found" =>
        "Nothing matched: no node records, sessions, portals or interfaces fit the command. \
         Discover targets first, or check the target name and portal spelling.";
    22 ISCSI_ERR_SYSFS_LOOKUP "sysfs lookup failure" =>
        "An object iscsiadm expected under /sys/class/iscsi_* was not there, often because \
         the session went away during the command or the modules are not loaded.";
    23 ISCSI_ERR_HOST_NOT_FOUND "host not found" =>
        "No iSCSI host (adapter) matched the one named.";
    24 ISCSI_ERR_LOGIN_AUTH_FAILED "iSCSI login failed due to authorization failure" =>
        "The target refused the login for authentication or authorisation reasons (status \
         02/01 or 02/02): CHAP user or secret wrong, mutual CHAP asked of a target that does \
         not support it, or the initiator name not in the target's access list. A failure \
         the initiator finds itself (the target's mutual CHAP answer) is \
         ISCSI_ERR_FATAL_LOGIN instead.";
    25 ISCSI_ERR_ISNS_QUERY "iSNS query failed" =>
        "Asking the iSNS server for targets failed.";
    26 ISCSI_ERR_ISNS_REG_FAILED "iSNS registration failed" =>
        "Registering with (or leaving) the iSNS server failed.";
    27 ISCSI_ERR_OP_NOT_SUPP "operation not supported" =>
        "The requested operation is not supported in this mode or by this transport.";
    28 ISCSI_ERR_BUSY "device or resource in use" =>
        "The object is busy or in use by something else, so the operation was refused; \
         retry once whatever holds it has finished.";
    29 ISCSI_ERR_AGAIN "operation failed but retry may succeed" =>
        "A temporary failure: running the same command again may work.";
    30 ISCSI_ERR_UNKNOWN_DISCOVERY_TYPE "unknown discovery type" =>
        "The discovery type asked for is not one iscsiadm knows (sendtargets, isns, fw, \
         slp).";
    31 ISCSI_ERR_CHILD_TERMINATED "child process terminated" =>
        "A helper process iscsiadm started for the work ended abnormally.";
    32 ISCSI_ERR_SESSION_NOT_CONNECTED "target likely not connected" =>
        "The session exists but its connection is down (recovering or failed), so the \
         request could not reach the target.";
    33 ISCSI_ERR_REQ_TIMEDOUT "iscsid request timed out" =>
        "iscsid did not answer iscsiadm in time; it may be busy with many sessions or stuck.";
}

/// Our explanation for a code iscsiadm's table does not have.
pub const UNKNOWN_EXPLANATION: &str = "Not an iscsiadm error code this build knows. Codes \
    above the known range may come from a newer open-iscsi; exit statuses above 128 usually \
    mean iscsiadm was killed by a signal.";

impl IscsiadmError {
    /// The prefix of most C names, stripped by short lookups; an unknown value prints as
    /// `99 ISCSI_ERR_???`.
    pub const PREFIX: &'static str = "ISCSI_ERR_";

    /// The table row for this code, if known.
    pub fn row(self) -> Option<&'static Row> {
        TABLE.get(usize::from(self.0)).filter(|r| r.code == self)
    }

    /// The C name, if known.
    pub fn name(self) -> Option<&'static str> {
        self.row().map(|r| r.name)
    }

    /// What iscsiadm prints for it, if known (empty for `ISCSI_SUCCESS`).
    pub fn text(self) -> Option<&'static str> {
        self.row().map(|r| r.text)
    }

    /// Our explanation (a generic one for an unknown code).
    pub fn explanation(self) -> &'static str {
        self.row().map_or(UNKNOWN_EXPLANATION, |r| r.explanation)
    }

    /// Finds a code by C name, ignoring case, with or without its `ISCSI_ERR_` prefix.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        TABLE
            .iter()
            .find(|r| {
                r.name.eq_ignore_ascii_case(name)
                    || super::parse::strip_prefix_ci(r.name, Self::PREFIX)
                        .is_some_and(|short| short.eq_ignore_ascii_case(name))
                    || super::parse::strip_prefix_ci(r.name, "ISCSI_")
                        .is_some_and(|short| short.eq_ignore_ascii_case(name))
            })
            .map(|r| r.code)
    }
}

impl From<u8> for IscsiadmError {
    fn from(v: u8) -> Self {
        Self(v)
    }
}

impl From<IscsiadmError> for u8 {
    fn from(v: IscsiadmError) -> Self {
        v.0
    }
}

/// `8 ISCSI_ERR_TRANS_TIMEOUT`; an unknown code prints as `99 ISCSI_ERR_???`.
impl core::fmt::Display for IscsiadmError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self.name() {
            Some(n) => write!(f, "{} {}", self.0, n),
            None => write!(f, "{} {}???", self.0, Self::PREFIX),
        }
    }
}
