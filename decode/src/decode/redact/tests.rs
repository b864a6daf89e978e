use super::*;

/// A few; decode/tests/redaction.rs has the whole table, in every output mode.
const CASES: &[(&str, &str, &str)] = &[
    (
        "node.session.auth.password = abc;rest",
        "rest",
        "node.session.auth.password",
    ),
    (
        "login text cHAP_R=0x1234abcd CHAP_N=user",
        "1234abcd",
        "CHAP_N=user",
    ),
    (
        "iscsiadm -m node -o update -v SECRETV -n node.session.auth.password",
        "SECRETV",
        "-n node.session.auth.password",
    ),
];

#[test]
fn redacts_every_form() {
    let r = Redactor::get();
    for (input, secret, keep) in CASES {
        let out = r.redact(input);
        assert!(!out.contains(secret), "{input}\n  -> {out}");
        assert!(out.contains(MASK), "{input}\n  -> {out}");
        assert!(out.contains(keep), "{input}\n  -> {out} (lost {keep:?})");
    }
}

#[test]
fn leaves_ordinary_lines() {
    let r = Redactor::get();
    for line in [
        "no secrets here",
        "Mar  3 10:10:03 node1 iscsid: Login authentication failed with target iqn.x",
        "iscsiadm -m node -o update -n node.session.timeo.replacement_timeout -v 20",
        "node.session.auth.authmethod = CHAP",
        "Could not set password",
        "{\"MESSAGE\":\"connection1:0: detected conn error (1020)\",\"x\":[1,2]}",
    ] {
        assert_eq!(r.redact(line), line);
    }
}
