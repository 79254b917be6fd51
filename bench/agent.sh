#!/usr/bin/env bash
# Agent overhead benchmark (run on demand; not part of scripts/test.sh).
#
# Usage: bench/agent.sh [--minutes N] [--warmup S] [--keep] [--json FILE] [--help]
#
# Runs the Logstag agent with default tiers against six targets (PostgreSQL 15 databases
# postgres, bench2 and bench3; Redis 7; Valkey 8; Valkey 9 -- private servers on free loopback
# ports, started and removed by the benchmark), then prometheus-postgres-exporter and
# prometheus-redis-exporter against the same servers, scraped every 10 s. Prints per tool:
# resident memory (max and window average), CPU (% of one core and seconds per hour),
# database time per hour (PostgreSQL: pg_stat_statements of the tool's own role; Redis/Valkey:
# INFO commandstats while only that tool runs), distinct signals, and database time per signal;
# then one PASS/FAIL line per target: agent RSS < 20 MB, agent CPU < 1% of one core,
# agent DB time per signal < the exporters'.
#
#   --minutes N   measured window per phase (default 10; 1 is a smoke run)
#   --warmup S    minimum warm-up before each window in seconds (default 60; the agent's
#                 window also waits for its first low- and schema-tier runs)
#   --keep        keep the work directory (agent, server, exporter and database logs)
#   --json FILE   also write the figures as JSON
#
# Phases run one after the other (calibration of the low and schema tiers ~2-3 min, agent
# warm-up + window, exporters warm-up + window): about 2 x (N + 1) + 3 minutes in all.
# Settings (environment): LOGSTAG_BIN (default: build the release binary), PG_BIN
# (/usr/lib/postgresql/15/bin). Needs: postgresql-15 with contrib, redis-server, the valkey
# PyPI packages of .ci/run, prometheus-postgres-exporter, prometheus-redis-exporter, python3
# with requests. Exit status 0 after a complete measurement (even when a target FAILs),
# 1 when the benchmark itself failed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

for arg in "$@"; do
    if [[ $arg == --help || $arg == -h ]]; then
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
    fi
done

for tool in /usr/bin/prometheus-postgres-exporter /usr/bin/prometheus-redis-exporter; do
    [[ -x $tool ]] || { echo "$tool is missing (apt-get install ${tool##*/})" >&2; exit 1; }
done
if [[ -z ${LOGSTAG_BIN:-} ]]; then
    swift build -c release --static-swift-stdlib --product logstag
    LOGSTAG_BIN="$(swift build -c release --show-bin-path)/logstag"
fi

exec python3 bench/agent_bench.py --binary "$LOGSTAG_BIN" "$@"
