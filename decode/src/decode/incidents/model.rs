//! What an incident and a host summary hold, independent of how they are built.

use crate::decode::clock::Instant;
use crate::decode::fields::Hctl;
use crate::decode::names;
use crate::decode::timing::PingTiming;
use std::collections::BTreeSet;

/// How an incident ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// iscsid logged in again (or a later failure of a logged-in connection shows it did).
    Recovered,
    /// replacement_timeout expired: I/O failed and the devices went offline.
    RecoveryTimedOut,
    /// No recovery in the log: still down at its end, given up, or logged out.
    Unresolved,
}

impl Outcome {
    /// `recovered`, `recovery_timed_out` or `unresolved`.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Recovered => "recovered",
            Outcome::RecoveryTimedOut => "recovery_timed_out",
            Outcome::Unresolved => "unresolved",
        }
    }
}

/// What kind of number (or text) a cause is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CauseKind {
    /// Nothing in the log says why.
    Unknown,
    /// Only the connect attempts failed (errno text).
    Connect,
    /// An iscsiadm error code.
    IscsiadmError,
    /// A login response status.
    LoginStatus,
    /// Only the recovery timeout is in the log.
    RecoveryTimeout,
    /// A kernel connection error code (`enum iscsi_err`).
    KernelError,
}

impl CauseKind {
    /// `unknown`, `connect`, `iscsiadm_error`, `login_status`, `recovery_timeout`,
    /// `kernel_error`.
    pub fn name(self) -> &'static str {
        match self {
            CauseKind::Unknown => "unknown",
            CauseKind::Connect => "connect",
            CauseKind::IscsiadmError => "iscsiadm_error",
            CauseKind::LoginStatus => "login_status",
            CauseKind::RecoveryTimeout => "recovery_timeout",
            CauseKind::KernelError => "kernel_error",
        }
    }
}

/// Why an incident happened (or why its relogins failed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    /// The kind.
    pub kind: CauseKind,
    /// The number (login statuses packed as `class << 8 | detail`).
    pub code: Option<i64>,
    /// The C name, if known.
    pub name: Option<&'static str>,
    /// A short text (iscsid's error text, errno text, iscsiadm's text).
    pub text: Option<String>,
}

impl Cause {
    /// No known cause.
    pub fn unknown() -> Cause {
        Cause {
            kind: CauseKind::Unknown,
            code: None,
            name: None,
            text: None,
        }
    }

    /// A kernel error code.
    pub fn kernel(code: u32) -> Cause {
        let k = names::kernel_error(code);
        Cause {
            kind: CauseKind::KernelError,
            code: Some(i64::from(code)),
            name: k.name,
            text: Some(k.text.to_string()),
        }
    }

    /// A login status.
    pub fn login(class: u8, detail: u8) -> Cause {
        Cause {
            kind: CauseKind::LoginStatus,
            code: Some(i64::from(u16::from(class) << 8 | u16::from(detail))),
            name: names::login_status_name(class, detail),
            text: Some(format!("{class:02x}/{detail:02x}")),
        }
    }

    /// An iscsiadm error code.
    pub fn iscsiadm(code: u8) -> Cause {
        Cause {
            kind: CauseKind::IscsiadmError,
            code: Some(i64::from(code)),
            name: names::iscsiadm_name(code),
            text: names::iscsiadm_text(code).map(str::to_string),
        }
    }

    /// A failed TCP connect.
    pub fn connect(text: &str) -> Cause {
        Cause {
            kind: CauseKind::Connect,
            code: None,
            name: None,
            text: Some(text.to_string()),
        }
    }

    /// Only the recovery timeout.
    pub fn recovery_timeout(secs: Option<u64>) -> Cause {
        Cause {
            kind: CauseKind::RecoveryTimeout,
            code: secs.map(|s| s as i64),
            name: None,
            text: Some("session recovery timed out".into()),
        }
    }

    /// `1022 ISCSI_ERR_NOP_TIMEDOUT`, `02/02 ISCSI_LOGIN_STATUS_TGT_FORBIDDEN`, `No route to
    /// host`...
    pub fn label(&self) -> String {
        match (self.kind, self.code, self.name, &self.text) {
            (CauseKind::LoginStatus, Some(c), Some(n), _) => {
                format!("{:02x}/{:02x} {n}", c >> 8, c & 0xff)
            }
            (CauseKind::RecoveryTimeout, _, _, _) => "session recovery timed out".into(),
            (_, Some(c), Some(n), _) => format!("{c} {n}"),
            (_, Some(c), None, Some(t)) => format!("{c} ({t})"),
            (_, _, _, Some(t)) => t.clone(),
            (_, Some(c), None, None) => c.to_string(),
            _ => "unknown".into(),
        }
    }
}

