//! The vocabularies of the patterns: the programs that log them ([`Source`]), how serious a
//! message is ([`Severity`]), what it means ([`Kind`], one registry row per kind with its
//! JSON name, severity and [`Scope`]).

/// Which programs may log a pattern's message; checked against the syslog tag when the line
/// has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The kernel (`kernel:` tag, dmesg).
    Kernel,
    /// open-iscsi: iscsid, iscsiadm, iscsistart.
    OpenIscsi,
    /// multipathd.
    Multipathd,
    /// systemd and journald.
    Systemd,
    /// iscsiuio.
    Iscsiuio,
}

impl Source {
    /// The source of a syslog tag, or `None` for a program the tables do not know.
    pub fn of_program(p: &str) -> Option<Source> {
        Some(match p {
            "kernel" => Source::Kernel,
            "iscsid" | "iscsiadm" | "iscsistart" => Source::OpenIscsi,
            "multipathd" => Source::Multipathd,
            "systemd" | "systemd-journald" | "init" => Source::Systemd,
            "iscsiuio" => Source::Iscsiuio,
            _ => return None,
        })
    }

    /// The name used in reports: `kernel`, `open-iscsi`, ...
    pub fn name(self) -> &'static str {
        match self {
            Source::Kernel => "kernel",
            Source::OpenIscsi => "open-iscsi",
            Source::Multipathd => "multipathd",
            Source::Systemd => "systemd",
            Source::Iscsiuio => "iscsiuio",
        }
    }
}

/// How serious a message is, for colouring and the incident logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Routine: logins, banners, device attach.
    Info,
    /// Degraded but working, or worth a look.
    Warning,
    /// A failure.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether a kind of line is iSCSI (the NDJSON `iscsi` member).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Printed by the iSCSI initiator stack (or about an iSCSI unit): always iSCSI.
    Initiator,
    /// A SCSI, block or multipath line: iSCSI when the log ties its host, disk or path to
    /// an iSCSI session (the incident engine decides, in line order).
    Context,
    /// Not the initiator: a target (LIO) on the same host.
    Foreign,
}

