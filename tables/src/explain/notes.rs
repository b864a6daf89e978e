//! Our words for the smaller spaces (PDU opcodes, reject reasons, task management, async
//! events, adapter events) and a sentence per generated family, for every value that has
//! no text of its own. Keyed by the generated constants, like everything else here.

use super::Space;
use super::iscsiadm::IscsiadmError;
use crate::iscsi_if::{IscsiHostEventCode, IscsiPingStatusCode, IscsiPortSpeed, IscsiPortState};
use crate::iscsi_proto::{
    AsyncEvent, IscsiOpcode, LoginStatusClass, LogoutReason, LogoutResponse, RejectReason, TmFunc,
    TmfResponse,
};

/// Our explanation of one value in one of the smaller named spaces, if we wrote one.
pub(crate) fn note(space: Space, value: i128) -> Option<&'static str> {
    let byte = u8::try_from(value).ok();
    let word = u32::try_from(value).ok();
    match space {
        Space::Opcode => opcode(IscsiOpcode(byte?)),
        Space::RejectReason => reject(RejectReason(byte?)),
        Space::TmfFunction => tmf_function(TmFunc(byte?)),
        Space::TmfResponse => tmf_response(TmfResponse(byte?)),
        Space::AsyncEvent => async_event(AsyncEvent(byte?)),
        Space::LoginClass => login_class(LoginStatusClass(byte?)),
        Space::LogoutReason => logout_reason(LogoutReason(byte?)),
        Space::LogoutResponse => logout_response(LogoutResponse(byte?)),
        Space::HostEvent => host_event(IscsiHostEventCode(word?)),
        Space::PingStatus => ping_status(IscsiPingStatusCode(word?)),
        Space::PortSpeed => port_speed(IscsiPortSpeed(word?)),
        Space::PortState => port_state(IscsiPortState(word?)),
        _ => None,
    }
}

/// The iscsid.conf setting most relevant to an iscsiadm error, where one is.
pub(crate) fn iscsiadm_setting(e: Option<IscsiadmError>) -> Option<&'static str> {
    match e? {
        IscsiadmError::ISCSI_ERR_PDU_TIMEOUT => Some("node.conn[0].timeo.login_timeout"),
        // Both end once initial_login_retry_max × login_timeout has passed (usr/initiator.c,
        // iscsi_retry_initial_login).
        IscsiadmError::ISCSI_ERR_LOGIN | IscsiadmError::ISCSI_ERR_TRANS_TIMEOUT => {
            Some("node.session.initial_login_retry_max, node.conn[0].timeo.login_timeout")
        }
        IscsiadmError::ISCSI_ERR_LOGIN_AUTH_FAILED => Some(
            "node.session.auth.authmethod, node.session.auth.username, node.session.auth.password",
        ),
        _ => None,
    }
}

