//! Renderers of decoded logs: a human report (summary, one paragraph per incident, per-line
//! detail with `--verbose`) and NDJSON. Both are [`crate::decode::run::Sink`]s.

pub mod human;
pub mod json;
pub(crate) mod jsonw;
pub(crate) mod spool;
pub mod style;
pub mod term;

pub use human::HumanSink;
pub use json::JsonSink;
pub use style::{ColorChoice, Style};
