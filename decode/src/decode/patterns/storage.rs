//! What the layers above iSCSI print when a session fails: SCSI devices (`sd H:C:T:L:`),
//! the block layer, device-mapper multipath, and multipathd.

use super::{Kind, Pattern, Refines, Source};

/// The `{sd|scsi} H:C:T:L: [sdX] tag#N ` prefix of sdev_printk/scmd_printk.
macro_rules! dev {
    () => {
        r"^(?:sd|scsi) (?P<hctl>\d+:\d+:\d+:\d+): (?:\[(?P<disk>[^\]\s]+)\] +)?(?:tag#(?P<tag>\d+) +)?"
    };
}

/// The storage patterns, specific before generic.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        id: "scsi.rejecting_io",
        kind: Kind::RejectingIo,
        source: Source::Kernel,
        anchor: "rejecting I/O to",
        regex: concat!(
            dev!(),
            r"(?:(?P<func>scsi_[a-z_]+): )?rejecting I/O to (?P<devstate>offline|dead) device"
        ),
        implies: &[],
        wording: "some 4.x kernels print the function first: `scsi_prep_state_check: rejecting I/O ...`",
        refines: Refines::Entries(&["drivers/scsi/scsi_lib.c:scsi_device_state_check"]),
        samples: &[
            s!(
                "Feb 26 19:04:45 kernel: sd 11:0:0:0: rejecting I/O to offline device",
                "hctl=11:0:0:0 devstate=offline"
            ),
            s!(
                "[Wed Apr 17 15:28:54 2024] sd 5:0:0:1: rejecting I/O to offline device",
                "hctl=5:0:0:1"
            ),
            s!(
                "[ 9.1] sd 8:0:0:8: scsi_prep_state_check: rejecting I/O to offline device",
                "hctl=8:0:0:8 func=scsi_prep_state_check devstate=offline"
            ),
        ],
    },
    Pattern {
        id: "scsi.result",
        kind: Kind::ScsiResult,
        source: Source::Kernel,
        anchor: "Result: hostbyte=",
        regex: concat!(
            dev!(),
            r"(?:[A-QS-Z_][A-Z_]* +)?Result: hostbyte=(?P<hostbyte>\w+) driverbyte=\w+(?: cmd_age=(?P<cmd_age>\d+)s)?"
        ),
        implies: &[],
        wording: "cmd_age= since 5.x; older kernels print `Result: hostbyte=... driverbyte=...` only",
        refines: Refines::Untracked("drivers/scsi/scsi_logging.c (scsi_print_result)"),
        samples: &[
            s!(
                "[Thu Nov 25 23:31:56 2021] sd 8:0:0:0: [sdb] tag#76 FAILED Result: hostbyte=DID_TRANSPORT_DISRUPTED driverbyte=DRIVER_OK cmd_age=72s",
                "hctl=8:0:0:0 disk=sdb hostbyte=DID_TRANSPORT_DISRUPTED cmd_age=72"
            ),
            s!(
                "Jan  5 01:02:03 h kernel: sd 3:0:0:1: [sdc]  Result: hostbyte=DID_TRANSPORT_FAILFAST driverbyte=DRIVER_OK",
                "disk=sdc"
            ),
        ],
    },
    Pattern {
        id: "scsi.cdb",
        kind: Kind::ScsiCdb,
        source: Source::Kernel,
        anchor: "CDB: ",
        regex: concat!(dev!(), r"CDB: (?P<text>.*)"),
        implies: &[],
        wording: "",
        refines: Refines::Untracked("drivers/scsi/scsi_logging.c (scsi_print_command)"),
        samples: &[s!(
            "[ 1926.637286] sd 5:0:0:0: [sde] tag#148 CDB: Read(10) 28 00 00 19 93 d8 00 00 08 00",
            "hctl=5:0:0:0 disk=sde"
        )],
    },
    Pattern {
        id: "scsi.sense",
        kind: Kind::ScsiSense,
        source: Source::Kernel,
        anchor: "Sense",
        regex: concat!(dev!(), r"(?:Sense Key ?: ?|Add\. Sense: )(?P<text>.*)"),
        implies: &[],
        wording: "",
        refines: Refines::Untracked("drivers/scsi/scsi_logging.c (scsi_print_sense)"),
        samples: &[s!(
            "[ 9.0] sd 3:0:0:0: [sdb] tag#0 Sense Key : Not Ready [current]",
            "disk=sdb"
        )],
    },
    Pattern {
        id: "scsi.timing_out",
        kind: Kind::CommandTimeout,
        source: Source::Kernel,
        anchor: "timing out command",
        regex: concat!(dev!(), r"timing out command, waited (?P<secs>\d+)s"),
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/scsi_lib.c:scsi_cmd_runtime_exceeced"]),
        samples: &[s!(
            "[ 900.0] sd 3:0:0:0: [sdb] tag#1 timing out command, waited 180s",
            "hctl=3:0:0:0 secs=180"
        )],
    },
    Pattern {
        id: "scsi.device_offlined",
        kind: Kind::DeviceOfflined,
        source: Source::Kernel,
        anchor: "Device offlined",
        regex: concat!(dev!(), r"Device offlined - not ready after error recovery"),
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/scsi/scsi_error.c:scsi_eh_offline_sdevs"]),
        samples: &[s!(
            "[ 900.0] sd 3:0:0:0: Device offlined - not ready after error recovery",
            "hctl=3:0:0:0"
        )],
    },
    Pattern {
        id: "scsi.disk_attached",
        kind: Kind::DiskAttached,
        source: Source::Kernel,
        anchor: "Attached SCSI disk",
        regex: concat!(dev!(), r"Attached SCSI disk"),
        implies: &[],
        wording: "",
        refines: Refines::Untracked("drivers/scsi/sd.c (sd_probe)"),
        samples: &[s!(
            "Nov 09 10:46:59 linux-dell kernel: sd 3:0:0:0: [sdb] Attached SCSI disk",
            "hctl=3:0:0:0 disk=sdb"
        )],
    },
    Pattern {
        id: "block.io_error",
        kind: Kind::IoError,
        source: Source::Kernel,
        anchor: "error, dev ",
        regex: r"^(?:(?P<func>\w+): )?(?P<blk_status>[A-Za-z/ ]+?) error, dev (?P<disk>[^,\s]+),? sector (?P<sector>\d+)",
        implies: &[],
        wording: "6.x: no caller prefix; 5.x: `blk_update_request: `; older: `print_req_error: `, `end_request: `",
        refines: Refines::Entries(&["block/blk-mq.c:blk_print_req_error"]),
        samples: &[
            s!(
                "[Wed Apr 17 15:28:54 2024] I/O error, dev sdc, sector 19395608 op 0x1:(WRITE) flags 0x104000 phys_seg 320 prio class 2",
                "disk=sdc sector=19395608 blk_status=I/O"
            ),
            s!(
                "Feb 26 19:04:45 kernel: blk_update_request: I/O error, dev sdh, sector 502206 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0",
                "func=blk_update_request disk=sdh"
            ),
            s!(
                "[  100.0] print_req_error: I/O error, dev sdb, sector 2048",
                "disk=sdb"
            ),
            s!(
                "[  100.0] blk_update_request: recoverable transport error, dev sdb, sector 2048 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0",
                "blk_status=recoverable_transport"
            ),
        ],
    },
    Pattern {
        id: "block.buffer_io_error",
        kind: Kind::BufferIoError,
        source: Source::Kernel,
        anchor: "Buffer I/O error on dev",
        regex: r"^Buffer I/O error on dev(?:ice)? (?P<disk>[^,\s]+), logical block (?P<sector>\d+)",
        implies: &[],
        wording: "older kernels: `on device sdb1`",
        refines: Refines::Entries(&["fs/buffer.c:buffer_io_error"]),
        samples: &[s!(
            "[Thu Nov 25 23:33:13 2021] Buffer I/O error on dev sdb, logical block 94371824, async page read",
            "disk=sdb"
        )],
    },
    Pattern {
        id: "kernel.callbacks_suppressed",
        kind: Kind::CallbacksSuppressed,
        source: Source::Kernel,
        anchor: "callbacks suppressed",
        regex: r"^(?P<func>print_req_error|blk_print_req_error|blk_update_request|buffer_io_error|end_request|scsi_io_completion\w*|sd_\w+|iscsi_\w+|device-mapper|__multipath_map_bio|multipath\w*): (?P<count>\d+) callbacks suppressed",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["lib/ratelimit.c:___ratelimit"]),
        samples: &[s!(
            "Feb 26 19:04:45 kernel: print_req_error: 9 callbacks suppressed",
            "func=print_req_error count=9"
        )],
    },
    Pattern {
        id: "dm.failing_path",
        kind: Kind::MultipathFailingPath,
        source: Source::Kernel,
        anchor: "Failing path",
        regex: r"^device-mapper: multipath: (?:(?P<dm_map>\d+:\d+): )?Failing path (?P<path_dev>\d+:\d+)",
        implies: &[],
        wording: "older kernels print no map: `multipath: Failing path 8:48.`",
        refines: Refines::Entries(&["drivers/md/dm-mpath.c:fail_path"]),
        samples: &[
            s!(
                "Mar  3 10:00:06 node1 kernel: device-mapper: multipath: 253:4: Failing path 8:48.",
                "dm_map=253:4 path_dev=8:48 disk=sdd"
            ),
            s!(
                "[  50.0] device-mapper: multipath: Failing path 65:16.",
                "path_dev=65:16 disk=sdr"
            ),
        ],
    },
    Pattern {
        id: "dm.reinstating_path",
        kind: Kind::MultipathReinstatingPath,
        source: Source::Kernel,
        anchor: "Reinstating path",
        regex: r"^device-mapper: multipath: (?:(?P<dm_map>\d+:\d+): )?Reinstating path (?P<path_dev>\d+:\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Entries(&["drivers/md/dm-mpath.c:reinstate_path"]),
        samples: &[s!(
            "Mar  3 10:02:06 node1 kernel: device-mapper: multipath: 253:4: Reinstating path 8:48.",
            "path_dev=8:48 disk=sdd"
        )],
    },
    Pattern {
        id: "dm.message",
        kind: Kind::MultipathMessage,
        source: Source::Kernel,
        anchor: "device-mapper: multipath",
        regex: r"^device-mapper: multipath: (?:(?P<dm_map>\d+:\d+): )?(?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("DMERR, DMWARN and DMINFO of drivers/md/dm-mpath.c"),
        samples: &[s!(
            "[  50.0] device-mapper: multipath: queue_if_no_path timeout on 253:4, failing queued IO",
            ""
        )],
    },
    Pattern {
        id: "multipathd.mark_failed",
        kind: Kind::MultipathdPathFailed,
        source: Source::Multipathd,
        anchor: "mark as failed",
        regex: r"^(?:(?P<map>[^:\s]+): )?(?P<disk>[^:\s]+): mark as failed",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[
            s!(
                "Mar  3 10:00:06 node1 multipathd[812]: sdd: mark as failed",
                "disk=sdd"
            ),
            s!(
                "Mar  3 10:00:06 node1 multipathd[812]: mpatha: sdd: mark as failed",
                "map=mpatha disk=sdd"
            ),
        ],
    },
    Pattern {
        id: "multipathd.checker_failed",
        kind: Kind::MultipathdPathFailed,
        source: Source::Multipathd,
        anchor: "checker failed path",
        regex: r"checker failed path (?P<path_dev>\d+:\d+) in map (?P<map>\S+)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[s!(
            "Mar  3 10:00:06 node1 multipathd[812]: checker failed path 8:48 in map mpatha",
            "path_dev=8:48 map=mpatha"
        )],
    },
    Pattern {
        id: "multipathd.path_down",
        kind: Kind::MultipathdPathFailed,
        source: Source::Multipathd,
        anchor: "path offline",
        regex: r"^(?P<map>[^:\s]+): (?P<disk>\S+) - path offline",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[s!(
            "Mar  3 10:00:06 node1 multipathd[812]: mpatha: sdd - path offline",
            "map=mpatha disk=sdd"
        )],
    },
    Pattern {
        id: "multipathd.reinstated",
        kind: Kind::MultipathdPathUp,
        source: Source::Multipathd,
        anchor: "reinstated",
        regex: r"^(?:(?P<map>[^:\s]+): )?(?:(?P<path_dev>\d+:\d+)|(?P<disk>sd\w+)): reinstated",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[s!(
            "Mar  3 10:02:06 node1 multipathd[812]: 8:48: reinstated",
            "path_dev=8:48 disk=sdd"
        )],
    },
    Pattern {
        id: "multipathd.checker_reports",
        kind: Kind::MultipathdPathUp,
        source: Source::Multipathd,
        anchor: "checker reports path is",
        regex: r"^(?:(?P<map>[^:\s]+): )?(?P<disk>[^:\s]+)(?: -|:) (?P<text>\w+ checker reports path is (?P<devstate>up|down|ghost|shaky))",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[
            s!(
                "Mar  3 10:00:06 node1 multipathd[812]: sdd: tur checker reports path is down",
                "disk=sdd devstate=down"
            ),
            s!(
                "Mar  3 10:02:06 node1 multipathd[812]: mpatha: sdd - tur checker reports path is up",
                "map=mpatha disk=sdd devstate=up"
            ),
        ],
    },
    Pattern {
        id: "multipathd.remaining_paths",
        kind: Kind::MultipathdPaths,
        source: Source::Multipathd,
        anchor: "remaining active paths",
        regex: r"^(?P<map>[^:\s]+): remaining active paths: (?P<count>\d+)",
        implies: &[],
        wording: "",
        refines: Refines::Untracked("multipathd"),
        samples: &[s!(
            "Mar  3 10:00:06 node1 multipathd[812]: mpatha: remaining active paths: 1",
            "map=mpatha count=1"
        )],
    },
    Pattern {
        id: "scsi.host_message",
        kind: Kind::ScsiHostMessage,
        source: Source::Kernel,
        anchor: "scsi host+digit",
        regex: r"^scsi host(?P<scsi_host>\d+): (?P<text>.*)",
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("shost_printk: any message of a SCSI host"),
        samples: &[s!(
            "[ 5.0] scsi host7: bsg interface failed to initialize - no request queue",
            "scsi_host=7"
        )],
    },
    // Generic: any other message about a SCSI device keeps H:C:T:L and the disk name, which
    // map disks to SCSI hosts and hosts to sessions.
    Pattern {
        id: "scsi.device_message",
        kind: Kind::ScsiDeviceMessage,
        source: Source::Kernel,
        anchor: "sd +digit",
        regex: concat!(dev!(), r"(?P<text>.*)"),
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("sdev_printk and sd_printk: any message of a SCSI device"),
        samples: &[s!(
            "[  228.047359] sd 0:0:0:1: [sda] Write Protect is off",
            "hctl=0:0:0:1 disk=sda"
        )],
    },
    Pattern {
        id: "scsi.device_message_scsi",
        kind: Kind::ScsiDeviceMessage,
        source: Source::Kernel,
        anchor: "scsi +digit",
        regex: concat!(dev!(), r"(?P<text>.*)"),
        implies: &[],
        wording: "",
        refines: Refines::CatchAll("sdev_printk: any message of a SCSI device"),
        samples: &[s!(
            "[  227.876468] scsi 0:0:0:1: Direct-Access     SYNOLOGY iSCSI Storage    4.0  PQ: 0 ANSI: 5",
            "hctl=0:0:0:1"
        )],
    },
];
