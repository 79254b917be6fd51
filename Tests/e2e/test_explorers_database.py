"""Database Explorer and Overview end to end: a private PostgreSQL 15 cluster, a private Redis 7
and the shared Valkey 8, each watched by a real agent (every tier every 5 s), read back through
the API and the pages.

Known activity:
* PostgreSQL: a database `inventory` with a table of 2,000 rows and one index, and 40 committed
  transactions: the list shows `inventory` with engine and instance, objects = tables + indexes,
  and the detail draws connections and transactions charts with points;
* Redis 7: exactly K keys SET in db 0 of a fresh server: total keys == K and memory > 0;
* Valkey 8: the shared server, logical database 11 flushed and then given K2 keys: total keys == K2;
* /api/v1/overview counts the three instances and every reported database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from agent_e2e import VALKEY8_PORT, AgentHome, PrivateRedis, Target, enrolled_agent, redis_cli, redis_target, start_org_server, wait_until
from health_e2e import PrivatePostgres, wait_connected
from logstag_e2e import login

REDIS_KEYS = 37
VALKEY_KEYS = 23
VALKEY_DB = "11"
TRANSACTIONS = 40


@pytest.fixture(scope="module")
def watched(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("explorer-databases")
    server, org = start_org_server(logstag_bin, workdir / "server")
    cluster = PrivatePostgres().start()
    cluster.psql("CREATE DATABASE inventory;")
    cluster.psql("CREATE TABLE items (id bigint PRIMARY KEY, label text);"
                 "INSERT INTO items SELECT g, repeat('x', 100) FROM generate_series(1, 2000) g;", database="inventory")
    role, password = cluster.create_role("lsdbexp", superuser=True)
    redis = PrivateRedis(workdir / "redis").start()
    for number in range(REDIS_KEYS):
        redis.cli("SET", f"explorer:{number}", "v")
    redis_cli(VALKEY8_PORT, "-n", VALKEY_DB, "FLUSHDB")
    for number in range(VALKEY_KEYS):
        redis_cli(VALKEY8_PORT, "-n", VALKEY_DB, "SET", f"explorer:{number}", "v")
    home = AgentHome(workdir / "agent", logstag_bin)
    valkey = redis_target("kv", VALKEY8_PORT, engine="valkey")
    valkey.db_name = VALKEY_DB
    assets = enrolled_agent(org, home, [
        (Target("main", "postgresql", cluster.port, role, password, "inventory"), "postgresql"),
        (redis_target("cache", redis.port, password=redis.password), "redis"),
        (valkey, "valkey"),
    ])
    agent = home.start()
    for asset_id in assets.values():
        wait_connected(org, asset_id)
    for _ in range(TRANSACTIONS):
        cluster.psql("BEGIN; UPDATE items SET label = 'y' WHERE id = 1; COMMIT;", database="inventory")
    yield org, assets
    agent.stop()
    redis.stop()
    cluster.stop()
    server.stop()


def databases(org, **params) -> list[dict]:
    answer = org.api("GET", "/api/v1/databases", params={"window": "1h", "limit": 200, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


def row_of(org, asset_id: str, database: str) -> dict | None:
    return next((item for item in databases(org, instance=asset_id) if item["database"] == database), None)


def test_list_shows_every_database_with_engine_and_instance(watched):
    org, assets = watched
    inventory = wait_until(lambda: (row := row_of(org, assets["main"], "inventory")) and row["objects"] and row, timeout=60)
    assert inventory["engine"] == "postgresql"
    assert inventory["instance"] == org.asset(assets["main"])["name"]
    # One table with its primary key index (the agent may see more catalog-free objects, never fewer).
    assert inventory["objects"] >= 2, inventory
    assert inventory["size_bytes"] and inventory["size_bytes"] > 100_000, inventory
    expected = "online" if org.asset(assets["main"])["status"] == "Connected" else "offline"
    assert inventory["status"] == expected, (inventory, org.asset(assets["main"])["status"])
    names = {item["database"] for item in databases(org, instance=assets["main"])}
    assert {"inventory", "postgres"} <= names and not names & {"template0", "template1"}, names

    cache = wait_until(lambda: row_of(org, assets["cache"], "db0"), timeout=60)
    assert cache["engine"] == "redis" and cache["instance"] == org.asset(assets["cache"])["name"]
    kv = wait_until(lambda: row_of(org, assets["kv"], "db" + VALKEY_DB), timeout=60)
    assert kv["engine"] == "valkey"

    only_redis = databases(org, engine="redis")
    assert [item["asset_id"] for item in only_redis] == [assets["cache"]]
    searched = databases(org, search="invent")
    assert [item["database"] for item in searched] == ["inventory"]

    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(org.base_url + "/databases", timeout=30)
    assert page.status_code == 200
    assert "inventory" in page.text and "db0" in page.text and "Valkey" in page.text


def test_postgres_detail_draws_connections_and_transactions(watched):
    org, assets = watched

    def detail():
        answer = org.api("GET", f"/api/v1/databases/{assets['main']}/inventory", params={"window": "1h"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        charts = {chart["id"]: chart for chart in body["charts"]}
        points = lambda chart_id: sum(len(series["points"]) for series in charts[chart_id]["series"])  # noqa: E731
        return body if points("connections") >= 2 and points("transactions") >= 2 else None

    body = wait_until(detail, timeout=90, interval=2)
    charts = {chart["id"]: chart for chart in body["charts"]}
    commits = charts["transactions"]["series"][0]["points"]
    assert all(point["value"] >= 0 for point in commits), commits
    assert any(point["value"] > 0 for point in commits), commits
    tiles = {tile["id"]: tile for tile in body["tiles"]}
    assert set(tiles) == {"size", "objects", "connections", "throughput"}
    assert tiles["size"]["value"] > 100_000
    assert body["health"]["status"] in ("pending", "scored")
    assert len(body["health"]["dimensions"]) == 5

    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(org.base_url + f"/databases/{assets['main']}/inventory", timeout=30)
    assert page.status_code == 200
    assert 'data-chart="transactions"' in page.text and "health-ring" in page.text
    assert f"/databases/{assets['main']}/inventory?tab=schema" in page.text

    missing = org.api("GET", f"/api/v1/databases/{assets['main']}/no_such_database")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found", missing.text
    bad = org.api("GET", "/api/v1/databases", params={"window": "2h"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_window", bad.text


@pytest.mark.parametrize("target,database,keys", [("cache", "db0", REDIS_KEYS), ("kv", "db" + VALKEY_DB, VALKEY_KEYS)])
def test_key_value_detail_shows_exact_keys_and_memory(watched, target: str, database: str, keys: int):
    org, assets = watched

    def detail():
        answer = org.api("GET", f"/api/v1/databases/{assets[target]}/{database}", params={"window": "1h"})
        if answer.status_code == 404:
            return None
        assert answer.status_code == 200, answer.text
        return answer.json()

    body = wait_until(detail, timeout=60)
    tiles = {tile["id"]: tile for tile in body["tiles"]}
    assert tiles["keys"]["value"] == keys, tiles["keys"]
    assert tiles["memory"]["value"] > 0, tiles["memory"]
    assert set(tiles) == {"memory", "keys", "connections", "throughput", "hit_rate"}
    assert {chart["id"] for chart in body["charts"]} == {"memory", "keys", "connections", "operations", "hit_rate"}
    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(org.base_url + f"/databases/{assets[target]}/{database}", timeout=30)
    assert page.status_code == 200 and "tab=schema" not in page.text


def test_overview_counts_instances_and_databases(watched):
    org, assets = watched
    wait_until(lambda: row_of(org, assets["kv"], "db" + VALKEY_DB) and row_of(org, assets["cache"], "db0"), timeout=60)
    listed = len(databases(org))
    answer = org.api("GET", "/api/v1/overview", params={"window": "1h"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["instances"]["count"] == 3
    assert body["instances"]["vs_last_week"] == 3  # all registered just now
    assert body["databases"]["count"] == listed
    assert body["databases"]["redis_valkey"] == 2
    assert body["connections"]["postgresql_sessions"] >= 0
    assert body["unavailable"] == []
    scoped = org.api("GET", "/api/v1/overview", params={"instance": assets["cache"]}).json()
    assert scoped["instances"]["count"] == 1 and scoped["databases"]["count"] == 1

    browser = requests.Session()
    login(browser, org.base_url)
    page = browser.get(org.base_url + "/overview", timeout=30)
    assert page.status_code == 200 and 'data-chart="connections"' in page.text
