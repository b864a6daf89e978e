//! A [`Fact`]: the part of an event the incident engine needs, owned, so that lines can be
//! decoded on worker threads while the engine runs on one thread in line order.

use super::clock::{Instant, Scale};
use super::envelope::RawTime;
use super::fields::Hctl;
use super::patterns::{Flag, Kind, Role, Scope};
use super::timing::PingTiming;
use super::{Event, fields};
use crate::explain::IscsidLoginCode;
use crate::explain::iscsiadm::IscsiadmError;
use crate::tables::iscsi_if::{IscsiConnState, IscsiErr};
use crate::tables::iscsi_proto::LoginStatus;

/// The text fields of a [`Fact`], in one buffer (one allocation per fact instead of one per
/// field).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Texts {
    buf: String,
    spans: [(u32, u32); TEXTS],
}

const TEXTS: usize = 10;
const NONE: (u32, u32) = (u32::MAX, 0);

impl Texts {
    fn push(&mut self, i: usize, v: Option<&str>) {
        self.spans[i] = match v {
            Some(v) => {
                let start = self.buf.len() as u32;
                self.buf.push_str(v);
                (start, v.len() as u32)
            }
            None => NONE,
        };
    }

    /// Refills from `ev`, reusing the buffer.
    fn fill(&mut self, ev: &Event<'_>) {
        let f = &ev.fields;
        self.buf.clear();
        // The time text is written in place (an uptime is formatted, not copied).
        ev.write_time_text(&mut self.buf);
        self.spans = [NONE; TEXTS];
        if !self.buf.is_empty() {
            self.spans[1] = (0, self.buf.len() as u32);
        }
        self.push(0, ev.env.host.as_deref());
        self.push(2, f.disk.as_deref());
        self.push(3, f.addr);
        self.push(4, f.target);
        self.push(5, f.errno_text);
        self.push(6, f.hostbyte);
        self.push(7, f.unit);
        self.push(8, f.devstate);
        self.spans[9] = match (f.addr, f.port) {
            (Some(a), port) => {
                let start = self.buf.len();
                let v6 = port.is_some() && a.as_bytes().contains(&b':');
                if v6 {
                    self.buf.push('[');
                }
                self.buf.push_str(a);
                if let Some(p) = port {
                    self.buf.push_str(if v6 { "]:" } else { ":" });
                    let mut d = [0u8; 20];
                    let digits = fields::decimal(u64::from(p), &mut d);
                    self.buf
                        .push_str(std::str::from_utf8(digits).unwrap_or_default());
                }
                (start as u32, (self.buf.len() - start) as u32)
            }
            (None, _) => NONE,
        };
    }

    fn get(&self, i: usize) -> Option<&str> {
        let (s, n) = self.spans[i];
        if s == u32::MAX {
            return None;
        }
        self.buf.get(s as usize..(s + n) as usize)
    }
}

macro_rules! texts {
    ($($i:literal $name:ident $doc:literal;)*) => {
        impl Fact {
            $(
                #[doc = $doc]
                pub fn $name(&self) -> Option<&str> {
                    self.texts.get($i)
                }
            )*
        }
    };
}

texts! {
    0 host "Host name.";
    1 time_text "The time as the log printed it (or the uptime).";
    2 disk "See [`fields::Fields::disk`].";
    3 addr "See [`fields::Fields::addr`].";
    4 target "See [`fields::Fields::target`].";
    5 errno_text "See [`fields::Fields::errno_text`].";
    6 hostbyte "See [`fields::Fields::hostbyte`].";
    7 unit "See [`fields::Fields::unit`].";
    8 devstate "See [`fields::Fields::devstate`].";
    9 portal "The portal as `addr:port` (`[v6]:port` for IPv6; the address alone without a port).";
}

