//! `iscsi-loggen`: writes large, realistic syslogs with iSCSI incidents mixed into noise,
//! together with the ground truth of every incident, for benchmarks and decoder tests.
//!
//! The output is deterministic: the same [`Config`] (seed included) gives the same bytes.
//! Nothing here depends on a crate outside `std`.
//!
//! ```
//! use iscsi_loggen::{Config, Format, generate};
//! let cfg = Config { format: Format::Journal, max_bytes: 64 << 10, incident_rate: 50.0, ..Config::default() };
//! let mut log = Vec::new();
//! let truth = generate(&cfg, &mut log).unwrap();
//! assert!(log.len() as u64 <= 64 << 10);
//! assert_eq!(truth.bytes, log.len() as u64);
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod chatter;
pub mod envelope;
pub mod event;
mod generator;
pub mod noise;
pub mod rng;
pub mod text;
pub mod truth;
pub mod world;

pub use envelope::Format;
pub use generator::{Config, generate};
pub use noise::Mix;
pub use truth::{Incident, LoginFailure, Outcome, Stamp, Truth};
