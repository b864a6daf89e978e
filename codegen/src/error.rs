//! The generator's one error type. Every failure names the file, the 1-based line and
//! column, what was expected and the offending text, so a maintainer can jump to it.

use std::fmt;
use std::path::PathBuf;

/// A generator failure. The generator may stop loudly; it never panics on input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault (a header, the family spec, the manifest), if any.
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: u32,
    /// 1-based column, 0 when unknown.
    pub column: u32,
    /// What went wrong and what was expected.
    pub message: String,
    /// The offending text, shortened and with control characters escaped.
    pub snippet: Option<String>,
}

/// The generator's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with no position (I/O, command-line, network).
    pub fn msg(message: impl Into<String>) -> Self {
        Error {
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            snippet: None,
        }
    }

    /// An error at a 1-based position in `file`.
    pub fn at(
        file: impl Into<PathBuf>,
        line: u32,
        column: u32,
        message: impl Into<String>,
    ) -> Self {
        Error {
            file: Some(file.into()),
            line,
            column,
            message: message.into(),
            snippet: None,
        }
    }

    /// Attaches the offending text (shortened to 80 chars, control characters escaped).
    pub fn with_snippet(mut self, text: &str) -> Self {
        let mut s: String = text
            .chars()
            .take(80)
            .flat_map(char::escape_default)
            .collect();
        if text.chars().count() > 80 {
            s.push('…');
        }
        self.snippet = Some(s);
        self
    }

    /// Sets the file when the error was raised without one.
    pub fn in_file(mut self, file: impl Into<PathBuf>) -> Self {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(p), 0) => write!(f, "{}: ", p.display())?,
            (Some(p), l) => write!(f, "{}:{}:{}: ", p.display(), l, self.column.max(1))?,
            (None, _) => {}
        }
        f.write_str(&self.message)?;
        if let Some(s) = &self.snippet {
            write!(f, "\n    | {s}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::msg(e.to_string())
    }
}
