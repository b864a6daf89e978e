//! Prometheus metrics for alerting: the text exposition format, written atomically for
//! node_exporter's textfile collector (`--metrics-file`).
//!
//! [`Metrics`] holds the current counts; [`write_metrics`] renders them and replaces the
//! file in one step (a temporary file in the same directory, then a rename), so the
//! collector never reads half a file. A batch run writes it once at the end; a long-running
//! decoder can call [`write_metrics`] again whenever an incident opens or closes.
//!
//! Label values come from the log (host names, error texts) and are escaped as the format
//! wants: backslash, double quote and newline ([`escape_label`]).

use crate::decode::{Incident, Outcome};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::Path;

/// The counts [`write_metrics`] writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Incidents by (host, outcome, cause kind, cause): the host is empty for lines without a
    /// host name; the outcome is [`Outcome::name`], the kind [`crate::decode::CauseKind::name`],
    /// the cause its C name or text (empty when unknown).
    pub incidents: BTreeMap<(String, &'static str, &'static str, String), u64>,
    /// Sessions down now, by host: incidents without a recovery (unresolved, or recovery
    /// timed out and not logged in again). Every host with an incident has an entry, so that
    /// an alert resolves when it falls to 0.
    pub sessions_down: BTreeMap<String, u64>,
    /// When the latest incident started, in seconds since 1970 (UTC), when known.
    pub last_incident_s: Option<f64>,
    /// Lines read.
    pub lines_read: u64,
    /// Lines recognised as iSCSI (or related SCSI, block, multipath) lines.
    pub lines_recognised: u64,
    /// When the metrics were written, in seconds since 1970 (set by the caller).
    pub written_s: Option<f64>,
}

impl Metrics {
    /// Counts a closed incident whose start is `start_s` (seconds since 1970, when the log
    /// places it in time).
    pub fn add_incident(&mut self, inc: &Incident, start_s: Option<f64>) {
        let host = inc.host.clone().unwrap_or_default();
        let cause = inc
            .cause
            .name
            .map(str::to_string)
            .or_else(|| inc.cause.text.clone())
            .unwrap_or_default();
        *self
            .incidents
            .entry((
                host.clone(),
                inc.outcome.name(),
                inc.cause.kind.name(),
                cause,
            ))
            .or_default() += 1;
        let down = self.sessions_down.entry(host).or_default();
        if is_down(inc) {
            *down += 1;
        }
        if let Some(s) = start_s {
            self.last_incident_s = Some(self.last_incident_s.map_or(s, |l| l.max(s)));
        }
    }

    /// The text exposition (HELP and TYPE lines, then the samples; `\n` line ends).
    pub fn render(&self) -> String {
        let mut o = String::new();
        header(
            &mut o,
            "iscsi_decode_incidents_total",
            "counter",
            "iSCSI incidents decoded in this run, by host, outcome and cause.",
        );
        for ((host, outcome, kind, cause), n) in &self.incidents {
            o.push_str("iscsi_decode_incidents_total{host=\"");
            escape_label(host, &mut o);
            let _ = write!(o, "\",outcome=\"{outcome}\",cause_kind=\"{kind}\",cause=\"");
            escape_label(cause, &mut o);
            let _ = writeln!(o, "\"}} {n}");
        }
        header(
            &mut o,
            "iscsi_decode_sessions_down",
            "gauge",
            "Sessions without a recovery at the end of the log (unresolved or recovery timed out), by host.",
        );
        for (host, n) in &self.sessions_down {
            o.push_str("iscsi_decode_sessions_down{host=\"");
            escape_label(host, &mut o);
            let _ = writeln!(o, "\"}} {n}");
        }
        if let Some(t) = self.last_incident_s {
            header(
                &mut o,
                "iscsi_decode_last_incident_timestamp_seconds",
                "gauge",
                "When the latest incident started, in seconds since 1970.",
            );
            let _ = writeln!(o, "iscsi_decode_last_incident_timestamp_seconds {}", num(t));
        }
        header(
            &mut o,
            "iscsi_decode_lines_read_total",
            "counter",
            "Log lines read.",
        );
        let _ = writeln!(o, "iscsi_decode_lines_read_total {}", self.lines_read);
        header(
            &mut o,
            "iscsi_decode_lines_recognised_total",
            "counter",
            "Log lines recognised as iSCSI (or related SCSI, block, multipath) lines.",
        );
        let _ = writeln!(
            o,
            "iscsi_decode_lines_recognised_total {}",
            self.lines_recognised
        );
        if let Some(t) = self.written_s {
            header(
                &mut o,
                "iscsi_decode_last_write_timestamp_seconds",
                "gauge",
                "When iscsi-decode wrote this file, in seconds since 1970.",
            );
            let _ = writeln!(o, "iscsi_decode_last_write_timestamp_seconds {}", num(t));
        }
        o
    }
}

/// Whether an incident leaves its session down: no recovery in the log.
fn is_down(inc: &Incident) -> bool {
    inc.outcome != Outcome::Recovered && !inc.reconnected_after_timeout
}

