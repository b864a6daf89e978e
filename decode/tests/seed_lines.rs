//! The three lines that started the project, verbatim from the report (its doubled
//! `kernel: kernel:` included), decode to three events with every number explained.
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::report::JsonSink;

const SEED: &str = "\
Jun 22 16:30:48 hostname iscsid: Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)
Jun 22 16:31:49 hostname kernel: kernel: connection3:0: ping timeout of 5 secs expired, recv timeout 5, last rx 36174282912, last ping 36174287936, now 36174292992
Jun 22 16:31:50 hostname kernel: [3011710.723336] connection3:0: detected conn error (1022)
";

#[test]
fn the_seed_lines_decode_to_three_events() {
    let mut sink = JsonSink::new(Vec::new(), false);
    decode::run_text(SEED, &Options::default(), &mut sink).unwrap();
    let out = String::from_utf8(sink.into_inner()).unwrap();
    let events: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["type"] == "event")
        .collect();
    assert_eq!(events.len(), 3, "{out}");
    let kinds: Vec<&str> = events.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["kernel_reported", "ping_timeout", "conn_error"]);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["line"], i + 1);
        assert_eq!((e["sid"].as_i64(), e["cid"].as_i64()), (Some(3), Some(0)));
        assert_eq!(e["error"]["code"], 1022);
        assert_eq!(e["error"]["name"], "ISCSI_ERR_NOP_TIMEDOUT");
        assert_eq!(e["host"], "hostname");
        assert_eq!(e["iscsi"], true);
    }
    let reported = &events[0];
    assert_eq!(reported["state"]["value"], 3);
    assert_eq!(reported["state"]["name"], "ISCSI_CONN_STATE_LOGGED_IN");
    let ping = &events[1];
    assert_eq!(ping["program"], "kernel", "the doubled tag is the kernel's");
    assert_eq!(ping["timing"]["hz"], 1000);
    assert_eq!(ping["timing"]["silence_s"], 10.08);
    assert_eq!(ping["ping"]["last_rx"], 36174282912u64);
    assert_eq!(events[2]["uptime"], 3011710.723336);
}
