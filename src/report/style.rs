//! Colour (on a terminal, honouring `NO_COLOR`) and the escaping of control characters that
//! come from logs, so that a crafted log line cannot drive the terminal.

use std::borrow::Cow;
use std::fmt::Write as _;

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour, given whether the output is a terminal and the `NO_COLOR` value.
    pub fn enabled(self, is_terminal: bool, no_color: Option<&str>) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_terminal && no_color.is_none_or(str::is_empty),
        }
    }
}

/// ANSI styling, or none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Whether to emit escape sequences.
    pub color: bool,
}

impl Style {
    fn wrap(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    /// Bold.
    pub fn bold(self, s: &str) -> String {
        self.wrap("1", s)
    }

    /// Red (failures).
    pub fn red(self, s: &str) -> String {
        self.wrap("1;31", s)
    }

    /// Yellow (warnings).
    pub fn yellow(self, s: &str) -> String {
        self.wrap("33", s)
    }

    /// Green (recovered).
    pub fn green(self, s: &str) -> String {
        self.wrap("32", s)
    }

    /// Dim (details).
    pub fn dim(self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// `s` with control characters (C0, DEL, C1, and the bidi overrides) shown as `\xNN` or
/// `\u{NNNN}`; tabs as `\t`.
pub fn escape_control(s: &str) -> Cow<'_, str> {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\t' {
            out.push_str("\\t");
        } else if bad(c) {
            let n = c as u32;
            if n < 0x100 {
                let _ = write!(out, "\\x{n:02x}");
            } else {
                let _ = write!(out, "\\u{{{n:04x}}}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_control("plain"), "plain");
        assert_eq!(
            escape_control("a\x1b[31mb\x00\t\u{202e}"),
            "a\\x1b[31mb\\x00\\t\\u{202e}"
        );
    }

    #[test]
    fn color_choice() {
        assert!(ColorChoice::Auto.enabled(true, None));
        assert!(ColorChoice::Auto.enabled(true, Some("")));
        assert!(!ColorChoice::Auto.enabled(true, Some("1")));
        assert!(!ColorChoice::Auto.enabled(false, None));
        assert!(ColorChoice::Always.enabled(false, Some("1")));
        assert!(!ColorChoice::Never.enabled(true, None));
    }
}
