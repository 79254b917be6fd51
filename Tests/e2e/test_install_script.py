"""install.sh, run the way the setup page tells people to, into a temporary root.

The LOGSTAG_* directory overrides, LOGSTAG_NO_SYSTEMD=1 and LOGSTAG_SKIP_USER=1 keep every
write inside tmp_path: these tests never touch the machine's /usr/local, /etc or systemd.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import stat
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from logstag_e2e import REPO_ROOT, LogstagServer, clean_env, sha256_file

INSTALL_SH = REPO_ROOT / "install.sh"
UNITS = REPO_ROOT / "systemd"


class Root:
    """A temporary install root and the environment that points install.sh into it."""

    def __init__(self, path: Path):
        self.path = path
        self.prefix = path / "usr/local"
        self.etc = path / "etc/logstag"
        self.state = path / "var/lib/logstag"
        self.log = path / "var/log/logstag"
        self.systemd = path / "etc/systemd/system"
        self.binary = self.prefix / "bin/logstag"

    def env(self, **extra: str) -> dict[str, str]:
        """install.sh's environment; never interactive, so it cannot wait on a prompt."""
        return clean_env(
            LOGSTAG_PREFIX=str(self.prefix), LOGSTAG_ETC=str(self.etc), LOGSTAG_STATE=str(self.state),
            LOGSTAG_LOG=str(self.log), LOGSTAG_SYSTEMD_DIR=str(self.systemd), LOGSTAG_NO_SYSTEMD="1",
            LOGSTAG_SKIP_USER="1", LOGSTAG_NONINTERACTIVE="1", **extra,
        )

    def rendered_unit(self, name: str) -> str:
        """A unit from systemd/ with the default paths replaced as install.sh does (same order)."""
        text = (UNITS / name).read_text()
        for default, actual in (("/usr/local/bin/logstag", self.binary), ("/etc/logstag", self.etc),
                                ("/var/lib/logstag", self.state), ("/var/log/logstag", self.log)):
            text = text.replace(default, str(actual))
        return text


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def run_agent_install(script: bytes, root: Root, server: str, *args: str) -> subprocess.CompletedProcess:
    """`curl .../install.sh | sudo LOGSTAG_SERVER=... sh -s -- agent`, with the script on stdin.

    A new session has no controlling terminal, as under CI, so nothing can prompt.
    """
    env = root.env(LOGSTAG_SERVER=server, LOGSTAG_ASSET="ast_e2e_test", LOGSTAG_PLATFORM="self-hosted")
    return subprocess.run(
        ["sh", "-s", "--", "agent", *args], input=script, env=env, capture_output=True, timeout=300,
        start_new_session=True,
    )


def output_of(result: subprocess.CompletedProcess) -> str:
    return (result.stdout + result.stderr).decode(errors="replace")


@pytest.fixture(scope="module")
def served_script(module_server: LogstagServer) -> bytes:
    """The installer as the server serves it at /install.sh."""
    response = requests.get(module_server.base_url + "/install.sh", timeout=10)
    assert response.status_code == 200
    return response.content


@pytest.fixture
def tampered_server(tmp_path: Path, logstag_bin: Path):
    """A tiny local web server with the real binary but a wrong .sha256 next to it."""
    site = tmp_path / "site"
    (site / "download").mkdir(parents=True)
    shutil.copy2(logstag_bin, site / "download/logstag")
    wrong = hashlib.sha256(b"not the binary").hexdigest()
    (site / "download/logstag.sha256").write_text(f"{wrong}  logstag\n")

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_served_installer_is_this_checkouts_install_sh(served_script: bytes):
    assert served_script == INSTALL_SH.read_bytes(), "the server embeds a stale copy of install.sh"


def test_agent_install_from_server(tmp_path: Path, served_script: bytes, module_server: LogstagServer,
                                   logstag_bin: Path):
    root = Root(tmp_path / "root")
    result = run_agent_install(served_script, root, module_server.base_url)
    output = output_of(result)
    assert result.returncode == 0, output

    served_sum = requests.get(module_server.base_url + "/download/logstag.sha256", timeout=10).text.split()[0]
    assert mode_of(root.binary) == 0o755
    assert sha256_file(root.binary) == served_sum == sha256_file(logstag_bin)

    unit = root.systemd / "logstag-agent.service"
    assert unit.read_text() == root.rendered_unit("logstag-agent.service"), \
        "install.sh's embedded agent unit differs from systemd/logstag-agent.service"

    config = root.etc / "agent.toml"
    assert mode_of(config) == 0o600
    assert f'api_base_url = "{module_server.base_url}"' in config.read_text()
    assert "--enroll" in output, "the installer does not explain the enrollment step"
    assert list(root.prefix.joinpath("bin").iterdir()) == [root.binary], "temporary files left behind"


