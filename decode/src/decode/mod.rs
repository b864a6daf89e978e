//! The log decoder: `envelope → prefilter → pattern → event → incidents`.
//!
//! [`Decoder::decode`] turns one line into an [`Event`] (or nothing); the incident engine
//! groups events into [`Incident`]s per host and session; the input side streams files,
//! stdin and gzip with constant memory and hands only prefiltered candidate lines to the
//! decoder; [`run_files`] wires them together, reporting to a [`Sink`]
//! ([`crate::report::HumanSink`], [`crate::report::JsonSink`]).
//!
//! The modules behind these items are crate-private: this page is the decoder's whole
//! public surface (docs/crates.md).
//!
//! ```
//! use iscsi_decode::decode::Decoder;
//! use iscsi_decode::tables::iscsi_if::IscsiErr;
//! let mut d = Decoder::new(None);
//! let mut scratch = String::new();
//! let line = "Mar  3 10:00:01 node1 kernel:  connection3:0: detected conn error (1022)";
//! let ev = d.decode(1, line, &mut scratch).unwrap();
//! assert_eq!(ev.pattern.id, "kernel.conn_error");
//! assert_eq!(ev.fields.sid, Some(3));
//! assert_eq!(ev.fields.kerr, Some(IscsiErr::ISCSI_ERR_NOP_TIMEDOUT));
//! ```

pub(crate) mod clock;
pub(crate) mod envelope;
mod error;
pub(crate) mod fact;
pub(crate) mod fields;
pub(crate) mod follow;
pub(crate) mod incidents;
pub(crate) mod input;
pub(crate) mod live;
pub(crate) mod memo;
pub(crate) mod names;
pub(crate) mod patterns;
pub mod place;
pub(crate) mod prefilter;
pub(crate) mod redact;
pub(crate) mod run;
pub(crate) mod scan;
pub(crate) mod sources;
pub(crate) mod timing;
pub(crate) mod unwrap;
pub(crate) mod worker;
pub(crate) mod zone;

// The public surface (docs/crates.md): the decoder and what it gives ([`Decoder`],
// [`Event`], [`Fields`], [`Kind`]), the incidents ([`Incident`]), the run over inputs
// ([`run_files`], [`Options`], [`Sink`], [`Summary`], [`Error`]), the vocabularies
// ([`JSON_MEMBERS`], [`Kind::ALL`]), redaction, and the types their items name. The modules
// behind them are crate-private, so that a faster decoder is not a semver break.
pub use clock::{Instant, NoYear, Scale, civil_from_days, days_from_civil};
pub use envelope::{Envelope, Format, RawTime};
pub use error::Error;
pub use fact::{Fact, Texts};
pub use fields::{FieldId, Fields, Hctl, JSON_MEMBERS, PingNumbers};
pub use follow::Follow;
pub use incidents::{Cause, CauseKind, HostSummary, Incident, Outcome};
pub use input::{Input, InputError, open_text};
pub use live::{Live, is_live, run_live};
pub use memo::MessageId;
pub use patterns::{Flag, Kind, Pattern, Refines, Role, Sample, Scope, Severity, Source};
pub use redact::{MASK, Redactor};
pub use run::{
    InputSummary, Options, Render, Runner, Sink, Summary, run_bytes, run_files, run_text,
};
pub use scan::CHUNK;
pub use sources::MessageSource;
pub use sources::release::{Origin, OriginRelease, Place, Printed, ReleaseError, Verdict};
pub use timing::PingTiming;
pub use zone::Zone;

use clock::YearTracker;
use fields::GroupMap;
use patterns::{PatternSet, Scratch};
use std::borrow::Cow;

