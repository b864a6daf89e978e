//! Secrets never reach any output (issue 17, item 2): a table of every form a secret takes
//! in logs, each line given bare, in a syslog line, and as a journal JSON record (string and
//! byte-array `MESSAGE`), decoded in every output mode: the human report with `--verbose`,
//! with `--passthrough`, NDJSON, and NDJSON with `--passthrough`.
#![cfg(feature = "decode")]

use iscsi_decode::decode::{self, Options};
use iscsi_decode::decode::{MASK, Redactor};
use iscsi_decode::report::{HumanSink, JsonSink, Style};

/// (line, the secret that must not survive, what must survive)
const CASES: &[(&str, &str, &str)] = &[
    (
        "node.session.auth.password = s3cr3t",
        "s3cr3t",
        "node.session.auth.password = ",
    ),
    (
        "discovery.sendtargets.auth.password_in=abc def",
        "abc def",
        "password_in=",
    ),
    (
        "node.session.auth.password  =\tTabbed",
        "Tabbed",
        "node.session.auth.password",
    ),
    (
        "node.session.auth.password = abc;rest",
        "rest",
        "node.session.auth.password",
    ),
    (
        "node.session.auth.password = first second",
        "second",
        "password",
    ),
    (
        "node.session.auth.password = \"unmatched",
        "unmatched",
        "password",
    ),
    ("node.session.auth.pAssword = MiXed", "MiXed", "pAssword"),
    (
        "NODE.SESSION.AUTH.PASSWORD_IN = Upper",
        "Upper",
        "PASSWORD_IN",
    ),
    (
        "login text cHAP_R=0x1234abcd CHAP_N=user",
        "1234abcd",
        "CHAP_N=user",
    ),
    ("CHAP_C: 0xfeedface, CHAP_I=3", "feedface", "CHAP_I=3"),
    (
        "{\"password\": \"js\\\"onSecret\", \"user\": \"u\"}",
        "onSecret",
        "\"user\": \"u\"",
    ),
    (
        "secret=\"quoted value\" level=info",
        "quoted value",
        "level=info",
    ),
    (
        "iscsiadm -m node -o update -n node.session.auth.password -v 'my pass'",
        "my pass",
        "-n node.session.auth.password -v",
    ),
    (
        "sudo: root : TTY=pts/0 ; PWD=/root ; USER=root ; COMMAND=/usr/sbin/iscsiadm -m node -T iqn.2001-04.com.example:t -p 192.0.2.1 -o update -v SECRETV -n node.session.auth.password",
        "SECRETV",
        "-n node.session.auth.password",
    ),
    (
        "iscsiadm -m node -o update --value=Eq1 --name=node.session.auth.password_in",
        "Eq1",
        "--name=node.session.auth.password_in",
    ),
    (
        "iscsiadm -m node -o update -vAttached -n node.session.auth.username",
        "Attached",
        "-n node.session.auth.username",
    ),
    (
        "iscsiadm -m discoverydb -t st -p 192.0.2.1 -o update -n discovery.sendtargets.auth.password  -v  TwoSpaces",
        "TwoSpaces",
        "discovery.sendtargets.auth.password",
    ),
    (
        "type=EXECVE msg=audit(1700000000.123:42): argc=9 a0=\"iscsiadm\" a1=\"-m\" a2=\"node\" a3=\"-o\" a4=\"update\" a5=\"-v\" a6=\"AuditSecret\" a7=\"-n\" a8=\"node.session.auth.password\"",
        "AuditSecret",
        "a7=\"-n\"",
    ),
    (
        // a6 is hex: auditd's form for an argument with a space ("has space").
        "type=EXECVE msg=audit(1700000000.123:42): argc=9 a0=\"iscsiadm\" a5=\"-v\" a6=6861732073706163 a7=\"-n\" a8=\"node.session.auth.password\"",
        "6861732073706163",
        "a5=\"-v\"",
    ),
    (
        "{\"MESSAGE\":\"iscsiadm -n node.session.auth.pass\\u0077ord -v JsonEsc\",\"_HOSTNAME\":\"h\"}",
        "JsonEsc",
        "_HOSTNAME",
    ),
    (
        // journalctl -o json: a MESSAGE with a control byte is an array of bytes.
        // "node.session.auth.password = ByteArr\x01"
        "{\"MESSAGE\":[110,111,100,101,46,115,101,115,115,105,111,110,46,97,117,116,104,46,112,97,115,115,119,111,114,100,32,61,32,66,121,116,101,65,114,114,1],\"_HOSTNAME\":\"h\"}",
        "66,121,116,101",
        "_HOSTNAME",
    ),
    (
        "time=x msg=\"set node.session.auth.pass\\x77ord = GoEsc\" level=info",
        "GoEsc",
        "time=x msg=",
    ),
    (
        "&gt; node.session.auth.password&#32;=&#32;HtmlEnt",
        "HtmlEnt",
        "node.session.auth.password",
    ),
];

