//! `iscsi-decode`: explain iSCSI codes and decode iSCSI logs.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    cli::run(cli::Cli::parse())
}
