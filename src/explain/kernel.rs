//! Our words for the kernel's connection error codes (`enum iscsi_err`), the number in
//! `detected conn error (1022)` and in iscsid's `Kernel reported iSCSI connection ... error`.
//! Rows are keyed by the generated constants, never by a repeated number.

use crate::tables::iscsi_if::IscsiErr;

/// Everything we can say about one kernel connection error code.
///
/// ```
/// use iscsi_decode::explain::kernel_error;
/// use iscsi_decode::tables::iscsi_if::IscsiErr;
/// let e = kernel_error(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT);
/// assert_eq!(e.name, Some("ISCSI_ERR_NOP_TIMEDOUT"));
/// assert_eq!(e.iscsid_text, "A NOP has timed out");
/// assert!(e.setting.unwrap().contains("noop_out_timeout"));
/// // Unknown codes keep their number and still get an answer.
/// let u = kernel_error(IscsiErr::new(1099));
/// assert_eq!(u.name, None);
/// assert_eq!(u.iscsid_text, "Invalid or unknown error code");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KernelError {
    /// The code, known or not.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_code"))]
    pub code: IscsiErr,
    /// The C name, when the code is known.
    pub name: Option<&'static str>,
    /// What iscsid prints after the C name in `(1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has
    /// timed out)`; for an unknown code, iscsid's fallback text.
    pub iscsid_text: &'static str,
    /// What the kernel was doing when it raised the code.
    pub doing: &'static str,
    /// The usual causes.
    pub causes: &'static str,
    /// What to look at next.
    pub check: &'static str,
    /// The three parts above as one paragraph.
    pub explanation: &'static str,
    /// The iscsid.conf setting(s) involved, if any.
    pub setting: Option<&'static str>,
}

#[cfg(feature = "serde")]
fn ser_code<S: serde::Serializer>(c: &IscsiErr, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u32(c.0)
}

/// What iscsid prints for a code it has no case for.
pub const UNKNOWN_TEXT: &str = "Invalid or unknown error code";

macro_rules! unknown_doing {
    () => {
        "The code is outside the kernel's list of connection errors as this build knows it."
    };
}
macro_rules! unknown_causes {
    () => {
        "A newer kernel or an out-of-tree offload driver may use codes this table does not \
         have yet; a number far from the others is more likely a misread field of the log line."
    };
}
macro_rules! unknown_check {
    () => {
        "Compare with include/scsi/iscsi_if.h of the running kernel, and read the lines just \
         before it for the real cause."
    };
}
const UNKNOWN_DOING: &str = unknown_doing!();
const UNKNOWN_EXPLANATION: &str = concat!(
    unknown_doing!(),
    " Usual causes: ",
    unknown_causes!(),
    " Next: ",
    unknown_check!()
);
const UNKNOWN_CAUSES: &str = unknown_causes!();
const UNKNOWN_CHECK: &str = unknown_check!();

/// The iscsid.conf setting that decides how long I/O waits for a failed session to come back.
pub const REPLACEMENT_TIMEOUT: &str = "node.session.timeo.replacement_timeout";

struct Row {
    code: IscsiErr,
    text: &'static str,
    doing: &'static str,
    causes: &'static str,
    check: &'static str,
    explanation: &'static str,
    setting: Option<&'static str>,
}

macro_rules! row {
    ($code:ident, $text:literal, doing: $d:literal, causes: $c:literal, check: $k:literal,
     setting: $s:expr $(,)?) => {
        Row {
            code: IscsiErr::$code,
            text: $text,
            doing: $d,
            causes: $c,
            check: $k,
            explanation: concat!($d, " Usual causes: ", $c, " Next: ", $k),
            setting: $s,
        }
    };
}

/// After a connection error the session is blocked; this is how long it may stay blocked.
const RECOVERY: Option<&str> = Some(REPLACEMENT_TIMEOUT);
#[allow(dead_code)] // rows using it land with the full tables
const HDR_DIGEST: Option<&str> = Some("node.conn[0].iscsi.HeaderDigest");
#[allow(dead_code)] // rows using it land with the full tables
const DATA_DIGEST: Option<&str> = Some("node.conn[0].iscsi.DataDigest");

static ROWS: &[Row] = &[
    row!(ISCSI_OK, "operation successful",
        doing: "Nothing failed: zero is the success answer to a request iscsid made.",
        causes: "It is not an error; it shows up in debug traces of the netlink exchange.",
        check: "Nothing to do.",
        setting: None),
    row!(ISCSI_ERR_CONN_FAILED, "iSCSI connection failed",
        doing: "The transport reported that the connection is no longer usable; the generic \
            code used by the transport class, iSER and several drivers.",
        causes: "A network or adapter failure, an RDMA connection event, or the connection \
            being stopped for recovery.",
        check: "Look at link and adapter messages at the same moment and at whether other \
            sessions on the same path failed too.",
        setting: RECOVERY),
    row!(ISCSI_ERR_TCP_CONN_CLOSE, "TCP connection closed",
        doing: "The connection's socket changed to a closing state while the session was in use.",
        causes: "The target sent a FIN or a reset (restart, failover, port or portal down, an \
            idle or firewall timeout), or the local TCP stack gave up retransmitting.",
        check: "Read the target's logs at that time and check whether sessions to the same \
            portal dropped together.",
        setting: RECOVERY),
    row!(ISCSI_ERR_NOP_TIMEDOUT, "A NOP has timed out",
        doing: "Nothing had arrived on the connection for a while, so the kernel sent a NOP-Out \
            ping; no answer came back in time and the connection was declared dead (the \
            `ping timeout of N secs expired` line just before says so).",
        causes: "Loss of the network path, a target too busy or hung to answer, or a stalled \
            initiator (a paused VM or a soft lockup, when the gap between last rx and now is \
            far longer than the two timeouts together).",
        check: "Compare last rx and now in the ping timeout line, check link state on both \
            ends, and see whether the session came back. If it did not, \
            node.session.timeo.replacement_timeout decided when I/O began to fail.",
        setting: Some("node.conn[0].timeo.noop_out_interval, node.conn[0].timeo.noop_out_timeout")),
];

fn row(code: IscsiErr) -> Option<&'static Row> {
    ROWS.iter().find(|r| r.code == code)
}

/// Explains a kernel connection error code; an unknown code gets iscsid's fallback text and
/// a generic explanation, and keeps its number.
pub fn kernel_error(code: IscsiErr) -> KernelError {
    match row(code) {
        Some(r) => KernelError {
            code,
            name: code.name(),
            iscsid_text: r.text,
            doing: r.doing,
            causes: r.causes,
            check: r.check,
            explanation: r.explanation,
            setting: r.setting,
        },
        None => KernelError {
            code,
            name: code.name(),
            iscsid_text: UNKNOWN_TEXT,
            doing: UNKNOWN_DOING,
            causes: UNKNOWN_CAUSES,
            check: UNKNOWN_CHECK,
            explanation: UNKNOWN_EXPLANATION,
            setting: None,
        },
    }
}

/// Whether we have our own explanation for this code (every generated value should).
pub fn has_explanation(code: IscsiErr) -> bool {
    row(code).is_some()
}
