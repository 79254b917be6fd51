"""`logstag --mode setup`, driven through a pseudo-terminal the way an operator uses it.

Every test talks to a real server started from $LOGSTAG_BIN (one per module, plus a fresh one
where an empty organisation matters), with an owner and an API key created through the API.
The agent-configuration tests also connect to the real PostgreSQL and Valkey servers of
scripts/test-databases.sh, with a role / ACL user of their own. What is proven:

* the install-command flow creates an asset, prints the install command and a registration
  token that really enrols an agent;
* every wrong answer is explained and asked again; a rejected API key is re-asked at most
  three times; input that ends exits 1; Ctrl-C exits 130 with the terminal's echo restored
  and nothing written;
* secrets typed at a prompt are not echoed, are not in the process's command line or
  environment, and the database password is stored only encrypted;
* the non-interactive form prints the command (and the token only when asked) and uses exit
  codes 0 / 1 (naming the flag) / 2 (server unreachable).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest
import requests

from logstag_e2e import LogstagServer, clean_env, create_owner, csrf_token, find_token, free_port, login

PROMPT_TIMEOUT_S = 30
TOKEN = re.compile(r"\blsr_[0-9A-Za-z]{50}\b")
INSTALL_LINE = re.compile(r"curl -fsSL \S+/install\.sh \| sudo LOGSTAG_SERVER=\S+ LOGSTAG_ASSET=([0-9a-f]+) LOGSTAG_PLATFORM=(\S+) sh -s -- agent")

PG_PORT = int(os.environ.get("LOGSTAG_TEST_PG_PORT", "55432"))
VALKEY8_PORT = int(os.environ.get("LOGSTAG_TEST_VALKEY8_PORT", "56380"))
ADMIN_PASSWORD = os.environ.get("LOGSTAG_TEST_ADMIN_PASSWORD", "logstag-test-admin")


# MARK: - Server side: an organisation with an API key


@dataclass
class Org:
    server: LogstagServer
    session: requests.Session
    csrf: str
    key: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def api(self, method: str, path: str, key: str | None = None, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {key or self.key}"}
        return requests.request(method, self.base_url + path, headers=headers, timeout=30, **kwargs)

    def new_key(self, name: str) -> tuple[str, str]:
        """A new API key (id, raw) created by the signed-in owner."""
        response = self.session.post(self.base_url + "/api/v1/api-keys", json={"name": name}, headers={"X-CSRF-Token": self.csrf}, timeout=30)
        assert response.status_code == 201, response.text
        body = response.json()
        return body["id"], find_token(body, "lsk_")

    def revoked_key(self) -> str:
        """A well-formed API key the server knows but refuses (revoked)."""
        key_id, raw = self.new_key(unique("revoked"))
        response = self.api("DELETE", f"/api/v1/api-keys/{key_id}")
        assert response.status_code == 204, response.text
        return raw

    def create_asset(self, name: str, engine: str = "postgresql") -> dict:
        response = self.api("POST", "/api/v1/assets", json={"engine": engine, "name": name})
        assert response.status_code == 201, response.text
        return response.json()

    def asset(self, asset_id: str) -> dict:
        response = self.api("GET", f"/api/v1/assets/{asset_id}")
        assert response.status_code == 200, response.text
        return response.json()

    def asset_named(self, name: str) -> dict:
        response = self.api("GET", "/api/v1/assets", params={"q": name, "per_page": 200})
        assert response.status_code == 200, response.text
        matches = [item for item in response.json()["items"] if item["name"] == name]
        assert len(matches) == 1, f"expected one asset named {name!r}, found {len(matches)}"
        return matches[0]

    def enroll(self, token: str, engine: str = "postgresql") -> dict:
        """Redeems a registration token the way the agent does; returns the enrolment answer."""
        body = {
            "wire_version": 1, "registration_token": token, "hostname": "setup-e2e-host", "agent_version": "0.0.0-e2e",
            "target_name": "main", "engine": engine,
        }
        response = requests.post(self.base_url + "/api/v1/agent/enroll", json=body, timeout=30)
        assert response.status_code in (200, 201), f"enrolment with the printed token answered {response.status_code}: {response.text}"
        return response.json()


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def start_org(binary: Path, workdir: Path):
    create_owner(binary, workdir / "data", workdir)
    server = LogstagServer(binary, workdir=workdir, data_dir=workdir / "data")
    with server:
        session = requests.Session()
        login(session, server.base_url)
        csrf = csrf_token(session, server.base_url, "/settings/api-keys")
        org = Org(server, session, csrf, "")
        org.key = org.new_key("setup e2e")[1]
        yield org


@pytest.fixture(scope="module")
def org(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    """One server and organisation shared by the module's tests (each uses unique names)."""
    yield from start_org(logstag_bin, tmp_path_factory.mktemp("setup-org"))


@pytest.fixture
def empty_org(logstag_bin: Path, tmp_path: Path):
    """A fresh organisation without any asset."""
    yield from start_org(logstag_bin, tmp_path)


# MARK: - Driving the setup process


class Setup:
    """One `logstag --mode setup` process on a pseudo-terminal; everything it shows is kept."""

    def __init__(self, binary: Path, *args: str, cwd: Path, command: list[str] | None = None, **env: str):
        self.output = io.StringIO()
        argv = command or [str(binary), "--mode", "setup", *args]
        self.child = pexpect.spawn(
            argv[0], argv[1:], cwd=str(cwd), env=clean_env(TERM="dumb", **env), encoding="utf-8",
            timeout=PROMPT_TIMEOUT_S, dimensions=(60, 250))
        self.child.logfile_read = self.output

    @property
    def text(self) -> str:
        return self.output.getvalue()

    def expect(self, text: str) -> None:
        """Waits for `text` (literal) in the output; fails with everything shown so far."""
        try:
            self.child.expect_exact(text)
        except (pexpect.TIMEOUT, pexpect.EOF) as error:
            raise AssertionError(f"setup never showed {text!r} ({type(error).__name__}); it showed:\n{self.text}") from None

    def answer(self, prompt: str, reply: str) -> None:
        self.expect(prompt)
        self.child.sendline(reply)

    def finish(self) -> int:
        """Waits for the process to end and returns its exit code."""
        try:
            self.child.expect(pexpect.EOF, timeout=120)
        except pexpect.TIMEOUT:
            raise AssertionError(f"setup did not finish; it showed:\n{self.text}") from None
        self.child.close()
        return self.child.exitstatus if self.child.exitstatus is not None else 128 + (self.child.signalstatus or 0)

    def secrets_in_process(self, *values: str) -> list[str]:
        """Which of `values` appear in /proc/<pid>/cmdline or environ of the running process."""
        found = []
        for name in ("cmdline", "environ"):
            data = Path(f"/proc/{self.child.pid}/{name}").read_bytes().decode(errors="replace")
            found += [f"{name}:{value[:8]}..." for value in values if value in data]
        return found


