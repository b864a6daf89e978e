//! Rendering a reading for people (wrapped plain text) and for programs (one JSON object),
//! into any `core::fmt::Write`, so the library needs no allocator to print.

use super::{Reading, Space};
use core::fmt::{self, Write};

/// The wrap width of [`Reading::human`].
pub(crate) const DEFAULT_WIDTH: usize = 80;

impl Reading {
    /// The value and its name as a log reader writes them: `1022 ISCSI_ERR_NOP_TIMEDOUT`,
    /// `02/03 ISCSI_LOGIN_STATUS_TGT_NOT_FOUND`, `0x3f ISCSI_OP_REJECT`, `1099 ISCSI_ERR_???`.
    pub fn value_display(&self) -> ValueDisplay<'_> {
        ValueDisplay(self)
    }

    /// A human rendering wrapped at 80 columns (see [`write_human`]).
    pub fn human(&self) -> Human<'_> {
        Human {
            reading: self,
            width: DEFAULT_WIDTH,
        }
    }

    /// One JSON object: `{"space","value","name","text","explanation","setting"}`
    /// (`setting` only where one applies).
    pub fn json(&self) -> Json<'_> {
        Json(self)
    }
}

/// Same as [`Reading::value_display`].
impl core::fmt::Display for Reading {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        core::fmt::Display::fmt(&self.value_display(), f)
    }
}

/// The value and name of a reading, as log readers write them (see
/// [`Reading::value_display`]).
#[derive(Clone, Copy, Debug)]
pub struct ValueDisplay<'a>(pub &'a Reading);

impl fmt::Display for ValueDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        match r.space {
            Space::LoginStatus if (0..=0xffff).contains(&r.value) => {
                write!(f, "{:02x}/{:02x}", (r.value >> 8) & 0xff, r.value & 0xff)?
            }
            s if s.hex() && r.value >= 0 => write!(f, "{:#04x}", r.value)?,
            _ => write!(f, "{}", r.value)?,
        }
        match r.name {
            Some(n) => write!(f, " {n}"),
            None => write!(f, " {}???", r.space.prefix()),
        }
    }
}

/// A reading rendered for people, wrapped at a width (see [`write_human`]).
#[derive(Clone, Copy, Debug)]
pub struct Human<'a> {
    /// The reading.
    pub reading: &'a Reading,
    /// The wrap width in columns.
    pub width: usize,
}

impl fmt::Display for Human<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_human(f, self.reading, self.width)
    }
}

/// A reading rendered as one JSON object (see [`write_json`]).
#[derive(Clone, Copy, Debug)]
pub struct Json<'a>(pub &'a Reading);

impl fmt::Display for Json<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_json(f, self.0)
    }
}

/// Writes a reading for people: a heading line with space, value and name, then the
/// printing program's text, our explanation wrapped at `width`, and the setting involved.
/// Every line ends with `\n`.
///
/// ```
/// use iscsi_tables::explain::{Space, write_human};
/// let mut s = String::new();
/// write_human(&mut s, &Space::IscsiErr.reading(1022), 60).unwrap();
/// assert!(s.starts_with("iscsi_err 1022 ISCSI_ERR_NOP_TIMEDOUT\n"));
/// assert!(s.lines().all(|l| l.len() <= 60));
/// ```
pub fn write_human<W: Write + ?Sized>(out: &mut W, r: &Reading, width: usize) -> fmt::Result {
    writeln!(out, "{} {}", r.space, r.value_display())?;
    let c_name = r.space.c_name();
    if r.name.is_none() && !c_name.is_empty() {
        wrap(
            out,
            "  ",
            "  ",
            &[("not a known value of ", false), (c_name, true)],
            width,
        )?;
    }
    if !r.text.is_empty() {
        let label = r.space.text_label();
        wrap(
            out,
            "  ",
            "    ",
            &[(label, false), (": ", false), (r.text, false)],
            width,
        )?;
    }
    for para in r.explanation.split("\n\n") {
        wrap(out, "  ", "  ", &[(para, false)], width)?;
    }
    if let Some(s) = r.setting {
        wrap(
            out,
            "  ",
            "    ",
            &[("iscsid.conf: ", false), (s, false)],
            width,
        )?;
    }
    Ok(())
}