macro_rules! kinds {
    ($($(#[doc = $doc:literal])* $v:ident = $name:literal, $sev:ident, $scope:ident;)*) => {
        /// What a recognised message means. The JSON `kind` is [`Kind::name`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Kind {
            $($(#[doc = $doc])* $v,)*
        }
        impl Kind {
            /// Every kind.
            pub const ALL: &'static [Kind] = &[$(Kind::$v,)*];
            /// The position of this kind in [`Kind::ALL`] (the declaration order).
            pub fn index(self) -> usize {
                self as usize
            }
            /// The snake_case name used in JSON.
            pub fn name(self) -> &'static str {
                match self { $(Kind::$v => $name,)* }
            }
            /// How serious the message is.
            pub fn severity(self) -> Severity {
                match self { $(Kind::$v => Severity::$sev,)* }
            }
            /// Whether the kind is a generic one (a message no specific pattern knows, with
            /// its ids): such a line may be the first half of a wrapped message.
            pub fn is_generic(self) -> bool {
                matches!(
                    self,
                    Kind::KernelConnMessage
                        | Kind::KernelSessionMessage
                        | Kind::ScsiHostMessage
                        | Kind::ScsiDeviceMessage
                        | Kind::IscsidSessionMessage
                        | Kind::MultipathMessage
                        | Kind::Other
                        | Kind::Debug
                )
            }
            /// Whether lines of this kind are iSCSI.
            pub fn scope(self) -> Scope {
                match self { $(Kind::$v => Scope::$scope,)* }
            }
        }
    };
}

kinds! {
    /// Kernel: a NOP-Out ping got no answer in time (then conn error 1022).
    PingTimeout = "ping_timeout", Error, Initiator;
    /// Kernel: `detected conn error (N)`.
    ConnError = "conn_error", Error, Initiator;
    /// Kernel: a conn error or login event the kernel could not deliver to iscsid.
    ConnErrorIgnored = "conn_error_ignored", Error, Initiator;
    /// Kernel (offload drivers): `detected conn login (N)`.
    ConnLogin = "conn_login", Info, Initiator;
    /// Kernel: replacement_timeout expired; I/O is failed and devices go offline.
    RecoveryTimeout = "recovery_timeout", Error, Initiator;
    /// Kernel: another message about `connectionS:C`.
    KernelConnMessage = "kernel_conn_message", Warning, Initiator;
    /// Kernel: another message about `sessionS`.
    KernelSessionMessage = "kernel_session_message", Warning, Initiator;
    /// Kernel: `scsi hostN: iSCSI Initiator over TCP/IP` (one SCSI host per session).
    HostAdded = "host_added", Info, Initiator;
    /// Kernel: another message about `scsi hostN`.
    ScsiHostMessage = "scsi_host_message", Info, Context;
    /// Kernel: an iSCSI transport module registered or the transport class loaded.
    TransportLoaded = "transport_loaded", Info, Initiator;
    /// Kernel: `rejecting I/O to offline device` (or dead).
    RejectingIo = "rejecting_io", Error, Context;
    /// Kernel: a SCSI command's final result (`FAILED Result: hostbyte=...`).
    ScsiResult = "scsi_result", Error, Context;
    /// Kernel: the CDB of a failed SCSI command.
    ScsiCdb = "scsi_cdb", Info, Context;
    /// Kernel: sense data of a failed SCSI command.
    ScsiSense = "scsi_sense", Warning, Context;
    /// Kernel: a SCSI command ran out of time (`timing out command, waited Ns`).
    CommandTimeout = "command_timeout", Error, Context;
    /// Kernel: error handling gave up and offlined the device.
    DeviceOfflined = "device_offlined", Error, Context;
    /// Kernel: a disk was attached (`[sdX] Attached SCSI disk`): maps the disk to H:C:T:L.
    DiskAttached = "disk_attached", Info, Context;
    /// Kernel: another message about a SCSI device `H:C:T:L`.
    ScsiDeviceMessage = "scsi_device_message", Info, Context;
    /// Kernel block layer: an I/O request failed.
    IoError = "io_error", Error, Context;
    /// Kernel: a buffer-cache I/O failed.
    BufferIoError = "buffer_io_error", Error, Context;
    /// Kernel: rate limiting dropped N messages of a storage function.
    CallbacksSuppressed = "callbacks_suppressed", Warning, Context;
    /// device-mapper multipath: a path failed.
    MultipathFailingPath = "multipath_failing_path", Error, Context;
    /// device-mapper multipath: a path came back.
    MultipathReinstatingPath = "multipath_reinstating_path", Info, Context;
    /// device-mapper multipath: another kernel message.
    MultipathMessage = "multipath_message", Warning, Context;
    /// multipathd: a path was marked failed.
    MultipathdPathFailed = "multipathd_path_failed", Error, Context;
    /// multipathd: a path was reinstated or reported up.
    MultipathdPathUp = "multipathd_path_up", Info, Context;
    /// multipathd: the number of active paths left in a map.
    MultipathdPaths = "multipathd_paths", Warning, Context;
    /// iscsid: `Kernel reported iSCSI connection S:C error (N - text) state (N)`.
    KernelReported = "kernel_reported", Error, Initiator;
    /// iscsid: a userspace NOP-Out timed out (offload drivers).
    NopOutTimeout = "nop_out_timeout", Error, Initiator;
    /// iscsid/iscsiadm: a TCP connect to the portal failed (one relogin attempt).
    ConnectFailed = "connect_failed", Error, Initiator;
    /// iscsid: the session is logged in again after a failure.
    Recovered = "recovered", Info, Initiator;
    /// iscsid: a new session is logged in.
    OperationalNow = "operational_now", Info, Initiator;
    /// iscsid: a connection was shut down (logout, or the end of a failed login).
    ConnShutdown = "conn_shutdown", Warning, Initiator;
    /// iscsid: the target rejected a login.
    LoginRejected = "login_rejected", Error, Initiator;
    /// iscsid: another login failure.
    LoginError = "login_error", Error, Initiator;
    /// iscsid: the target asked to log out or announced it drops connections.
    TargetAsync = "target_async", Warning, Initiator;
    /// iscsid: iscsid stopped retrying a session.
    GaveUp = "gave_up", Error, Initiator;
    /// iscsid: a relogin attempt started.
    Reopening = "reopening", Info, Initiator;
    /// iscsid: a netlink call to the kernel failed (bind, start, stop, set param).
    KernelCallFailed = "kernel_call_failed", Error, Initiator;
    /// iscsid: the daemon started or stopped, or its version.
    DaemonLifecycle = "daemon_lifecycle", Info, Initiator;
    /// iscsid/iscsiadm: a configuration problem (initiator name, CHAP, timeouts, priority).
    ConfigWarning = "config_warning", Warning, Initiator;
    /// iscsid: another message with a session id.
    IscsidSessionMessage = "iscsid_session_message", Warning, Initiator;
    /// iscsiadm: `Logging in to [...]`.
    LoggingIn = "logging_in", Info, Initiator;
    /// iscsiadm: `Login to [...] successful.`
    LoginSucceeded = "login_succeeded", Info, Initiator;
    /// iscsiadm: `Could not login to [...]`.
    LoginFailed = "login_failed", Error, Initiator;
    /// iscsiadm: `initiator reported error (N - text)`.
    InitiatorError = "initiator_error", Error, Initiator;
    /// iscsiadm: `Could not log into all portals` (summary of failed logins).
    LoginAllFailed = "login_all_failed", Error, Initiator;
    /// iscsiadm: `Logging out of session [...]`.
    LoggingOut = "logging_out", Info, Initiator;
    /// iscsiadm: `Logout of [...] successful.`
    LogoutSucceeded = "logout_succeeded", Info, Initiator;
    /// iscsiadm: `Could not logout of [...]`.
    LogoutFailed = "logout_failed", Error, Initiator;
    /// iscsiadm: no session or record matched.
    NothingFound = "nothing_found", Warning, Initiator;
    /// iscsiadm: SendTargets discovery failed.
    DiscoveryFailed = "discovery_failed", Error, Initiator;
    /// iscsiadm report output: a discovered target or a logged-in session.
    RecordListing = "record_listing", Info, Initiator;
    /// iscsiadm report output: a line of a `-P N` tree (`-m session`, `-m node`,
    /// `-m discovery`) or of a record dump (`node.startup = automatic`); see `listing`.
    ListingLine = "listing_line", Info, Initiator;
    /// libopeniscsiusr (iscsiadm): `iSCSI ERROR: ...`.
    LibraryMessage = "library_message", Warning, Initiator;
    /// systemd: an iSCSI unit's main process exited (the status is iscsiadm's code).
    ServiceExit = "service_exit", Error, Initiator;
    /// systemd: an iSCSI unit started, stopped or failed.
    ServiceState = "service_state", Info, Initiator;
    /// journald: messages of an iSCSI unit were dropped by rate limiting.
    JournalSuppressed = "journal_suppressed", Warning, Initiator;
    /// iSER transport: a message of the ib_iser driver.
    IserMessage = "iser_message", Warning, Initiator;
    /// iscsiuio: a message of the uIP offload helper.
    IscsiuioMessage = "iscsiuio_message", Info, Initiator;
    /// An iSCSI target (LIO) message on the same host.
    TargetSide = "target_side", Info, Foreign;
    /// A line of the iSCSI initiator stack (iscsid, iscsiadm, iscsistart, iscsiuio, the
    /// kernel's iSCSI modules) whose text no pattern knows: its ids are kept.
    Other = "other", Warning, Initiator;
    /// Debug output of the kernel's iSCSI modules (`ISCSI_DBG_*`: the function name after
    /// the device prefix), printed only when a debug module parameter is set.
    Debug = "debug", Info, Initiator;
}