fn opcode(o: IscsiOpcode) -> Option<&'static str> {
    Some(match o {
        IscsiOpcode::ISCSI_OP_NOOP_OUT => {
            "NOP-Out, initiator to target: a ping. The kernel sends one when the connection \
             has been quiet for node.conn[0].timeo.noop_out_interval seconds, and also \
             answers the target's own pings with it."
        }
        IscsiOpcode::ISCSI_OP_SCSI_CMD => {
            "SCSI Command, initiator to target: a read, write \
            or other SCSI command for a logical unit."
        }
        IscsiOpcode::ISCSI_OP_SCSI_TMFUNC => {
            "Task Management Function request, initiator to \
            target: abort a task, reset a logical unit or the target; sent by SCSI error \
            handling after a command timed out."
        }
        IscsiOpcode::ISCSI_OP_LOGIN => {
            "Login Request, initiator to target: opens a \
            connection, carrying authentication and negotiation keys."
        }
        IscsiOpcode::ISCSI_OP_TEXT => {
            "Text Request, initiator to target: key=value \
            exchange after login, used by SendTargets discovery."
        }
        IscsiOpcode::ISCSI_OP_SCSI_DATA_OUT => {
            "SCSI Data-Out, initiator to target: the data \
            of a write."
        }
        IscsiOpcode::ISCSI_OP_LOGOUT => {
            "Logout Request, initiator to target: closes a \
            connection or the whole session."
        }
        // libiscsi and iscsid build no SNACK: the kernel's initiator recovers by reconnecting.
        IscsiOpcode::ISCSI_OP_SNACK => {
            "SNACK Request, initiator to target: asks the target \
            to resend data or status that went missing. The Linux initiator never sends it: \
            it recovers from lost PDUs by dropping the connection and logging in again."
        }
        // RFC 7143 section 11.2.1.2: vendor-specific initiator opcodes are 0x1c-0x1e.
        IscsiOpcode::ISCSI_OP_VENDOR1_CMD
        | IscsiOpcode::ISCSI_OP_VENDOR2_CMD
        | IscsiOpcode::ISCSI_OP_VENDOR3_CMD => {
            "A vendor-specific initiator opcode; the \
            protocol leaves its meaning to the vendor."
        }
        IscsiOpcode::ISCSI_OP_VENDOR4_CMD => {
            "Reserved: the protocol's vendor-specific \
            initiator opcodes are 0x1c to 0x1e (RFC 7143), though the kernel header names this \
            one as a fourth vendor opcode. Nothing should send it."
        }
        IscsiOpcode::ISCSI_OP_NOOP_IN => {
            "NOP-In, target to initiator: the answer to a ping \
            or the target's own ping. A missing answer ends in ISCSI_ERR_NOP_TIMEDOUT."
        }
        IscsiOpcode::ISCSI_OP_SCSI_CMD_RSP => {
            "SCSI Response, target to initiator: the status \
            (and sense data) that completes a command."
        }
        IscsiOpcode::ISCSI_OP_SCSI_TMFUNC_RSP => {
            "Task Management Function response, target \
            to initiator: the outcome of an abort or reset (see the tmf_response space)."
        }
        IscsiOpcode::ISCSI_OP_LOGIN_RSP => {
            "Login Response, target to initiator: carries the \
            login status class and detail (see the login_status space)."
        }
        IscsiOpcode::ISCSI_OP_TEXT_RSP => {
            "Text Response, target to initiator: the answer to \
            a Text Request, such as a SendTargets list."
        }
        IscsiOpcode::ISCSI_OP_SCSI_DATA_IN => {
            "SCSI Data-In, target to initiator: the data of \
            a read, sometimes with the final status."
        }
        IscsiOpcode::ISCSI_OP_LOGOUT_RSP => {
            "Logout Response, target to initiator: the \
            outcome of a logout (see the logout_response space)."
        }
        IscsiOpcode::ISCSI_OP_R2T => {
            "Ready To Transfer, target to initiator: asks for the \
            next part of a write's data."
        }
        IscsiOpcode::ISCSI_OP_ASYNC_EVENT => {
            "Asynchronous Message, target to initiator: an \
            unsolicited event such as a request to log out or a dropped connection (see the \
            async_event space)."
        }
        IscsiOpcode::ISCSI_OP_REJECT => {
            "Reject, target to initiator: the target refused a \
            PDU and says why (see the reject_reason space)."
        }
        _ => return None,
    })
}

/// Reasons as RFC 7143 section 11.17.1 defines them; the kernel's names (RFC 3720 drafts)
/// differ for 0x01 and 0x08 to 0x0b.
fn reject(r: RejectReason) -> Option<&'static str> {
    Some(match r {
        RejectReason::ISCSI_REASON_CMD_BEFORE_LOGIN => {
            "Reserved: RFC 3720 and RFC 7143 define no \
            reason 0x01. The kernel's name comes from an early draft of the protocol (a command \
            sent before the login finished); a target should not send it."
        }
        RejectReason::ISCSI_REASON_DATA_DIGEST_ERROR => {
            "The PDU's data digest did not match; \
            the data was damaged on the way to the target."
        }
        RejectReason::ISCSI_REASON_DATA_SNACK_REJECT => {
            "SNACK reject: the target cannot honour a \
            request to resend data."
        }
        RejectReason::ISCSI_REASON_PROTOCOL_ERROR => {
            "The PDU broke the protocol's rules as \
            the target sees them; often an interoperability problem."
        }
        RejectReason::ISCSI_REASON_CMD_NOT_SUPPORTED => {
            "The target does not support this \
            command or opcode."
        }
        RejectReason::ISCSI_REASON_IMM_CMD_REJECT => {
            "The target has no room for another \
            immediate command right now."
        }
        RejectReason::ISCSI_REASON_TASK_IN_PROGRESS => {
            "A task with the same tag is still in \
            progress at the target."
        }
        RejectReason::ISCSI_REASON_INVALID_SNACK => {
            "Invalid data ack: a DataACK SNACK \
            acknowledged data the target cannot match (the kernel's name, INVALID_SNACK, is an \
            older one). The Linux initiator sends no SNACKs."
        }
        RejectReason::ISCSI_REASON_BOOKMARK_INVALID => {
            "Invalid PDU field: a field of the PDU \
            (a tag, a sequence number, a length) holds a value the target does not accept. \
            The kernel's name, BOOKMARK_INVALID, is historical."
        }
        RejectReason::ISCSI_REASON_BOOKMARK_NO_RESOURCES => {
            "Long operation reject: the target \
            cannot generate a Target Transfer Tag for the command because it is out of \
            resources; the same command may succeed later."
        }
        RejectReason::ISCSI_REASON_NEGOTIATION_RESET => {
            "Deprecated: RFC 7143 says targets must \
            not use it (RFC 3720 had it as Negotiation Reset, a text negotiation the target \
            abandoned)."
        }
        _ => return None,
    })
}

