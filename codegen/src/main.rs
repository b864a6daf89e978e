//! The `iscsi-codegen` command line: fetch, generate, check, dump.

fn main() {
    eprintln!("iscsi-codegen: not built yet");
    std::process::exit(2);
}
