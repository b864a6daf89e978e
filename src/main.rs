//! `iscsi-decode`: explain iSCSI codes and decode iSCSI logs.

fn main() {
    eprintln!("iscsi-decode: not built yet");
    std::process::exit(2);
}
