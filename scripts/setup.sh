#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, then fetches the
# tracked kernel headers into headers/cache/ (git-ignored). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO=sudo; fi

# libclang for the bindgen cross-check; cc for the compiler oracle.
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
# `apt-get update` always: the headers' point releases come and go.
$SUDO apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# The kernel headers named in headers/manifest.toml, verified by sha256.
cargo run -q -p iscsi-codegen -- fetch

# cargo-fuzz for the fuzz targets (fuzz/, built on the nightly toolchain the machine has).
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi
