//! The SCSI host byte: the `hostbyte=` of the kernel's
//! `sd H:C:T:L: [sdX] tag#N FAILED Result: hostbyte=DID_TRANSPORT_DISRUPTED driverbyte=...`
//! line, the report's list of host bytes per incident, and the `DID_*` values of
//! `enum scsi_host_status` (include/scsi/scsi_status.h; `#define`s in include/scsi/scsi.h on
//! older kernels).
//!
//! The kernel prints the name from `hostbyte_table[]` (drivers/scsi/constants.c,
//! `scsi_hostbyte_string()`, called by `scsi_print_result()` in scsi_logging.c) and falls
//! back to `hostbyte=0x%02x` for a value the table lacks: 6.1's table has no
//! `DID_TRANSPORT_MARGINAL`, so that one is printed as `hostbyte=0x14`.
//!
//! The header is not one the tables are generated from, so this table is written by hand
//! from the catalog (`scsi_hostbyte.tsv`); our explanations say what each value means on an
//! iSCSI disk, that is, where libiscsi (drivers/scsi/libiscsi.c) or the iSCSI transport class
//! (drivers/scsi/scsi_transport_iscsi.c) sets it, if they do.

/// A SCSI host byte, known or not.
///
/// ```
/// use iscsi_tables::explain::host_byte::HostByte;
/// let h = HostByte(0x0e);
/// assert_eq!(h, HostByte::DID_TRANSPORT_DISRUPTED);
/// assert_eq!(h.name(), Some("DID_TRANSPORT_DISRUPTED"));
/// assert_eq!(HostByte::from_name("transport_failfast"), Some(HostByte(0x0f)));
/// assert_eq!(HostByte(0x15).name(), None);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[repr(transparent)]
pub struct HostByte(pub u8);

/// One row of the host byte table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Row {
    /// The value.
    pub code: HostByte,
    /// The C name.
    pub name: &'static str,
    /// The header's comment on it (scsi_status.h, or scsi.h for the codes it no longer has).
    pub comment: &'static str,
    /// Our explanation of what it means on an iSCSI disk.
    pub explanation: &'static str,
    /// The iscsid.conf setting involved, where one applies.
    pub setting: Option<&'static str>,
}

/// The setting that decides between a retry after the relogin and a failed command.
const REPLACEMENT: Option<&str> = Some(super::kernel::REPLACEMENT_TIMEOUT);

macro_rules! table {
    ($( $code:literal $name:ident $comment:literal $setting:expr => $expl:literal ;)*) => {
        impl HostByte {
            $(
                #[doc = concat!("`", stringify!($name), "`: ", $comment)]
                pub const $name: Self = Self($code);
            )*
        }
        /// Every known host byte, in numeric order (0x00 to 0x14, one row each).
        pub static TABLE: &[Row] = &[
            $( Row { code: HostByte($code), name: stringify!($name), comment: $comment,
                     explanation: $expl, setting: $setting }, )*
        ];
    };
}

