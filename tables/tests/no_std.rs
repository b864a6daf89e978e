//! A `no_std` crate builds against `iscsi-tables` with default features, and `cargo tree`
//! shows it no dependency.
//!
//! The consumer is a `#![no_std]` static library with its own `#[panic_handler]` and
//! `panic = "abort"`: if `iscsi-tables` linked `std` (or needed an allocator), the build would
//! fail with a duplicate `panic_impl` lang item (or "no global memory allocator found"). It
//! builds in its own target directory under `target/tmp/no-std`, so later runs are
//! incremental.

use std::path::{Path, PathBuf};
use std::process::Command;

const TABLES: &str = env!("CARGO_MANIFEST_DIR");

fn consumer() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-std");
    std::fs::create_dir_all(&dir).expect("create the consumer's directory");
    let manifest = format!(
        r#"[package]
name = "no-std-consumer"
version = "0.0.0"
edition = "2021"
publish = false

[lib]
path = "lib.rs"
crate-type = ["staticlib"]

[dependencies]
iscsi-tables = {{ path = "{}" }}

[profile.dev]
panic = "abort"

[workspace]
"#,
        TABLES.replace('\\', "/")
    );
    let lib = r#"#![no_std]
use iscsi_tables::explain::Space;
use iscsi_tables::iscsi_if::{IscsiConnState, IscsiErr};

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

#[no_mangle]
pub extern "C" fn iscsi_tables_agree() -> bool {
    IscsiErr::new(1022).name() == Some("ISCSI_ERR_NOP_TIMEDOUT")
        && IscsiConnState::new(3).name() == Some("ISCSI_CONN_STATE_LOGGED_IN")
        && Space::IscsiErr.reading(1022).name == Some("ISCSI_ERR_NOP_TIMEDOUT")
}
"#;
    write_if_changed(&dir.join("Cargo.toml"), &manifest);
    write_if_changed(&dir.join("lib.rs"), lib);
    dir
}

/// Rewriting an unchanged file would make every run rebuild the consumer.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).expect("write the consumer");
    }
}

fn cargo(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    assert!(
        out.status.success(),
        "cargo {}: {}\n--- stdout\n{}--- stderr\n{}",
        args.join(" "),
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn a_no_std_crate_builds_against_the_tables_and_has_no_other_dependency() {
    let dir = consumer();
    cargo(&dir, &["build", "--offline", "--quiet"]);
    let tree = cargo(
        &dir,
        &[
            "tree",
            "--offline",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ],
    );
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, ["no-std-consumer", "iscsi-tables"], "{tree}");
}
