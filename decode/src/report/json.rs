//! The NDJSON renderer: one object per recognised line, per incident (when it closes) and a
//! last summary object. The schema is documented in docs/decode.md.

use super::jsonw::{JsonBuf, Obj, push_json_string, push_num, push_u64};
use crate::decode::Event;
use crate::decode::OriginRelease;
use crate::decode::incidents::Incident;
use crate::decode::patterns::Scope;
use crate::decode::place::{self, Placing, TimeRefs};
use crate::decode::run::{Render, Sink, Summary};
use std::io::{self, Write};
use std::sync::Arc;

mod fields;
mod incident;
mod source;
mod summary;
mod ts;
pub use fields::field_members;
pub use incident::incident_members;
pub use summary::summary_members;

/// The schema version of the NDJSON report, in its header (docs/ndjson.schema.json).
pub const SCHEMA: &str = "1.0";

/// Streams NDJSON to a writer: a header, then the events and incidents, then the summary.
pub struct JsonSink<W: Write> {
    out: W,
    obj: Obj,
    /// Whether the header is written.
    headed: bool,
    /// The current input's name and index.
    current: String,
    index: usize,
    /// The inputs' names, as the summary shows them.
    names: Vec<String>,
    /// Per input, what its times are placed through ([`place`]).
    references: Vec<TimeRefs>,
    /// How the inputs' times are placed.
    placing: Placing,
    /// Rendered incidents of the chunk being written (reused).
    incidents: Vec<u8>,
    /// The events of the chunk being written that joined an incident: (end, id).
    joined: Vec<(usize, u64)>,
    /// `--kernel` / `--open-iscsi`: the releases each event's wording is checked against.
    releases: Arc<[OriginRelease]>,
}

impl<W: Write> JsonSink<W> {
    /// A renderer writing to `out`. Every event and incident names its input (`file`,
    /// `-` for standard input); `_multi` (several inputs) is kept for compatibility.
    pub fn new(out: W, _multi: bool) -> Self {
        JsonSink {
            out,
            obj: Obj::default(),
            headed: false,
            current: String::new(),
            index: 0,
            names: Vec::new(),
            references: Vec::new(),
            placing: Placing::default(),
            incidents: Vec::new(),
            joined: Vec::new(),
            releases: Arc::new([]),
        }
    }

    /// Infers the years of RFC 3164 times from `secs` (seconds since the epoch) for every
    /// input, instead of each input file's modification time (or now, for standard input).
    pub fn year_reference(mut self, secs: i64) -> Self {
        self.placing.year = Some(secs);
        self
    }

    /// Places the inputs' times as `placing` says: the zone of zone-less times (named in
    /// the header), a boot time for dmesg uptimes, and whether a pipe's uptimes take this
    /// machine's boot time. [`JsonSink::year_reference`] still applies.
    pub fn placing(mut self, placing: Placing) -> Self {
        let year = self.placing.year;
        self.placing = placing;
        self.placing.year = self.placing.year.or(year);
        self
    }

    /// Checks each event's wording against `releases` (at most one per origin): the
    /// `source` of an event of a release's origin gains a member `release` that says whether
    /// that release prints the wording (docs/decode.md).
    pub fn check_releases(mut self, releases: Vec<OriginRelease>) -> Self {
        self.releases = releases.into();
        self
    }

    /// The writer back.
    pub fn into_inner(self) -> W {
        self.out
    }

