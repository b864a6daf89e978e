//! A log line pasted into `explain`: the decoder says which message it is, and every number
//! in it that has a space (the kernel's error code, the connection state, a login status,
//! iscsiadm's code, the SCSI host byte, a parameter number) becomes a reading.

use crate::decode::patterns::Kind;
use crate::decode::{Decoder, MessageSource};
use crate::explain::host_byte::HostByte;
use crate::explain::{Reading, Space};

/// What the decoder understood of a line.
#[derive(Debug)]
pub(super) struct Understood {
    /// The pattern's id: `iscsid.kernel_reported`.
    pub pattern: &'static str,
    /// The kind of message (`kernel_reported`), as the decoder's NDJSON names it.
    pub kind: &'static str,
    /// The program that logs it: `kernel`, `open-iscsi`, ...
    pub source: &'static str,
    /// The fields, as the decoder's `--verbose` line sums them up (control characters
    /// escaped).
    pub summary: String,
    /// One reading per number with a space, in the order the line gives them.
    pub readings: Vec<Reading>,
    /// A `hostbyte=` word that is neither a `DID_*` name nor a number.
    pub odd_hostbyte: Option<String>,
    /// The call site of the sources that prints the line, when the generated table has its
    /// wording.
    pub printed_by: Option<&'static MessageSource>,
    /// The other call sites that print the same words (the line cannot tell them apart).
    pub also_printed_by: Vec<&'static MessageSource>,
}

/// The decoder's reading of `line`: `None` when no pattern knows it, or only a catch-all
/// one that recognises the program but not the message.
pub(super) fn understand(line: &str) -> Option<Understood> {
    let line = line.trim();
    let mut decoder = Decoder::new(None);
    let mut store = String::new();
    let ev = decoder.decode(1, line, &mut store)?;
    let printed_by = ev.source();
    let also_printed_by = printed_by
        .map(|s| ev.same_wording_as(s))
        .unwrap_or_default();
    // A catch-all row alone knows the program, not the message; the sources may know it.
    if matches!(ev.pattern.kind, Kind::Other | Kind::Debug) && printed_by.is_none() {
        return None;
    }
    let f = &ev.fields;
    let mut readings = Vec::new();
    let mut odd_hostbyte = None;
    if let Some(k) = f.kerr {
        readings.push(Space::IscsiErr.reading(i128::from(k)));
    }
    if let Some(s) = f.state {
        readings.push(Space::ConnState.reading(i128::from(s)));
    }
    if let Some((class, detail)) = f.login.map(|l| (l.class(), l.detail())) {
        let packed = u16::from(class) << 8 | u16::from(detail);
        readings.push(Space::LoginStatus.reading(i128::from(packed)));
    }
    if let Some(c) = f.iscsiadm {
        readings.push(Space::IscsiadmError.reading(i128::from(c)));
    }
    if let Some(h) = f.hostbyte {
        match HostByte::parse(h) {
            Some(b) => readings.push(Space::HostByte.reading(i128::from(b.0))),
            None => odd_hostbyte = Some(escaped(h)),
        }
    }
    if let (Some(p), Some(space)) = (f.param, Space::parse("enum iscsi_param")) {
        readings.push(space.reading(i128::from(p)));
    }
    Some(Understood {
        pattern: ev.pattern.id,
        kind: ev.pattern.kind.name(),
        source: ev.pattern.source.name(),
        summary: escaped(&crate::report::human::event_summary(&ev)),
        readings,
        odd_hostbyte,
        printed_by,
        also_printed_by,
    })
}

/// Text from the line with its control characters escaped, as the reports write it.
pub(super) fn escaped(s: &str) -> String {
    crate::report::escaped(s)
}

#[cfg(test)]
mod tests {
    use super::understand;
    use crate::explain::Space;

    #[test]
    fn the_numbers_of_iscsids_line() {
        let u = understand(
            "Kernel reported iSCSI connection 2:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: \
             TCP connection closed) state (3)",
        )
        .unwrap();
        assert_eq!(u.pattern, "iscsid.kernel_reported");
        let got: Vec<(Space, i128)> = u.readings.iter().map(|r| (r.space, r.value)).collect();
        assert_eq!(got, [(Space::IscsiErr, 1020), (Space::ConnState, 3)]);
    }

    #[test]
    fn where_a_line_comes_from() {
        let u = understand(" connection3:0: detected conn error (1022)").unwrap();
        let p = u.printed_by.expect("the kernel's line is in the sources");
        assert_eq!(
            (p.file, p.function, p.level),
            (
                "drivers/scsi/scsi_transport_iscsi.c",
                "iscsi_conn_error_event",
                "info"
            )
        );
        // A line only the sources know is understood too, with where it comes from.
        let u = understand("Mar  3 10:00:01 node1 kernel: iscsi: invalid session 3.").unwrap();
        assert_eq!(u.kind, "source_message");
        assert!(u.printed_by.is_some());
    }

    #[test]
    fn a_host_byte_by_name_and_by_number() {
        for (hb, value) in [("DID_TRANSPORT_DISRUPTED", 0x0e), ("0x14", 0x14)] {
            let line = format!(
                "sd 8:0:0:0: [sdb] tag#76 FAILED Result: hostbyte={hb} driverbyte=DRIVER_OK"
            );
            let u = understand(&line).unwrap();
            assert_eq!(u.kind, "scsi_result");
            assert_eq!(u.readings[0].space, Space::HostByte);
            assert_eq!(u.readings[0].value, value);
        }
    }

    #[test]
    fn a_login_status_and_iscsiadms_code() {
        let u = understand(
            "iscsid: connection1:0 login rejected: initiator error - target not found (02/03)",
        )
        .unwrap();
        assert_eq!(u.readings[0].space, Space::LoginStatus);
        assert_eq!(u.readings[0].value, 0x0203);
        let u =
            understand("iscsiadm: initiator reported error (8 - connection timed out)").unwrap();
        assert_eq!(u.readings[0].space, Space::IscsiadmError);
        assert_eq!(u.readings[0].value, 8);
    }

    #[test]
    fn unknown_lines_are_not_understood() {
        assert!(understand("hello world").is_none());
        assert!(understand("The kernel had a bad day with iSCSI connection 2:0 (1020)").is_none());
        // A ticket's elisions are still read.
        let u = understand("Kernel reported iSCSI connection 2:0 error (1020) state (3)").unwrap();
        assert_eq!(u.readings[0].value, 1020);
    }
}
