#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, then fetches the
# tracked kernel headers into headers/cache/ (git-ignored). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."

# What it needs: Debian (or a derivative) with apt-get, root or sudo, the network (the
# Debian package registry and crates.io), and a Rust toolchain with cargo.
fail() { printf 'scripts/setup.sh: %s\n' "$*" >&2; exit 1; }
command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  fail "needs Debian or a derivative (apt-get and dpkg); elsewhere install libclang, a C compiler and cargo-fuzz by hand, then run scripts/test.sh"
command -v cargo >/dev/null || fail "needs a Rust toolchain (cargo): see https://rustup.rs"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || fail "needs root or sudo to install Debian packages with apt-get"
  SUDO=sudo
fi

# libclang for the bindgen cross-check; cc for the compiler oracle.
need=()
dpkg -s libclang-dev >/dev/null 2>&1 || need+=(libclang-dev)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
# xz for `messages check --reextract`, which unpacks the kernel source tarballs with tar -xJ.
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
# The log engines of the pipeline tests (docs/pipelines.md): systemd-journal-remote and
# journalctl, rsyslog.
[ -x /lib/systemd/systemd-journal-remote ] || need+=(systemd-journal-remote)
command -v rsyslogd >/dev/null 2>&1 || need+=(rsyslog)
# promtool (Debian's prometheus package) validates `decode --metrics-file` output
# (cli/tests/filters.rs).
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# The tzdb, for the daylight-saving tests of `--timezone` (decode/src/decode/zone.rs,
# cli/tests/decode_cli.rs; skipped, visibly, without it).
[ -e /usr/share/zoneinfo/Europe/Berlin ] || need+=(tzdata)
# `apt-get update` always: the headers' point releases come and go.
$SUDO apt-get update -qq
if [ ${#need[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# syslog-ng, for cli/tests/pipeline_syslogng.rs. Debian's syslog-ng-core and rsyslog conflict
# (each is the system's log daemon), so where syslog-ng is not installed, its package is
# unpacked into .cache/syslog-ng-core/ (git-ignored), which the test runs it from, and the
# libraries it depends on are installed as usual.
sng=.cache/syslog-ng-core
if ! command -v syslog-ng >/dev/null 2>&1; then
  if [ ! -x "$sng/usr/sbin/syslog-ng" ] || [ ! -f "$sng/DEBIAN/control" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -qq -o APT::Sandbox::User="$(id -un)" syslog-ng-core)
    rm -rf "$sng"
    mkdir -p "$sng"
    dpkg-deb -x "$tmp"/syslog-ng-core_*.deb "$sng"
    dpkg-deb -e "$tmp"/syslog-ng-core_*.deb "$sng/DEBIAN"
    rm -rf "$tmp"
  fi
  deps=()
  for d in $(sed -n 's/^Depends: //p' "$sng/DEBIAN/control" | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/ //g'); do
    dpkg -s "$d" >/dev/null 2>&1 || deps+=("$d")
  done
  if [ ${#deps[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${deps[@]}"
  fi
fi

# The kernel headers named in headers/manifest.toml, verified by sha256.
cargo run -q -p iscsi-codegen -- fetch

# cargo-fuzz for the fuzz targets (fuzz/, built on the nightly toolchain the machine has).
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --quiet
fi

echo "scripts/setup.sh: done. Next: scripts/test.sh (the whole suite), or"
echo "  cargo run --release -- decode tests/fixtures/logs/syslog-nop-timeout-recovered.log"
