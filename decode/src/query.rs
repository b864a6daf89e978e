//! `explain` as a user types it: words (numbers, C names, a space and its values, a pasted
//! log line), `--list`, `--kernel`, `--json`, in; the text for stdout and stderr, and whether
//! it succeeded, out.
//! The command line only maps its arguments to a [`Query`] and prints the [`Outcome`].
//!
//! It sits above [`crate::explain`] and, for a pasted line, the decoder and the report
//! (`pasted`: the line is decoded and summarised as the human report would), so none of
//! those depends on it.

use crate::explain::release::KernelRelease;
use crate::explain::{self, Reading, Space};
use std::fmt::Write as _;

#[cfg(feature = "decode")]
mod pasted;
#[cfg(feature = "decode")]
mod pasted_line;
#[cfg(feature = "decode")]
use pasted_line::open_iscsi_error;

/// Why `--open-iscsi` cannot be answered: a build without the decoder has no wordings.
#[cfg(not(feature = "decode"))]
fn open_iscsi_error(_asked: &str) -> Option<String> {
    Some("--open-iscsi needs the decoder (feature `decode`)".to_string())
}

/// What was asked.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Numbers, C names, a space and its values (`state 3 7`, `login 02/03`), or a log line
    /// (one word with spaces in it, or the words the shell split it into).
    pub words: Vec<String>,
    /// One JSON object per line.
    pub json: bool,
    /// `--list`: every value of a space (empty: the spaces).
    pub list: Option<String>,
    /// `--kernel`: a release to check each value against (and a pasted kernel line's
    /// wording).
    pub kernel: Option<String>,
    /// `--open-iscsi`: a release to check a pasted open-iscsi line's wording against.
    pub open_iscsi: Option<String>,
}

/// The wrap width of human output.
const WIDTH: usize = 80;

/// What one query produced: text for stdout, text for stderr, and whether it succeeded.
#[derive(Debug)]
pub struct Outcome {
    /// For stdout.
    pub out: String,
    /// For stderr.
    pub err: String,
    /// Whether every word was explained.
    pub ok: bool,
    /// Whether the query itself was bad (`explain` exits 2, not 1): nothing to explain, a
    /// release or space that does not exist, garbage that is neither a number, a name nor
    /// a log line the decoder recognises. `false` when only values are unknown (a number
    /// no table has, a name-shaped word no table knows): `ok` says that.
    pub bad_input: bool,
    /// `--kernel`: the release as written and as resolved.
    kernel: Option<(String, KernelRelease)>,
    /// `--open-iscsi`: the release as written.
    open_iscsi: Option<String>,
}

/// Answers a query.
pub fn answer(args: &Query) -> Outcome {
    let mut o = Outcome {
        out: String::new(),
        err: String::new(),
        ok: true,
        bad_input: false,
        kernel: args
            .kernel
            .as_ref()
            .map(|k| (k.trim().to_string(), KernelRelease::new(k))),
        open_iscsi: args.open_iscsi.as_ref().map(|v| v.trim().to_string()),
    };
    if let Some(msg) = args.open_iscsi.as_deref().and_then(open_iscsi_error) {
        bad(&mut o, format_args!("{msg}"));
    }
    if let Some((asked, k)) = &o.kernel
        && !k.is_known()
    {
        let msg = if explain::release::is_version(asked) {
            format!(
                "`{asked}` is older than every tracked kernel release ({})",
                tracked_releases()
            )
        } else {
            format!(
                "`{asked}` is not a kernel release; write it as 2.6.18, v2.6.18 or \
                 3.10.0-1160.el7.x86_64 (tracked: {})",
                tracked_releases()
            )
        };
        bad(&mut o, format_args!("{msg}"));
    }
    if let Some(space) = &args.list {
        list(&mut o, space.trim(), args.json);
        return o;
    }
    match args.words.as_slice() {
        [] => bad(
            &mut o,
            format_args!("nothing to explain; try `explain 1022` or `explain --list`"),
        ),
        [word] => one_word(&mut o, word, args.json),
        words => several(&mut o, words, args.json),
    }
    o
}

