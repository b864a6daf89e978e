//! `explain -- '<line>'`: what the decoder understood a pasted line to be, where the sources
//! print it (and, with `--kernel` / `--open-iscsi`, whether that release does), then a
//! reading for each number in it.

use super::{Outcome, WIDTH, fail, json_str, pasted, show_one, space_words};
use crate::decode::{Decoder, OriginRelease, Verdict};
use crate::explain;
use std::fmt::Write as _;

/// A pasted log line: what the decoder understood it to be, then a reading for each number
/// in it; an error if the decoder does not recognise it.
pub(super) fn pasted_line(o: &mut Outcome, line: &str, json: bool) {
    let Some(u) = pasted::understand(line) else {
        let shown = pasted::escaped(line.trim());
        return fail(
            o,
            format_args!(
                "the decoder does not recognise `{shown}` as a log line, and it is no \
                 number or name\n  paste the whole line as iscsid, iscsiadm or the kernel \
                 printed it,\n  or give the numbers in it on their own (`explain 1020 state 3`)"
            ),
        );
    };
    let verdicts = verdicts(line, &o.releases());
    if json {
        o.out.push_str("{\"understood\":{\"pattern\":");
        json_str(&mut o.out, u.pattern);
        o.out.push_str(",\"kind\":");
        json_str(&mut o.out, u.kind);
        o.out.push_str(",\"source\":");
        json_str(&mut o.out, u.source);
        o.out.push_str(",\"summary\":");
        json_str(&mut o.out, &u.summary);
        if let Some(p) = u.printed_by {
            o.out.push_str(",\"printed_by\":{\"origin\":");
            json_str(&mut o.out, p.origin);
            for (k, v) in [
                ("file", p.file),
                ("function", p.function),
                ("level", p.level),
                ("format", p.format),
                ("since", p.since),
                ("until", p.until),
            ] {
                o.out.push_str(",\"");
                o.out.push_str(k);
                o.out.push_str("\":");
                json_str(&mut o.out, v);
            }
            if !u.also_printed_by.is_empty() {
                o.out.push_str(",\"also\":[");
                for (i, a) in u.also_printed_by.iter().enumerate() {
                    o.out
                        .push_str(if i == 0 { "{\"file\":" } else { ",{\"file\":" });
                    json_str(&mut o.out, a.file);
                    o.out.push_str(",\"function\":");
                    json_str(&mut o.out, a.function);
                    o.out.push('}');
                }
                o.out.push(']');
            }
            for (r, v) in &verdicts {
                // As the decoder's NDJSON writes it (docs/decode.md).
                o.out.push_str(",\"release\":{\"asked\":");
                json_str(&mut o.out, r.asked());
                if let Some(t) = r.tracked() {
                    o.out.push_str(",\"tracked\":");
                    json_str(&mut o.out, t);
                }
                for (k, x) in [
                    ("printed", v.printed.name()),
                    ("since", v.since),
                    ("until", v.until),
                ] {
                    let _ = write!(o.out, ",\"{k}\":");
                    json_str(&mut o.out, x);
                }
                o.out.push('}');
            }
            o.out.push('}');
        }
        o.out.push_str("}}\n");
    } else {
        let _ = writeln!(
            o.out,
            "understood: {} ({}), logged by {}",
            u.pattern, u.kind, u.source
        );
        if !u.summary.is_empty() {
            let _ = explain::write_wrapped(&mut o.out, &u.summary, "  ", "    ", WIDTH);
        }
        if let Some(p) = u.printed_by {
            let releases = if p.since == p.until {
                p.since.to_string()
            } else {
                format!("{} … {}", p.since, p.until)
            };
            let text = format!(
                "printed by {}() in {} ({}, level {}); tracked releases with this wording: \
                 {releases}",
                p.function, p.file, p.origin, p.level
            );
            let _ = explain::write_wrapped(&mut o.out, &text, "  ", "    ", WIDTH);
            if !u.also_printed_by.is_empty() {
                // By file: `f() and g() in usr/iscsiadm.c, h() in usr/idbm.c`.
                let mut files: Vec<(&str, Vec<String>)> = Vec::new();
                for a in &u.also_printed_by {
                    match files.iter_mut().find(|(f, _)| *f == a.file) {
                        Some((_, fns)) => fns.push(format!("{}()", a.function)),
                        None => files.push((a.file, vec![format!("{}()", a.function)])),
                    }
                }
                let sites: Vec<String> = files
                    .iter()
                    .map(|(file, fns)| format!("{} in {file}", fns.join(", ")))
                    .collect();
                let text = format!(
                    "the same words are also printed by {}; the line cannot tell which",
                    sites.join("; ")
                );
                let _ = explain::write_wrapped(&mut o.out, &text, "  ", "    ", WIDTH);
            }
            for (r, v) in &verdicts {
                let text = pasted::escaped(&v.sentence(r));
                let _ = explain::write_wrapped(&mut o.out, &text, "  ", "    ", WIDTH);
            }
        }
        if u.readings.is_empty() {
            o.out
                .push_str("  No number in it has a space to explain it in.\n");
        }
    }
    for r in &u.readings {
        if !json {
            o.out.push('\n');
        }
        show_one(o, r, json);
        if !r.is_known() {
            fail(
                o,
                format_args!(
                    "{} is not a known value of {}",
                    r.value_display(),
                    space_words(r.space)
                ),
            );
        }
    }
    if let Some(h) = &u.odd_hostbyte {
        fail(
            o,
            format_args!("hostbyte={h} is no host byte this build knows"),
        );
    }
}

/// Whether each of `releases` prints the wording of `line` (those of its origin).
fn verdicts(line: &str, releases: &[OriginRelease]) -> Vec<(OriginRelease, Verdict)> {
    let mut decoder = Decoder::new(None);
    let mut store = String::new();
    let Some(ev) = decoder.decode(1, line.trim(), &mut store) else {
        return Vec::new();
    };
    releases
        .iter()
        .filter_map(|r| Some((r.clone(), ev.printed_by(r)?)))
        .collect()
}

impl Outcome {
    /// `--kernel` and `--open-iscsi` as releases whose wordings a pasted line is checked
    /// against (a kernel release that names no version is reported by `answer`).
    fn releases(&self) -> Vec<OriginRelease> {
        let kernel = self
            .kernel
            .as_ref()
            .and_then(|(k, _)| OriginRelease::kernel(k).ok());
        let open = self
            .open_iscsi
            .as_deref()
            .and_then(|v| OriginRelease::open_iscsi(v).ok());
        kernel.into_iter().chain(open).collect()
    }
}

/// Why `--open-iscsi` names no open-iscsi release, if it does not.
pub(super) fn open_iscsi_error(asked: &str) -> Option<String> {
    OriginRelease::open_iscsi(asked)
        .err()
        .map(|e| format!("--open-iscsi: {e}"))
}
