use super::*;
use crate::decode::Decoder;
use crate::decode::sources::ROWS;

fn kernel(s: &str) -> Place {
    OriginRelease::kernel(s).unwrap().place()
}

fn open(s: &str) -> Place {
    OriginRelease::open_iscsi(s).unwrap().place()
}

/// The index of an open-iscsi label.
fn tag(label: &str) -> usize {
    data::OPEN_ISCSI.iter().position(|l| *l == label).unwrap()
}

/// The verdict of `release` for the line `iscsid: <message>` (or `kernel: `).
fn verdict(release: &OriginRelease, program: &str, message: &str) -> Option<Verdict> {
    let mut d = Decoder::new(None);
    let mut store = String::new();
    let line = format!("Mar  3 10:00:01 node1 {program}: {message}");
    let ev = d.decode(1, &line, &mut store).expect("a recognised line");
    ev.printed_by(release)
}

#[test]
fn the_runs_are_the_rows_of_the_message_table() {
    assert_eq!(data::RUNS.len(), ROWS.len());
    let newer = *data::OPEN_ISCSI.last().unwrap();
    for (i, (row, runs)) in ROWS.iter().zip(data::RUNS.iter()).enumerate() {
        let tracked = if row.origin == "kernel" {
            data::KERNEL
        } else {
            data::OPEN_ISCSI
        };
        let (first, last) = (runs[0].0, runs[runs.len() - 1].1);
        assert_eq!(tracked[usize::from(first)], row.since, "row {i}");
        let until = tracked[usize::from(last)];
        // A tag's wording that the later commit still prints runs on to it.
        assert!(
            until == row.until || (until == newer && row.until == "2.1.11"),
            "row {i}: {until} {}",
            row.until
        );
    }
}

#[test]
fn kernel_releases_are_placed_by_version_and_line() {
    assert_eq!(
        kernel("v6.1.192"),
        Place::Tracked {
            index: 0,
            exact: true
        }
    );
    assert_eq!(
        kernel("6.12.118"),
        Place::Tracked {
            index: 1,
            exact: true
        }
    );
    // Debian's 6.1 kernels say 6.1.0: the tracked release of the line answers.
    assert_eq!(
        kernel("6.1.0-18-amd64"),
        Place::Tracked {
            index: 0,
            exact: false
        }
    );
    assert_eq!(kernel("6.6.1"), Place::Between(0));
    assert_eq!(kernel("6.12-rc3"), kernel("6.12.1"));
    assert_eq!(kernel("5.10.0"), Place::Older);
    assert_eq!(kernel("6.15"), Place::Newer);
    let e = OriginRelease::kernel("six").unwrap_err();
    assert!(!e.is_version);
    assert!(e.to_string().contains("expected a kernel release"), "{e}");
}

#[test]
fn open_iscsi_releases_are_placed_by_tag_and_commit() {
    let exact = |s| Place::Tracked {
        index: tag(s),
        exact: true,
    };
    assert_eq!(open("2.1.4"), exact("2.1.4"));
    assert_eq!(open("v2.0.873"), exact("2.0.873"));
    assert_eq!(open("2.1.11-14-gbc23614"), exact("2.1.11-14-gbc23614"));
    assert_eq!(open("2.1.11-14-gbc23614c"), exact("2.1.11-14-gbc23614"));
    let patched = Place::Tracked {
        index: tag("2.1.4"),
        exact: false,
    };
    assert_eq!(open("2.1.4-1ubuntu1"), patched);
    assert_eq!(open("6.2.1.4-8.git095f59c.el8"), patched);
    // Commits after a tag lie between it and the next tracked release.
    assert_eq!(open("2.1.4-5-gabcdef0"), Place::Between(tag("2.1.4")));
    assert_eq!(open("2.1.11-5-gabcdef0"), Place::Between(tag("2.1.11")));
    assert_eq!(open("2.1.11-20-gabcdef0"), Place::Newer);
    assert_eq!(open("2.1.12"), Place::Newer);
    assert_eq!(open("2.0.872"), Place::Older);
    // Inside the span of the tags but no tag; not a version at all.
    for bad in ["2.0.880", "2.1", "2.1.4.5", "two", "", "2..1"] {
        let e = OriginRelease::open_iscsi(bad).unwrap_err();
        assert!(
            e.to_string().contains("expected an open-iscsi release"),
            "{e}"
        );
    }
    assert!(OriginRelease::open_iscsi("2.0.880").unwrap_err().is_version);
}

#[test]
fn a_tracked_release_that_prints_the_wording() {
    // iscsid's conn error line has been printed by every tag.
    let line = "Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)";
    let r = OriginRelease::open_iscsi("2.1.4").unwrap();
    let v = verdict(&r, "iscsid", line).unwrap();
    assert_eq!(v.printed, Printed::Yes);
    assert_eq!(v.sentence(&r), "printed by open-iscsi 2.1.4");
    // Not a kernel line: the kernel's release says nothing about it.
    assert!(verdict(&OriginRelease::kernel("6.1.192").unwrap(), "iscsid", line).is_none());
}

