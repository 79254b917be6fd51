"""Helpers for the agent's end-to-end and fault tests: a server with an organisation, real
databases (the shared ones of scripts/test-databases.sh and private redis-server processes a
test may stop), agent configurations, and `logstag --mode agent` as a real process.

Everything talks to 127.0.0.1 only, and every agent gets a temporary state_dir and log_dir so
nothing is written to /var/lib/logstag or /var/log/logstag.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import stat
import subprocess
import threading
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import requests

from logstag_e2e import LogstagServer, clean_env, create_owner, csrf_token, find_token, free_port, login

PG_PORT = int(os.environ.get("LOGSTAG_TEST_PG_PORT", "55432"))
REDIS7_PORT = int(os.environ.get("LOGSTAG_TEST_REDIS7_PORT", "56379"))
VALKEY8_PORT = int(os.environ.get("LOGSTAG_TEST_VALKEY8_PORT", "56380"))
VALKEY9_PORT = int(os.environ.get("LOGSTAG_TEST_VALKEY9_PORT", "56381"))
ADMIN_PASSWORD = os.environ.get("LOGSTAG_TEST_ADMIN_PASSWORD", "logstag-test-admin")
TEST_DB_ROOT = Path(os.environ.get("LOGSTAG_TEST_DB_ROOT", "/tmp/logstag-testdb"))
PG_SERVER_LOG = TEST_DB_ROOT / "pg" / "server.log"
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"

#: The shortest interval the agent accepts for a tier (1..4 are refused as too aggressive).
TICK_S = 5
#: The scheduler's jitter is +-10% of the interval.
MAX_TICK_S = TICK_S * 1.1
TIERS = ("high", "medium", "low", "schema")
AGENT_STOP_TIMEOUT_S = 20
TOKEN_SHAPES = re.compile(r"ls[arkb]_[0-9A-Za-z]{20,}")


def unique(prefix: str) -> str:
    """A lowercase name no other test (or earlier run) uses: PostgreSQL role and ACL user names."""
    return f"{prefix}_{secrets.token_hex(4)}"


def wait_until(predicate: Callable[[], object], timeout: float, interval: float = 0.5,
               message: str | Callable[[], str] = "condition not met"):
    """Polls predicate until it returns something truthy (returned), else fails with message."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            text = message() if callable(message) else message
            raise AssertionError(f"after {timeout:.0f} s: {text}")
        time.sleep(interval)