/// Writes one paragraph wrapped at `width`: `first` before the first line, `rest` before
/// the others, a `\n` after the last.
///
/// ```
/// let mut s = String::new();
/// iscsi_tables::explain::write_wrapped(&mut s, "one two three", "> ", "  ", 9).unwrap();
/// assert_eq!(s, "> one two\n  three\n");
/// ```
pub fn write_wrapped<W: Write + ?Sized>(
    out: &mut W,
    text: &str,
    first: &str,
    rest: &str,
    width: usize,
) -> fmt::Result {
    wrap(out, first, rest, &[(text, false)], width)
}

/// Writes pieces of text as words, breaking lines before `width`. Pieces join without a
/// space unless one ends or the next starts with white space; a piece marked `true` is kept
/// whole (a C name with a space in it). A word longer than a line gets a line of its own
/// rather than being cut.
fn wrap<W: Write + ?Sized>(
    out: &mut W,
    first: &str,
    rest: &str,
    pieces: &[(&str, bool)],
    width: usize,
) -> fmt::Result {
    let mut line = Line {
        col: 0,
        started: false,
        space: false,
        rest,
        width,
    };
    out.write_str(first)?;
    line.col = first.len();
    for &(piece, whole) in pieces {
        if piece.starts_with(char::is_whitespace) {
            line.space = true;
        }
        if whole {
            line.word(out, piece)?;
        } else {
            for word in piece.split_whitespace() {
                line.word(out, word)?;
                line.space = true;
            }
        }
        line.space = piece.ends_with(char::is_whitespace);
    }
    out.write_char('\n')
}

/// The state of one wrapped paragraph.
struct Line<'a> {
    col: usize,
    started: bool,
    space: bool,
    rest: &'a str,
    width: usize,
}

impl Line<'_> {
    fn word<W: Write + ?Sized>(&mut self, out: &mut W, word: &str) -> fmt::Result {
        let len = word.chars().count();
        if self.started && self.space {
            if self.col + 1 + len > self.width {
                out.write_char('\n')?;
                out.write_str(self.rest)?;
                self.col = self.rest.len();
            } else {
                out.write_char(' ')?;
                self.col += 1;
            }
        }
        self.started = true;
        self.space = false;
        out.write_str(word)?;
        self.col += len;
        Ok(())
    }
}

/// Writes a reading as one JSON object on one line:
/// `{"space":…,"value":…,"name":…,"text":…,"explanation":…}` plus `"setting"` where one
/// applies. Absent means absent: `name` is left out for an unknown value, `text` when the
/// value has none.
///
/// ```
/// use iscsi_tables::explain::{Space, write_json};
/// let mut s = String::new();
/// write_json(&mut s, &Space::ConnState.reading(3)).unwrap();
/// assert!(s.starts_with(r#"{"space":"conn_state","value":3,"name":"ISCSI_CONN_STATE_LOGGED_IN""#));
/// ```
pub fn write_json<W: Write + ?Sized>(out: &mut W, r: &Reading) -> fmt::Result {
    out.write_str("{\"space\":")?;
    write_json_string(out, r.space.as_str())?;
    write!(out, ",\"value\":{}", r.value)?;
    // Absent means absent: no `null` name, no empty text.
    if let Some(n) = r.name {
        out.write_str(",\"name\":")?;
        write_json_string(out, n)?;
    }
    if !r.text.is_empty() {
        out.write_str(",\"text\":")?;
        write_json_string(out, r.text)?;
    }
    out.write_str(",\"explanation\":")?;
    write_json_string(out, r.explanation)?;
    if let Some(s) = r.setting {
        out.write_str(",\"setting\":")?;
        write_json_string(out, s)?;
    }
    out.write_char('}')
}

/// Writes a JSON string literal, escaping quotes, backslashes and control characters.
///
/// ```
/// let mut s = String::new();
/// iscsi_tables::explain::write_json_string(&mut s, "a \"b\"\n").unwrap();
/// assert_eq!(s, r#""a \"b\"\n""#);
/// ```
pub fn write_json_string<W: Write + ?Sized>(out: &mut W, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            '\n' => out.write_str("\\n")?,
            '\t' => out.write_str("\\t")?,
            '\r' => out.write_str("\\r")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}
