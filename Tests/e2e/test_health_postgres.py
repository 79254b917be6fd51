"""Health check end to end on PostgreSQL 15: a deliberately unhealthy cluster and a clean cluster of
the same shape (private clusters on free ports, so instance settings can be changed freely), each
watched by a real agent, checked through the API.

Planted in the unhealthy cluster (pass criterion: the report names each with the right status
and scope/object):

* a duplicate index (orders_note_a / orders_note_b on the same column)  -> duplicate_indexes Attention, index
* orders.customer_id references customers without an index             -> unindexed_foreign_keys Attention, constraint
* a sequence at 99.9 % of its range                                     -> sequence_exhaustion Critical, sequence
* a session idle in transaction for > 30 s                              -> idle_in_transaction Attention, session
* a session blocked by it on a lock for > 5 s                           -> blocked_sessions Attention, session
* the agent connects as a superuser                                     -> monitoring_role_superuser Critical, role
* autovacuum = off                                                      -> autovacuum_off Critical, setting

The clean cluster has the same tables with the foreign key indexed, one index per column, a fresh
sequence, autovacuum on, SSL and statement logging on, and a pg_monitor role for the agent; it must
score Healthy (overall >= 60) and none of the planted rules may fire on it. A scheduled-style
second look is covered by the report's Scope section: tables and indexes of the schema are listed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from agent_e2e import AgentHome, Target, enrolled_agent, start_org_server
from health_e2e import PrivatePostgres, wait_connected, finding, not_healthy, run_health_check

SCHEMA = """
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                     customer_id bigint NOT NULL REFERENCES customers(id), note text);
INSERT INTO customers (name) SELECT 'customer ' || g FROM generate_series(1, 200) g;
INSERT INTO orders (customer_id, note) SELECT 1 + g % 200, 'note ' || g FROM generate_series(1, 2000) g;
CREATE SEQUENCE invoice_numbers AS integer;
ANALYZE;
"""

#: Settings of a cluster a DBA would call well configured (what the clean cluster runs with).
GOOD_SETTINGS = {
    "log_min_duration_statement": "'1s'", "log_lock_waits": "on", "log_temp_files": "0", "log_checkpoints": "on",
    "log_autovacuum_min_duration": "'10s'", "track_io_timing": "on", "log_connections": "on",
    "log_disconnections": "on",
}


@pytest.fixture(scope="module")
def org(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    server, org = start_org_server(logstag_bin, tmp_path_factory.mktemp("health-pg") / "server")
    yield org
    server.stop()


def watch(org, logstag_bin: Path, workdir: Path, cluster: PrivatePostgres, role: str, password: str):
    home = AgentHome(workdir / "agent", logstag_bin)
    target = Target("main", "postgresql", cluster.port, role, password, "shop", sslmode="prefer")
    assets = enrolled_agent(org, home, [(target, "postgresql")])
    agent = home.start()
    wait_connected(org, assets["main"])
    return agent, assets["main"]


def objects_of(report: dict, rule_id: str) -> list[str]:
    return finding(report, rule_id)["objects"]


def test_unhealthy_postgres_report_names_every_planted_problem(org, logstag_bin: Path, tmp_path: Path):
    cluster = PrivatePostgres({"autovacuum": "off"}).start()
    agent = None
    try:
        cluster.psql("CREATE DATABASE shop;")
        cluster.psql(SCHEMA, database="shop")
        cluster.psql("CREATE INDEX orders_note_a ON orders (note); CREATE INDEX orders_note_b ON orders (note);"
                     "SELECT setval('invoice_numbers', 2145000000);", database="shop")
        role, password = cluster.create_role("lshealth", superuser=True)
        # An idle-in-transaction session holding a row lock, and a session waiting for that row. (A
        # table lock would also stall the agent's size functions, which need a share lock.)
        cluster.hold_session("BEGIN;", "UPDATE customers SET name = name WHERE id = 1;", database="shop",
                             application="billing-job")
        time.sleep(1)
        cluster.hold_session("UPDATE customers SET name = 'changed' WHERE id = 1;", database="shop", application="web-app")
        agent, asset_id = watch(org, logstag_bin, tmp_path, cluster, role, password)
        time.sleep(35)  # past the 30 s idle-in-transaction threshold of the catalogue

        run = run_health_check(org, asset_id)
        report = run["report"]
        problems = not_healthy(report)

        duplicate = finding(report, "duplicate_indexes")
        assert duplicate["status"] == "Attention" and duplicate["scope"] == "index", duplicate
        assert {"shop.public.orders_note_a", "shop.public.orders_note_b"} & set(duplicate["objects"]), duplicate["objects"]

        foreign_key = finding(report, "unindexed_foreign_keys")
        assert foreign_key["status"] == "Attention" and foreign_key["scope"] == "constraint", foreign_key
        assert any(name.startswith("shop.public.orders.") for name in foreign_key["objects"]), foreign_key["objects"]

        sequence = finding(report, "sequence_exhaustion")
        assert sequence["status"] == "Critical" and sequence["scope"] == "sequence", sequence
        assert any("invoice_numbers" in name for name in sequence["objects"]), sequence["objects"]

        idle = finding(report, "idle_in_transaction")
        assert idle["status"] == "Attention" and idle["scope"] == "session", idle
        assert "billing-job" in str(idle["table"]["rows"]), idle["table"]

        blocked = finding(report, "blocked_sessions")
        assert blocked["status"] in ("Attention", "Critical") and blocked["scope"] == "session", blocked
        assert "web-app" in str(blocked["table"]["rows"]), blocked["table"]

        superuser = finding(report, "monitoring_role_superuser")
        assert superuser["status"] == "Critical" and superuser["scope"] == "role", superuser
        assert superuser["objects"] == [role], superuser["objects"]

        autovacuum = finding(report, "autovacuum_off")
        assert autovacuum["status"] == "Critical" and autovacuum["scope"] == "setting", autovacuum
        assert autovacuum["actions"], autovacuum

        # The report's structure: every tab, recommendations grouped, scope with the planted objects.
        assert {tab["tab"] for tab in report["score"]["tabs"]} == {
            "Configuration", "Schema", "Performance", "Security", "Maintenance"}
        groups = {item["group"] for item in report["recommendations"]}
        assert "Critical" in groups, report["recommendations"]
        names = {(item["kind"], item["name"]) for item in report["scope"]["objects"]}
        assert ("table", "shop.public.orders") in names, sorted(names)[:20]
        assert report["header"]["critical_count"] >= 3
        assert report["score"]["result"] == "Unhealthy", (report["score"], sorted(problems))
    finally:
        if agent:
            agent.stop()
        cluster.stop()


def test_clean_postgres_of_the_same_shape_scores_healthy(org, logstag_bin: Path, tmp_path: Path):
    cluster = PrivatePostgres(GOOD_SETTINGS, ssl=True).start()
    agent = None
    try:
        cluster.psql("CREATE DATABASE shop;")
        cluster.psql(SCHEMA, database="shop")
        cluster.psql("CREATE INDEX orders_customer_id ON orders (customer_id); CREATE INDEX orders_note ON orders (note);"
                     "SELECT nextval('invoice_numbers');", database="shop")
        cluster.psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC;", database="shop")
        role, password = cluster.create_role("lshealth", superuser=False)
        agent, asset_id = watch(org, logstag_bin, tmp_path, cluster, role, password)

        run = run_health_check(org, asset_id)
        report = run["report"]
        problems = not_healthy(report)
        for planted in ("duplicate_indexes", "unindexed_foreign_keys", "sequence_exhaustion", "idle_in_transaction",
                        "blocked_sessions", "monitoring_role_superuser", "autovacuum_off"):
            assert planted not in problems, problems[planted]
        assert report["score"]["result"] == "Healthy", (report["score"], sorted(problems))
        assert report["header"]["overall_score"] >= 60
        # What a pg_monitor role cannot see is a coverage limitation with its reason, never a pass.
        for limitation in report["limitations"]:
            assert limitation["reason"] in ("permission", "unsupported", "disabled", "error", "no_data"), limitation
            assert limitation["message"], limitation
    finally:
        if agent:
            agent.stop()
        cluster.stop()