/// One incident: a failure of one session (or of logins to one portal) on one host.
#[derive(Clone, Debug)]
pub struct Incident {
    /// Order of opening, from 1.
    pub seq: u64,
    /// The input it came from (0-based).
    pub file: usize,
    /// The host name from the log, if any.
    pub host: Option<String>,
    /// Session id, when known.
    pub sid: Option<i64>,
    /// Connection id, when known.
    pub cid: Option<u32>,
    /// Target name, when known.
    pub target: Option<String>,
    /// Portal `addr:port`, when known.
    pub portal: Option<String>,
    /// Why it happened.
    pub cause: Cause,
    /// Why the relogins failed, when that differs from the cause.
    pub relogin_failure: Option<Cause>,
    /// Other sessions of the host that were in recovery when connects to a portal no line
    /// tied to a session failed: those failures may be theirs as well as this one's.
    pub shared_with: std::collections::BTreeSet<i64>,
    /// For a device that failed with no session line in the log: its SCSI host number.
    pub scsi_host: Option<u32>,
    /// A portal's failed login that iscsiadm already reported: later lines of the same
    /// moment (a status dump prints them out of order) still join it, later attempts not.
    pub settled: bool,
    /// iscsid's connection state when the error was reported.
    pub state: Option<u32>,
    /// The ping-timeout numbers, when the failure was a NOP timeout.
    pub timing: Option<PingTiming>,
    /// First and last line numbers.
    pub lines: (u64, u64),
    /// When the first symptom was logged.
    pub start: Option<Instant>,
    /// The first symptom's time as logged.
    pub start_text: Option<String>,
    /// When it ended (recovery), or the last related line.
    pub end: Option<Instant>,
    /// The end's time as logged.
    pub end_text: Option<String>,
    /// How it ended.
    pub outcome: Outcome,
    /// The outcome is inferred (e.g. a later NOP timeout proves the session was back).
    pub outcome_inferred: bool,
    /// The failure itself is before the start of the log (only its aftermath is logged).
    pub started_before_log: bool,
    /// Attempts iscsid reported (`after recovery (K attempts)`).
    pub reported_attempts: Option<u32>,
    /// Failed relogin attempts seen (connect failures, rejections, repeated conn errors).
    pub failed_attempts: u32,
    /// Error texts of the failed attempts with their counts, in order of appearance.
    pub errors: Vec<(String, u32)>,
    /// replacement_timeout, when it expired.
    pub recovery_timeout_s: Option<u64>,
    /// iscsid logged in again after the recovery timeout had expired.
    pub reconnected_after_timeout: bool,
    /// Devices the kernel offlined.
    pub offline_devices: BTreeSet<Hctl>,
    /// Disks with I/O errors.
    pub disks: BTreeSet<String>,
    /// I/O error lines (block layer and buffer cache).
    pub io_errors: u64,
    /// I/O error lines the kernel suppressed (rate limiting).
    pub suppressed: u64,
    /// SCSI commands that failed (`FAILED Result`, timeouts).
    pub scsi_failures: u64,
    /// The host bytes of the failed commands.
    pub hostbytes: BTreeSet<String>,
    /// Paths (disk names) that dm-multipath or multipathd failed.
    pub mp_failed: BTreeSet<String>,
    /// Paths (disk names) that came back.
    pub mp_reinstated: BTreeSet<String>,
    /// iscsid stopped retrying.
    pub gave_up: bool,
    /// The session was logged out while failing.
    pub logged_out: bool,
    /// Lines attributed to it.
    pub events: u64,
    pub(crate) cycle: u8,
    pub(crate) cycle_start: Option<Instant>,
    pub(crate) last: Option<Instant>,
}

impl Incident {
    /// A new incident.
    pub fn new(seq: u64, file: usize, host: Option<&str>) -> Incident {
        Incident {
            seq,
            file,
            host: host.map(str::to_string),
            sid: None,
            cid: None,
            target: None,
            portal: None,
            cause: Cause::unknown(),
            relogin_failure: None,
            shared_with: Default::default(),
            scsi_host: None,
            settled: false,
            state: None,
            timing: None,
            lines: (0, 0),
            start: None,
            start_text: None,
            end: None,
            end_text: None,
            outcome: Outcome::Unresolved,
            outcome_inferred: false,
            started_before_log: false,
            reported_attempts: None,
            failed_attempts: 0,
            errors: Vec::new(),
            recovery_timeout_s: None,
            reconnected_after_timeout: false,
            offline_devices: BTreeSet::new(),
            disks: BTreeSet::new(),
            io_errors: 0,
            suppressed: 0,
            scsi_failures: 0,
            hostbytes: BTreeSet::new(),
            mp_failed: BTreeSet::new(),
            mp_reinstated: BTreeSet::new(),
            gave_up: false,
            logged_out: false,
            events: 0,
            cycle: 0,
            cycle_start: None,
            last: None,
        }
    }

    /// Seconds from the first symptom to the end, when both have times on one clock.
    pub fn duration_s(&self) -> Option<f64> {
        let d = self.end?.since(self.start?)?;
        (d >= 0.0).then_some(d)
    }

