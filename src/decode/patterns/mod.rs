//! Message patterns as data: every recognised message is one [`Pattern`] row with a regex of
//! named fields, an anchor literal, the wording's version range, and sample lines that a test
//! decodes (as lnav's formats do). Nothing outside these tables knows a message's wording.
//!
//! Matching is three steps, cheapest first: the prefilter (a handful of literals over whole
//! buffers, in `prefilter`), then the anchors of every pattern over one candidate message
//! (one Aho-Corasick pass), then the regexes of the patterns whose anchor occurred, in table
//! order (specific patterns before the generic ones at the end of each table).

mod iscsiadm;
mod iscsid;
mod kernel;
mod listing;
mod storage;
mod system;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{CaptureLocations, Regex};
use std::sync::OnceLock;

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

/// One sample line of a pattern and the fields the decoder must extract from it.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    /// A complete log line, in any input format.
    pub line: &'static str,
    /// Space-separated `field=value` pairs that must appear in the decoded event
    /// (as [`super::fields::Fields::pairs`] prints them).
    pub expect: &'static str,
}

/// One message pattern.
#[derive(Clone, Copy, Debug)]
pub struct Pattern {
    /// A stable id: `kernel.ping_timeout`.
    pub id: &'static str,
    /// What the message means.
    pub kind: Kind,
    /// The program that logs it.
    pub source: Source,
    /// Literals, separated by `|`, one of which every matching message contains; an
    /// alternative ending in `+digit` must also be followed by an ASCII digit (for generic
    /// patterns such as `session3: ...`). [`ANY`] makes the pattern a last resort for any
    /// message whose program is the pattern's source.
    pub anchor: &'static str,
    /// The regex with named groups (see `fields` for the names), applied to the message.
    pub regex: &'static str,
    /// Fields the wording implies without printing them: `("login", "02/02")`.
    pub implies: &'static [(&'static str, &'static str)],
    /// Which releases print this wording ("" when stable across the versions checked).
    pub wording: &'static str,
    /// Sample lines, each decoded by a test.
    pub samples: &'static [Sample],
}

/// The anchor of a pattern that any message of its source may match: tried only after
/// every anchored pattern failed, and only for lines whose program tag names the source.
pub const ANY: &str = "*";

/// The id of the pattern for `exit status N` in a line that relays an iscsiadm or
/// iscsistart invocation (the decoder keeps it only in such lines).
pub const RELAYED_EXIT_STATUS: &str = "iscsiadm.relayed_exit_status";

/// Every pattern, in matching priority order within each anchor.
pub fn all() -> impl Iterator<Item = &'static Pattern> {
    kernel::PATTERNS
        .iter()
        .chain(storage::PATTERNS)
        .chain(iscsid::PATTERNS)
        .chain(iscsiadm::PATTERNS)
        .chain(listing::PATTERNS)
        .chain(system::PATTERNS)
}

/// The anchor text and whether a digit must follow it.
pub fn split_anchor(a: &str) -> (&str, bool) {
    match a.strip_suffix("+digit") {
        Some(t) => (t, true),
        None => (a, false),
    }
}

/// What finding one anchor text means: the patterns it (or an anchor inside it) admits.
#[derive(Debug, Default, Clone)]
struct AnchorInfo {
    /// Patterns admitted by the text alone.
    any: Vec<usize>,
    /// Patterns admitted only when a digit follows the match.
    digit_after: Vec<usize>,
}

/// The compiled patterns: one Aho-Corasick automaton over the anchors and one regex each.
///
/// The anchors are searched leftmost-longest, restarting one byte after each match's start,
/// so every position where an anchor begins is seen once, with its longest anchor; anchors
/// that contain other anchors carry those anchors' patterns too (a shorter anchor starting
/// at the same position, or inside a longer one, is never reported on its own).
#[derive(Debug)]
pub struct PatternSet {
    patterns: Vec<&'static Pattern>,
    /// Compiled on first use: most logs need a handful of the patterns.
    regexes: Vec<OnceLock<Regex>>,
    anchors: AhoCorasick,
    anchor_info: Vec<AnchorInfo>,
    /// Per pattern: whether its regex can tell digits apart, so that two messages that
    /// differ only in their digits may match it differently (see `memo`'s shape cache).
    digit_sensitive: Vec<bool>,
    /// Per pattern: its regex without the `^`/`$` anchors, for a message that stands
    /// inside a longer text (relayed by another program, after an unknown prefix).
    embedded: Vec<OnceLock<Regex>>,
    /// The [`ANY`] patterns, in priority order.
    fallback: Vec<usize>,
}