    fn emit(&mut self) -> io::Result<()> {
        let s = self.obj.end();
        self.out.write_all(s.as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Writes the header line, once, before anything else.
    fn header(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.headed, true) {
            return Ok(());
        }
        self.obj.begin();
        self.obj.str("type", "header");
        self.obj.str("schema", SCHEMA);
        self.obj.str("tool", "iscsi-decode");
        self.obj.str("version", env!("CARGO_PKG_VERSION"));
        self.obj.str("zone", self.placing.zone.name());
        self.emit()
    }

    /// Renders an incident object into `self.obj`; `open` marks one written before it
    /// closed (live inputs, `--idle`).
    fn render_incident(&mut self, inc: &Incident, open: bool) {
        self.obj.begin();
        self.obj.str("type", "incident");
        if open {
            self.obj.bool("open", true);
        }
        if let Some(n) = self.names.get(inc.file) {
            self.obj.str("file", file_name(n));
        }
        let refs = match self.references.get(inc.file) {
            Some(r) => r.clone(),
            None => self.placing.fallback(),
        };
        incident_members(&mut self.obj, inc, &refs);
    }
}

/// An input's name as `file` shows it: `-` for standard input.
fn file_name(name: &str) -> &str {
    if name == "<stdin>" { "-" } else { name }
}

/// Writes every byte of `slices` (advancing them), retrying when interrupted.
fn write_all_vectored(out: &mut impl Write, mut slices: &mut [io::IoSlice<'_>]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut slices, 0);
    while !slices.is_empty() {
        match out.write_vectored(slices) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut slices, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Renders event objects on a worker thread. The members decoded from a message are the
/// same whenever the message repeats, so they are rendered once per distinct message and
/// kept in a small cache by [`Event::message_id`] (lines with timing depend on the uptime
/// too, and are not cached).
pub struct JsonRender {
    obj: Obj,
    /// The input's name, as `file` shows it.
    file: String,
    /// `,"file":"…"`, escaped once.
    file_member: Vec<u8>,
    /// What the input's times are placed through ([`place`]).
    reference: TimeRefs,
    cache: Vec<Fragment>,
    releases: Arc<[OriginRelease]>,
}

#[derive(Default, Clone)]
struct Fragment {
    /// The message id the fragment was rendered for (0: none).
    id: u64,
    /// `,"kind":…,"pattern":…,"severity":…`
    head: Vec<u8>,
    /// The field members, each followed by a comma.
    fields: Vec<u8>,
}

const FRAGMENTS: usize = 4096;

impl JsonRender {
    /// A renderer for the events of input `file` (`-` for standard input), whose RFC 3164
    /// years are inferred from `reference`, and whose uptimes are placed through its boot
    /// time (see [`ts`]).
    pub(crate) fn new(file: String, reference: TimeRefs) -> JsonRender {
        let mut file_member = b",\"file\":".to_vec();
        push_json_string(&mut file_member, &file);
        JsonRender {
            obj: Obj::default(),
            file,
            file_member,
            reference,
            cache: vec![Fragment::default(); FRAGMENTS],
            releases: Arc::new([]),
        }
    }

    /// [`JsonSink::check_releases`] for this renderer.
    pub fn check_releases(mut self, releases: Arc<[OriginRelease]>) -> Self {
        self.releases = releases;
        self
    }

    /// The cache slot of `ev`'s message, its fragment rendered first if needed; `None` when
    /// the event cannot be cached (no message id, or timing).
    fn fragment(&mut self, ev: &Event<'_>) -> Option<usize> {
        let id = ev.message_id.filter(|_| ev.timing.is_none())?;
        let slot = (id as usize) & (FRAGMENTS - 1);
        if self.cache[slot].id != id {
            let mut head = std::mem::take(&mut self.cache[slot].head);
            let mut fields = std::mem::take(&mut self.cache[slot].fields);
            head.clear();
            push_head(&mut head, ev);
            fields.clear();
            self.fields(ev, &mut fields);
            self.cache[slot] = Fragment { id, head, fields };
        }
        Some(slot)
    }

    /// Appends the field members of `ev` (with a trailing comma when there are any).
    fn fields(&mut self, ev: &Event<'_>, out: &mut Vec<u8>) {
        self.obj.begin();
        field_members(&mut self.obj, ev);
        source::source_member(&mut self.obj, ev, &self.releases);
        let whole = self.obj.end_bytes();
        let inner = &whole[1..whole.len() - 1];
        if !inner.is_empty() {
            out.extend_from_slice(inner);
            out.push(b',');
        }
    }
}

/// Appends the members that follow from the pattern alone.
fn push_head(out: &mut Vec<u8>, ev: &Event<'_>) {
    push_plain(out, b",\"kind\":", ev.pattern.kind.name());
    push_plain(out, b",\"pattern\":", ev.pattern.id);
    push_plain(out, b",\"severity\":", ev.pattern.kind.severity().name());
}

/// Appends `"key":` and a string that needs no escaping (names of this crate: kinds,
/// pattern ids, severities, formats; `plain_names_need_no_escaping` checks them).
fn push_plain(out: &mut Vec<u8>, key: &[u8], v: &str) {
    out.extend_from_slice(key);
    out.push(b'"');
    out.extend_from_slice(v.as_bytes());
    out.push(b'"');
}

/// Appends a string from the log: escaped, unless `plain` says it needs no escaping.
fn push_text(out: &mut Vec<u8>, v: &str, plain: bool) {
    if plain {
        out.put_quoted(v);
    } else {
        push_json_string(out, v);
    }
}

/// Appends `,"key":"v"` for a string from the log (see [`push_text`]), if present.
fn push_opt_str(out: &mut Vec<u8>, key: &[u8], v: Option<&str>, plain: bool) {
    if let Some(v) = v {
        out.extend_from_slice(key);
        push_text(out, v, plain);
    }
}

impl Render for JsonRender {
    fn event(&mut self, _file: usize, ev: &Event<'_>, out: &mut Vec<u8>, _detail: &mut Vec<u8>) {
        // Written without the object writer: this runs once per recognised line. The order
        // of the members is the schema's (docs/decode.md), pinned by the snapshot tests.
        // Texts of a plain line (Event::plain) are copied without an escaping pass.
        out.reserve(256 + ev.raw.len());
        out.extend_from_slice(b"{\"type\":\"event\"");
        out.extend_from_slice(&self.file_member);
        out.extend_from_slice(b",\"line\":");
        push_u64(out, ev.line);
        if let Some(n) = ev.line_end {
            out.extend_from_slice(b",\"line_end\":");
            push_u64(out, n);
        }
        if let Some(k) = ev.part {
            out.extend_from_slice(b",\"part\":");
            push_u64(out, u64::from(k));
        }
        let slot = self.fragment(ev);
        match slot {
            Some(i) => out.extend_from_slice(&self.cache[i].head),
            None => push_head(out, ev),
        }
        let env = &ev.env;
        let plain = ev.plain;
        push_opt_str(out, b",\"host\":", env.host.as_deref(), plain);
        push_opt_str(out, b",\"time\":", env.time_text.as_deref(), plain);
        if let Some(t) = place::place(
            env.time,
            env.time_text.as_deref(),
            env.format,
            env.uptime,
            &self.reference,
        ) {
            ts::push(t, out, "ts");
        }
        if let Some(u) = env.uptime {
            out.extend_from_slice(b",\"uptime\":");
            push_num(out, u);
        }
        push_opt_str(out, b",\"program\":", env.program.as_deref(), plain);
        if let Some(p) = env.pid {
            out.extend_from_slice(b",\"pid\":");
            push_u64(out, u64::from(p));
        }
        push_opt_str(out, b",\"caller\":", env.caller.as_deref(), plain);
        if let Some(p) = env.severity {
            out.extend_from_slice(b",\"priority\":");
            push_u64(out, u64::from(p));
        }
        if let Some(n) = env.repeated {
            out.extend_from_slice(b",\"repeated\":");
            push_u64(out, u64::from(n));
        }
        push_plain(out, b",\"format\":", env.format.name());
        out.push(b',');
        match slot {
            Some(i) => out.extend_from_slice(&self.cache[i].fields),
            None => self.fields(ev, out),
        }
        out.extend_from_slice(b"\"raw\":");
        push_text(out, ev.raw, plain);
        // Context lines are written `false` and turned ` true` in place when the incident
        // engine ties them to a session (JsonSink::tied_to_iscsi).
        out.extend_from_slice(match ev.pattern.kind.scope() {
            Scope::Initiator => b",\"iscsi\":true}\n",
            Scope::Context | Scope::Foreign => b",\"iscsi\":false}\n",
        });
    }

    fn unrecognised(&mut self, _file: usize, line: u64, text: &str, out: &mut Vec<u8>) {
        self.obj.begin();
        self.obj.str("type", "unrecognised");
        self.obj.str("file", &self.file);
        self.obj.int("line", line);
        self.obj.str("raw", text);
        out.extend_from_slice(self.obj.end().as_bytes());
        out.push(b'\n');
    }
}

impl<W: Write> Sink for JsonSink<W> {
    fn tied_to_iscsi(&mut self, out: &mut [u8]) {
        // The event ends `"iscsi":false}\n` (see JsonRender::event).
        let n = out.len();
        if n >= 7 && &out[n - 7..n - 2] == b"false" {
            out[n - 7..n - 2].copy_from_slice(b" true");
        }
    }

    fn joined_incident(&mut self, end: usize, id: u64) {
        self.joined.push((end, id));
    }

    fn begin_input(&mut self, index: usize, name: &str) -> io::Result<()> {
        self.header()?;
        if self.names.len() <= index {
            self.names.resize(index + 1, String::new());
            self.references.resize(index + 1, TimeRefs::default());
        }
        self.names[index] = name.to_string();
        self.references[index] = self.placing.refs(name);
        self.current = name.to_string();
        self.index = index;
        Ok(())
    }

    fn renderer(&self) -> Box<dyn Render> {
        let reference = match self.references.get(self.index) {
            Some(r) => r.clone(),
            None => self.placing.fallback(),
        };
        Box::new(
            JsonRender::new(file_name(&self.current).to_string(), reference)
                .check_releases(Arc::clone(&self.releases)),
        )
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        self.header()?;
        // Marks are offsets into a chunk given whole to `write_chunk`: none apply here.
        self.joined.clear();
        self.out.write_all(out)
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        self.header()?;
        self.render_incident(inc, false);
        self.emit()
    }

    fn write_chunk(&mut self, out: &[u8], cuts: &[(usize, Incident)]) -> io::Result<()> {
        self.header()?;
        let joined = std::mem::take(&mut self.joined);
        if cuts.is_empty() && joined.is_empty() {
            self.joined = joined;
            return self.out.write_all(out);
        }
        // What goes between the chunk's lines: `,"incident":N` before the `}` that ends an
        // event that joined an incident, and each incident after the line that closed it.
        // They are rendered into one buffer, then everything goes out in one vectored write:
        // the chunk's lines are not copied again.
        let mut text = std::mem::take(&mut self.incidents);
        text.clear();
        let mut inserts: Vec<(usize, usize, usize)> = Vec::with_capacity(cuts.len() + joined.len());
        let mut marks = joined.iter().peekable();
        for (end, inc) in cuts
            .iter()
            .map(|(e, i)| (*e, Some(i)))
            .chain([(usize::MAX, None)])
        {
            while let Some(&&(at, id)) = marks.peek().filter(|(at, _)| *at <= end) {
                marks.next();
                if at >= 2 && out.get(at - 2..at) == Some(b"}\n") {
                    let start = text.len();
                    text.extend_from_slice(b",\"incident\":");
                    push_u64(&mut text, id);
                    inserts.push((at - 2, start, text.len()));
                }
            }
            if let Some(inc) = inc {
                self.render_incident(inc, false);
                let start = text.len();
                text.extend_from_slice(self.obj.end_bytes());
                text.push(b'\n');
                inserts.push((end, start, text.len()));
            }
        }
        let mut slices = Vec::with_capacity(2 * inserts.len() + 1);
        let mut pos = 0;
        for &(at, start, end) in &inserts {
            slices.push(io::IoSlice::new(&out[pos..at]));
            slices.push(io::IoSlice::new(&text[start..end]));
            pos = at;
        }
        slices.push(io::IoSlice::new(&out[pos..]));
        let written = write_all_vectored(&mut self.out, &mut slices);
        self.incidents = text;
        self.joined = joined;
        self.joined.clear();
        written
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.header()?;
        self.obj.begin();
        self.obj.str("type", "summary");
        summary_members(&mut self.obj, summary);
        self.emit()?;
        self.out.flush()
    }

    fn still_open(&mut self, inc: &Incident) -> io::Result<()> {
        self.header()?;
        self.render_incident(inc, true);
        self.emit()
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use crate::decode::envelope::Format;
    use crate::decode::patterns::{Kind, all};

    /// What `push_plain` writes unescaped: every kind, severity, pattern id and format name
    /// is plain ASCII without quotes, backslashes or controls.
    #[test]
    fn plain_names_need_no_escaping() {
        let plain = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        };
        for k in Kind::ALL {
            assert!(plain(k.name()), "{k:?}");
            assert!(plain(k.severity().name()), "{k:?}");
        }
        for p in all() {
            assert!(plain(p.id), "{}", p.id);
        }
        for f in Format::ALL {
            assert!(plain(f.name()), "{f:?}");
        }
    }
}