fn tmf_function(t: TmFunc) -> Option<&'static str> {
    Some(match t {
        // libiscsi.c (6.1) iscsi_eh_abort, iscsi_eh_device_reset, iscsi_eh_target_reset: a
        // request left unanswered drops the session (ISCSI_ERR_SCSI_EH_SESSION_RST).
        TmFunc::ISCSI_TM_FUNC_ABORT_TASK => {
            "Abort one command: the first step of SCSI \
            error handling after a command timed out. If the target does not answer within \
            node.session.err_timeo.abort_timeout, the session is dropped \
            (ISCSI_ERR_SCSI_EH_SESSION_RST)."
        }
        TmFunc::ISCSI_TM_FUNC_ABORT_TASK_SET => {
            "Abort every command the initiator has \
            outstanding on a logical unit."
        }
        TmFunc::ISCSI_TM_FUNC_CLEAR_ACA => {
            "Clear an auto contingent allegiance \
            condition on a logical unit."
        }
        TmFunc::ISCSI_TM_FUNC_CLEAR_TASK_SET => {
            "Abort every command on a logical unit, \
            from all initiators."
        }
        TmFunc::ISCSI_TM_FUNC_LOGICAL_UNIT_RESET => {
            "Reset one logical unit: what error \
            handling tries when an abort failed. Left unanswered, it drops the session \
            (ISCSI_ERR_SCSI_EH_SESSION_RST)."
        }
        TmFunc::ISCSI_TM_FUNC_TARGET_WARM_RESET => {
            "Reset the target: error handling's \
            next step after a logical unit reset failed. Left unanswered it drops the \
            session, and if it fails the session reset that follows drops it too \
            (ISCSI_ERR_SCSI_EH_SESSION_RST)."
        }
        TmFunc::ISCSI_TM_FUNC_TARGET_COLD_RESET => {
            "Reset the target and drop all of its \
            connections."
        }
        TmFunc::ISCSI_TM_FUNC_TASK_REASSIGN => {
            "Move a task to another connection of \
            the session (connection recovery; not used by the Linux initiator)."
        }
        _ => return None,
    })
}

fn tmf_response(t: TmfResponse) -> Option<&'static str> {
    Some(match t {
        TmfResponse::ISCSI_TMF_RSP_COMPLETE => {
            "The function completed: the task was aborted \
            or the reset done."
        }
        TmfResponse::ISCSI_TMF_RSP_NO_TASK => {
            "The task to abort was not found, usually \
            because it had completed meanwhile."
        }
        TmfResponse::ISCSI_TMF_RSP_NO_LUN => "The logical unit does not exist at the target.",
        TmfResponse::ISCSI_TMF_RSP_TASK_ALLEGIANT => {
            "The task is still owned by another \
            connection."
        }
        TmfResponse::ISCSI_TMF_RSP_NO_FAILOVER => "Reassigning the task is not supported.",
        TmfResponse::ISCSI_TMF_RSP_NOT_SUPPORTED => {
            "The target does not support this task \
            management function."
        }
        TmfResponse::ISCSI_TMF_RSP_AUTH_FAILED => {
            "The initiator is not authorised to run \
            this function."
        }
        TmfResponse::ISCSI_TMF_RSP_REJECTED => {
            "The target rejected the function; error \
            handling escalates to the next step."
        }
        _ => return None,
    })
}

