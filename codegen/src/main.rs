//! The `iscsi-codegen` command line: fetch, extract, history, generate, check, diff,
//! dump. See `headers/README.md` and `docs/releases.md` for the workflow.

mod cli;

fn main() {
    std::process::exit(cli::run());
}
