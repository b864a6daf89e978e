//! The command line: one subcommand per job, each in its own module.

pub mod decode;
pub mod explain;
pub mod filter;
mod filter_sink;
mod kernel_check;
mod live;
mod meta;
pub mod window;
mod wording_check;

#[cfg(test)]
mod forwarding_tests;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;

pub use decode::ColorArg;

/// Explain iSCSI codes and decode iSCSI logs.
#[derive(Debug, Parser)]
#[command(name = "iscsi-decode", version = meta::version(), about)]
pub struct Cli {
    /// Colour the output: `auto` colours a terminal unless NO_COLOR is set, CLICOLOR=0 or
    /// TERM=dumb (CLICOLOR_FORCE colours any output).
    #[arg(long, value_enum, default_value = "auto", global = true)]
    pub color: ColorArg,
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
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(meta::CompletionsArgs),
    /// Print the manual page (roff) of the command or of one subcommand.
    Man(meta::ManArgs),
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Explain(a) => explain::run(a),
        Command::Decode(a) => decode::run(a, cli.color),
        Command::Completions(a) => meta::completions(&a, Cli::command()),
        Command::Man(a) => meta::man(&a, Cli::command()),
    }
}