def test_second_run_upgrades_and_keeps_edited_config(tmp_path: Path, served_script: bytes,
                                                     module_server: LogstagServer):
    root = Root(tmp_path / "root")
    assert run_agent_install(served_script, root, module_server.base_url).returncode == 0
    config = root.etc / "agent.toml"
    edited = config.read_text() + "\n# edited by the operator\n"
    config.write_text(edited)
    root.binary.write_bytes(b"old version")

    second = run_agent_install(served_script, root, module_server.base_url)
    assert second.returncode == 0, output_of(second)
    assert config.read_text() == edited, "a second run replaced the operator's agent.toml"
    assert mode_of(config) == 0o600
    assert root.binary.read_bytes() != b"old version", "a second run did not upgrade the binary"


def test_tampered_checksum_installs_nothing(tmp_path: Path, tampered_server: str):
    root = Root(tmp_path / "root")
    result = run_agent_install(INSTALL_SH.read_bytes(), root, tampered_server)
    assert result.returncode != 0, output_of(result)
    assert "checksum" in output_of(result).lower()
    assert not root.binary.exists(), "a binary with a wrong checksum was installed"
    assert not (root.etc / "agent.toml").exists()


def test_plain_http_to_another_host_is_refused(tmp_path: Path):
    root = Root(tmp_path / "root")
    result = run_agent_install(INSTALL_SH.read_bytes(), root, "http://logstag.example.com")
    assert result.returncode != 0
    assert "https://" in output_of(result)
    assert not root.path.exists(), "something was written before the URL was checked"


def test_token_on_the_command_line_is_refused(tmp_path: Path):
    root = Root(tmp_path / "root")
    token = "lsr_" + "a" * 50
    result = run_agent_install(INSTALL_SH.read_bytes(), root, "https://logstag.example.com", token)
    assert result.returncode != 0
    assert "command line" in output_of(result)
    assert not root.path.exists()


def test_units_pass_systemd_analyze_verify(tmp_path: Path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    root = Root(tmp_path / "root")
    root.binary.parent.mkdir(parents=True)
    shutil.copy2("/bin/true", root.binary)  # verify checks that ExecStart's program exists
    units = []
    for name in ("logstag-server.service", "logstag-agent.service"):
        units.append(tmp_path / name)
        units[-1].write_text(root.rendered_unit(name))
    result = subprocess.run([analyze, "verify", *map(str, units)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_source_install_into_temp_root(tmp_path: Path, logstag_bin: Path):
    """`sh install.sh --from-source`: builds (a no-op after scripts/test.sh's release build),
    installs binary, config and units; a second run keeps the edited server.toml."""
    root = Root(tmp_path / "root")
    env = root.env(LOGSTAG_SKIP_DEPS="1")
    command = ["sh", str(INSTALL_SH), "--from-source"]
    first = subprocess.run(command, env=env, capture_output=True, timeout=1800, start_new_session=True,
                           stdin=subprocess.DEVNULL)
    output = output_of(first)
    assert first.returncode == 0, output

    assert sha256_file(root.binary) == sha256_file(logstag_bin)
    config = root.etc / "server.toml"
    assert mode_of(config) == 0o640
    assert f'data_dir = "{root.state}"' in config.read_text()
    for name in ("logstag-server.service", "logstag-agent.service"):
        assert (root.systemd / name).read_text() == root.rendered_unit(name)
    assert mode_of(root.etc) == 0o750 and mode_of(root.state) == 0o700 and mode_of(root.log) == 0o750
    assert "systemd is not available" in output
    assert f"{root.binary} --mode server --config {config}" in output
    assert "bootstrap" in output

    config.write_text(config.read_text().replace('log_level = "info"', 'log_level = "debug"'))
    second = subprocess.run(command, env=env, capture_output=True, timeout=1800, start_new_session=True,
                            stdin=subprocess.DEVNULL)
    assert second.returncode == 0, output_of(second)
    assert 'log_level = "debug"' in config.read_text(), "a second run replaced the edited server.toml"
