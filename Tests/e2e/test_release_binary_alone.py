"""The release binary, copied alone into an empty directory, is the whole product.

Resources are embedded at build time, so nothing next to the binary may be needed: every page,
every stylesheet and script, the installer and the binary's own checksum must be served.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from pathlib import Path

import requests

from logstag_e2e import (
    OWNER, PRODUCT_NAME, LogstagServer, clean_env, create_owner, login, sha256_file, static_links,
)

PAGES = ["/assets", "/assets/new", "/members", "/settings/api-keys", "/agents", "/audit"]


def run_binary(binary: Path, *args: str) -> subprocess.CompletedProcess:
    """Runs the binary with arguments and captures its output (stdout and stderr together)."""
    return subprocess.run(
        [str(binary), *args], capture_output=True, text=True, timeout=30, env=clean_env(), stdin=subprocess.DEVNULL
    )


def copy_alone(binary: Path, directory: Path) -> Path:
    """Copies only the binary into an empty directory, as an operator would scp it."""
    directory.mkdir()
    copy = Path(shutil.copy2(binary, directory / "logstag"))
    assert sorted(directory.iterdir()) == [copy]
    return copy


def fetch_ok(session: requests.Session, url: str) -> requests.Response:
    """GET without following redirects: a redirect to /login must not pass for a page."""
    response = session.get(url, allow_redirects=False, timeout=30)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return response


def test_version_and_help(logstag_bin: Path):
    version = run_binary(logstag_bin, "--version")
    assert version.returncode == 0, version.stderr
    assert re.search(r"\d+\.\d+", version.stdout + version.stderr), version.stdout

    help_text = run_binary(logstag_bin, "--help")
    assert help_text.returncode == 0, help_text.stderr
    text = help_text.stdout + help_text.stderr
    for mode in ("server", "agent", "setup"):
        assert mode in text, f"--help does not mention the {mode} mode:\n{text}"


def test_first_start_creates_data_dir_in_working_directory(logstag_bin: Path, tmp_path: Path):
    workdir = tmp_path / "alone"
    binary = copy_alone(logstag_bin, workdir)

    with LogstagServer(binary, workdir=workdir) as server:
        data_dir = workdir / "logstag-data"
        assert data_dir.is_dir(), "the server did not create ./logstag-data in its working directory"
        assert server.bootstrap_url().startswith(server.base_url + "/bootstrap/lsb_")
        secret = data_dir / "secret.key"
        assert secret.is_file(), "no secret.key in the data directory"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_binary_alone_serves_every_page(logstag_bin: Path, tmp_path: Path):
    workdir = tmp_path / "alone"
    binary = copy_alone(logstag_bin, workdir)
    create_owner(binary, workdir / "logstag-data", workdir)

    with LogstagServer(binary, workdir=workdir) as server:
        base = server.base_url
        session = requests.Session()
        login(session, base, OWNER)

        pages = {path: fetch_ok(session, base + path).text for path in PAGES}
        for path, html in pages.items():
            assert PRODUCT_NAME in html, f"{path} does not name the product"

        assets = set().union(*(static_links(html) for html in pages.values()))
        assert assets, "no page links a /static/ file"
        for path in sorted(assets):
            assert fetch_ok(session, base + path).content, f"{path} is empty"

        installer = fetch_ok(session, base + "/install.sh").text
        assert installer.startswith("#!/bin/sh"), installer[:80]

        checksum = fetch_ok(session, base + "/download/logstag.sha256").text
        assert re.fullmatch(r"[0-9a-f]{64}  logstag\n?", checksum), checksum
        assert checksum.split()[0] == sha256_file(binary), "the served checksum is not this binary's"


def test_agent_and_setup_modes_explain_what_is_missing(logstag_bin: Path, tmp_path: Path):
    """Without a configuration (agent) or a terminal (setup) the modes say what to do and exit non-zero."""
    missing = tmp_path / "absent.toml"
    agent = subprocess.run([str(logstag_bin), "--mode", "agent", "--config", str(missing)], cwd=tmp_path,
                           capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert agent.returncode not in (0, 64), (agent.returncode, agent.stderr)
    assert str(missing) in agent.stderr, agent.stderr
    setup = subprocess.run([str(logstag_bin), "--mode", "setup"], cwd=tmp_path, capture_output=True, text=True,
                           timeout=30, stdin=subprocess.DEVNULL, env=clean_env())
    assert setup.returncode == 1, (setup.returncode, setup.stdout, setup.stderr)
    assert "Traceback" not in setup.stderr and "Fatal error" not in setup.stderr, setup.stderr
    bad = subprocess.run([str(logstag_bin), "--mode", "proxy"], cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert bad.returncode != 0 and "mode" in bad.stderr


def test_check_config_names_the_key_and_line(logstag_bin: Path, tmp_path: Path):
    """A malformed config stops start-up with a message naming the key and its line."""
    config = tmp_path / "server.toml"
    config.write_text('[server]\nlisten = "127.0.0.1:8080"\n\nlisen = "oops"\n')
    result = subprocess.run([str(logstag_bin), "--mode", "server", "--config", str(config), "--check-config"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert result.returncode == 78, result
    assert "lisen" in result.stderr and "line 4" in result.stderr, result.stderr
    config.write_text('[server]\nlisten = "127.0.0.1:8080"\n')
    ok = subprocess.run([str(logstag_bin), "--mode", "server", "--config", str(config), "--check-config"],
                        cwd=tmp_path, capture_output=True, text=True, timeout=30)
    assert ok.returncode == 0 and "Configuration OK" in ok.stdout