/// The most words explained one by one in one query (each costs a walk over every space).
const MAX_WORDS: usize = 64;

/// Several words: `SPACE V1 V2 …` when the first word is a space and every other one a
/// value or name in it; else each word in turn when each is something to explain; else a
/// log line pasted as separate words, when the decoder recognises it. What is left is
/// explained word by word, so that the errors name the words that are not understood.
fn several(o: &mut Outcome, words: &[String], json: bool) {
    let space = Space::parse(&words[0]).filter(|s| s.exists());
    let values = &words[1..];
    let small = words.len() <= MAX_WORDS;
    if let Some(s) = space
        && small
        && values.iter().all(|w| s.lookup(w).is_some())
    {
        return each(o, values, json, |o, w| in_space(o, s, w, json));
    }
    if small && words.iter().all(|w| explainable(w)) {
        return each(o, words, json, |o, w| one_word(o, w, json));
    }
    let line = words.join(" ");
    if recognised(&line) {
        return pasted_line(o, &line, json);
    }
    if !small {
        return bad(
            o,
            format_args!(
                "{} words: at most {MAX_WORDS} are explained at a time, and read together \
                 they are no log line the decoder recognises",
                words.len()
            ),
        );
    }
    let unknown = words.iter().filter(|w| !explainable(w)).count();
    if words.len() >= 3 && 2 * unknown >= words.len() {
        return pasted_line(o, &line, json);
    }
    match space {
        Some(s) => each(o, values, json, |o, w| in_space(o, s, w, json)),
        // `stat 3`: a misspelt space rather than a name.
        None if unknown == 1
            && !explainable(&words[0])
            && explain::nearest_space(&words[0]).is_some() =>
        {
            unknown_space(o, &words[0])
        }
        None => each(o, words, json, |o, w| one_word(o, w, json)),
    }
}

/// Whether the decoder recognises `line`.
#[cfg(feature = "decode")]
fn recognised(line: &str) -> bool {
    pasted::understand(line).is_some()
}

/// Whether the decoder recognises `line`: never, in a build without it.
#[cfg(not(feature = "decode"))]
fn recognised(_line: &str) -> bool {
    false
}

/// A pasted log line, in a build without the decoder: an error.
#[cfg(not(feature = "decode"))]
fn pasted_line(o: &mut Outcome, line: &str, _json: bool) {
    bad(
        o,
        format_args!(
            "`{}` is not a number or a name; reading a pasted log line needs the decoder \
             (feature `decode`)",
            line.trim()
        ),
    );
}

