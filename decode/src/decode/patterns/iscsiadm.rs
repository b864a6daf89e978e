//! iscsiadm messages: logins, logouts, discovery, and its report lines.
//!
//! iscsiadm prints `log_info` messages to stdout without a prefix and errors to stderr as
//! `iscsiadm: ...`; under systemd both land in the journal. The `Could not login` line is
//! followed by `initiator reported error (N - text)`, N being iscsiadm's exit status.

use super::{Kind, Pattern, Refines, Source};

/// The iscsiadm patterns.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "iscsiadm.logging_in",
        kind: Kind::LoggingIn,
        source: Source::OpenIscsi,
        anchor: "Logging in to [",
        regex: r"^Logging in to \[iface: (?P<iface>[^,\]]+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\](?: \((?P<text>multiple)\))?",
        implies: &[],
        wording: "log_info up to 2.1.10, debug level since 2.1.11",
        refines: Refines::Entries(&["usr/session_mgmt.c:__iscsi_login_portal"]),
        samples: &[
            s!(
                "Logging in to [iface: default, target: iqn.2000-01.com.synology-iSCSI:storage.01, portal: fe80::211:32ff:fe15:74eb,3260]",
                "iface=default target=iqn.2000-01.com.synology-iSCSI:storage.01 addr=fe80::211:32ff:fe15:74eb port=3260"
            ),
            s!(
                "Jun 27 07:23:51 Jboat17 iscsiadm[4240]: Logging in to [iface: default, target: iqn.2004-04.com.qnap:ts-473:iscsi.qnapiscsilu.2356fd, portal: 192.168.1.31,3260] (multiple)",
                "addr=192.168.1.31 text=multiple"
            ),
        ],
    },
    Pattern {
        id: "iscsiadm.login_succeeded",
        kind: Kind::LoginSucceeded,
        source: Source::OpenIscsi,
        anchor: "Login to [",
        regex: r"^Login to \[iface: (?P<iface>[^,\]]+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\] successful",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/session_mgmt.c:log_login_msg"]),
        samples: &[s!(
            "Nov 25 23:21:40 problembox iscsiadm[3414]: Login to [iface: default, target: iqn.2000-01.com.synology-iSCSI:storage.01, portal: 192.168.10.18,3260] successful.",
            "host=problembox target=iqn.2000-01.com.synology-iSCSI:storage.01 addr=192.168.10.18"
        )],
    },
    Pattern {
        id: "iscsiadm.login_failed",
        kind: Kind::LoginFailed,
        source: Source::OpenIscsi,
        anchor: "Could not login to",
        regex: r"^Could not login to \[iface: (?P<iface>[^,\]]+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+)(?:,(?P<port>\d+))?(?:\]|$)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/session_mgmt.c:log_login_msg"]),
        samples: &[
            s!(
                "iscsiadm: Could not login to [iface: default, target: iqn.1986-03.com.ibm:2145.nvenergy-svc4.node5161252, portal: 172.17.224.24,3260].",
                "target=iqn.1986-03.com.ibm:2145.nvenergy-svc4.node5161252 addr=172.17.224.24 port=3260"
            ),
            s!(
                "iscsiadm: Could not login to [iface: default, target: iqn.2018-06.node1.vdi1, portal: 192.168.3.126",
                "addr=192.168.3.126"
            ),
        ],
    },
    Pattern {
        id: "iscsiadm.initiator_error",
        kind: Kind::InitiatorError,
        source: Source::OpenIscsi,
        anchor: "initiator reported error",
        regex: r"^initiator reported error \((?P<iscsiadm>\d+) - (?P<iscsiadm_text>.*)\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/iscsi_err.c:iscsi_err_print_msg"]),
        samples: &[
            s!(
                "iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)",
                "iscsiadm=24"
            ),
            s!(
                "Jun 27 07:23:51 Jboat17 iscsiadm[4240]: iscsiadm: initiator reported error (8 - connection timed out)",
                "iscsiadm=8 pid=4240"
            ),
        ],
    },
    Pattern {
        id: "iscsiadm.invalid_error_code",
        kind: Kind::InitiatorError,
        source: Source::OpenIscsi,
        anchor: "invalid error code",
        regex: r"^invalid error code (?P<iscsiadm>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsi_err.c:iscsi_err_print_msg",
            "usr/iscsi_err.c:iscsi_err_to_str",
        ]),
        samples: &[s!("iscsiadm: invalid error code 99", "iscsiadm=99")],
    },
    Pattern {
        id: "iscsiadm.login_all_failed",
        kind: Kind::LoginAllFailed,
        source: Source::OpenIscsi,
        anchor: "portals",
        regex: r"^Could not log ?in(?:to)? all (?:leading-login )?portals(?: on (?P<iface>\S+), trying next interface)?",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsiadm.c:login_by_startup",
            "usr/iscsiadm.c:login_portals",
        ]),
        samples: &[s!("iscsiadm: Could not log into all portals", "")],
    },
    Pattern {
        id: "iscsiadm.logging_out",
        kind: Kind::LoggingOut,
        source: Source::OpenIscsi,
        anchor: "Logging out of session",
        regex: r"^Logging out of session \[sid: (?P<sid>-?\d+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\]",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/session_mgmt.c:iscsi_logout_portal"]),
        samples: &[s!(
            "Logging out of session [sid: 125, target: iqn.2003-01.org.linux-iscsi.node-1.x8664:sn.956ba6728c8c, portal: 192.168.30.2,3260]",
            "sid=125 addr=192.168.30.2"
        )],
    },
    Pattern {
        id: "iscsiadm.logout_succeeded",
        kind: Kind::LogoutSucceeded,
        source: Source::OpenIscsi,
        anchor: "Logout of",
        regex: r"^Logout of (?:\[sid: (?P<sid>-?\d+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\]|sid (?P<sid_alt>\d+)) successful",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsiadm.c:iscsi_logout_flashnode_sid",
            "usr/session_mgmt.c:log_logout_msg",
        ]),
        samples: &[s!(
            "Logout of [sid: 125, target: iqn.2003-01.org.linux-iscsi.node-1.x8664:sn.956ba6728c8c, portal: 192.168.30.2,3260] successful.",
            "sid=125"
        )],
    },
    Pattern {
        id: "iscsiadm.logout_failed",
        kind: Kind::LogoutFailed,
        source: Source::OpenIscsi,
        anchor: "Could not logout of|Logout of",
        regex: r"^(?:Could not logout of \[sid: (?P<sid>-?\d+), target: (?P<target>[^,\]]+), portal: (?P<addr>[^,\]]+),(?P<port>\d+)\]|Logout of sid (?P<sid_alt>\d+) failed|Could not logout of (?P<text>all requested sessions))",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsiadm.c:iscsi_logout_flashnode_sid",
            "usr/session_mgmt.c:iscsi_logout_portals",
            "usr/session_mgmt.c:log_logout_msg",
        ]),
        samples: &[
            s!(
                "iscsiadm: Could not logout of [sid: 2, target: iqn.2008-05.com.xtremio:001e679efc4a, portal: 10.205.12.5,3260].",
                "sid=2 addr=10.205.12.5"
            ),
            s!("iscsiadm: Could not logout of all requested sessions", ""),
        ],
    },
    Pattern {
        id: "iscsiadm.nothing_found",
        kind: Kind::NothingFound,
        source: Source::OpenIscsi,
        anchor: "No session found|No records found|No active sessions|No portals found|No matching sessions",
        regex: r"^(?P<text>No session found|No records found|No active sessions|No portals found|No matching sessions found)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/iscsiadm.c:__for_each_matched_rec",
            "usr/iscsiadm.c:do_isns",
            "usr/iscsiadm.c:do_software_sendtargets",
            "usr/iscsiadm.c:exec_disc2_op",
            "usr/iscsiadm.c:exec_disc_op",
            "usr/iscsiadm.c:exec_node_op",
            "usr/iscsiadm.c:for_each_session",
            "usr/iscsiadm.c:login_by_startup",
            "usr/iscsiadm.c:logout_by_startup",
            "usr/iscsiadm.c:main",
            "usr/iscsiadm.c:print_nodes",
            "usr/iscsiadm.c:print_nodes_config",
            "usr/session_info.c:session_info_print",
        ]),
        samples: &[s!("iscsiadm: No session found.", "text=No_session_found")],
    },
    Pattern {
        id: "iscsiadm.discovery_failed",
        kind: Kind::DiscoveryFailed,
        source: Source::OpenIscsi,
        anchor: "SendTargets|Discovery Address|discovery portal|iSNS discovery",
        regex: r"^(?:Could not perform SendTargets discovery: (?P<text>.*)|Connection to Discovery Address (?P<addr>\S+) (?P<text_alt>failed|closed)|Could not perform SendTargets to (?P<addr_alt>\S+?):(?P<port>\d+)|iSNS discovery failed: (?P<text_alt2>.*)|Connection to discovery portal (?P<addr_alt2>\S+) failed: (?P<errno_text>.*))",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "usr/discovery.c:discovery_isns_query",
            "usr/discovery.c:iscsi_create_leading_conn",
            "usr/discoveryd.c:__do_st_disc_and_login",
            "usr/io.c:LOG_CONN_CLOSED (macro)",
            "usr/io.c:LOG_CONN_FAIL (macro)",
            "usr/iscsiadm.c:do_software_sendtargets",
        ]),
        samples: &[
            s!(
                "iscsiadm: Connection to Discovery Address 192.0.2.10 failed",
                "addr=192.0.2.10"
            ),
            s!(
                "iscsiadm: Could not perform SendTargets discovery: encountered connection failure",
                "text=encountered_connection_failure"
            ),
        ],
    },
    Pattern {
        id: "iscsiadm.session_listing",
        kind: Kind::RecordListing,
        source: Source::OpenIscsi,
        anchor: "iqn.|eui.|naa.",
        regex: r"^(?P<transport>[a-z0-9_]+): \[(?P<sid>\d+)\] (?P<addr>.+?):(?P<port>\d+),(?P<tpgt>-?\d+) (?P<target>(?:iqn|eui|naa)\.\S+)",
        implies: &[],
        wording: "report output of `iscsiadm -m session`",
        refines: Refines::Entries(&["usr/session_info.c:session_info_print_flat"]),
        samples: &[s!(
            "tcp: [1] 192.0.2.10:3260,1 iqn.2001-05.com.example:t1 (non-flash)",
            "sid=1 transport=tcp tpgt=1"
        )],
    },
    Pattern {
        id: "iscsiadm.discovery_record",
        kind: Kind::RecordListing,
        source: Source::OpenIscsi,
        anchor: "iqn.|eui.|naa.",
        regex: r"^(?P<addr>\d{1,3}(?:\.\d{1,3}){3}|\[[^\]]+\]):(?P<port>\d+),(?P<tpgt>-?\d+) (?P<target>(?:iqn|eui|naa)\.\S+)",
        implies: &[],
        wording: "report output of `iscsiadm -m discovery` / `-m node`",
        refines: Refines::Entries(&["usr/idbm.c:idbm_print_node_flat"]),
        samples: &[s!(
            "192.168.3.126:3260,1 iqn.2018-06.node1.vdi1",
            "addr=192.168.3.126 port=3260 tpgt=1 target=iqn.2018-06.node1.vdi1"
        )],
    },
    Pattern {
        id: "iscsiadm.iscsistart_logging_into",
        kind: Kind::LoggingIn,
        source: Source::OpenIscsi,
        anchor: "Logging into",
        regex: r"^(?:\S+: )?Logging into (?P<target>\S+) (?P<addr>.+):(?P<port>\d+),(?P<tpgt>-?\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["usr/iscsistart.c:login_session"]),
        samples: &[s!(
            "iscsistart: iscsistart: Logging into iqn.2001-05.com.example:t1 192.0.2.10:3260,1",
            "target=iqn.2001-05.com.example:t1 tpgt=1"
        )],
    },
    Pattern {
        id: "iscsiadm.library",
        kind: Kind::LibraryMessage,
        source: Source::OpenIscsi,
        anchor: "iSCSI ERROR|iSCSI WARNING|iSCSI INFO|iSCSI DEBUG",
        regex: r"^iSCSI (?P<level>ERROR|WARNING|INFO|DEBUG): (?P<text>.*?)\s*(?:#\s*(?P<func>\S+))?$",
        implies: &[],
        wording: "libopeniscsiusr, since 2.1.0",
        refines: Refines::CatchAll("_error, _warn, _info and _debug of libopeniscsiusr"),
        samples: &[s!(
            "iSCSI ERROR: Specified SID 7 does not exist                                      # session.c:iscsi_session_get():150",
            "level=ERROR func=session.c:iscsi_session_get():150"
        )],
    },
    // A program that ran iscsiadm (a CSI driver, kubelet, os-brick) logs its exit status:
    // iscsiadm's exit status is its error code (usr/iscsiadm.c main() returns the
    // ISCSI_ERR_* value). Kept only in lines that name iscsiadm or iscsistart.
    Pattern {
        id: super::RELAYED_EXIT_STATUS,
        kind: Kind::InitiatorError,
        source: Source::OpenIscsi,
        anchor: "exit status|xit code|exited with",
        regex: r"^(?:exit status|[Ee]xit code:?|exited with (?:status|code)) (?P<iscsiadm>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked(
            "a program relaying an iscsiadm exit status (systemd, os-brick, dracut)",
        ),
        samples: &[
            s!(
                "E0403 12:00:01.500000    1234 iscsi_util.go:57] iscsi: failed to login: iscsiadm -m node -T iqn.2001-05.com.example:t1 -p 192.0.2.10:3260 --login failed: exit status 8",
                "iscsiadm=8"
            ),
            s!(
                "2024-03-03 10:10:02.123 4242 ERROR os_brick [req-1] Command: iscsiadm -m node --login Exit code: 19",
                "iscsiadm=19"
            ),
        ],
    },
];
