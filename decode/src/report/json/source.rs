//! An event's `source` member: the call site of the sources that prints its wording, the
//! other call sites of the same words, and with `--kernel` / `--open-iscsi` whether that
//! release prints it (docs/decode.md).

use super::Obj;
use crate::decode::{Event, OriginRelease, Verdict};

/// Writes `"source":{…}` into `o` when the event's wording is in the table of the sources;
/// `releases` add the member `release` to an event of their origin.
pub(super) fn source_member(o: &mut Obj, ev: &Event<'_>, releases: &[OriginRelease]) {
    let Some(s) = ev.source() else {
        return;
    };
    o.open("source");
    o.str("origin", s.origin);
    // The program that prints it: the line's own when it links the file, else the one
    // program that does; `programs` lists every program that links it.
    let tagged = ev.env.program.as_deref();
    let program = match tagged {
        Some(p) if s.programs.contains(&p) => Some(p),
        _ => (s.programs.len() == 1).then(|| s.programs[0]),
    };
    o.opt_str("program", program);
    o.open_array("programs");
    for p in s.programs {
        o.elem_str(p);
    }
    o.close_array();
    o.str("file", s.file);
    o.str("function", s.function);
    o.str("level", s.level);
    o.str("format", s.format);
    o.str("since", s.since);
    o.str("until", s.until);
    let also = ev.same_wording_as(s);
    if !also.is_empty() {
        // The other call sites of these very words: the line cannot tell them apart.
        o.open_array("also");
        for a in also {
            o.open_elem();
            o.str("file", a.file);
            o.str("function", a.function);
            o.close();
        }
        o.close_array();
    }
    for r in releases {
        if let Some(v) = ev.printed_by(r) {
            release_member(o, r, &v);
        }
    }
    o.close();
}

/// The member `release` of an event's `source`: whether the release asked for prints the
/// wording, and the first and last tracked releases that do.
fn release_member(o: &mut Obj, r: &OriginRelease, v: &Verdict) {
    o.open("release");
    o.str("asked", r.asked());
    o.opt_str("tracked", r.tracked());
    o.str("printed", v.printed.name());
    o.str("since", v.since);
    o.str("until", v.until);
    o.close();
}
