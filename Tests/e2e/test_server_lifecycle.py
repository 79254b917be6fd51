"""The server process as an operator sees it: durability of acknowledged writes, graceful
shutdown with requests in flight, and HTTPS with TLS 1.2 as the floor."""

from __future__ import annotations

import signal
import socket
import ssl
import subprocess
import threading
import time
from pathlib import Path

import requests

from logstag_e2e import LogstagServer, OWNER, create_owner, csrf_token, find_token, login


def _api_key(server: LogstagServer) -> str:
    """Signs in as the owner and creates an organisation API key through the JSON API."""
    session = requests.Session()
    login(session, server.base_url)
    token = csrf_token(session, server.base_url, "/settings/api-keys")
    response = session.post(server.base_url + "/api/v1/api-keys", json={"name": "e2e"}, headers={"X-CSRF-Token": token}, timeout=30)
    assert response.status_code == 201, response.text
    return find_token(response.json(), "lsk_")


def _enrolled_agent(server: LogstagServer, api_key: str) -> str:
    """Registers an asset, issues its token and enrolls an agent; returns the lsa_ key."""
    auth = {"Authorization": f"Bearer {api_key}"}
    asset = requests.post(server.base_url + "/api/v1/assets", json={"engine": "redis", "name": "cache-e2e"}, headers=auth, timeout=30).json()
    token = requests.post(f"{server.base_url}/api/v1/assets/{asset['id']}/registration-token", headers=auth, timeout=30).json()["token"]
    enrolled = requests.post(server.base_url + "/api/v1/agent/enroll", timeout=30, json={
        "wire_version": 1, "registration_token": token, "hostname": "e2e-host", "agent_version": "0.1.0",
        "target_name": "cache", "engine": "redis", "host": "127.0.0.1", "port": 6379})
    assert enrolled.status_code == 201, enrolled.text
    return enrolled.json()["agent_key"]


def test_acknowledged_write_survives_kill_9(logstag_bin: Path, tmp_path: Path):
    """A 2xx means durable: SIGKILL right after the answer loses nothing."""
    data = tmp_path / "data"
    assert create_owner(logstag_bin, data, tmp_path).returncode == 0
    server = LogstagServer(logstag_bin, workdir=tmp_path, data_dir=data).start()
    key = _api_key(server)
    auth = {"Authorization": f"Bearer {key}"}
    created = requests.post(server.base_url + "/api/v1/assets", json={"engine": "postgresql", "name": "durable-db"}, headers=auth, timeout=30)
    assert created.status_code == 201
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)

    restarted = LogstagServer(logstag_bin, workdir=tmp_path, data_dir=data).start()
    try:
        fetched = requests.get(f"{restarted.base_url}/api/v1/assets/{created.json()['id']}", headers=auth, timeout=30)
        assert fetched.status_code == 200
        assert fetched.json()["name"] == "durable-db"
    finally:
        assert restarted.stop() == 0


def test_sigterm_lets_in_flight_requests_finish(logstag_bin: Path, tmp_path: Path):
    """SIGTERM during an agent's long-poll: the poll still gets its answer, then the server exits 0
    without waiting out the grace period."""
    data = tmp_path / "data"
    assert create_owner(logstag_bin, data, tmp_path).returncode == 0
    server = LogstagServer(logstag_bin, workdir=tmp_path, data_dir=data).start()
    agent_key = _enrolled_agent(server, _api_key(server))
    headers = {"Authorization": f"Bearer {agent_key}"}
    # The enrolment queued a connection test; take it so the next poll really waits.
    requests.get(server.base_url + "/api/v1/agent/commands?wait=0", headers=headers, timeout=30)
    result: dict = {}

    def poll() -> None:
        started = time.monotonic()
        response = requests.get(server.base_url + "/api/v1/agent/commands?wait=3", headers=headers, timeout=30)
        result.update(status=response.status_code, seconds=time.monotonic() - started)

    thread = threading.Thread(target=poll)
    thread.start()
    time.sleep(0.7)
    server.process.send_signal(signal.SIGTERM)
    signalled = time.monotonic()
    thread.join(timeout=20)
    assert result.get("status") == 204, result
    assert result["seconds"] >= 2.5
    assert server.process.wait(timeout=15) == 0
    # Background jobs (maintenance, health scheduler) stop at once: only the poll held shutdown,
    # not the 10-second grace period.
    stopped_after = time.monotonic() - signalled
    assert stopped_after < 6, f"the server took {stopped_after:.1f} s to stop"
    # The database was closed cleanly: it opens again and still has the organisation.
    restarted = LogstagServer(logstag_bin, workdir=tmp_path, data_dir=data).start()
    try:
        session = requests.Session()
        login(session, restarted.base_url)
    finally:
        assert restarted.stop() == 0


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
    return cert, key


def _handshake(port: int, cafile: Path, version: ssl.TLSVersion) -> str:
    context = ssl.create_default_context(cafile=str(cafile))
    if version < ssl.TLSVersion.TLSv1_2:
        # Let this client offer old versions at all, so a refusal below is the server's.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
    context.minimum_version = version
    context.maximum_version = version
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
            return tls.version()


def test_https_tls12_floor_and_secure_cookies(logstag_bin: Path, tmp_path: Path):
    """With a certificate and key configured the server speaks HTTPS only, TLS 1.2 or newer."""
    cert, key = _self_signed(tmp_path)
    port = LogstagServer(logstag_bin, workdir=tmp_path).port
    config = tmp_path / "server.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:{port}"\ndata_dir = "{tmp_path / "data"}"\n'
                      f'tls_certificate = "{cert}"\ntls_key = "{key}"\n')
    process = subprocess.Popen([str(logstag_bin), "--mode", "server", "--config", str(config)], cwd=tmp_path,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(f"https://127.0.0.1:{port}/login", verify=str(cert), timeout=5)
                break
            except requests.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "HTTPS server did not come up"
                time.sleep(0.3)
        assert response.status_code == 200
        assert "max-age" in response.headers.get("Strict-Transport-Security", "")
        assert "__Host-logstag_csrf=" in response.headers.get("Set-Cookie", "")
        assert "Secure" in response.headers.get("Set-Cookie", "")
        assert _handshake(port, cert, ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
        assert _handshake(port, cert, ssl.TLSVersion.TLSv1_3) == "TLSv1.3"
        for old in (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1):
            try:
                _handshake(port, cert, old)
            except (ssl.SSLError, OSError):
                continue
            raise AssertionError(f"{old} was accepted")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
