//! What the service manager says about iSCSI units, and other programs around iSCSI
//! (iscsiuio).

use super::{Kind, Pattern, Refines, Source};

/// The systemd, journald and iscsiuio patterns.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "systemd.iscsiadm_unit_exit",
        kind: Kind::ServiceExit,
        source: Source::Systemd,
        anchor: "Main process exited",
        regex: r"^(?P<unit>(?:open-)?iscsi(?:-[\w-]+)?\.service): Main process exited, code=exited, status=(?P<iscsiadm>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("systemd"),
        samples: &[s!(
            "Jun 27 07:23:51 Jboat17 systemd[1]: open-iscsi.service: Main process exited, code=exited, status=8/n/a",
            "unit=open-iscsi.service iscsiadm=8"
        )],
    },
    Pattern {
        id: "systemd.unit_exit",
        kind: Kind::ServiceExit,
        source: Source::Systemd,
        anchor: "Main process exited",
        regex: r"^(?P<unit>[\w@.-]*iscsi[\w@.-]*\.service): Main process exited, code=(?P<text>\w+), status=(?P<exit_status>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("systemd"),
        samples: &[s!(
            "Jun 27 07:23:51 h systemd[1]: iscsid.service: Main process exited, code=exited, status=1/FAILURE",
            "unit=iscsid.service exit_status=1"
        )],
    },
    Pattern {
        id: "systemd.unit_message",
        kind: Kind::ServiceState,
        source: Source::Systemd,
        anchor: ".service: |.socket: ",
        regex: r"^(?P<unit>[\w@.-]*iscsi[\w@.-]*\.(?:service|socket)): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("systemd"),
        samples: &[s!(
            "Aug 21 12:13:20 w3-de02-w01 systemd[1]: iscsid.service: Failed to parse PID from file /run/iscsid.pid: Invalid argument",
            "unit=iscsid.service"
        )],
    },
    Pattern {
        id: "systemd.job",
        kind: Kind::ServiceState,
        source: Source::Systemd,
        anchor: "iSCSI|iscsi",
        regex: r"^(?P<text>Starting|Started|Stopping|Stopped|Failed to start|Finished|Listening on|Closed|Reached target|Dependency failed for) (?P<unit>.*(?:iSCSI|iscsi|open-iscsi).*?)\.*$",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("systemd"),
        samples: &[
            s!(
                "Jun 27 07:21:45 Jboat17 systemd[1]: Starting Login to default iSCSI targets...",
                "text=Starting unit=Login_to_default_iSCSI_targets"
            ),
            s!(
                "Jun 27 07:23:51 Jboat17 systemd[1]: Failed to start Login to default iSCSI targets.",
                "text=Failed_to_start"
            ),
        ],
    },
    Pattern {
        id: "journald.suppressed",
        kind: Kind::JournalSuppressed,
        source: Source::Systemd,
        anchor: "Suppressed ",
        regex: r"^Suppressed (?P<count>\d+) messages from (?P<unit>\S*iscsi\S*)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("systemd-journald"),
        samples: &[s!(
            "Mar  3 10:00:01 node1 systemd-journald[300]: Suppressed 1234 messages from iscsid.service",
            "count=1234 unit=iscsid.service"
        )],
    },
    Pattern {
        id: "iscsiuio.message",
        kind: Kind::IscsiuioMessage,
        source: Source::Iscsiuio,
        anchor: "ERR |WARN |INFO |DBG ",
        regex: r"^(?P<level>ERR|WARN|INFO|DBG) +(?:\[[^\]]*\])?(?P<text>.*)",
        implies: &[],
        wording: "2.1.10 rewrote the logger; before it wrote `ERR   [date]msg` to its own file",
        refines: Refines::CatchAll("ILOG_ERR, ILOG_WARN, ILOG_INFO and ILOG_DEBUG of iscsiuio"),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsiuio[700]: INFO  nic_utils eth0: link up",
            "level=INFO"
        )],
    },
    Pattern {
        id: "iscsiuio.other",
        kind: Kind::Other,
        source: Source::Iscsiuio,
        anchor: super::ANY,
        regex: r"^",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("any message of iscsiuio"),
        samples: &[s!(
            "Mar  3 10:00:01 node1 iscsiuio[700]: Started iSCSI uio daemon",
            "program=iscsiuio"
        )],
    },
    // The debug twin of the row above (see `super::DEBUG_TWINS`): the same regex, for
    // lines whose envelope shows syslog severity 7.
    Pattern {
        id: "iscsiuio.debug",
        kind: Kind::Debug,
        source: Source::Iscsiuio,
        anchor: super::ANY,
        regex: r"^",
        implies: &[],
        wording: "debug level shown by the envelope",
        refines: Refines::DebugTwin,
        samples: &[s!(
            "<31>1 2024-03-03T10:10:01Z node1 iscsiuio 700 - - nic_utils eth0: polling",
            "program=iscsiuio"
        )],
    },
    // A line no other row knows, when the generated table of the sources has its wording
    // (see `super::SOURCE_TABLE`); its ids are kept as the generic rows keep them.
    Pattern {
        id: "source.message",
        kind: Kind::SourceMessage,
        source: Source::Kernel,
        anchor: super::SOURCE_TABLE,
        regex: r"^(?:.*?\b(?:[Cc]onnection(?P<sid>-?\d+):(?P<cid>\d+)|session(?P<sid_alt2>\d+)\b))?",
        implies: &[],
        wording: "",
        refines: Refines::SourceTable,
        samples: &[
            s!(
                "Mar  3 10:00:01 node1 kernel: iscsi: invalid session 3.",
                "program=kernel"
            ),
            s!(
                "Mar  3 10:00:01 node1 kernel: iscsi_ping could not find host no 3",
                "program=kernel"
            ),
        ],
    },
];
