//! The logging calls the extractor knows: one row per function or macro of the kernel's
//! iSCSI initiator and of open-iscsi, with where its format argument is, the level it logs
//! at, and the prefix it puts before the format. The one registry of logging calls: the
//! scanner and the catalog cross-check read it, nothing repeats it.
//!
//! Each row is checked against the macro's definition in the sources it names:
//! - open-iscsi `usr/log.h` (`log_error`, `log_warning`, `log_info`, `log_debug(level, …)`,
//!   `sess_log_connect(level, session, …)`), `usr/initiator.h` (`conn_error(conn, …)`,
//!   `conn_debug(level, conn, …)`: prefix `connection%d:%d `), `libopeniscsiusr/misc.h`
//!   (`_error(ctx, …)`: `iSCSI ERROR: `), `iscsiuio/src/unix/logger.h` (`ILOG_ERR(…)`: the
//!   level string `ERR  `);
//! - the kernel's `include/linux/printk.h` (`printk`, `pr_*`), `include/scsi/scsi_device.h`
//!   (`sdev_printk`, `scmd_printk`), `include/scsi/scsi_host.h` (`shost_printk`),
//!   `include/scsi/scsi_transport_iscsi.h` (`iscsi_cls_conn_printk`: `dev_printk` on the
//!   connection device, whose driver string is empty, hence the leading space),
//!   `include/scsi/libiscsi.h` (`iscsi_conn_printk`), `drivers/scsi/libiscsi.c` and
//!   `libiscsi_tcp.c` (`ISCSI_DBG_*`: `<prefix><func> <msg>`), `scsi_transport_iscsi.c`
//!   (`ISCSI_DBG_TRANS_*`: `<prefix><func>: <msg>`), `drivers/infiniband/ulp/iser/iscsi_iser.h`
//!   (`iser_err`: `iser: <func>: `), `include/linux/device-mapper.h` (`DMERR`: the file's
//!   `DM_MSG_PREFIX`);
//! - the offload drivers' own macros: `drivers/scsi/qedi/qedi_dbg.h` (`QEDI_ERR`… call
//!   `qedi_dbg_err`… of `qedi_dbg.c`: `pr_err("[%s]:[%s:%d]:%d: %pV", dev_name, func, line,
//!   host_no, …)`, under the `qedi_dbg_log` mask but for `QEDI_ERR`),
//!   `drivers/scsi/qla4xxx/ql4_def.h` (`ql4_printk`: `dev_printk`) and `ql4_dbg.h` (the
//!   `DEBUG2(x)` gates), `drivers/scsi/be2iscsi/be_main.h` (`beiscsi_log`: `shost_printk`
//!   when `level[1] <= '3'` or the `log_enable` mask asks), `drivers/scsi/cxgbi/libcxgbi.h`
//!   (`log_debug`, `pr_info_ipaddr`: `pr_info` under `dbg_level`). bnx2i has none of its
//!   own: it calls `printk` and `iscsi_conn_printk`.
//!
//! `pr_*` calls print through the file's `pr_fmt` (`{pr_fmt}` in a prefix): cxgbi's
//! `KBUILD_MODNAME ":%s: " fmt, __func__`.

/// Where a call's level comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LevelFrom {
    /// Always this level (`err`, `warn`, `notice`, `info`, `debug`).
    Fixed(&'static str),
    /// The `KERN_*` macro at the start of the format (`printk(KERN_ERR "…")`), else `info`
    /// (printk's default is `KERN_DEFAULT`, shown at the console level `warn`; the catalog
    /// calls an unmarked printk `info`).
    KernPrefix,
    /// The `KERN_*` argument at this index (`iscsi_conn_printk(KERN_ERR, conn, …)`).
    KernArg(usize),
    /// The `LOG_*` priority argument at this index (`syslog(LOG_ERR, …)`).
    SyslogArg(usize),
}

