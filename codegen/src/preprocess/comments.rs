//! Comments: found once, recorded with their positions and cleaned text (the model's
//! docs and sections come from them), and blanked length-preserving so every later
//! stage, lang-c included, reports offsets that are offsets into the original file.

use super::source_map::LineIndex;

/// One comment of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte offset of the opening `/*` or `//`.
    pub start: usize,
    /// Byte offset just past the closing `*/` (or the end of the line comment).
    pub end: usize,
    /// 1-based line of the opening.
    pub line: u32,
    /// 1-based line of the closing.
    pub end_line: u32,
    /// `true` when only whitespace precedes the comment on its first line.
    pub own_line: bool,
    /// `true` for a `//` comment.
    pub line_comment: bool,
    /// The text without `/*`, `*/`, `//` and leading `*`, lines trimmed, blank
    /// lines at either end dropped, runs of blank lines collapsed to one.
    pub text: String,
}

/// The file with its comments blanked, and the comments.
#[derive(Debug, Clone)]
pub struct Stripped {
    /// The file text, every comment byte but `\n` replaced by a space.
    pub text: String,
    /// The comments in file order.
    pub comments: Vec<Comment>,
}

/// Finds and blanks the comments of `src`. String and character literals are
/// skipped (a `/*` inside quotes is not a comment); a literal left open at the end
/// of a line ends there, as in the inactive text gcc tolerates (`#error don't`).
/// Errors with the byte offset of an unterminated block comment.
pub fn strip(src: &str, lines: &LineIndex) -> Result<Stripped, usize> {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let mut comments = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let next = b.get(i + 1).copied();
        match (c, next) {
            (b'/', Some(b'*')) => {
                let end = match find(b, i + 2, b"*/") {
                    Some(e) => e + 2,
                    None => return Err(i),
                };
                comments.push(record(src, b, lines, i, end, true));
                blank(&mut out, i, end);
                i = end;
            }
            (b'/', Some(b'/')) => {
                let mut end = i + 2;
                while let Some(&x) = b.get(end) {
                    if x == b'\n' && !spliced(b, end) {
                        break;
                    }
                    end += 1;
                }
                comments.push(record(src, b, lines, i, end, false));
                blank(&mut out, i, end);
                i = end;
            }
            (b'"' | b'\'', _) => {
                i += 1;
                while let Some(&x) = b.get(i) {
                    match x {
                        b'\\' => i += 2,
                        b'\n' => break,
                        _ if x == c => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
            }
            _ => i += 1,
        }
    }
    // Only ASCII bytes of whole comments were replaced by ASCII spaces, so the
    // bytes are still UTF-8; the fallback keeps this function panic-free anyway.
    let text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok(Stripped { text, comments })
}

/// `true` when the newline at `nl` is preceded by a backslash (a line splice).
fn spliced(b: &[u8], nl: usize) -> bool {
    let before = b.get(..nl).unwrap_or_default();
    before.ends_with(b"\\") || before.ends_with(b"\\\r")
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn blank(out: &mut [u8], start: usize, end: usize) {
    for x in out.iter_mut().take(end).skip(start) {
        if *x != b'\n' {
            *x = b' ';
        }
    }
}

fn record(
    src: &str,
    b: &[u8],
    lines: &LineIndex,
    start: usize,
    end: usize,
    block: bool,
) -> Comment {
    let (line, _) = lines.locate(start);
    let (end_line, _) = lines.locate(end.saturating_sub(1).max(start));
    let line_start = lines.line_start(line);
    let own_line = b
        .get(line_start..start)
        .is_some_and(|s| s.iter().all(|x| x.is_ascii_whitespace()));
    let raw = src.get(start..end).unwrap_or_default();
    let inner = if block {
        raw.get(2..raw.len().saturating_sub(2)).unwrap_or_default()
    } else {
        raw.get(2..).unwrap_or_default()
    };
    Comment {
        start,
        end,
        line,
        end_line,
        own_line,
        line_comment: !block,
        text: clean(inner, !block),
    }
}

/// Cleans a comment's inside: per line, trims, drops leading and trailing runs
/// of `*` (box-drawn banners) and, in a `//` comment, a line-splice backslash.
pub fn clean(inner: &str, line_comment: bool) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for raw in inner.lines() {
        let l = raw.trim();
        let l = l.trim_start_matches('*').trim_start();
        let l = if line_comment {
            l.trim_end_matches('\\').trim_end()
        } else {
            l
        };
        let l = l.trim_end_matches('*').trim_end();
        if l.is_empty() && lines.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_and_records() {
        let src = "a /* x */ b\n/*\n * two\n *\n *\n * lines\n */\nc // d \"\ne '/*' \"/*\"\n";
        let li = LineIndex::new(src);
        let s = strip(src, &li).unwrap_or_else(|_| Stripped {
            text: String::new(),
            comments: vec![],
        });
        assert_eq!(s.text.len(), src.len());
        assert_eq!(s.comments.len(), 3);
        assert_eq!(s.comments[0].text, "x");
        assert!(!s.comments[0].own_line);
        assert_eq!(s.comments[1].text, "two\n\nlines");
        assert!(s.comments[1].own_line);
        assert_eq!((s.comments[1].line, s.comments[1].end_line), (2, 7));
        assert_eq!(s.comments[2].text, "d \"");
        assert!(s.text.contains("e '/*' \"/*\""));
    }

    #[test]
    fn unterminated() {
        let src = "x\n /* open";
        assert_eq!(strip(src, &LineIndex::new(src)).err(), Some(3));
        assert_eq!(clean("***** RFC 3720 Begin *****", false), "RFC 3720 Begin");
        assert_eq!(clean(" a \\ ", false), "a \\");
        assert_eq!(clean(" a \\", true), "a");
    }
}
