//! Logins that fail before their session exists (sid -1, issue 16): one incident per target
//! or portal, never one "connection ?:0" for all; iscsid's `Login authentication failed with
//! target` and `Login error (Login status N)` decoded; the lines of one attempt counted once.
#![cfg(feature = "decode")]

mod common;

use common::records;
use serde_json::Value;

const LOG: &str = "\
Mar  3 10:00:01 node1 iscsid: Login authentication failed with target iqn.2001-05.com.example:t1
Mar  3 10:00:01 node1 iscsid: connection-1:0 Login error (Login status 5)
Mar  3 10:00:02 node1 iscsid: Login authentication failed with target iqn.2001-05.com.example:t2
Mar  3 10:00:02 node1 iscsid: connection-1:0 Login error (Login status 5)
Mar  3 10:00:03 node1 iscsiadm: iscsiadm: Could not login to [iface: default, target: iqn.2001-05.com.example:t1, portal: 192.0.2.1,3260].
Mar  3 10:00:03 node1 iscsiadm: iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)
";

#[test]
fn failed_logins_to_two_targets_are_two_incidents() {
    let recs = records(LOG);
    let incs: Vec<&Value> = recs.iter().filter(|r| r["type"] == "incident").collect();
    assert_eq!(incs.len(), 2, "{incs:?}");
    let t1 = incs
        .iter()
        .find(|i| i["target"] == "iqn.2001-05.com.example:t1")
        .expect("t1");
    let t2 = incs
        .iter()
        .find(|i| i["target"] == "iqn.2001-05.com.example:t2")
        .expect("t2");
    assert_eq!(
        t1["portal"],
        serde_json::json!({"address": "192.0.2.1", "port": 3260})
    );
    assert_eq!(t1["cause"]["code"], 24);
    assert_eq!(t1["lines"], serde_json::json!([1, 6]));
    assert_eq!(t2["lines"], serde_json::json!([3, 4]));
    for t in [t1, t2] {
        assert_eq!(t["attempts"], 1, "{t}");
        assert!(t.get("sid").is_none(), "{t}");
        assert!(
            t["attempt_errors"]
                .to_string()
                .contains("LOGIN_AUTHENTICATION_FAILED"),
            "{t}"
        );
    }
    // The event decodes iscsid's login result.
    let ev = recs
        .iter()
        .find(|r| r["pattern"] == "iscsid.login_error_status")
        .unwrap();
    assert_eq!(ev["login"]["iscsid_code"], 5);
    assert_eq!(ev["login"]["iscsid_name"], "LOGIN_AUTHENTICATION_FAILED");
    let auth = recs
        .iter()
        .find(|r| r["pattern"] == "iscsid.authentication_failed")
        .unwrap();
    assert_eq!(auth["kind"], "login_error");
}

/// Connects to a portal that no line ties to a session, while sessions 2 and 3 are in
/// recovery: they join the recovery (not an incident of their own), and the report says
/// whose they may be.
#[test]
fn unmapped_connect_failures_during_two_recoveries() {
    let log = "\
Mar  3 10:00:00 node1 kernel: connection2:0: detected conn error (1020)
Mar  3 10:00:00 node1 kernel: connection3:0: detected conn error (1020)
Mar  3 10:00:03 node1 iscsid: connect to 192.0.2.9:3260 failed (No route to host)
Mar  3 10:00:06 node1 iscsid: connect to 192.0.2.9:3260 failed (No route to host)
";
    let recs = records(log);
    let incs: Vec<&Value> = recs.iter().filter(|r| r["type"] == "incident").collect();
    assert_eq!(incs.len(), 2, "{incs:?}");
    assert!(incs.iter().all(|i| i.get("sid").is_some()), "{incs:?}");
    let two = incs.iter().find(|i| i["sid"] == 2).unwrap();
    assert_eq!(two["shared_with"], serde_json::json!([3]));
    let human = common::human(log, None);
    assert!(
        human.contains("during the recovery of sessions 2 and 3"),
        "{human}"
    );
}

