#!/usr/bin/env bash
# bench/decode.sh: throughput of `iscsi-decode decode --json` against grep, ripgrep and wc -l
# on generated logs (see docs/bench.md).
#
#   bench/decode.sh                 # everything, default sizes
#   RUNS=3 BENCH_DIR=/var/tmp/b bench/decode.sh
#
# Environment:
#   BENCH_DIR         where the generated logs and outputs live (never inside the repo) [/tmp/iscsi-bench]
#   RUNS              timed runs per command (after one warm-up) [5]
#   SIZE_MAIN         the noise-dominated log (loggen's default noise mix) [1G]
#   SIZE_CHATTER      the noise-dominated log of heavy session chatter (--noise-mix chatter) [1G]
#   SIZE_BIG          the log used for peak RSS [2G]
#   SIZE_ISCSI        the iSCSI-only log [1G]
#   CARGO_TARGET_DIR  cargo's target dir [<repo>/target]
#   NO_INSTALL=1      never apt-get install missing tools
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/iscsi-bench}
RUNS=${RUNS:-5}
SIZE_MAIN=${SIZE_MAIN:-1G}
SIZE_CHATTER=${SIZE_CHATTER:-1G}
SIZE_BIG=${SIZE_BIG:-2G}
SIZE_ISCSI=${SIZE_ISCSI:-1G}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
PATTERN='iscsi|connection[0-9]|session[0-9]|rejecting I/O'

case "$BENCH_DIR" in
"$ROOT" | "$ROOT"/*) echo "BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$BENCH_DIR/out"

log() { printf '== %s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------------------
apt_install() { # apt_install PACKAGE: install when allowed and possible
    [ "${NO_INSTALL:-0}" = 1 ] && return 1
    command -v apt-get >/dev/null || return 1
    local sudo=""
    [ "$(id -u)" -ne 0 ] && { command -v sudo >/dev/null || return 1; sudo="sudo -n"; }
    log "installing $1"
    $sudo apt-get install -y -qq "$1" >/dev/null 2>&1 ||
        { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq "$1" >/dev/null 2>&1; }
}
command -v rg >/dev/null || apt_install ripgrep || true
command -v hyperfine >/dev/null || apt_install hyperfine || true
[ -x /usr/bin/time ] || apt_install time || true
HAVE_RG=$(command -v rg >/dev/null && echo 1 || echo 0)
HAVE_HF=$(command -v hyperfine >/dev/null && echo 1 || echo 0)
HAVE_TIME=$([ -x /usr/bin/time ] && echo 1 || echo 0)
[ "$HAVE_RG" = 1 ] || log "ripgrep not available: its rows are skipped"
[ "$HAVE_HF" = 1 ] || log "hyperfine not available: timing with a shell loop instead"

# --- binaries -------------------------------------------------------------------------------
log "building release binaries (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$ROOT" && cargo build --release -q -p iscsi-loggen --bin iscsi-loggen)
LOGGEN=$CARGO_TARGET_DIR/release/iscsi-loggen
DECODE=$CARGO_TARGET_DIR/release/iscsi-decode
HAVE_DECODE=0
if (cd "$ROOT" && cargo build --release -q -p iscsi-decode-cli --bin iscsi-decode) 2>"$BENCH_DIR/out/decode-build.err"; then
    probe=$BENCH_DIR/out/probe.log
    "$LOGGEN" -q --size 64K --seed 9 --incident-rate 50 -o "$probe"
    if "$DECODE" decode --json "$probe" >"$BENCH_DIR/out/probe.out" 2>"$BENCH_DIR/out/probe.err" &&
        tail -n 1 "$BENCH_DIR/out/probe.out" | grep -q '"type":"summary"'; then
        HAVE_DECODE=1
    else
        log "iscsi-decode decode --json does not work yet ($(head -c 200 "$BENCH_DIR/out/probe.err")): decoder rows skipped"
    fi
else
    log "iscsi-decode does not build (see $BENCH_DIR/out/decode-build.err): decoder rows skipped"
fi

# --- logs (cached; the name carries the generator's tree hash, so a new generator regenerates) --
GEN_ID=$(cd "$ROOT" && git rev-parse --short=10 HEAD:loggen 2>/dev/null || echo dev)
gen_log() { # gen_log NAME ARGS... -> prints the path
    local name=$1; shift
    local f="$BENCH_DIR/$name-$GEN_ID.log"
    if [ ! -s "$f" ]; then
        log "generating $f"
        "$LOGGEN" "$@" -o "$f.tmp" --truth "${f%.log}.truth.json"
        mv "$f.tmp" "$f"
    fi
    echo "$f"
}
MAIN=$(gen_log "syslog-$SIZE_MAIN" --size "$SIZE_MAIN" --seed 1 --format syslog --hosts 8)
CHATTER=$(gen_log "chatter-$SIZE_CHATTER" --size "$SIZE_CHATTER" --seed 4 --format syslog --hosts 8 --noise-mix chatter)
BIG=$(gen_log "syslog-$SIZE_BIG" --size "$SIZE_BIG" --seed 2 --format syslog --hosts 16)
ISCSI=$(gen_log "iscsi-only-$SIZE_ISCSI" --size "$SIZE_ISCSI" --seed 3 --format syslog --only-iscsi)

bytes() { stat -c %s "$1"; }
lines_of() { # cached wc -l
    local c="${1%.log}.lines"
    [ -s "$c" ] || wc -l <"$1" >"$c"
    cat "$c"
}
warm() { cat "$1" >/dev/null; }

# --- timing ---------------------------------------------------------------------------------
# time_cmd LABEL CMD [OUT]: median wall seconds of RUNS runs after a warm-up. Every command
# writes its output to a file: GNU grep stops at the first match when its output is /dev/null.
# OUT, the file CMD writes, is removed before each run (untimed): otherwise every run would
# pay for dropping the last run's output from the page cache when the shell truncates it
# (about 0.5 s for the 4.4 GB of NDJSON of the iSCSI-only log).
time_cmd() {
    local label=$1 cmd=$2 out=${3:-}
    local prep="rm -f '$out'"
    [ -n "$out" ] || prep=true
    if [ "$HAVE_HF" = 1 ]; then
        hyperfine --style none --warmup 1 --runs "$RUNS" --shell bash --prepare "$prep" \
            --export-json "$BENCH_DIR/out/$label.json" "$cmd" >/dev/null 2>"$BENCH_DIR/out/$label.hf.err" ||
            { cat "$BENCH_DIR/out/$label.hf.err" >&2; echo nan; return; }
        # "median": <float> in hyperfine's JSON
        grep -o '"median": *[0-9.e+-]*' "$BENCH_DIR/out/$label.json" | head -n 1 | sed 's/.*: *//'
    else
        bash -c "$cmd" || true
        local ts=() i s e
        for ((i = 0; i < RUNS; i++)); do
            bash -c "$prep"
            s=$(date +%s.%N)
            bash -c "$cmd" || true
            e=$(date +%s.%N)
            ts+=("$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.6f", b - a }')")
        done
        printf '%s\n' "${ts[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
    fi
}