/// Generates [`Fact`] with a member for each field the registry marks `fact`, and the
/// copying of those members from an event's fields.
macro_rules! fact_struct {
    (
        fields { $(
            $(#[doc = $doc:literal])*
            $name:ident : $ty:ty $(= $id:ident $group:literal $how:ident)?,
            json $jk:ident $($jr:ident)? $($jn:literal)?,
            pair $pk:ident $($pp:ident)? $(, fact $fty:ty)?;
        )* }
        groups { $($groups:tt)* }
    ) => {
        /// What the incident engine knows about one recognised line.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Fact {
            /// Host, time text, disk, portal address, target, errno text, host byte, unit,
            /// device state and portal (see the accessors).
            pub texts: Texts,
            /// 1-based line number.
            pub line: u64,
            /// The pattern's kind.
            pub kind: Kind,
            /// The pattern's id.
            pub pattern_id: &'static str,
            /// The timestamp as read (placed on a scale by the engine's caller, in line
            /// order).
            pub time: RawTime,
            /// The wall-clock instant, once placed.
            pub wall: Option<Instant>,
            /// printk uptime.
            pub uptime: Option<f64>,
            /// The process id of the envelope (`iscsiadm[28960]:`): the process that logged
            /// the line.
            pub pid: Option<u32>,
            $($(
                #[doc = concat!("See [`fields::Fields::", stringify!($name), "`].")]
                pub $name: $fty,
            )?)*
            /// The ping-timeout timing.
            pub timing: Option<PingTiming>,
        }

        impl Fact {
            fn with_texts(texts: Texts, ev: &Event<'_>) -> Fact {
                let f = &ev.fields;
                Fact {
                    texts,
                    line: ev.line,
                    kind: ev.pattern.kind,
                    pattern_id: ev.pattern.id,
                    time: ev.env.time,
                    wall: ev.wall,
                    uptime: ev.env.uptime,
                    pid: ev.env.pid,
                    $($( $name: <$fty>::from(f.$name), )?)*
                    timing: ev.timing,
                }
            }
        }
    };
}

fields::field_table!(fact_struct);

/// Whether the engine does anything with events of this kind (others need no fact unless
/// they teach a disk name): every [`Role`] but [`Role::Noise`].
pub fn engine_kind(k: Kind) -> bool {
    k.role() != Role::Noise
}

/// SCSI-layer messages (`sd H:C:T:L: ...`, `scsi hostN: ...`): about iSCSI disks or local
/// ones alike; the engine counts those whose SCSI host no iSCSI session claims. The kinds
/// flagged [`Flag::ScsiLayer`].
pub fn generic_scsi_kind(k: Kind) -> bool {
    k.flags().contains(&Flag::ScsiLayer)
}

/// Whether the engine needs a fact of `ev`.
fn wanted(ev: &Event<'_>) -> bool {
    let f = &ev.fields;
    if ev.pattern.kind == Kind::ListingLine {
        // Only the tree lines that name a target, portal, session, SCSI host, LUN or disk
        // teach the engine something (see `incidents::listing`).
        return f.sid.is_some()
            || f.scsi_host.is_some()
            || f.hctl.is_some()
            || f.disk.is_some()
            || f.addr.is_some()
            || f.target.is_some();
    }
    engine_kind(ev.pattern.kind)
        || ev.pattern.kind.scope() == Scope::Context
        || f.hctl.is_some() && f.disk.is_some()
        || generic_scsi_kind(ev.pattern.kind) && (f.hctl.is_some() || f.scsi_host.is_some())
}

impl Fact {
    /// The fact of an event, if the engine needs one.
    pub fn of(ev: &Event<'_>) -> Option<Fact> {
        wanted(ev).then(|| Fact::new(ev))
    }

    fn new(ev: &Event<'_>) -> Fact {
        let mut texts = Texts::default();
        texts.fill(ev);
        Fact::with_texts(texts, ev)
    }

    /// Overwrites every member from `ev` (the texts reuse their buffer).
    fn refill(&mut self, ev: &Event<'_>) {
        let mut texts = std::mem::take(&mut self.texts);
        texts.fill(ev);
        *self = Fact::with_texts(texts, ev);
    }

    /// The best instant: wall clock, else printk uptime.
    pub fn instant(&self) -> Option<Instant> {
        self.wall.or(self.uptime.map(|u| Instant {
            secs: u,
            scale: Scale::Uptime,
        }))
    }

    /// The errno text as logged, or the C library's words for the errno number.
    pub fn errno_words(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self.errno_text() {
            Some(t) => Some(std::borrow::Cow::Borrowed(t)),
            None => self.errno.and_then(fields::errno_text),
        }
    }
}

/// The facts of a chunk, in line order, each with the length of the chunk's output just
/// after its event. Cleared facts keep their buffers, so a worker reusing a `Facts`
/// allocates nothing for its texts once warm.
#[derive(Debug, Default)]
pub struct Facts {
    items: Vec<(usize, Fact)>,
    len: usize,
}

impl Facts {
    /// Empties the list (keeping the buffers).
    pub fn clear(&mut self) {
        self.len = 0;
    }

    /// Adds the fact of `ev` if the engine needs one; `end` is the output length after it.
    pub fn push(&mut self, end: usize, ev: &Event<'_>) {
        if !wanted(ev) {
            return;
        }
        if let Some((e, slot)) = self.items.get_mut(self.len) {
            slot.refill(ev);
            *e = end;
        } else {
            self.items.push((end, Fact::new(ev)));
        }
        self.len += 1;
    }

    /// The facts, in order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut (usize, Fact)> {
        self.items[..self.len].iter_mut()
    }
}
