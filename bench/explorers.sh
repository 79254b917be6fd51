#!/usr/bin/env bash
# Explorer benchmark (run on demand; not part of scripts/test.sh).
#
# Usage: bench/explorers.sh [--instances N] [--days D] [--recent-hours H] [--dense-hours H]
#                           [--dense-instances K] [--week-step S] [--old-step S] [--runs R]
#
# 1. Calibration: 4 instances (3 PostgreSQL, 1 Redis) for 6 hours at production cadence, to print
#    the database size per instance per day as production would grow it, and one instance's
#    steady-state size after 30 days at default retention (per table group).
# 2. Generation: N instances (default 200; three PostgreSQL for one Redis/Valkey) with D days
#    (default 30) of collected data, through the ingest code path, timestamps spread over the
#    period, hourly retention purges as simulated time passes (LogstagExplorerBench explains
#    the cadence; about 1.8 million payloads, 1.5 hours for 200 x 30 days on 2 cores). Prints the
#    time and database size.
# 3. Latency: starts the release server on that database and times every explorer page and its
#    API for the 1 h, 24 h, 7 d and 30 d windows (bench/explorer_latency.py), R runs each
#    (default 20); the per-instance pages on the instances the generator collected at full
#    1-minute density. Target: p95 < 200 ms. Exit status 0 when met, 2 when not, 1 on error.
# Needs faketime (Debian package) when generation outlasts a minute, which it always does.
# Keep the data with BENCH_KEEP=1 (the directory is printed); build elsewhere with BENCH_SCRATCH=DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for arg in "$@"; do
    if [[ $arg == --help || $arg == -h ]]; then
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
    fi
done
generate=() runs=20
while [[ $# -gt 0 ]]; do
    case $1 in
        --runs) runs=$2; shift 2 ;;
        --instances|--days|--recent-hours|--dense-hours|--dense-instances|--week-step|--old-step) generate+=("$1" "$2"); shift 2 ;;
        *) echo "unknown option $1 (see --help)" >&2; exit 1 ;;
    esac
done

# BENCH_SCRATCH: build in another folder than .build (e.g. while other builds use it).
scratch=()
[[ -n ${BENCH_SCRATCH:-} ]] && scratch=(--scratch-path "$BENCH_SCRATCH")
swift build -c release "${scratch[@]}" --product logstag
swift build -c release "${scratch[@]}" --product LogstagExplorerBench
bin=$(swift build -c release "${scratch[@]}" --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/logstag-explorer-bench.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n $server_pid ]]; then
        kill "$server_pid" 2>/dev/null || true
        # A purge or an open keep-alive connection may hold the graceful stop; 10 s is enough.
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -9 "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -z ${BENCH_KEEP:-} ]]; then rm -rf "$work"; else echo "data kept in $work"; fi
}
trap cleanup EXIT
password_file=$work/password
umask 077
head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$password_file"
owner() {
    "$bin/logstag" --mode server --data-dir "$1" --create-owner --org Bench --email bench@example.test --name Bench < "$password_file" >/dev/null
}

echo "== calibration: 4 instances, 6 hours at production cadence"
mkdir -p "$work/calibrate" && owner "$work/calibrate"
"$bin/LogstagExplorerBench" --data-dir "$work/calibrate" --instances 4 --days 0.25 --recent-hours 6 --calibrate 2>/dev/null
rm -rf "$work/calibrate"

echo "== generation"
mkdir -p "$work/data" && owner "$work/data"
"$bin/LogstagExplorerBench" --data-dir "$work/data" "${generate[@]}"

echo "== latency"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The generated period ends when generation started; the server's clock starts one minute after
# that end (faketime), so every window ends at the generated data instead of an hour past it.
clock=()
data_end=$(cat "$work/data/bench-end")
if (( $(date +%s) - data_end > 60 )); then
    command -v faketime >/dev/null || { echo "faketime is missing (apt-get install faketime)" >&2; exit 1; }
    clock=(faketime -f "@$(date -u -d "@$((data_end + 60))" '+%Y-%m-%d %H:%M:%S')")
    echo "server clock starts at the data's end + 1 minute: ${clock[2]}"
fi
"${clock[@]}" "$bin/logstag" --mode server --data-dir "$work/data" --listen "127.0.0.1:$port" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 bench/explorer_latency.py --base-url "http://127.0.0.1:$port" --email bench@example.test \
    --password-file "$password_file" --runs "$runs" --dense-file "$work/data/bench-dense"
