//! `iscsi-decode decode`.

use clap::Args;
use std::process::ExitCode;

/// Arguments of `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// Log files to read (`-` for standard input).
    pub files: Vec<String>,
}

/// Runs `decode`.
pub fn run(_args: DecodeArgs) -> ExitCode {
    eprintln!("iscsi-decode decode: not implemented yet");
    ExitCode::from(2)
}