fn async_event(a: AsyncEvent) -> Option<&'static str> {
    Some(match a {
        AsyncEvent::ISCSI_ASYNC_MSG_SCSI_EVENT => {
            "The target reports a SCSI event (sense \
            data attached), such as a changed LUN inventory or capacity."
        }
        AsyncEvent::ISCSI_ASYNC_MSG_REQUEST_LOGOUT => {
            "The target asks the initiator to log \
            out, typically before maintenance or a failover; iscsid logs out and logs in \
            again."
        }
        AsyncEvent::ISCSI_ASYNC_MSG_DROPPING_CONNECTION => {
            "The target is about to drop one \
            connection and says when the initiator may reconnect."
        }
        AsyncEvent::ISCSI_ASYNC_MSG_DROPPING_ALL_CONNECTIONS => {
            "The target is about to drop \
            every connection of the session and says when to reconnect."
        }
        // open-iscsi usr/initiator.c iscsi_recv_async_msg: "Received async event param
        // negotiation, dropping session:%d", then __conn_error_handle (a relogin); vendor and
        // unknown events get "AEN not supported".
        AsyncEvent::ISCSI_ASYNC_MSG_PARAM_NEGOTIATION => {
            "The target wants to renegotiate \
            operational parameters. iscsid does not renegotiate: it logs \"Received async event \
            param negotiation, dropping session:N\", drops the connection and logs in again."
        }
        AsyncEvent::ISCSI_ASYNC_MSG_VENDOR_SPECIFIC => {
            "A vendor-specific event; iscsid ignores \
            it and logs \"AEN not supported\"."
        }
        _ => return None,
    })
}

fn login_class(c: LoginStatusClass) -> Option<&'static str> {
    Some(match c {
        LoginStatusClass::ISCSI_STATUS_CLS_SUCCESS => "The login step succeeded.",
        LoginStatusClass::ISCSI_STATUS_CLS_REDIRECT => {
            "The target sends the initiator to \
            another address; iscsid follows it."
        }
        LoginStatusClass::ISCSI_STATUS_CLS_INITIATOR_ERR => {
            "The target blames the request: \
            wrong name, credentials or parameters. Retrying without a change does not help."
        }
        LoginStatusClass::ISCSI_STATUS_CLS_TARGET_ERR => {
            "The target failed on its side; a \
            later retry can succeed."
        }
        _ => return None,
    })
}

fn logout_reason(r: LogoutReason) -> Option<&'static str> {
    Some(match r {
        LogoutReason::ISCSI_LOGOUT_REASON_CLOSE_SESSION => {
            "Close the whole session (what \
            iscsiadm --logout does)."
        }
        LogoutReason::ISCSI_LOGOUT_REASON_CLOSE_CONNECTION => {
            "Close one connection of the \
            session."
        }
        LogoutReason::ISCSI_LOGOUT_REASON_RECOVERY => {
            "Remove a connection for recovery, so \
            its tasks can move to another one."
        }
        // RFC 7143 section 11.14.1 defines reasons 0-2 only; iscsid answers a target's logout
        // request with CLOSE_SESSION (usr/initiator.c iscsi_send_logout).
        LogoutReason::ISCSI_LOGOUT_REASON_AEN_REQUEST => {
            "Not a reason code of the protocol: RFC \
            7143 defines only 0 to 2, the rest is reserved. The kernel header names 3 for a \
            logout the target asked for in an asynchronous message, but iscsid answers such a \
            request with reason 0, close the session, so this value does not go on the wire."
        }
        _ => return None,
    })
}

fn logout_response(r: LogoutResponse) -> Option<&'static str> {
    Some(match r {
        LogoutResponse::ISCSI_LOGOUT_SUCCESS => "The logout completed.",
        LogoutResponse::ISCSI_LOGOUT_CID_NOT_FOUND => {
            "The target does not know the \
            connection named in the logout."
        }
        LogoutResponse::ISCSI_LOGOUT_RECOVERY_UNSUPPORTED => {
            "The target does not support \
            connection recovery."
        }
        LogoutResponse::ISCSI_LOGOUT_CLEANUP_FAILED => {
            "The target could not clean up after \
            the connection."
        }
        _ => return None,
    })
}

fn host_event(e: IscsiHostEventCode) -> Option<&'static str> {
    Some(match e {
        IscsiHostEventCode::ISCSI_EVENT_LINKUP => {
            "An offload adapter reports its network \
            link came up."
        }
        IscsiHostEventCode::ISCSI_EVENT_LINKDOWN => {
            "An offload adapter reports its network \
            link went down; its sessions will fail unless the link returns."
        }
        IscsiHostEventCode::ISCSI_EVENT_MAX => "Not an event: the end marker of the list.",
        _ => return None,
    })
}

