//! The generated tables, one module per kernel header. Nothing here is written by
//! hand: `cargo run -p iscsi-codegen -- generate` writes `generated/`, and this
//! module includes it (or, with the `build-time-codegen` feature and `ISCSI_IF_H`
//! set, the tables generated from the user's own header into `OUT_DIR`).

/// Constants of `include/scsi/iscsi_if.h`: the netlink interface between iscsid
/// and the kernel (events, error codes, connection states, parameters).
pub mod iscsi_if {
    include!("../generated/iscsi_if.rs");
}

/// Constants of `include/scsi/iscsi_proto.h`: the iSCSI wire protocol (RFC 3720):
/// opcodes, PDU flags, login status classes and details, reject reasons, limits.
pub mod iscsi_proto {
    include!("../generated/iscsi_proto.rs");
}
