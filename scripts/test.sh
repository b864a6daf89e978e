#!/usr/bin/env bash
# The whole test suite: formatting, lints, every test (with the bindgen front end),
# the no_std/zero-dependency build of iscsi-tables, and the tables/generated/ freshness check.
# Run scripts/setup.sh once first on a fresh machine. FUZZ_SECONDS sets the time per fuzz
# target (60).
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "no module import cycles; top-level modules depend down the data path (scripts/module-cycles.py)"
python3 scripts/module-cycles.py --self-test
# --order lists each library's top-level modules lowest first (README: "the data path";
# codegen/src/lib.rs): a module may import only modules listed before it.
python3 scripts/module-cycles.py \
  --order iscsi_tables=core,iscsi_if,iscsi_proto,explain \
  --order iscsi_decode=decode,report,query,tests \
  --order iscsi_codegen=error,version,model,source,bindgen_frontend,preprocess,parse,extract,messages,rust_name,families,emit,store,diff,history,pipeline

step "cargo clippy (all targets, bindgen front end on)"
cargo clippy --workspace --all-targets --features iscsi-codegen/bindgen -- -D warnings

step "iscsi-tables, and the decoder library without default features (no third-party dependencies, no_std)"
cargo clippy -p iscsi-tables --lib -- -D warnings
cargo clippy -p iscsi-tables --lib --features std,serde -- -D warnings
cargo clippy -p iscsi-decode --lib --no-default-features -- -D warnings

step "cargo doc: no broken or private intra-doc link (RUSTDOCFLAGS=-D warnings)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps

step "cargo package: the three published crates package and their packaged sources build"
# iscsi-tables alone first: it must verify with no other crate published (issue 15).
# Verifying several packages builds them from a local registry of the packaged crates, and
# cargo takes a registry package's name and version to mean fixed contents: both its unpacked
# sources (in $CARGO_HOME/registry/src) and its build (in the target directory) would be
# reused from an earlier run, changes or not. So the verification gets a fresh target
# directory, and our own unpublished packages leave the source cache first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/iscsi-{tables,decode,decode-cli}-[0-9]*
verify_target=target/package-verify
rm -rf "$verify_target"
CARGO_TARGET_DIR=$verify_target cargo package -p iscsi-tables --allow-dirty
CARGO_TARGET_DIR=$verify_target cargo package -p iscsi-tables -p iscsi-decode -p iscsi-decode-cli --allow-dirty
rm -rf "$verify_target"

step "cargo test (workspace, bindgen front end on)"
# The tests that compare against ../shared (corpus, corpus-labelled, history, the message
# catalog) are #[ignore]d so that a plain `cargo test` lists them as ignored instead of
# passing having compared nothing, and run here when the directory is there.
shared=${SHARED_DIR:-../shared}
if [ -d "$shared/corpus" ] && [ -d "$shared/corpus-labelled" ] && [ -d "$shared/history" ]; then
  cargo test --workspace --features iscsi-codegen/bindgen -- --include-ignored
else
  echo "SKIPPED: the 6 tests that need $shared (corpus, corpus-labelled, history, the message catalog twice, its formats decoded): it is absent"
  cargo test --workspace --features iscsi-codegen/bindgen
fi

step "tables/generated/ and decode/generated/messages.rs are fresh (offline, from headers/)"
cargo run -q -p iscsi-codegen -- check
cargo run -q -p iscsi-codegen -- messages generate --check

step "headers/extracted/ matches the Debian headers, re-extracted"
cargo run -q -p iscsi-codegen -- check --reextract

step "headers/messages/kernel-*.json match the Debian kernel sources, re-extracted (apt-get download)"
cargo run -q -p iscsi-codegen -- messages check --reextract

step "fuzz targets, 60 s each (scripts/fuzz.sh; docs/fuzzing.md)"
if grep -q '^nightly' <<<"$(rustup toolchain list)"; then
  for t in header decoder explain; do
    log=$(mktemp)
    rc=0
    bash scripts/fuzz.sh "$t" "${FUZZ_SECONDS:-60}" > "$log" 2>&1 || rc=$?
    grep -E '^(Done|stat::peak_rss|fuzz\.sh:)' "$log" || true
    if [ "$rc" -ne 0 ]; then
      tail -60 "$log"
      echo "fuzz target $t failed (exit $rc; the input is under fuzz/artifacts/$t/)"
      exit 1
    fi
    rm -f "$log"
  done
else
  echo "SKIPPED: no nightly toolchain on this machine; the fuzz targets did not run"
fi