def run_setup(binary: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    """The non-interactive form: no terminal, stdin closed."""
    return subprocess.run(
        [str(binary), "--mode", "setup", *args], cwd=cwd, env=clean_env(**env), stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=120)


def key_file(directory: Path, key: str) -> str:
    path = directory / f"api-key-{secrets.token_hex(3)}"
    path.write_text(key + "\n")
    path.chmod(0o600)
    return str(path)


def printed_token(text: str) -> str:
    tokens = TOKEN.findall(text)
    assert len(tokens) == 1, f"expected exactly one registration token in the output, found {len(tokens)}:\n{text}"
    return tokens[0]


# MARK: - Install command flow (interactive)


def test_interactive_happy_path_creates_asset_and_a_working_token(logstag_bin: Path, empty_org: Org, tmp_path: Path):
    name = unique("orders-db")
    setup = Setup(logstag_bin, cwd=tmp_path)
    setup.answer("Server URL (e.g. https://logstag.example.com): ", empty_org.base_url)
    setup.answer("(typing is hidden): ", empty_org.key)
    setup.expect("Signed in to Acme as an API key, role Admin.")
    setup.expect("There are no assets in Acme yet")
    setup.expect("PostgreSQL  (collectors ready)")
    setup.expect("Valkey  (collectors ready)")
    setup.answer("Choose 1-6 [1]: ", "1")
    setup.answer("unique in Acme): ", name)
    setup.answer("Choose 1-6 [1]: ", "")  # environment: Production
    setup.answer("Enter for none): ", "")  # owner
    setup.expect("Created asset")
    setup.expect("Microsoft Azure  (planned)")
    setup.answer("Choose 1-5 [1]: ", "1")  # self-hosted
    setup.expect("Bridged  (not yet available)")
    setup.answer("Choose 1-2 [1]: ", "1")  # direct
    setup.answer("Choose 1-2 [1]: ", "1")  # Linux
    setup.answer("Generate the registration token now? (Y/n): ", "y")
    assert setup.finish() == 0, setup.text

    assert empty_org.key not in setup.text, "the API key typed at the hidden prompt was echoed"
    asset = empty_org.asset_named(name)
    assert asset["engine"] == "postgresql" and asset["environment"] == "Production"
    command = INSTALL_LINE.search(setup.text)
    assert command, f"no Linux install command in the output:\n{setup.text}"
    assert command.group(1) == asset["id"] and command.group(2) == "self-hosted"
    assert "shown only this once" in setup.text
    token = printed_token(setup.text)
    assert token not in command.group(0), "the token must never be part of the install command"

    assert empty_org.asset(asset["id"])["agent_id"] is None
    enrolment = empty_org.enroll(token)
    assert find_token(enrolment, "lsa_"), f"enrolment returned no agent key: {enrolment}"
    assert empty_org.asset(asset["id"])["agent_id"], "the asset is not bound to an agent after enrolling with the printed token"


def test_wrong_answers_are_explained_and_asked_again(logstag_bin: Path, org: Org, tmp_path: Path):
    existing = org.create_asset(unique("taken"))
    revoked = org.revoked_key()
    name = unique("billing")
    setup = Setup(logstag_bin, cwd=tmp_path)

    setup.answer("Server URL (e.g. https://logstag.example.com): ", "logstag.example.com")
    setup.expect("must start with https://")
    setup.answer("Server URL (e.g. https://logstag.example.com): ", org.base_url)
    setup.answer("(typing is hidden): ", "not-a-key")
    setup.expect("That is not a valid Logstag API key")
    setup.answer("(typing is hidden): ", revoked)
    setup.expect("The server rejected this API key (HTTP 401)")
    setup.answer("(typing is hidden): ", org.key)
    setup.expect("Signed in to Acme")

    setup.answer("Asset: ", "99")
    setup.expect("99 is not in the list")
    setup.answer("Asset: ", "new")
    setup.answer("Choose 1-6 [1]: ", "abc")
    setup.expect('"abc" is not a number; type a number from 1 to 6.')
    setup.answer("Choose 1-6 [1]: ", "9")
    setup.expect("9 is not in the list")
    setup.answer("Choose 1-6 [1]: ", "valkey")
    setup.answer("unique in Acme): ", "ab")
    setup.expect("The name must be between 3 and 100 characters long.")
    setup.answer("unique in Acme): ", existing["name"].upper())
    setup.expect("already exists in Acme (names ignore letter case)")
    setup.answer("unique in Acme): ", name)
    setup.answer("Choose 1-6 [1]: ", "7")
    setup.expect("7 is not in the list")
    setup.answer("Choose 1-6 [1]: ", "4")  # Staging
    setup.answer("Enter for none): ", "nobody@example.com")
    setup.expect("No member of Acme has the address nobody@example.com")
    setup.answer("Enter for none): ", "owner@example.com")
    setup.expect("Created asset")
    setup.answer("Choose 1-5 [1]: ", "4")
    setup.expect("Microsoft Azure hosting is planned but not available yet")
    setup.answer("Choose 1-5 [1]: ", "5")
    setup.expect("Google Cloud hosting is planned but not available yet")
    setup.answer("Choose 1-5 [1]: ", "2")  # AWS RDS
    setup.answer("Choose 1-2 [1]: ", "2")
    setup.expect("The bridged connection type is not available yet; choose Direct.")
    setup.answer("Choose 1-2 [1]: ", "1")
    setup.answer("Choose 1-2 [1]: ", "3")
    setup.expect("3 is not in the list")
    setup.answer("Choose 1-2 [1]: ", "2")  # Windows
    setup.answer("Generate the registration token now? (Y/n): ", "maybe")
    setup.expect("Answer y (yes) or n (no).")
    setup.answer("Generate the registration token now? (Y/n): ", "n")
    assert setup.finish() == 0, setup.text

    asset = org.asset_named(name)
    assert asset["engine"] == "valkey" and asset["environment"] == "Staging"
    assert asset["owner"] and asset["owner"]["email"] == "owner@example.com"
    assert f"-Asset {asset['id']} -Platform aws-rds" in setup.text, "no Windows install command for AWS RDS"
    assert "No token was generated" in setup.text
    assert not TOKEN.search(setup.text)
    assert org.key not in setup.text and revoked not in setup.text


def test_existing_asset_found_by_search_with_key_from_file(logstag_bin: Path, org: Org, tmp_path: Path):
    """Key from LOGSTAG_API_KEY_FILE and server from --server: only the asset questions remain."""
    for _ in range(3):
        org.create_asset(unique("filler"))
    wanted = org.create_asset(unique("needle"), engine="redis")
    setup = Setup(logstag_bin, "--server", org.base_url, cwd=tmp_path, LOGSTAG_API_KEY_FILE=key_file(tmp_path, org.key))
    setup.answer("Asset: ", wanted["name"][:-2])
    setup.expect(f'Assets matching "{wanted["name"][:-2]}" (1):')
    setup.answer("Asset: ", "1")
    setup.expect(f'Selected "{wanted["name"]}" (Redis')
    setup.answer("Choose 1-5 [1]: ", "")
    setup.answer("Choose 1-2 [1]: ", "")
    setup.answer("Choose 1-2 [1]: ", "")
    setup.answer("Generate the registration token now? (Y/n): ", "")
    assert setup.finish() == 0, setup.text
    assert "(typing is hidden)" not in setup.text, "the key from LOGSTAG_API_KEY_FILE was asked for again"
    assert INSTALL_LINE.search(setup.text).group(1) == wanted["id"]
    org.enroll(printed_token(setup.text), engine="redis")
    assert org.asset(wanted["id"])["agent_id"]


def test_a_key_rejected_three_times_ends_setup_with_exit_1(logstag_bin: Path, org: Org, tmp_path: Path):
    setup = Setup(logstag_bin, "--server", org.base_url, cwd=tmp_path)
    for _ in range(3):
        setup.answer("(typing is hidden): ", org.revoked_key())
        setup.expect("The server rejected this API key (HTTP 401)")
    assert setup.finish() == 1
    assert "rejected 3 times; create a new key under Settings > API keys" in setup.text


def test_end_of_input_exits_1_with_a_message(logstag_bin: Path, tmp_path: Path):
    setup = Setup(logstag_bin, cwd=tmp_path)
    setup.expect("Server URL (e.g. https://logstag.example.com): ")
    setup.child.sendeof()
    assert setup.finish() == 1
    assert "Input ended before setup finished; nothing was written." in setup.text
    assert "Fatal error" not in setup.text and "Traceback" not in setup.text


def test_no_secret_in_the_command_line_or_environment_of_the_running_process(logstag_bin: Path, org: Org, tmp_path: Path):
    org.create_asset(unique("ps-check"))
    setup = Setup(logstag_bin, "--server", org.base_url, cwd=tmp_path)
    setup.answer("(typing is hidden): ", org.key)
    setup.expect("Asset: ")
    assert setup.secrets_in_process(org.key) == []
    argv = Path(f"/proc/{setup.child.pid}/cmdline").read_bytes().split(b"\0")
    assert b"--mode" in argv and b"setup" in argv, argv
    ps = subprocess.run(["ps", "-ww", "-o", "args=", "-p", str(setup.child.pid)], capture_output=True, text=True)
    assert ps.stdout.strip() and org.key not in ps.stdout
    setup.child.sendintr()
    assert setup.finish() == 130


def test_ctrl_c_at_the_hidden_prompt_exits_130_and_restores_echo(logstag_bin: Path, org: Org, tmp_path: Path):
    # bash runs `stty -a` on the same terminal after setup exits: it shows whether echo is back.
    script = f'"{logstag_bin}" --mode setup --server {org.base_url}; echo "exit=$?"; stty -a'
    setup = Setup(logstag_bin, cwd=tmp_path, command=["/bin/bash", "-c", script])
    setup.expect("(typing is hidden): ")
    setup.child.send("lsk_half")
    setup.child.sendintr()
    setup.expect("exit=130")
    assert setup.finish() == 0
    assert "Cancelled; nothing was written." in setup.text
    settings = setup.text.split("exit=130", 1)[1]
    assert re.search(r"(?<![-\w])echo(?![\w-])", settings), f"echo is still off after Ctrl-C:\n{settings}"
    assert "lsk_half" not in setup.text


# MARK: - Install command flow (non-interactive)


def test_non_interactive_form_prints_command_and_token_only_when_asked(logstag_bin: Path, org: Org, tmp_path: Path):
    name = unique("batch")
    keyfile = key_file(tmp_path, org.key)
    result = run_setup(
        logstag_bin, "--server", org.base_url, "--create-asset", "--engine", "postgresql", "--asset-name", name,
        "--environment", "test", "--owner", "owner@example.com", "--hosting", "huawei-rds", "--connection", "direct",
        "--os", "linux", "--print-install-command", "--show-token", cwd=tmp_path, LOGSTAG_API_KEY_FILE=keyfile)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2, result.stdout
    asset = org.asset_named(name)
    assert asset["environment"] == "Test" and asset["owner"]["email"] == "owner@example.com"
    match = INSTALL_LINE.fullmatch(lines[0])
    assert match and match.group(1) == asset["id"] and match.group(2) == "huawei-rds", lines[0]
    assert TOKEN.fullmatch(lines[1]), lines[1]
    assert f'Created asset "{name}"' in result.stderr
    org.enroll(lines[1])

    # Without --show-token: the command only, no token anywhere.
    again = run_setup(logstag_bin, "--asset", asset["id"], "--print-install-command", "--os", "windows", cwd=tmp_path,
                      LOGSTAG_SERVER=org.base_url, LOGSTAG_API_KEY=org.key)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count("\n") == 1 and "Invoke-WebRequest" in again.stdout
    assert not TOKEN.search(again.stdout + again.stderr)

    # --token-file: the token goes to a private file, not to the output.
    token_path = tmp_path / "token"
    written = run_setup(logstag_bin, "--asset", asset["id"], "--print-install-command", "--token-file", str(token_path),
                        cwd=tmp_path, LOGSTAG_SERVER=org.base_url, LOGSTAG_API_KEY_FILE=keyfile)
    assert written.returncode == 0, written.stderr
    assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
    token = token_path.read_text().strip()
    assert TOKEN.fullmatch(token) and token not in written.stdout + written.stderr
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name], "a temporary file was left behind"