/// One logging call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// The function or macro name.
    pub name: &'static str,
    /// Which sources use it.
    pub origin: Origin,
    /// The index of the format argument.
    pub format: usize,
    /// Where the level comes from.
    pub level: LevelFrom,
    /// The text the macro prints before the format; `{func}` stands for the enclosing
    /// function's name, `{DM_MSG_PREFIX}` for the file's device-mapper prefix.
    pub prefix: &'static str,
    /// Only printed when a debug switch is on, whatever level it is emitted at.
    pub debug_only: bool,
    /// The first argument must be this identifier (`fprintf(stderr, …)`).
    pub first_arg: Option<&'static str>,
    /// A driver's log mask that decides, call by call, whether it prints by default.
    pub mask: Mask,
}

/// A driver's run-time log mask in front of a call: what it prints without a debug switch.
/// A call the mask keeps quiet by default is `debug` (the catalog's rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mask {
    /// No mask: printed whenever reached.
    None,
    /// Printed at `err` and more severe, the rest only when the mask asks (be2iscsi's
    /// `beiscsi_log`: `level[1] <= '3'`, the mask `log_enable` is 0 by default).
    BelowErr,
    /// Printed only when the mask bit named by the argument at this index is on by default
    /// (`QEDI_INFO(dbg, QEDI_LOG_SCSI_TM, …)` against `qedi_dbg_log`'s default).
    ArgIn(usize, &'static [&'static str]),
}

/// Which sources a call belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The kernel's iSCSI initiator (and the SCSI, block and dm lines around it).
    Kernel,
    /// open-iscsi: iscsid, iscsiadm, iscsistart, iscsiuio, libopeniscsiusr.
    OpenIscsi,
}

const fn call(name: &'static str, origin: Origin, format: usize, level: LevelFrom) -> Call {
    Call {
        name,
        origin,
        format,
        level,
        prefix: "",
        debug_only: false,
        first_arg: None,
        mask: Mask::None,
    }
}

const fn masked(c: Call, mask: Mask) -> Call {
    Call { mask, ..c }
}

const fn with_prefix(c: Call, prefix: &'static str) -> Call {
    Call { prefix, ..c }
}

const fn debug(c: Call) -> Call {
    Call {
        debug_only: true,
        ..c
    }
}

use LevelFrom::{Fixed, KernArg, KernPrefix, SyslogArg};
use Origin::{Kernel, OpenIscsi};

const CONN_U: &str = "connection%d:%d ";
const KCONN: &str = " connection%d:%u: ";
const KSESS: &str = " session%u: ";
const SDEV: &str = "{sd|scsi} %d:%d:%d:%llu: ";
const SHOST: &str = "scsi host%d: ";
/// dev_printk's `"%s %s: ", dev_driver_string(dev), dev_name(dev)` (drivers/base/core.c
/// __dev_printk) on a device whose names the format does not know (`qla4xxx 0000:04:00.0: `).
const DEV: &str = "{driver} {device}: ";
const PR_FMT: &str = "{pr_fmt}";
const QEDI: &str = "[%s]:[{func}:%d]:%d: ";
/// `qedi_dbg_log`'s default (qedi_main.c): `QEDI_LOG_WARN | QEDI_LOG_SCSI_TM`.
const QEDI_DEFAULT: &[&str] = &["QEDI_LOG_SCSI_TM"];

