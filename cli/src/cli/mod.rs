//! The command line: one subcommand per job, each in its own module.

pub mod decode;
pub mod explain;
mod kernel_check;
mod live;
mod wording_check;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Explain iSCSI codes and decode iSCSI logs.
#[derive(Debug, Parser)]
#[command(name = "iscsi-decode", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explain a code, a state, a login status or a name.
    Explain(explain::ExplainArgs),
    /// Decode iSCSI log lines into events and incidents.
    Decode(decode::DecodeArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Explain(a) => explain::run(a),
        Command::Decode(a) => decode::run(a),
    }
}
