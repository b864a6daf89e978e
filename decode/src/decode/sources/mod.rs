//! Where a message comes from: the generated table of every wording the kernel's iSCSI
//! initiator and open-iscsi print (`decode/generated/messages.rs`, from the facts in
//! `headers/messages/`, docs/messages.md), and the matcher that finds a message's row.

mod matcher;
pub(crate) mod release;

#[cfg(test)]
pub(crate) use matcher::{field_spans, group_count};
pub(crate) use matcher::{fill_fields, find, find_strict, matching, same_wording};

/// One call site of the sources that prints a message: the row of the generated table a
/// decoded message matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageSource {
    /// `kernel` or `open-iscsi`.
    pub origin: &'static str,
    /// The programs that link the file, and so may print the message (`["kernel"]`;
    /// open-iscsi's from its `usr/Makefile`: `["iscsid", "iscsistart"]` for
    /// `usr/initiator.c`).
    pub programs: &'static [&'static str],
    /// The source file (`drivers/scsi/libiscsi.c`, `usr/initiator.c`).
    pub file: &'static str,
    /// The function that prints it.
    pub function: &'static str,
    /// The logging call (`iscsi_conn_printk`, `log_error`).
    pub via: &'static str,
    /// The level it is printed at (`err`, `warn`, `notice`, `info`, `debug`; `debug` for
    /// anything printed only under a debug switch).
    pub level: &'static str,
    /// What the logging call prints before the format.
    pub prefix: &'static str,
    /// The format string.
    pub format: &'static str,
    /// The first tracked release that prints this wording.
    pub since: &'static str,
    /// The last tracked release that prints it.
    pub until: &'static str,
    /// The decoder field each conversion of the prefix and format fills, by their group
    /// names (`sid cid - kerr`; `-` for none), from the reviewed spec
    /// `headers/message-fields.toml`; empty when none fills a field.
    pub fields: &'static str,
}

impl MessageSource {
    #[allow(clippy::too_many_arguments)]
    const fn new(
        origin: &'static str,
        programs: &'static [&'static str],
        file: &'static str,
        function: &'static str,
        via: &'static str,
        level: &'static str,
        prefix: &'static str,
        format: &'static str,
        since: &'static str,
        until: &'static str,
        fields: &'static str,
    ) -> MessageSource {
        MessageSource {
            origin,
            programs,
            file,
            function,
            via,
            level,
            prefix,
            format,
            since,
            until,
            fields,
        }
    }
}

/// The generated table's row constructor and origins.
type Row = MessageSource;
const K: &str = "kernel";
const U: &str = "open-iscsi";
const KERNEL: &[&str] = &["kernel"];
const UIO: &[&str] = &["iscsiuio"];
const ISCSID: &[&str] = &["iscsid"];
const ISCSIADM: &[&str] = &["iscsiadm"];
const ISCSISTART: &[&str] = &["iscsistart"];
const ISCSID_ISCSIADM: &[&str] = &["iscsid", "iscsiadm"];
const ISCSID_ISCSISTART: &[&str] = &["iscsid", "iscsistart"];
const ALL: &[&str] = &["iscsid", "iscsiadm", "iscsistart"];

/// Every wording of the tracked releases.
pub(crate) static ROWS: &[MessageSource] = include!("../../../generated/messages.rs");
