//! `iscsi-decode explain`.

use clap::Args;
use std::process::ExitCode;

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// What to explain.
    pub words: Vec<String>,
}

/// Runs `explain`.
pub fn run(_args: ExplainArgs) -> ExitCode {
    eprintln!("iscsi-decode explain: not implemented yet");
    ExitCode::from(2)
}
