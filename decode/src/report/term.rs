//! The one way the human report reaches the terminal.
//!
//! Text in the report comes from logs: host names, portals, target names, errno texts, file
//! names, whole lines. A log line can carry escape sequences that set the window title, write
//! the clipboard (OSC 52) or make the terminal type an answer into the shell (`ESC[6n`). So
//! the report never holds bytes it wrote itself next to bytes it copied: every string goes
//! into a [`Term`], which escapes control characters in all of them, and the only escape
//! sequences a `Term` writes are its own colours ([`Paint`]).
//!
//! What is escaped: C0 controls but the newline, DEL, C1 controls, and the bidirectional
//! overrides and isolates (U+202A–U+202E, U+2066–U+2069), which reorder what is shown.
//! They are written as `\xNN` and `\u{NNNN}`, a tab as `\t`.

use std::fmt;

/// A colour or weight of the report's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// Headings.
    Bold,
    /// Failures.
    Red,
    /// Warnings.
    Yellow,
    /// Recovered.
    Green,
    /// Details.
    Dim,
}

impl Paint {
    /// The style (anstyle): its escape sequences are the only ones a report writes.
    fn style(self) -> anstyle::Style {
        use anstyle::{AnsiColor, Style};
        match self {
            Paint::Bold => Style::new().bold(),
            Paint::Red => AnsiColor::Red.on_default().bold(),
            Paint::Yellow => AnsiColor::Yellow.on_default(),
            Paint::Green => AnsiColor::Green.on_default(),
            Paint::Dim => Style::new().dimmed(),
        }
    }
}

/// Whether `c` is written escaped.
pub fn must_escape(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Appends `s` to `buf`, control characters escaped.
fn push_escaped(buf: &mut Vec<u8>, s: &str) {
    let mut rest = s;
    while let Some((i, c)) = rest.char_indices().find(|&(_, c)| must_escape(c)) {
        buf.extend_from_slice(&rest.as_bytes()[..i]);
        let n = c as u32;
        if c == '\t' {
            buf.extend_from_slice(b"\\t");
        } else if n < 0x100 {
            buf.extend_from_slice(format!("\\x{n:02x}").as_bytes());
        } else {
            buf.extend_from_slice(format!("\\u{{{n:04x}}}").as_bytes());
        }
        rest = &rest[i + c.len_utf8()..];
    }
    buf.extend_from_slice(rest.as_bytes());
}

/// Escaped terminal text being written into a byte buffer. `write!` into it escapes the
/// format string and every argument; [`Term::paint`] adds colour when enabled.
pub struct Term<'a> {
    buf: &'a mut Vec<u8>,
    color: bool,
    width: Option<usize>,
}

impl<'a> Term<'a> {
    /// Writes into `buf`, in colour when `color`.
    pub fn new(buf: &'a mut Vec<u8>, color: bool) -> Self {
        Term {
            buf,
            color,
            width: None,
        }
    }

    /// Wraps [`Term::para`] text at `width` columns (`None`: never).
    pub fn with_width(mut self, width: Option<usize>) -> Self {
        self.width = width;
        self
    }

    /// Writes `s`, escaped, as a paragraph line: `first` before it, wrapped at the width
    /// with `rest` before each continuation line, then a newline.
    pub fn para(&mut self, first: &str, rest: &str, s: &str) -> &mut Self {
        match self.width {
            Some(w) => {
                let mut out = String::new();
                let _ = crate::explain::write_wrapped(&mut out, s, first, rest, w);
                self.text(out.trim_end_matches('\n'))
            }
            None => self.text(first).text(s),
        }
        .nl()
    }

    /// Writes `s`, escaped.
    pub fn text(&mut self, s: &str) -> &mut Self {
        push_escaped(self.buf, s);
        self
    }

    /// Writes `s`, escaped, in `p` when colour is on.
    pub fn paint(&mut self, p: Paint, s: &str) -> &mut Self {
        if self.color {
            let st = p.style();
            let _ = st.write_to(self.buf);
            push_escaped(self.buf, s);
            let _ = st.write_reset_to(self.buf);
        } else {
            push_escaped(self.buf, s);
        }
        self
    }

    /// Writes `s` padded with spaces to `width` characters, in `p` when colour is on and
    /// `p` is given.
    pub fn padded(&mut self, p: Option<Paint>, s: &str, width: usize) -> &mut Self {
        let s = format!("{s:<width$}");
        match p {
            Some(p) => self.paint(p, &s),
            None => self.text(&s),
        }
    }

    /// Ends a line.
    pub fn nl(&mut self) -> &mut Self {
        self.buf.push(b'\n');
        self
    }
}

impl fmt::Write for Term<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        push_escaped(self.buf, s);
        Ok(())
    }
}

/// Renders into a fresh buffer.
pub fn render(color: bool, f: impl FnOnce(&mut Term<'_>)) -> Vec<u8> {
    let mut buf = Vec::new();
    f(&mut Term::new(&mut buf, color));
    buf
}

/// True if `out` holds a control byte other than a newline, or a C1 control, outside the
/// colour sequences the report writes itself: what a report must never contain.
pub fn has_raw_control(out: &[u8]) -> bool {
    let text = String::from_utf8_lossy(out);
    let mut rest: &str = &text;
    while let Some(i) = rest.find(must_escape) {
        let after = &rest[i..];
        // One of ours: ESC [ digits/semicolons m.
        if let Some(sgr) = after.strip_prefix("\x1b[") {
            let end = sgr
                .find(|c: char| !(c.is_ascii_digit() || c == ';'))
                .unwrap_or(sgr.len());
            if sgr[end..].starts_with('m') && end > 0 {
                rest = &sgr[end + 1..];
                continue;
            }
        }
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    fn plain(f: impl FnOnce(&mut Term<'_>)) -> String {
        String::from_utf8(render(false, f)).unwrap()
    }

    #[test]
    fn escapes_every_path() {
        let hostile = "a\x1b]52;c;cHduZWQ=\x07\x1b[6n\r\t\u{7f}\u{9b}\u{202e}z";
        let want = "a\\x1b]52;c;cHduZWQ=\\x07\\x1b[6n\\x0d\\t\\x7f\\x9b\\u{202e}z";
        assert_eq!(
            plain(|t| {
                t.text(hostile);
            }),
            want
        );
        assert_eq!(
            plain(|t| {
                t.paint(Paint::Red, hostile);
            }),
            want
        );
        assert_eq!(
            plain(|t| {
                let _ = write!(t, "[{hostile}]");
            }),
            format!("[{want}]")
        );
        assert_eq!(
            plain(|t| {
                t.text("two\nlines");
            }),
            "two\nlines"
        );
    }

    #[test]
    fn colour_is_ours_only() {
        let out = render(true, |t| {
            t.paint(Paint::Bold, "head \x1b[31m").text(" x");
        });
        assert_eq!(out, b"\x1b[1mhead \\x1b[31m\x1b[0m x");
        assert!(!has_raw_control(&out));
        assert!(has_raw_control(b"a\x1b]0;t\x07"));
        assert!(has_raw_control(b"a\x1b[6n"));
        assert!(has_raw_control("a\u{9b}6n".as_bytes()));
        assert!(has_raw_control(b"a\rb"));
        assert!(!has_raw_control(b"a\nb"));
    }
}