fn ping_status(p: IscsiPingStatusCode) -> Option<&'static str> {
    Some(match p {
        IscsiPingStatusCode::ISCSI_PING_SUCCESS => "The adapter's ping was answered.",
        IscsiPingStatusCode::ISCSI_PING_FW_DISABLED => {
            "The adapter's firmware has ping \
            turned off."
        }
        IscsiPingStatusCode::ISCSI_PING_IPADDR_INVALID => {
            "The adapter's own address is not \
            valid for pinging."
        }
        IscsiPingStatusCode::ISCSI_PING_LINKLOCAL_IPV6_ADDR_INVALID => {
            "The adapter's IPv6 \
            link-local address is not valid."
        }
        IscsiPingStatusCode::ISCSI_PING_TIMEOUT => "No answer came back in time.",
        IscsiPingStatusCode::ISCSI_PING_INVALID_DEST_ADDR => {
            "The destination address is not \
            valid."
        }
        IscsiPingStatusCode::ISCSI_PING_OVERSIZE_PACKET => {
            "The ping was larger than the \
            path allows."
        }
        IscsiPingStatusCode::ISCSI_PING_ICMP_ERROR => {
            "An ICMP error came back instead of an \
            answer."
        }
        IscsiPingStatusCode::ISCSI_PING_MAX_REQ_EXCEEDED => {
            "Too many pings are outstanding \
            on the adapter."
        }
        IscsiPingStatusCode::ISCSI_PING_NO_ARP_RECEIVED => {
            "The destination (or gateway) \
            did not answer ARP, so the ping was never sent."
        }
        _ => return None,
    })
}

fn port_speed(s: IscsiPortSpeed) -> Option<&'static str> {
    Some(match s {
        IscsiPortSpeed::ISCSI_PORT_SPEED_UNKNOWN => {
            "The adapter does not know its port \
            speed (often: no link)."
        }
        IscsiPortSpeed::ISCSI_PORT_SPEED_10MBPS => "The adapter port runs at 10 Mbit/s.",
        IscsiPortSpeed::ISCSI_PORT_SPEED_100MBPS => "The adapter port runs at 100 Mbit/s.",
        IscsiPortSpeed::ISCSI_PORT_SPEED_1GBPS => "The adapter port runs at 1 Gbit/s.",
        IscsiPortSpeed::ISCSI_PORT_SPEED_10GBPS => "The adapter port runs at 10 Gbit/s.",
        IscsiPortSpeed::ISCSI_PORT_SPEED_25GBPS => "The adapter port runs at 25 Gbit/s.",
        IscsiPortSpeed::ISCSI_PORT_SPEED_40GBPS => "The adapter port runs at 40 Gbit/s.",
        _ => return None,
    })
}

fn port_state(s: IscsiPortState) -> Option<&'static str> {
    Some(match s {
        IscsiPortState::ISCSI_PORT_STATE_DOWN => "The adapter port has no link.",
        IscsiPortState::ISCSI_PORT_STATE_UP => "The adapter port has link.",
        _ => return None,
    })
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
            "TransportCaps" => {
                "A capability bit a transport module (iscsi_tcp, ib_iser, an \
                offload driver) reports to iscsid: digests, recovery levels, offloads."
            }
            "StopConn" => {
                "How iscsid asks the kernel to stop a connection: terminate it, \
                suspend it, or stop it for recovery and a relogin."
            }
            "LoginStage" => {
                "A login stage: security negotiation, operational negotiation, \
                or the full-feature phase where I/O flows."
            }
            "ScsiResponse" => {
                "The iSCSI response field of a SCSI Response PDU: whether the \
                target completed the command at all (the SCSI status is separate)."
            }
            "SnackType" => {
                "What a SNACK asks the target to resend: data, R2Ts, status, or \
                an acknowledgement."
            }
            "ScsiCmdAttr" => {
                "The task attribute of a SCSI command (simple, ordered, head of \
                queue, ACA)."
            }
            "AhsType" => {
                "The type of an additional header segment (extended CDB, \
                bidirectional read length)."
            }
            "NetlinkGroup" => {
                "A netlink multicast group of the iSCSI netlink family, \
                joined by iscsid or iscsiuio."
            }
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