table! {
    // libiscsi.c iscsi_scsi_cmd_rsp(): a SCSI Response with iSCSI response "Command
    // Completed at Target" keeps DID_OK and carries the target's SCSI status and sense.
    0x00 DID_OK "NO error" None =>
        "No error at the transport level: the command reached the target and the target \
         answered it. If the command still failed, the target said why itself, in the SCSI \
         status and sense data printed around this line (driverbyte=DRIVER_SENSE on older \
         kernels, `Sense Key :` and `Add. Sense:` lines); the iSCSI connection is not the \
         problem.";
    // libiscsi.c iscsi_queuecommand(): ISCSI_STATE_TERMINATE, a freed session (default
    // case), and ISCSI_STATE_FAILED while system_state != SYSTEM_RUNNING (shutdown);
    // scsi_transport_iscsi.c iscsi_session_chkready(): any session state but LOGGED_IN,
    // FAILED and FREE.
    0x01 DID_NO_CONNECT "Couldn't connect before timeout period" None =>
        "The command could not be sent because the iSCSI session is gone or going away: \
         libiscsi fails I/O with it once the session is being terminated or has been freed \
         (a logout, iscsiadm -u, a deleted session), and during system shutdown when the \
         session has failed. Nothing retries it on this session; with dm-multipath the \
         path fails and I/O moves to another one. After a logout, `hostbyte=DID_NO_CONNECT` \
         I/O errors are expected.";
    // Parallel SCSI. Not set in libiscsi.c, iscsi_tcp.c or the iSER driver;
    // scsi_error.c scsi_decide_disposition() retries it (maybe_retry).
    0x02 DID_BUS_BUSY "BUS stayed busy through time out period" None =>
        "The SCSI bus stayed busy (parallel SCSI). iSCSI's drivers never set it; the SCSI \
         midlayer retries the command while its retries last.";
    // scsi_error.c: scmd_eh_abort_handler() and scsi_eh_flush_done_q() mark a timed-out
    // command that is not retried with DID_TIME_OUT.
    0x03 DID_TIME_OUT "TIMED OUT for other reason" None =>
        "The command timed out: its timer (/sys/block/sdX/device/timeout, 30 s by default) \
         expired and the SCSI error handler gave up on it. On iSCSI this is a target or \
         path too slow to complete the command rather than a broken connection; the error \
         handler's aborts and resets come first, and a session reset shows as \
         the connection error ISCSI_ERR_SCSI_EH_SESSION_RST.";
    // libiscsi.c iscsi_scsi_cmd_rsp(): "Got CHECK_CONDITION but invalid data buffer size"
    // (sense shorter than its length field), bidirectional under/overflow, and a residual
    // count larger than the buffer; iscsi_data_in_rsp() likewise for Data-In residuals.
    0x04 DID_BAD_TARGET "BAD target." None =>
        "The target's answer to the command was malformed: libiscsi uses it when a SCSI \
         Response carries sense data of an impossible length (logged as `Got \
         CHECK_CONDITION but invalid data buffer size`) or a residual count larger than \
         the command's buffer. That is a target problem, or data corrupted on the way \
         without digests to catch it; take the lines around it to the array's vendor.";
    // libiscsi.c iscsi_eh_abort(): a task the abort TMF succeeded for is failed with
    // DID_ABORT; iscsi_queuecommand(): a command whose PDU could not be prepared.
    0x05 DID_ABORT "Told to abort for some other reason" None =>
        "The command was aborted: the SCSI error handler asked libiscsi to abort it, \
         usually because it timed out, and the target confirmed the abort (a Task \
         Management Function), or libiscsi could not build the command's PDU. Repeated \
         aborts mean the target is not completing commands within the disk's timeout.";
    // Parallel SCSI. Digest errors on iSCSI are connection errors (iscsi_tcp.c), not this.
    0x06 DID_PARITY "Parity error" None =>
        "A parity error on a parallel SCSI bus. iSCSI's drivers never set it: corruption \
         on an iSCSI connection is caught by header and data digests and reported as a \
         connection error instead.";
    // libiscsi.c iscsi_scsi_cmd_rsp(): rhdr->response != ISCSI_STATUS_CMD_COMPLETED;
    // iscsi_eh_device_reset() and iscsi_eh_target_reset(): fail_scsi_tasks(..., DID_ERROR).
    0x07 DID_ERROR "Internal error" None =>
        "A driver-level error. From libiscsi it means either that the target answered the \
         command with an iSCSI response other than `Command Completed at Target` (the \
         target failed it below the SCSI level), or that the command was still \
         outstanding when a LUN reset or target reset completed and was failed back. The \
         midlayer retries it while the command's retries last.";
    // Set by drivers of other transports on bus or device resets; libiscsi's resets use
    // DID_ERROR (iscsi_eh_device_reset(), iscsi_eh_target_reset()).
    0x08 DID_RESET "Reset by somebody." None =>
        "A reset cut the command short (a bus or device reset, in the words of parallel \
         SCSI and SAS drivers). libiscsi does not use it: commands failed by an iSCSI LUN \
         or target reset carry DID_ERROR.";
    // Old parallel SCSI adapters only.
    0x09 DID_BAD_INTR "Got an interrupt we weren't expecting." None =>
        "An unexpected interrupt from an old parallel SCSI adapter. Never set for iSCSI.";
    // scsi_error.c scsi_decide_disposition(): returned to the caller as is, no retry.
    0x0a DID_PASSTHROUGH "Force command past mid-layer" None =>
        "The error is handed to the caller as it is, without retries or error handling by \
         the midlayer. iSCSI's drivers do not set it.";
    // scsi_error.c scsi_decide_disposition(): counted retry. Not set by libiscsi.
    0x0b DID_SOFT_ERROR "The low level driver just wish a retry" None =>
        "The driver asks the midlayer to retry the command, counting the retry. iSCSI's \
         drivers do not set it.";
    // libiscsi.c iscsi_queuecommand(): ISCSI_STATE_FAILED, ISCSI_STATE_IN_RECOVERY and
    // ISCSI_STATE_LOGGING_OUT; scsi_transport_iscsi.c iscsi_session_chkready():
    // ISCSI_SESSION_FAILED.
    0x0c DID_IMM_RETRY "Retry without decrementing retry count" None =>
        "Retry at once without counting a retry. libiscsi answers new commands with it \
         while the session is failed, recovering or logging out, so that they wait for the \
         relogin instead of failing; it is normal during a connection recovery. In a \
         FAILED Result line it means the command ran out of total time (`timing out \
         command, waited N s`) while the session was down.";
    // libiscsi.c iscsi_queuecommand(): the connection's transmit path is suspended
    // (ISCSI_CONN_FLAG_SUSPEND_TX, formerly ISCSI_SUSPEND_BIT) for recovery.
    0x0d DID_REQUEUE "Requeue command (no immediate retry) also without decrementing the retry count" None =>
        "Put the command back on the queue without counting a retry. libiscsi uses it for \
         commands that arrive while the connection's transmit side is suspended for \
         recovery; they are sent after the relogin.";
    // libiscsi.c iscsi_start_session_recovery() (iscsi_conn_failure() -> iscsid ->
    // stop_conn STOP_CONN_RECOVER): fail_scsi_tasks(conn, -1, DID_TRANSPORT_DISRUPTED);
    // scsi_error.c scsi_decide_disposition(): maybe_retry.
    0x0e DID_TRANSPORT_DISRUPTED "Transport error disrupted execution and the driver blocked the port to recover the link. Transport class will retry or fail IO" REPLACEMENT =>
        "The connection failed while the command was outstanding. When a connection error \
         (a NOP timeout, the target closing TCP, ...) starts session recovery, libiscsi \
         fails every outstanding command back with this, and the midlayer holds them while \
         the session's devices are blocked: they are retried after the relogin if it comes \
         within the replacement timeout. A `FAILED Result: hostbyte=DID_TRANSPORT_DISRUPTED` \
         line means a command ran out of retries or total time during the outage.";
    // libiscsi.c iscsi_queuecommand(): ISCSI_STATE_RECOVERY_FAILED;
    // scsi_transport_iscsi.c iscsi_session_chkready(): ISCSI_SESSION_FREE, after
    // session_recovery_timedout(); scsi_lib.c scsi_result_to_blk_status(): BLK_STS_TRANSPORT,
    // "recoverable transport" in blk-core.c's blk_errors[].
    0x0f DID_TRANSPORT_FAILFAST "Transport class fastfailed the io" REPLACEMENT =>
        "The transport gave up waiting: session recovery timed out (`session recovery \
         timed out after N secs`) and I/O is failed instead of held for the relogin. \
         libiscsi and the iSCSI transport class fail queued and new commands with it from \
         then on, until the session logs in again. The block layer reports it as a \
         `recoverable transport` error; dm-multipath fails the path, and without \
         multipath the file system sees I/O errors. With multipath, multipathd sets the \
         timeout to its fast_io_fail_tmo (5 s by default).";
    // include/scsi/scsi.h before commit 68a3a9102a68 ("scsi: core: Remove useless host
    // error codes"); scsi_result_to_blk_status(): BLK_STS_TARGET, "critical target".
    0x10 DID_TARGET_FAILURE "Permanent target failure, do not retry on other paths" None =>
        "A permanent target failure that another path cannot fix (older kernels; current \
         ones leave 0x10 to 0x13 unused). The block layer reported it as a `critical \
         target` error and dm-multipath did not fail the path for it. iSCSI's drivers \
         never set it; the SCSI midlayer did, from the target's sense data.";
    // As above; BLK_STS_NEXUS, "critical nexus"; set by the midlayer for a reservation
    // conflict.
    0x11 DID_NEXUS_FAILURE "Permanent nexus failure, retry on other paths might yield different results" None =>
        "A failure of this initiator-target connection (nexus) only, such as a \
         reservation conflict, that another path might not have (older kernels). The block \
         layer reported it as a `critical nexus` error.";
    // As above; BLK_STS_NOSPC, "critical space allocation".
    0x12 DID_ALLOC_FAILURE "Space allocation on the device failed" None =>
        "The LUN could not allocate space for a write (older kernels): on an iSCSI array \
         this is a thin-provisioned LUN whose pool is full. The block layer reported it as \
         a `critical space allocation` error; free or add space on the array.";
    // As above; BLK_STS_MEDIUM, "critical medium".
    0x13 DID_MEDIUM_ERROR "Medium error" None =>
        "The target reported an unrecoverable media error (older kernels). The block layer \
         reported it as a `critical medium` error; it is not a path problem, and retrying \
         on another path does not help.";
    // include/scsi/scsi_status.h; set by the FC transport (scsi_transport_fc.c) for
    // marginal paths; missing from 6.1's hostbyte_table[] (printed as 0x14).
    0x14 DID_TRANSPORT_MARGINAL "Transport marginal errors" None =>
        "A Fibre Channel path marked marginal: the command is retried on another path. \
         iSCSI's drivers never set it. Kernels whose name table lacks it (6.1 among them) \
         print it as `hostbyte=0x14`.";
}