    /// How long the path was down, the one figure the report gives (the summary's total and
    /// longest add these up): from the last PDU received, when a ping timeout says how long
    /// the target was silent before the failure, to the end of the incident; else the
    /// incident's span ([`Incident::duration_s`]). A stalled host's silence is its own
    /// pause, not the path's downtime, and is not counted.
    pub fn down_s(&self) -> Option<f64> {
        let d = self.duration_s()?;
        Some(match &self.timing {
            Some(t) if !t.stalled => t.silence_s + d,
            _ => d,
        })
    }

    /// The attempts to report: iscsid's count when it gave one, else the failures seen.
    pub fn attempts(&self) -> Option<u32> {
        self.reported_attempts
            .or((self.failed_attempts > 0).then_some(self.failed_attempts))
    }

    /// Counts one error text (kept to a few distinct texts).
    pub fn add_error(&mut self, text: &str) {
        if let Some(e) = self.errors.iter_mut().find(|e| e.0 == text) {
            e.1 += 1;
        } else if self.errors.len() < 8 {
            self.errors.push((text.to_string(), 1));
        }
    }

    /// A label for the connection: `session 3 (connection 3:0)`, `portal 10.0.0.1:3260`.
    pub fn subject(&self) -> String {
        match (self.sid, self.cid, &self.portal) {
            (Some(s), Some(c), _) if s >= 0 => format!("session {s} (connection {s}:{c})"),
            (Some(s), None, _) if s >= 0 => format!("session {s}"),
            (_, _, Some(p)) => format!("portal {p}"),
            // A first login (sid -1) that names only its target; the heading adds the name.
            _ if self.target.is_some() => "login to".into(),
            _ if self.scsi_host.is_some() => format!(
                "SCSI host {} (no session line in the log)",
                self.scsi_host.unwrap_or_default()
            ),
            (_, Some(c), None) => format!("connection ?:{c}"),
            _ => "unknown session".into(),
        }
    }
}

/// Totals for one host.
#[derive(Clone, Debug, Default)]
pub struct HostSummary {
    /// The host name from the log (`None`: lines without one).
    pub host: Option<String>,
    /// For lines without a host name: the input (0-based) they came from.
    pub file: Option<usize>,
    /// Session ids seen.
    pub sessions: BTreeSet<i64>,
    /// Incidents by outcome: recovered, recovery timed out, unresolved.
    pub outcomes: [u64; 3],
    /// Seconds sessions were down, over the incidents with a known duration.
    pub down_s: f64,
    /// The longest incident, in seconds.
    pub longest_s: f64,
    /// I/O error lines (all).
    pub io_errors: u64,
    /// I/O error lines that no incident could claim.
    pub unattributed_io_errors: u64,
    /// SCSI-layer lines (`sd H:C:T:L: ...`, `scsi hostN: ...`) of SCSI hosts that no iSCSI
    /// banner or session claimed in the log: local disks, or iSCSI ones whose login the log
    /// does not show.
    pub unattributed_scsi: u64,
    /// Messages the kernel suppressed.
    pub suppressed: u64,
    /// Offlined devices.
    pub offline_devices: BTreeSet<Hctl>,
    /// Multipath path failures.
    pub mp_failing: u64,
    /// Multipath path reinstatements.
    pub mp_reinstated: u64,
    /// Lines journald dropped for iSCSI units.
    pub journal_dropped: u64,
    /// Failed iscsiadm commands and iSCSI unit exits (`unit: status`).
    pub command_failures: Vec<String>,
    /// The most incidents that started within 5 seconds of each other, and when.
    pub burst: (u64, Option<String>),
    /// Starts of the incidents within the last 5 seconds (in log order), for the burst.
    pub(crate) window: std::collections::VecDeque<(f64, crate::decode::clock::Scale)>,
}

impl HostSummary {
    /// Incidents in total.
    pub fn incidents(&self) -> u64 {
        self.outcomes.iter().sum()
    }

    /// Counts a closed incident.
    pub fn add(&mut self, inc: &Incident) {
        let i = match inc.outcome {
            Outcome::Recovered => 0,
            Outcome::RecoveryTimedOut => 1,
            Outcome::Unresolved => 2,
        };
        self.outcomes[i] += 1;
        if let Some(d) = inc.down_s() {
            self.down_s += d;
            self.longest_s = self.longest_s.max(d);
        }
    }

    /// Notes an incident's start (in log order) for [`HostSummary::burst`]: a sliding window
    /// of the starts within 5 seconds, so memory does not grow with the incidents.
    pub fn note_start(&mut self, start: Option<crate::decode::clock::Instant>, text: Option<&str>) {
        let Some(s) = start else { return };
        while let Some(&(t, scale)) = self.window.front() {
            if scale != s.scale || s.secs - t > 5.0 || s.secs < t {
                self.window.pop_front();
            } else {
                break;
            }
        }
        self.window.push_back((s.secs, s.scale));
        let n = self.window.len() as u64;
        if n > self.burst.0 {
            self.burst = (n, text.map(str::to_string));
        }
    }

    /// Ends the summary (frees the burst window).
    pub fn finish(&mut self) {
        self.window.clear();
    }
}
