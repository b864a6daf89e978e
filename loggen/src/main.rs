//! `iscsi-loggen`: writes a realistic syslog with iSCSI incidents and their ground truth.

fn main() {}
