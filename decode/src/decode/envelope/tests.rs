//! Tests of the envelope parsers.

use super::*;
use crate::decode::clock::NoYear;

fn p(line: &str) -> Envelope<'_> {
    parse(line, None)
}

#[test]
fn uptime_equals_the_parser() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..200_000 {
        // xorshift: integer and fraction digits of every length up to 15 together
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let int_len = 1 + (x % 9) as usize;
        let frac_len = 1 + ((x >> 8) % 9) as usize;
        let digits = format!("{:018}", x % 1_000_000_000_000_000_000);
        let t = format!("{}.{}", &digits[..int_len], &digits[9..9 + frac_len]);
        assert_eq!(parse_uptime(&t), t.parse::<f64>().ok(), "{t}");
    }
    assert_eq!(parse_uptime("  171.334125"), Some(171.334125));
    assert_eq!(
        parse_uptime("4294967296.123456789"),
        "4294967296.123456789".parse().ok()
    );
    assert_eq!(parse_uptime("1."), None);
}

#[test]
fn syslog_with_and_without_host() {
    let e = p("Jan 29 00:53:39 node03 iscsid: Kernel reported iSCSI connection 14:0 error");
    assert_eq!(e.format, Format::Syslog);
    assert_eq!(e.host.as_deref(), Some("node03"));
    assert_eq!(e.program.as_deref(), Some("iscsid"));
    assert!(e.message.starts_with("Kernel reported"));
    let e = p("Feb 26 19:02:41 kernel: connection25:0: detected conn error (1022)");
    assert_eq!(e.host, None);
    assert_eq!(e.program.as_deref(), Some("kernel"));
    assert_eq!(e.message, "connection25:0: detected conn error (1022)");
    let e = p("Jan 03 03:57:25 fedora iscsid[40456]: iscsid: Kernel reported x");
    assert_eq!(e.pid, Some(40456));
    assert!(e.inner_prefix);
    assert_eq!(e.message, "Kernel reported x");
    let e = p("Nov 21 00:54:02 node-xxx kernel:  connection275:0: detected conn error (1020) ");
    assert_eq!(e.message, "connection275:0: detected conn error (1020)");
}

#[test]
fn syslog_with_localised_month() {
    let e = p("abr 25 19:15:55 nodo1.example.com kernel: scsi host6: iSCSI Initiator over TCP/IP");
    assert_eq!(e.format, Format::Syslog);
    assert_eq!(e.time_text.as_deref(), Some("abr 25 19:15:55"));
    assert!(matches!(
        e.time,
        RawTime::NoYear(NoYear {
            month: 4,
            day: 25,
            ..
        })
    ));
    assert_eq!(e.host.as_deref(), Some("nodo1.example.com"));
    assert_eq!(e.program.as_deref(), Some("kernel"));
    assert_eq!(e.message, "scsi host6: iSCSI Initiator over TCP/IP");
    // glibc's pad before a one-digit month, and a month of two-byte letters.
    let e = p(" 4월  5 09:08:07 host iscsid: x");
    assert_eq!(e.time_text.as_deref(), Some(" 4월  5 09:08:07"));
    assert_eq!(
        (e.host.as_deref(), e.program.as_deref()),
        (Some("host"), Some("iscsid"))
    );
    let e = p("мая 05 09:08:07 host kernel: x");
    assert!(matches!(
        e.time,
        RawTime::NoYear(NoYear {
            month: 5,
            day: 5,
            ..
        })
    ));
    // Lowercase first bytes that are no month still make bare or dmesg lines.
    let e = p("kernel: connection1:0: detected conn error (1020)");
    assert_eq!(
        (e.format, e.program.as_deref()),
        (Format::Bare, Some("kernel"))
    );
    let e = p("kern  :info  : [  171.334125] x");
    assert_eq!((e.format, e.uptime), (Format::Dmesg, Some(171.334125)));
    // Indentation is a wrapper: the line under it is syslog.
    assert_eq!(p(" abr 25 19:15:55 h kernel: x").format, Format::Syslog);
}