def write_private(path: Path, text: str) -> Path:
    """Writes a file only its owner can read (what the agent requires of its configuration)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    return path


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# MARK: - PostgreSQL (the shared server of scripts/test-databases.sh)


def psql(sql: str, database: str = "postgres") -> str:
    """Runs SQL as the superuser; fails the test with psql's output when it fails."""
    result = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-qAt", "-v", "ON_ERROR_STOP=1",
         "-c", sql],
        env=clean_env(PGPASSWORD=ADMIN_PASSWORD, PGCONNECT_TIMEOUT="10"), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, (
        f"psql failed ({result.returncode}); is scripts/test-databases.sh started?\n{sql}\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


@dataclass
class PgRole:
    """A dedicated monitoring role (LOGIN, pg_monitor), the least privilege the agent needs."""

    name: str
    password: str

    @classmethod
    def create(cls, prefix: str = "lsmon") -> "PgRole":
        role = cls(unique(prefix), "pw-" + secrets.token_urlsafe(18))
        psql(f"CREATE ROLE {role.name} LOGIN PASSWORD '{role.password}'; GRANT pg_monitor TO {role.name};")
        return role

    def drop(self) -> None:
        psql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{self.name}';")
        psql(f"DROP ROLE IF EXISTS {self.name};")

    def sessions(self) -> int:
        return int(psql(f"SELECT count(*) FROM pg_stat_activity WHERE usename = '{self.name}'"))


def pg_failed_logins(role: str) -> int:
    """`password authentication failed for user "<role>"` lines in the test server's log."""
    if not PG_SERVER_LOG.exists():
        raise AssertionError(f"no PostgreSQL log at {PG_SERVER_LOG}")
    needle = f'password authentication failed for user "{role}"'
    return PG_SERVER_LOG.read_text(errors="replace").count(needle)


# MARK: - Redis / Valkey


def redis_cli(port: int, *args: str, password: str = ADMIN_PASSWORD, user: str | None = None) -> str:
    """One redis-cli command against 127.0.0.1:port; returns its raw output."""
    command = ["redis-cli", "-h", "127.0.0.1", "-p", str(port), "--no-auth-warning"]
    if user:
        command += ["--user", user]
    command += ["-a", password, *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, f"redis-cli {' '.join(args)} failed: {result.stdout}{result.stderr}"
    return result.stdout


class PrivateRedis:
    """A redis-server of the test's own (free port, requirepass) that the test may stop and start.

    It runs in the foreground as our child, so stopping it is a signal to a pid we started.
    """

    def __init__(self, workdir: Path, password: str = ADMIN_PASSWORD, port: int | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.password = password
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None
        self.log_path = self.workdir / f"redis-{self.port}.log"

    def start(self) -> "PrivateRedis":
        assert os.access(REDIS_SERVER, os.X_OK), f"{REDIS_SERVER} is missing (apt-get install redis-server)"
        config = self.workdir / f"redis-{self.port}.conf"
        config.write_text(
            f"bind 127.0.0.1\nport {self.port}\ndaemonize no\ndir {self.workdir}\nrequirepass {self.password}\n"
            f'save ""\nappendonly no\nlogfile {self.log_path}\n')
        self.process = subprocess.Popen([REDIS_SERVER, str(config)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_until(self._answers, 15, 0.1, lambda: f"redis-server on {self.port} did not start: {self._log()}")
        return self

    def _log(self) -> str:
        return self.log_path.read_text(errors="replace")[-2000:] if self.log_path.exists() else ""

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"redis-server exited with {self.process.returncode}: {self._log()}")
        command = ["redis-cli", "-h", "127.0.0.1", "-p", str(self.port), "--no-auth-warning", "-a", self.password, "PING"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=10)
        return result.stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args: str) -> str:
        return redis_cli(self.port, *args, password=self.password)

    def failed_auths(self) -> int:
        """Failed AUTH attempts in ACL LOG (repeats are grouped into one entry's `count`)."""
        return count_auth_failures(self.cli("ACL", "LOG", "128"))

    def __enter__(self) -> "PrivateRedis":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def count_auth_failures(acl_log: str) -> int:
    """Sums the `count` of ACL LOG entries with reason auth, from redis-cli's plain output
    (each entry as alternating key and value lines, starting with `count`)."""
    lines = acl_log.splitlines()
    entries: list[dict[str, str]] = []
    for key, value in zip(lines[0::2], lines[1::2]):
        if key == "count":
            entries.append({})
        if entries:
            entries[-1][key] = value
    return sum(int(entry.get("count", "1")) for entry in entries if entry.get("reason") == "auth")


# MARK: - Server side: an organisation with an API key


@dataclass
class Org:
    """An organisation on a running server, driven with an `lsk_` API key."""

    server: LogstagServer
    key: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, self.base_url + path, headers={"Authorization": f"Bearer {self.key}"}, timeout=30,
                                **kwargs)

    def create_asset(self, engine: str, name: str | None = None) -> dict:
        response = self.api("POST", "/api/v1/assets", json={"engine": engine, "name": name or unique(f"{engine}-e2e")})
        assert response.status_code == 201, response.text
        return response.json()

    def issue_token(self, asset_id: str) -> dict:
        """POST .../registration-token: {token, expires_at, install_command}."""
        response = self.api("POST", f"/api/v1/assets/{asset_id}/registration-token")
        assert response.status_code == 201, response.text
        body = response.json()
        assert find_token(body, "lsr_"), body
        return body

    def asset(self, asset_id: str) -> dict:
        response = self.api("GET", f"/api/v1/assets/{asset_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def collection(self, asset_id: str) -> dict:
        response = self.api("GET", f"/api/v1/assets/{asset_id}/collection")
        assert response.status_code == 200, f"GET /collection answered {response.status_code}: {response.text}"
        return response.json()

    def wait_status(self, asset_id: str, status: str, timeout: float) -> dict:
        last: dict = {}

        def reached():
            last.update(self.asset(asset_id))
            return last if last["status"] == status else None

        return wait_until(reached, timeout, 0.5, lambda: f"asset {asset_id} is not {status}: {last}")

    def connection_test(self, asset_id: str, timeout: float = 60) -> dict:
        """Queues a connection test and returns it once the agent answered (passed or failed)."""
        response = self.api("POST", f"/api/v1/assets/{asset_id}/connection-tests")
        assert response.status_code in (200, 201, 202), response.text
        test_id = response.json()["id"]
        last: dict = {}

        def finished():
            got = self.api("GET", f"/api/v1/assets/{asset_id}/connection-tests/{test_id}")
            assert got.status_code == 200, got.text
            last.update(got.json())
            return last if last["status"] not in ("queued", "sent") else None

        return wait_until(finished, timeout, 0.5, lambda: f"connection test never finished: {last}")

    def agents(self) -> list[dict]:
        response = self.api("GET", "/api/v1/agents")
        assert response.status_code == 200, response.text
        body = response.json()
        return body["items"] if isinstance(body, dict) else body


def start_org_server(binary: Path, workdir: Path, port: int | None = None) -> tuple[LogstagServer, Org]:
    """Creates the owner in workdir/data, starts a server there and signs in for an API key."""
    workdir.mkdir(parents=True, exist_ok=True)
    create_owner(binary, workdir / "data", workdir)
    server = LogstagServer(binary, workdir=workdir, data_dir=workdir / "data", port=port).start()
    try:
        session = requests.Session()
        login(session, server.base_url)
        token = csrf_token(session, server.base_url, "/settings/api-keys")
        response = session.post(server.base_url + "/api/v1/api-keys", json={"name": "agent e2e"},
                                headers={"X-CSRF-Token": token}, timeout=30)
        assert response.status_code == 201, response.text
        return server, Org(server, find_token(response.json(), "lsk_"))
    except BaseException:
        server.stop()
        raise


class ServerData:
    """Read-only view of a server's SQLite database for exactly-once checks."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / "logstag.sqlite"
        assert self.path.exists(), f"no server database at {self.path}"

    def query(self, sql: str, *args) -> list[tuple]:
        connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=10)
        try:
            return connection.execute(sql, args).fetchall()
        finally:
            connection.close()

    def collected_at(self, asset_id: str, signal_name: str) -> list[float]:
        rows = self.query("SELECT collected_at FROM snapshots WHERE asset_id = ? AND signal = ? ORDER BY collected_at",
                          asset_id, signal_name)
        return [row[0] for row in rows]

    def duplicates(self, asset_id: str) -> list[tuple]:
        """(signal, collected_at, count) stored more than once: must always be empty."""
        return self.query(
            "SELECT signal, collected_at, COUNT(*) FROM snapshots WHERE asset_id = ? GROUP BY signal, collected_at "
            "HAVING COUNT(*) > 1", asset_id)

    def asset_failure(self, asset_id: str) -> str | None:
        return self.query("SELECT last_failure FROM assets WHERE id = ?", asset_id)[0][0]

    def rows_of_latest(self, asset_id: str, signal_name: str) -> list[dict]:
        rows = self.query("SELECT rows_json FROM snapshots WHERE asset_id = ? AND signal = ? AND status = 'ok' "
                          "ORDER BY collected_at DESC LIMIT 1", asset_id, signal_name)
        return json.loads(rows[0][0]) if rows and rows[0][0] else []


# MARK: - Agent configuration


@dataclass
class Target:
    """One [targets.<name>] table."""

    name: str
    engine: str
    port: int
    username: str
    password: str
    db_name: str
    host: str = "127.0.0.1"
    asset_id: str | None = None
    sslmode: str | None = None

    def toml(self) -> str:
        lines = [f"[targets.{self.name}]", 'platform = "self-hosted"', f'db_engine = "{self.engine}"',
                 f'db_host = "{self.host}"', f"db_port = {self.port}", f'db_username = "{self.username}"',
                 f'db_password = "{self.password}"', f'db_name = "{self.db_name}"']
        if self.sslmode:
            lines.append(f'db_sslmode = "{self.sslmode}"')
        if self.asset_id:
            lines.append(f'asset_id = "{self.asset_id}"')
        return "\n".join(lines) + "\n"


def pg_target(name: str, role: PgRole, password: str | None = None) -> Target:
    return Target(name, "postgresql", PG_PORT, role.name, password if password is not None else role.password, "postgres",
                  sslmode="disable")


def redis_target(name: str, port: int, password: str = ADMIN_PASSWORD, engine: str = "redis", username: str = "") -> Target:
    return Target(name, engine, port, username, password, "0")


def agent_settings(api_base_url: str, state_dir: Path, log_dir: Path, *, tiers: dict[str, int] | None = None,
                   log_level: str = "info", spool_max_bytes: int | None = None, extra: Iterable[str] = ()) -> list[str]:
    """The key lines of an [agent] table (without the header)."""
    intervals = {tier: TICK_S for tier in TIERS}
    intervals.update(tiers or {})
    lines = [f'api_base_url = "{api_base_url}"', f'log_level = "{log_level}"', f'state_dir = "{state_dir}"',
             f'log_dir = "{log_dir}"', "startup_warmup_delay = 0"]
    lines += [f"{tier}_frequency_interval = {seconds}" for tier, seconds in intervals.items()]
    if spool_max_bytes is not None:
        lines.append(f"spool_max_bytes = {spool_max_bytes}")
    return lines + list(extra)


@dataclass
class AgentHome:
    """An agent's files in a temporary directory: agent.toml (0600), state/ and logs/ (or the
    paths an installer chose)."""

    root: Path
    binary: Path
    config: Path | None = None
    state_dir: Path | None = None
    log_dir: Path | None = None

    def __post_init__(self) -> None:
        self.root = Path(self.root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.config = Path(self.config or self.root / "agent.toml")
        self.state_dir = Path(self.state_dir or self.root / "state")
        self.log_dir = Path(self.log_dir or self.root / "logs")

    @property
    def spool_dir(self) -> Path:
        return self.state_dir / "spool"

    def write(self, api_base_url: str, targets: Iterable[Target] = (), **settings) -> Path:
        self.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        text = "[agent]\n" + "\n".join(agent_settings(api_base_url, self.state_dir, self.log_dir, **settings)) + "\n"
        for target in targets:
            text += "\n" + target.toml()
        return write_private(self.config, text)

    def append_target(self, target: Target) -> None:
        text = self.config.read_text()
        write_private(self.config, text.rstrip("\n") + "\n\n" + target.toml())

    def parsed(self) -> dict:
        return tomllib.loads(self.config.read_text())

    def asset_id(self, target: str) -> str | None:
        return self.parsed().get("targets", {}).get(target, {}).get("asset_id")

    def run(self, *args: str, input: str | None = None, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        """`logstag --mode agent --config <config> ARGS`, waiting for it to exit."""
        return subprocess.run([str(self.binary), "--mode", "agent", "--config", str(self.config), *args], cwd=self.root,
                              input=input if input is not None else "", capture_output=True, text=True, timeout=timeout,
                              env=env or clean_env())

    def encrypt(self, secret: str) -> str:
        result = self.run("--encrypt", input=secret + "\n")
        assert result.returncode == 0, f"--encrypt failed ({result.returncode}): {result.stdout}{result.stderr}"
        value = result.stdout.strip().splitlines()[-1].strip()
        assert value.startswith("enc:v1:"), f"--encrypt printed {result.stdout!r}"
        return value

    def enroll(self, token: str, target: str | None = None) -> subprocess.CompletedProcess:
        """--enroll with the token in a 0600 file named by LOGSTAG_TOKEN_FILE (never argv)."""
        token_file = write_private(self.root / f"token-{secrets.token_hex(3)}", token + "\n")
        try:
            args = ["--enroll"] + (["--target", target] if target else [])
            result = self.run(*args, env=clean_env(LOGSTAG_TOKEN_FILE=str(token_file)))
        finally:
            token_file.unlink()
        assert result.returncode == 0, f"--enroll failed ({result.returncode}):\n{result.stdout}{result.stderr}"
        return result

    def spool_files(self) -> list[Path]:
        return sorted(self.spool_dir.glob("*.batch")) if self.spool_dir.exists() else []

    def spool_bytes(self) -> int:
        """Bytes of everything under the spool directory (batches, gaps.json, poison/)."""
        if not self.spool_dir.exists():
            return 0
        return sum(path.stat().st_size for path in self.spool_dir.rglob("*") if path.is_file())

    def start(self, *, service: bool = False, extra_args: Iterable[str] = ()) -> "AgentProcess":
        return AgentProcess(self, service=service, extra_args=list(extra_args)).start()


def enrolled_agent(org: Org, home: AgentHome, targets: list[tuple[Target, str]], api_base_url: str | None = None,
                   **settings) -> dict[str, str]:
    """Writes the config with every target (password encrypted), creates one asset per target
    and enrolls each with its own token. targets: (target, engine of the asset); api_base_url
    defaults to the org's server. Returns target name -> asset id."""
    home.write(api_base_url or org.base_url, [], **settings)
    assets: dict[str, str] = {}
    for target, engine in targets:
        if target.password and not target.password.startswith("enc:"):  # "" = no password (an unprotected Redis)
            target.password = home.encrypt(target.password)
        home.append_target(target)
    for target, engine in targets:
        asset = org.create_asset(engine)
        token = org.issue_token(asset["id"])["token"]
        home.enroll(token, target=target.name)
        assets[target.name] = asset["id"]
        assert home.asset_id(target.name) == asset["id"], home.config.read_text()
    return assets


# MARK: - The agent process


def read_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


class AgentProcess:
    """`logstag --mode agent --config F` in the foreground, output captured to a file."""

    def __init__(self, home: AgentHome, service: bool = False, extra_args: list[str] | None = None):
        self.home = home
        self.service = service
        self.extra_args = extra_args or []
        self.process: subprocess.Popen | None = None
        self.log_path = home.root / f"agent-stdout-{secrets.token_hex(3)}.log"

    def command(self) -> list[str]:
        args = [str(self.home.binary), "--mode", "agent", "--config", str(self.home.config)]
        return args + (["--service"] if self.service else []) + self.extra_args

    def start(self) -> "AgentProcess":
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=self.home.root, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, env=clean_env())
        time.sleep(0.3)
        if self.process.poll() is not None:
            raise AssertionError(f"the agent exited at once with {self.process.returncode}:\n{self.output()}")
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def assert_alive(self) -> None:
        assert self.alive(), f"the agent exited with {self.process.returncode}:\n{self.output()[-6000:]}"

    def rss_kib(self) -> int:
        return read_rss_kib(self.pid)

    def cmdline(self) -> str:
        return Path(f"/proc/{self.pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")

    def environ(self) -> str:
        return Path(f"/proc/{self.pid}/environ").read_bytes().replace(b"\0", b"\n").decode(errors="replace")

    def stop(self, timeout: float = AGENT_STOP_TIMEOUT_S) -> int:
        """SIGTERM and the exit code; kills and fails if it does not stop in time."""
        if self.process is None:
            return 0
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"the agent did not exit within {timeout} s of SIGTERM:\n{self.output()[-4000:]}")

    def stop_cleanly(self) -> None:
        code = self.stop()
        assert code == 0, f"the agent exited with {code} after SIGTERM:\n{self.output()[-4000:]}"

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def __enter__(self) -> "AgentProcess":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.stop_cleanly()
        else:
            self.stop()


