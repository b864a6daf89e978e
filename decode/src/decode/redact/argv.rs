//! iscsiadm's `-v VALUE` (`--value`) when the same command names an auth key with `-n`
//! (`--name`), in either order: `-o update -v SECRET -n node.session.auth.password` is how
//! sudo and shell histories record it.
//!
//! The command is read as an argument vector from the line's words (quotes group), or from
//! the `aN=` fields of an audit `EXECVE` record (quoted, or hex when the argument has
//! spaces or quotes). The option syntax is getopt_long's, as iscsiadm parses it
//! (usr/iscsiadm.c `long_options`, short options `"…n:…v:…"`): `-v X`, `-vX`, `--value X`,
//! `--value=X`, and the same for `-n`.

use std::ops::Range;

/// One argument: its text and the byte range in the line that shows it.
struct Arg {
    text: String,
    span: Range<usize>,
}

/// Words of `line`; a word that opens with a quote runs to its closing quote.
fn words(line: &str) -> Vec<Range<usize>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut quote = None;
        while i < b.len() {
            match (quote, b[i]) {
                // A quote groups when it opens the word (a JSON fragment's inner quotes
                // do not swallow the arguments after it).
                (None, b'"' | b'\'') if i == start => quote = Some(b[i]),
                (Some(q), c) if c == q => quote = None,
                (None, c) if c.is_ascii_whitespace() => break,
                _ => {}
            }
            i += 1;
        }
        if i > start {
            out.push(start..i);
        }
    }
    out
}

/// An audit `aN=` argument: the range of its value and its decoded text.
fn audit_arg(line: &str, w: &Range<usize>) -> Option<Arg> {
    let t = &line[w.clone()];
    let eq = t.find('=')?;
    let (k, v) = (&t[..eq], &t[eq + 1..]);
    if k.len() < 2 || !k.starts_with('a') || !k[1..].bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let at = w.start + eq + 1;
    if let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
        return Some(Arg {
            text: inner.to_string(),
            span: at + 1..at + 1 + inner.len(),
        });
    }
    // Unquoted: hex of the argument's bytes (auditd's encoding for arguments with spaces,
    // quotes or control characters), else as is.
    let hex = (v.len() % 2 == 0 && !v.is_empty() && v.bytes().all(|c| c.is_ascii_hexdigit()))
        .then(|| {
            (0..v.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&v[i..i + 2], 16).ok())
                .collect::<Option<Vec<u8>>>()
        })
        .flatten();
    let text = match hex {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => v.to_string(),
    };
    Some(Arg {
        text,
        span: at..w.end,
    })
}

/// The arguments of the line: audit fields when it has them, else its words unquoted.
fn argv(line: &str) -> Vec<Arg> {
    let ws = words(line);
    let audit: Vec<Arg> = ws.iter().filter_map(|w| audit_arg(line, w)).collect();
    if audit.len() >= 2 {
        return audit;
    }
    ws.into_iter()
        .map(|w| {
            let t = &line[w.clone()];
            let q = t.len() >= 2
                && ((t.starts_with('"') && t.ends_with('"'))
                    || (t.starts_with('\'') && t.ends_with('\'')));
            if q {
                Arg {
                    text: t[1..t.len() - 1].to_string(),
                    span: w.start + 1..w.end - 1,
                }
            } else {
                Arg {
                    text: t.to_string(),
                    span: w,
                }
            }
        })
        .collect()
}

/// If `args[i]` is option `short`/`long`, the value's text and span: the next argument, or
/// what follows `=` or the short option itself.
fn option_value<'a>(
    args: &'a [Arg],
    i: usize,
    short: &str,
    long: &str,
) -> Option<(&'a str, Range<usize>)> {
    let a = &args[i];
    let t = a.text.as_str();
    if t == short || t == long {
        return args.get(i + 1).map(|n| (n.text.as_str(), n.span.clone()));
    }
    let off = if let Some(v) = t.strip_prefix(long).and_then(|v| v.strip_prefix('=')) {
        t.len() - v.len()
    } else if t.len() > short.len() && t.starts_with(short) && !t.starts_with("--") {
        short.len()
    } else {
        return None;
    };
    // The span is the argument's own; its text starts at the same byte when unquoted.
    let start = (a.span.start + off).min(a.span.end);
    Some((&t[off..], start..a.span.end))
}

/// The byte ranges of `-v` values to mask in `line`: all of them, when any `-n` names an
/// auth key (`…auth…`, any case).
pub fn secret_values(line: &str) -> Vec<Range<usize>> {
    let args = argv(line);
    let names_auth = (0..args.len()).any(|i| {
        option_value(&args, i, "-n", "--name")
            .is_some_and(|(v, _)| v.to_ascii_lowercase().contains("auth"))
    });
    if !names_auth {
        return Vec::new();
    }
    (0..args.len())
        .filter_map(|i| option_value(&args, i, "-v", "--value"))
        .map(|(_, span)| span)
        .filter(|s| !s.is_empty())
        .collect()
}
