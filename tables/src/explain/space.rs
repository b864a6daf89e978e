//! The number spaces an administrator meets. Two spaces can hold the same integer with
//! unrelated meanings; a `Space` is what tells them apart. How each maps onto a generated
//! family or one of our own tables is in `family.rs`.

use crate::iscsi_if::FamilyKind;

/// One number space: what a bare integer in a log line could be an instance of.
///
/// The named variants are the spaces an administrator meets in logs; every other family of
/// the generated tables is reachable as [`Space::Other`], named by its Rust type name.
///
/// ```
/// use iscsi_tables::explain::Space;
/// assert_eq!(Space::ConnState.as_str(), "conn_state");
/// assert_eq!(Space::parse("state"), Some(Space::ConnState));
/// assert_eq!(Space::parse("ISCSIADM"), Some(Space::IscsiadmError));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Space {
    /// The kernel's `enum iscsi_err` (1000 + n): `detected conn error (1022)`.
    IscsiErr,
    /// `enum iscsi_conn_state`, as iscsid prints it in `state (3)`.
    ConnState,
    /// A login response status, class and detail: `login rejected: ... (02/03)`.
    LoginStatus,
    /// The class byte alone of a login response status.
    LoginClass,
    /// iscsiadm's own error codes (also its exit status): `initiator reported error (8 - ...)`.
    IscsiadmError,
    /// The SCSI host byte of a failed command: `FAILED Result: hostbyte=DID_TRANSPORT_DISRUPTED`.
    HostByte,
    /// The opcode of an iSCSI PDU.
    Opcode,
    /// The reason code of a Reject PDU.
    RejectReason,
    /// The function of a Task Management Function request.
    TmfFunction,
    /// The response code of a Task Management Function response.
    TmfResponse,
    /// The event code of an Asynchronous Message PDU.
    AsyncEvent,
    /// The reason code of a Logout request.
    LogoutReason,
    /// The response code of a Logout response.
    LogoutResponse,
    /// `enum iscsi_host_event_code`: link events an offload adapter reports.
    HostEvent,
    /// `enum iscsi_ping_status_code`: the result of an adapter-initiated ping.
    PingStatus,
    /// `enum iscsi_port_speed`: an offload adapter's port speed.
    PortSpeed,
    /// `enum iscsi_port_state`: an offload adapter's port state.
    PortState,
    /// `enum iscsi_uevent_e`: netlink message types between iscsid and the kernel.
    Uevent,
    /// Any other family of the generated tables, by its Rust type name (`IscsiParam`).
    Other(&'static str),
}

/// Every named space, in the order `--list` shows them.
pub const NAMED: &[Space] = &[
    Space::IscsiErr,
    Space::ConnState,
    Space::LoginStatus,
    Space::LoginClass,
    Space::IscsiadmError,
    Space::HostByte,
    Space::Opcode,
    Space::RejectReason,
    Space::TmfFunction,
    Space::TmfResponse,
    Space::AsyncEvent,
    Space::LogoutReason,
    Space::LogoutResponse,
    Space::HostEvent,
    Space::PingStatus,
    Space::PortSpeed,
    Space::PortState,
    Space::Uevent,
];

/// The ranking of spaces for a bare number of 1000 or more: the kernel's codes start at 1000.
pub(crate) const RANK_LARGE: &[Space] = &[Space::IscsiErr, Space::LoginStatus];

/// The ranking of spaces for a bare number below 1000: what an admin is most likely to have
/// copied from a log first (iscsiadm's exit status, iscsid's `state (N)`), protocol fields
/// after, adapter-only enums last.
pub(crate) const RANK_SMALL: &[Space] = &[
    Space::IscsiadmError,
    Space::ConnState,
    Space::IscsiErr,
    Space::LoginStatus,
    Space::Opcode,
    Space::RejectReason,
    Space::TmfResponse,
    Space::TmfFunction,
    Space::AsyncEvent,
    Space::LoginClass,
    Space::LogoutReason,
    Space::LogoutResponse,
    Space::HostEvent,
    Space::PingStatus,
    Space::PortSpeed,
    Space::PortState,
];

