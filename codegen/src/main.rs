//! The `iscsi-codegen` command line: fetch, extract, history, generate, check, diff,
//! dump. See `headers/README.md` and `docs/releases.md` for the workflow.

mod cli;

/// The generator allocates many small token trees; mimalloc (the CLI's allocator too)
/// serves them faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(cli::run());
}