/// One recognised line.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// 1-based line number in its input.
    pub line: u64,
    /// The pattern that matched.
    pub pattern: &'static Pattern,
    /// The envelope (time, host, program) and message.
    pub env: Envelope<'a>,
    /// The fields of the message.
    pub fields: Fields<'a>,
    /// HZ and silence, for ping-timeout lines.
    pub timing: Option<PingTiming>,
    /// The wall-clock instant, when the line has one.
    pub wall: Option<Instant>,
    /// The whole line as read (after redaction).
    pub raw: &'a str,
    /// Whether `raw` is printable ASCII without `"` or `\`: such text needs no escaping in
    /// JSON or on a terminal, and neither do the envelope's texts then (they are parts of
    /// the line; journal JSON, whose texts are decoded, always has quotes).
    pub plain: bool,
    /// The message's id in the decoder's cache, when it is cached: events with the same id
    /// have the same message, pattern and fields (see `memo::MessageId`).
    pub message_id: Option<memo::MessageId>,
    /// The last line of a message that mail or forum software wrapped over two lines (see
    /// [`Decoder::join`]); `None` for a message on one line.
    pub line_end: Option<u64>,
    /// Which of the messages relayed in one line this is (from 0; see
    /// [`Decoder::segments`]); `None` for a line with one message.
    pub part: Option<u32>,
}

impl Event<'_> {
    /// The call site of the kernel or open-iscsi sources that prints this wording, when the
    /// generated table of the sources has it (docs/messages.md). Found on demand (an
    /// Aho-Corasick search and one regex), so a caller that does not ask pays nothing.
    pub fn source(&self) -> Option<&'static MessageSource> {
        sources::find(self.env.program.as_deref(), &self.env.message)
    }

    /// The other call sites that print exactly the wording of [`Event::source`], among
    /// those the line's program links: the line cannot tell them apart (`Out of Memory.`
    /// is printed by a dozen functions). Empty when the wording has one call site.
    pub fn same_wording(&self) -> Vec<&'static MessageSource> {
        self.source()
            .map(|s| self.same_wording_as(s))
            .unwrap_or_default()
    }

    /// [`Event::same_wording`] when the caller has [`Event::source`] already.
    pub(crate) fn same_wording_as(&self, source: &MessageSource) -> Vec<&'static MessageSource> {
        sources::same_wording(source, self.env.program.as_deref())
    }

    /// Whether `release` prints this line's wording (see [`OriginRelease::verdict`]): over
    /// every row of the release's origin that the message fits. `None` when the line has
    /// no [`Event::source`] of that origin.
    ///
    /// ```
    /// use iscsi_decode::decode::{Decoder, OriginRelease, Printed};
    /// let mut d = Decoder::new(None);
    /// let mut store = String::new();
    /// let line = "Mar  3 10:00:01 node1 kernel:  connection3:0: detected conn error (1022)";
    /// let ev = d.decode(1, line, &mut store).unwrap();
    /// let v = ev.printed_by(&OriginRelease::kernel("6.1.192").unwrap()).unwrap();
    /// assert_eq!(v.printed, Printed::Yes);
    /// assert!(ev.printed_by(&OriginRelease::open_iscsi("2.1.4").unwrap()).is_none());
    /// ```
    pub fn printed_by(&self, release: &OriginRelease) -> Option<Verdict> {
        let source = self.source()?;
        if source.origin != release.origin().name() {
            return None;
        }
        let mut rows = sources::matching(self.env.program.as_deref(), &self.env.message);
        if !rows.iter().any(|r| std::ptr::eq(*r, source)) {
            rows.push(source);
        }
        release.verdict(&rows)
    }

    /// The best instant for ordering and durations: wall clock, else printk uptime.
    pub fn instant(&self) -> Option<Instant> {
        self.wall.or(self.env.uptime.map(|u| Instant {
            secs: u,
            scale: Scale::Uptime,
        }))
    }

    /// The time as the log printed it, else the uptime as `[  171.334125]` shows it.
    pub fn time_text(&self) -> Option<String> {
        match (&self.env.time_text, self.env.uptime) {
            (Some(t), _) => Some(t.to_string()),
            (None, Some(u)) => Some(format!("{u:.6}")),
            (None, None) => None,
        }
    }

    /// Writes [`Event::time_text`] into `buf` (cleared first), without allocating when
    /// `buf` has room.
    pub fn write_time_text(&self, buf: &mut String) {
        use std::fmt::Write as _;
        buf.clear();
        match (&self.env.time_text, self.env.uptime) {
            (Some(t), _) => buf.push_str(t),
            (None, Some(u)) => {
                let _ = write!(buf, "{u:.6}");
            }
            (None, None) => {}
        }
    }

    /// `field=value` pairs of the envelope and fields (for tests and debugging).
    pub fn pairs(&self) -> Vec<String> {
        let mut v = self.fields.pairs();
        if let Some(h) = &self.env.host {
            v.push(format!("host={h}"));
        }
        if let Some(p) = &self.env.program {
            v.push(format!("program={p}"));
        }
        if let Some(p) = self.env.pid {
            if self.fields.pid.is_none() {
                v.push(format!("pid={p}"));
            }
        }
        if let Some(u) = self.env.uptime {
            v.push(format!("uptime={u}"));
        }
        if self.env.inner_prefix {
            v.push("inner_prefix=true".into());
        }
        if let Some(n) = self.env.repeated {
            v.push(format!("repeated={n}"));
        }
        if let Some(c) = &self.env.caller {
            v.push(format!("caller={c}"));
        }
        if let Some(t) = &self.timing {
            v.push(format!("hz={}", t.hz));
            v.push(format!("hz_confirmed={}", t.hz_confirmed));
            v.push(format!("silence_s={:.2}", t.silence_s));
            v.push(format!("since_ping_s={:.2}", t.since_ping_s));
            v.push(format!("stalled={}", t.stalled));
        }
        v.push(format!("format={}", self.env.format.name()));
        v
    }
}

