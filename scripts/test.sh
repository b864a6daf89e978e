#!/usr/bin/env bash
# The whole test suite: formatting, lints, every test (with the bindgen front end),
# the no_std/zero-dependency build of the library, and the generated/ freshness check.
# Run scripts/setup.sh once first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, bindgen front end on)"
cargo clippy --workspace --all-targets --features iscsi-codegen/bindgen -- -D warnings

step "library without default features (no third-party dependencies, no_std)"
cargo clippy -p iscsi-decode --lib --no-default-features -- -D warnings

step "cargo test (workspace, bindgen front end on)"
cargo test --workspace --features iscsi-codegen/bindgen

step "generated/ is fresh (offline, from headers/extracted/)"
cargo run -q -p iscsi-codegen -- check

step "headers/extracted/ matches the Debian headers, re-extracted"
cargo run -q -p iscsi-codegen -- check --reextract