gbps() { awk -v b="$1" -v s="$2" 'BEGIN { if (s+0 > 0) printf "%.2f", b/1e9/s; else print "n/a" }'; }
mlps() { awk -v l="$1" -v s="$2" 'BEGIN { if (s+0 > 0) printf "%.2f", l/1e6/s; else print "n/a" }'; }

# summary_note OUT: the decoder's own totals (first occurrence of each: hosts repeat the keys)
summary_note() {
    local last k v parts=()
    last=$(tail -n 1 "$1")
    for k in recognised unattributed_scsi incidents; do
        v=$(grep -o "\"$k\":[0-9]*" <<<"$last" | head -n 1 | cut -d: -f2)
        parts+=("$k $v")
    done
    echo "${parts[*]}"
}

# truth_note LOG OUT: how many planted incidents the decoder found with the right host, sid,
# cause and outcome (needs python3; matched by first line, like cli/tests/ground_truth.rs).
truth_note() {
    local truth="${1%.log}.truth.json"
    command -v python3 >/dev/null && [ -s "$truth" ] || { echo "truth not checked"; return; }
    python3 - "$truth" "$2" <<'PY'
import json, sys
truth = json.load(open(sys.argv[1]))
found = {}
with open(sys.argv[2]) as f:
    for line in f:
        if line.startswith('{"type":"incident"'):
            r = json.loads(line)
            found[r["lines"][0]] = r
ok = 0
for t in truth["incidents"]:
    r = found.get(t["start"]["line"])
    if r and r.get("host") == t["host"] and r.get("sid") == t["sid"] \
            and r["cause"].get("code") == t["cause"]["code"] and r["outcome"] == t["outcome"]:
        ok += 1
lf = sum(1 for t in truth["login_failures"] if t["line"]["line"] in found)
print(f"truth: {ok}/{len(truth['incidents'])} incidents and {lf}/{len(truth['login_failures'])} login failures found; decoder reported {len(found)}")
PY
}