/// Counters over everything the decoder saw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines read.
    pub lines: u64,
    /// Lines that passed the literal prefilter.
    pub candidates: u64,
    /// Lines a pattern recognised.
    pub recognised: u64,
    /// Lines per input format (recognised ones), indexed like [`Format::ALL`].
    pub formats: [u64; 7],
    /// Lines that were not valid UTF-8 (decoded lossily).
    pub invalid_utf8: u64,
    /// Lines cut because they were longer than the line limit.
    pub truncated: u64,
    /// Lines in which a secret was redacted.
    pub redacted: u64,
}

/// Turns lines into events. Holds the compiled patterns and reusable buffers; one per thread.
#[derive(Debug)]
pub struct Decoder {
    set: &'static PatternSet,
    maps: Vec<std::sync::OnceLock<GroupMap>>,
    implies: Vec<Vec<(FieldId, &'static str)>>,
    scratch: Scratch,
    memo: memo::Memo,
    shapes: memo::Shapes,
    shape_buf: Vec<u8>,
    spans: memo::Spans,
    forced: Option<Format>,
    years: YearTracker,
    last_index: Option<usize>,
    /// Scratch for the fields of a row of the sources' table.
    row_fields: Vec<(&'static str, usize, usize)>,
}

impl Decoder {
    /// A decoder; `forced` overrides per-line format detection.
    pub fn new(forced: Option<Format>) -> Decoder {
        let set = PatternSet::shared();
        let maps = (0..set.patterns().len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        let implies = set
            .patterns()
            .iter()
            .map(|p| {
                p.implies
                    .iter()
                    .filter_map(|(k, v)| Some((FieldId::from_group(k)?, *v)))
                    .collect()
            })
            .collect();
        let scratch = set.scratch();
        Decoder {
            set,
            maps,
            implies,
            scratch,
            memo: memo::Memo::default(),
            shapes: memo::Shapes::default(),
            shape_buf: Vec::new(),
            spans: Vec::new(),
            forced,
            years: YearTracker::default(),
            last_index: None,
            row_fields: Vec::new(),
        }
    }

    /// Decodes one line (without its newline); `None` if no pattern recognises it.
    ///
    /// `store` holds the message when the envelope had to build it (journal JSON with
    /// escapes), so that the event can borrow it.
    pub fn decode<'a>(
        &mut self,
        line: u64,
        raw: &'a str,
        store: &'a mut String,
    ) -> Option<Event<'a>> {
        let mut slot = None;
        self.decode_into(line, raw, store, &mut slot);
        slot
    }

    /// [`Decoder::decode`] into `slot` (built in place: an [`Event`] is large); returns
    /// whether the line was recognised. `slot` is `None` when it was not.
    pub fn decode_into<'a>(
        &mut self,
        line: u64,
        raw: &'a str,
        store: &'a mut String,
        slot: &mut Option<Event<'a>>,
    ) -> bool {
        *slot = None;
        let env = envelope::parse(raw, self.forced);
        self.decode_env(line, raw, env, store, slot)
    }

