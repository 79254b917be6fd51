#!/usr/bin/env bash
# Ingest benchmark (run on demand; not part of scripts/test.sh).
#
# Starts the release server on a temporary data directory, creates the owner, an API key and
# one enrolled agent (with its own asset) per simulated agent, then lets wrk POST a typical
# gzip'd 50-row IngestBatch to /api/v1/agent/ingest, each with a unique Idempotency-Key.
# Afterwards the same rows go straight into SQLite (WAL, synchronous=FULL, one transaction per
# batch) for a raw baseline, and the ratio server/raw is printed.
#
# Target: >= 500 batches/s with p99 < 100 ms. Exit status 0 when met, 2 when not, 1 on error.
# Settings (environment): LOGSTAG_BIN (default: build the release binary), BENCH_AGENTS (16),
# BENCH_THREADS (2), BENCH_CONNECTIONS (16), BENCH_DURATION (30s), BENCH_RAW_SECONDS (10).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

agents=${BENCH_AGENTS:-16}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-16}
duration=${BENCH_DURATION:-30s}
raw_seconds=${BENCH_RAW_SECONDS:-10}
helper=bench/ingest_helper.py

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
if [[ -z ${LOGSTAG_BIN:-} ]]; then
    swift build -c release --static-swift-stdlib --product logstag
    LOGSTAG_BIN="$(swift build -c release --show-bin-path)/logstag"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/logstag-bench.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        { kill -TERM "$server_pid" && wait "$server_pid"; } || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

python3 "$helper" create-owner --binary "$LOGSTAG_BIN" --data-dir "$work/data"
env -u LOGSTAG_LISTEN -u LOGSTAG_DATA_DIR LOGSTAG_LOG_LEVEL=warning "$LOGSTAG_BIN" --mode server \
    --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 300); do
    curl -fs -o /dev/null "$base/healthz" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
done
curl -fs -o /dev/null "$base/healthz" || { echo "server did not become healthy" >&2; exit 1; }

python3 "$helper" prepare --base-url "$base" --work "$work" --agents "$agents"

echo "== wrk -t$threads -c$connections -d$duration --latency (server $LOGSTAG_BIN)"
BENCH_DIR=$work BENCH_RUN_ID=$$ wrk -t"$threads" -c"$connections" -d"$duration" --timeout 5s --latency \
    -s bench/ingest.lua "$base" | tee "$work/wrk.out"

kill -TERM "$server_pid"
wait "$server_pid" || echo "warning: the server exited with $? after SIGTERM" >&2
server_pid=""

echo "== raw SQLite baseline (${raw_seconds}s, one process)"
python3 "$helper" sqlite-baseline --work "$work" --seconds "$raw_seconds" | tee "$work/raw.out"

python3 - "$work/wrk.out" "$work/raw.out" <<'PY'
"""Prints the summary and sets the exit status from the target."""
import re, sys

def fields(path, tag):
    line = next(l for l in open(path) if l.startswith(tag + " "))
    return {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", line)}

server, raw = fields(sys.argv[1], "BENCH"), fields(sys.argv[2], "RAW")
ratio = server["batches_per_s"] / raw["batches_per_s"] if raw["batches_per_s"] else float("nan")
met = server["batches_per_s"] >= 500 and server["p99_ms"] < 100 and server["non2xx"] == 0
print()
print(f"server: {server['batches_per_s']:.0f} batches/s, p50 {server['p50_ms']:.1f} ms, "
      f"p99 {server['p99_ms']:.1f} ms, non-2xx {server['non2xx']:.0f}, socket errors {server['socket_errors']:.0f}")
print(f"raw SQLite: {raw['batches_per_s']:.0f} batches/s; server/raw = {ratio:.2f}")
print(f"target (>= 500 batches/s, p99 < 100 ms, no errors): {'met' if met else 'NOT met'}")
sys.exit(0 if met else 2)
PY
