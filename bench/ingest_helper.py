#!/usr/bin/env python3
"""Python side of the ingest benchmark (bench/ingest.sh runs it; wrk does the load).

  create-owner     the non-interactive bootstrap against the (stopped) server's data dir.
  prepare          sign in to a running server, create an API key, one asset per simulated
                   agent, enroll each agent, and write per agent its lsa_ key and a typical
                   gzip'd IngestBatch for wrk (bench/ingest.lua) to send.
  sqlite-baseline  the same rows inserted straight into SQLite (WAL, synchronous=FULL, one
                   transaction per batch) in one process: what the disk and SQLite allow, so
                   the server's figure can be read as a ratio of it.

The owner is the e2e tests' OWNER; its password travels on stdin, never the command line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
from logstag_e2e import OWNER, create_owner, csrf_token, find_token, login  # noqa: E402

DATABASES = [f"app_{n}" for n in range(10)]
STATES = ["active", "idle", "idle in transaction", "idle in transaction (aborted)", "disabled"]
AGENT_VERSION = "0.1.0-bench"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def session_rows() -> list[dict]:
    """The ~50 rows of a PostgreSQL `sessions` signal: one per database and state."""
    return [
        {"tag_database": database, "tag_state": state, "count": (d * 7 + s * 3) % 40 + 1,
         "max_duration_s": round(((d + 1) * (s + 1)) * 0.37, 3)}
        for d, database in enumerate(DATABASES) for s, state in enumerate(STATES)
    ]


def ingest_batch(asset_id: str, agent: int) -> dict:
    """A typical high-tier IngestBatch (wire version 1) with one sessions signal."""
    collected = now_iso()
    return {
        "wire_version": 1,
        "batch_id": str(uuid.uuid4()),
        "agent_version": AGENT_VERSION,
        "hostname": f"bench-agent-{agent:02d}",
        "sent_at": collected,
        "payloads": [{
            "asset_id": asset_id,
            "target_name": "main",
            "tier": "high",
            "collected_at": collected,
            "instance": {"host": "127.0.0.1", "port": 15432 + agent, "version": "15.18", "platform": "self-hosted"},
            "target_status": {"ok": True},
            "signals": [{"name": "sessions", "status": "ok", "duration_ms": 3.2, "rows": session_rows()}],
        }],
    }


def expect(response: requests.Response, what: str) -> dict:
    """The JSON body of a 2xx answer; otherwise stops with the server's error."""
    if not response.ok:
        sys.exit(f"{what}: HTTP {response.status_code}: {response.text[:500]}")
    return response.json()


def create_api_key(session: requests.Session, base: str) -> str:
    """POST /api/v1/api-keys with the session cookie and X-CSRF-Token."""
    headers = {"X-CSRF-Token": csrf_token(session, base, "/settings/api-keys", "/assets/new")}
    body = expect(session.post(base + "/api/v1/api-keys", json={"name": "ingest-bench"}, headers=headers, timeout=30),
                  "create API key")
    key = find_token(body, "lsk_")
    if not key:
        sys.exit(f"create API key: no lsk_ key in {body}")
    return key


def enroll_agent(base: str, api_key: str, agent: int) -> tuple[str, str]:
    """Creates an asset, issues its registration token and enrolls an agent for it.

    Returns (asset id, lsa_ agent key).
    """
    auth = {"Authorization": f"Bearer {api_key}"}
    asset = expect(requests.post(base + "/api/v1/assets", headers=auth, timeout=30, json={
        "engine": "postgresql", "name": f"bench-pg-{agent:02d}", "environment": "Production"}), "create asset")
    token_body = expect(requests.post(f"{base}/api/v1/assets/{asset['id']}/registration-token", headers=auth,
                                      timeout=30), "registration token")
    token = find_token(token_body, "lsr_")
    enrolled = expect(requests.post(base + "/api/v1/agent/enroll", timeout=30, json={
        "wire_version": 1, "registration_token": token, "hostname": f"bench-agent-{agent:02d}",
        "agent_version": AGENT_VERSION, "target_name": "main", "engine": "postgresql",
        "host": "127.0.0.1", "port": 15432 + agent, "platform": "self-hosted"}), "enroll")
    agent_key = find_token(enrolled, "lsa_")
    if not agent_key:
        sys.exit(f"enroll: no lsa_ key in {enrolled}")
    return asset["id"], agent_key


def owner(args: argparse.Namespace) -> None:
    """Creates the organisation and its owner before the server starts."""
    create_owner(Path(args.binary), Path(args.data_dir), Path(args.data_dir).parent)
    print(f"owner {OWNER.email} created")


def prepare(args: argparse.Namespace) -> None:
    """Writes agent-keys.txt and batch-<n>.json.gz (n = 1...agents) into --work for wrk."""
    session = requests.Session()
    login(session, args.base_url, OWNER)
    api_key = create_api_key(session, args.base_url)
    work = Path(args.work)
    keys = []
    for agent in range(1, args.agents + 1):
        asset_id, agent_key = enroll_agent(args.base_url, api_key, agent)
        keys.append(agent_key)
        raw = json.dumps(ingest_batch(asset_id, agent)).encode()
        (work / f"batch-{agent}.json.gz").write_bytes(gzip.compress(raw))
        (work / f"batch-{agent}.json").write_bytes(raw)
    (work / "agent-keys.txt").write_text("\n".join(keys) + "\n")
    sample = work / "batch-1.json.gz"
    print(f"prepared {args.agents} agents; batch: {len(session_rows())} rows, "
          f"{(work / 'batch-1.json').stat().st_size} bytes JSON, {sample.stat().st_size} bytes gzip")


def sqlite_baseline(args: argparse.Namespace) -> None:
    """Inserts the benchmark's rows into a fresh SQLite file for --seconds; prints batches/s."""
    path = Path(args.work) / "baseline.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE batches (idempotency_key TEXT PRIMARY KEY, agent TEXT, received_at TEXT)")
    db.execute("CREATE TABLE signal_rows (asset_id TEXT, signal TEXT, collected_at TEXT, tag_database TEXT,"
               " tag_state TEXT, count INTEGER, max_duration_s REAL)")
    rows = session_rows()
    batches = 0
    started = time.monotonic()
    while time.monotonic() - started < args.seconds:
        collected = now_iso()
        db.execute("BEGIN")
        db.execute("INSERT INTO batches VALUES (?, ?, ?)", (f"raw-{batches}", "bench-agent-01", collected))
        db.executemany("INSERT INTO signal_rows VALUES (?, 'sessions', ?, ?, ?, ?, ?)", [
            ("asset", collected, row["tag_database"], row["tag_state"], row["count"], row["max_duration_s"])
            for row in rows])
        db.execute("COMMIT")
        batches += 1
    elapsed = time.monotonic() - started
    db.close()
    print(f"RAW batches={batches} seconds={elapsed:.2f} batches_per_s={batches / elapsed:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    bootstrap = commands.add_parser("create-owner")
    bootstrap.add_argument("--binary", required=True)
    bootstrap.add_argument("--data-dir", required=True)
    bootstrap.set_defaults(run=owner)
    prep = commands.add_parser("prepare")
    prep.add_argument("--base-url", required=True)
    prep.add_argument("--work", required=True)
    prep.add_argument("--agents", type=int, default=16)
    prep.set_defaults(run=prepare)
    raw = commands.add_parser("sqlite-baseline")
    raw.add_argument("--work", required=True)
    raw.add_argument("--seconds", type=float, default=10)
    raw.set_defaults(run=sqlite_baseline)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