/// Every logging call the extractor knows.
pub const CALLS: &[Call] = &[
    // open-iscsi: usr/log.h, usr/initiator.h
    call("log_error", OpenIscsi, 0, Fixed("err")),
    call("log_warning", OpenIscsi, 0, Fixed("warn")),
    call("log_info", OpenIscsi, 0, Fixed("info")),
    debug(call("log_debug", OpenIscsi, 1, Fixed("debug"))),
    with_prefix(call("conn_error", OpenIscsi, 1, Fixed("err")), CONN_U),
    with_prefix(call("conn_warn", OpenIscsi, 1, Fixed("warn")), CONN_U),
    with_prefix(call("conn_info", OpenIscsi, 1, Fixed("info")), CONN_U),
    debug(with_prefix(
        call("conn_debug", OpenIscsi, 2, Fixed("debug")),
        CONN_U,
    )),
    debug(with_prefix(
        call("sess_log_connect", OpenIscsi, 2, Fixed("debug")),
        "session%d ",
    )),
    call("printf", OpenIscsi, 0, Fixed("info")),
    Call {
        first_arg: Some("stderr"),
        ..call("fprintf", OpenIscsi, 1, Fixed("err"))
    },
    call("syslog", OpenIscsi, 1, SyslogArg(0)),
    // libopeniscsiusr/misc.h
    with_prefix(call("_error", OpenIscsi, 1, Fixed("err")), "iSCSI ERROR: "),
    with_prefix(
        call("_warn", OpenIscsi, 1, Fixed("warn")),
        "iSCSI WARNING: ",
    ),
    with_prefix(call("_info", OpenIscsi, 1, Fixed("info")), "iSCSI INFO: "),
    debug(with_prefix(
        call("_debug", OpenIscsi, 1, Fixed("debug")),
        "iSCSI DEBUG: ",
    )),
    // iscsiuio/src/unix/logger.h
    with_prefix(call("ILOG_ERR", OpenIscsi, 0, Fixed("err")), "ERR  "),
    with_prefix(call("ILOG_WARN", OpenIscsi, 0, Fixed("warn")), "WARN "),
    with_prefix(call("ILOG_INFO", OpenIscsi, 0, Fixed("info")), "INFO "),
    debug(with_prefix(
        call("ILOG_DEBUG", OpenIscsi, 0, Fixed("debug")),
        "DBG  ",
    )),
    debug(with_prefix(
        call("ILOG_PACKET", OpenIscsi, 0, Fixed("debug")),
        "PKT  ",
    )),
    // The kernel: include/linux/printk.h
    call("printk", Kernel, 0, KernPrefix),
    call("printk_ratelimited", Kernel, 0, KernPrefix),
    call("printk_deferred", Kernel, 0, KernPrefix),
    // `pr_*` put the file's `pr_fmt` before the format.
    with_prefix(call("pr_emerg", Kernel, 0, Fixed("emerg")), PR_FMT),
    with_prefix(call("pr_alert", Kernel, 0, Fixed("alert")), PR_FMT),
    with_prefix(call("pr_crit", Kernel, 0, Fixed("crit")), PR_FMT),
    with_prefix(call("pr_err", Kernel, 0, Fixed("err")), PR_FMT),
    with_prefix(call("pr_warn", Kernel, 0, Fixed("warn")), PR_FMT),
    with_prefix(call("pr_notice", Kernel, 0, Fixed("notice")), PR_FMT),
    with_prefix(call("pr_info", Kernel, 0, Fixed("info")), PR_FMT),
    debug(with_prefix(
        call("pr_debug", Kernel, 0, Fixed("debug")),
        PR_FMT,
    )),
    with_prefix(call("pr_err_ratelimited", Kernel, 0, Fixed("err")), PR_FMT),
    with_prefix(
        call("pr_warn_ratelimited", Kernel, 0, Fixed("warn")),
        PR_FMT,
    ),
    with_prefix(
        call("pr_info_ratelimited", Kernel, 0, Fixed("info")),
        PR_FMT,
    ),
    call("WARN_ONCE", Kernel, 1, Fixed("warn")),
    call("WARN", Kernel, 1, Fixed("warn")),
    // include/linux/dev_printk.h
    with_prefix(call("dev_err", Kernel, 1, Fixed("err")), DEV),
    with_prefix(call("dev_warn", Kernel, 1, Fixed("warn")), DEV),
    with_prefix(call("dev_notice", Kernel, 1, Fixed("notice")), DEV),
    with_prefix(call("dev_info", Kernel, 1, Fixed("info")), DEV),
    debug(with_prefix(call("dev_dbg", Kernel, 1, Fixed("debug")), DEV)),
    with_prefix(call("dev_printk", Kernel, 2, KernArg(0)), DEV),
    // include/scsi/scsi_device.h: dev_printk on the scsi_target, which has no driver: the
    // bus name, then `target%d:%d:%d`.
    with_prefix(
        call("starget_printk", Kernel, 2, KernArg(0)),
        "scsi target%d:%d:%d: ",
    ),
    // include/scsi/*.h, libiscsi, scsi_transport_iscsi
    with_prefix(call("iscsi_conn_printk", Kernel, 2, KernArg(0)), KCONN),
    with_prefix(call("iscsi_cls_conn_printk", Kernel, 2, KernArg(0)), KCONN),
    with_prefix(call("iscsi_session_printk", Kernel, 2, KernArg(0)), KSESS),
    with_prefix(
        call("iscsi_cls_session_printk", Kernel, 2, KernArg(0)),
        KSESS,
    ),
    with_prefix(call("shost_printk", Kernel, 2, KernArg(0)), SHOST),
    with_prefix(call("sdev_printk", Kernel, 2, KernArg(0)), SDEV),
    with_prefix(
        call("scmd_printk", Kernel, 2, KernArg(0)),
        "{sd|scsi} %d:%d:%d:%llu: [%s] tag#%d ",
    ),
    debug(with_prefix(
        call("ISCSI_DBG_CONN", Kernel, 1, Fixed("debug")),
        " connection%d:%u: {func} ",
    )),
    debug(with_prefix(
        call("ISCSI_DBG_SESSION", Kernel, 1, Fixed("debug")),
        " session%u: {func} ",
    )),
    debug(with_prefix(
        call("ISCSI_DBG_EH", Kernel, 1, Fixed("debug")),
        " session%u: {func} ",
    )),
    debug(with_prefix(
        call("ISCSI_DBG_TCP", Kernel, 1, Fixed("debug")),
        " connection%d:%u: {func} ",
    )),
    debug(with_prefix(
        call("ISCSI_SW_TCP_DBG", Kernel, 1, Fixed("debug")),
        " connection%d:%u: {func} ",
    )),
    debug(with_prefix(
        call("ISCSI_DBG_TRANS_SESSION", Kernel, 1, Fixed("debug")),
        " session%u: {func}: ",
    )),
    debug(with_prefix(
        call("ISCSI_DBG_TRANS_CONN", Kernel, 1, Fixed("debug")),
        " connection%d:%u: {func}: ",
    )),
    // drivers/infiniband/ulp/iser/iscsi_iser.h
    with_prefix(call("iser_err", Kernel, 0, Fixed("err")), "iser: {func}: "),
    // iser_warn prints when iser_debug_level > 0, iser_info > 1, iser_dbg > 2 (off by default).
    debug(with_prefix(
        call("iser_warn", Kernel, 0, Fixed("warn")),
        "iser: {func}: ",
    )),
    debug(with_prefix(
        call("iser_info", Kernel, 0, Fixed("info")),
        "iser: {func}: ",
    )),
    debug(with_prefix(
        call("iser_dbg", Kernel, 0, Fixed("debug")),
        "iser: {func}: ",
    )),
    // include/linux/device-mapper.h
    with_prefix(
        call("DMERR", Kernel, 0, Fixed("err")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    ),
    with_prefix(
        call("DMWARN", Kernel, 0, Fixed("warn")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    ),
    with_prefix(
        call("DMINFO", Kernel, 0, Fixed("info")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    ),
    with_prefix(
        call("DMERR_LIMIT", Kernel, 0, Fixed("err")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    ),
    debug(with_prefix(
        call("DMDEBUG", Kernel, 0, Fixed("debug")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    )),
    debug(with_prefix(
        call("DMDEBUG_LIMIT", Kernel, 0, Fixed("debug")),
        "device-mapper: {DM_MSG_PREFIX}: ",
    )),
    // drivers/scsi/qedi/qedi_dbg.h, qedi_dbg.c: `[<pci name>]:[<func>:<line>]:<host>: `.
    // QEDI_WARN prints under QEDI_LOG_WARN (on by default), QEDI_NOTICE under
    // QEDI_LOG_NOTICE (off), QEDI_INFO under the mask bit it is given.
    with_prefix(call("QEDI_ERR", Kernel, 1, Fixed("err")), QEDI),
    with_prefix(call("QEDI_WARN", Kernel, 1, Fixed("warn")), QEDI),
    debug(with_prefix(
        call("QEDI_NOTICE", Kernel, 1, Fixed("notice")),
        QEDI,
    )),
    masked(
        with_prefix(call("QEDI_INFO", Kernel, 2, Fixed("info")), QEDI),
        Mask::ArgIn(1, QEDI_DEFAULT),
    ),
    // drivers/scsi/qla4xxx/ql4_def.h: dev_printk on the PCI device.
    with_prefix(call("ql4_printk", Kernel, 2, KernArg(0)), DEV),
    // drivers/scsi/be2iscsi/be_main.h: shost_printk(level, shost, fmt, __LINE__, …), the
    // format's own `BM_%d : ` taking the line.
    masked(
        with_prefix(call("beiscsi_log", Kernel, 3, KernArg(1)), SHOST),
        Mask::BelowErr,
    ),
    with_prefix(call("__beiscsi_log", Kernel, 2, KernArg(1)), SHOST),
    // drivers/scsi/cxgbi/libcxgbi.h: pr_info when `dbg_level` has the bit.
    debug(with_prefix(
        call("log_debug", Kernel, 1, Fixed("info")),
        PR_FMT,
    )),
    debug(with_prefix(
        call("pr_info_ipaddr", Kernel, 0, Fixed("info")),
        "{pr_fmt}%pISpc - %pISpc, ",
    )),
];

/// Whether a call of `name` in `file` wraps its argument in a debug switch: the SCSI
/// midlayer's `SCSI_LOG_*(level, cmd)` macros (include/scsi/scsi_logging.h), which run
/// `cmd` only when `scsi_mod.scsi_logging_level` asks for it, and qla4xxx's `DEBUG*(x)`
/// (drivers/scsi/qla4xxx/ql4_dbg.h: `DEBUG2` and `DEBUG3` run `x` when
/// `ql4xextended_error_logging` is 2 or 3, the others are compiled out; `DEBUG2_3` always
/// runs it).
pub fn is_debug_gate(name: &str, file: &str) -> bool {
    (name.starts_with("SCSI_LOG_") && name != "SCSI_LOG_LEVEL")
        || (file.starts_with("drivers/scsi/qla4xxx/")
            && name.strip_prefix("DEBUG").is_some_and(|n| {
                n.is_empty() || (n.len() == 1 && n.as_bytes()[0].is_ascii_digit())
            }))
}

/// The row of `name` for `origin`, if it is a known logging call.
pub fn find(name: &str, origin: Origin) -> Option<&'static Call> {
    CALLS.iter().find(|c| c.name == name && c.origin == origin)
}

/// The level a kernel `KERN_*` macro names (`KERN_ERR` → `err`).
pub fn kern_level(name: &str) -> Option<&'static str> {
    Some(match name {
        "KERN_EMERG" => "emerg",
        "KERN_ALERT" => "alert",
        "KERN_CRIT" => "crit",
        "KERN_ERR" => "err",
        "KERN_WARNING" => "warn",
        "KERN_NOTICE" => "notice",
        "KERN_INFO" => "info",
        "KERN_DEBUG" => "debug",
        "KERN_DEFAULT" | "KERN_CONT" => "info",
        _ => return None,
    })
}

/// The level a syslog priority macro names (`LOG_ERR` → `err`).
pub fn syslog_level(name: &str) -> Option<&'static str> {
    Some(match name {
        "LOG_EMERG" => "emerg",
        "LOG_ALERT" => "alert",
        "LOG_CRIT" => "crit",
        "LOG_ERR" => "err",
        "LOG_WARNING" => "warn",
        "LOG_NOTICE" => "notice",
        "LOG_INFO" => "info",
        "LOG_DEBUG" => "debug",
        _ => return None,
    })
}

/// String macros every source may use without defining them: `<inttypes.h>`'s, as on LP64
/// glibc (the catalog's convention).
pub const BUILTIN_STRINGS: &[(&str, &str)] = &[
    ("PRIu64", "lu"),
    ("PRId64", "ld"),
    ("PRIi64", "li"),
    ("PRIx64", "lx"),
    ("PRIX64", "lX"),
    ("PRIu32", "u"),
    ("PRIi32", "i"),
    ("PRIX32", "X"),
    ("PRId16", "d"),
    ("PRIi16", "i"),
    ("PRIx16", "x"),
    ("PRIu8", "u"),
    ("PRIx8", "x"),
    ("PRId32", "d"),
    ("PRIx32", "x"),
    ("PRIu16", "u"),
];