#[test]
fn journal_short_full_and_unix() {
    let e = p("Tue 2024-01-13 04:31:07 UTC node1 iscsid[812]: connect to x failed");
    assert_eq!(
        (e.format, e.host.as_deref(), e.program.as_deref()),
        (Format::Syslog, Some("node1"), Some("iscsid"))
    );
    assert_eq!(e.time_text.as_deref(), Some("Tue 2024-01-13 04:31:07 UTC"));
    let e = p("1705120267.123456 node1 kernel: session2: session recovery timed out after 5 secs");
    assert_eq!(e.time, RawTime::Wall(1705120267.123456));
    assert_eq!(e.program.as_deref(), Some("kernel"));
}

#[test]
fn kernel_uptime_inside_syslog() {
    let e = p(
        "Mar  1 10:00:00 h kernel: [  171.334125]  session3: session recovery timed out after 5 secs",
    );
    assert_eq!(e.uptime, Some(171.334125));
    assert_eq!(
        e.message,
        "session3: session recovery timed out after 5 secs"
    );
}

#[test]
fn iso_and_rfc5424() {
    let e = p("2024-04-17T17:28:54.123456+02:00 host kernel: x");
    assert_eq!(e.host.as_deref(), Some("host"));
    assert!(matches!(e.time, RawTime::Wall(_)));
    let e = p(
        "<30>1 2024-04-17T15:28:54Z h1 iscsid 812 - - connection3:0 is operational after recovery (2 attempts)",
    );
    assert_eq!(e.format, Format::Rfc5424);
    assert_eq!(e.program.as_deref(), Some("iscsid"));
    assert_eq!(e.pid, Some(812));
    assert!(e.message.starts_with("connection3:0"));
    let e = p("<30>1 2024-04-17T15:28:54Z h1 app - ID [ex a=\"]\"] msg");
    assert_eq!(e.message, "msg");
}

#[test]
fn dmesg_forms() {
    let e = p("[59873.320781]  connection3:0: detected conn error (1022)");
    assert_eq!((e.format, e.uptime), (Format::Dmesg, Some(59873.320781)));
    assert_eq!(e.message, "connection3:0: detected conn error (1022)");
    let e = p("[Wed Apr 17 15:28:54 2024]  session4: session recovery timed out after 120 secs");
    assert_eq!(e.format, Format::DmesgT);
    assert_eq!(e.time_text.as_deref(), Some("Wed Apr 17 15:28:54 2024"));
    let e = p("<6>[    1.000000] iscsi: registered transport (tcp)");
    assert_eq!(e.message, "iscsi: registered transport (tcp)");
    let e = p("kern  :info  : [    1.000000] iscsi: registered transport (tcp)");
    assert_eq!(e.uptime, Some(1.0));
}

#[test]
fn bare_and_json() {
    let e = p("kernel: connection2:0: detected conn error (1020)");
    assert_eq!(e.program.as_deref(), Some("kernel"));
    let e = p("Login to [iface: default, target: t, portal: 1.2.3.4,3260] successful.");
    assert_eq!(e.program, None);
    let e = p("iscsiadm: initiator reported error (8 - connection timed out)");
    assert_eq!(e.program.as_deref(), Some("iscsiadm"));
    let e = p(
        r#"{"__REALTIME_TIMESTAMP":"1713367734000000","_HOSTNAME":"h","_TRANSPORT":"kernel","_SOURCE_MONOTONIC_TIMESTAMP":"171334125","MESSAGE":" connection3:0: detected conn error (1022)"}"#,
    );
    assert_eq!(e.format, Format::JournalJson);
    assert_eq!(e.program.as_deref(), Some("kernel"));
    assert_eq!(e.uptime, Some(171.334125));
    assert_eq!(e.message, "connection3:0: detected conn error (1022)");
    let e = p(r#"{"MESSAGE":[105,115,99,115,105,255],"SYSLOG_IDENTIFIER":"iscsid"}"#);
    assert!(e.message.starts_with("iscsi"));
}

#[test]
fn forced_format_falls_back() {
    let e = parse("-- Boot 1234 --", Some(Format::Syslog));
    assert_eq!(e.format, Format::Bare);
    let e = parse("Jan  1 00:00:00 h iscsid: x", Some(Format::Journal));
    assert_eq!(e.format, Format::Journal);
}