#[test]
fn the_redactor_masks_every_form() {
    let r = Redactor::get();
    for (input, secret, keep) in CASES {
        let out = r.redact(input);
        assert!(!out.contains(secret), "{input}\n  -> {out}");
        assert!(out.contains(MASK), "{input}\n  -> {out}");
        assert!(out.contains(keep), "{input}\n  -> {out} (lost {keep:?})");
    }
}

/// The ways each line reaches the decoder.
fn wrapped(line: &str) -> Vec<String> {
    let bytes: Vec<String> = line.bytes().map(|b| b.to_string()).collect();
    vec![
        line.to_string(),
        format!("Mar  3 10:10:03 node1 iscsiadm: {line}"),
        format!(
            "{{\"MESSAGE\":{},\"SYSLOG_IDENTIFIER\":\"iscsiadm\",\"_HOSTNAME\":\"node1\"}}",
            serde_json::to_string(line).unwrap()
        ),
        format!(
            "{{\"MESSAGE\":[{}],\"SYSLOG_IDENTIFIER\":\"iscsiadm\",\"_HOSTNAME\":\"node1\"}}",
            bytes.join(",")
        ),
    ]
}

fn outputs(log: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for passthrough in [false, true] {
        let opts = Options {
            passthrough,
            ..Options::default()
        };
        let mut h = HumanSink::new(Vec::new(), Style { color: false }, true);
        decode::run_bytes("t.log", log.as_bytes().to_vec(), &opts, &mut h).unwrap();
        let mut j = JsonSink::new(Vec::new(), false);
        decode::run_bytes("t.log", log.as_bytes().to_vec(), &opts, &mut j).unwrap();
        let (hn, jn) = if passthrough {
            ("human --verbose --passthrough", "--json --passthrough")
        } else {
            ("human --verbose", "--json")
        };
        out.push((hn, String::from_utf8(h.into_inner()).unwrap()));
        out.push((jn, String::from_utf8(j.into_inner()).unwrap()));
    }
    out
}

#[test]
fn no_output_mode_repeats_a_secret() {
    let mut log = String::new();
    for (line, _, _) in CASES {
        for w in wrapped(line) {
            log.push_str(&w);
            log.push('\n');
        }
    }
    let mut recognised_raw = 0;
    for (mode, text) in outputs(&log) {
        for (line, secret, _) in CASES {
            assert!(
                !text.contains(secret),
                "{mode}: the secret {secret:?} of {line:?} is in the output:\n{text}"
            );
        }
        if mode == "--json" {
            recognised_raw = text.lines().filter(|l| l.contains("\"raw\"")).count();
        }
    }
    // The syslog and journal forms are iscsiadm lines: decoded, with their raw line shown.
    assert!(
        recognised_raw >= CASES.len() * 2,
        "only {recognised_raw} events with a raw line"
    );
}
