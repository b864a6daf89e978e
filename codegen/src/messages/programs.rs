//! Which programs link a source file, and so may print its messages: the kernel's files are
//! the kernel's; open-iscsi's follow the object lists of its `usr/Makefile` (tag 2.1.11):
//!
//! ```text
//! ISCSID_OBJS     = iscsid.o session_mgmt.o discoveryd.o mntcheck.o
//! ISCSIADM_OBJS   = iscsiadm.o session_mgmt.o mntcheck.o
//! ISCSISTART_OBJS = iscsistart.o
//! ISCSI_LIB_OBJS  = … (all three)            INITIATOR_OBJS = initiator.o scsi.o actor.o
//!                                            event_poll.o mgmt_ipc.o kern_err_table.o
//! DISCOVERY_OBJS  = local_strings.o discovery.o
//! iscsid:     ISCSI_LIB INITIATOR DISCOVERY FW_BOOT ISCSID
//! iscsiadm:   ISCSI_LIB DISCOVERY FW_BOOT ISCSIADM
//! iscsistart: ISCSI_LIB INITIATOR FW_BOOT ISCSISTART
//! ```
//!
//! All three link libopeniscsiusr (`$(ISCSI_LIB)`); iscsiuio is its own program. The decoder
//! uses the set to choose between call sites of one wording: a line tagged `iscsistart`
//! cannot come from `usr/iscsiadm.c`.

/// The programs that link `file` of `origin` (`kernel` or `open-iscsi`), as the name of the
/// decoder's constant for that set (`decode/src/decode/sources/mod.rs`).
pub fn set_of(kernel: bool, file: &str) -> &'static str {
    if kernel {
        return "KERNEL";
    }
    if file.starts_with("iscsiuio/") {
        return "UIO";
    }
    let Some(name) = file.strip_prefix("usr/") else {
        // libopeniscsiusr/, sysdeps/, utils/: linked into all three (or run by hand).
        return "ALL";
    };
    let stem = name.strip_suffix(".c").unwrap_or(name);
    match stem {
        "iscsid" | "discoveryd" => "ISCSID",
        "iscsiadm" => "ISCSIADM",
        "iscsistart" => "ISCSISTART",
        "session_mgmt" | "mntcheck" | "local_strings" | "discovery" => "ISCSID_ISCSIADM",
        "initiator" | "scsi" | "actor" | "event_poll" | "mgmt_ipc" | "kern_err_table" => {
            "ISCSID_ISCSISTART"
        }
        _ => "ALL",
    }
}

#[cfg(test)]
mod tests {
    use super::set_of;

    #[test]
    fn programs_follow_the_makefile() {
        assert_eq!(set_of(true, "drivers/scsi/libiscsi.c"), "KERNEL");
        assert_eq!(set_of(false, "usr/iscsiadm.c"), "ISCSIADM");
        assert_eq!(set_of(false, "usr/initiator.c"), "ISCSID_ISCSISTART");
        assert_eq!(set_of(false, "usr/discovery.c"), "ISCSID_ISCSIADM");
        assert_eq!(set_of(false, "usr/login.c"), "ALL");
        assert_eq!(set_of(false, "usr/fwparam_ibft/fw_entry.c"), "ALL");
        assert_eq!(set_of(false, "libopeniscsiusr/sysfs.c"), "ALL");
        assert_eq!(set_of(false, "iscsiuio/src/unix/main.c"), "UIO");
    }
}
