#!/usr/bin/env bash
# Health-report generation benchmark (run on demand; not part of scripts/test.sh).
#
# Usage: bench/health.sh [--tables N] [--indexes N] [--runs N]
#
# Builds the LogstagHealthBench executable (release) and runs it: a server database with one
# PostgreSQL asset whose schema snapshot holds 5,000 tables and 20,000 indexes (defaults), plus
# every other signal the catalogue reads (healthy fixture rows, with a baseline an hour earlier)
# and a day of chart series. It times what a health run does once collection is over (load the
# snapshot from SQLite, evaluate every rule, build and store the report) and the extra memory
# that took, and prints one PASS/FAIL line per target: generation < 2 s, extra memory < 100 MB.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
for arg in "$@"; do
    if [[ $arg == --help || $arg == -h ]]; then
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
    fi
done
swift build -c release --product LogstagHealthBench
exec "$(swift build -c release --show-bin-path)/LogstagHealthBench" "$@"