    /// The messages of a line that relays another program's output with its newlines
    /// (escaped as `\n` in a quoted string, or decoded by the envelope from JSON or
    /// logfmt): each non-blank line of that output, when there are several. `None` for a
    /// line with one message.
    pub fn segments(&self, raw: &str) -> Option<Vec<String>> {
        let env = envelope::parse(raw, self.forced);
        let m: &str = &env.message;
        let text = if m.contains("\\n") {
            Cow::Owned(unwrap::unescape(m))
        } else if m.contains('\n') {
            Cow::Borrowed(m)
        } else {
            return None;
        };
        let parts: Vec<String> = text
            .split('\n')
            .map(str::trim)
            .filter(|s| s.chars().any(char::is_alphanumeric))
            .map(str::to_string)
            .collect();
        (parts.len() > 1).then_some(parts)
    }

    /// Decodes `segment`, one of the [`Decoder::segments`] of `raw`, as message `part` of
    /// the line: the envelope (time, host, program) is the line's.
    pub fn decode_segment<'a>(
        &mut self,
        line: u64,
        raw: &'a str,
        segment: &'a str,
        part: u32,
        store: &'a mut String,
        slot: &mut Option<Event<'a>>,
    ) -> bool {
        *slot = None;
        let mut env = envelope::parse(raw, self.forced);
        env.message = Cow::Borrowed(unwrap::strip_leading(segment));
        envelope::strip_own_tags(&mut env);
        let ok = self.decode_env(line, raw, env, store, slot);
        if let Some(ev) = slot {
            ev.part = Some(part);
        }
        ok
    }

    /// Decodes a message that mail or forum software wrapped in two: `first` (line `line`)
    /// and `second`, the next line, which has no envelope of its own and alone is no
    /// message. `joined` is the caller's buffer for the joined text. The join is taken
    /// only when it is recognised by a more specific pattern than `first` alone
    /// (`first_pattern`, its index, or `None` when `first` alone was not recognised).
    pub fn join<'a>(
        &mut self,
        line: u64,
        joined: &'a str,
        first_pattern: Option<usize>,
        store: &'a mut String,
        slot: &mut Option<Event<'a>>,
    ) -> bool {
        if !self.decode_into(line, joined, store, slot) {
            return false;
        }
        let better = match (slot.as_ref(), first_pattern) {
            (Some(_), Some(f)) => self.last_index().is_some_and(|i| i < f),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !better {
            *slot = None;
        }
        better
    }

    /// Where in its message the last recognised line's match stands (start, end in bytes;
    /// a start after 0 means the message was found inside a longer text).
    pub fn last_match(&self) -> Option<(usize, usize)> {
        self.spans
            .first()
            .copied()
            .flatten()
            .map(|(s, e)| (s as usize, e as usize))
    }

    /// The priority index of the pattern of the last recognised line.
    pub fn last_index(&self) -> Option<usize> {
        self.last_index
    }

    /// Whether a line's second half, `text`, could stand alone: it has an envelope, or is
    /// recognised by itself. (A wrapped line's second half does neither.)
    pub fn stands_alone(&mut self, text: &str) -> bool {
        // Most lines start with their envelope: the cheap test settles them.
        if envelope::starts_with_envelope(text) {
            return true;
        }
        let env = envelope::parse(text, self.forced);
        if env.format != Format::Bare || env.program.is_some() {
            return true;
        }
        let mut store = String::new();
        self.decode(0, text, &mut store).is_some()
    }

    fn decode_env<'a>(
        &mut self,
        line: u64,
        raw: &'a str,
        mut env: Envelope<'a>,
        store: &'a mut String,
        slot: &mut Option<Event<'a>>,
    ) -> bool {
        let source = env.program.as_deref().and_then(Source::of_program);
        let (idx, message_id) = match self.memo.get(&env.message, source) {
            Some((found, spans, id)) => {
                let Some(found) = found else { return false };
                self.spans.clone_from(spans);
                (found, Some(id))
            }
            None => {
                let found = self
                    .find_by_shape(&env.message, source)
                    .or_else(|| self.source_only(env.program.as_deref(), &env.message));
                let id = self.memo.put(&env.message, source, found, &self.spans);
                let Some(found) = found else { return false };
                (found, id)
            }
        };
        // A line the envelope marks as debug output (syslog severity 7) that only a
        // catch-all row knows is debug output.
        // The renderers cache what they render by message id: a twin is not what the
        // message's id stands for.
        let (idx, message_id) = match (env.severity, self.set.debug_twin(idx)) {
            (Some(7), Some(twin)) => (twin, None),
            _ => (idx, message_id),
        };
        let pattern = self.set.patterns()[idx];
        self.last_index = Some(idx);
        if pattern.id == patterns::RELAYED_EXIT_STATUS && !relays_iscsiadm(raw) {
            return false;
        }
        let wall = match env.time {
            RawTime::None => None,
            RawTime::Wall(secs) => Some(Instant {
                secs,
                scale: Scale::Wall,
            }),
            RawTime::NoYear(ny) => Some(self.years.instant(ny)),
        };
        let msg: &'a str = match std::mem::replace(&mut env.message, std::borrow::Cow::Borrowed(""))
        {
            std::borrow::Cow::Borrowed(m) => m,
            std::borrow::Cow::Owned(m) => {
                *store = m;
                let s: &'a String = store;
                s.as_str()
            }
        };
        env.message = std::borrow::Cow::Borrowed(msg);
        let map =
            self.maps[idx].get_or_init(|| GroupMap::new(self.set.regex(idx)).unwrap_or_default());
        let ev = slot.insert(Event {
            line,
            pattern,
            env,
            fields: Fields::default(),
            timing: None,
            wall,
            raw,
            // An `&` may have been decoded into a quote (HTML references): not plain.
            plain: is_plain(raw.as_bytes()) && memchr::memchr(b'&', raw.as_bytes()).is_none(),
            message_id,
            line_end: None,
            part: None,
        });
        let fields = &mut ev.fields;
        fields.fill_from_spans(map, &self.spans, msg);
        for &(id, v) in &self.implies[idx] {
            if is_unset(fields, id) {
                fields.set(id, v);
            }
        }
        if pattern.anchor == patterns::SOURCE_TABLE {
            sources::fill_fields(ev.env.program.as_deref(), msg, fields, &mut self.row_fields);
        }
        ev.timing = fields
            .ping
            .as_ref()
            .and_then(|p| timing::ping_timing(p, ev.env.uptime));
        true
    }

    /// For a message no pattern knows: the [`patterns::SOURCE_TABLE`] pattern when the
    /// generated table of the sources has the wording (strictly: enough literal text that
    /// noise cannot pass for it), its spans in `self.spans`.
    fn source_only(&mut self, program: Option<&str>, msg: &str) -> Option<usize> {
        let i = self.set.source_table()?;
        sources::find_strict(program, msg)?;
        if !self.set.try_one(i, msg, &mut self.scratch) {
            return None;
        }
        self.spans_from_regex(i);
        Some(i)
    }

    /// The pattern of a message not in the memo, with its group spans in `self.spans`:
    /// through the shape cache when a message of the same shape was seen, else by the
    /// anchors and regexes (and then remembered).
    fn find_by_shape(&mut self, msg: &str, source: Option<Source>) -> Option<usize> {
        memo::shape_key(msg, &mut self.shape_buf);
        if let Some(hit) = self.shapes.get(&self.shape_buf, msg.len(), source) {
            if let Some(&q) = hit
                .sensitive
                .iter()
                .find(|&&q| self.set.try_one(q, msg, &mut self.scratch))
            {
                self.spans_from_regex(q);
                return Some(q);
            }
            match (hit.pattern, hit.spans) {
                (None, _) => {
                    self.spans.clear();
                    return None;
                }
                // A digit-blind pattern matches this message as it matched the first one.
                (Some(p), Some(spans)) => {
                    self.spans.clone_from(spans);
                    return Some(p);
                }
                (Some(p), None) if self.set.try_one(p, msg, &mut self.scratch) => {
                    self.spans_from_regex(p);
                    return Some(p);
                }
                (Some(_), None) => {}
            }
        }
        let found = self.set.find(msg, source, &mut self.scratch);
        match found {
            Some(i) => self.spans_from_regex(i),
            None => self.spans.clear(),
        }
        if self.set.last_was_embedded(&self.scratch) {
            // Where inside the text a message stands is no matter of shape alone.
            return found;
        }
        let limit = found.unwrap_or(usize::MAX);
        let set = &self.set;
        let sensitive = set
            .last_candidates(&self.scratch)
            .iter()
            .copied()
            .filter(|&i| {
                i < limit
                    && set.digit_sensitive(i)
                    && source.is_none_or(|s| s == set.patterns()[i].source)
            });
        let blind = found
            .filter(|&i| !set.digit_sensitive(i))
            .map(|_| (msg.len(), &self.spans[..]));
        self.shapes
            .put(&self.shape_buf, source, found, sensitive, blind);
        found
    }

    /// Fills `self.spans` from the capture locations the last regex run of pattern `i` left.
    fn spans_from_regex(&mut self, i: usize) {
        match self.set.locations(i, &self.scratch) {
            Some(locs) => fields::spans_of(locs, &mut self.spans),
            None => self.spans.clear(),
        }
    }

    /// Parses the envelope only (for lines no pattern recognised, e.g. `--passthrough`).
    pub fn envelope<'a>(&self, raw: &'a str) -> Envelope<'a> {
        envelope::parse(raw, self.forced)
    }
}