def redelivery_bound(agent_output: str, margin: float = 15) -> float:
    """Seconds within which a running agent must deliver again once the server is back.

    The sender's retry wait is full-jitter backoff, random(0 .. min(300, 2^failures)) s, and
    every failed attempt logs "Could not deliver batch"; so after n failures the pending wait
    is below min(300, 2^n) s. Tests wait that long (plus a margin) rather than a fixed time.
    """
    failures = agent_output.count("Could not deliver batch")
    return min(300.0, 2.0 ** failures) + margin


def wait_for_signal(org: Org, asset_id: str, name: str, timeout: float, after: float = 0.0,
                    status: str | None = "ok") -> dict:
    """Waits until the collection API reports signal `name` collected after `after` (epoch s)."""
    last: dict = {}

    def arrived():
        last.clear()
        for item in org.collection(asset_id).get("signals", []):
            if item["name"] == name:
                last.update(item)
                if parse_time(item["collected_at"]) > after and (status is None or item["status"] == status):
                    return item
        return None

    return wait_until(arrived, timeout, 0.5, lambda: f"signal {name} of asset {asset_id} not reported after {after}: {last}")


def parse_time(value) -> float:
    """A wire timestamp (RFC 3339 string or epoch number) as epoch seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    from datetime import datetime
    text = value.replace("Z", "+00:00")
    return datetime.fromisoformat(text).timestamp()


def spool_payload(path: Path) -> dict | list | None:
    """Best-effort decode of one spool file (JSON, possibly gzip'd, possibly after a header
    line); None when the format is not readable this way."""
    data = path.read_bytes()
    candidates = [data]
    try:
        candidates.append(gzip.decompress(data))
    except (OSError, EOFError):
        pass
    for blob in candidates:
        for start in (0, blob.find(b"{"), blob.find(b"\n") + 1):
            if start < 0:
                continue
            try:
                return json.loads(blob[start:].decode())
            except (ValueError, UnicodeDecodeError):
                continue
    return None


def find_values(value, key: str) -> list:
    """Every value stored under `key` anywhere in decoded JSON."""
    found = []
    if isinstance(value, dict):
        for name, child in value.items():
            if name == key:
                found.append(child)
            found += find_values(child, key)
    elif isinstance(value, list):
        for child in value:
            found += find_values(child, key)
    return found


def secrets_in(text: str, secrets_list: Iterable[str]) -> list[str]:
    """The secrets (and any token-shaped string) that occur in text, for assertion messages."""
    hits = [f"secret #{i} ({len(s)} chars)" for i, s in enumerate(secrets_list) if s and s in text]
    hits += [f"token-shaped string {m[:8]}..." for m in TOKEN_SHAPES.findall(text) if not m.startswith("lsk_")]
    return hits


# MARK: - install.sh into a temporary root


class InstallRoot:
    """A temporary install root and the environment that keeps install.sh inside it (as in
    test_install_script.py): no systemd, no service user, never interactive."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.prefix = self.path / "usr/local"
        self.etc = self.path / "etc/logstag"
        self.state = self.path / "var/lib/logstag"
        self.log = self.path / "var/log/logstag"
        self.systemd = self.path / "etc/systemd/system"
        self.binary = self.prefix / "bin/logstag"
        self.config = self.etc / "agent.toml"

    def env(self, **extra: str) -> dict[str, str]:
        return clean_env(
            LOGSTAG_PREFIX=str(self.prefix), LOGSTAG_ETC=str(self.etc), LOGSTAG_STATE=str(self.state),
            LOGSTAG_LOG=str(self.log), LOGSTAG_SYSTEMD_DIR=str(self.systemd), LOGSTAG_NO_SYSTEMD="1",
            LOGSTAG_SKIP_USER="1", LOGSTAG_NONINTERACTIVE="1", **extra)

    def run_installer(self, script: bytes, variables: dict[str, str], **extra: str) -> subprocess.CompletedProcess:
        """`... | sudo VARS sh -s -- agent` with the script on stdin, in a new session (no tty)."""
        return subprocess.run(["sh", "-s", "--", "agent"], input=script, env=self.env(**variables, **extra),
                              capture_output=True, timeout=300, start_new_session=True)

    def home(self) -> AgentHome:
        return AgentHome(self.path / "work", self.binary, config=self.config, state_dir=self.state, log_dir=self.log)