/// A pasted log line: what the decoder understood it to be (`pasted_line`), then a reading
/// for each number in it; an error if the decoder does not recognise it.
#[cfg(feature = "decode")]
fn pasted_line(o: &mut Outcome, line: &str, json: bool) {
    let Some(u) = pasted::understand(line) else {
        let shown = pasted::escaped(line.trim());
        return bad(
            o,
            format_args!(
                "the decoder does not recognise `{shown}` as a log line, and it is no \
                 number or name\n  paste the whole line as iscsid, iscsiadm or the kernel \
                 printed it,\n  or give the numbers in it on their own (`explain 1020 state 3`)"
            ),
        );
    };
    let kernel = o.kernel.as_ref().map(|(k, _)| k.as_str());
    let releases = pasted_line::releases(kernel, o.open_iscsi.as_deref());
    let verdicts = pasted_line::verdicts(line, &releases);
    pasted_line::write_understood(&mut o.out, &u, &verdicts, json, WIDTH);
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

/// Whether a word alone is something `explain` knows how to read: a number, a login status,
/// a host byte as the kernel prints it, a C name, or a space.
fn explainable(word: &str) -> bool {
    let w = word.trim();
    if let Some(v) = explain::strip_prefix_ci(w, "hostbyte=") {
        return Space::HostByte.lookup(v).is_some();
    }
    (w.contains('/') && explain::parse_login_status(w).is_some())
        || explain::parse_number(w).is_some()
        || explain::lookup_names(w).next().is_some()
        || Space::parse(w).is_some_and(Space::exists)
}

/// Explains each word with `f`, the outputs separated by a blank line as the readings of
/// one word are; fails if any word fails, naming those words when there are several.
fn each(o: &mut Outcome, words: &[String], json: bool, mut f: impl FnMut(&mut Outcome, &str)) {
    let before = o.ok;
    let mut failed: Vec<String> = Vec::new();
    for w in words {
        let start = o.out.len();
        o.ok = true;
        f(o, w);
        if !o.ok {
            failed.push(format!("`{w}`"));
        }
        if !json && start > 0 && o.out.len() > start {
            o.out.insert(start, '\n');
        }
    }
    o.ok = before && failed.is_empty();
    if !failed.is_empty() && words.len() > 1 {
        fail(
            o,
            format_args!(
                "{} of {} words could not be explained: {}",
                failed.len(),
                words.len(),
                failed.join(", ")
            ),
        );
    }
}

/// A bare word: a login status (`02/03`), a host byte as the kernel prints it
/// (`hostbyte=0x14`), a number (every reading), a name, or a space.
fn one_word(o: &mut Outcome, word: &str, json: bool) {
    if let Some(v) = explain::strip_prefix_ci(word.trim(), "hostbyte=") {
        return in_space(o, Space::HostByte, v, json);
    }
    if word.contains('/') {
        if let Some(v) = explain::parse_login_status(word) {
            let r = Space::LoginStatus.reading(i128::from(v));
            show_one(o, &r, json);
            if !r.is_known() {
                fail(
                    o,
                    format_args!("{} is not a known login status", r.value_display()),
                );
            }
            return;
        }
    }
    if let Some(v) = explain::parse_number(word) {
        let mut readings = explain::readings(v).peekable();
        if readings.peek().is_none() {
            let r = explain::unknown_reading(v);
            show_one(o, &r, json);
            return fail(o, format_args!("{v} is not a known value in any space"));
        }
        let all: Vec<Reading> = readings.collect();
        if all.len() > 1 && !json {
            let _ = writeln!(
                o.out,
                "{word} has {} readings, most likely first:\n",
                all.len()
            );
        }
        return show_all(o, &all, json);
    }
    let mut found: Vec<Reading> = match &o.kernel {
        Some(_) => explain::lookup_names_in_every_era(word).collect(),
        None => explain::lookup_names(word).collect(),
    };
    if !found.is_empty() {
        if let Some((_, k)) = &o.kernel {
            keep_release_values(&mut found, k);
        }
        return show_all(o, &found, json);
    }
    if let Some(s) = Space::parse(word).filter(|s| s.exists()) {
        return list(o, s.as_str(), json);
    }
    // Not a number or a name, and words with spaces between them: a pasted log line.
    if word.trim().contains(char::is_whitespace) {
        return pasted_line(o, word, json);
    }
    unknown_name(o, word, None);
}

/// With `--kernel`: a C name that had several values over the releases (`ISCSI_PARAM_MAX`)
/// keeps only the value that release gives it, when the release has the name at all.
fn keep_release_values(found: &mut Vec<Reading>, k: &KernelRelease) {
    let present: Vec<bool> = found
        .iter()
        .map(|r| r.name.is_some() && k.check_name(r.space, r.value, r.name).name == r.name)
        .collect();
    let keep: Vec<bool> = found
        .iter()
        .enumerate()
        .map(|(i, r)| {
            present[i]
                || !found
                    .iter()
                    .zip(&present)
                    .any(|(other, &p)| p && other.space == r.space && other.name == r.name)
        })
        .collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
}

/// A value or name within one space.
fn in_space(o: &mut Outcome, space: Space, word: &str, json: bool) {
    match space.lookup(word) {
        Some(r) if !r.is_known() && space.flag_bits(r.value).next().is_some() => {
            flags(o, space, r.value, json);
        }
        Some(r) => {
            show_one(o, &r, json);
            if !r.is_known() {
                fail(
                    o,
                    format_args!(
                        "{} is not a known value of {}",
                        r.value_display(),
                        space_words(space)
                    ),
                );
            }
        }
        None => unknown_name(o, word, Some(space)),
    }
}

/// A combination of flags: the bits we know, one reading each, and any bits left over.
fn flags(o: &mut Outcome, space: Space, value: i128, json: bool) {
    let bits: Vec<Reading> = space.flag_bits(value).collect();
    let rest = space.flag_rest(value);
    if !json {
        let mut names: Vec<String> = bits
            .iter()
            .filter_map(|r| r.name.map(String::from))
            .collect();
        if rest != 0 {
            names.push(format!("{rest:#x}"));
        }
        let _ = writeln!(o.out, "{space} {value:#x} = {}\n", names.join("|"));
    }
    show_all(o, &bits, json);
    if rest != 0 {
        fail(
            o,
            format_args!(
                "{rest:#x} of {value:#x} is no known flag of {}",
                space_words(space)
            ),
        );
    }
}

fn show_one(o: &mut Outcome, r: &Reading, json: bool) {
    show_all(o, core::slice::from_ref(r), json);
}

fn show_all(o: &mut Outcome, readings: &[Reading], json: bool) {
    for (i, r) in readings.iter().enumerate() {
        let check = o
            .kernel
            .as_ref()
            .map(|(asked, k)| (asked, k.check_name(r.space, r.value, r.name)));
        if json {
            let mut line = r.json().to_string();
            if let Some((asked, c)) = &check
                && line.ends_with('}')
            {
                // One more field of the reading's object: "kernel":{...}.
                line.pop();
                line.push_str(",\"kernel\":");
                let _ = c.write_json(&mut line, asked);
                line.push('}');
            }
            let _ = writeln!(o.out, "{line}");
        } else {
            if i > 0 {
                o.out.push('\n');
            }
            let _ = explain::write_human(&mut o.out, r, WIDTH);
            if let Some((asked, c)) = &check {
                let mut sentence = String::from("kernel: ");
                let _ = c.write_sentence(&mut sentence, asked);
                sentence.push('.');
                let _ = explain::write_wrapped(&mut o.out, &sentence, "  ", "    ", WIDTH);
            }
        }
    }
}

/// The tracked kernel releases of the tables, as `v2.6.15 to v6.14, 77 releases`.
fn tracked_releases() -> String {
    let labels: Vec<&str> = explain::release::Tables::If.labels().collect();
    match labels.as_slice() {
        [] => "none".to_string(),
        [one] => (*one).to_string(),
        [first, .., last] => format!("{first} to {last}, {} releases", labels.len()),
    }
}

/// `--list`: the spaces, or every value of one space.
fn list(o: &mut Outcome, space: &str, json: bool) {
    if space.is_empty() {
        for s in Space::all() {
            let count = s.list().count();
            if json {
                let _ = write!(o.out, "{{\"space\":");
                json_str(&mut o.out, s.as_str());
                let _ = write!(o.out, ",\"c_name\":");
                json_str(&mut o.out, s.c_name());
                let _ = writeln!(o.out, ",\"values\":{count}}}");
            } else {
                let _ = writeln!(o.out, "{:<26} {:>4}  {}", s.as_str(), count, s.c_name());
            }
        }
        return;
    }
    let Some(s) = Space::parse(space).filter(|s| s.exists()) else {
        return unknown_space(o, space);
    };
    if !json {
        let _ = writeln!(o.out, "{} ({})", s.as_str(), s.c_name());
    }
    for r in s.list() {
        if json {
            let _ = writeln!(o.out, "{}", r.json());
        } else {
            if r.text.is_empty() {
                let _ = writeln!(o.out, "  {}", r.value_display());
            } else {
                let _ = writeln!(o.out, "  {}  \"{}\"", r.value_display(), r.text);
            }
            let summary = first_sentence(r.explanation);
            let _ = explain::write_wrapped(&mut o.out, summary, "      ", "      ", WIDTH);
        }
    }
}

/// The first sentence of an explanation, for one-line summaries.
fn first_sentence(s: &str) -> &str {
    s.find(". ").map_or(s, |i| &s[..=i])
}

fn json_str(out: &mut String, s: &str) {
    let _ = explain::write_json_string(out, s);
}

/// How an error message names a space: by the snake_case identifier `--list` shows and
/// the command line takes (`conn_state`), or, for a family of the headers that has none,
/// by what the header calls it (`enum iscsi_param`, `CAP_* (#define)`); never by a Rust
/// type name.
fn space_words(s: Space) -> &'static str {
    if explain::NAMED.contains(&s) {
        s.as_str()
    } else {
        s.c_name()
    }
}

