"""Helpers shared by the end-to-end tests and the ingest benchmark.

They drive the real release binary the way an operator does: start it as a process, create the
owner with the non-interactive command, and sign in over HTTP like a browser would. Everything
here talks to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import requests

PRODUCT_NAME = "Logstag"
REPO_ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP_PATH = re.compile(r"/bootstrap/(lsb_[A-Za-z0-9]+)")
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 15


@dataclass(frozen=True)
class Owner:
    """The Account Owner every test creates; the password meets PasswordPolicy (>= 12 chars)."""

    org: str = "Acme"
    email: str = "owner@example.com"
    name: str = "Olive Owner"
    password: str = "correct horse battery staple 42"


OWNER = Owner()


def release_binary() -> Path:
    """The binary under test: $LOGSTAG_BIN (scripts/test.sh sets it), else the checkout's release build."""
    path = Path(os.environ.get("LOGSTAG_BIN") or REPO_ROOT / ".build" / "release" / "logstag")
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise RuntimeError(f"no logstag binary at {path}: build it (swift build -c release) and set LOGSTAG_BIN")
    return path


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1 (the server binds it right after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks: the binary is tens of megabytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without LOGSTAG_* variables, which would silently override flags."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("LOGSTAG_")}
    env.update(extra)
    return env


class LogstagServer:
    """One `logstag --mode server` process with its combined output captured to a file.

    Output goes to a file rather than a pipe so a chatty server can never block on a full pipe
    while the test is busy elsewhere.
    """

    def __init__(self, binary: Path, workdir: Path, data_dir: Path | None = None, port: int | None = None):
        self.binary = Path(binary)
        self.workdir = Path(workdir)
        self.data_dir = data_dir
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = self.workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        """The command line; without data_dir the server uses its default ./logstag-data."""
        args = [str(self.binary), "--mode", "server", "--listen", f"127.0.0.1:{self.port}"]
        if self.data_dir is not None:
            args += ["--data-dir", str(self.data_dir)]
        return args

    def start(self) -> "LogstagServer":
        """Starts the process and returns once GET /healthz answers 200."""
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                self.command(), cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, env=clean_env(),
            )
        finally:
            log.close()
        self.wait_healthy()
        return self

    def output(self) -> str:
        """Everything the server printed so far (stdout and stderr)."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_healthy(self, timeout: float = START_TIMEOUT_S) -> None:
        """Polls /healthz; fails early, with the server's output, if the process exits."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode} during start:\n{self.output()}")
            try:
                if requests.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not healthy after {timeout} s:\n{self.output()}")

    def bootstrap_url(self, timeout: float = 10) -> str:
        """The one-time bootstrap link the server prints on a first start, rebuilt on our base URL."""
        deadline = time.monotonic() + timeout
        while True:
            match = BOOTSTRAP_PATH.search(self.output())
            if match:
                return f"{self.base_url}/bootstrap/{match.group(1)}"
            if time.monotonic() > deadline:
                raise AssertionError(f"no /bootstrap/lsb_... link in the server output:\n{self.output()}")
            time.sleep(0.2)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> int:
        """SIGTERM, then the exit code; kills and raises if the server does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else 0
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"server did not exit within {timeout} s of SIGTERM:\n{self.output()}")

    def stop_cleanly(self) -> None:
        """Stops the server and asserts a clean exit (0), the contract for a SIGTERM."""
        code = self.stop()
        assert code == 0, f"server exited with {code} after SIGTERM:\n{self.output()[-4000:]}"

    def __enter__(self) -> "LogstagServer":
        return self.start()

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.stop_cleanly()
        else:
            self.stop()


def create_owner(binary: Path, data_dir: Path, workdir: Path, owner: Owner = OWNER) -> subprocess.CompletedProcess:
    """Runs the non-interactive bootstrap; the password goes on stdin, never on the command line."""
    result = subprocess.run(
        [str(binary), "--mode", "server", "--data-dir", str(data_dir), "--create-owner",
         "--org", owner.org, "--email", owner.email, "--name", owner.name],
        cwd=workdir, input=owner.password + "\n", capture_output=True, text=True, timeout=60, env=clean_env(),
    )
    assert result.returncode == 0, f"--create-owner failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result


class _InputValues(HTMLParser):
    """Collects the value of every <input name=...> (the CSRF token is a hidden input)."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


class _Links(HTMLParser):
    """Collects every href and src attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [value for name, value in attrs if name in ("href", "src") and value]


def input_value(html: str, name: str) -> str | None:
    """The value of the first <input name=name> in a page, or None."""
    parser = _InputValues()
    parser.feed(html)
    return parser.values.get(name)


def static_links(html: str) -> set[str]:
    """Every /static/... URL a page links (stylesheets, scripts, icons), query string dropped."""
    parser = _Links()
    parser.feed(html)
    return {link.split("?")[0].split("#")[0] for link in parser.links if link.startswith("/static/")}


def csrf_token(session: requests.Session, base_url: str, *paths: str) -> str:
    """The `_csrf` hidden input of the first of paths that has one (default /login).

    Signed in, the same value works as the X-CSRF-Token header of the JSON API.
    """
    for path in paths or ("/login",):
        response = session.get(base_url + path, timeout=10)
        response.raise_for_status()
        token = input_value(response.text, "_csrf")
        if token:
            return token
    raise AssertionError(f"no _csrf input on {', '.join(paths)}")


def login(session: requests.Session, base_url: str, owner: Owner = OWNER) -> requests.Response:
    """Signs in through the HTML form and checks the session really is signed in."""
    token = csrf_token(session, base_url, "/login")
    response = session.post(
        base_url + "/login", data={"email": owner.email, "password": owner.password, "_csrf": token}, timeout=30
    )
    assert response.status_code == 200, f"POST /login answered {response.status_code}"
    check = session.get(base_url + "/assets", allow_redirects=False, timeout=10)
    assert check.status_code == 200, f"not signed in after POST /login (GET /assets answered {check.status_code})"
    return response


def find_token(value, prefix: str) -> str | None:
    """The first string starting with prefix anywhere in a decoded JSON value.

    The response field names for tokens are the server's to choose; the prefixes are contract.
    """
    if isinstance(value, str):
        return value if value.startswith(prefix) else None
    children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    for child in children:
        found = find_token(child, prefix)
        if found:
            return found
    return None
