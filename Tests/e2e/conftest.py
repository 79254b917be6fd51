"""Fixtures for the end-to-end tests: the release binary and running servers.

The binary comes from $LOGSTAG_BIN (scripts/test.sh passes the release build). Each server
runs on a free 127.0.0.1 port with its own temporary data directory and must exit 0 within
15 s of SIGTERM: a clean shutdown is part of what these tests check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from logstag_e2e import LogstagServer, release_binary


@pytest.fixture(scope="session")
def logstag_bin() -> Path:
    """Path of the release binary; a missing binary fails every test that needs it."""
    try:
        return release_binary()
    except RuntimeError as error:
        pytest.fail(str(error))


def _run_server(binary: Path, workdir: Path):
    """Starts a server in workdir with workdir/data as its data directory; stops it cleanly."""
    server = LogstagServer(binary, workdir=workdir, data_dir=workdir / "data")
    with server:
        yield server


@pytest.fixture
def logstag_server(logstag_bin: Path, tmp_path: Path):
    """A fresh server (no organisation yet, so it has printed its bootstrap link)."""
    yield from _run_server(logstag_bin, tmp_path)


@pytest.fixture
def base_url(logstag_server: LogstagServer) -> str:
    """Base URL of a fresh server, e.g. http://127.0.0.1:41234."""
    return logstag_server.base_url


@pytest.fixture(scope="module")
def module_server(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    """One server shared by a module's tests, for tests that only read from it."""
    yield from _run_server(logstag_bin, tmp_path_factory.mktemp("server"))
