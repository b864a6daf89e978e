//! iscsid messages (also printed by iscsistart, and by iscsiadm for discovery sessions).
//!
//! Where a release reworded a message, one regex accepts every wording: groups named
//! `<field>_alt` fill the same field as `<field>` (e.g. `conn %d` before 2.1.7 and
//! `connection%d:%d` after).

use super::{Kind, Pattern, Refines, Source};

/// The iscsid patterns of connections and logins, specific before generic (the rest are
/// in `iscsid_setup`).
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "iscsid.kernel_reported",
        kind: Kind::KernelReported,
        source: Source::OpenIscsi,
        anchor: "Kernel reported iSCSI connection",
        regex: r"^Kernel reported iSCSI connection (?P<sid>-?\d+):(?P<cid>\d+) error \((?P<kerr>\d+)(?: - (?P<kerr_text>[^()]*(?:\([^()]*\)[^()]*)*)| *…| *\.\.\.)?\) state \((?P<state>\d+)\)",
        implies: &[],
        wording: "<= 2.0.876 prints 1022 as `Invalid or unknown error code`",
        refines: Refines::Entries(&["usr/initiator.c:session_conn_error"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)",
                "sid=3 cid=0 kerr=1022 state=3"
            ),
            s!(
                "Jan 29 00:53:39 node03 iscsid: Kernel reported iSCSI connection 14:0 error (1022 - Invalid or unknown error code) state (3)",
                "host=node03 sid=14 kerr=1022 kerr_text=Invalid_or_unknown_error_code"
            ),
            s!(
                "Jan 03 03:57:25 fedora iscsid[40456]: iscsid: Kernel reported iSCSI connection 3:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed) state (3)",
                "pid=40456 kerr=1020 inner_prefix=true"
            ),
            // Quoted in a ticket with the text elided.
            s!(
                "iscsid: Kernel reported iSCSI connection 2:0 error (1020 …) state (3)",
                "sid=2 kerr=1020 state=3"
            ),
        ],
    },
    Pattern {
        id: "iscsid.nop_out_timeout",
        kind: Kind::NopOutTimeout,
        source: Source::OpenIscsi,
        anchor: "Nop-out timedout",
        regex: r"^Nop-out timedout after (?P<secs>\d+) seconds on connection (?P<sid>-?\d+):(?P<cid>\d+) state \((?P<state>\d+)\)",
        implies: &[("kerr", "1022")],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:conn_nop_out_timeout"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid: Nop-out timedout after 15 seconds on connection 1:0 state (3). Dropping session.",
            "sid=1 secs=15 state=3"
        )],
    },
    Pattern {
        id: "iscsid.connect_failed",
        kind: Kind::ConnectFailed,
        source: Source::OpenIscsi,
        anchor: "connect to ",
        regex: r"^(?:session(?P<sid>-?\d+) )?connect to (?P<addr_port>\S+) failed \((?P<errno_text>[^)]*)\)",
        implies: &[],
        wording: "HEAD prefixes `session%d `; debug level when sess_reopen_log_freq > 1 (2.1.11+)",
        refines: Refines::Entries(&["usr/io.c:iscsi_io_tcp_poll"]),
        samples: &[
            s!(
                "Dec 19 13:19:36 k3s-node-2 iscsid[3160778]: connect to 10.42.3.235:3260 failed (No route to host)",
                "addr=10.42.3.235 port=3260 errno_text=No_route_to_host"
            ),
            s!(
                "2026-03-03T10:00:00+00:00 h iscsid[9]: iscsid: session4 connect to 192.0.2.10:3260 failed (Connection refused)",
                "sid=4 errno_text=Connection_refused"
            ),
        ],
    },
    Pattern {
        id: "iscsid.connect_timed_out",
        kind: Kind::ConnectFailed,
        source: Source::OpenIscsi,
        anchor: "connect to ",
        regex: r"^connect to (?P<addr>\S+?)(?::(?P<port>\d+))? timed out",
        implies: &[("errno_text", "timed out")],
        wording: "",
        refines: Refines::Entries(&["usr/io.c:iscsi_io_connect"]),
        samples: &[s!(
            "iscsiadm: connect to 192.0.2.10 timed out",
            "addr=192.0.2.10"
        )],
    },
    Pattern {
        id: "iscsid.cannot_make_connection_rc",
        kind: Kind::ConnectFailed,
        source: Source::OpenIscsi,
        anchor: "cannot make a connection to",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+) )?cannot make a connection to (?P<addr_port>\S+) \((?P<retcode>-?\d+),(?P<errno>\d+)\)",
        implies: &[],
        wording: "`connection%d:%d ` prefix since 2.1.7",
        refines: Refines::Entries(&["usr/initiator.c:iscsi_conn_connect"]),
        samples: &[s!(
            "Jun 28 19:54:59 phan-v672-pool2-1967f397-tprqc iscsid[17303]: cannot make a connection to 10.42.82.31:3260 (-1,22)",
            "addr=10.42.82.31 port=3260 errno=22 errno_text=Invalid_argument"
        )],
    },
    Pattern {
        id: "iscsid.cannot_make_connection",
        kind: Kind::ConnectFailed,
        source: Source::OpenIscsi,
        anchor: "cannot make connection to",
        regex: r"^cannot make connection to (?:(?P<addr>.+):(?P<port>\d+) \((?P<errno_text>[^)]*)\)|(?P<addr_alt>[^\s]+?): (?P<errno_text_alt>.+))$",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/io.c:iscsi_io_connect", "usr/io.c:iscsi_io_tcp_poll"]),
        samples: &[
            s!(
                "iscsiadm: cannot make connection to 192.0.2.10:3260 (Connection refused)",
                "addr=192.0.2.10 errno_text=Connection_refused"
            ),
            s!(
                "iscsiadm: cannot make connection to 192.0.2.10: No route to host",
                "addr=192.0.2.10 errno_text=No_route_to_host"
            ),
        ],
    },
    Pattern {
        id: "iscsid.recovered",
        kind: Kind::Recovered,
        source: Source::OpenIscsi,
        anchor: "is operational after recovery",
        regex: r"^connection(?P<sid>-?\d+):(?P<cid>\d+) is operational after recovery \((?P<attempts>\d+) attempts?\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:setup_full_feature_phase"]),
        samples: &[s!(
            "Mar  3 10:00:31 node1 iscsid[812]: iscsid: connection3:0 is operational after recovery (2 attempts)",
            "sid=3 cid=0 attempts=2"
        )],
    },
    Pattern {
        id: "iscsid.operational_now",
        kind: Kind::OperationalNow,
        source: Source::OpenIscsi,
        anchor: "is operational now",
        regex: r"^Connection(?P<sid>-?\d+):(?P<cid>\d+) to \[target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\] through \[iface: (?P<iface>[^\]]+)\] is operational now",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/initiator.c:session_conn_process_login",
            "usr/initiator.c:setup_full_feature_phase",
        ]),
        samples: &[
            s!(
                "Aug 21 12:34:51 w3-de02-w01 iscsid[1129]: Connection1:0 to [target: iqn.2019-10.io.longhorn:pvc-a7058a5f-1c0f-4fe1-8d14-700881eb61c6, portal: 10.42.44.157,3260] through [iface: default] is operational now",
                "sid=1 cid=0 target=iqn.2019-10.io.longhorn:pvc-a7058a5f-1c0f-4fe1-8d14-700881eb61c6 addr=10.42.44.157 port=3260 iface=default"
            ),
            s!(
                "Jul 24 10:44:04 k8s-node2 iscsid[755]: iscsid: Connection256:0 to [target: iqn.2019-10.io.longhorn:pvc-1, portal: 10.233.66.55,3260] through [iface: default] is operational now",
                "sid=256"
            ),
        ],
    },
    Pattern {
        id: "iscsid.conn_shutdown",
        kind: Kind::ConnShutdown,
        source: Source::OpenIscsi,
        anchor: "is shutdown",
        regex: r"^Connection(?P<sid>-?\d+):(?P<cid>\d+) to \[target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\] through \[iface: (?P<iface>[^\]]+)\] is shutdown",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:session_conn_shutdown"]),
        samples: &[
            s!(
                "Jun 27 07:23:52 Jboat17 iscsid[1917]: Connection-1:0 to [target: iqn.2004-04.com.qnap:ts-473:iscsi.qnapiscsilu.2356fd, portal: 192.168.1.31,3260] through [iface: default] is shutdown",
                "sid=-1 addr=192.168.1.31"
            ),
            s!(
                "iscsid: Connection1:0 to [target: iqn.2001-05.com.example:t1, portal: 192.0.2.10,3260] through [iface: default] is shutdown.",
                "sid=1 cid=0 target=iqn.2001-05.com.example:t1"
            ),
        ],
    },
    Pattern {
        id: "iscsid.login_rejected_authorization",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "login rejected",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+)|conn (?P<cid_alt>\d+)) login rejected: initiator failed authorization with target",
        implies: &[("login", "02/02")],
        wording: "`conn %d` before 2.1.7, `connection%d:%d` since",
        refines: Refines::Entries(&["usr/initiator.c:__check_iscsi_status_class"]),
        samples: &[
            s!(
                "iscsid: conn 0 login rejected: initiator failed authorization with target",
                "cid=0 login=02/02"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsid: connection4:0 login rejected: initiator failed authorization with target",
                "sid=4 login=02/02"
            ),
        ],
    },
    Pattern {
        id: "iscsid.login_rejected_status",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "login rejected",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+)|conn (?P<cid_alt>\d+)) login rejected: (?P<text>initiator error - target not found|incompatible version|initiator error|target error) \((?P<login_class>[0-9a-fA-F]{2})/(?P<login_detail>[0-9a-fA-F]{2})\)",
        implies: &[],
        wording: "`conn %d` before 2.1.7, `connection%d:%d` since",
        refines: Refines::Entries(&["usr/initiator.c:__check_iscsi_status_class"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: connection2:0 login rejected: initiator error - target not found (02/03)",
                "sid=2 login=02/03"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsid: conn 0 login rejected: target error (03/01)",
                "cid=0 login=03/01"
            ),
        ],
    },
    Pattern {
        id: "iscsid.login_rejected_other",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "login re",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+)|conn (?P<cid_alt>\d+)) login re(?:jected: redirection type 0x(?P<login_detail>[0-9a-fA-F]+) not supported|sponse with unknown status class 0x(?P<login_class>[0-9a-fA-F]+), detail 0x(?P<login_detail_alt>[0-9a-fA-F]+))",
        implies: &[],
        wording: "`conn %d` before 2.1.7, `connection%d:%d` since",
        refines: Refines::Entries(&["usr/initiator.c:__check_iscsi_status_class"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid: connection2:0 login response with unknown status class 0x4, detail 0x1",
            "sid=2 login=04/01"
        )],
    },
    Pattern {
        id: "iscsid.login_auth_failed_session",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "login rejected",
        regex: r"^session (?P<sid>-?\d+) login rejected: Initiator failed authentication with target",
        implies: &[("login", "02/01")],
        wording: "",
        refines: Refines::Entries(&["usr/initiator.c:__check_iscsi_status_class"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid: session 4 login rejected: Initiator failed authentication with target",
            "sid=4 login=02/01"
        )],
    },
    Pattern {
        id: "iscsid.login_auth_failed",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "Login failed to authenticate",
        regex: r"^Login failed to authenticate with target (?P<target>\S*)",
        implies: &[("login", "02/01")],
        wording: "",
        refines: Refines::Entries(&["usr/login.c:check_status_login_response"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid: Login failed to authenticate with target iqn.2001-05.com.example:t1",
            "target=iqn.2001-05.com.example:t1 login=02/01"
        )],
    },
    Pattern {
        id: "iscsid.discovery_login_rejected",
        kind: Kind::LoginRejected,
        source: Source::OpenIscsi,
        anchor: "discovery login",
        regex: r"^discovery login to (?P<addr>\S+) (?:rejected: (?P<text>initiator failed authorization|initiator error|target error)(?: \((?P<login_class>[0-9a-fA-F]{2})/(?P<login_detail>[0-9a-fA-F]{2})\))?|failed, (?P<text_alt>giving up|response with unknown status class) ?(?:0x(?P<login_class_alt>[0-9a-fA-F]+), detail 0x(?P<login_detail_alt>[0-9a-fA-F]+))?)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/discovery.c:iscsi_create_session"]),
        samples: &[s!(
            "iscsiadm: discovery login to 192.0.2.10 rejected: initiator error (02/01), non-retryable, giving up",
            "addr=192.0.2.10 login=02/01"
        )],
    },
    Pattern {
        id: "iscsid.login_error_status",
        kind: Kind::LoginError,
        source: Source::OpenIscsi,
        anchor: "Login error (Login status",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+) Login error \(Login status (?P<login_code>\d+)\)|Login error \(Login status (?P<cid_alt>\d+)\) on conn (?P<login_code_alt>\d+))",
        implies: &[],
        wording: "before 2.1.7 `Login error (Login status %d) on conn %d` printed the conn id first and the status second",
        refines: Refines::Entries(&["usr/initiator.c:__login_response_status"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: connection2:0 Login error (Login status 5)",
                "sid=2 login_code=5"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsid: Login error (Login status 0) on conn 5",
                "cid=0 login_code=5"
            ),
        ],
    },
    Pattern {
        id: "iscsid.authentication_failed",
        kind: Kind::LoginError,
        source: Source::OpenIscsi,
        anchor: "Login authentication failed with target",
        // usr/login.c check_security_stage_status: CHAP failed; ", %s" is the
        // authentication library's debug status when it has one. iscsid then logs
        // `Login error (Login status 5)` (LOGIN_AUTHENTICATION_FAILED).
        regex: r"^Login authentication failed with target (?P<target>[^\s,]+)(?:, (?P<text>.+))?",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/login.c:check_security_stage_status"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: Login authentication failed with target iqn.2001-05.com.example:t1",
                "target=iqn.2001-05.com.example:t1"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsiadm: Login authentication failed with target iqn.2001-05.com.example:t1, Authentication failed",
                "target=iqn.2001-05.com.example:t1"
            ),
        ],
    },
    Pattern {
        id: "iscsid.login_response_timeout",
        kind: Kind::LoginError,
        source: Source::OpenIscsi,
        anchor: "Login response timeout",
        regex: r"^Login response timeout\. Waited (?P<secs>\d+) seconds and did not get re(?:s)?ponse PDU",
        implies: &[],
        wording: "`reponse` before 2.0.874",
        refines: Refines::Entries(&["usr/login.c:iscsi_login"]),
        samples: &[s!(
            "iscsiadm: Login response timeout. Waited 30 seconds and did not get response PDU.",
            "secs=30"
        )],
    },
    Pattern {
        id: "iscsid.target_requests_logout",
        kind: Kind::TargetAsync,
        source: Source::OpenIscsi,
        anchor: "Target requests logout",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+) )?Target requests logout within (?P<secs>\d+) seconds",
        implies: &[],
        wording: "`... seconds for connection` without ids before 2.1.7",
        refines: Refines::Entries(&["usr/initiator.c:iscsi_recv_async_msg"]),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsid: connection3:0 Target requests logout within 10 seconds",
            "sid=3 secs=10"
        )],
    },
    Pattern {
        id: "iscsid.target_dropping",
        kind: Kind::TargetAsync,
        source: Source::OpenIscsi,
        anchor: "Target dropping",
        regex: r"^(?:connection(?P<sid>-?\d+):(?P<cid>\d+) )?Target dropping (?:connection |all connections)?(?P<count>\d+)?,? ?reconnect min (?P<secs>\d+) max \d+",
        implies: &[],
        wording: "`Target dropping connection %u` before 2.1.7",
        refines: Refines::Entries(&["usr/initiator.c:iscsi_recv_async_msg"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: connection3:0 Target dropping 0, reconnect min 2 max 20",
                "sid=3 secs=2"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsid: Target dropping all connections, reconnect min 2 max 20",
                "secs=2"
            ),
        ],
    },
    Pattern {
        id: "iscsid.async_param_negotiation",
        kind: Kind::TargetAsync,
        source: Source::OpenIscsi,
        anchor: "async event param negotiation",
        regex: r"^Received async event param negotiation, dropping session(?::(?P<sid>\d+))?",
        implies: &[],
        wording: "`:%d` since 2.1.7",
        refines: Refines::Entries(&["usr/initiator.c:iscsi_recv_async_msg"]),
        samples: &[s!(
            "iscsid: Received async event param negotiation, dropping session:3",
            "sid=3"
        )],
    },
    Pattern {
        id: "iscsid.gave_up",
        kind: Kind::GaveUp,
        source: Source::OpenIscsi,
        anchor: "Giving up",
        regex: r"^(?:Giving up on session (?P<sid>-?\d+) after (?P<attempts>\d+) retries|session(?P<sid_alt>-?\d+) Giving up after (?P<attempts_alt>\d+) retries|(?:session(?P<sid_alt2>-?\d+) )?Giving up on initial login attempt after (?P<secs>\d+) seconds)",
        implies: &[],
        wording: "`session%d Giving up after %d retries` in HEAD; debug level since 2.1.11",
        refines: Refines::Entries(&[
            "usr/initiator.c:iscsi_login_eh",
            "usr/initiator.c:iscsi_retry_initial_login",
        ]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 iscsid: Giving up on session 3 after 10 retries",
                "sid=3 attempts=10"
            ),
            s!(
                "Mar  3 10:00:01 node1 iscsid: session3 Giving up after 10 retries",
                "sid=3 attempts=10"
            ),
        ],
    },
    Pattern {
        id: "iscsid.discovery_retries_exceeded",
        kind: Kind::GaveUp,
        source: Source::OpenIscsi,
        anchor: "retries (reopen_max)",
        regex: r"^connection login retries \(reopen_max\) (?P<attempts>\d+) exceeded",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/discovery.c:iscsi_create_session"]),
        samples: &[s!(
            "iscsiadm: connection login retries (reopen_max) 5 exceeded",
            "attempts=5"
        )],
    },
    Pattern {
        id: "iscsid.reopening",
        kind: Kind::Reopening,
        source: Source::OpenIscsi,
        anchor: "re-opening",
        regex: r"^(?:re-opening session (?P<sid>-?\d+) \(reopen_cnt (?P<attempts>\d+)\)|session(?P<sid_alt>-?\d+) re-opening \(reopen_cnt (?P<attempts_alt>\d+)\))",
        implies: &[],
        wording: "`session%d re-opening` in HEAD (debug level)",
        refines: Refines::Entries(&["usr/initiator.c:__session_conn_reopen"]),
        samples: &[s!(
            "iscsid: re-opening session 3 (reopen_cnt 1)",
            "sid=3 attempts=1"
        )],
    },
];
