//! The decoder's one error type: what stopped a run, or what cut an input short.

use super::input::InputError;
use std::{fmt, io};

/// Why a run stopped ([`Write`](Error::Write), [`Spawn`](Error::Spawn): returned by
/// [`run_files`](super::run::run_files) and the others), or why one input was skipped or cut
/// short ([`Open`](Error::Open), [`Read`](Error::Read): kept in the
/// [`Summary`](super::run::Summary), and the run goes on with the next input).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// An input could not be opened: missing, a directory, unreadable.
    Open(InputError),
    /// Reading an input failed part way (an I/O error, a corrupt gzip stream); the lines
    /// read before it were decoded.
    Read {
        /// The input's name as shown.
        input: String,
        /// Lines read (and decoded) before the error.
        lines: u64,
        /// The error.
        source: io::Error,
    },
    /// Writing the output failed (a closed pipe, a full disk).
    Write(io::Error),
    /// A decoding thread could not be started.
    Spawn(io::Error),
}

impl Error {
    /// The underlying I/O error, whatever the stage.
    pub fn io(&self) -> &io::Error {
        match self {
            Error::Open(e) => &e.error,
            Error::Read { source, .. } => source,
            Error::Write(e) | Error::Spawn(e) => e,
        }
    }

    /// Whether the output was closed by its reader (`iscsi-decode … | head`): a normal end
    /// for a command-line tool, not a failure.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Open(e) => e.fmt(f),
            Error::Read { input, source, .. } => write!(f, "{input}: read error: {source}"),
            Error::Write(e) => write!(f, "cannot write the output: {e}"),
            Error::Spawn(e) => write!(f, "cannot start a decoding thread: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.io())
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Error {
        Error::Open(e)
    }
}