ROWS=()
declare -A SECS # SECS[TAG/TOOL]: the median of a row, for the ratios under the table
# row COMMAND LOG SECONDS GBPS MLPS NOTE (pipes in the command are escaped for Markdown)
row() {
    local c=${1//|/\\|} s=$3
    [[ $s =~ ^[0-9.]+$ ]] && s=$(printf '%.3f' "$s")
    ROWS+=("$(printf '| `%s` | %s | %s | %s | %s | %s |' "$c" "$2" "$s" "$4" "$5" "$6")")
}

bench_file() { # bench_file TAG FILE TOOLS...
    local tag=$1 f=$2; shift 2
    local b l out t
    b=$(bytes "$f")
    l=$(lines_of "$f")
    warm "$f"
    for tool in "$@"; do
        out="$BENCH_DIR/out/$tag-$tool.out"
        case $tool in
        decode) [ "$HAVE_DECODE" = 1 ] || { row "iscsi-decode decode --json" "$tag" skipped - - "decoder not available"; continue; }
            cmd="'$DECODE' decode --json '$f' > '$out'" ;;
        devnull) # the decoder's own cost: the same run with the NDJSON thrown away
            [ "$HAVE_DECODE" = 1 ] || continue
            cmd="'$DECODE' decode --json '$f' > /dev/null" ;;
        human) [ "$HAVE_DECODE" = 1 ] || continue
            cmd="'$DECODE' decode '$f' > '$out'" ;;
        writefloor) # the cost of writing the decoder's NDJSON alone: the same bytes, copied
            [ -s "$BENCH_DIR/out/$tag-decode.out" ] || continue
            cmd="cat '$BENCH_DIR/out/$tag-decode.out' > '$out'" ;;
        grep) cmd="LC_ALL=C grep -c -E '$PATTERN' '$f' > '$out'" ;;
        rg) [ "$HAVE_RG" = 1 ] || continue
            cmd="rg --no-mmap -c '$PATTERN' '$f' > '$out'" ;;
        wc) cmd="wc -l '$f' > '$out'" ;;
        esac
        log "timing $tool on $tag"
        t=$(time_cmd "$tag-$tool" "$cmd" "$out")
        SECS[$tag/$tool]=$t
        local note=""
        case $tool in
        decode) note="$(summary_note "$out"); $(truth_note "$f" "$out"); $(bytes "$out") bytes out" ;;
        human) note="the human report (no per-line events): $(bytes "$out") bytes out" ;;
        devnull) note="the --json run with its output discarded: decoding and rendering without the page cache's cost" ;;
        writefloor) note="copying the decoder's $(bytes "$out") bytes of NDJSON into a file, no decoding: a floor for the --json row" ;;
        grep | rg) note="matches: $(tail -c 40 "$out" | tr -d '\n')" ;;
        esac
        row "$(echo "$cmd" | sed "s#'$DECODE'#iscsi-decode#; s#'$f'#FILE#; s#> '$out'#> OUT#; s#'$BENCH_DIR/out/$tag-decode.out'#DECODE_OUT#")" "$tag" "$t" "$(gbps "$b" "$t")" "$(mlps "$l" "$t")" "$note"
    done
}

bench_file "main-$SIZE_MAIN" "$MAIN" decode grep rg wc
bench_file "chatter-$SIZE_CHATTER" "$CHATTER" decode grep rg wc
bench_file "iscsi-$SIZE_ISCSI" "$ISCSI" decode devnull human writefloor grep rg wc
bench_file "big-$SIZE_BIG" "$BIG" decode wc

RSS="skipped (decoder not available)"
if [ "$HAVE_DECODE" = 1 ] && [ "$HAVE_TIME" = 1 ]; then
    log "peak RSS of the decoder on $BIG"
    warm "$BIG"
    /usr/bin/time -v -o "$BENCH_DIR/out/rss.txt" "$DECODE" decode --json "$BIG" >"$BENCH_DIR/out/rss.out"
    kb=$(awk -F: '/Maximum resident set size/ {gsub(/ /, "", $2); print $2}' "$BENCH_DIR/out/rss.txt")
    RSS="$((kb / 1024)) MiB ($kb KiB max resident, /usr/bin/time -v)"
fi

{
    echo "## iscsi-decode benchmark $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "- host: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, $(uname -sr)"
    echo "- tools: $(grep --version | sed -n 1p); $([ "$HAVE_RG" = 1 ] && rg --version | sed -n 1p); $([ "$HAVE_HF" = 1 ] && hyperfine --version)"
    echo "- commit: $(cd "$ROOT" && git rev-parse --short HEAD); generator tree $GEN_ID; median of $RUNS runs after 1 warm-up, page cache warm"
    for f in "$MAIN" "$CHATTER" "$BIG" "$ISCSI"; do
        echo "- $(basename "$f"): $(bytes "$f") bytes, $(lines_of "$f") lines"
    done
    echo
    echo "| command | log | median s | GB/s | Mlines/s | notes |"
    echo "|---|---|---:|---:|---:|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "Decoder / rg, median wall time of \`iscsi-decode decode --json FILE > OUT\` over \`rg --no-mmap -c ... FILE > OUT\` (target: at most 1.00):"
    echo
    for tag in "main-$SIZE_MAIN" "chatter-$SIZE_CHATTER"; do
        d=${SECS[$tag/decode]:-} r=${SECS[$tag/rg]:-}
        case $tag in main-*) mix="loggen's default noise" ;; *) mix="heavy session chatter, --noise-mix chatter" ;; esac
        awk -v tag="$tag" -v mix="$mix" -v d="$d" -v r="$r" 'BEGIN {
            if (d ~ /^[0-9.]+$/ && r ~ /^[0-9.]+$/ && r + 0 > 0)
                printf "- %s (%s): decoder %.3f s, rg %.3f s: **%.2f**\n", tag, mix, d, r, d / r
            else
                printf "- %s (%s): decoder %s s, rg %s s: n/a\n", tag, mix, d == "" ? "n/a" : d, r == "" ? "n/a" : r
        }'
    done
    echo
    echo "Decoder peak RSS on $(basename "$BIG"): $RSS"
} | tee "$BENCH_DIR/results-$(date -u +%Y%m%dT%H%M%S).md"
