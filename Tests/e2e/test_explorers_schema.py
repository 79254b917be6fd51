"""Schema Explorer end to end on PostgreSQL 15: a real agent (every tier, the schema tier included,
every 5 s) watches a private cluster while a table goes through a known life, and the Schema
Explorer's API must show exactly that life:

* CREATE TABLE ledger -> ALTER (add a column, change a type) + CREATE INDEX + GRANT SELECT to a role
  -> REVOKE -> DROP TABLE, each step waiting until a schema snapshot has seen the previous one;
* the Changes tab lists Added / Modified / Removed for exactly those objects;
* the Permissions matrix shows the grant while it exists, and the history shows the grant and
  the revoke;
* /schemas lists the schema with its size.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_e2e import AgentHome, Target, enrolled_agent, start_org_server, wait_until
from health_e2e import PrivatePostgres, wait_connected

TIMEOUT_S = 60


@pytest.fixture(scope="module")
def watched(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("schema-explorer")
    server, org = start_org_server(logstag_bin, workdir / "server")
    cluster = PrivatePostgres().start()
    cluster.psql("CREATE DATABASE shop;")
    cluster.psql("CREATE TABLE keep (id bigint PRIMARY KEY, note text);"
                 "INSERT INTO keep SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g; ANALYZE keep;", database="shop")
    cluster.psql("CREATE ROLE lsreader NOLOGIN;")
    role, password = cluster.create_role("lsschema", superuser=True)
    home = AgentHome(workdir / "agent", logstag_bin)
    # agent_settings() sets every tier, the schema tier included, to the 5 s minimum.
    assets = enrolled_agent(org, home, [(Target("main", "postgresql", cluster.port, role, password, "shop"), "postgresql")])
    agent = home.start()
    wait_connected(org, assets["main"])
    yield org, cluster, assets["main"]
    agent.stop()
    cluster.stop()
    server.stop()


def changes(org, asset_id: str, **params) -> dict:
    answer = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/public/changes", params={"window": "1h", **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def ledger_changes(org, asset_id: str) -> set[tuple[str, str, str]]:
    return {(item["type"], item["object"], item["change"])
            for item in changes(org, asset_id, search="ledger")["items"]}


def permissions(org, asset_id: str) -> dict:
    answer = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/public/permissions", params={"window": "1h"})
    assert answer.status_code == 200, answer.text
    return answer.json()


def reader_row(body: dict) -> dict | None:
    return next((row for row in body["matrix"] if row["principal"] == "lsreader"), None)


def test_schema_explorer_follows_a_tables_life(watched):
    org, cluster, asset_id = watched

    # The schema is listed with a size once the first inventory arrived.
    def listed():
        answer = org.api("GET", "/api/v1/schemas", params={"instance": asset_id, "database": "shop"})
        assert answer.status_code == 200, answer.text
        return next((item for item in answer.json()["items"] if item["schema"] == "public"), None)
    row = wait_until(listed, timeout=TIMEOUT_S)
    assert row["database"] == "shop" and row["size_bytes"] > 2000 * 200, row
    assert row["counts"]["tables"] >= 1 and row["counts"]["indexes"] >= 1, row

    cluster.psql("CREATE TABLE ledger (id bigint, amount integer);", database="shop")
    wait_until(lambda: ("table", "public.ledger", "Added") in ledger_changes(org, asset_id), timeout=TIMEOUT_S)

    cluster.psql("ALTER TABLE ledger ADD COLUMN note text; ALTER TABLE ledger ALTER COLUMN amount TYPE numeric;"
                 "CREATE INDEX ledger_amount_idx ON ledger (amount); GRANT SELECT ON ledger TO lsreader;", database="shop")
    wait_until(lambda: {("column", "public.ledger.amount", "Modified"), ("index", "public.ledger_amount_idx", "Added"),
                        ("permission", "public.ledger", "Added")} <= ledger_changes(org, asset_id), timeout=TIMEOUT_S)
    # The matrix shows the grant while it exists.
    body = wait_until(lambda: (lambda b: b if reader_row(b) else None)(permissions(org, asset_id)), timeout=TIMEOUT_S)
    reader = reader_row(body)
    assert reader["select"] == 1 and reader["insert"] == 0 and reader["type"] == "Role", reader
    assert body["tiles"]["read_only"] >= 1, body["tiles"]

    cluster.psql("REVOKE SELECT ON ledger FROM lsreader;", database="shop")
    wait_until(lambda: ("permission", "public.ledger", "Removed") in ledger_changes(org, asset_id), timeout=TIMEOUT_S)
    assert reader_row(permissions(org, asset_id)) is None

    cluster.psql("DROP TABLE ledger;", database="shop")
    wait_until(lambda: ("table", "public.ledger", "Removed") in ledger_changes(org, asset_id), timeout=TIMEOUT_S)

    assert ledger_changes(org, asset_id) == {
        ("table", "public.ledger", "Added"), ("table", "public.ledger", "Removed"),
        ("column", "public.ledger.id", "Added"), ("column", "public.ledger.id", "Removed"),
        ("column", "public.ledger.amount", "Added"), ("column", "public.ledger.amount", "Modified"),
        ("column", "public.ledger.amount", "Removed"),
        ("column", "public.ledger.note", "Added"), ("column", "public.ledger.note", "Removed"),
        ("index", "public.ledger_amount_idx", "Added"), ("index", "public.ledger_amount_idx", "Removed"),
        ("permission", "public.ledger", "Added"), ("permission", "public.ledger", "Removed"),
    }
    amount = next(item for item in changes(org, asset_id, search="ledger.amount", change="Modified")["items"])
    assert {"property": "data_type", "old": "integer", "new": "numeric"} in amount["properties"], amount
    # Tiles count the whole window, whatever the filters.
    everything = changes(org, asset_id)
    assert changes(org, asset_id, type="index")["tiles"] == everything["tiles"]
    assert everything["tiles"]["total"] >= 13 and everything["capped"] is False

    history = permissions(org, asset_id)["history"]
    reader_history = [(entry["action"], entry["object"]) for entry in history if entry["principal"] == "lsreader"]
    assert sorted(reader_history) == [("Grant", "public.ledger"), ("Revoke", "public.ledger")], history
    revokes = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/public/permissions",
                      params={"window": "1h", "action": "Revoke"}).json()["history"]
    assert revokes and all(entry["action"] == "Revoke" for entry in revokes), revokes

    # The overview no longer lists the dropped table, and still lists the kept one with its size.
    overview = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/public").json()["overview"]
    names = [item["name"] for item in overview["objects"]]
    assert "keep" in names and "ledger" not in names, names
    assert overview["total_bytes"] > 0 and overview["treemap"]["tiles"], overview

    # An unknown schema is a clear 404.
    missing = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/nope")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found", missing.text
