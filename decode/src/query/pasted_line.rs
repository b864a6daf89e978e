//! `explain -- '<line>'`: what the decoder understood a pasted line to be, where the sources
//! print it (and, with `--kernel` / `--open-iscsi`, whether that release does), then a
//! reading for each number in it.

use super::pasted::{self, Understood};
use crate::decode::{Decoder, OriginRelease, Verdict};
use crate::explain;
use std::fmt::Write as _;

/// Writes what the decoder understood of a pasted line into `out`: its pattern and fields,
/// where the sources print it, and for each of `verdicts` whether that release does (one
/// JSON object's opening `{"understood":{…}` without its close, with `json`; else text
/// wrapped at `width`).
pub(super) fn write_understood(
    out: &mut String,
    u: &Understood,
    verdicts: &[(OriginRelease, Verdict)],
    json: bool,
    width: usize,
) {
    if json {
        out.push_str("{\"understood\":{\"pattern\":");
        json_str(out, u.pattern);
        out.push_str(",\"kind\":");
        json_str(out, u.kind);
        out.push_str(",\"source\":");
        json_str(out, u.source);
        out.push_str(",\"summary\":");
        json_str(out, &u.summary);
        if let Some(p) = u.printed_by {
            out.push_str(",\"printed_by\":{\"origin\":");
            json_str(out, p.origin);
            for (k, v) in [
                ("file", p.file),
                ("function", p.function),
                ("level", p.level),
                ("format", p.format),
                ("since", p.since),
                ("until", p.until),
            ] {
                out.push_str(",\"");
                out.push_str(k);
                out.push_str("\":");
                json_str(out, v);
            }
            if !u.also_printed_by.is_empty() {
                out.push_str(",\"also\":[");
                for (i, a) in u.also_printed_by.iter().enumerate() {
                    out.push_str(if i == 0 { "{\"file\":" } else { ",{\"file\":" });
                    json_str(out, a.file);
                    out.push_str(",\"function\":");
                    json_str(out, a.function);
                    out.push('}');
                }
                out.push(']');
            }
            for (r, v) in verdicts {
                // As the decoder's NDJSON writes it (docs/decode.md).
                out.push_str(",\"release\":{\"asked\":");
                json_str(out, r.asked());
                if let Some(t) = r.tracked() {
                    out.push_str(",\"tracked\":");
                    json_str(out, t);
                }
                for (k, x) in [
                    ("printed", v.printed.name()),
                    ("since", v.since),
                    ("until", v.until),
                ] {
                    let _ = write!(out, ",\"{k}\":");
                    json_str(out, x);
                }
                out.push('}');
            }
            out.push('}');
        }
        out.push_str("}}\n");
    } else {
        let _ = writeln!(
            out,
            "understood: {} ({}), logged by {}",
            u.pattern, u.kind, u.source
        );
        if !u.summary.is_empty() {
            let _ = explain::write_wrapped(out, &u.summary, "  ", "    ", width);
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
            let _ = explain::write_wrapped(out, &text, "  ", "    ", width);
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
                let _ = explain::write_wrapped(out, &text, "  ", "    ", width);
            }
            for (r, v) in verdicts {
                let text = pasted::escaped(&v.sentence(r));
                let _ = explain::write_wrapped(out, &text, "  ", "    ", width);
            }
        }
        if u.readings.is_empty() {
            out.push_str("  No number in it has a space to explain it in.\n");
        }
    }
}

/// Whether each of `releases` prints the wording of `line` (those of its origin).
pub(super) fn verdicts(line: &str, releases: &[OriginRelease]) -> Vec<(OriginRelease, Verdict)> {
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

/// `--kernel` and `--open-iscsi` as releases whose wordings a pasted line is checked
/// against (a kernel release that names no version is reported by `answer`).
pub(super) fn releases(kernel: Option<&str>, open_iscsi: Option<&str>) -> Vec<OriginRelease> {
    let kernel = kernel.and_then(|k| OriginRelease::kernel(k).ok());
    let open = open_iscsi.and_then(|v| OriginRelease::open_iscsi(v).ok());
    kernel.into_iter().chain(open).collect()
}

/// Why `--open-iscsi` names no open-iscsi release, if it does not.
pub(super) fn open_iscsi_error(asked: &str) -> Option<String> {
    OriginRelease::open_iscsi(asked)
        .err()
        .map(|e| format!("--open-iscsi: {e}"))
}

/// Appends `s` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    let _ = explain::write_json_string(out, s);
}