/// Whether `b` is printable ASCII without `"` or `\` (see [`Event::plain`]). The test runs
/// on blocks of 32 bytes without branches, which the compiler vectorises; the tail is
/// tested as the last 32 bytes (overlapping the blocks before it) or, in a short text,
/// padded with spaces.
pub fn is_plain(b: &[u8]) -> bool {
    let bad = |block: &[u8; 32]| !block_is_plain(block);
    let mut blocks = b.chunks_exact(32);
    for block in &mut blocks {
        if <&[u8; 32]>::try_from(block).map_or(true, bad) {
            return false;
        }
    }
    let rest = blocks.remainder();
    if rest.is_empty() {
        return true;
    }
    let mut tail = [b' '; 32];
    match b.len().checked_sub(32) {
        Some(from) => tail.copy_from_slice(&b[from..]),
        None => tail[..rest.len()].copy_from_slice(rest),
    }
    !bad(&tail)
}

/// [`is_plain`] of one block of 32 bytes, without branches (the JSON writer's escaping
/// pass skips plain text with it too).
#[inline]
pub fn block_is_plain(block: &[u8; 32]) -> bool {
    let mut m = false;
    for &c in block {
        m |= !(0x20..=0x7e).contains(&c) | (c == b'"') | (c == b'\\');
    }
    !m
}

