//! Renderers of decoded logs: a human report (summary, one paragraph per incident, per-line
//! detail with `--verbose`) and NDJSON. Both are [`crate::decode::run::Sink`]s.

pub(crate) mod human;
pub(crate) mod json;
pub(crate) mod jsonw;
pub(crate) mod spool;
pub(crate) mod style;
pub(crate) mod term;

pub use human::HumanSink;
pub use json::JsonSink;
pub use style::{ColorChoice, Style};
pub use term::has_raw_control;
