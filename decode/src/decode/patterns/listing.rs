//! iscsiadm's report output as people paste it into tickets: the tree of
//! `iscsiadm -m session -P 1|2|3`, the trees of `iscsiadm -m node -P 1` and
//! `iscsiadm -m discovery -P 1`, the flat `iscsiadm -m discovery` records, and the
//! `name = value` dumps of `iscsiadm -m node -T <target> -p <portal>` (and of `-m iface`,
//! `-m discovery -p <addr>`). The flat `-m session` and `-m node` lines are in `iscsiadm`.
//!
//! Forms, from open-iscsi's printing code (usr/session_info.c, usr/iface.c, usr/idbm.c,
//! usr/iscsiadm.c, libopeniscsiusr/idbm.c), one tree per session:
//!
//! ```text
//! iSCSI Transport Class version 2.0-870          session_info_print (-P 3)
//! Target: iqn.2001-05.com.example:t1 (non-flash) session_info_print_tree
//! \tCurrent Portal: 192.0.2.10:3260,1            (`[v6]:port,tpgt` for IPv6)
//! \tPersistent Portal: 192.0.2.10:3260,1
//! \t\tIface Name: default                        iface_print (-P 1: Iface ...)
//! \t\tSID: 1                                     session_info_print_tree
//! \t\tiSCSI Connection State: LOGGED IN          print_iscsi_state
//! \t\tiSCSI Session State: LOGGED_IN
//! \t\tInternal iscsid Session State: NO CHANGE
//! \t\tRecovery Timeout: 120                      session_info_print_tree (-P 2)
//! \t\tHost Number: 3\tState: running             print_scsi_state (-P 3)
//! \t\tscsi3 Channel 00 Id 0 Lun: 1               print_scsi_device_info
//! \t\t\tAttached scsi disk sdb\t\tState: running
//! ```
//!
//! Every line is matched after its indentation (tabs or spaces) is removed. The tree lines
//! are one kind, [`Kind::ListingLine`]; the label a line prints is its `listing_key`, the
//! words after it its `listing_value`, and the lines that name something the decoder
//! types (session id, SCSI host, `H:C:T:L`, disk, portal, target, iface) fill those fields,
//! so that the incident engine learns SID → SCSI host → disks from a pasted `-P 3` tree
//! (see `incidents::listing`). The header lines (`Interface:`, `Timeouts:`, `CHAP:`,
//! `Attached SCSI devices:`, `Negotiated iSCSI params:`), the `****` rules and the
//! negotiated parameters of `-P 2` are not recognised.

use super::{Kind, Pattern, Refines, Source};

