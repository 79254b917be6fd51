"""The agent end to end, the way an operator sets it up: server, asset, registration token, the
generated install command (install.sh from the server into a temporary root), enrollment,
and the running agent against the real PostgreSQL 15 (and Valkey 8) of
scripts/test-databases.sh.

What is proven (pass criteria):

* the install command from POST .../registration-token installs the served binary and
  enrolls the host with LOGSTAG_TOKEN_FILE: agent.toml stays 0600 and holds the agent key
  encrypted (enc:v1:), the target's asset_id, and no plaintext database password;
* within 60 s of starting the agent the PostgreSQL asset is Connected, with version 15.x,
  port 55432, host and last check filled in from what the agent reported;
* the collection API lists signals of all four tiers with status ok and plausible row counts
  (pg_settings > 100 rows, a pg_database_stats row for database `postgres`, pg_stat_statements
  ok with the pg_monitor role) and the high tier carries `agent_self`;
* a connection test requested through the API comes back `passed` with the pg_monitor and
  pg_stat_statements checks passing;
* a second asset (Valkey) enrolled on the SAME agent with its own token (`--enroll --target
  cache`) reuses the agent key: both assets report the same agent id and both are Connected.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from agent_e2e import (TICK_S, TIERS, VALKEY8_PORT, AgentHome, AgentProcess, InstallRoot, Org, PgRole, ServerData,
                       install_variables, insert_agent_settings, mode_of, pg_target, redis_target, start_org_server,
                       wait_for_signal, wait_until, write_private)

CONNECTED_WITHIN_S = 60
#: A restarted agent answers the connection test queued by an enrollment on its first poll.
RECONNECTED_WITHIN_S = 30


class Installed:
    """State shared by the module's tests: one server, one installed and enrolled agent."""

    server = None
    org: Org
    role: PgRole
    root: InstallRoot
    home: AgentHome
    agent: AgentProcess
    asset_id: str
    token: str
    install_output: str
    started_at: float