/// Our explanation for a host byte the table does not have.
pub const UNKNOWN_EXPLANATION: &str = "Not a host byte this build knows: the values end at \
    0x14 (DID_TRANSPORT_MARGINAL). A larger number may come from a newer kernel or an \
    out-of-tree driver.";

impl HostByte {
    /// The prefix of every C name, stripped by short lookups; an unknown value prints as
    /// `0x15 DID_???`.
    pub const PREFIX: &'static str = "DID_";

    /// The table row for this value, if known.
    pub fn row(self) -> Option<&'static Row> {
        TABLE.get(usize::from(self.0)).filter(|r| r.code == self)
    }

    /// The C name, if known.
    pub fn name(self) -> Option<&'static str> {
        self.row().map(|r| r.name)
    }

    /// Our explanation (a generic one for an unknown value).
    pub fn explanation(self) -> &'static str {
        self.row().map_or(UNKNOWN_EXPLANATION, |r| r.explanation)
    }

    /// Finds a value by C name, ignoring case, with or without its `DID_` prefix.
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        TABLE
            .iter()
            .find(|r| {
                r.name.eq_ignore_ascii_case(name)
                    || super::parse::strip_prefix_ci(r.name, Self::PREFIX)
                        .is_some_and(|short| short.eq_ignore_ascii_case(name))
            })
            .map(|r| r.code)
    }

    /// Reads the host byte as the kernel prints it after `hostbyte=`: a name
    /// (`DID_TRANSPORT_DISRUPTED`) or, for a value its table lacks, `0x14`.
    ///
    /// ```
    /// use iscsi_tables::explain::host_byte::HostByte;
    /// assert_eq!(HostByte::parse("DID_NO_CONNECT"), Some(HostByte(1)));
    /// assert_eq!(HostByte::parse("0x14"), Some(HostByte::DID_TRANSPORT_MARGINAL));
    /// assert_eq!(HostByte::parse("0x100"), None);
    /// ```
    pub fn parse(printed: &str) -> Option<Self> {
        match super::parse_number(printed) {
            Some(v) => u8::try_from(v).ok().map(Self),
            None => Self::from_name(printed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HostByte, TABLE};

    #[test]
    fn one_row_per_value_in_order() {
        for (i, r) in TABLE.iter().enumerate() {
            assert_eq!(usize::from(r.code.0), i, "{}", r.name);
            assert!(r.name.starts_with(HostByte::PREFIX));
            assert!(!r.comment.is_empty() && !r.explanation.is_empty());
        }
        assert_eq!(TABLE.len(), 0x15);
    }
}