/// The listing patterns.
pub static PATTERNS: &[Pattern] = &[
    Pattern {
        // session_info_print_tree: "%sTarget: %s (%s)" (flash / non-flash since 2.0-873);
        // idbm_print_node_tree and iscsiadm.c print_nodes_tree: "%sTarget: %s".
        id: "listing.target",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Target: ",
        regex: r"^(?P<listing_key>Target): (?P<target>(?:iqn|eui|naa)\.\S+)(?: \((?P<listing_value>non-flash|flash)\))?$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`, `-m node -P 1`, `-m discovery -P 1`",
        refines: Refines::Entries(&[
            "usr/idbm.c:idbm_print_node_tree",
            "usr/iscsiadm.c:print_nodes_tree",
            "usr/session_info.c:session_info_print_tree",
        ]),
        samples: &[
            s!(
                "Target: iqn.2001-05.com.example:t1 (non-flash)",
                "target=iqn.2001-05.com.example:t1 listing_key=Target listing_value=non-flash"
            ),
            s!(
                "Target: iqn.2003-01.org.linux-iscsi.node-1.x8664:sn.956ba6728c8c",
                "target=iqn.2003-01.org.linux-iscsi.node-1.x8664:sn.956ba6728c8c"
            ),
        ],
    },
    Pattern {
        // session_info_print_tree: "%s\tCurrent Portal: %s:%d,%d" ("[%s]:%d,%d" for IPv6).
        id: "listing.current_portal",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Current Portal: ",
        regex: r"^(?P<listing_key>Current Portal): (?:\[(?P<addr>[^\]]+)\]|(?P<addr_alt>[^\s\[\]]+?)):(?P<port>\d+),(?P<tpgt>-?\d+)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`",
        refines: Refines::Entries(&["usr/session_info.c:session_info_print_tree"]),
        samples: &[
            s!(
                "\tCurrent Portal: 192.0.2.10:3260,1",
                "addr=192.0.2.10 port=3260 tpgt=1 listing_key=Current_Portal"
            ),
            s!(
                "    Current Portal: [fd00::10]:3260,2",
                "addr=fd00::10 port=3260 tpgt=2"
            ),
        ],
    },
    Pattern {
        // session_info_print_tree: "%s\tPersistent Portal: %s:%d,%d"; idbm_print_node_tree
        // and print_nodes_tree (-m node -P 1, -m discovery -P 1): "%s\tPortal: %s:%d,%d".
        id: "listing.portal",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Portal: ",
        regex: r"^(?P<listing_key>(?:Persistent )?Portal): (?:\[(?P<addr>[^\]]+)\]|(?P<addr_alt>[^\s\[\]]+?)):(?P<port>\d+),(?P<tpgt>-?\d+)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`, `-m node -P 1`",
        refines: Refines::Entries(&[
            "usr/idbm.c:idbm_print_node_tree",
            // `%s\tPortal: %s,%d` of the portal string `addr:port` (libopeniscsiusr).
            "usr/iscsiadm.c:print_nodes_tree",
            "usr/session_info.c:session_info_print_tree",
        ]),
        samples: &[
            s!(
                "\tPersistent Portal: 192.0.2.10:3260,1",
                "addr=192.0.2.10 port=3260 tpgt=1 listing_key=Persistent_Portal"
            ),
            s!(
                "\tPortal: 198.51.100.7:3260,1",
                "addr=198.51.100.7 port=3260 tpgt=1 listing_key=Portal"
            ),
        ],
    },
    Pattern {
        // iface_print: "%sIface Name: %s", "Iface Transport", "Iface Initiatorname",
        // "Iface IPaddress" ("[%s]" for IPv6), "Iface HWaddress", "Iface Netdev" (each
        // "<empty>" when unset); idbm_print_node_and_iface_tree: "\t\tIface Name: %s".
        id: "listing.iface",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Iface ",
        regex: r"^(?:(?P<listing_key>Iface Name): (?P<iface>\S+)|(?P<listing_key_alt>Iface Transport): (?P<transport>\S+)|(?P<listing_key_alt2>Iface Initiatorname): (?P<initiator>\S+)|(?P<listing_key_alt3>Iface (?:IPaddress|HWaddress|Netdev)): (?P<listing_value>\S.*))$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`, `-m node -P 1`",
        refines: Refines::Entries(&[
            "usr/idbm.c:idbm_print_node_and_iface_tree",
            "usr/iface.c:iface_print",
            "usr/iscsiadm.c:print_nodes_tree",
        ]),
        samples: &[
            s!(
                "\t\tIface Name: default",
                "iface=default listing_key=Iface_Name"
            ),
            s!(
                "\t\tIface Transport: tcp",
                "transport=tcp listing_key=Iface_Transport"
            ),
            s!(
                "\t\tIface Initiatorname: iqn.1994-05.com.redhat:5ab1b2c3d4e5",
                "initiator=iqn.1994-05.com.redhat:5ab1b2c3d4e5"
            ),
            s!(
                "\t\tIface IPaddress: 192.0.2.51",
                "listing_key=Iface_IPaddress listing_value=192.0.2.51"
            ),
            s!(
                "        Iface HWaddress: <empty>",
                "listing_key=Iface_HWaddress listing_value=<empty>"
            ),
            s!(
                "\t\tIface Netdev: <empty>",
                "listing_key=Iface_Netdev listing_value=<empty>"
            ),
        ],
    },
    Pattern {
        // session_info_print_tree: "%s\t\tSID: %u".
        id: "listing.sid",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "SID: ",
        regex: r"^(?P<listing_key>SID): (?P<sid>\d+)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`",
        refines: Refines::Entries(&["usr/session_info.c:session_info_print_tree"]),
        samples: &[
            s!("\t\tSID: 3", "sid=3 listing_key=SID"),
            s!("        SID: 12", "sid=12"),
        ],
    },
    Pattern {
        // print_iscsi_state: "%s\t\tiSCSI Connection State: %s", the words of iscsid's
        // enum iscsi_conn_state (FREE, TRANSPORT WAIT, IN LOGIN, LOGGED IN, IN LOGOUT,
        // LOGOUT REQUESTED, CLEANUP WAIT) or "Unknown" (offload drivers).
        id: "listing.conn_state",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "iSCSI Connection State: ",
        regex: r"^(?P<listing_key>iSCSI Connection State): (?P<listing_value>(?P<state_label>\S.*))$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`",
        refines: Refines::Entries(&["usr/session_info.c:print_iscsi_state"]),
        samples: &[
            s!(
                "\t\tiSCSI Connection State: LOGGED IN",
                "state=3 listing_key=iSCSI_Connection_State listing_value=LOGGED_IN"
            ),
            s!(
                "\t\tiSCSI Connection State: TRANSPORT WAIT",
                "state=1 listing_value=TRANSPORT_WAIT"
            ),
            s!(
                "\t\tiSCSI Connection State: Unknown",
                "listing_value=Unknown"
            ),
        ],
    },
    Pattern {
        // print_iscsi_state: "%s\t\tiSCSI Session State: %s", the kernel's session state
        // from sysfs (iscsi_session_state_names: FREE, LOGGED_IN, FAILED) or "Unknown".
        id: "listing.session_state",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "iSCSI Session State: ",
        regex: r"^(?P<listing_key>iSCSI Session State): (?P<listing_value>\S.*)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`",
        refines: Refines::Entries(&["usr/session_info.c:print_iscsi_state"]),
        samples: &[
            s!(
                "\t\tiSCSI Session State: LOGGED_IN",
                "listing_key=iSCSI_Session_State listing_value=LOGGED_IN"
            ),
            s!("\t\tiSCSI Session State: FAILED", "listing_value=FAILED"),
        ],
    },
    Pattern {
        // print_iscsi_state: "%s\t\tInternal iscsid Session State: %s", iscsid's recovery
        // stage (NO CHANGE, CLEANUP, REOPEN, REDIRECT) or "Unknown".
        id: "listing.iscsid_state",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Internal iscsid Session State: ",
        regex: r"^(?P<listing_key>Internal iscsid Session State): (?P<listing_value>\S.*)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 1..3`",
        refines: Refines::Entries(&["usr/session_info.c:print_iscsi_state"]),
        samples: &[
            s!(
                "\t\tInternal iscsid Session State: NO CHANGE",
                "listing_key=Internal_iscsid_Session_State listing_value=NO_CHANGE"
            ),
            s!(
                "\t\tInternal iscsid Session State: REOPEN",
                "listing_value=REOPEN"
            ),
        ],
    },
    Pattern {
        // session_info_print_tree (-P 2): "%s\t\tRecovery Timeout: %d", "Target Reset
        // Timeout: %d", "LUN Reset Timeout: %d", "Abort Timeout: %d" (or "<empty>").
        id: "listing.timeout",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Timeout: ",
        regex: r"^(?P<listing_key>(?:Recovery|Target Reset|LUN Reset|Abort) Timeout): (?P<listing_value>(?P<secs>\d+)|\S.*)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 2..3`",
        refines: Refines::Entries(&["usr/session_info.c:session_info_print_tree"]),
        samples: &[
            s!(
                "\t\tRecovery Timeout: 120",
                "secs=120 listing_key=Recovery_Timeout listing_value=120"
            ),
            s!(
                "\t\tLUN Reset Timeout: 30",
                "secs=30 listing_key=LUN_Reset_Timeout"
            ),
        ],
    },
    Pattern {
        // print_scsi_state (-P 3): "%s\t\tHost Number: %d\t" then "State: %s" (the SCSI
        // host's state: running, recovery, blocked...; "Unknown").
        id: "listing.host_number",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Host Number: ",
        regex: r"^(?P<listing_key>Host Number): (?P<scsi_host>\d+)(?:\s+State: (?P<devstate>\S+))?$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 3`",
        refines: Refines::Entries(&[
            "usr/host.c:host_info_print_tree",
            "usr/session_info.c:print_scsi_state",
        ]),
        samples: &[
            s!(
                "\t\tHost Number: 3\tState: running",
                "scsi_host=3 devstate=running listing_key=Host_Number"
            ),
            s!(
                "        Host Number: 4   State: recovery",
                "scsi_host=4 devstate=recovery"
            ),
        ],
    },
    Pattern {
        // print_scsi_device_info (-P 3): "%s\t\tscsi%d Channel 00 Id %d Lun: %d".
        id: "listing.scsi_device",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: " Channel ",
        regex: r"^scsi(?P<hctl_words>\d+ Channel \d+ Id \d+ Lun: \d+)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 3`",
        refines: Refines::Entries(&["usr/session_info.c:print_scsi_device_info"]),
        samples: &[
            s!("\t\tscsi3 Channel 00 Id 0 Lun: 1", "hctl=3:0:0:1"),
            s!("        scsi12 Channel 00 Id 0 Lun: 0", "hctl=12:0:0:0"),
        ],
    },
    Pattern {
        // print_scsi_device_info (-P 3): "%s\t\t\tAttached scsi disk %s\t\t" then
        // "State: %s" (the SCSI device's state: running, offline, blocked,
        // transport-offline...; "Unknown").
        id: "listing.attached_disk",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "Attached scsi disk ",
        regex: r"^Attached scsi disk (?P<disk>\S+)(?:\s+State: (?P<devstate>\S+))?$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 3`",
        refines: Refines::Entries(&["usr/session_info.c:print_scsi_device_info"]),
        samples: &[
            s!(
                "\t\t\tAttached scsi disk sdb\t\tState: running",
                "disk=sdb devstate=running"
            ),
            s!(
                "            Attached scsi disk sdc      State: transport-offline",
                "disk=sdc devstate=transport-offline"
            ),
        ],
    },
    Pattern {
        // session_info_print (-P 3): "iSCSI Transport Class version %s" (the kernel's
        // scsi_transport_iscsi version; the "version %s" line after it is iscsiadm's own).
        id: "listing.transport_class",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "iSCSI Transport Class version ",
        regex: r"^(?P<listing_key>iSCSI Transport Class version) (?P<version>\S+)$",
        implies: &[],
        wording: "report output of `iscsiadm -m session -P 3`",
        refines: Refines::Entries(&[
            "usr/host.c:host_info_print",
            "usr/session_info.c:session_info_print",
        ]),
        samples: &[s!(
            "iSCSI Transport Class version 2.0-870",
            "version=2.0-870 listing_key=iSCSI_Transport_Class_version"
        )],
    },
    Pattern {
        // idbm_print (libopeniscsiusr/idbm.c _idbm_recs_print): "%s = %s" for each key of a
        // node, iface or discovery record, "%s = <empty>" when unset and "%s = ********"
        // for CHAP secrets (which redact.rs masks anyway when `--show` printed them).
        id: "listing.record_setting",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "node.|iface.|discovery.",
        regex: r"^(?P<listing_key>(?:node|iface|discovery)\.[\w.\[\]]+) = (?P<listing_value>.*)$",
        implies: &[],
        wording: "report output of `iscsiadm -m node -T <target> -p <portal>`, `-m iface -I <iface>`, `-m discovery -p <portal>`",
        refines: Refines::Entries(&[
            "usr/fwparam_ibft/fw_entry.c:dump_initiator",
            "usr/fwparam_ibft/fw_entry.c:dump_network",
            "usr/fwparam_ibft/fw_entry.c:dump_target",
        ]),
        samples: &[
            s!(
                "node.session.timeo.replacement_timeout = 120",
                "listing_key=node.session.timeo.replacement_timeout listing_value=120"
            ),
            s!(
                "node.conn[0].timeo.noop_out_timeout = 5",
                "listing_key=node.conn[0].timeo.noop_out_timeout listing_value=5"
            ),
            s!(
                "iface.iscsi_ifacename = default",
                "listing_key=iface.iscsi_ifacename listing_value=default"
            ),
            s!(
                "discovery.sendtargets.auth.authmethod = None",
                "listing_key=discovery.sendtargets.auth.authmethod listing_value=None"
            ),
            s!(
                "node.session.auth.password = ********",
                "listing_key=node.session.auth.password listing_value=********"
            ),
        ],
    },
    Pattern {
        // __idbm_print_all_by_drec (-m discovery): "%s:%d via %s" (sendtargets or isns; the
        // address unbracketed); with -P 1: "DiscoveryAddress: %s,%d".
        id: "listing.discovery_address",
        kind: Kind::ListingLine,
        source: Source::OpenIscsi,
        anchor: "via sendtargets|DiscoveryAddress: ",
        regex: r"^(?:(?P<addr>\S+):(?P<port>\d+) via (?P<listing_value>sendtargets)|(?P<listing_key>DiscoveryAddress): (?P<addr_alt>\S+),(?P<port_alt>\d+))$",
        implies: &[],
        wording: "report output of `iscsiadm -m discovery` (`-P 1`)",
        refines: Refines::Entries(&["usr/idbm.c:__idbm_print_all_by_drec"]),
        samples: &[
            s!(
                "192.0.2.10:3260 via sendtargets",
                "addr=192.0.2.10 port=3260 listing_value=sendtargets"
            ),
            s!(
                "DiscoveryAddress: 192.0.2.10,3260",
                "addr=192.0.2.10 port=3260 listing_key=DiscoveryAddress"
            ),
        ],
    },
];
