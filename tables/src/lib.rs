//! Typed tables of the Linux kernel's iSCSI constants, and what each value means.
//!
//! The thin runtime of the `iscsi-decode` project, for tools that vendor it: no
//! dependencies, `no_std` (feature `std` adds `std::error::Error` impls, `serde` adds
//! `Serialize`). [`iscsi_if`] and [`iscsi_proto`] are the tables that `iscsi-codegen`
//! generated from the kernel's `include/scsi/iscsi_if.h` and `iscsi_proto.h`, one newtype
//! per C enum or `#define` family, holding any value like `http::StatusCode`; [`explain`]
//! adds the project's own words for every number an administrator meets, checked against
//! the kernel and open-iscsi sources it names.
//!
//! Nothing in the two table modules is written by hand: `cargo run -p iscsi-codegen --
//! generate` writes `tables/generated/` as data (consts, rows and macro calls over the
//! hand-written [`core`]), and they include it (or, with the
//! `build-time-codegen` feature and `ISCSI_IF_H` set, the tables `build.rs` generated from
//! the user's own header into `OUT_DIR`).
//!
//! ```
//! use iscsi_tables::iscsi_if::IscsiErr;
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

pub mod core;
pub mod explain;

/// Constants of `include/scsi/iscsi_if.h`: the netlink interface between iscsid
/// and the kernel (events, error codes, connection states, parameters).
#[cfg(not(iscsi_if_out_dir))]
pub mod iscsi_if {
    include!("../generated/iscsi_if.rs");
}

/// Constants of `include/scsi/iscsi_if.h`: the netlink interface between iscsid
/// and the kernel (events, error codes, connection states, parameters). Generated at
/// build time from `$ISCSI_IF_H` (see [`BUILD_TIME_IF_H`]).
#[cfg(iscsi_if_out_dir)]
pub mod iscsi_if {
    include!(concat!(env!("OUT_DIR"), "/iscsi_if.rs"));
}

/// Constants of `include/scsi/iscsi_proto.h`: the iSCSI wire protocol (RFC 3720):
/// opcodes, PDU flags, login status classes and details, reject reasons, limits.
#[cfg(not(iscsi_proto_out_dir))]
pub mod iscsi_proto {
    include!("../generated/iscsi_proto.rs");
}

/// Constants of `include/scsi/iscsi_proto.h`: the iSCSI wire protocol (RFC 3720):
/// opcodes, PDU flags, login status classes and details, reject reasons, limits.
/// Generated at build time (see [`BUILD_TIME_PROTO_H`]).
#[cfg(iscsi_proto_out_dir)]
pub mod iscsi_proto {
    include!(concat!(env!("OUT_DIR"), "/iscsi_proto.rs"));
}

/// The `iscsi_if.h` that [`iscsi_if`] was generated from at build time (the
/// `build-time-codegen` feature with `ISCSI_IF_H`), or `None` for the committed tables.
///
/// ```
/// // A default build uses the committed tables.
/// # if !cfg!(feature = "build-time-codegen") {
/// assert_eq!(iscsi_tables::BUILD_TIME_IF_H, None);
/// # }
/// ```
pub const BUILD_TIME_IF_H: Option<&str> = option_env!("ISCSI_DECODE_TABLES_IF_H");

/// The `iscsi_proto.h` that [`iscsi_proto`] was generated from at build time, or `None`
/// for the committed tables.
pub const BUILD_TIME_PROTO_H: Option<&str> = option_env!("ISCSI_DECODE_TABLES_PROTO_H");
