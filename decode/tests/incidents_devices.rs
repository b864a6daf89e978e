//! A disk that goes offline with failed I/O is an incident even when no session line
//! precedes it in the log (issue 16; the form of corpus/024); an offline device without
//! failed I/O (an FC path that comes back) is none.
#![cfg(feature = "decode")]

mod common;

use serde_json::Value;

fn incidents(log: &str) -> (Vec<Value>, Value) {
    let recs = common::records(log);
    let summary = recs.last().cloned().unwrap();
    (
        recs.into_iter()
            .filter(|r| r["type"] == "incident")
            .collect(),
        summary,
    )
}

#[test]
fn offline_disk_with_io_errors_is_an_incident() {
    let log = "\
[ 1926.637000] sd 5:0:0:0: [sde] tag#148 FAILED Result: hostbyte=DID_TIME_OUT driverbyte=DRIVER_OK cmd_age=124s
[ 1926.637547] I/O error, dev sde, sector 1676248 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 2
[ 1926.640180] sd 5:0:0:0: rejecting I/O to offline device
[ 1926.640317] I/O error, dev sde, sector 1084688 op 0x1:(WRITE) flags 0x2000000 phys_seg 1 prio class 2
";
    let (incs, summary) = incidents(log);
    assert_eq!(incs.len(), 1, "{incs:?}");
    let i = &incs[0];
    assert_eq!(i["scsi_host"], 5);
    assert_eq!(i["lines"], serde_json::json!([1, 4]));
    assert_eq!(i["io_errors"], 2, "{i}");
    assert!(
        i["advice"].to_string().contains("iscsiadm -m session -P 3"),
        "{i}"
    );
    // The I/O errors it claimed are no longer unattributed.
    assert_eq!(
        summary["hosts"][0]["unattributed_io_errors"], 0,
        "{summary}"
    );
}

#[test]
fn offline_without_failed_io_is_none() {
    let log = "\
Feb 14 12:56:10 h16 kernel: sd 3:0:6:3: rejecting I/O to offline device
Feb 14 12:56:10 h16 kernel: sd 3:0:6:14: rejecting I/O to offline device
";
    let (incs, _) = incidents(log);
    assert!(incs.is_empty(), "{incs:?}");
}