/// Whether a regex can tell apart two texts that differ only in which ASCII digit stands
/// at each position: true when a literal holds a digit or a class holds some digits but not
/// all ten (`[1-9]`, `[0-7]`). A regex that cannot ("digit-blind": `\d+`, `[0-9a-f]+`,
/// `\w`) matches such texts alike, with the same group spans, which is what `memo`'s shape
/// cache relies on. Decided on the parsed regex (regex-syntax's HIR); a regex that does
/// not parse counts as sensitive.
pub fn distinguishes_digits(re: &str) -> bool {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn digits_in(ranges: impl Iterator<Item = (u32, u32)>) -> u32 {
        ranges
            .map(|(a, b)| {
                b.min(u32::from(b'9'))
                    .saturating_add(1)
                    .saturating_sub(a.max(u32::from(b'0')))
            })
            .sum()
    }
    fn walk(h: &Hir) -> bool {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => false,
            HirKind::Literal(l) => l.0.iter().any(u8::is_ascii_digit),
            HirKind::Class(class) => {
                // Digits in the class: a class with some but not all ten tells them apart.
                let n = match class {
                    Class::Unicode(c) => digits_in(
                        c.ranges()
                            .iter()
                            .map(|r| (r.start().into(), r.end().into())),
                    ),
                    Class::Bytes(c) => digits_in(
                        c.ranges()
                            .iter()
                            .map(|r| (r.start().into(), r.end().into())),
                    ),
                };
                n != 0 && n != 10
            }
            HirKind::Repetition(r) => walk(&r.sub),
            HirKind::Capture(c) => walk(&c.sub),
            HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(walk),
        }
    }
    match regex_syntax::Parser::new().parse(re) {
        Ok(h) => walk(&h),
        Err(_) => true,
    }
}

/// Reusable per-decoder buffers for [`PatternSet::find`].
#[derive(Debug)]
pub struct Scratch {
    locs: Vec<Option<CaptureLocations>>,
    elocs: Vec<Option<CaptureLocations>>,
    candidates: Vec<usize>,
    /// The pattern whose last match was found inside the text rather than at its start.
    embedded: Option<usize>,
}

impl PatternSet {
    /// Compiles every pattern. Panics only if a pattern in the tables is invalid, which the
    /// tests rule out.
    pub fn new() -> PatternSet {
        let patterns: Vec<&'static Pattern> = all().collect();
        let regexes = patterns.iter().map(|_| OnceLock::new()).collect();
        // Own entries per distinct text.
        let mut texts: Vec<&str> = Vec::new();
        let mut own: Vec<AnchorInfo> = Vec::new();
        let mut fallback = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            if p.anchor == ANY {
                fallback.push(i);
                continue;
            }
            for alt in p.anchor.split('|') {
                let (text, digit) = split_anchor(alt);
                let j = match texts.iter().position(|t| *t == text) {
                    Some(j) => j,
                    None => {
                        texts.push(text);
                        own.push(AnchorInfo::default());
                        texts.len() - 1
                    }
                };
                let list = if digit {
                    &mut own[j].digit_after
                } else {
                    &mut own[j].any
                };
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        // Inherit the patterns of every anchor found inside another.
        let mut anchor_info = own.clone();
        for (i, outer) in texts.iter().enumerate() {
            for (j, inner) in texts.iter().enumerate() {
                if i == j {
                    continue;
                }
                for (k, _) in outer.match_indices(inner) {
                    let end = k + inner.len();
                    let info = &mut anchor_info[i];
                    info.any.extend(&own[j].any);
                    if end == outer.len() {
                        info.digit_after.extend(&own[j].digit_after);
                    } else if outer.as_bytes()[end].is_ascii_digit() {
                        info.any.extend(&own[j].digit_after);
                    }
                }
            }
            let info = &mut anchor_info[i];
            for v in [&mut info.any, &mut info.digit_after] {
                v.sort_unstable();
                v.dedup();
            }
        }
        let anchors = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&texts)
            .unwrap_or_else(|e| panic!("anchors: {e}"));
        let digit_sensitive = patterns
            .iter()
            .map(|p| distinguishes_digits(p.regex))
            .collect();
        let embedded = patterns.iter().map(|_| OnceLock::new()).collect();
        PatternSet {
            patterns,
            regexes,
            anchors,
            anchor_info,
            digit_sensitive,
            embedded,
            fallback,
        }
    }