/// A float sample value: whole seconds without a fraction, else with milliseconds.
fn num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.3}")
    }
}

fn header(o: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(o, "# HELP {name} {help}");
    let _ = writeln!(o, "# TYPE {name} {kind}");
}

/// Appends `v` to `out` escaped as a label value of the text exposition format: `\` as
/// `\\`, `"` as `\"`, a newline as `\n`. (Other characters, control ones included, are
/// valid UTF-8 in a label value and pass as they are.)
///
/// ```
/// let mut s = String::new();
/// iscsi_decode::report::escape_label("a\"b\\c\nd", &mut s);
/// assert_eq!(s, r#"a\"b\\c\nd"#);
/// ```
pub fn escape_label(v: &str, out: &mut String) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
}

/// Writes `m` to `path` atomically: into a temporary file in the same directory (named
/// `.NAME.PID.tmp`, which the textfile collector ignores: it reads only `*.prom`), synced,
/// then renamed over `path`. On an error the temporary file is removed and `path` is left
/// as it was.
pub fn write_metrics(path: &Path, m: &Metrics) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(m.render().as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{Cause, Incident, Outcome};

    fn incident(host: &str, outcome: Outcome, cause: Cause) -> Incident {
        let mut i = Incident::new(1, 0, Some(host));
        i.outcome = outcome;
        i.cause = cause;
        i
    }

    #[test]
    fn escapes_hostile_labels() {
        let mut s = String::new();
        escape_label("plain", &mut s);
        assert_eq!(s, "plain");
        s.clear();
        escape_label("x\\\"}\n# TYPE evil counter\r\u{1b}", &mut s);
        assert_eq!(s, "x\\\\\\\"}\\n# TYPE evil counter\r\u{1b}");
        let mut m = Metrics::default();
        m.add_incident(
            &incident(
                "evil\"host\\\nx 1",
                Outcome::Unresolved,
                Cause::connect("No \"route\"\n"),
            ),
            Some(1_700_000_000.0),
        );
        let text = m.render();
        // Every sample stays on its line: no label breaks out.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("iscsi_decode_"), "{line}");
        }
        assert!(text.contains(
            "iscsi_decode_incidents_total{host=\"evil\\\"host\\\\\\nx 1\",outcome=\"unresolved\",\
             cause_kind=\"connect\",cause=\"No \\\"route\\\"\\n\"} 1\n"
        ));
        assert!(text.contains("iscsi_decode_sessions_down{host=\"evil\\\"host\\\\\\nx 1\"} 1\n"));
        assert!(text.contains("iscsi_decode_last_incident_timestamp_seconds 1700000000\n"));
    }

    #[test]
    fn counts_and_down() {
        let mut m = Metrics::default();
        m.add_incident(
            &incident("a", Outcome::Recovered, Cause::kernel(1022)),
            Some(10.0),
        );
        m.add_incident(
            &incident("a", Outcome::Recovered, Cause::kernel(1022)),
            Some(5.5),
        );
        m.add_incident(
            &incident(
                "b",
                Outcome::RecoveryTimedOut,
                Cause::recovery_timeout(Some(120)),
            ),
            None,
        );
        assert_eq!(m.sessions_down.get("a"), Some(&0));
        assert_eq!(m.sessions_down.get("b"), Some(&1));
        assert_eq!(m.last_incident_s, Some(10.0));
        let text = m.render();
        assert!(text.contains(
            "iscsi_decode_incidents_total{host=\"a\",outcome=\"recovered\",\
             cause_kind=\"kernel_error\",cause=\"ISCSI_ERR_NOP_TIMEDOUT\"} 2\n"
        ));
        assert!(text.contains("# TYPE iscsi_decode_sessions_down gauge\n"));
    }

    #[test]
    fn replaces_atomically() {
        let dir = std::env::temp_dir().join(format!("iscsi-metrics-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("iscsi.prom");
        std::fs::write(&path, "old").unwrap();
        let mut m = Metrics {
            lines_read: 7,
            ..Metrics::default()
        };
        write_metrics(&path, &m).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("iscsi_decode_lines_read_total 7\n")
        );
        m.lines_read = 9;
        write_metrics(&path, &m).unwrap();
        assert!(
            std::fs::read_to_string(&path)
                .unwrap()
                .contains("iscsi_decode_lines_read_total 9\n")
        );
        // Only the file itself is left: no temporary file.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("iscsi.prom")]);
        // A directory that does not exist: an error, nothing written.
        assert!(write_metrics(&dir.join("no/such/dir.prom"), &m).is_err());
        // A path that is a directory: the rename fails, the temporary file is removed.
        std::fs::create_dir(dir.join("d.prom")).unwrap();
        assert!(write_metrics(&dir.join("d.prom"), &m).is_err());
        assert!(
            !dir.join(format!(".d.prom.{}.tmp", std::process::id()))
                .exists()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