def test_non_interactive_exit_codes_name_the_problem(logstag_bin: Path, org: Org, tmp_path: Path):
    env = {"LOGSTAG_SERVER": org.base_url, "LOGSTAG_API_KEY": org.key}
    cases = [
        (["--create-asset", "--asset-name", "x-y-z"], 1, "--engine"),
        (["--create-asset", "--engine", "postgres", "--asset-name", "xyz"], 1, "--engine"),
        (["--create-asset", "--engine", "redis", "--asset-name", "a"], 1, "--asset-name"),
        (["--asset", "0" * 32], 1, "--asset"),
        (["--asset", "0" * 32, "--hosting", "azure"], 1, "--hosting"),
        (["--asset", "0" * 32, "--connection", "bridged"], 1, "--connection"),
        (["--asset", "0" * 32, "--show-token", "--engine", "redis"], 1, "--engine only applies with --create-asset"),
    ]
    for args, code, needle in cases:
        result = run_setup(logstag_bin, *args, "--print-install-command", cwd=tmp_path, **env)
        assert result.returncode == code and needle in result.stderr, (args, result.returncode, result.stderr)
        assert org.key not in result.stdout + result.stderr

    unreachable = run_setup(logstag_bin, "--asset", "x" * 32, "--print-install-command", cwd=tmp_path,
                            LOGSTAG_SERVER=f"http://127.0.0.1:{free_port()}", LOGSTAG_API_KEY=org.key)
    assert unreachable.returncode == 2, unreachable.stderr
    revoked = run_setup(logstag_bin, "--asset", "x" * 32, "--print-install-command", cwd=tmp_path,
                        LOGSTAG_SERVER=org.base_url, LOGSTAG_API_KEY=org.revoked_key())
    assert revoked.returncode == 1 and "LOGSTAG_API_KEY" in revoked.stderr, revoked.stderr
    no_key = run_setup(logstag_bin, "--asset", "x" * 32, "--print-install-command", cwd=tmp_path, LOGSTAG_SERVER=org.base_url)
    assert no_key.returncode == 1 and "never taken from the command line" in no_key.stderr