    /// Fresh scratch buffers for this set.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            locs: self.regexes.iter().map(|_| None).collect(),
            elocs: self.regexes.iter().map(|_| None).collect(),
            candidates: Vec::with_capacity(8),
            embedded: None,
        }
    }

    /// The patterns, in priority order.
    pub fn patterns(&self) -> &[&'static Pattern] {
        &self.patterns
    }

    /// Calls `f` with the patterns admitted by each anchor occurrence in `text`; stops when
    /// `f` returns true.
    fn each_anchor(&self, text: &[u8], mut f: impl FnMut(&[usize]) -> bool) {
        let mut from = 0;
        while from < text.len() {
            let input = aho_corasick::Input::new(text).span(from..text.len());
            let Some(m) = self.anchors.find(input) else {
                return;
            };
            let info = &self.anchor_info[m.pattern().as_usize()];
            if f(&info.any) {
                return;
            }
            if text.get(m.end()).is_some_and(u8::is_ascii_digit) && f(&info.digit_after) {
                return;
            }
            from = m.start() + 1;
        }
    }

    /// True if some anchor occurs in `text` (a cheap test before parsing a line).
    pub fn any_anchor(&self, text: &[u8]) -> bool {
        let mut found = false;
        self.each_anchor(text, |pats| {
            found = !pats.is_empty();
            found
        });
        found
    }

    /// The first pattern (in priority order) that matches `message` and may come from
    /// `source` (`None`: any). Its capture locations are left in `scratch`.
    ///
    /// Three passes: the patterns whose anchor occurs, at the start of the message; the
    /// same patterns anywhere in it, at the start of a word (a message relayed by another
    /// program or after a prefix no envelope parser knows); and the [`ANY`] patterns of the
    /// line's program.
    pub fn find(
        &self,
        message: &str,
        source: Option<Source>,
        scratch: &mut Scratch,
    ) -> Option<usize> {
        scratch.embedded = None;
        let mut cands = std::mem::take(&mut scratch.candidates);
        cands.clear();
        self.each_anchor(message.as_bytes(), |pats| {
            cands.extend_from_slice(pats);
            false
        });
        let mut found = None;
        if !cands.is_empty() {
            cands.sort_unstable();
            cands.dedup();
            let admitted = |i: usize| source.is_none_or(|s| s == self.patterns[i].source);
            for &i in &cands {
                if !admitted(i) {
                    continue;
                }
                let re = self.regex(i);
                let locs = scratch.locs[i].get_or_insert_with(|| re.capture_locations());
                if re.captures_read(locs, message).is_some() {
                    found = Some(i);
                    break;
                }
            }
            if found.is_none() {
                found = cands
                    .iter()
                    .copied()
                    .find(|&i| admitted(i) && self.try_embedded(i, message, scratch));
            }
        }
        if found.is_none() {
            if let Some(src) = source {
                found = self.fallback.iter().copied().find(|&i| {
                    self.patterns[i].source == src && self.try_anchored(i, message, scratch)
                });
            }
        }
        scratch.candidates = cands;
        found
    }

    /// Whether the last [`PatternSet::find`] or [`PatternSet::try_one`] matched inside the
    /// text rather than at its start.
    pub fn last_was_embedded(&self, scratch: &Scratch) -> bool {
        scratch.embedded.is_some()
    }

    /// Runs pattern `i`'s unanchored regex on `message`, accepting the first match that
    /// starts a word (the byte before it is no letter or digit, or the match starts with
    /// punctuation such as `[`).
    fn try_embedded(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        let re = self.embedded_regex(i);
        let locs = scratch.elocs[i].get_or_insert_with(|| re.capture_locations());
        let b = message.as_bytes();
        let mut at = 0;
        while at < b.len() {
            let Some(m) = re.captures_read_at(locs, message, at) else {
                return false;
            };
            let s = m.start();
            let starts_word = s == 0
                || !b[s].is_ascii_alphanumeric()
                || !(b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_');
            if starts_word {
                scratch.embedded = Some(i);
                return true;
            }
            at = s + 1;
            while at < b.len() && !message.is_char_boundary(at) {
                at += 1;
            }
        }
        false
    }

    fn try_anchored(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        let re = self.regex(i);
        let locs = scratch.locs[i].get_or_insert_with(|| re.capture_locations());
        re.captures_read(locs, message).is_some()
    }

    /// The regex of pattern `i` without its `^` and `$` anchors (compiled on first use).
    pub fn embedded_regex(&self, i: usize) -> &Regex {
        self.embedded[i].get_or_init(|| {
            let p = self.patterns[i];
            let src = p.regex.strip_prefix('^').unwrap_or(p.regex);
            let src = src.strip_suffix('$').unwrap_or(src);
            Regex::new(src).unwrap_or_else(|e| panic!("pattern {}: {e}", p.id))
        })
    }

    /// Whether pattern `i`'s regex can tell apart messages that differ in digits alone.
    pub fn digit_sensitive(&self, i: usize) -> bool {
        self.digit_sensitive[i]
    }

    /// The candidate patterns of the last [`PatternSet::find`], in priority order.
    pub fn last_candidates<'s>(&self, scratch: &'s Scratch) -> &'s [usize] {
        &scratch.candidates
    }

    /// Runs pattern `i`'s regex alone on `message`; on a match its capture locations are
    /// left in `scratch`.
    pub fn try_one(&self, i: usize, message: &str, scratch: &mut Scratch) -> bool {
        scratch.embedded = None;
        self.try_anchored(i, message, scratch) || self.try_embedded(i, message, scratch)
    }

    /// The regex of pattern `i` (compiled on first use; the tests compile every one).
    pub fn regex(&self, i: usize) -> &Regex {
        self.regexes[i].get_or_init(|| {
            let p = self.patterns[i];
            Regex::new(p.regex).unwrap_or_else(|e| panic!("pattern {}: {e}", p.id))
        })
    }

    /// The capture locations left by the last successful [`PatternSet::find`] for pattern `i`.
    pub fn locations<'s>(&self, i: usize, scratch: &'s Scratch) -> Option<&'s CaptureLocations> {
        if scratch.embedded == Some(i) {
            return scratch.elocs[i].as_ref();
        }
        scratch.locs[i].as_ref()
    }
}

impl Default for PatternSet {
    fn default() -> Self {
        Self::new()
    }
}
