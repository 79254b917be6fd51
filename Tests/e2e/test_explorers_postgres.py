"""Query and Activity Explorers end to end on PostgreSQL 15: known activity is generated on a
private cluster watched by a real agent (every tier every 5 s), and the explorers' API must show
exactly that.

* a statement run exactly 7 times, then pg_stat_statements_reset(), then 3 more times:
  the Query Explorer counts 10 calls in the window, and no figure is ever negative;
* a blocking chain of three sessions (holder idle in transaction <- blocked-and-blocking <- blocked):
  the Activity Explorer draws one chain rooted at the holder with the three modes, and lists the
  holder as Idle in Transaction.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests

from agent_e2e import AgentHome, Target, enrolled_agent, start_org_server, wait_until
from health_e2e import PrivatePostgres, wait_connected
from logstag_e2e import login

PROBE = "SELECT count(*) AS explorer_probe FROM orders WHERE id > {}"


@pytest.fixture(scope="module")
def watched(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("explorers")
    server, org = start_org_server(logstag_bin, workdir / "server")
    cluster = PrivatePostgres().start()
    cluster.psql("CREATE DATABASE shop;")
    cluster.psql("CREATE EXTENSION pg_stat_statements;", database="shop")
    cluster.psql("CREATE TABLE orders (id bigint PRIMARY KEY, note text);"
                 "INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 100) g;", database="shop")
    role, password = cluster.create_role("lsexplore", superuser=True)
    home = AgentHome(workdir / "agent", logstag_bin)
    assets = enrolled_agent(org, home, [(Target("main", "postgresql", cluster.port, role, password, "shop"), "postgresql")])
    agent = home.start()
    wait_connected(org, assets["main"])
    yield org, cluster, assets["main"]
    agent.stop()
    cluster.stop()
    server.stop()


def probe_rows(org, asset_id: str) -> list[dict]:
    answer = org.api("GET", "/api/v1/queries", params={"instance": asset_id, "window": "1h", "search": "explorer_probe"})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def test_query_explorer_counts_exact_calls_across_a_stats_reset(watched):
    org, cluster, asset_id = watched
    time.sleep(12)  # two statement collections: the agent's tracker has a previous state
    for value in range(7):
        cluster.psql(PROBE.format(value), database="shop")
    wait_until(lambda: probe_rows(org, asset_id) and probe_rows(org, asset_id)[0]["calls"] == 7, timeout=40)
    [row] = probe_rows(org, asset_id)
    assert "$1" in row["query"] and "explorer_probe" in row["query"], row["query"]
    assert row["mean_time_ms"] is not None and row["mean_time_ms"] >= 0

    cluster.psql("SELECT pg_stat_statements_reset();", database="shop")
    for value in range(3):
        cluster.psql(PROBE.format(value), database="shop")
    wait_until(lambda: probe_rows(org, asset_id)[0]["calls"] == 10, timeout=40)

    everything = org.api("GET", "/api/v1/queries", params={"instance": asset_id, "window": "1h", "limit": 200}).json()
    for item in everything["items"]:
        for key in ("calls", "total_time_ms", "rows"):
            assert item[key] >= 0, (key, item)
    [row] = probe_rows(org, asset_id)
    detail = org.api("GET", f"/api/v1/queries/{row['id']}", params={"window": "1h"})
    assert detail.status_code == 200, detail.text
    body = detail.json()
    assert sum(bucket["calls"] for bucket in body["buckets"]) == 10
    assert all(bucket["calls"] >= 0 for bucket in body["buckets"])
    assert body["statistics"]["calls"] == 10
    assert body["query"] == row["query"]

    # Column filters match exactly, on the server: the statement's own database and user find it,
    # another user does not; the page shows the filter as a removable chip.
    params = {"instance": asset_id, "window": "1h", "search": "explorer_probe"}
    mine = org.api("GET", "/api/v1/queries", params={**params, "database": row["database"], "user": row["user"]}).json()
    assert [item["id"] for item in mine["items"]] == [row["id"]], mine
    assert mine["filters"]["database"] == row["database"]
    other = org.api("GET", "/api/v1/queries", params={**params, "user": "no_such_user"}).json()
    assert other["total"] == 0 and other["items"] == [], other
    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(org.base_url + "/queries", params={**params, "database": row["database"]}, timeout=30)
    assert page.status_code == 200 and f"Database: {row['database']}" in page.text
    assert 'data-columns="queries"' in page.text and "/static/explorer-tables.js" in page.text

    # Bad input: a clear 4xx with {code, message}.
    too_long = org.api("GET", "/api/v1/queries", params={"database": "x" * 200})
    assert too_long.status_code == 400 and too_long.json()["code"] == "invalid_database", too_long.text
    bad = org.api("GET", "/api/v1/queries", params={"window": "2h"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_window", bad.text
    foreign = org.api("GET", "/api/v1/queries", params={"instance": "not-an-asset"})
    assert foreign.status_code == 400 and foreign.json()["code"] == "invalid_instance", foreign.text
    assert org.api("GET", "/api/v1/queries/999999").status_code == 404


def test_activity_explorer_draws_a_three_session_blocking_chain(watched):
    org, cluster, asset_id = watched
    cluster.psql("INSERT INTO orders VALUES (1001, 'a'), (1002, 'b') ON CONFLICT DO NOTHING;", database="shop")
    cluster.hold_session("BEGIN;", "UPDATE orders SET note = 'holder' WHERE id = 1001;", database="shop", application="holder")
    time.sleep(1)
    cluster.hold_session("BEGIN;", "UPDATE orders SET note = 'middle' WHERE id = 1002;",
                         "UPDATE orders SET note = 'middle' WHERE id = 1001;", database="shop", application="middle")
    time.sleep(1)
    cluster.hold_session("UPDATE orders SET note = 'tail' WHERE id = 1002;", database="shop", application="tail")

    def chain():
        answer = org.api("GET", f"/api/v1/activity/{asset_id}", params={"window": "1h"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        chains = body["blocking"]["chains"]
        return body if chains and len(chains[0]["nodes"]) == 3 else None

    body = wait_until(chain, timeout=40)
    [only] = body["blocking"]["chains"]
    modes = [node["mode"] for node in only["nodes"]]
    assert modes == ["Holding", "BlockedAndBlocking", "Blocked"], only
    assert [node["depth"] for node in only["nodes"]] == [0, 1, 2]
    assert only["blocked_sessions"] == 2 and body["blocking"]["blocked_sessions"] == 2
    holder = next(w for w in body["workloads"] if w["application"] == "holder")
    assert holder["category"] == "Idle in Transaction", holder
    assert only["root_pid"] == holder["pid"]
    states = {entry["state"]: entry["sessions"] for entry in body["states_now"]}
    assert states["Idle in Transaction"] >= 1 and states["Waiting for Lock"] == 2, states
    assert body["states_over_time"], "the sessions-by-state series has samples"

    listing = org.api("GET", "/api/v1/activity", params={"instance": asset_id}).json()
    [instance] = listing["items"]
    assert instance["blocked"] == 2 and instance["no_data_reason"] is None, instance

    # The page shows the longest block as a duration (the API's seconds, rounded).
    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(f"{org.base_url}/activity/{asset_id}", params={"window": "1h"}, timeout=30)
    assert page.status_code == 200
    longest = re.search(r'Longest block</span><span class="tile__value">([^<]*)<', page.text)
    assert longest and re.fullmatch(r"\d+ s|\d+ min \d+ s", longest.group(1)), longest