#[test]
fn absent_before_since() {
    // 2.1.11 reworded iscsiadm's `mode %d is not yet supported`.
    let line = "iscsiadm: fw mode is unkonwn/unsupported";
    let r = OriginRelease::open_iscsi("2.1.10").unwrap();
    let v = verdict(&r, "iscsiadm", line).unwrap();
    assert_eq!(v.printed, Printed::No, "{v:?}");
    assert_eq!(v.since, "2.1.11");
    assert_eq!(
        v.sentence(&r),
        "cannot come from open-iscsi 2.1.10: first printed by 2.1.11"
    );
    let v = verdict(
        &OriginRelease::open_iscsi("2.1.11").unwrap(),
        "iscsiadm",
        line,
    )
    .unwrap();
    assert_eq!(v.printed, Printed::Yes);
    // A distribution's package of 2.1.10 does not print it either.
    let r = OriginRelease::open_iscsi("2.1.10-1ubuntu1").unwrap();
    let v = verdict(&r, "iscsiadm", line).unwrap();
    assert_eq!(
        v.sentence(&r),
        "cannot come from open-iscsi 2.1.10-1ubuntu1 (2.1.10, the tag it packages): first \
         printed by 2.1.11"
    );
}

#[test]
fn absent_after_until() {
    // 2.1.11 no longer prints iscsid's `Giving up on session %d after %d retries`.
    let line = "Giving up on session 3 after 5 retries";
    let r = OriginRelease::open_iscsi("2.1.11").unwrap();
    let v = verdict(&r, "iscsid", line).unwrap();
    assert_eq!(v.printed, Printed::No, "{v:?}");
    assert_eq!(v.until, "2.1.10");
    assert_eq!(
        v.sentence(&r),
        "cannot come from open-iscsi 2.1.11: last printed by 2.1.10"
    );
    let r = OriginRelease::open_iscsi("2.1.10").unwrap();
    assert_eq!(verdict(&r, "iscsid", line).unwrap().printed, Printed::Yes);
    // Between two tags that agree: the commits after 2.1.11 do not print it either.
    let r = OriginRelease::open_iscsi("2.1.11-3-gabcdef0").unwrap();
    assert_eq!(verdict(&r, "iscsid", line).unwrap().printed, Printed::No);
}

#[test]
fn unknown_between_or_outside_the_tracked_releases() {
    // Between 2.1.10, which prints it, and 2.1.11, which does not: cannot tell.
    let line = "Giving up on session 3 after 5 retries";
    let r = OriginRelease::open_iscsi("2.1.10-7-gabcdef0").unwrap();
    let v = verdict(&r, "iscsid", line).unwrap();
    assert_eq!(v.printed, Printed::Unknown);
    assert!(
        v.sentence(&r)
            .contains("between the tracked releases 2.1.10 and 2.1.11, which disagree")
    );
    // Older or newer than every tracked release: cannot tell, even for a wording every
    // tracked release prints.
    let conn = "Kernel reported iSCSI connection 3:0 error (1022 - ISCSI_ERR_NOP_TIMEDOUT: A NOP has timed out) state (3)";
    for asked in ["2.0.870", "2.1.12"] {
        let r = OriginRelease::open_iscsi(asked).unwrap();
        assert_eq!(
            verdict(&r, "iscsid", conn).unwrap().printed,
            Printed::Unknown
        );
    }
}

#[test]
fn kernel_wordings_of_one_tracked_release() {
    // A wording of v6.1.192 that v6.12.118 no longer has, and one new in v6.12.118.
    let only = |first: bool| {
        ROWS.iter()
            .zip(data::RUNS.iter())
            .find(|(r, runs)| {
                r.origin == "kernel"
                    && runs.len() == 1
                    && runs[0] == if first { (0, 0) } else { (1, 1) }
            })
            .map(|(r, _)| r)
            .expect("the kernel's facts differ between the tracked releases")
    };
    let (old, new) = (only(true), only(false));
    let k = |s| OriginRelease::kernel(s).unwrap();
    assert_eq!(k("6.1.192").verdict(&[old]).unwrap().printed, Printed::Yes);
    let v = k("6.12.118").verdict(&[old]).unwrap();
    assert_eq!(v.printed, Printed::No);
    assert_eq!(
        v.sentence(&k("6.12.118")),
        "cannot come from kernel 6.12.118: last printed by v6.1.192"
    );
    let v = k("v6.1.192").verdict(&[new]).unwrap();
    assert_eq!(
        v.sentence(&k("v6.1.192")),
        "cannot come from kernel v6.1.192: first printed by v6.12.118 (added after v6.1.192)"
    );
    // 6.6 lies between them: for either wording the facts cannot tell.
    for row in [old, new] {
        assert_eq!(k("6.6").verdict(&[row]).unwrap().printed, Printed::Unknown);
        assert_eq!(
            k("6.6.1").verdict(&[row]).unwrap().printed,
            Printed::Unknown
        );
    }
    // A wording that is also printed by another row: any row of the wording that the
    // release prints makes the line possible.
    assert_eq!(
        k("6.12.118").verdict(&[old, new]).unwrap().printed,
        Printed::Yes
    );
    assert_eq!(
        k("6.12.118").verdict(&[old, new]).unwrap().releases(),
        "v6.1.192 … v6.12.118"
    );
    // Rows of another origin are no answer.
    assert!(
        OriginRelease::open_iscsi("2.1.4")
            .unwrap()
            .verdict(&[old])
            .is_none()
    );
}
