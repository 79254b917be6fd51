"""Helpers for the health-check integration tests: private PostgreSQL clusters and Redis
servers that a test may misconfigure freely (autovacuum off, no password, ...) without
touching the shared servers of scripts/test-databases.sh, and sessions held open to plant
idle-in-transaction and blocked sessions.

Everything listens on 127.0.0.1 only and lives in a temporary directory removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from agent_e2e import ADMIN_PASSWORD, REDIS_SERVER, Org, PrivateRedis, unique, wait_until
from logstag_e2e import clean_env, free_port

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; CI runs as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class PrivatePostgres:
    """A PostgreSQL 15 cluster of the test's own on a free port, superuser postgres with a password."""

    def __init__(self, settings: dict[str, str] | None = None, ssl: bool = False):
        self.port = free_port()
        self.settings = settings or {}
        self.ssl = ssl
        # Not under pytest's tmp_path: its parents are 0700 root, which the postgres user cannot enter.
        self.root = Path(tempfile.mkdtemp(prefix="logstag-health-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.sessions: list[subprocess.Popen] = []

    def start(self) -> "PrivatePostgres":
        pwfile = self.root / "pwfile"
        pwfile.write_text(ADMIN_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(pwfile, "postgres", "postgres")
        init = subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", f"--pwfile={pwfile}",
                          "--auth-local=trust", "--auth-host=scram-sha-256"]),
            capture_output=True, text=True, timeout=120)
        assert init.returncode == 0, init.stdout + init.stderr
        lines = [f"port = {self.port}", "listen_addresses = '127.0.0.1'", f"unix_socket_directories = '{self.root}'",
                 "shared_preload_libraries = 'pg_stat_statements'"]
        if self.ssl:
            self._make_certificate()
            lines += ["ssl = on", "ssl_cert_file = 'server.crt'", "ssl_key_file = 'server.key'"]
        lines += [f"{name} = {value}" for name, value in self.settings.items()]
        with open(self.data / "postgresql.auto.conf", "a") as conf:
            conf.write("\n".join(lines) + "\n")
        started = subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"]),
            capture_output=True, text=True, timeout=90)
        assert started.returncode == 0, started.stdout + started.stderr + self._log()
        self.psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements;")
        return self

    def _make_certificate(self) -> None:
        made = subprocess.run(
            ["openssl", "req", "-new", "-x509", "-days", "2", "-nodes", "-subj", "/CN=127.0.0.1",
             "-keyout", str(self.data / "server.key"), "-out", str(self.data / "server.crt")],
            capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
        os.chmod(self.data / "server.key", 0o600)
        if os.geteuid() == 0:
            for name in ("server.key", "server.crt"):
                shutil.chown(self.data / name, "postgres", "postgres")

    def _log(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""

    def _psql_command(self, database: str) -> list[str]:
        return ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database, "-qAt", "-v",
                "ON_ERROR_STOP=1"]

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(self._psql_command(database) + ["-c", sql], capture_output=True, text=True, timeout=120,
                                env=clean_env(PGPASSWORD=ADMIN_PASSWORD, PGCONNECT_TIMEOUT="10"))
        assert result.returncode == 0, f"psql failed:\n{sql}\n{result.stdout}{result.stderr}"
        return result.stdout.strip()

    def hold_session(self, *statements: str, database: str = "postgres", application: str = "health-e2e") -> subprocess.Popen:
        """A psql session that ran the statements and stays open (a transaction it began stays open)."""
        session = subprocess.Popen(self._psql_command(database), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, text=True,
                                   env=clean_env(PGPASSWORD=ADMIN_PASSWORD, PGAPPNAME=application))
        session.stdin.write("\n".join(statements) + "\n")
        session.stdin.flush()
        self.sessions.append(session)
        return session

    def create_role(self, prefix: str, *, superuser: bool) -> tuple[str, str]:
        name, password = unique(prefix), "pw-" + os.urandom(9).hex()
        if superuser:
            self.psql(f"CREATE ROLE {name} LOGIN SUPERUSER PASSWORD '{password}';")
        else:
            self.psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}' VALID UNTIL '2099-01-01'; GRANT pg_monitor TO {name};")
        return name, password

    def stop(self) -> None:
        for session in self.sessions:
            if session.poll() is None:
                session.kill()
                session.wait()
        subprocess.run(_as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)


class OpenRedis(PrivateRedis):
    """A `PrivateRedis` with extra configuration; `password=None` plants the classic mistake: no
    AUTH at all."""

    def __init__(self, workdir: Path, password: str | None, extra_config: str = ""):
        super().__init__(workdir, password=password or "")
        self.extra_config = extra_config

    def start(self) -> "OpenRedis":
        config = self.workdir / f"redis-{self.port}.conf"
        auth = f"requirepass {self.password}\n" if self.password else ""
        config.write_text(f"bind 127.0.0.1\nport {self.port}\ndaemonize no\ndir {self.workdir}\n{auth}"
                          f"logfile {self.log_path}\n{self.extra_config}")
        self.process = subprocess.Popen([REDIS_SERVER, str(config)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_until(self._answers, 15, 0.1, lambda: f"redis-server on {self.port} did not start: {self._log()}")
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.process.returncode}: {self._log()}")
        try:
            return self.cli("PING").strip() == "PONG"
        except AssertionError:  # not listening yet
            return False

    def cli(self, *args: str) -> str:
        if self.password:
            return super().cli(*args)
        result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), *args], capture_output=True,
                                text=True, timeout=30)
        return result.stdout.strip()


def run_health_check(org: Org, asset_id: str, timeout: float = 180) -> dict:
    """Starts a health check through the API and returns the completed run with its report."""
    # The scheduler may have started the asset's first check already (one run per asset at a
    # time: 409); wait for it to finish, then start ours.
    started = wait_until(lambda: _start_when_idle(org, asset_id), timeout, 1.0, "a health check stayed running")
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    last: dict = {}

    def finished():
        got = org.api("GET", f"/api/v1/health-checks/{run_id}")
        assert got.status_code == 200, got.text
        last.clear()
        last.update(got.json())
        return last if last["status"] in ("Completed", "Failure", "Cancelled", "Timeout") else None

    run = wait_until(finished, timeout, 1.0, lambda: f"health check {run_id} did not finish: {last.get('status')}")
    assert run["status"] == "Completed", run
    return run


def _start_when_idle(org: Org, asset_id: str):
    response = org.api("POST", f"/api/v1/assets/{asset_id}/health-checks")
    return None if response.status_code == 409 else response


def wait_connected(org: Org, asset_id: str, timeout: float = 60) -> dict:
    """The agent reports for the asset: Connected, or Issues when a prerequisite check fails on
    purpose (a superuser monitoring role, an unprotected Redis)."""
    last: dict = {}

    def reporting():
        last.update(org.asset(asset_id))
        return last if last["status"] in ("Connected", "Issues") else None

    return wait_until(reporting, timeout, 0.5, lambda: f"asset {asset_id} never reported: {last}")


def finding(report: dict, rule_id: str) -> dict:
    for item in report["findings"]:
        if item["rule_id"] == rule_id:
            return item
    limits = [item for item in report["limitations"] if item["rule_id"] == rule_id]
    raise AssertionError(f"rule {rule_id} is not among the findings; limitation: {limits}")


def not_healthy(report: dict) -> dict[str, dict]:
    return {item["rule_id"]: item for item in report["findings"] if item["status"] != "Healthy"}


def wait_for_seconds(seconds: float) -> None:
    time.sleep(seconds)