def test_https_is_always_verified_and_ca_file_is_honoured(logstag_bin: Path, tmp_path: Path):
    """A server with a self-signed certificate is refused (exit 2) until --ca-file names its CA."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:{port}"\ndata_dir = "{tmp_path / "data"}"\n'
                      f'tls_certificate = "{cert}"\ntls_key = "{key}"\n')
    create_owner(logstag_bin, tmp_path / "data", tmp_path)
    process = subprocess.Popen([str(logstag_bin), "--mode", "server", "--config", str(config)], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, env=clean_env())
    base = f"https://127.0.0.1:{port}"
    try:
        session = requests.Session()
        session.trust_env = False  # else REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE would override verify
        session.verify = str(cert)
        deadline = time.monotonic() + 60
        while True:
            try:
                session.get(base + "/healthz", timeout=5)
                break
            except requests.exceptions.ConnectionError as error:
                assert time.monotonic() < deadline and process.poll() is None, f"the HTTPS server did not come up: {error}"
                time.sleep(0.3)
        login(session, base)
        csrf = csrf_token(session, base, "/settings/api-keys")
        created = session.post(base + "/api/v1/api-keys", json={"name": "tls"}, headers={"X-CSRF-Token": csrf}, timeout=30)
        assert created.status_code == 201, created.text
        env = {"LOGSTAG_SERVER": base, "LOGSTAG_API_KEY": find_token(created.json(), "lsk_")}
        args = ["--create-asset", "--engine", "redis", "--asset-name", unique("tls"), "--print-install-command"]

        refused = run_setup(logstag_bin, *args, cwd=tmp_path, **env)
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert "could not be verified" in refused.stderr and "--ca-file" in refused.stderr, refused.stderr

        trusted = run_setup(logstag_bin, *args, "--ca-file", str(cert), cwd=tmp_path, **env)
        assert trusted.returncode == 0, trusted.stderr
        assert f"LOGSTAG_SERVER={base}" in trusted.stdout
    finally:
        process.terminate()
        process.wait(timeout=30)


# MARK: - Agent configuration flow (on an agent host)


def require_port(port: int, what: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=3).close()
    except OSError:
        pytest.fail(f"{what} is not reachable on 127.0.0.1:{port}; run: bash scripts/test-databases.sh start")


@pytest.fixture
def pg_role():
    """A PostgreSQL login role with pg_monitor and a random password, dropped afterwards."""
    require_port(PG_PORT, "PostgreSQL")
    name, password = f"setup_e2e_{secrets.token_hex(4)}", secrets.token_urlsafe(18)

    def psql(sql: str) -> None:
        # The SQL (with the password) goes on stdin, never on the command line.
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt", "-f", "-"],
            input=sql, capture_output=True, text=True, timeout=60, env=clean_env(PGPASSWORD=ADMIN_PASSWORD))
        assert result.returncode == 0, result.stderr

    psql(f"CREATE ROLE {name} LOGIN PASSWORD '{password}' IN ROLE pg_monitor;")
    yield name, password
    psql(f"DROP ROLE IF EXISTS {name};")


@pytest.fixture
def valkey_user():
    """A Valkey 8 ACL user allowed to read INFO and the slow log, removed afterwards."""
    require_port(VALKEY8_PORT, "Valkey 8")
    name, password = f"setup_e2e_{secrets.token_hex(4)}", secrets.token_urlsafe(18)

    def cli(command: str) -> None:
        result = subprocess.run(["redis-cli", "-p", str(VALKEY8_PORT)], input=command + "\n", capture_output=True, text=True,
                                timeout=30, env=clean_env(REDISCLI_AUTH=ADMIN_PASSWORD))
        assert result.returncode == 0 and "ERR" not in result.stdout, result.stdout + result.stderr

    cli(f"ACL SETUSER {name} on >{password} +@connection +info +slowlog +latency +config|get +client|list +memory|stats +dbsize")
    yield name, password
    cli(f"ACL DELUSER {name}")


def test_agent_config_is_written_encrypted_and_the_connection_test_passes(logstag_bin: Path, pg_role, tmp_path: Path):
    role, password = pg_role
    config = tmp_path / "etc" / "agent.toml"
    config.parent.mkdir()
    state = tmp_path / "state"
    setup = Setup(logstag_bin, "--write-agent-config", "--state-dir", str(state), cwd=tmp_path)
    setup.answer("Agent configuration file [/etc/logstag/agent.toml]: ", str(config))
    setup.expect("does not exist yet; it will be created")
    setup.answer("(api_base_url): ", "http://logstag.example.com")
    setup.expect("must use https://")
    setup.answer("(api_base_url): ", "https://logstag.example.com")
    setup.answer("e.g. orders_db): ", "Orders DB")
    setup.expect("Use lowercase letters, digits, _ and - only")
    setup.answer("e.g. orders_db): ", "orders_db")
    setup.answer("Choose 1-6 [1]: ", "2")
    setup.expect("collects from PostgreSQL, Redis and Valkey only")
    setup.answer("Choose 1-6 [1]: ", "1")
    setup.answer("Choose 1-5 [1]: ", "")
    setup.answer("Database host [127.0.0.1]: ", "")
    setup.answer("Port [5432]: ", "70000")
    setup.expect("70000 is not a TCP port")
    setup.answer("Port [5432]: ", str(PG_PORT))
    setup.answer("e.g. logstag_monitor): ", role)
    setup.answer("Password (typing is hidden): ", password)
    setup.answer("Type it again to confirm (typing is hidden): ", password + "x")
    setup.expect("The two entries do not match")
    setup.answer("Password (typing is hidden): ", password)
    setup.answer("Type it again to confirm (typing is hidden): ", password)
    setup.answer("Database name [postgres]: ", "")
    setup.answer("Choose 1-6 [3]: ", "1")  # sslmode disable: the test server has no TLS
    setup.expect("password    (encrypted for this machine)")
    assert not config.exists(), "the file was written before the final confirmation"
    assert setup.secrets_in_process(password) == []
    setup.answer(f"Write this target to {config}? (Y/n): ", "y")
    setup.expect(f'Wrote target "orders_db" to {config}')
    setup.answer("now? (Y/n): ", "y")
    setup.expect("Connection test PASSED")
    assert setup.finish() == 0, setup.text

    assert password not in setup.text, "the database password was echoed"
    text = config.read_text()
    assert password not in text
    assert re.search(r'^db_password = "enc:v1:[A-Za-z0-9_-]+"$', text, re.M), text
    assert '[targets.orders_db]' in text and f'db_username = "{role}"' in text and f"db_port = {PG_PORT}" in text
    assert f'state_dir = "{state}"' in text
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE((state / "host.key").stat().st_mode) == 0o600
    assert "[pass]" in setup.text
    check = subprocess.run([str(logstag_bin), "--mode", "agent", "--config", str(config), "--check-config"],
                           capture_output=True, text=True, timeout=60, cwd=tmp_path, env=clean_env())
    assert check.returncode == 0, check.stdout + check.stderr


def test_agent_config_non_interactive_for_valkey_with_password_file(logstag_bin: Path, valkey_user, tmp_path: Path):
    user, password = valkey_user
    config = tmp_path / "agent.toml"
    config.write_text('[agent]\napi_base_url = "https://logstag.example.com"\n')
    config.chmod(0o600)
    password_file = tmp_path / "db-password"
    password_file.write_text(password + "\n")
    result = run_setup(
        logstag_bin, "--write-agent-config", "--agent-config", str(config), "--state-dir", str(tmp_path / "state"),
        "--target", "cache", "--engine", "valkey", "--hosting", "self-hosted", "--db-host", "127.0.0.1", "--db-port", str(VALKEY8_PORT),
        "--db-username", user, "--db-name", "2", "--yes", cwd=tmp_path, LOGSTAG_DB_PASSWORD_FILE=str(password_file))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Connection test PASSED" in result.stdout, result.stdout
    text = config.read_text()
    assert text.startswith('[agent]\napi_base_url = "https://logstag.example.com"\n'), text
    assert password not in text and password not in result.stdout + result.stderr
    assert '[targets.cache]' in text and 'db_name = "2"' in text and 'db_engine = "valkey"' in text

    # The same name again is refused, naming the flag, and the file is unchanged.
    again = run_setup(
        logstag_bin, "--write-agent-config", "--agent-config", str(config), "--state-dir", str(tmp_path / "state"),
        "--target", "cache", "--engine", "valkey", "--hosting", "self-hosted", "--db-host", "127.0.0.1", "--db-port", str(VALKEY8_PORT),
        "--db-username", user, "--db-name", "2", "--yes", cwd=tmp_path, LOGSTAG_DB_PASSWORD_FILE=str(password_file))
    assert again.returncode == 1 and "--target" in again.stderr and "already has a target" in again.stderr, again.stderr
    assert config.read_text() == text


def test_ctrl_c_while_writing_agent_config_leaves_no_file(logstag_bin: Path, tmp_path: Path):
    config_dir = tmp_path / "etc"
    config_dir.mkdir()
    state = tmp_path / "state"
    setup = Setup(logstag_bin, "--write-agent-config", "--agent-config", str(config_dir / "agent.toml"), "--state-dir", str(state),
                  "--server", "https://logstag.example.com", cwd=tmp_path)
    setup.answer("e.g. orders_db): ", "main")
    setup.answer("Choose 1-6 [1]: ", "1")
    setup.answer("Choose 1-5 [1]: ", "1")
    setup.answer("Database host [127.0.0.1]: ", "db.internal")
    setup.answer("Port [5432]: ", "")
    setup.answer("e.g. logstag_monitor): ", "monitor")
    setup.answer("Password (typing is hidden): ", "half-typed-secret")
    setup.expect("Type it again to confirm (typing is hidden): ")
    setup.child.sendintr()
    assert setup.finish() == 130
    assert "Cancelled; nothing was written." in setup.text
    assert "half-typed-secret" not in setup.text
    assert list(config_dir.iterdir()) == [], "Ctrl-C left a file in the configuration directory"
    assert not state.exists(), "Ctrl-C left a state directory (host key) behind"
