#!/usr/bin/env bash
# Runs one cargo-fuzz target for a while: scripts/fuzz.sh TARGET SECONDS [JOBS]
#
#   TARGET   header | decoder | explain  (fuzz/fuzz_targets/)
#   SECONDS  wall time per job (libFuzzer's -max_total_time)
#   JOBS     parallel fuzzing processes sharing the corpus (default 1)
#
# FUZZ_CPU_SECONDS=N stops the fuzzer (SIGINT, a clean stop) once its process has used N
# seconds of CPU, so a budget such as "one CPU-hour per target" is met on a busy machine
# too; SECONDS then only bounds the wall time. With one job only.
#
# Needs the nightly toolchain and cargo-fuzz (installed here if missing). The seed corpus
# is made from the project's own fixtures into fuzz/corpus/TARGET (git-ignored; it grows
# as the fuzzer finds new paths, so later runs start where earlier ones stopped). A crash
# is saved under fuzz/artifacts/TARGET/ and fails the script. The CPU time spent is
# printed at the end. docs/fuzzing.md says more.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh header|decoder|explain SECONDS [JOBS]}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS [JOBS]}
jobs=${3:-1}

case "$target" in
  header | decoder | explain) ;;
  *) echo "fuzz.sh: unknown target '$target' (header, decoder, explain)" >&2; exit 2 ;;
esac

toolchains=$(rustup toolchain list)
if ! grep -q '^nightly' <<<"$toolchains"; then
  echo "fuzz.sh: the nightly toolchain is needed (rustup toolchain install nightly)" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi

corpus=fuzz/corpus/$target
mkdir -p "$corpus"
seed() { # seed NAME < content (read whole either way: the writer must not get SIGPIPE)
  if [ -e "$corpus/seed-$1" ]; then cat > /dev/null; else cat > "$corpus/seed-$1"; fi
}
case "$target" in
  header)
    for f in headers/fixtures/*.h headers/fixtures/*/*.h headers/cache/*/include/scsi/*.h; do
      [ -f "$f" ] && seed "$(echo "$f" | tr '/' '_')" < "$f"
    done
    ;;
  decoder)
    # The first byte of an input picks the options (bit 0 passthrough, 1 file member,
    # 2 colour); each fixture is seeded with two settings.
    for f in tests/fixtures/forms/*.log tests/fixtures/logs/*; do
      [ -f "$f" ] || continue
      n=$(echo "$f" | tr '/' '_')
      { printf '\000'; head -c 16384 "$f"; } | seed "$n-0"
      { printf '\007'; head -c 16384 "$f"; } | seed "$n-7"
    done
    ;;
  explain)
    # First line: flags (j = --json) or kernel=RELEASE / list=SPACE; then one word a line.
    i=0
    while IFS= read -r q; do
      i=$((i + 1))
      printf '%b' "$q" | seed "query-$i"
    done <<'QUERIES'
\n1022
j\n1022
\nnop_timedout
\nstate\n3
\nlogin\n02/03
j\nlogin\n0x0203
\niscsiadm\n8
\nopcode\n0x3f
\n8
list=
list=state
kernel=2.6.18\n1022
kernel=3.10.0-1160.el7.x86_64\nISCSI_PARAM_MAX
kernel=v6.1\nstate\n3
\n-1
\n0xffffffffffffffffffffffffffffffff
\n-170141183460469231731687303715884105728
\n1022\n1020\n02/03\nDID_NO_CONNECT
\nstate\n2\n3\n9
\nhost_byte\n0x0e
\nhostbyte=0x14
j\nKernel reported iSCSI connection 2:0 error (1020 - ISCSI_ERR_TCP_CONN_CLOSE: TCP connection closed) state (3)
\nsd\n8:0:0:0:\n[sdb]\ntag#76\nFAILED\nResult:\nhostbyte=DID_TRANSPORT_DISRUPTED\ndriverbyte=DRIVER_OK
QUERIES
    ;;
esac

before=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
start=$(date +%s)
status=0
# -timeout: an input that takes longer (wall time; FUZZ_TIMEOUT, 60 s) is a hang, reported as a
# crash. Under load, or niced beside other work, re-run such an input alone before believing it.
# -rss_limit_mb: memory must stay bounded whatever the input.
# With JOBS > 1, libFuzzer writes each job's log to fuzz-N.log here.
parallel=()
if [ "$jobs" -gt 1 ]; then parallel=(-jobs="$jobs" -workers="$jobs"); fi
cpu_budget=${FUZZ_CPU_SECONDS:-}
if [ -n "$cpu_budget" ] && [ "$jobs" -gt 1 ]; then
  echo "fuzz.sh: FUZZ_CPU_SECONDS needs JOBS = 1" >&2
  exit 2
fi
# The fuzzer's command line, as cargo-fuzz starts it: this checkout's, not another's.
bin="release/$target -artifact_prefix=$(pwd)/fuzz/artifacts/$target/"
# The fuzzer's own CPU seconds (user + system), or nothing once it has gone.
fuzzer_cpu() {
  local pid
  pid=$(pgrep -f -- "$bin" | head -n 1) || return 1
  awk -v t="$(getconf CLK_TCK)" '{print int(($14 + $15) / t)}' "/proc/$pid/stat" 2>/dev/null
}
cargo +nightly fuzz run -O "$target" "$corpus" -- \
  -max_total_time="$seconds" -timeout="${FUZZ_TIMEOUT:-60}" -rss_limit_mb=2048 -max_len=16384 \
  -print_final_stats=1 "${parallel[@]}" &
runner=$!
stopped=0
if [ -n "$cpu_budget" ]; then
  while kill -0 "$runner" 2>/dev/null; do
    used=$(fuzzer_cpu || true)
    if [ -n "$used" ] && [ "$used" -ge "$cpu_budget" ]; then
      echo "fuzz.sh: $target used $used s of CPU (budget $cpu_budget s); stopping it"
      pkill -INT -f -- "$bin" || true
      stopped=1
      break
    fi
    sleep 5
  done
fi
wait "$runner" || status=$?
# Stopped on its budget: libFuzzer exits non-zero on SIGINT; a crash would have left an
# artifact instead.
if [ "$stopped" = 1 ] && [ -z "$(ls -A "fuzz/artifacts/$target" 2>/dev/null)" ]; then status=0; fi
after=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
ticks=$(getconf CLK_TCK)
cpu=$(( (after - before) / ticks ))
echo "fuzz.sh: $target ran $(( $(date +%s) - start )) s wall, ${cpu} s CPU (children included), exit $status"
exit "$status"
