//! iscsid messages of the kernel interface, sysfs, configuration and the daemon's life, and
//! the generic rows of open-iscsi (also printed by iscsistart, and by iscsiadm): the second
//! half of the iscsid table, after `iscsid`'s connection and login messages.

use super::{Kind, Pattern, Refines, Source};

/// The rest of the iscsid patterns, specific before generic, ending with the last resorts
/// of every open-iscsi program.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "iscsid.cant_bind_conn",
        kind: Kind::KernelCallFailed,
        source: Source::OpenIscsi,
        anchor: "can't bind conn",
        regex: r"^can't bind conn (?P<sid>-?\d+):(?P<cid>\d+) to session \d+, retcode (?P<retcode>-?\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:session_conn_poll"]),
        samples: &[s!(
            "Jan 03 03:57:34 fedora iscsid[40456]: iscsid: can't bind conn 3:0 to session 3, retcode -107 (115)",
            "sid=3 cid=0 errno=107 errno_text=Transport_endpoint_is_not_connected"
        )],
    },
    Pattern {
        id: "iscsid.cant_set_param",
        kind: Kind::KernelCallFailed,
        source: Source::OpenIscsi,
        anchor: "can't set operational parameter",
        regex: r"^can't set operational parameter (?P<param>\d+) for (?:connection (?P<sid>-?\d+):(?P<cid>\d+)|host (?P<scsi_host>\d+)), retcode (?P<retcode>-?\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/initiator_common.c:host_set_param",
            "usr/initiator_common.c:iscsi_session_set_neg_params",
            "usr/initiator_common.c:iscsi_session_set_params",
        ]),
        samples: &[s!(
            "Jan 03 03:57:32 fedora iscsid[40456]: iscsid: can't set operational parameter 15 for connection 3:0, retcode -107 (0)",
            "sid=3 param=15 errno=107"
        )],
    },
    Pattern {
        id: "iscsid.cant_start_stop_conn",
        kind: Kind::KernelCallFailed,
        source: Source::OpenIscsi,
        anchor: "can't st",
        regex: r"^(?:connection(?P<sid_alt>-?\d+):(?P<cid_alt>\d+) )?can't (?P<text>start|stop) connection (?:(?P<sid>-?\d+):(?P<cid>\d+) )?(?:retcode )?(?:(?P<retcode>-?\d+) )?\((?P<retcode_alt>-?\d+)\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/initiator.c:__session_conn_reopen",
            "usr/initiator.c:session_conn_shutdown",
            "usr/initiator.c:setup_full_feature_phase",
            "usr/initiator.c:setup_offload_login_phase",
        ]),
        samples: &[s!(
            "iscsid: can't start connection 3:0 retcode -22 (22)",
            "sid=3 text=start errno=22"
        )],
    },
    Pattern {
        id: "iscsid.iferror",
        kind: Kind::KernelCallFailed,
        source: Source::OpenIscsi,
        anchor: "Received iferror",
        regex: r"^Received iferror (?P<retcode>-?\d+)(?:: (?P<errno_text>.*?))?\.?$",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/netlink.c:__kipc_call"]),
        samples: &[s!(
            "Jan 03 03:57:32 fedora iscsid[40456]: iscsid: Received iferror -107: Transport endpoint is not connected.",
            "errno=107 errno_text=Transport_endpoint_is_not_connected"
        )],
    },
    Pattern {
        id: "iscsid.session_sysfs",
        kind: Kind::KernelCallFailed,
        source: Source::OpenIscsi,
        anchor: "Could not sync session|Can't create connection for session|host_no for session|host no from sid",
        regex: r"^(?:Could not sync session(?P<sid>\d+) err (?P<retcode>-?\d+)|Can't create connection for session(?P<sid_alt>\d+)|[Cc]ould not get host[_ ]?no (?:for session(?P<sid_alt2>\d+)|from sid (?P<sid_alt3>\d+)))",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/host.c:match_host_to_session",
            "usr/initiator.c:iscsi_sync_session",
            "usr/initiator.c:session_conn_poll",
            "usr/iscsi_sysfs.c:iscsi_sysfs_get_sessioninfo_by_id",
            "usr/iscsiadm.c:iscsi_logout_matched_portal",
            "usr/iscsid.c:sync_session",
        ]),
        samples: &[
            s!(
                "iscsid: could not get host_no for session5: No such file or directory.",
                "sid=5"
            ),
            s!(
                "iscsid: Could not get host no from sid 3. Can not sync session: No such device",
                "sid=3"
            ),
        ],
    },
    Pattern {
        id: "iscsid.logout_refused",
        kind: Kind::IscsidSessionMessage,
        source: Source::OpenIscsi,
        anchor: "cannot be termin|in invalid state for logout|actively in use for mounted",
        regex: r"^[Ss]ession (?P<sid>\d+) (?P<text>cannot be termin?ted because it's trying to reconnect|in invalid state for logout|is actively in use for mounted storage)",
        implies: &[],
        wording: "ids added in 2.1.7",
        refines: Refines::Entries(&["usr/initiator.c:session_logout_task"]),
        samples: &[s!(
            "iscsid: session 3 cannot be terminted because it's trying to reconnect: try again later",
            "sid=3"
        )],
    },
    Pattern {
        id: "iscsid.priority",
        kind: Kind::ConfigWarning,
        source: Source::OpenIscsi,
        anchor: "priority",
        regex: r"^Could not set session(?P<sid>\d+) priority\. READ/WRITE throug(?:hput|hout) and latency could be affected",
        implies: &[],
        wording: "`throughout` up to 2.1.11",
        refines: Refines::Entries(&["usr/initiator.c:session_increase_wq_priority"]),
        samples: &[s!(
            "iscsid: Could not set session3 priority. READ/WRITE throughout and latency could be affected.",
            "sid=3"
        )],
    },
    Pattern {
        id: "iscsid.config",
        kind: Kind::ConfigWarning,
        source: Source::OpenIscsi,
        anchor: "nitiatorName",
        regex: r"^(?:Warning: )?(?P<text>InitiatorName file \S+ does not exist|InitiatorName is required|InitiatorName not set)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsid.c:missing_iname_warn",
            "usr/iscsistart.c:check_params",
            "usr/login.c:iscsi_make_login_pdu",
        ]),
        samples: &[
            s!(
                "iscsid: Warning: InitiatorName file /etc/iscsi/initiatorname.iscsi does not exist or does not contain a properly formatted InitiatorName.",
                ""
            ),
            s!("iscsistart: InitiatorName not set. Exiting iscsistart", ""),
        ],
    },
    Pattern {
        id: "iscsid.no_initiator_name",
        kind: Kind::ConfigWarning,
        source: Source::OpenIscsi,
        anchor: "No initiator name",
        regex: r"^No initiator name set\. Cannot create session",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:__session_create"]),
        samples: &[s!(
            "iscsid: No initiator name set. Cannot create session.",
            ""
        )],
    },
    Pattern {
        id: "iscsid.chap_config",
        kind: Kind::ConfigWarning,
        source: Source::OpenIscsi,
        anchor: "failing authentication|CHAP configurat",
        regex: r"^(?:failing authentication, no incoming (?P<text>username|password) configured to authenticate target (?P<target>\S+)|CHAP configurat(?:ion|oin) has incoming authentication credentials)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/auth.c:acl_chap_auth_request",
            "usr/initiator_common.c:iscsi_setup_authentication",
        ]),
        samples: &[s!(
            "iscsid: failing authentication, no incoming password configured to authenticate target iqn.2001-05.com.example:t1",
            "text=password"
        )],
    },
    Pattern {
        id: "iscsid.invalid_timeout",
        kind: Kind::ConfigWarning,
        source: Source::OpenIscsi,
        anchor: "Invalid timeo.",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+) )?Invalid timeo\.(?P<text>\w+)\. Must be greater than zero",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:__session_conn_create"]),
        samples: &[s!(
            "iscsid: connection1:0 Invalid timeo.noop_out_interval. Must be greater than zero. Using default 5.",
            "sid=1 text=noop_out_interval"
        )],
    },
    Pattern {
        id: "iscsid.daemon_started",
        kind: Kind::DaemonLifecycle,
        source: Source::OpenIscsi,
        anchor: "with pid=",
        regex: r"^iSCSI (?P<text>daemon|logger) with pid=(?P<pid>\d+) started!",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/iscsid.c:main", "usr/log.c:log_init"]),
        samples: &[s!(
            "Aug 21 12:13:20 w3-de02-w01 iscsid[1116]: iSCSI logger with pid=1129 started!",
            "text=logger"
        )],
    },
    Pattern {
        id: "iscsid.shutting_down",
        kind: Kind::DaemonLifecycle,
        source: Source::OpenIscsi,
        anchor: "iscsid shutting down",
        regex: r"^iscsid shutting down",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/iscsid.c:iscsid_shutdown"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid[812]: iscsid shutting down.",
            ""
        )],
    },
    Pattern {
        id: "iscsid.version",
        kind: Kind::DaemonLifecycle,
        source: Source::OpenIscsi,
        anchor: "iscsid version|iscsiadm version|iscsistart version",
        regex: r"^(?P<text>iscsid|iscsiadm|iscsistart) version (?P<version>\S+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsiadm.c:main",
            "usr/iscsid.c:main",
            "usr/iscsistart.c:main",
        ]),
        samples: &[s!("iscsid version 6.2.0.874-10", "version=6.2.0.874-10")],
    },
    // Generic: other iscsid messages that carry the conn_error/conn_warn prefix (2.1.7+).
    Pattern {
        id: "iscsid.conn_message",
        kind: Kind::IscsidSessionMessage,
        source: Source::OpenIscsi,
        anchor: "connection+digit",
        regex: r"^connection(?P<sid>-?\d+):(?P<cid>\d+) (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll(
            "conn_error, conn_warn and conn_debug of usr/initiator.c: any message of a connection",
        ),
        samples: &[s!(
            "iscsid: connection2:0 Could not handle AEN 5. Invalid sense.",
            "sid=2 cid=0"
        )],
    },
    // Last resort: any other line of iscsid, iscsiadm or iscsistart (by its tag or its
    // `prog: ` prefix) is iSCSI, with the ids it shows (`connection2:0`, `conn 0`,
    // `sid 3`/`sid=3`, `session3`).
    Pattern {
        id: "open_iscsi.other",
        kind: Kind::Other,
        source: Source::OpenIscsi,
        anchor: super::ANY,
        regex: r"^(?:.*?\b(?:[Cc]onnection(?P<sid>-?\d+):(?P<cid>\d+)|[Ss][Ii][Dd][:= ]\s*(?P<sid_alt>\d+)|session(?P<sid_alt2>\d+)\b))?",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("any message of iscsid, iscsiadm or iscsistart"),
        samples: &[
            s!(
                "Aug 11 09:15:05 node iscsid[35041]: sendmsg: bug? ctrl_fd 5",
                "program=iscsid"
            ),
            s!("iscsiadm: in read_transports", "program=iscsiadm"),
            s!("iscsistart: sid 5 not found", "sid=5"),
        ],
    },
    // The debug twin of the row above (see `super::DEBUG_TWINS`): the same regex, for
    // lines whose envelope shows syslog severity 7.
    Pattern {
        id: "open_iscsi.debug",
        kind: Kind::Debug,
        source: Source::OpenIscsi,
        anchor: super::ANY,
        regex: r"^(?:.*?\b(?:[Cc]onnection(?P<sid>-?\d+):(?P<cid>\d+)|[Ss][Ii][Dd][:= ]\s*(?P<sid_alt>\d+)|session(?P<sid_alt2>\d+)\b))?",
        implies: &[],
        wording: "debug level (`-d N`) shown by the envelope",
        refines: Refines::DebugTwin,
        samples: &[s!(
            "<15>Mar  3 10:10:01 node1 iscsid: in read_transports",
            "program=iscsid"
        )],
    },
];
