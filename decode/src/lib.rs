//! A decoder for iSCSI log lines, on the typed tables of the Linux kernel's iSCSI constants.
//!
//! The data path is `header → model → generated → runtime → decoder → report`:
//! [`tables`] is the `iscsi-tables` crate, the tables that `iscsi-codegen` generated from
//! the kernel's `include/scsi/iscsi_if.h` and `iscsi_proto.h`; [`explain`] (from the same
//! crate) adds our own words for every number an administrator meets; `decode` (feature `decode`) reads logs; `report`
//! renders what it found; `query` (feature `std`) is `explain` as a user types it, a pasted
//! log line included, so it sits above all of them.
//!
//! ```
//! use iscsi_decode::tables::iscsi_if::IscsiErr;
//! let e = IscsiErr::new(1022);
//! assert_eq!(e.name(), Some("ISCSI_ERR_NOP_TIMEDOUT"));
//! assert_eq!(e.to_string(), "1022 ISCSI_ERR_NOP_TIMEDOUT");
//! assert_eq!(IscsiErr::new(1099).to_string(), "1099 ISCSI_ERR_???");
//! ```
#![cfg_attr(not(feature = "std"), no_std)]
// docs.rs (nightly, `--cfg docsrs`) marks each feature-gated item with its feature.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(feature = "decode")]
pub mod decode;
pub use iscsi_tables::explain;
#[cfg(feature = "std")]
pub mod query;
#[cfg(feature = "decode")]
pub mod report;
pub use iscsi_tables as tables;

// Tests of the crate's internals across its modules (the decoder's patterns and prefilter,
// the shared corpus, the stage profile): above both `decode` and `report`.
#[cfg(all(test, feature = "decode"))]
mod tests;