/// Whether a line relays iscsiadm's or iscsistart's output (the condition under which its
/// `exit status N` is that program's error code).
fn relays_iscsiadm(raw: &str) -> bool {
    raw.contains("iscsiadm") || raw.contains("iscsistart")
}

/// Whether an implied field is still empty (a printed value wins over an implied one).
fn is_unset(f: &Fields<'_>, id: FieldId) -> bool {
    match id {
        FieldId::Kerr => f.kerr.is_none(),
        FieldId::Login | FieldId::LoginClass | FieldId::LoginDetail => f.login.is_none(),
        FieldId::ErrnoText => f.errno_text.is_none(),
        _ => true,
    }
}

#[cfg(test)]
mod plain_tests {
    use super::is_plain;

    #[test]
    fn plain_lines() {
        let line =
            "Mar  4 00:06:28 db01 iscsid: connect to 10.20.30.11:3260 failed (No route to host)";
        assert!(is_plain(line.as_bytes()));
        assert!(is_plain(b""));
        // Every length around the block size, with the odd byte at every position.
        for len in [1, 5, 31, 32, 33, 63, 64, 65, 100] {
            let text = vec![b'a'; len];
            assert!(is_plain(&text), "{len}");
            for at in 0..len {
                for odd in [
                    b'"', b'\\', 0x1b, 0x7f, 0x00, 0x80, 0xc2, 0xff, b'\n', b'\t',
                ] {
                    let mut t = text.clone();
                    t[at] = odd;
                    assert!(!is_plain(&t), "{len} {at} {odd:#x}");
                }
            }
        }
    }
}
