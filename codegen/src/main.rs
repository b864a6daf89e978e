//! The `iscsi-codegen` command line: fetch, generate, check, dump. See
//! `headers/README.md` for the workflow.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
