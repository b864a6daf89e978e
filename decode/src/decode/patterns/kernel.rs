//! Kernel messages of the iSCSI stack: libiscsi, iscsi_tcp and scsi_transport_iscsi.
//!
//! dev_printk on iscsi_cls_conn/iscsi_cls_session devices starts the line with a space
//! (` connection3:0: `); the envelope strips it, so the regexes start at `connection`.

use super::{Kind, Pattern, Refines, Source};

/// The kernel patterns, specific before generic.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "kernel.ping_timeout",
        kind: Kind::PingTimeout,
        source: Source::Kernel,
        anchor: "ping timeout of",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): ping timeout of (?P<ping_tmo>\d+) secs expired, recv timeout (?P<recv_tmo>\d+), last rx (?P<last_rx>\d+), last ping (?P<last_ping>\d+), now (?P<now>\d+)",
        implies: &[("kerr", "1022")],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/libiscsi.c:iscsi_check_transport_timeouts"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 kernel:  connection3:0: ping timeout of 5 secs expired, recv timeout 5, last rx 36174282912, last ping 36174287936, now 36174292992",
                "sid=3 cid=0 hz=1000 silence_s=10.08 since_ping_s=5.06"
            ),
            s!(
                "[ 1050.611244]  connection2:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4295152378, last ping 4295153633, now 4295154944",
                "sid=2 hz=250 hz_confirmed=true"
            ),
            s!(
                "Feb 26 19:02:41 kernel: connection25:0: ping timeout of 5 secs expired, recv timeout 5, last rx 4319352266, last ping 4319357312, now 4319362560",
                "sid=25 hz=1000"
            ),
        ],
    },
    Pattern {
        id: "kernel.conn_error",
        kind: Kind::ConnError,
        source: Source::Kernel,
        anchor: "detected conn error",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): detected conn error \((?P<kerr>\d+)\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/scsi_transport_iscsi.c:iscsi_conn_error_event"]),
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 kernel:  connection3:0: detected conn error (1022)",
                "sid=3 cid=0 kerr=1022"
            ),
            s!(
                "[837315.697940]  connection1:0: detected conn error (1020)",
                "sid=1 kerr=1020 uptime=837315.69794"
            ),
            s!(
                "kernel: connection2:0: detected conn error (1020)",
                "sid=2 kerr=1020"
            ),
            s!(
                "[Wed Apr 17 15:26:51 2024]  connection4:0: detected conn error (1020)",
                "sid=4"
            ),
        ],
    },
    Pattern {
        id: "kernel.conn_error_ignored",
        kind: Kind::ConnErrorIgnored,
        source: Source::Kernel,
        anchor: "gracefully ignored conn",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): gracefully ignored conn (?:error \((?P<kerr>\d+)\)|login \((?P<state>\d+)\))",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "drivers/scsi/scsi_transport_iscsi.c:iscsi_conn_error_event",
            "drivers/scsi/scsi_transport_iscsi.c:iscsi_conn_login_event",
        ]),
        samples: &[s!(
            "[  99.1]  connection5:0: gracefully ignored conn error (1020)",
            "sid=5 kerr=1020"
        )],
    },
    Pattern {
        id: "kernel.conn_login",
        kind: Kind::ConnLogin,
        source: Source::Kernel,
        anchor: "detected conn login",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): detected conn login \((?P<state>\d+)\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/scsi_transport_iscsi.c:iscsi_conn_login_event"]),
        samples: &[s!(
            "[  99.1]  connection5:0: detected conn login (3)",
            "sid=5 state=3"
        )],
    },
    Pattern {
        id: "kernel.recovery_timeout",
        kind: Kind::RecoveryTimeout,
        source: Source::Kernel,
        anchor: "session recovery timed out",
        regex: r"^session(?P<sid>\d+): session recovery timed out after (?P<secs>\d+) secs",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "drivers/scsi/scsi_transport_iscsi.c:session_recovery_timedout",
        ]),
        samples: &[
            s!(
                "Feb 26 19:04:45 kernel: session25: session recovery timed out after 120 secs",
                "sid=25 secs=120"
            ),
            s!(
                "[59994.670540]  session3: session recovery timed out after 120 secs",
                "sid=3"
            ),
            s!(
                "2024-04-17T15:28:54+02:00 db1 kernel:  session4: session recovery timed out after 5 secs",
                "host=db1 sid=4 secs=5"
            ),
        ],
    },
    Pattern {
        id: "kernel.invalid_timeout",
        kind: Kind::ConfigWarning,
        source: Source::Kernel,
        anchor: "timeout of zero",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): invalid (?P<text>recv|ping) timeout of zero\. Using 5 seconds",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/libiscsi.c:iscsi_conn_start"]),
        samples: &[s!(
            "[  9.0]  connection1:0: invalid ping timeout of zero. Using 5 seconds.",
            "sid=1 text=ping"
        )],
    },
    Pattern {
        id: "kernel.host_added",
        kind: Kind::HostAdded,
        source: Source::Kernel,
        anchor: "iSCSI Initiator",
        regex: r"^scsi ?(?:host)?(?P<scsi_host>\d+) ?: (?P<transport>iSCSI Initiator over (?:TCP/IP|iSER)|.*iSCSI Initiator.*)$",
        implies: &[],
        wording: "older kernels: `scsiN : ` instead of `scsi hostN: `",
        refines: Refines::Entries(&["drivers/scsi/hosts.c:scsi_add_host_with_dma"]),
        samples: &[
            s!(
                "Nov 09 10:46:59 linux-dell kernel: scsi host3: iSCSI Initiator over TCP/IP",
                "scsi_host=3"
            ),
            s!(
                "[837315.692503] scsi25 : iSCSI Initiator over TCP/IP",
                "scsi_host=25"
            ),
        ],
    },
    Pattern {
        id: "kernel.transport_registered",
        kind: Kind::TransportLoaded,
        source: Source::Kernel,
        anchor: "registered transport",
        regex: r"^iscsi: registered transport \((?P<transport>[^)]*)\)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&[
            "drivers/scsi/scsi_transport_iscsi.c:iscsi_register_transport",
        ]),
        samples: &[s!(
            "[   27.170579] iscsi: registered transport (tcp)",
            "transport=tcp"
        )],
    },
    Pattern {
        id: "kernel.transport_class",
        kind: Kind::TransportLoaded,
        source: Source::Kernel,
        anchor: "Loading iSCSI transport class",
        regex: r"^Loading iSCSI transport class v(?P<version>\S+?)\.?$",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/scsi_transport_iscsi.c:iscsi_transport_init"]),
        samples: &[s!(
            "[Thu Nov 25 19:58:00 2021] Loading iSCSI transport class v2.0-870.",
            "version=2.0-870"
        )],
    },
    Pattern {
        id: "kernel.iscsi_max_cmds",
        kind: Kind::ConfigWarning,
        source: Source::Kernel,
        anchor: "max cmds",
        regex: r"^iscsi: (?:invalid|requested) max cmds (?:of )?(?P<count>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/libiscsi.c:iscsi_host_get_max_scsi_cmds"]),
        samples: &[s!(
            "[ 5.0] iscsi: invalid max cmds 100. Must be a power of 2. Rounding max cmds down to 64.",
            "count=100"
        )],
    },
    Pattern {
        id: "kernel.conn_pdu_reject",
        kind: Kind::KernelConnMessage,
        source: Source::Kernel,
        anchor: "rejected",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): pdu \(op 0x[0-9a-f]+ itt 0x[0-9a-f]+\) rejected(?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/libiscsi.c:iscsi_handle_reject"]),
        samples: &[s!(
            "[ 5.0]  connection1:0: pdu (op 0x1 itt 0x2a) rejected. Reason code 0x9",
            "sid=1 cid=0"
        )],
    },
    Pattern {
        id: "kernel.iser_message",
        kind: Kind::IserMessage,
        source: Source::Kernel,
        anchor: "iser: ",
        regex: r"^iser: (?P<func>\w+): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll(
            "iser_err, iser_warn, iser_info and iser_dbg of drivers/infiniband/ulp/iser",
        ),
        samples: &[s!(
            "[ 2157.533301] iser: iser_qp_event_callback: qp event QP request error (2)",
            "func=iser_qp_event_callback"
        )],
    },
    Pattern {
        id: "kernel.lio_target",
        kind: Kind::TargetSide,
        source: Source::Kernel,
        anchor: "iSCSI/",
        regex: r"^iSCSI/(?P<initiator>[^:\s]+(?::[^:\s]+)*): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("the LIO target, drivers/target/iscsi"),
        samples: &[s!(
            "Nov 09 10:46:59 linux-dell kernel: iSCSI/iqn.1996-04.de.suse:01:54cab487975b: Unsupported SCSI Opcode 0xa3, sending CHECK_CONDITION.",
            "initiator=iqn.1996-04.de.suse:01:54cab487975b"
        )],
    },
    // ISCSI_DBG_TCP/_CONN/_SESSION/_EH and ISCSI_DBG_TRANS_*: the device prefix, then the
    // function name (`%s ` or `%s: ` of __func__); initiator functions all start with
    // `iscsi_`, `__iscsi_`, `session_` or `fail_` (libiscsi.c, libiscsi_tcp.c, iscsi_tcp.c,
    // scsi_transport_iscsi.c). `iscsi_tcp: ` is the module's own prefix, not a function.
    Pattern {
        id: "kernel.debug_conn",
        kind: Kind::Debug,
        source: Source::Kernel,
        anchor: "connection+digit",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): (?P<func>_*(?:iscsi|session|fail)_[a-z0-9_]+):? (?P<text>.*)",
        implies: &[],
        wording: "debug builds of the module parameters debug_libiscsi_*, debug_iscsi_tcp",
        refines: Refines::CatchAll(
            "ISCSI_DBG_* of a connection (libiscsi, libiscsi_tcp, iscsi_tcp, scsi_transport_iscsi)",
        ),
        samples: &[s!(
            "[ 5.0]  connection1:0: iscsi_tcp_recv_skb in 48 bytes",
            "sid=1 cid=0 func=iscsi_tcp_recv_skb"
        )],
    },
    Pattern {
        id: "kernel.debug_session",
        kind: Kind::Debug,
        source: Source::Kernel,
        anchor: "session+digit",
        regex: r"^session(?P<sid>\d+): (?P<func>_*(?:iscsi|session|fail)_[a-z0-9_]+):? (?P<text>.*)",
        implies: &[],
        wording: "debug_session / debug_transport module parameters",
        refines: Refines::CatchAll("ISCSI_DBG_* of a session (libiscsi, scsi_transport_iscsi)"),
        samples: &[s!(
            "[ 5.0]  session3: session_recovery_timedout: Unblocking SCSI target",
            "sid=3 func=session_recovery_timedout"
        )],
    },
    // The kernel's iSCSI initiator modules and offload drivers prefix their other messages
    // with the module or function name (`pr_*`/`printk` with `DRV_NAME`/`__func__`), or
    // print through dev_printk on their PCI device (`qla4xxx 0000:04:00.0: `).
    Pattern {
        id: "kernel.module_message",
        kind: Kind::Other,
        source: Source::Kernel,
        anchor: "iser_|iscsi|bnx|cxgb|qedi|qla",
        regex: r"^(?P<func>(?:iscsi_iser|iser|iscsi_sw_tcp|iscsi_tcp|libiscsi_tcp|libiscsi|bnx2i|cxgb3i|cxgb4i|libcxgbi|cxgbi|qedi|be2iscsi|beiscsi|qla4xxx|scsi_transport_iscsi)[a-z0-9_]*)(?:\[\d+\]|\s[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f])?: (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll(
            "the iSCSI modules' and offload drivers' messages after a module or function name",
        ),
        samples: &[
            s!(
                "iser_cma_handler: established (9): status 0 conn 00000000090aa4de id 00000000167d3b5a",
                "func=iser_cma_handler"
            ),
            s!(
                "[ 9.1] qedi 0000:04:00.2: Invalid login response",
                "func=qedi"
            ),
        ],
    },
    // The debug twin of the row above (see `super::DEBUG_TWINS`): the same regex, for
    // lines whose envelope shows syslog severity 7.
    Pattern {
        id: "kernel.module_debug",
        kind: Kind::Debug,
        source: Source::Kernel,
        anchor: "iser_|iscsi|bnx|cxgb|qedi|qla",
        regex: r"^(?P<func>(?:iscsi_iser|iser|iscsi_sw_tcp|iscsi_tcp|libiscsi_tcp|libiscsi|bnx2i|cxgb3i|cxgb4i|libcxgbi|cxgbi|qedi|be2iscsi|beiscsi|qla4xxx|scsi_transport_iscsi)[a-z0-9_]*)(?:\[\d+\]|\s[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-9a-f])?: (?P<text>.*)",
        implies: &[],
        wording: "KERN_DEBUG (`iser_dbg`, `pr_debug`) shown by the envelope",
        refines: Refines::DebugTwin,
        samples: &[s!(
            "kern  :debug : [ 9.1] iser_connect: connecting to: 192.0.2.10:3260",
            "func=iser_connect"
        )],
    },
    // Generic: any other kernel message about a connection or a session keeps its ids.
    Pattern {
        id: "kernel.conn_message",
        kind: Kind::KernelConnMessage,
        source: Source::Kernel,
        anchor: "connection+digit",
        regex: r"^connection(?P<sid>\d+):(?P<cid>\d+): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll(
            "iscsi_conn_printk and iscsi_cls_conn_printk: any message of a connection",
        ),
        samples: &[s!(
            "[ 5.0]  connection1:0: Could not send nopout",
            "sid=1 cid=0"
        )],
    },
    Pattern {
        id: "kernel.session_message",
        kind: Kind::KernelSessionMessage,
        source: Source::Kernel,
        anchor: "session+digit",
        regex: r"^session(?P<sid>\d+): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll(
            "iscsi_session_printk and iscsi_cls_session_printk: any message of a session",
        ),
        samples: &[s!(
            "[ 5.0]  session7: could not register session's dev",
            "sid=7"
        )],
    },
];
