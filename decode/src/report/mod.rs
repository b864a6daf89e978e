//! Renderers of decoded logs: a human report (summary, one paragraph per incident, per-line
//! detail with `--verbose`) and NDJSON. Both are [`crate::decode::run::Sink`]s.
//! [`metrics`] writes the Prometheus metrics of a run (`--metrics-file`).

pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod jsonw;
pub mod metrics;
pub(crate) mod spool;
pub(crate) mod style;
pub(crate) mod term;

pub use human::HumanSink;
pub use json::JsonSink;
pub use metrics::{Metrics, escape_label, write_metrics};
pub use style::{ColorChoice, Style};
pub use term::has_raw_control;

/// Text from a log (or a user's argument) for a terminal: its control characters escaped
/// as the reports write them (`\x1b`, `\r`).
pub fn escaped(s: &str) -> String {
    String::from_utf8_lossy(&term::render(false, |t| {
        t.text(s);
    }))
    .into_owned()
}
