use super::*;

/// `(seconds, guesses)` of a placed time.
fn show(p: Option<Placed>) -> Option<(f64, Vec<&'static str>)> {
    p.map(|p| (p.secs, p.inferred().collect()))
}

/// 2024-06-01T00:00:00Z as the year reference, no boot time, UTC.
fn june() -> TimeRefs {
    TimeRefs {
        year: 1_717_200_000,
        ..TimeRefs::default()
    }
}

#[test]
fn places_each_clock() {
    let r = june();
    let ny = NoYear {
        month: 3,
        day: 3,
        sod: 36_601.5,
    };
    // 2024-03-03T10:10:01.5Z
    let t = 1_709_460_601.5;
    assert_eq!(
        show(place(
            RawTime::NoYear(ny),
            Some("Mar  3 10:10:01.5"),
            Format::Syslog,
            None,
            &r
        )),
        Some((t, vec!["year", "zone"]))
    );
    // December read in June: last year's.
    let dec = NoYear {
        month: 12,
        day: 31,
        sod: 0.0,
    };
    let (secs, _) = show(place(RawTime::NoYear(dec), None, Format::Syslog, None, &r)).unwrap();
    assert_eq!(secs, days_from_civil(2023, 12, 31) as f64 * 86_400.0);
    let iso = "2024-03-03T11:10:01+01:00";
    let (secs, _) = crate::decode::clock::parse_iso(iso.as_bytes()).unwrap();
    assert_eq!(
        show(place(
            RawTime::Wall(secs),
            Some(iso),
            Format::Syslog,
            None,
            &r
        )),
        Some((1_709_460_601.0, vec![]))
    );
    assert_eq!(
        show(place(
            RawTime::Wall(secs),
            Some("Sun Mar  3 10:10:01 2024"),
            Format::DmesgT,
            None,
            &r
        ))
        .unwrap()
        .1,
        vec!["zone"]
    );
    // An uptime alone: no time without a boot time, else the boot time plus the uptime.
    assert_eq!(
        place(RawTime::None, None, Format::Dmesg, Some(3.5), &r),
        None
    );
    let booted = TimeRefs {
        boot: Boot::At(1_709_460_000.0),
        ..june()
    };
    let (secs, guessed) = show(place(
        RawTime::None,
        None,
        Format::Dmesg,
        Some(601.611244),
        &booted,
    ))
    .unwrap();
    assert!((secs - 1_709_460_601.611244).abs() < 1e-6);
    assert_eq!(guessed, vec!["boot"]);
    let up = Instant {
        secs: 601.611244,
        scale: Scale::Uptime,
    };
    assert_eq!(place_instant(up, None, &r), None);
    assert_eq!(
        place_instant(up, None, &booted),
        place(
            RawTime::None,
            None,
            Format::Dmesg,
            Some(601.611244),
            &booted
        )
    );
    // The engine's instants of a yearless log come back in the same year.
    let t = crate::decode::clock::YearTracker::default().instant(ny);
    assert_eq!(
        place_instant(t, None, &r),
        place(RawTime::NoYear(ny), None, Format::Syslog, None, &r)
    );
}

#[test]
fn zone_less_times_are_read_in_the_zone() {
    let plus2 = TimeRefs {
        zone: Zone::named("+02:00").unwrap(),
        ..june()
    };
    let ny = NoYear {
        month: 3,
        day: 3,
        sod: 36_601.0,
    };
    // Syslog's 10:10:01 at +02:00 is 08:10:01 UTC; a time with its offset is left alone.
    let syslog = show(place(
        RawTime::NoYear(ny),
        Some("Mar  3 10:10:01"),
        Format::Syslog,
        None,
        &plus2,
    ));
    assert_eq!(
        syslog,
        Some((1_709_460_601.0 - 7_200.0, vec!["year", "zone"]))
    );
    let iso = "2024-03-03T10:10:01Z";
    let (secs, _) = crate::decode::clock::parse_iso(iso.as_bytes()).unwrap();
    assert_eq!(
        show(place(
            RawTime::Wall(secs),
            Some(iso),
            Format::Syslog,
            None,
            &plus2
        )),
        Some((1_709_460_601.0, vec![]))
    );
    let bare = "2024-03-03T10:10:01";
    assert_eq!(
        show(place(
            RawTime::Wall(secs),
            Some(bare),
            Format::Syslog,
            None,
            &plus2
        )),
        Some((1_709_460_601.0 - 7_200.0, vec!["zone"]))
    );
    // The engine's instants agree with the lines'.
    let wall = Instant {
        secs,
        scale: Scale::Wall,
    };
    assert_eq!(
        place_instant(wall, Some(bare), &plus2),
        place(
            RawTime::Wall(secs),
            Some(bare),
            Format::Syslog,
            None,
            &plus2
        )
    );
    let t = crate::decode::clock::YearTracker::default().instant(ny);
    assert_eq!(
        place_instant(t, Some("Mar  3 10:10:01"), &plus2),
        place(RawTime::NoYear(ny), None, Format::Syslog, None, &plus2)
    );
    // Journal JSON's times are UTC microseconds: never shifted.
    assert_eq!(
        show(place(
            RawTime::Wall(secs),
            None,
            Format::JournalJson,
            None,
            &plus2
        )),
        Some((secs, vec![]))
    );
}

