//! Our words for the kernel's connection error codes (`enum iscsi_err`), the number in
//! `detected conn error (1022)` and in iscsid's `Kernel reported iSCSI connection ... error`.
//! Rows are keyed by the generated constants, never by a repeated number.

use crate::iscsi_if::IscsiErr;

/// Everything we can say about one kernel connection error code.
///
/// ```
/// use iscsi_tables::explain::kernel_error;
/// use iscsi_tables::iscsi_if::IscsiErr;
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

// A code the tables name but we have no words for: only tables generated at build time from
// a vendor's or a newer kernel's header (the `build-time-codegen` feature) have such codes.
macro_rules! named_doing {
    () => {
        "The kernel header this build was made from names this code, but we have no \
         explanation of our own for it: it is a vendor kernel's or a newer kernel's addition."
    };
}
macro_rules! named_causes {
    () => {
        "Whatever the driver that raises it means by it; the header's comment on it, if any, \
         is the best guide."
    };
}
macro_rules! named_check {
    () => {
        "Find where the running kernel's drivers raise it (search drivers/scsi for the C \
         name), and read the log lines just before it."
    };
}
const NAMED_EXPLANATION: &str = concat!(
    named_doing!(),
    " Usual causes: ",
    named_causes!(),
    " Next: ",
    named_check!()
);

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
const HDR_DIGEST: Option<&str> = Some("node.conn[0].iscsi.HeaderDigest");
const DATA_DIGEST: Option<&str> = Some("node.conn[0].iscsi.DataDigest");

