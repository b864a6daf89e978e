//! The vocabularies of the patterns: the programs that log them ([`Source`]), how serious a
//! message is ([`Severity`]), what it means ([`Kind`], one registry row per kind with its
//! JSON name, severity, [`Scope`], [`Role`] and [`Flag`]s).

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

/// What the incident engine does with a kind's lines (the last column of the `kinds!`
/// registry). The engine dispatches on it with an exhaustive match, so a new kind has to say
/// what happens to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A symptom of a failing connection (ping timeout, conn error, iscsid's report): opens
    /// or extends the session's incident, one failure cycle at a time.
    ConnError,
    /// replacement_timeout expired: the incident's outcome is `recovery_timed_out`.
    RecoveryTimeout,
    /// The session is logged in again after a failure: the incident is recovered.
    Recovered,
    /// A new session is logged in: maps its portal (and the SCSI host banner before it) to
    /// the session, and closes the portal's incident as recovered.
    Operational,
    /// A connection was shut down or a session logged out: closes the incident.
    Shutdown,
    /// A failed relogin or login attempt (connect failure, rejection, login error, failed
    /// kernel call).
    FailedAttempt,
    /// iscsid stopped retrying: closes the incident as given up.
    GaveUp,
    /// The banner of an iSCSI SCSI host: the next logged-in session owns it.
    HostBanner,
    /// A failing SCSI device (rejected I/O, offlined, failed or timed-out command).
    Device,
    /// A failed block I/O request.
    IoError,
    /// Storage messages the kernel's rate limiting dropped.
    Suppressed,
    /// A multipath path failed.
    PathFailed,
    /// A multipath path was reinstated.
    PathReinstated,
    /// multipathd reports a path up (a path state other than `up` is not counted).
    PathUp,
    /// iscsiadm could not log in or out: waits for the process's error line.
    IscsiadmFailed,
    /// iscsiadm's error line (`initiator reported error`): the cause of its failed login.
    IscsiadmError,
    /// iscsiadm logged in.
    LoginSucceeded,
    /// An iSCSI unit's main process exited: a failed command in the host summary.
    ServiceExit,
    /// A line of a pasted iscsiadm listing: maps its session, portal, SCSI host and disks.
    Listing,
    /// journald dropped messages: counted in the host summary.
    JournalSuppressed,
    /// Fed to the engine for what every line teaches (session ids, disk names), nothing
    /// more.
    Context,
    /// Not fed to the engine, unless its fields teach a disk name or it is a SCSI-layer or
    /// context line.
    Noise,
}

/// A property of some kinds (the optional last column of the `kinds!` registry).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// A generic kind: a message no specific pattern knows, kept with its ids (it may be
    /// the first half of a wrapped message).
    Generic,
    /// A SCSI-layer message (`sd H:C:T:L: ...`, `scsi hostN: ...`): about iSCSI disks or
    /// local ones alike; the engine counts those whose SCSI host no iSCSI session claims.
    ScsiLayer,
}

macro_rules! kinds {
    ($(
        $(#[doc = $doc:literal])*
        $v:ident = $name:literal, $sev:ident, $scope:ident, $role:ident $(, [$($flag:ident),*])?;
    )*) => {
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
            /// The kind's flags (the optional last column).
            pub fn flags(self) -> &'static [Flag] {
                match self { $(Kind::$v => &[$($(Flag::$flag,)*)?],)* }
            }
            /// Whether the kind is a generic one (a message no specific pattern knows, with
            /// its ids): such a line may be the first half of a wrapped message.
            pub fn is_generic(self) -> bool {
                self.flags().contains(&Flag::Generic)
            }
            /// Whether lines of this kind are iSCSI.
            pub fn scope(self) -> Scope {
                match self { $(Kind::$v => Scope::$scope,)* }
            }
            /// What the incident engine does with lines of this kind.
            pub fn role(self) -> Role {
                match self { $(Kind::$v => Role::$role,)* }
            }
        }
    };
}

