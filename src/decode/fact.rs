//! A [`Fact`]: the part of an event the incident engine needs, owned, so that lines can be
//! decoded on worker threads while the engine runs on one thread in line order.

use super::clock::{Instant, Scale};
use super::envelope::RawTime;
use super::fields::Hctl;
use super::patterns::Kind;
use super::timing::PingTiming;
use super::{Event, fields};

/// What the incident engine knows about one recognised line.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// 1-based line number.
    pub line: u64,
    /// The pattern's kind.
    pub kind: Kind,
    /// The pattern's id.
    pub pattern_id: &'static str,
    /// Host name.
    pub host: Option<Box<str>>,
    /// The timestamp as read (placed on a scale by the engine's caller, in line order).
    pub time: RawTime,
    /// The wall-clock instant, once placed.
    pub wall: Option<Instant>,
    /// printk uptime.
    pub uptime: Option<f64>,
    /// The time as the log printed it (or the uptime).
    pub time_text: Option<Box<str>>,
    /// See [`fields::Fields::sid`].
    pub sid: Option<i64>,
    /// See [`fields::Fields::cid`].
    pub cid: Option<u32>,
    /// See [`fields::Fields::hctl`].
    pub hctl: Option<Hctl>,
    /// See [`fields::Fields::disk`].
    pub disk: Option<Box<str>>,
    /// See [`fields::Fields::scsi_host`].
    pub scsi_host: Option<u32>,
    /// See [`fields::Fields::addr`].
    pub addr: Option<Box<str>>,
    /// See [`fields::Fields::port`].
    pub port: Option<u16>,
    /// See [`fields::Fields::target`].
    pub target: Option<Box<str>>,
    /// See [`fields::Fields::errno`].
    pub errno: Option<u32>,
    /// See [`fields::Fields::errno_text`].
    pub errno_text: Option<Box<str>>,
    /// See [`fields::Fields::kerr`].
    pub kerr: Option<u32>,
    /// See [`fields::Fields::state`].
    pub state: Option<u32>,
    /// See [`fields::Fields::login`].
    pub login: Option<(u8, u8)>,
    /// See [`fields::Fields::login_code`].
    pub login_code: Option<u32>,
    /// See [`fields::Fields::iscsiadm`].
    pub iscsiadm: Option<u8>,
    /// See [`fields::Fields::attempts`].
    pub attempts: Option<u32>,
    /// See [`fields::Fields::secs`].
    pub secs: Option<u64>,
    /// See [`fields::Fields::hostbyte`].
    pub hostbyte: Option<Box<str>>,
    /// See [`fields::Fields::count`].
    pub count: Option<u64>,
    /// See [`fields::Fields::unit`].
    pub unit: Option<Box<str>>,
    /// See [`fields::Fields::exit_status`].
    pub exit_status: Option<u32>,
    /// See [`fields::Fields::devstate`].
    pub devstate: Option<Box<str>>,
    /// The ping-timeout timing.
    pub timing: Option<PingTiming>,
}

fn b(s: Option<&str>) -> Option<Box<str>> {
    s.map(Box::from)
}

/// Whether the engine does anything with events of this kind (others need no fact unless
/// they teach a disk name).
pub fn engine_kind(k: Kind) -> bool {
    !matches!(
        k,
        Kind::ScsiCdb
            | Kind::ScsiSense
            | Kind::ScsiDeviceMessage
            | Kind::ScsiHostMessage
            | Kind::TransportLoaded
            | Kind::KernelConnMessage
            | Kind::KernelSessionMessage
            | Kind::IscsidSessionMessage
            | Kind::LoggingIn
            | Kind::LoginAllFailed
            | Kind::NothingFound
            | Kind::RecordListing
            | Kind::LibraryMessage
            | Kind::ServiceState
            | Kind::IserMessage
            | Kind::IscsiuioMessage
            | Kind::TargetSide
            | Kind::DaemonLifecycle
            | Kind::ConfigWarning
            | Kind::Reopening
            | Kind::ConnLogin
            | Kind::MultipathMessage
            | Kind::MultipathdPaths
            | Kind::DiscoveryFailed
            | Kind::TargetAsync
    )
}

impl Fact {
    /// The fact of an event, if the engine needs one.
    pub fn of(ev: &Event<'_>) -> Option<Fact> {
        let f = &ev.fields;
        if !(engine_kind(ev.pattern.kind) || f.hctl.is_some() && f.disk.is_some()) {
            return None;
        }
        let mut time_text = String::new();
        ev.write_time_text(&mut time_text);
        Some(Fact {
            line: ev.line,
            kind: ev.pattern.kind,
            pattern_id: ev.pattern.id,
            host: b(ev.env.host.as_deref()),
            time: ev.env.time,
            wall: ev.wall,
            uptime: ev.env.uptime,
            time_text: (!time_text.is_empty()).then(|| time_text.into_boxed_str()),
            sid: f.sid,
            cid: f.cid,
            hctl: f.hctl,
            disk: b(f.disk.as_deref()),
            scsi_host: f.scsi_host,
            addr: b(f.addr),
            port: f.port,
            target: b(f.target),
            errno: f.errno,
            errno_text: b(f.errno_text),
            kerr: f.kerr,
            state: f.state,
            login: f.login,
            login_code: f.login_code,
            iscsiadm: f.iscsiadm,
            attempts: f.attempts,
            secs: f.secs,
            hostbyte: b(f.hostbyte),
            count: f.count,
            unit: b(f.unit),
            exit_status: f.exit_status,
            devstate: b(f.devstate),
            timing: ev.timing,
        })
    }

    /// The best instant: wall clock, else printk uptime.
    pub fn instant(&self) -> Option<Instant> {
        self.wall.or(self.uptime.map(|u| Instant {
            secs: u,
            scale: Scale::Uptime,
        }))
    }

    /// The time text, owned.
    pub fn time_text(&self) -> Option<String> {
        self.time_text.as_deref().map(str::to_string)
    }

    /// The errno text as logged, or the C library's words for the errno number.
    pub fn errno_words(&self) -> Option<std::borrow::Cow<'_, str>> {
        match &self.errno_text {
            Some(t) => Some(std::borrow::Cow::Borrowed(t)),
            None => self.errno.and_then(fields::errno_text),
        }
    }
}