static ROWS: &[Row] = &[
    row!(ISCSI_OK, "operation successful",
        doing: "Nothing failed: zero is the success answer to a request iscsid made.",
        causes: "It is not an error; it shows up in debug traces of the netlink exchange.",
        check: "Nothing to do.",
        setting: None),
    row!(ISCSI_ERR_DATASN, "Received invalid data sequence number from target",
        doing: "The initiator was collecting the Data-In PDUs of a read and one arrived with a \
            data sequence number it did not expect.",
        causes: "A target bug, or PDUs damaged in flight on a path without digests.",
        check: "Look for target firmware issues and consider enabling header and data digests.",
        setting: RECOVERY),
    // libiscsi_tcp.c (6.1): iscsi_tcp_data_in and iscsi_segment_seek_sg return it;
    // iscsi_tcp_r2t_rsp returns ISCSI_ERR_DATALEN for an R2T beyond the buffer.
    row!(ISCSI_ERR_DATA_OFFSET, "Seeking offset beyond the size of the iSCSI segment",
        doing: "The initiator was placing the data of a read: a Data-In PDU pointed past the end \
            of its command's buffer (the data_offset + data_len > total_length_in check, whose \
            line is debug-only), or the data could not be placed at the offset the PDU named. \
            An R2T asking for data beyond a write's buffer is ISCSI_ERR_DATALEN instead.",
        causes: "A target bug or a corrupted PDU header.",
        check: "Enable header digests to catch corruption, and check the target's software level.",
        setting: HDR_DIGEST),
    // Nothing raises 1003, 1004, 1009, 1013 or 1016 in the 6.1 initiators (catalog
    // kernel_err_strings.tsv: referenced in no 6.1 file; be2iscsi, bnx2i, cxgbi, qedi and
    // qla4xxx neither).
    row!(ISCSI_ERR_MAX_CMDSN, "Received invalid command sequence number from target",
        doing: "The target's command window (MaxCmdSN) made no sense relative to what was sent.",
        causes: "No in-tree initiator raises it on 6.1 (libiscsi, libiscsi_tcp, iscsi_tcp, iSER, \
            be2iscsi, bnx2i, cxgbi, qedi, qla4xxx); an out-of-tree or vendor driver may, for a target that \
            mismanages its command window.",
        check: "Find the driver that runs the session (iscsiadm -m session -P 1 names the \
            transport) and check it and the target's firmware.",
        setting: RECOVERY),
    row!(ISCSI_ERR_EXP_CMDSN, "Received invalid expected command sequence number from target",
        doing: "The target acknowledged a command sequence number that was never sent.",
        causes: "No in-tree initiator raises it on 6.1 (libiscsi, libiscsi_tcp, iscsi_tcp, iSER, \
            be2iscsi, bnx2i, cxgbi, qedi, qla4xxx); an out-of-tree or vendor driver may.",
        check: "Find the driver that runs the session (iscsiadm -m session -P 1 names the \
            transport) and check it and the target's firmware.",
        setting: RECOVERY),
    row!(ISCSI_ERR_BAD_OPCODE, "Received an invalid iSCSI opcode",
        doing: "A PDU arrived whose opcode the initiator does not handle in this phase.",
        causes: "A target bug, the byte stream losing its framing after undetected corruption, \
            or something that is not an iSCSI target answering on the portal.",
        check: "Capture the traffic, enable digests, and confirm the portal really is the target.",
        setting: HDR_DIGEST),
    row!(ISCSI_ERR_DATALEN, "Invalid data length value",
        doing: "A PDU announced a data segment longer than negotiated or inconsistent with its \
            command.",
        causes: "A target that ignores the negotiated MaxRecvDataSegmentLength, or a corrupted \
            header.",
        check: "Compare the negotiated segment lengths (iscsiadm -m session -P3) with the target's \
            settings.",
        setting: Some("node.conn[0].iscsi.MaxRecvDataSegmentLength")),
    row!(ISCSI_ERR_AHSLEN, "Received an invalid AHS length",
        doing: "A PDU carried an additional header segment whose length does not add up.",
        causes: "A target bug or a corrupted header.",
        check: "Enable header digests and check the target's software level.",
        setting: HDR_DIGEST),
    row!(ISCSI_ERR_PROTO, "iSCSI protocol violation",
        doing: "The initiator received a PDU that breaks the protocol's rules for the current \
            state: an unexpected response, impossible flags, a reply to the wrong request.",
        causes: "Target bugs and interoperability gaps; sometimes a Reject of a PDU the \
            initiator cannot do without.",
        check: "Read the kernel lines just before it, look for a Reject, and raise the libiscsi \
            debug parameters if it repeats.",
        setting: RECOVERY),
    row!(ISCSI_ERR_LUN, "LUN mismatch",
        doing: "A response named a logical unit other than the one the command went to.",
        causes: "No in-tree initiator raises it on 6.1 (libiscsi, libiscsi_tcp, iscsi_tcp, iSER, \
            be2iscsi, bnx2i, cxgbi, qedi, qla4xxx); an out-of-tree or vendor driver may.",
        check: "Check the target's LUN mapping and the driver that runs the session \
            (iscsiadm -m session -P 1 names the transport).",
        setting: RECOVERY),
    row!(ISCSI_ERR_BAD_ITT, "Received invalid initiator task tag from target",
        doing: "A response carried a task tag that matches no command the initiator has \
            outstanding.",
        causes: "A late answer for a task that was already aborted or completed, a target \
            bug, or corruption.",
        check: "Look for aborts or command timeouts just before it, and at the target's logs.",
        setting: RECOVERY),
    // 6.1: libiscsi.c iscsi_exec_task_mgmt_fn ("Could not send TMF."); iscsi_nop_out_rsp and
    // __iscsi_complete_pdu when iscsi_recv_pdu cannot hand a PDU to iscsid;
    // scsi_transport_iscsi.c iscsi_recv_pdu ("can not deliver control PDU: OOM"); iSER
    // (iser_initiator.c, iser_verbs.c: completion errors, RDMA CM disconnects) and the offload
    // drivers (bnx2i_recovery_que_add_conn, qla4xxx_mark_device_missing, ...). Before
    // v2.6.32 (no ISCSI_ERR_TCP_CONN_CLOSE yet) iscsi_tcp raised it for a closed socket.
    row!(ISCSI_ERR_CONN_FAILED, "iSCSI connection failed",
        doing: "The transport declared the connection unusable with its generic code. Which \
            failure that was depends on the driver and the kernel.",
        causes: "With iscsi_tcp (6.1): a task management request that could not be sent \
            (\"Could not send TMF.\" just before), or a PDU meant for iscsid that could not be \
            delivered to it over netlink (no memory, or iscsid not running; \"can not deliver \
            control PDU: OOM\" when memory ran out). With iSER and the offload drivers \
            (bnx2i, qla4xxx, cxgbi, be2iscsi, qedi): link, adapter and RDMA connection events. \
            On kernels before 2.6.32, which lack ISCSI_ERR_TCP_CONN_CLOSE, a TCP connection \
            closed by the target.",
        check: "Read the kernel lines just before it, check that iscsid is running, and look \
            at link and adapter messages at the same moment and at whether other sessions on \
            the same path failed too.",
        setting: RECOVERY),
    row!(ISCSI_ERR_R2TSN, "Received invalid R2T (Ready to Transfer) data sequence number from target",
        doing: "During a write, the target's Ready To Transfer requests arrived out of sequence.",
        causes: "A target bug or a damaged PDU.",
        check: "Check the target's software level and enable digests.",
        setting: RECOVERY),
    // Up to v2.6.26 libiscsi.c iscsi_verify_itt returned it for a response to a task of an
    // older session ("ctask's session age %d, expected %d").
    row!(ISCSI_ERR_SESSION_FAILED, "iSCSI session failed",
        doing: "A response belonged to a command of an earlier incarnation of the session, or a \
            driver declared the whole session failed rather than a single connection.",
        causes: "No in-tree initiator raises it on 6.1 (libiscsi, libiscsi_tcp, iscsi_tcp, iSER, \
            be2iscsi, bnx2i, cxgbi, qedi, qla4xxx). Up to 2.6.26 libiscsi raised it for a response whose task \
            carried the age of an earlier session (\"ctask's session age N, expected M\"); \
            an out-of-tree or vendor driver may still use it.",
        check: "On a current kernel, find the driver that runs the session (iscsiadm -m \
            session -P 1 names the transport) and check its messages and firmware.",
        setting: RECOVERY),
    row!(ISCSI_ERR_HDR_DGST, "Header digest mismatch",
        doing: "The CRC32C of a received PDU header did not match its header digest.",
        causes: "Data damaged on the path: a faulty NIC offload, cable, switch, or a middlebox \
            rewriting packets.",
        check: "Check interface error counters, try disabling NIC offloads, and test another path.",
        setting: HDR_DIGEST),
    row!(ISCSI_ERR_DATA_DGST, "Data digest mismatch",
        doing: "The CRC32C of a received data segment did not match its data digest.",
        causes: "Data damaged on the path, as for a header digest error, or a target computing \
            the digest wrongly.",
        check: "Check interface error counters and NIC offloads, and test another path.",
        setting: DATA_DIGEST),
    row!(ISCSI_ERR_PARAM_NOT_FOUND, "Parameter not found",
        doing: "A request named a parameter the driver does not handle.",
        causes: "No in-tree initiator raises it on 6.1 (libiscsi, libiscsi_tcp, iscsi_tcp, iSER, \
            be2iscsi, bnx2i, cxgbi, qedi, qla4xxx); an out-of-tree or vendor driver may return it for a setting it \
            does not support.",
        check: "Check that the open-iscsi tools and the driver support the setting.",
        setting: None),
    // 6.1: only iscsi_iser.c iscsi_iser_recv names it, to drop such a PDU. Up to v2.6.26
    // libiscsi.c iscsi_verify_itt returned it ("dropping ctask with itt 0x%x") and iscsi_tcp
    // and iSER dropped the PDU on it.
    row!(ISCSI_ERR_NO_SCSI_CMD, "Could not look up SCSI command",
        doing: "A response arrived for a command the initiator no longer has.",
        causes: "No 6.1 code raises it: iSER only tolerates it, dropping such a PDU instead of \
            failing the connection. Up to 2.6.26 libiscsi returned it when a response came for \
            a task that had already completed (\"dropping ctask with itt 0x...\"), and the \
            transports dropped the PDU.",
        check: "Look for aborts and command timeouts just before it; on a current kernel, find \
            the out-of-tree driver that raises it.",
        setting: RECOVERY),
    row!(ISCSI_ERR_INVALID_HOST, "iSCSI host is in an invalid state",
        doing: "An operation reached a SCSI host that is being removed or is not ready.",
        causes: "A logout, module unload or adapter reset racing with I/O or recovery.",
        check: "Look for a logout or host removal at the same time.",
        setting: None),
    row!(ISCSI_ERR_XMIT_FAILED, "Transmission of iSCSI packet failed",
        doing: "Sending a PDU on the connection's socket failed with a hard error.",
        causes: "The connection was reset or the route went away while data was being sent.",
        check: "Look at the network path and at the target dropping the connection.",
        setting: RECOVERY),
    row!(ISCSI_ERR_TCP_CONN_CLOSE, "TCP connection closed",
        doing: "The connection's socket changed to a closing state while the session was in use.",
        causes: "The target sent a FIN or a reset (restart, failover, port or portal down, an \
            idle or firewall timeout), or the local TCP stack gave up retransmitting.",
        check: "Read the target's logs at that time and check whether sessions to the same \
            portal dropped together.",
        setting: RECOVERY),
    // libiscsi.c (6.1): iscsi_eh_abort, iscsi_eh_device_reset and iscsi_eh_target_reset call
    // iscsi_conn_failure(conn, ISCSI_ERR_SCSI_EH_SESSION_RST) when their TMF times out
    // (iscsi_tmf_timedout); iscsi_eh_session_reset, run after a failed target reset
    // (iscsi_eh_recover_target), does too. abort_timeout: iscsid.conf 15 s (timeouts.tsv).
    row!(ISCSI_ERR_SCSI_EH_SESSION_RST, "Session was dropped as a result of SCSI error recovery",
        doing: "SCSI error handling sent a task management request and got no answer in time, \
            or its target reset failed, and libiscsi dropped the session. Any unanswered \
            request does it: one ABORT TASK for a timed-out command that stays unanswered for \
            abort_timeout (15 s with the iscsid.conf defaults) is enough, and so is an \
            unanswered LOGICAL UNIT RESET or TARGET WARM RESET, or the session reset that \
            follows a failed target reset.",
        causes: "The target stopped completing commands and answering task management: an \
            overloaded or stuck back end, a hung LUN, or a path that loses the requests.",
        check: "Check the target's back-end storage and the device timeout \
            (/sys/block/sdX/device/timeout); the abort and reset steps only show with libiscsi \
            debugging on.",
        setting: Some("node.session.err_timeo.abort_timeout, node.session.err_timeo.lu_reset_timeout, node.session.err_timeo.tgt_reset_timeout")),
    // open-iscsi up to 2.0.876: kern_err_code_to_string() had no case for it (catalog NOTES.md,
    // kernel_err_strings.tsv).
    row!(ISCSI_ERR_NOP_TIMEDOUT, "A NOP has timed out",
        doing: "Nothing had arrived on the connection for a while, so the kernel sent a NOP-Out \
            ping; no answer came back in time and the connection was declared dead (the \
            `ping timeout of N secs expired` line just before says so). iscsid up to 2.0.876 \
            has no words for this code and prints it as \"Invalid or unknown error code\".",
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
        None if code.name().is_some() => KernelError {
            code,
            name: code.name(),
            iscsid_text: UNKNOWN_TEXT,
            doing: named_doing!(),
            causes: named_causes!(),
            check: named_check!(),
            explanation: NAMED_EXPLANATION,
            setting: None,
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