@pytest.fixture(scope="module")
def installed(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("agent-e2e")
    state = Installed()
    state.server, state.org = start_org_server(logstag_bin, work / "server")
    state.role = PgRole.create("lse2e")
    try:
        asset = state.org.create_asset("postgresql", "orders-db-e2e")
        state.asset_id = asset["id"]
        issued = state.org.issue_token(state.asset_id)
        state.token = issued["token"]
        variables = install_variables(issued["install_command"])
        assert variables["LOGSTAG_SERVER"] == state.server.base_url, issued["install_command"]
        assert variables.get("LOGSTAG_ASSET") == state.asset_id, issued["install_command"]
        script = requests.get(state.server.base_url + "/install.sh", timeout=30)
        assert script.status_code == 200

        state.root = InstallRoot(work / "root")
        # 1. The install command as shown, without a token yet: binary and agent.toml (no target).
        first = state.root.run_installer(script.content, variables)
        first_output = (first.stdout + first.stderr).decode(errors="replace")
        assert first.returncode == 0, first_output
        assert mode_of(state.root.config) == 0o600
        state.home = state.root.home()

        # 2. The operator adds the database: a dedicated pg_monitor role, password encrypted.
        insert_agent_settings(state.root.config, [
            f'state_dir = "{state.root.state}"', f'log_dir = "{state.root.log}"', "startup_warmup_delay = 0",
            *(f"{tier}_frequency_interval = {TICK_S}" for tier in TIERS)])
        check = state.home.run("--check-config")
        assert check.returncode == 0, check.stdout + check.stderr
        target = pg_target("main", state.role)
        target.password = state.home.encrypt(state.role.password)
        state.home.append_target(target)

        # 3. The same install command again, now with the token in a root-only file: upgrade + enroll.
        token_file = write_private(work / "token", state.token + "\n")
        second = state.root.run_installer(script.content, variables, LOGSTAG_TOKEN_FILE=str(token_file))
        state.install_output = (second.stdout + second.stderr).decode(errors="replace")
        assert second.returncode == 0, state.install_output

        state.agent = AgentProcess(state.home).start()
        state.started_at = time.time()
        yield state
    finally:
        try:
            if getattr(state, "agent", None):
                state.agent.stop()
        finally:
            state.server.stop()
            state.role.drop()


def test_install_command_enrolls_with_token_file(installed: Installed):
    config_text = installed.root.config.read_text()
    parsed = installed.home.parsed()
    assert "Enrolled" in installed.install_output or "enrolled" in installed.install_output, installed.install_output
    assert installed.token not in installed.install_output, "the installer printed the registration token"
    assert mode_of(installed.root.config) == 0o600
    assert parsed["agent"]["api_key"].startswith("enc:v1:"), "the agent key is not stored encrypted"
    assert "lsa_" not in config_text, "the agent key is in agent.toml in plain text"
    assert parsed["targets"]["main"]["asset_id"] == installed.asset_id
    assert parsed["targets"]["main"]["db_password"].startswith("enc:v1:")
    assert installed.role.password not in config_text
    assert (installed.root.state / "host.key").exists() and mode_of(installed.root.state / "host.key") == 0o600


def test_postgres_asset_turns_connected_with_reported_facts(installed: Installed):
    last: dict = {}

    def connected_with_facts():
        last.update(installed.org.asset(installed.asset_id))
        return last if last["status"] == "Connected" and last["version"] and last["last_check_at"] else None

    asset = wait_until(connected_with_facts, CONNECTED_WITHIN_S, 0.5, lambda: f"not Connected with facts: {last}")
    installed.agent.assert_alive()
    assert asset["version"] and re.match(r"^(PostgreSQL )?15\.\d+", asset["version"]), asset
    assert asset["port"] == 55432, asset
    assert asset["server"] == "127.0.0.1", asset
    assert asset["last_check_at"], asset
    assert asset["agent_id"], asset


def test_collection_reports_all_four_tiers_ok(installed: Installed):
    org, asset_id = installed.org, installed.asset_id
    wanted = {"pg_activity": "high", "pg_sessions_by_state": "high", "agent_self": "high", "pg_database_stats": "medium",
              "pg_stat_statements": "medium", "pg_settings": "low", "pg_version": "low", "pg_tables": "schema",
              "pg_schemas": "schema"}
    last: dict = {}

    def all_ok():
        last.clear()
        last.update({item["name"]: item for item in org.collection(asset_id)["signals"]})
        return all(name in last and last[name]["status"] == "ok" for name in wanted)

    wait_until(all_ok, CONNECTED_WITHIN_S, 1, lambda: "missing or not ok: " + str(
        {name: last.get(name) for name in wanted if last.get(name, {}).get("status") != "ok"}))
    for name, tier in wanted.items():
        assert last[name]["tier"] == tier, last[name]
    tiers_ok = {item["tier"] for item in last.values() if item["status"] == "ok"}
    assert tiers_ok == set(TIERS), f"tiers with an ok signal: {tiers_ok}"
    assert last["pg_settings"]["rows"] > 100, last["pg_settings"]
    assert last["pg_activity"]["rows"] >= 1, last["pg_activity"]
    assert last["pg_version"]["rows"] == 1, last["pg_version"]
    assert last["agent_self"]["rows"] == 1, last["agent_self"]

    data = ServerData(installed.server.data_dir)
    databases = {row.get("tag_database") for row in data.rows_of_latest(asset_id, "pg_database_stats")}
    assert "postgres" in databases, f"pg_database_stats rows are for {databases}"
    self_row = data.rows_of_latest(asset_id, "agent_self")[0]
    for column in ("rss_bytes", "cpu_seconds", "spool_bytes", "sent_batches", "retries"):
        assert column in self_row, f"agent_self lacks {column}: {self_row}"
    assert 0 < self_row["rss_bytes"] < 256 * 1024 * 1024, self_row


def test_connection_test_through_the_api_passes(installed: Installed):
    test = installed.org.connection_test(installed.asset_id, timeout=60)
    assert test["status"] == "passed", test
    result = test["result"]
    assert result["success"] is True, result
    checks = {check["name"]: check["status"] for check in result["checks"]}
    assert checks.get("pg_monitor membership") == "pass", checks
    statements = {name: status for name, status in checks.items() if "pg_stat_statements" in name}
    assert statements and all(status == "pass" for status in statements.values()), checks
    assert not [name for name, status in checks.items() if status == "fail"], checks


def test_second_target_on_the_same_agent(installed: Installed):
    """A Valkey asset enrolled on the same agent with its own token shares the agent id."""
    org, home = installed.org, installed.home
    key_before = home.parsed()["agent"]["api_key"]
    cache = org.create_asset("valkey", "cache-e2e")
    token = org.issue_token(cache["id"])["token"]
    target = redis_target("cache", VALKEY8_PORT, engine="valkey")
    target.password = home.encrypt(target.password)
    home.append_target(target)
    # The agent reads its targets at start: stop it, enroll, start it again.
    installed.agent.stop_cleanly()
    home.enroll(token, target="cache")
    assert home.parsed()["agent"]["api_key"] == key_before, "a second enrollment replaced the agent key"
    assert home.asset_id("cache") == cache["id"]
    installed.agent = AgentProcess(home).start()
    try:
        cache_asset = org.wait_status(cache["id"], "Connected", RECONNECTED_WITHIN_S)
    except AssertionError as error:
        raise AssertionError(f"the restarted agent did not answer the connection test queued by the enrollment within "
                             f"{RECONNECTED_WITHIN_S} s: {error}") from None
    main_asset = org.wait_status(installed.asset_id, "Connected", CONNECTED_WITHIN_S)
    assert cache_asset["agent_id"] and cache_asset["agent_id"] == main_asset["agent_id"], (cache_asset, main_asset)
    agents = org.agents()
    assert len(agents) == 1, f"expected one enrolled agent, found {agents}"
    assert agents[0]["id"] == main_asset["agent_id"], agents
    assert sorted(agents[0]["assets"]) == sorted([cache_asset["name"], main_asset["name"]]), agents
    assert wait_for_signal(org, cache["id"], "redis_clients", 3 * TICK_S)["rows"] >= 1