fn unknown_name(o: &mut Outcome, word: &str, space: Option<Space>) {
    let _ = match space {
        Some(s) => writeln!(
            o.err,
            "iscsi-decode: `{word}` is not a number or a name in {}",
            space_words(s)
        ),
        None => writeln!(
            o.err,
            "iscsi-decode: `{word}` is not a number, a known name or a space"
        ),
    };
    // A word shaped like a number or a name is an unknown value; anything else is garbage.
    if !value_shaped(word) {
        o.bad_input = true;
    }
    let sugg = explain::suggest(word, space);
    if !sugg.is_empty() {
        let _ = writeln!(o.err, "  did you mean:");
        for (s, n) in sugg.iter() {
            let _ = writeln!(o.err, "    {n}  ({})", space_words(s));
        }
    }
    o.ok = false;
}

/// A word that is no space: the named spaces, as `--list` shows them, and how to see the
/// headers' other families.
fn unknown_space(o: &mut Outcome, word: &str) {
    let _ = writeln!(
        o.err,
        "iscsi-decode: `{word}` is not a space; the spaces are:"
    );
    let mut line = String::from("   ");
    let (mut named, mut others) = (0, 0);
    for s in Space::all() {
        if !explain::NAMED.contains(&s) {
            others += 1;
            continue;
        }
        named += 1;
        if line.len() + s.as_str().len() + 1 > WIDTH {
            let _ = writeln!(o.err, "{line}");
            line = String::from("   ");
        }
        line.push(' ');
        line.push_str(s.as_str());
    }
    if named > 0 {
        let _ = writeln!(o.err, "{line}");
    }
    if others > 0 {
        let _ = writeln!(
            o.err,
            "  and {others} other families of the kernel headers: `explain --list` shows all"
        );
    }
    if let Some((s, spelt)) = explain::nearest_space(word) {
        let _ = writeln!(o.err, "  did you mean `{spelt}` ({s})?");
    }
    o.ok = false;
    o.bad_input = true;
}

/// Whether `word` could be a value or a name (`1022x`, `nop_timeout`, `0x3f`, `02/03`,
/// `hostbyte=0x0e`): ASCII letters, digits and `_-./:=+` only. What else reaches
/// [`unknown_name`] is no value at all ([`Outcome::bad_input`]).
fn value_shaped(word: &str) -> bool {
    let w = word.trim();
    !w.is_empty()
        && w.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"_-./:=+".contains(&c))
}

/// [`fail`] for a bad query rather than an unknown value ([`Outcome::bad_input`]).
fn bad(o: &mut Outcome, msg: std::fmt::Arguments<'_>) {
    fail(o, msg);
    o.bad_input = true;
}

fn fail(o: &mut Outcome, msg: std::fmt::Arguments<'_>) {
    let _ = writeln!(o.err, "iscsi-decode: {msg}");
    o.ok = false;
}