impl Space {
    /// The identifier used in `--json` output and accepted on the command line:
    /// `iscsi_err`, `conn_state`, `login_status`, `iscsiadm_error`, `opcode`, ...
    /// For [`Space::Other`], the family's Rust type name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Space::IscsiErr => "iscsi_err",
            Space::ConnState => "conn_state",
            Space::LoginStatus => "login_status",
            Space::LoginClass => "login_class",
            Space::IscsiadmError => "iscsiadm_error",
            Space::HostByte => "host_byte",
            Space::Opcode => "opcode",
            Space::RejectReason => "reject_reason",
            Space::TmfFunction => "tmf_function",
            Space::TmfResponse => "tmf_response",
            Space::AsyncEvent => "async_event",
            Space::LogoutReason => "logout_reason",
            Space::LogoutResponse => "logout_response",
            Space::HostEvent => "host_event",
            Space::PingStatus => "ping_status",
            Space::PortSpeed => "port_speed",
            Space::PortState => "port_state",
            Space::Uevent => "uevent",
            Space::Other(name) => name,
        }
    }

    /// Short aliases accepted by [`Space::parse`] besides [`Space::as_str`].
    pub const fn aliases(self) -> &'static [&'static str] {
        match self {
            Space::IscsiErr => &["err", "kernel", "conn_error"],
            Space::ConnState => &["state"],
            Space::LoginStatus => &["login"],
            Space::LoginClass => &["class", "status_class"],
            Space::IscsiadmError => &["iscsiadm", "exit"],
            Space::HostByte => &["hostbyte", "did"],
            Space::Opcode => &["op"],
            Space::RejectReason => &["reject"],
            Space::TmfFunction => &["tmf"],
            Space::TmfResponse => &["tmf_rsp"],
            Space::AsyncEvent => &["async"],
            Space::LogoutReason => &["logout"],
            Space::LogoutResponse => &["logout_rsp"],
            Space::HostEvent => &["host"],
            Space::PingStatus => &["ping"],
            Space::PortSpeed => &["speed"],
            Space::PortState => &["port"],
            Space::Uevent => &["event"],
            Space::Other(_) => &[],
        }
    }

    /// The Rust type name of the generated family behind this space, or `None` for
    /// [`Space::IscsiadmError`] and [`Space::HostByte`], which are our own tables
    /// (open-iscsi's `include/iscsi_err.h` is not a kernel header, and the SCSI host byte's
    /// `include/scsi/scsi_status.h` is not one the tables are generated from).
    pub const fn rust_name(self) -> Option<&'static str> {
        Some(match self {
            Space::IscsiErr => "IscsiErr",
            Space::ConnState => "IscsiConnState",
            Space::LoginStatus => "LoginStatus",
            Space::LoginClass => "LoginStatusClass",
            Space::IscsiadmError | Space::HostByte => return None,
            Space::Opcode => "IscsiOpcode",
            Space::RejectReason => "RejectReason",
            Space::TmfFunction => "TmFunc",
            Space::TmfResponse => "TmfResponse",
            Space::AsyncEvent => "AsyncEvent",
            Space::LogoutReason => "LogoutReason",
            Space::LogoutResponse => "LogoutResponse",
            Space::HostEvent => "IscsiHostEventCode",
            Space::PingStatus => "IscsiPingStatusCode",
            Space::PortSpeed => "IscsiPortSpeed",
            Space::PortState => "IscsiPortState",
            Space::Uevent => "IscsiUeventE",
            Space::Other(name) => name,
        })
    }

    /// Whether the generated tables (or our own, for iscsiadm and the host byte) have this
    /// space.
    pub fn exists(self) -> bool {
        matches!(self, Space::IscsiadmError | Space::HostByte) || self.family().is_some()
    }

    /// Whether values of this space are usually written in hexadecimal (opcodes, flags,
    /// login status bytes).
    pub fn hex(self) -> bool {
        matches!(
            self,
            Space::Opcode
                | Space::HostByte
                | Space::LoginStatus
                | Space::LoginClass
                | Space::RejectReason
                | Space::PortSpeed
        ) || matches!(self.kind(), FamilyKind::Flags)
    }

    /// What the `text` of a reading in this space is: the words of the program that prints it.
    pub const fn text_label(self) -> &'static str {
        match self {
            Space::IscsiErr => "iscsid prints",
            Space::ConnState => "iscsiadm -P3 shows",
            Space::LoginStatus => "iscsid logs",
            Space::IscsiadmError => "iscsiadm prints",
            _ => "header comment",
        }
    }
}

impl core::fmt::Display for Space {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Space {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
