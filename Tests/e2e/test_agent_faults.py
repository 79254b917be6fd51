"""Fault tests of the agent with real processes: the release binary as server and agent, the
real Redis/PostgreSQL of scripts/test-databases.sh, and private redis-server processes this
module starts and stops itself. Tiers run every 5 s (the shortest interval the agent accepts).

Each test's docstring states its pass criteria; they follow reliability-anchors.md section 9
(F1, F2, F3, F11, F12), scaled down to CI-sized windows.
"""

from __future__ import annotations

import json
import random
import re
import time
from pathlib import Path

import pytest

from agent_e2e import (MAX_TICK_S, REDIS7_PORT, TICK_S, AgentHome, Org, PgRole, PrivateRedis, ServerData, enrolled_agent,
                       find_values, insert_agent_settings, parse_time, pg_failed_logins, pg_target, redelivery_bound,
                       redis_target, SlowAnswerProxy, spool_payload, start_org_server, unique, wait_for_signal, wait_until)
from logstag_e2e import LogstagServer

HIGH_ONLY = {"high": TICK_S, "medium": 0, "low": 0, "schema": 0}
CONNECTED_WITHIN_S = 45


@pytest.fixture(scope="module")
def shared(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    """One server and organisation for the tests that never stop the server."""
    server, org = start_org_server(logstag_bin, tmp_path_factory.mktemp("faults-server"))
    try:
        yield org
    finally:
        server.stop_cleanly()


def gaps_between(times: list[float]) -> list[float]:
    return [b - a for a, b in zip(times, times[1:])]


def agent_connections(redis: PrivateRedis) -> int:
    """Client connections of a private redis-server besides redis-cli's own (the only other
    client is the agent)."""
    return len(redis.cli("CLIENT", "LIST").splitlines()) - 1


# MARK: - a. server down, then back


def test_server_outage_is_backfilled_exactly_once(logstag_bin: Path, tmp_path: Path):
    """The server is stopped (SIGTERM) for 30 s while the agent collects every 5 s, then started
    again on the same port and data directory.

    Pass: the spool drains within the sender's backoff bound (min(300, 2^failed attempts) s, see
    redelivery_bound) of the restart; after that every high-tier tick of the outage is stored exactly once
    (no (signal, collected_at) stored twice for the asset; at least 30/5.5 - 1 ticks inside the
    outage; no two consecutive redis_clients snapshots from 10 s before the outage to its end
    further apart than two intervals plus jitter), and the agent's VmRSS never rose more than
    8 MiB above its value before the outage.
    """
    workdir = tmp_path / "server"
    server, org = start_org_server(logstag_bin, workdir)
    home = AgentHome(tmp_path / "agent", logstag_bin)
    try:
        assets = enrolled_agent(org, home, [(redis_target("cache", REDIS7_PORT), "redis")], tiers=HIGH_ONLY)
        asset_id = assets["cache"]
        with home.start() as agent:
            org.wait_status(asset_id, "Connected", CONNECTED_WITHIN_S)
            wait_for_signal(org, asset_id, "redis_clients", 20, after=time.time() + 2 * TICK_S)
            baseline_kib = agent.rss_kib()

            outage_start = time.time()
            server.stop_cleanly()
            peak_kib = baseline_kib
            while time.time() - outage_start < 30:
                agent.assert_alive()
                peak_kib = max(peak_kib, agent.rss_kib())
                time.sleep(1)
            spooled = len(home.spool_files())
            server = LogstagServer(logstag_bin, workdir=workdir, data_dir=workdir / "data", port=server.port).start()
            outage_end = time.time()

            data = ServerData(workdir / "data")

            def drained():
                times = data.collected_at(asset_id, "redis_clients")
                return not home.spool_files() and times and times[-1] > outage_end

            bound = redelivery_bound(agent.output())
            wait_until(drained, bound, 1, lambda: f"spool not drained: {len(home.spool_files())} batches left")
            agent.assert_alive()
            print(f"outage: {spooled} batches spooled, RSS {baseline_kib} -> peak {peak_kib} KiB, drained "
                  f"{time.time() - outage_end:.0f} s after the restart (bound {bound:.0f} s)")

        assert spooled >= 4, f"only {spooled} batches were spooled during a 30 s outage"
        duplicates = data.duplicates(asset_id)
        assert duplicates == [], f"stored more than once: {duplicates[:10]}"
        times = data.collected_at(asset_id, "redis_clients")
        during = [t for t in times if outage_start <= t <= outage_end]
        assert len(during) >= int(30 / MAX_TICK_S) - 1, f"{len(during)} ticks stored from the 30 s outage: {during}"
        window = [t for t in times if outage_start - 10 <= t <= outage_end]
        largest = max(gaps_between(window))
        assert largest <= 2 * MAX_TICK_S + 1, f"a {largest:.1f} s gap in the stored ticks around the outage: {window}"
        assert data.collected_at(asset_id, "agent_self") == times, "agent_self and redis_clients ticks differ"
        growth_mib = (peak_kib - baseline_kib) / 1024
        assert growth_mib <= 8, f"agent RSS grew {growth_mib:.1f} MiB during the outage ({baseline_kib} -> {peak_kib} KiB)"
    finally:
        server.stop()


# MARK: - b. kill -9 of the agent mid-send


def _batch_facts(path: Path) -> tuple[str, list[float]]:
    """(batch_id, every collected_at) of one spooled batch (JSON IngestBatch)."""
    payload = spool_payload(path)
    assert payload is not None, f"{path.name} is not a JSON batch"
    return payload["batch_id"], [parse_time(value) for value in find_values(payload, "collected_at")]


def test_kill_9_mid_send_loses_and_duplicates_nothing(logstag_bin: Path, tmp_path: Path, shared: Org):
    """The agent reaches the server through a proxy that holds every answer back for 1 s, and is
    killed with SIGKILL five times, restarted at once each time:
    three times right after the server stored the newest batch (its Idempotency-Key is in the
    server's database) but before the agent could hear the 2xx, and twice 0-50 ms after a new
    batch appeared in the spool (before or while it is sent).

    Pass: a batch acknowledged by the server but not yet by the agent is still in the spool after
    the kill (nothing is deleted before a 2xx) and is resent after the restart with the same
    batch id, so the server stores it once; the spool drains after the last restart; every tick
    of every batch seen in the spool is stored, and no (signal, collected_at) is stored twice;
    the stored ticks have no gap longer than two intervals plus restart slack.
    """
    proxy = SlowAnswerProxy(shared.server.port, delay=1.0)
    home = AgentHome(tmp_path / "agent", logstag_bin)
    try:
        assets = enrolled_agent(shared, home, [(redis_target("cache", REDIS7_PORT), "redis")], api_base_url=proxy.base_url,
                                tiers=HIGH_ONLY)
        asset_id = assets["cache"]
        data = ServerData(shared.server.data_dir)
        agent = home.start()
        spooled: dict[str, list[float]] = {}
        acknowledged_then_killed: list[str] = []
        rng = random.Random(11)
        try:
            wait_for_signal(shared, asset_id, "redis_clients", CONNECTED_WITHIN_S)
            for kill in range(5):
                wait_until(lambda: not home.spool_files(), 30, 0.05, "the spool did not drain after a restart")
                known = {path.name for path in home.spool_files()}
                fresh = wait_until(lambda: [p for p in home.spool_files() if p.name not in known], 3 * TICK_S, 0.01,
                                   "no new batch appeared in the spool")[0]
                batch_id, times = _batch_facts(fresh)
                spooled[batch_id] = times
                if kill < 3:
                    wait_until(lambda: data.query("SELECT 1 FROM ingest_keys WHERE key = ?", batch_id), 5, 0.02,
                               f"the server never stored batch {batch_id}")
                    agent.kill9()
                    assert fresh.exists(), f"batch {batch_id} was deleted before the agent received its 2xx"
                    acknowledged_then_killed.append(batch_id)
                else:
                    time.sleep(rng.uniform(0, 0.05))
                    agent.kill9()
                agent = home.start()
            wait_until(lambda: not home.spool_files(), 30, 0.2, lambda: f"spool not drained: {home.spool_files()}")
            time.sleep(1)
        finally:
            agent.stop_cleanly()
    finally:
        proxy.close()

    duplicates = data.duplicates(asset_id)
    assert duplicates == [], f"stored more than once after kill -9: {duplicates[:10]}"
    for batch_id in acknowledged_then_killed:
        keys = data.query("SELECT COUNT(*) FROM ingest_keys WHERE key = ?", batch_id)[0][0]
        assert keys == 1, f"batch {batch_id} was stored under {keys} idempotency keys"
    stored = data.collected_at(asset_id, "redis_clients")
    missing = sorted(t for times in spooled.values() for t in times if not any(abs(t - s) < 0.002 for s in stored))
    assert not missing, f"spooled before a kill but never stored: {missing}"
    largest = max(gaps_between(stored))
    assert largest <= 2 * MAX_TICK_S + 2, f"a {largest:.1f} s gap in the stored ticks: {stored}"


# MARK: - c. the database stops and comes back


def test_database_down_then_back(logstag_bin: Path, tmp_path: Path, shared: Org):
    """A private redis-server (requirepass) is the target; it is stopped, then started again on
    the same port.

    Pass: within two ticks (plus a 5 s connect timeout) of the stop the asset's status is Issues
    and the server recorded the failure as unreachable; once it is back, a tick collected at most
    one interval (plus 1 s) after the restart is stored as ok, and the asset is Connected again;
    the agent holds at most one connection to the database.
    """
    redis = PrivateRedis(tmp_path / "redis").start()
    home = AgentHome(tmp_path / "agent", logstag_bin)
    try:
        target = redis_target("cache", redis.port, redis.password)
        assets = enrolled_agent(shared, home, [(target, "redis")], tiers=HIGH_ONLY)
        asset_id = assets["cache"]
        data = ServerData(shared.server.data_dir)
        with home.start() as agent:
            shared.wait_status(asset_id, "Connected", CONNECTED_WITHIN_S)
            wait_for_signal(shared, asset_id, "redis_clients", 20, after=time.time())
            assert agent_connections(redis) == 1, redis.cli("CLIENT", "LIST")

            stopped_at = time.time()
            redis.stop()
            shared.wait_status(asset_id, "Issues", 2 * MAX_TICK_S + 5)
            noticed_after = time.time() - stopped_at
            assert data.asset_failure(asset_id) in ("unreachable", "timeout"), data.asset_failure(asset_id)
            time.sleep(2 * TICK_S)  # a few failed ticks, so the agent is in its reconnect backoff

            redis.start()
            back_at = time.time()
            wait_for_signal(shared, asset_id, "redis_clients", MAX_TICK_S + 10, after=back_at)
            delay = min(t for t in data.collected_at(asset_id, "redis_clients") if t > back_at) - back_at
            assert delay <= MAX_TICK_S + 1, f"first collection {delay:.1f} s after the database was back"
            shared.wait_status(asset_id, "Connected", 2 * MAX_TICK_S)
            agent.assert_alive()
            assert agent_connections(redis) == 1, redis.cli("CLIENT", "LIST")
        assert noticed_after <= 2 * MAX_TICK_S + 5
    finally:
        redis.stop()


# MARK: - d. wrong password


def test_wrong_password_costs_at_most_one_failed_login(logstag_bin: Path, tmp_path: Path, shared: Org):
    """One agent with two targets whose passwords are wrong: a private redis-server and the
    shared PostgreSQL (a role of this test). It runs 40 s with 5 s ticks.

    Pass: the databases saw at most one failed login each (Redis: ACL LOG entries with reason
    auth, summed over their count; PostgreSQL: `password authentication failed for user "<role>"`
    lines in its log), the assets show Issues, and the server recorded the failure as auth.
    """
    redis = PrivateRedis(tmp_path / "redis").start()
    role = PgRole.create("lsbadpw")
    home = AgentHome(tmp_path / "agent", logstag_bin)
    try:
        redis.cli("ACL", "LOG", "RESET")
        pg_failures_before = pg_failed_logins(role.name)
        targets = [(redis_target("cache", redis.port, "wrong-" + unique("pw")), "redis"),
                   (pg_target("main", role, password="wrong-" + unique("pw")), "postgresql")]
        assets = enrolled_agent(shared, home, targets, tiers=HIGH_ONLY)
        data = ServerData(shared.server.data_dir)
        with home.start() as agent:
            started = time.time()
            for asset_id in assets.values():
                shared.wait_status(asset_id, "Issues", 3 * MAX_TICK_S)
            time.sleep(max(0.0, started + 40 - time.time()))
            agent.assert_alive()
            redis_failures = redis.failed_auths()
            pg_failures = pg_failed_logins(role.name) - pg_failures_before
        for name, asset_id in assets.items():
            assert shared.asset(asset_id)["status"] in ("Issues", "Disconnected"), name
            assert data.asset_failure(asset_id) == "auth", f"{name}: last failure {data.asset_failure(asset_id)}"
        answered = data.query("SELECT asset_id, status FROM commands WHERE asset_id IN (?, ?) "
                              "AND status IN ('passed', 'failed')", *assets.values())
        summary = (f"in 40 s Redis saw {redis_failures} and PostgreSQL {pg_failures} failed logins; connection tests "
                   f"answered meanwhile: {answered}")
        assert redis_failures <= 1 and pg_failures <= 1, summary
        assert redis_failures >= 1 and pg_failures >= 1, "the agent never tried to log in"
    finally:
        redis.stop()
        role.drop()


# MARK: - e. spool cap


EVICTION_ORDER = {"high": 0, "medium": 1, "low": 2, "schema": 3}
SPOOL_NAME = re.compile(r"^(\d+)-(high|medium|low|schema)(-[ab])?\.batch$")


def _spool_index(home: AgentHome) -> dict[str, tuple[int, str, int]]:
    """name -> (sequence, tier, size) of the batch files (`<sequence>-<tier>.batch`)."""
    index = {}
    for path in home.spool_files():
        match = SPOOL_NAME.match(path.name)
        assert match, f"unexpected spool file name {path.name}"
        try:
            index[path.name] = (int(match.group(1)), match.group(2), path.stat().st_size)
        except FileNotFoundError:
            continue
    return index


def _eviction_violations(before: dict, dropped: set[str]) -> list[str]:
    """What is wrong with dropping `dropped` from the spool `before`: a file of a tier that is
    evicted earlier (high, then medium, low, schema) or an older file of the same tier survived."""
    problems = []
    for name in dropped:
        sequence, tier, _ = before[name]
        for other, (other_sequence, other_tier, _) in before.items():
            if other in dropped:
                continue
            if EVICTION_ORDER[other_tier] < EVICTION_ORDER[tier]:
                problems.append(f"{name} dropped while {other} ({other_tier}) stayed")
            elif other_tier == tier and other_sequence < sequence:
                problems.append(f"{name} dropped while the older {other} stayed")
    return problems


def test_spool_cap_drops_oldest_high_tier_first_and_reports_the_gap(logstag_bin: Path, tmp_path: Path):
    """spool_max_bytes = 1 MiB, the server unreachable (stopped after enrollment), all four
    tiers every 5 s against PostgreSQL (about 165 KB of batches per 5 s, so the cap is reached in
    about 35 s; a pre-filled spool is not needed).

    Pass: the batch files never add up to more than the cap (checked every 0.2 s); every batch
    that left the spool while the server was down was, at that moment, the oldest of the tier
    evicted first (high, then medium, low, schema); at least one high-tier batch was dropped and
    gaps.json records a high-tier gap for the asset whose batch count covers every drop seen;
    after a restart with the server back, the spool drains, the server's agent_spool_gaps rows
    add up to exactly the dropped batches per tier that gaps.json recorded, and the delivered
    gaps are forgotten (gaps.json empty).
    """
    cap = 1024 * 1024
    workdir = tmp_path / "server"
    server, org = start_org_server(logstag_bin, workdir)
    role = PgRole.create("lsspool")
    home = AgentHome(tmp_path / "agent", logstag_bin)
    try:
        assets = enrolled_agent(org, home, [(pg_target("main", role), "postgresql")], spool_max_bytes=cap)
        asset_id = assets["main"]
        server.stop_cleanly()
        gaps_file = home.spool_dir / "gaps.json"
        dropped: dict[str, tuple[int, str, int]] = {}
        violations: list[str] = []
        peak = 0
        with home.start() as agent:
            started = time.time()
            first_drop_at = None
            previous = _spool_index(home)
            while first_drop_at is None or time.time() < first_drop_at + 3 * TICK_S:
                assert time.time() - started < 120, f"no batch was dropped within 120 s (spool at {peak} bytes)"
                agent.assert_alive()
                time.sleep(0.2)
                current = _spool_index(home)
                total = sum(size for _, _, size in current.values())
                peak = max(peak, total)
                assert total <= cap, f"the spool holds {total} bytes of batches, over its {cap} byte cap"
                gone = set(previous) - set(current)
                if gone:
                    first_drop_at = first_drop_at or time.time()
                    violations += _eviction_violations(previous, gone)
                    dropped.update({name: previous[name] for name in gone})
                previous = current
        gaps = json.loads(gaps_file.read_text()) if gaps_file.exists() else None

        assert not violations, f"eviction order broken: {violations[:5]}"
        dropped_tiers = sorted({tier for _, tier, _ in dropped.values()}, key=EVICTION_ORDER.get)
        assert dropped_tiers and dropped_tiers[0] == "high", f"dropped tiers: {dropped_tiers}"
        assert gaps, f"no gaps.json after {len(dropped)} dropped batches"
        recorded = {}
        for gap in gaps:
            assert gap.get("asset_id") == asset_id, gap
            recorded[gap["tier"]] = recorded.get(gap["tier"], 0) + gap["dropped_batches"]
        for tier in dropped_tiers:
            seen = sum(1 for _, t, _ in dropped.values() if t == tier)
            assert recorded.get(tier, 0) >= seen, f"gaps.json records {recorded} dropped batches, {seen} {tier} were seen"

        # The server comes back; a restarted agent (the spool and gaps.json survive it) drains
        # at once instead of waiting out its retry backoff, which test a covers. The larger cap
        # keeps new drops from mixing into the counts compared below.
        insert_agent_settings(home.config, [f"spool_max_bytes = {64 * cap}"])
        server = LogstagServer(logstag_bin, workdir=workdir, data_dir=workdir / "data", port=server.port).start()
        with home.start():
            wait_until(lambda: not home.spool_files(), 60, 1, lambda: f"{len(home.spool_files())} batches not drained")
            wait_for_signal(org, asset_id, "agent_spool_gaps", 30, status=None)
            wait_until(lambda: not gaps_file.exists() or json.loads(gaps_file.read_text()) == [], 15, 0.5,
                       lambda: f"delivered gaps were not forgotten: {gaps_file.read_text()}")
        reported: dict[str, int] = {}
        for (rows_json,) in ServerData(workdir / "data").query(
                "SELECT rows_json FROM snapshots WHERE asset_id = ? AND signal = 'agent_spool_gaps'", asset_id):
            for row in json.loads(rows_json or "[]"):
                reported[row["tag_tier"]] = reported.get(row["tag_tier"], 0) + row["dropped_batches"]
        assert reported == recorded, f"the server was told about {reported} dropped batches, the agent recorded {recorded}"
    finally:
        server.stop()
        role.drop()
