"""Health check end to end on Redis: a deliberately unhealthy redis-server and a clean one of the
same shape, each watched by a real agent, checked through the API.

Planted in the unhealthy server (pass criterion: the report names each with the right status):

* no password at all (no requirepass, default user nopass)      -> no_authentication Critical
* no maxmemory                                                  -> maxmemory_unset Attention
* slow commands (a Lua busy loop of ~30 ms, run 12 times)       -> slowlog_entries Attention, scope command "eval"

The clean server has a password, maxmemory with allkeys-lru, persistence on and the dangerous
commands denied to the application user; it must score Healthy (overall >= 60), and none of the
planted rules may fire on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_e2e import TICK_S, AgentHome, Target, enrolled_agent, start_org_server, unique
from health_e2e import OpenRedis, wait_connected, finding, not_healthy, run_health_check

#: The dedicated monitoring user the agent's connection test recommends.
MONITOR_ACL = ("+ping +select +info +dbsize +role +client|list +memory|stats +slowlog|get +slowlog|len +latency|latest "
               "+config|get +acl|users +acl|getuser +client|setname")

#: Enough iterations for well over the 10 ms slow-log threshold of the catalogue on any machine.
BUSY_LOOP = "local i = 0 while i < 3000000 do i = i + 1 end return i"


@pytest.fixture(scope="module")
def org(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    server, org = start_org_server(logstag_bin, tmp_path_factory.mktemp("health-redis") / "server")
    yield org
    server.stop()


def watch(org, logstag_bin: Path, workdir: Path, redis: OpenRedis, username: str = "", password: str = "") -> tuple:
    home = AgentHome(workdir / "agent", logstag_bin)
    target = Target("cache", "redis", redis.port, username, password, "0")
    assets = enrolled_agent(org, home, [(target, "redis")])
    agent = home.start()
    wait_connected(org, assets["cache"])
    return agent, assets["cache"]


def test_unhealthy_redis_report_names_every_planted_problem(org, logstag_bin: Path, tmp_path: Path):
    redis = OpenRedis(tmp_path / "redis", password=None).start()
    agent = None
    try:
        for number in range(12):
            redis.cli("SET", f"key:{number}", "v")
            redis.cli("EVAL", BUSY_LOOP, "0")
        agent, asset_id = watch(org, logstag_bin, tmp_path, redis)
        run = run_health_check(org, asset_id)
        report = run["report"]
        problems = not_healthy(report)

        assert finding(report, "no_authentication")["status"] == "Critical", problems.keys()
        assert finding(report, "maxmemory_unset")["status"] == "Attention", problems.keys()
        slow = finding(report, "slowlog_entries")
        assert slow["status"] == "Attention", slow
        assert slow["scope"] == "command" and "eval" in [name.lower() for name in slow["objects"]], slow
        assert slow["table"]["total_rows"] >= 12, slow["table"]

        # Redis/Valkey reports have the three tabs of DESIGN.md only, and the verdict follows the score.
        assert {tab["tab"] for tab in report["score"]["tabs"]} <= {"Configuration", "Performance", "Schema"}
        assert report["header"]["critical_count"] >= 1
        assert report["header"]["engine"] == "redis"
        assert report["scope"]["total_objects"] == 0  # Redis has an empty scope
    finally:
        if agent:
            agent.stop()
        redis.stop()


def test_clean_redis_of_the_same_shape_scores_healthy(org, logstag_bin: Path, tmp_path: Path):
    password = "pw-" + unique("clean")
    redis = OpenRedis(tmp_path / "redis", password=password, extra_config=(
        "maxmemory 64mb\nmaxmemory-policy allkeys-lru\nappendonly yes\nsave 3600 1\n"
        "user default on >" + password + " ~* &* +@all -@dangerous\n"
        "user logstag_monitor on >" + password + " ~* &* -@all " + MONITOR_ACL + "\n")).start()
    agent = None
    try:
        for number in range(12):
            redis.cli("SET", f"key:{number}", "v", "EX", "3600")
            redis.cli("GET", f"key:{number}")
        agent, asset_id = watch(org, logstag_bin, tmp_path, redis, username="logstag_monitor", password=password)
        run = run_health_check(org, asset_id)
        report = run["report"]
        problems = not_healthy(report)
        for planted in ("no_authentication", "maxmemory_unset", "slowlog_entries", "persistence_disabled"):
            assert planted not in problems, problems[planted]
        assert report["score"]["result"] == "Healthy", (report["score"], sorted(problems))
        assert report["header"]["overall_score"] >= 60
    finally:
        if agent:
            agent.stop()
        redis.stop()


def test_second_run_reports_deltas_and_compares(org, logstag_bin: Path, tmp_path: Path):
    """Two runs on the same asset: the second carries deltas, and the comparison API lists what
    changed after the problem was fixed (maxmemory set between the runs)."""
    redis = OpenRedis(tmp_path / "redis", password=None).start()
    agent = None
    try:
        agent, asset_id = watch(org, logstag_bin, tmp_path, redis)
        first = run_health_check(org, asset_id)
        assert finding(first["report"], "maxmemory_unset")["status"] == "Attention"
        redis.cli("CONFIG", "SET", "maxmemory", "64mb")
        second = run_health_check(org, asset_id)
        fixed = finding(second["report"], "maxmemory_unset")
        assert fixed["status"] == "Healthy", fixed
        assert fixed["delta"]["previous_run_id"] == first["id"] and fixed["delta"]["change"] == "better", fixed["delta"]

        compared = org.api("GET", f"/api/v1/health-checks/compare?base={first['id']}&target={second['id']}")
        assert compared.status_code == 200, compared.text
        body = compared.json()
        assert "maxmemory_unset" in [item["rule_id"] for item in body["removed_findings"]], body
        assert any(item["name"] == "maxmemory" for item in body["changed_settings"]), body["changed_settings"]

        history = org.api("GET", f"/api/v1/assets/{asset_id}/health-checks")
        assert history.status_code == 200, history.text
        items = history.json()["items"] if isinstance(history.json(), dict) else history.json()
        assert [item["id"] for item in items][:2] == [second["id"], first["id"]]
    finally:
        if agent:
            agent.stop()
        redis.stop()