kinds! {
    /// Kernel: a NOP-Out ping got no answer in time (then conn error 1022).
    PingTimeout = "ping_timeout", Error, Initiator, ConnError;
    /// Kernel: `detected conn error (N)`.
    ConnError = "conn_error", Error, Initiator, ConnError;
    /// Kernel: a conn error or login event the kernel could not deliver to iscsid.
    ConnErrorIgnored = "conn_error_ignored", Error, Initiator, ConnError;
    /// Kernel (offload drivers): `detected conn login (N)`.
    ConnLogin = "conn_login", Info, Initiator, Noise;
    /// Kernel: replacement_timeout expired; I/O is failed and devices go offline.
    RecoveryTimeout = "recovery_timeout", Error, Initiator, RecoveryTimeout;
    /// Kernel: another message about `connectionS:C`.
    KernelConnMessage = "kernel_conn_message", Warning, Initiator, Noise, [Generic];
    /// Kernel: another message about `sessionS`.
    KernelSessionMessage = "kernel_session_message", Warning, Initiator, Noise, [Generic];
    /// Kernel: `scsi hostN: iSCSI Initiator over TCP/IP` (one SCSI host per session).
    HostAdded = "host_added", Info, Initiator, HostBanner;
    /// Kernel: another message about `scsi hostN`.
    ScsiHostMessage = "scsi_host_message", Info, Context, Noise, [Generic, ScsiLayer];
    /// Kernel: an iSCSI transport module registered or the transport class loaded.
    TransportLoaded = "transport_loaded", Info, Initiator, Noise;
    /// Kernel: `rejecting I/O to offline device` (or dead).
    RejectingIo = "rejecting_io", Error, Context, Device, [ScsiLayer];
    /// Kernel: a SCSI command's final result (`FAILED Result: hostbyte=...`).
    ScsiResult = "scsi_result", Error, Context, Device, [ScsiLayer];
    /// Kernel: the CDB of a failed SCSI command.
    ScsiCdb = "scsi_cdb", Info, Context, Noise, [ScsiLayer];
    /// Kernel: sense data of a failed SCSI command.
    ScsiSense = "scsi_sense", Warning, Context, Noise, [ScsiLayer];
    /// Kernel: a SCSI command ran out of time (`timing out command, waited Ns`).
    CommandTimeout = "command_timeout", Error, Context, Device, [ScsiLayer];
    /// Kernel: error handling gave up and offlined the device.
    DeviceOfflined = "device_offlined", Error, Context, Device, [ScsiLayer];
    /// Kernel: a disk was attached (`[sdX] Attached SCSI disk`): maps the disk to H:C:T:L.
    DiskAttached = "disk_attached", Info, Context, Context, [ScsiLayer];
    /// Kernel: another message about a SCSI device `H:C:T:L`.
    ScsiDeviceMessage = "scsi_device_message", Info, Context, Noise, [Generic, ScsiLayer];
    /// Kernel block layer: an I/O request failed.
    IoError = "io_error", Error, Context, IoError;
    /// Kernel: a buffer-cache I/O failed.
    BufferIoError = "buffer_io_error", Error, Context, IoError;
    /// Kernel: rate limiting dropped N messages of a storage function.
    CallbacksSuppressed = "callbacks_suppressed", Warning, Context, Suppressed;
    /// device-mapper multipath: a path failed.
    MultipathFailingPath = "multipath_failing_path", Error, Context, PathFailed;
    /// device-mapper multipath: a path came back.
    MultipathReinstatingPath = "multipath_reinstating_path", Info, Context, PathReinstated;
    /// device-mapper multipath: another kernel message.
    MultipathMessage = "multipath_message", Warning, Context, Noise, [Generic];
    /// multipathd: a path was marked failed.
    MultipathdPathFailed = "multipathd_path_failed", Error, Context, PathFailed;
    /// multipathd: a path was reinstated or reported up.
    MultipathdPathUp = "multipathd_path_up", Info, Context, PathUp;
    /// multipathd: the number of active paths left in a map.
    MultipathdPaths = "multipathd_paths", Warning, Context, Noise;
    /// iscsid: `Kernel reported iSCSI connection S:C error (N - text) state (N)`.
    KernelReported = "kernel_reported", Error, Initiator, ConnError;
    /// iscsid: a userspace NOP-Out timed out (offload drivers).
    NopOutTimeout = "nop_out_timeout", Error, Initiator, ConnError;
    /// iscsid/iscsiadm: a TCP connect to the portal failed (one relogin attempt).
    ConnectFailed = "connect_failed", Error, Initiator, FailedAttempt;
    /// iscsid: the session is logged in again after a failure.
    Recovered = "recovered", Info, Initiator, Recovered;
    /// iscsid: a new session is logged in.
    OperationalNow = "operational_now", Info, Initiator, Operational;
    /// iscsid: a connection was shut down (logout, or the end of a failed login).
    ConnShutdown = "conn_shutdown", Warning, Initiator, Shutdown;
    /// iscsid: the target rejected a login.
    LoginRejected = "login_rejected", Error, Initiator, FailedAttempt;
    /// iscsid: another login failure.
    LoginError = "login_error", Error, Initiator, FailedAttempt;
    /// iscsid: the target asked to log out or announced it drops connections.
    TargetAsync = "target_async", Warning, Initiator, Noise;
    /// iscsid: iscsid stopped retrying a session.
    GaveUp = "gave_up", Error, Initiator, GaveUp;
    /// iscsid: a relogin attempt started.
    Reopening = "reopening", Info, Initiator, Noise;
    /// iscsid: a netlink call to the kernel failed (bind, start, stop, set param).
    KernelCallFailed = "kernel_call_failed", Error, Initiator, FailedAttempt;
    /// iscsid: the daemon started or stopped, or its version.
    DaemonLifecycle = "daemon_lifecycle", Info, Initiator, Noise;
    /// iscsid/iscsiadm: a configuration problem (initiator name, CHAP, timeouts, priority).
    ConfigWarning = "config_warning", Warning, Initiator, Noise;
    /// iscsid: another message with a session id.
    IscsidSessionMessage = "iscsid_session_message", Warning, Initiator, Noise, [Generic];
    /// iscsiadm: `Logging in to [...]`.
    LoggingIn = "logging_in", Info, Initiator, Noise;
    /// iscsiadm: `Login to [...] successful.`
    LoginSucceeded = "login_succeeded", Info, Initiator, LoginSucceeded;
    /// iscsiadm: `Could not login to [...]`.
    LoginFailed = "login_failed", Error, Initiator, IscsiadmFailed;
    /// iscsiadm: `initiator reported error (N - text)`.
    InitiatorError = "initiator_error", Error, Initiator, IscsiadmError;
    /// iscsiadm: `Could not log into all portals` (summary of failed logins).
    LoginAllFailed = "login_all_failed", Error, Initiator, Noise;
    /// iscsiadm: `Logging out of session [...]`.
    LoggingOut = "logging_out", Info, Initiator, Shutdown;
    /// iscsiadm: `Logout of [...] successful.`
    LogoutSucceeded = "logout_succeeded", Info, Initiator, Shutdown;
    /// iscsiadm: `Could not logout of [...]`.
    LogoutFailed = "logout_failed", Error, Initiator, IscsiadmFailed;
    /// iscsiadm: no session or record matched.
    NothingFound = "nothing_found", Warning, Initiator, Noise;
    /// iscsiadm: SendTargets discovery failed.
    DiscoveryFailed = "discovery_failed", Error, Initiator, Noise;
    /// iscsiadm report output: a discovered target or a logged-in session.
    RecordListing = "record_listing", Info, Initiator, Noise;
    /// iscsiadm report output: a line of a `-P N` tree (`-m session`, `-m node`,
    /// `-m discovery`) or of a record dump (`node.startup = automatic`); see `listing`.
    ListingLine = "listing_line", Info, Initiator, Listing;
    /// libopeniscsiusr (iscsiadm): `iSCSI ERROR: ...`.
    LibraryMessage = "library_message", Warning, Initiator, Noise;
    /// systemd: an iSCSI unit's main process exited (the status is iscsiadm's code).
    ServiceExit = "service_exit", Error, Initiator, ServiceExit;
    /// systemd: an iSCSI unit started, stopped or failed.
    ServiceState = "service_state", Info, Initiator, Noise;
    /// journald: messages of an iSCSI unit were dropped by rate limiting.
    JournalSuppressed = "journal_suppressed", Warning, Initiator, JournalSuppressed;
    /// iSER transport: a message of the ib_iser driver.
    IserMessage = "iser_message", Warning, Initiator, Noise;
    /// iscsiuio: a message of the uIP offload helper.
    IscsiuioMessage = "iscsiuio_message", Info, Initiator, Noise;
    /// An iSCSI target (LIO) message on the same host.
    TargetSide = "target_side", Info, Foreign, Noise;
    /// A line of the iSCSI initiator stack (iscsid, iscsiadm, iscsistart, iscsiuio, the
    /// kernel's iSCSI modules) whose text no pattern knows: its ids are kept.
    Other = "other", Warning, Initiator, Context, [Generic];
    /// A line no pattern knows whose wording the generated table of the sources has (an
    /// untagged line, or a kernel line no kernel pattern knows): the event's `source`
    /// names its call site (docs/messages.md).
    SourceMessage = "source_message", Info, Initiator, Noise, [Generic];
    /// Debug output of the kernel's iSCSI modules (`ISCSI_DBG_*`: the function name after
    /// the device prefix), printed only when a debug module parameter is set.
    Debug = "debug", Info, Initiator, Context, [Generic];
}