#[test]
fn this_machines_boot_places_only_this_boots_uptimes() {
    let Some(boot) = this_machines_boot() else {
        eprintln!("SKIPPED: no /proc/uptime on this machine");
        return;
    };
    let up = now() - boot;
    assert!(up >= 0.0);
    let refs = TimeRefs {
        boot: Boot::ThisMachine(boot),
        ..june()
    };
    // A line logged a second after boot is placed there.
    let p = place(RawTime::None, None, Format::Dmesg, Some(1.0), &refs).unwrap();
    assert_eq!(p.secs, boot + 1.0);
    assert_eq!(p.inferred().collect::<Vec<_>>(), ["boot"]);
    // An uptime longer than this machine's is from another boot: no time.
    assert_eq!(
        place(
            RawTime::None,
            None,
            Format::Dmesg,
            Some(up + 3_600.0),
            &refs
        ),
        None
    );
}

#[test]
fn a_files_boot_time_is_its_mtime_less_its_last_uptime() {
    let dir = std::env::temp_dir().join(format!("iscsi-boot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("dmesg.txt");
    std::fs::write(
        &f,
        "[    1.000000] Linux version\n[  100.250000]  connection1:0: detected conn error (1020)\nnot a dmesg line\n",
    )
    .unwrap();
    let name = f.to_str().unwrap();
    assert_eq!(boot_of(name, 10_000), Some(10_000.0 - 100.25));
    let pinned = Placing {
        year: Some(20_000),
        ..Placing::default()
    };
    assert_eq!(pinned.refs(name).boot, Boot::At(20_000.0 - 100.25));
    // A boot time given wins over the file's.
    let given = Placing {
        boot: Some(5.0),
        ..pinned.clone()
    };
    assert_eq!(given.refs(name).boot, Boot::At(5.0));
    // A pipe takes this machine's boot time only when asked to.
    assert_eq!(pinned.refs("/dev/null").boot, Boot::Unknown);
    let pipe = Placing {
        this_machine: true,
        ..pinned
    };
    assert!(
        matches!(pipe.refs("/dev/null").boot, Boot::ThisMachine(_))
            || this_machines_boot().is_none()
    );
    assert_eq!(pipe.refs(name).boot, Boot::At(20_000.0 - 100.25));
    // No dmesg line, gzip, standard input: no boot time.
    std::fs::write(&f, "Mar  3 10:00:01 node1 kernel: [ 5.0] x\n").unwrap();
    assert_eq!(boot_of(name, 10_000), None);
    std::fs::write(&f, [0x1f, 0x8b, 8, 0]).unwrap();
    assert_eq!(boot_of(name, 10_000), None);
    assert_eq!(boot_of("-", 10_000), None);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn offsets() {
    for t in [
        "2024-03-03T10:10:01Z",
        "2024-03-03T10:10:01.5+01:00",
        "2024-03-03T10:10:01,611244+00:00",
        "2024-03-03 10:10:01 -0500",
        "Sun 2024-03-03 10:10:01 UTC",
        "1709460601.611244",
    ] {
        assert!(has_offset(t), "{t}");
    }
    for t in [
        "2024-03-03T10:10:01",
        "2024-03-03",
        "Mar  3 10:10:01",
        "Sun Mar  3 10:10:01 2024",
        "Sun 2024-03-03 10:10:02.500000 CET",
        "1050.611244",
    ] {
        assert!(!has_offset(t), "{t}");
    }
}

#[test]
fn syslog_years_around_new_year() {
    // The file was modified on 2026-01-02: December is last year's, January this year's,
    // and a date up to a day after the reference (the zone's slack) still this year's.
    let refs = TimeRefs {
        year: days_from_civil(2026, 1, 2) * 86_400,
        ..TimeRefs::default()
    };
    let year = |month, day, sod| {
        let p = place(
            RawTime::NoYear(NoYear { month, day, sod }),
            None,
            Format::Syslog,
            None,
            &refs,
        )
        .unwrap();
        civil_from_days((p.secs / 86_400.0).floor() as i64).0
    };
    assert_eq!(year(12, 31, 0.0), 2025);
    assert_eq!(year(1, 1, 0.0), 2026);
    assert_eq!(year(1, 2, 23.0 * 3_600.0), 2026);
    assert_eq!(year(1, 3, 3_600.0), 2025);
    assert_eq!(year(1, 4, 0.0), 2025);
}