/// Without a session in recovery, a portal's failures further apart than the recovery
/// window are separate episodes, not one incident spanning them.
#[test]
fn a_portals_failures_split_into_episodes() {
    let log = "\
Mar  3 10:00:00 node1 iscsid: connect to 192.0.2.9:3260 failed (No route to host)
Mar  3 10:00:05 node1 iscsid: connect to 192.0.2.9:3260 failed (No route to host)
Mar  3 10:30:00 node1 iscsid: connect to 192.0.2.9:3260 failed (No route to host)
";
    let incs: Vec<Value> = records(log)
        .into_iter()
        .filter(|r| r["type"] == "incident")
        .collect();
    assert_eq!(incs.len(), 2, "{incs:?}");
    assert_eq!(incs[0]["lines"], serde_json::json!([1, 2]));
    assert_eq!(incs[1]["lines"], serde_json::json!([3, 3]));
}

/// A status dump prints iscsiadm's verdict before iscsid's connect failures of the same
/// minute (corpus/008's form): one incident for the portal and its cause, spanning the
/// earliest to the latest line; a later failed login is a new one.
#[test]
fn overlapping_failures_of_one_portal_merge() {
    let log = "\
Jun 27 07:23:51 h iscsiadm[1]: iscsiadm: Could not login to [iface: default, target: iqn.2004-04.com.example:t, portal: 192.0.2.31,3260].
Jun 27 07:23:51 h iscsiadm[1]: iscsiadm: initiator reported error (8 - connection timed out)
Jun 27 07:22:53 h iscsid[2]: connect to 192.0.2.31:3260 failed (No route to host)
Jun 27 07:23:50 h iscsid[2]: connect to 192.0.2.31:3260 failed (No route to host)
Jun 27 07:40:00 h iscsiadm[3]: iscsiadm: Could not login to [iface: default, target: iqn.2004-04.com.example:t, portal: 192.0.2.31,3260].
Jun 27 07:40:00 h iscsiadm[3]: iscsiadm: initiator reported error (8 - connection timed out)
";
    let incs: Vec<Value> = records(log)
        .into_iter()
        .filter(|r| r["type"] == "incident")
        .collect();
    assert_eq!(incs.len(), 2, "{incs:?}");
    assert_eq!(incs[0]["lines"], serde_json::json!([1, 4]));
    assert_eq!(incs[0]["start"], "Jun 27 07:22:53");
    assert_eq!(incs[0]["end"], "Jun 27 07:23:51");
    assert_eq!(incs[0]["cause"]["code"], 8);
    assert_eq!(incs[1]["lines"], serde_json::json!([5, 6]));
}

/// Two iscsiadm processes fail at once, their lines interleaved: each error line goes to
/// its own process's login (the second used to take the first's place, which was then
/// never settled and swallowed a later, separate failure).
#[test]
fn interleaved_iscsiadm_processes() {
    let log = "\
Mar  4 00:34:35 db01 iscsiadm[16394]: iscsiadm: Could not login to [iface: default, target: iqn.2010-06.com.example:a, portal: 198.51.100.41,3260].
Mar  4 00:34:35 db01 iscsiadm[36961]: iscsiadm: Could not login to [iface: default, target: iqn.2003-01.com.example:b, portal: 10.20.30.16,3260].
Mar  4 00:34:35 db01 iscsiadm[16394]: iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)
Mar  4 00:34:35 db01 iscsiadm[36961]: iscsiadm: initiator reported error (8 - connection timed out)
Mar  4 00:34:36 db01 iscsiadm[40912]: iscsiadm: Could not login to [iface: default, target: iqn.2010-06.com.example:a, portal: 198.51.100.41,3260].
Mar  4 00:34:36 db01 iscsiadm[40912]: iscsiadm: initiator reported error (24 - iSCSI login failed due to authorization failure)
";
    let incs: Vec<Value> = records(log)
        .into_iter()
        .filter(|r| r["type"] == "incident")
        .collect();
    let mut got: Vec<(u64, u64)> = incs
        .iter()
        .map(|i| {
            (
                i["lines"][0].as_u64().unwrap(),
                i["cause"]["code"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort_unstable();
    assert_eq!(got, vec![(1, 24), (2, 8), (5, 24)], "{incs:?}");
}