INSTALL_VARIABLE = re.compile(r"\b(LOGSTAG_[A-Z_]+)=(\S+)")


def install_variables(install_command: str) -> dict[str, str]:
    """The LOGSTAG_*=value assignments of an install command (`curl ... | sudo VARS sh -s -- agent`)."""
    assert "install.sh" in install_command and "sh -s -- agent" in install_command, install_command
    variables = dict(INSTALL_VARIABLE.findall(install_command))
    assert "LOGSTAG_SERVER" in variables, install_command
    assert not TOKEN_SHAPES.search(install_command), "the install command carries a token"
    return variables


def insert_agent_settings(config: Path, lines: Iterable[str]) -> None:
    """Adds key lines right after the [agent] header of an existing agent.toml, replacing any
    active line with the same key."""
    lines = list(lines)
    keys = {line.split("=")[0].strip() for line in lines}
    kept = [line for line in config.read_text().splitlines()
            if not (line and not line.lstrip().startswith("#") and "=" in line and line.split("=")[0].strip() in keys)]
    index = kept.index("[agent]")
    write_private(config, "\n".join(kept[:index + 1] + lines + kept[index + 1:]) + "\n")


# MARK: - A TCP proxy that holds the server's answers back


class SlowAnswerProxy:
    """Forwards 127.0.0.1:<port> to the server, holding every chunk of the server's answers for
    `delay` seconds: a request is stored by the server while the agent still waits for the 2xx,
    which makes "killed after the server stored the batch, before the agent heard so" a window
    a test can hit on purpose."""

    def __init__(self, upstream_port: int, delay: float):
        self.upstream_port = upstream_port
        self.delay = delay
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.upstream_port), timeout=10)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, upstream, 0.0), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, self.delay), daemon=True).start()

    @staticmethod
    def _pump(source, target, delay: float) -> None:
        try:
            while True:
                chunk = source.recv(65536)
                if not chunk:
                    break
                if delay:
                    time.sleep(delay)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(2)
                except OSError:
                    pass
                end.close()

    def close(self) -> None:
        self._closed = True
        self.listener.close()
