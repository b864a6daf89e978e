//! Repeated incidents folded into one paragraph: the same failure of the same session over
//! and over (a flapping path), or of many sessions at once (a target restart), reads as
//! "#3–#8 session 4 … ×6" instead of six identical paragraphs. Only the human report
//! folds; the NDJSON keeps every incident.
//!
//! Two incidents are alike when they come from the same input and the same host (compared
//! as written: `node1` is not `node2`), and everything the paragraph says of them is the
//! same once its numbers (session ids, seconds, counts, times) are set aside: the cause,
//! the attempts, the outcome and the advice. Alike incidents that follow each other fold.

use super::paragraph::{
    attempts_sentence, cause_sentence, outcome_label, outcome_sentence, paragraph,
};
use crate::decode::incidents::Incident;
use crate::decode::incidents::advice::{human_duration, suggestions};
use crate::report::term::{Paint, Term};
use std::fmt::Write as _;

/// `s` with every run of digits (and the decimal points between them) as `#`.
fn without_numbers(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_num = false;
    for c in s.chars() {
        if c.is_ascii_digit() || (in_num && c == '.') {
            if !in_num {
                out.push('#');
                in_num = true;
            }
        } else {
            in_num = false;
            out.push(c);
        }
    }
    out
}

/// What must be equal for two incidents to fold: not the failed commands and I/O errors
/// that followed (the folded paragraph gives their totals).
pub fn fold_key(inc: &Incident) -> String {
    let mut bare = inc.clone();
    bare.scsi_failures = 0;
    bare.io_errors = 0;
    bare.suppressed = 0;
    bare.hostbytes.clear();
    bare.disks.clear();
    let inc = &bare;
    // The input and host verbatim: only the sentences have their numbers set aside.
    let mut k = String::new();
    k.push_str(&cause_sentence(inc));
    k.push('\u{1}');
    k.push_str(&attempts_sentence(inc).unwrap_or_default());
    k.push('\u{1}');
    k.push_str(&outcome_sentence(inc));
    for a in suggestions(inc) {
        k.push('\u{1}');
        k.push_str(&a);
    }
    format!(
        "{}\u{1}{:?}\u{1}{}\u{1}{}",
        inc.file,
        inc.host,
        inc.target.is_some(),
        without_numbers(&k)
    )
}

/// Writes the incidents of `group` (alike, in order): one paragraph, or a folded one.
pub fn write_group(t: &mut Term<'_>, group: &[&Incident], names: &[String]) {
    let (first, last) = match group {
        [one] => return paragraph(t, one, names),
        [first, .., last] => (*first, *last),
        [] => return,
    };
    let n = group.len();
    let (paint, outcome) = outcome_label(first.outcome);
    let mut head = format!("#{}–#{} ", first.seq, last.seq);
    if let Some(h) = &first.host {
        let _ = write!(head, "{h}  ");
    }
    let subjects: Vec<String> = group.iter().map(|i| i.subject()).collect();
    if subjects.iter().all(|s| *s == subjects[0]) {
        head.push_str(&subjects[0]);
    } else {
        let mut sids: Vec<i64> = group.iter().filter_map(|i| i.sid).collect();
        sids.dedup();
        let shown: Vec<String> = sids.iter().take(12).map(i64::to_string).collect();
        let more = sids.len().saturating_sub(12);
        let _ = write!(head, "sessions {}", shown.join(", "));
        if more > 0 {
            let _ = write!(head, " and {more} more");
        }
    }
    let _ = write!(head, " ×{n}");
    match (
        &first.start_text,
        &last.end_text.as_ref().or(last.start_text.as_ref()),
    ) {
        (Some(a), Some(b)) if a != *b => {
            let _ = write!(head, "  {a} → {b}");
        }
        (Some(a), _) => {
            let _ = write!(head, "  {a}");
        }
        _ => {}
    }
    t.text("  ")
        .paint(Paint::Bold, &head)
        .text("  ")
        .paint(paint, outcome)
        .nl();
    t.para(
        "     ",
        "       ",
        &format!("{n} alike incidents; the first of them:"),
    );
    let (scsi, io): (u64, u64) = group
        .iter()
        .fold((0, 0), |(s, o), i| (s + i.scsi_failures, o + i.io_errors));
    if scsi + io > 0 {
        t.para(
            "     ",
            "       ",
            &format!(
                "In all: {scsi} failed SCSI command{}, {io} I/O error{}.",
                if scsi == 1 { "" } else { "s" },
                if io == 1 { "" } else { "s" }
            ),
        );
    }
    for line in [Some(cause_sentence(first)), attempts_sentence(first)]
        .into_iter()
        .flatten()
        .chain([outcome_sentence(first)])
    {
        t.para("     ", "       ", &line);
    }
    let downs: Vec<f64> = group.iter().filter_map(|i| i.down_s()).collect();
    if downs.len() == n && downs.iter().sum::<f64>() >= 1.0 {
        let (lo, hi) = downs
            .iter()
            .fold((f64::MAX, 0.0f64), |(lo, hi), d| (lo.min(*d), hi.max(*d)));
        let total: f64 = downs.iter().sum();
        let each = if (hi - lo).abs() < 0.05 {
            human_duration(lo)
        } else {
            format!("{}–{}", human_duration(lo), human_duration(hi))
        };
        t.para(
            "     ",
            "       ",
            &format!("Down {each} each, {} in all.", human_duration(total)),
        );
    }
    for a in suggestions(first) {
        t.para("     → ", "       ", &a);
    }
    let file = match names.get(first.file) {
        Some(f) if names.len() > 1 => format!("{f}: "),
        _ => String::new(),
    };
    let lines = format!(
        "{file}lines {}–{}",
        first.lines.0,
        last.lines.1.max(first.lines.1)
    );
    t.text("     ").paint(Paint::Dim, &lines).nl();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_set_aside() {
        assert_eq!(
            without_numbers("session 4 down 10.3 s, 12:01:02"),
            "session # down # s, #:#:#"
        );
    }

    #[test]
    fn alike_incidents_of_two_hosts_do_not_fold() {
        let on = |seq, host: &str, sid| {
            let mut i = Incident::new(seq, 0, Some(host));
            i.sid = Some(sid);
            i
        };
        // Same words but for the numbers: one session's incidents fold, whatever its id.
        assert_eq!(fold_key(&on(1, "node1", 1)), fold_key(&on(2, "node1", 7)));
        // Hosts differing only in a number are still two hosts, as are two inputs.
        assert_ne!(fold_key(&on(1, "node1", 1)), fold_key(&on(2, "node2", 1)));
        let mut other_file = on(2, "node1", 1);
        other_file.file = 1;
        assert_ne!(fold_key(&on(1, "node1", 1)), fold_key(&other_file));
    }
}
