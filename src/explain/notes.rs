//! Our words for the smaller spaces (PDU opcodes, reject reasons, task management, async
//! events, adapter events) and a sentence per generated family, for every value that has
//! no text of its own. Keyed by the generated constants, like everything else here.

use super::Space;
use super::iscsiadm::IscsiadmError;
/// Our explanation of one value in one of the smaller named spaces, if we wrote one.
pub(crate) fn note(space: Space, value: i128) -> Option<&'static str> {
    // Notes for opcodes, reject reasons, task management, async and adapter events are
    // keyed by generated constants that land with the emitter's full tables.
    let _ = (space, value);
    None
}

/// The iscsid.conf setting most relevant to an iscsiadm error, where one is.
pub(crate) fn iscsiadm_setting(e: Option<IscsiadmError>) -> Option<&'static str> {
    match e? {
        IscsiadmError::ISCSI_ERR_TRANS_TIMEOUT | IscsiadmError::ISCSI_ERR_PDU_TIMEOUT => {
            Some("node.conn[0].timeo.login_timeout")
        }
        IscsiadmError::ISCSI_ERR_LOGIN => {
            Some("node.session.initial_login_retry_max, node.conn[0].timeo.login_timeout")
        }
        IscsiadmError::ISCSI_ERR_LOGIN_AUTH_FAILED => Some(
            "node.session.auth.authmethod, node.session.auth.username, node.session.auth.password",
        ),
        _ => None,
    }
}

/// One sentence per family, for values that have no note of their own: what the number is
/// and where an administrator meets it. Falls back to the header's comment, then the C name.
pub(crate) fn family_description(space: Space) -> &'static str {
    let described = match space {
        Space::Opcode => "An iSCSI PDU opcode.",
        Space::LoginClass => "The class byte of a login response status.",
        Space::RejectReason => "A reason code in a Reject PDU.",
        Space::TmfFunction => "A task management function.",
        Space::TmfResponse => "A task management response code.",
        Space::AsyncEvent => "An asynchronous message event code.",
        Space::LogoutReason => "A logout reason code.",
        Space::LogoutResponse => "A logout response code.",
        Space::HostEvent => "A link event reported by an offload adapter.",
        Space::PingStatus => "The result of a ping sent by an offload adapter.",
        Space::PortSpeed => "An offload adapter's port speed.",
        Space::PortState => "An offload adapter's port state.",
        Space::Uevent => {
            "A netlink message type between iscsid and the kernel: requests \
            iscsid sends down, events the kernel sends up. Seen in iscsid debug output."
        }
        Space::Other(name) => match name {
            "IscsiTgtDscvr" => "A discovery method an offload adapter can run itself.",
            "IscsiParamType" => "Which kind of parameter a netlink request sets.",
            "IscsiNetParam" => {
                "A network parameter of an offload adapter's interface \
                (iscsiadm -m iface)."
            }
            "IscsiIpaddressState" => "The state of an offload adapter's IP address.",
            "IscsiRouterState" => "The state of an offload adapter's IPv6 router.",
            "IscsiIfaceParam" => "An iSCSI parameter of an offload adapter's interface.",
            "IscsiParam" => {
                "A session or connection parameter iscsid passes to the kernel \
                (negotiated values, timeouts, names), as in /sys/class/iscsi_session and \
                /sys/class/iscsi_connection."
            }
            "IscsiHostParam" => "A host (adapter) parameter, as in /sys/class/iscsi_host.",
            "IscsiFlashnodeParam" => {
                "A parameter of a flash node: a target record stored in \
                an offload adapter's flash."
            }
            "IscsiDiscoveryParentType" => "What kind of discovery produced a flash node.",
            "ChapTypeE" => "Whether a CHAP entry is one-way or mutual (bidirectional).",
            "IscsiChapParam" => "A field of a CHAP entry stored on an offload adapter.",
            _ => "",
        },
        _ => "",
    };
    if !described.is_empty() {
        return described;
    }
    match space.family() {
        Some(f) if !f.doc().is_empty() => f.doc(),
        Some(f) => f.c_name(),
        None => "A value of a family this build does not describe.",
    }
}
