//! The NDJSON renderer: one object per recognised line, per incident (when it closes) and a
//! last summary object. The schema is documented in docs/decode.md.

use super::jsonw::{JsonBuf, Obj, push_json_string, push_num, push_u64};
use crate::decode::OriginRelease;
use crate::decode::incidents::{HostSummary, Incident, advice};
use crate::decode::names;
use crate::decode::patterns::{Kind, Scope};
use crate::decode::run::{Render, Sink, Summary};
use crate::decode::{Event, envelope::Format};
use std::io::{self, Write};
use std::sync::Arc;

mod fields;
mod source;
pub use fields::field_members;

/// Streams NDJSON to a writer.
pub struct JsonSink<W: Write> {
    out: W,
    obj: Obj,
    multi: bool,
    current: String,
    names: Vec<String>,
    /// Rendered incidents of the chunk being written (reused).
    incidents: Vec<u8>,
    /// `--kernel` / `--open-iscsi`: the releases each event's wording is checked against.
    releases: Arc<[OriginRelease]>,
}

impl<W: Write> JsonSink<W> {
    /// A renderer writing to `out`; `multi` adds a `file` member (several inputs).
    pub fn new(out: W, multi: bool) -> Self {
        JsonSink {
            out,
            obj: Obj::default(),
            multi,
            current: String::new(),
            names: Vec::new(),
            incidents: Vec::new(),
            releases: Arc::new([]),
        }
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

    /// Renders an incident object into `self.obj`; `open` marks one written before it
    /// closed (live inputs, `--idle`).
    fn render_incident(&mut self, inc: &Incident, open: bool) {
        self.obj.begin();
        self.obj.str("type", "incident");
        if open {
            self.obj.bool("open", true);
        }
        if self.multi {
            if let Some(n) = self.names.get(inc.file) {
                self.obj.str("file", n);
            }
        }
        incident_members(&mut self.obj, inc);
    }
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
    file: Option<String>,
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
    /// A renderer; `file` adds a `file` member.
    pub fn new(file: Option<String>) -> JsonRender {
        JsonRender {
            obj: Obj::default(),
            file,
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
        if let Some(f) = &self.file {
            push_opt_str(out, b",\"file\":", Some(f), false);
        }
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
        if let Some(f) = &self.file {
            self.obj.str("file", f);
        }
        self.obj.int("line", line);
        self.obj.str("raw", text);
        out.extend_from_slice(self.obj.end().as_bytes());
        out.push(b'\n');
    }
}

/// Writes the members of an incident object (without `type`) into `o`.
pub fn incident_members(o: &mut Obj, inc: &Incident) {
    o.int("id", inc.seq);
    o.opt_str("host", inc.host.as_deref());
    o.opt_int("sid", inc.sid);
    o.opt_int("cid", inc.cid);
    o.opt_int("scsi_host", inc.scsi_host);
    o.opt_str("target", inc.target.as_deref());
    o.opt_str("portal", inc.portal.as_deref());
    o.open("cause");
    o.str("kind", inc.cause.kind.name());
    o.opt_int("code", inc.cause.code);
    o.opt_str("name", inc.cause.name);
    o.opt_str("text", inc.cause.text.as_deref());
    o.close();
    if !inc.shared_with.is_empty() {
        o.open_array("shared_with");
        for s in &inc.shared_with {
            o.elem_int(*s);
        }
        o.close_array();
    }
    if let Some(c) = &inc.relogin_failure {
        o.open("relogin_failure");
        o.str("kind", c.kind.name());
        o.opt_int("code", c.code);
        o.opt_str("name", c.name);
        o.opt_str("text", c.text.as_deref());
        o.close();
    }
    if let Some(s) = inc.state {
        o.open("state");
        o.int("value", s);
        o.opt_str("name", names::conn_state_name(s));
        o.close();
    }
    o.opt_str("start", inc.start_text.as_deref());
    o.opt_str("end", inc.end_text.as_deref());
    o.opt_num("duration_s", inc.duration_s());
    o.opt_num("down_s", inc.down_s());
    o.str("outcome", inc.outcome.name());
    if inc.outcome_inferred {
        o.bool("outcome_inferred", true);
    }
    if inc.started_before_log {
        o.bool("started_before_log", true);
    }
    o.opt_int("attempts", inc.attempts());
    if !inc.errors.is_empty() {
        o.open_array("attempt_errors");
        for (t, n) in &inc.errors {
            o.open_elem();
            o.str("text", t);
            o.int("count", *n);
            o.close();
        }
        o.close_array();
    }
    if let Some(t) = &inc.timing {
        o.open("timing");
        o.int("hz", t.hz);
        o.num("silence_s", t.silence_s);
        o.num("since_ping_s", t.since_ping_s);
        o.bool("stalled", t.stalled);
        o.close();
    }
    o.opt_int("recovery_timeout_s", inc.recovery_timeout_s);
    if inc.reconnected_after_timeout {
        o.bool("reconnected_after_timeout", true);
    }
    if !inc.offline_devices.is_empty() {
        let v: Vec<String> = inc.offline_devices.iter().map(|h| h.to_string()).collect();
        o.strs("offline_devices", v.iter().map(String::as_str));
    }
    if inc.io_errors > 0 || inc.suppressed > 0 {
        o.int("io_errors", inc.io_errors);
        o.strs("disks", inc.disks.iter().map(String::as_str));
    }
    if inc.suppressed > 0 {
        o.int("suppressed", inc.suppressed);
    }
    if inc.scsi_failures > 0 {
        o.int("scsi_failures", inc.scsi_failures);
        o.strs("hostbytes", inc.hostbytes.iter().map(String::as_str));
    }
    if !inc.mp_failed.is_empty() || !inc.mp_reinstated.is_empty() {
        o.open("multipath");
        o.strs("failed_paths", inc.mp_failed.iter().map(String::as_str));
        o.strs(
            "reinstated_paths",
            inc.mp_reinstated.iter().map(String::as_str),
        );
        o.close();
    }
    if inc.gave_up {
        o.bool("gave_up", true);
    }
    if inc.logged_out {
        o.bool("logged_out", true);
    }
    o.open_array("lines");
    o.elem_int(inc.lines.0);
    o.elem_int(inc.lines.1);
    o.close_array();
    o.int("events", inc.events);
    let s = advice::suggestions(inc);
    if !s.is_empty() {
        o.strs("advice", s.iter().map(String::as_str));
    }
}

fn host_members(o: &mut Obj, h: &HostSummary, names: &[String]) {
    match &h.host {
        Some(n) => o.str("host", n),
        None => o.null("host"),
    }
    if names.len() > 1 {
        if let Some(f) = h.file.and_then(|f| names.get(f)) {
            o.str("file", f);
        }
    }
    o.open_array("sessions");
    for s in &h.sessions {
        o.elem_int(*s);
    }
    o.close_array();
    o.int("incidents", h.incidents());
    o.int("recovered", h.outcomes[0]);
    o.int("recovery_timed_out", h.outcomes[1]);
    o.int("unresolved", h.outcomes[2]);
    o.num("down_s", h.down_s);
    o.num("longest_s", h.longest_s);
    o.int("io_errors", h.io_errors);
    o.int("unattributed_io_errors", h.unattributed_io_errors);
    o.int("unattributed_scsi", h.unattributed_scsi);
    o.int("suppressed", h.suppressed);
    let off: Vec<String> = h.offline_devices.iter().map(|d| d.to_string()).collect();
    o.strs("offline_devices", off.iter().map(String::as_str));
    o.int("multipath_failing", h.mp_failing);
    o.int("multipath_reinstated", h.mp_reinstated);
    o.int("journal_dropped", h.journal_dropped);
    if !h.command_failures.is_empty() {
        o.strs(
            "command_failures",
            h.command_failures.iter().map(String::as_str),
        );
    }
    if h.burst.0 > 1 {
        o.open("burst");
        o.int("incidents", h.burst.0);
        o.opt_str("at", h.burst.1.as_deref());
        o.close();
    }
    let s = advice::host_suggestions(h);
    if !s.is_empty() {
        o.strs("advice", s.iter().map(String::as_str));
    }
}

/// Writes the members of the summary object (without `type`) into `o`.
pub fn summary_members(o: &mut Obj, s: &Summary) {
    let names: Vec<String> = s.inputs.iter().map(|i| i.name.clone()).collect();
    let st = &s.stats;
    o.int("lines", st.lines);
    o.int("recognised", st.recognised);
    o.int("unrecognised", st.lines - st.recognised.min(st.lines));
    o.int("candidates", st.candidates);
    o.int(
        "unattributed_scsi",
        s.hosts.iter().map(|h| h.unattributed_scsi).sum::<u64>(),
    );
    o.int("incidents", s.incidents());
    o.open("outcomes");
    for (i, name) in ["recovered", "recovery_timed_out", "unresolved"]
        .iter()
        .enumerate()
    {
        o.int(name, s.hosts.iter().map(|h| h.outcomes[i]).sum::<u64>());
    }
    o.close();
    o.open("formats");
    for (f, n) in Format::ALL.iter().zip(st.formats) {
        if n > 0 {
            o.int(f.name(), n);
        }
    }
    o.close();
    o.open("kinds");
    for (k, n) in Kind::ALL.iter().zip(&s.kinds) {
        if *n > 0 {
            o.int(k.name(), *n);
        }
    }
    o.close();
    o.int("invalid_utf8", st.invalid_utf8);
    o.int("truncated", st.truncated);
    o.int("redacted", st.redacted);
    o.open_array("inputs");
    for i in &s.inputs {
        o.open_elem();
        o.str("name", &i.name);
        o.int("lines", i.lines);
        o.bool("gzip", i.gzip);
        o.opt_str(
            "error",
            i.error.as_ref().map(|e| e.io().to_string()).as_deref(),
        );
        o.close();
    }
    o.close_array();
    if !s.open_errors.is_empty() {
        let open: Vec<String> = s.open_errors.iter().map(ToString::to_string).collect();
        o.strs("open_errors", open.iter().map(String::as_str));
    }
    o.open_array("hosts");
    for h in &s.hosts {
        o.open_elem();
        host_members(o, h, &names);
        o.close();
    }
    o.close_array();
}

impl<W: Write> Sink for JsonSink<W> {
    fn tied_to_iscsi(&mut self, out: &mut [u8]) {
        // The event ends `"iscsi":false}\n` (see JsonRender::event).
        let n = out.len();
        if n >= 7 && &out[n - 7..n - 2] == b"false" {
            out[n - 7..n - 2].copy_from_slice(b" true");
        }
    }

    fn begin_input(&mut self, index: usize, name: &str) -> io::Result<()> {
        if self.names.len() <= index {
            self.names.resize(index + 1, String::new());
        }
        self.names[index] = name.to_string();
        self.current = name.to_string();
        Ok(())
    }

    fn renderer(&self) -> Box<dyn Render> {
        Box::new(
            JsonRender::new(self.multi.then(|| self.current.clone()))
                .check_releases(Arc::clone(&self.releases)),
        )
    }

    fn write(&mut self, out: &[u8]) -> io::Result<()> {
        self.out.write_all(out)
    }

    fn incident(&mut self, inc: &Incident) -> io::Result<()> {
        self.render_incident(inc, false);
        self.emit()
    }

    fn write_chunk(&mut self, out: &[u8], cuts: &[(usize, Incident)]) -> io::Result<()> {
        if cuts.is_empty() {
            return self.out.write_all(out);
        }
        // The incidents are rendered into one buffer, then the lines and incidents go out
        // in one vectored write: the chunk's lines are not copied again.
        let mut text = std::mem::take(&mut self.incidents);
        text.clear();
        let mut ends = Vec::with_capacity(cuts.len());
        for (_, inc) in cuts {
            self.render_incident(inc, false);
            text.extend_from_slice(self.obj.end_bytes());
            text.push(b'\n');
            ends.push(text.len());
        }
        let mut slices = Vec::with_capacity(2 * cuts.len() + 1);
        let (mut pos, mut ipos) = (0, 0);
        for ((end, _), iend) in cuts.iter().zip(&ends) {
            slices.push(io::IoSlice::new(&out[pos..*end]));
            slices.push(io::IoSlice::new(&text[ipos..*iend]));
            pos = *end;
            ipos = *iend;
        }
        slices.push(io::IoSlice::new(&out[pos..]));
        let written = write_all_vectored(&mut self.out, &mut slices);
        self.incidents = text;
        written
    }

    fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        self.obj.begin();
        self.obj.str("type", "summary");
        summary_members(&mut self.obj, summary);
        self.emit()?;
        self.out.flush()
    }

    fn still_open(&mut self, inc: &Incident) -> io::Result<()> {
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
