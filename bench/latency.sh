#!/usr/bin/env bash
# bench/latency.sh: live decoding (see docs/bench.md, "Live input").
#
#   bench/latency.sh                      # both measurements, 60 s of --follow
#   DURATION=600 bench/latency.sh         # the issue's 10 minutes
#
# 1. Pipe latency: `iscsi-decode decode --json -` reads a pipe; one iSCSI line is written,
#    its event read back, then the next: the median and 90th percentile over LINES lines of
#    the time from the write to the event line.
# 2. --follow throughput and memory: a file is appended at RATE lines/s (one line in ten is
#    iSCSI, the rest syslog noise) for DURATION seconds while `decode --json --follow` reads
#    it; RSS is sampled every SAMPLE seconds; at the end SIGTERM, and the summary's line
#    count is compared with the lines written.
#
# Environment:
#   LINES             lines of the latency run [100]
#   RATE              lines per second appended in the --follow run [10000]
#   DURATION          seconds of the --follow run [60]
#   SAMPLE            seconds between RSS samples [5]
#   BENCH_DIR         where the followed file lives (never inside the repo) [/tmp/iscsi-bench]
#   CARGO_TARGET_DIR  cargo's target dir [<repo>/target]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=${BENCH_DIR:-/tmp/iscsi-bench}
export LINES=${LINES:-100} RATE=${RATE:-10000} DURATION=${DURATION:-60} SAMPLE=${SAMPLE:-5}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$BENCH_DIR" in
"$ROOT" | "$ROOT"/*) echo "BENCH_DIR must be outside the repository" >&2; exit 2 ;;
esac
mkdir -p "$BENCH_DIR"
export BENCH_DIR

(cd "$ROOT" && cargo build --release -q -p iscsi-decode-cli)
export BIN="$CARGO_TARGET_DIR/release/iscsi-decode"

python3 - <<'PY'
import os, signal, statistics, subprocess, threading, time

BIN = os.environ["BIN"]
LINES, RATE = int(os.environ["LINES"]), int(os.environ["RATE"])
DURATION, SAMPLE = float(os.environ["DURATION"]), float(os.environ["SAMPLE"])

def stamp():
    return time.strftime("%b %e %H:%M:%S")

def iscsi(i):
    sid = i % 64 + 1
    if (i // 64) % 2 == 0:
        return f"{stamp()} node1 kernel:  connection{sid}:0: detected conn error (1020)\n"
    return f"{stamp()} node1 iscsid: connection{sid}:0 is operational after recovery (2 attempts)\n"

def noise(i):
    return f"{stamp()} node1 systemd[1]: Started Session {i} of user admin.\n"

# 1. Pipe latency.
p = subprocess.Popen([BIN, "decode", "--json", "-"], stdin=subprocess.PIPE,
                     stdout=subprocess.PIPE, bufsize=0)
times = []
for i in range(LINES):
    line = iscsi(i).encode()
    t0 = time.perf_counter()
    p.stdin.write(line)
    while True:
        out = p.stdout.readline()
        if not out:
            raise SystemExit("decoder ended early")
        if out.startswith(b'{"type":"event"'):
            break
    times.append(time.perf_counter() - t0)
p.stdin.close()
p.stdout.read()
p.wait()
times.sort()
ms = [t * 1000 for t in times]
print(f"pipe latency over {LINES} lines: median {statistics.median(ms):.2f} ms, "
      f"p90 {ms[int(0.9 * (len(ms) - 1))]:.2f} ms, max {ms[-1]:.2f} ms")

# 2. --follow at RATE lines/s.
path = os.path.join(os.environ["BENCH_DIR"], f"follow-{os.getpid()}.log")
open(path, "w").close()
p = subprocess.Popen([BIN, "decode", "--json", "--follow", path], stdout=subprocess.PIPE)
last = [b""]
events = [0]
def drain():
    for out in p.stdout:
        events[0] += 1
        last[0] = out
threading.Thread(target=drain, daemon=True).start()
time.sleep(0.5)

def rss_kib():
    with open(f"/proc/{p.pid}/status") as f:
        for l in f:
            if l.startswith("VmRSS:"):
                return int(l.split()[1])

written, start = 0, time.monotonic()
next_sample, samples = start, []
with open(path, "a") as f:
    while True:
        now = time.monotonic()
        if now - start >= DURATION:
            break
        due = int((now - start) * RATE)
        if due > written:
            f.write("".join(iscsi(i) if i % 10 == 0 else noise(i) for i in range(written, due)))
            f.flush()
            written = due
        if now >= next_sample:
            samples.append((now - start, rss_kib(), events[0]))
            next_sample += SAMPLE
        time.sleep(0.01)
time.sleep(1.0)
samples.append((time.monotonic() - start, rss_kib(), events[0]))
p.send_signal(signal.SIGTERM)
p.wait(timeout=10)
time.sleep(0.2)
import json
summary = json.loads(last[0])
os.remove(path)
print(f"--follow at {RATE} lines/s for {DURATION:.0f} s: {written} lines written, "
      f"{summary.get('lines')} read, exit status {p.returncode}")
print("  t (s)   RSS (MiB)   output lines")
for t, rss, n in samples:
    print(f"  {t:6.1f}  {rss / 1024:9.1f}   {n}")
PY
