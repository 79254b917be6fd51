"""Times every explorer page and its API twin against a running server (bench/explorers.sh).

Signs in like a browser, discovers real ids from the list APIs (a statement, a PostgreSQL and a
Redis/Valkey database, a schema, an instance; from the instances named in `--dense-file` when
given: the generator collected those at full 1-minute density over the whole period), then requests each URL for each time window
`--runs` times after a first request, sequentially, and prints the first (cold) time and p50/p95
per URL with a PASS/FAIL line for the target (p95 < 200 ms). The Overview is cached like the
reference's dashboard (30 s fresh, then served for 5 more minutes while it is recomputed in the
background), so its timed requests are cache hits; its uncached cost, what the first visitor after
more than 5.5 minutes without one waits for, is timed separately with custom windows of the same
lengths (each run a new window, so a new cache key) and printed for information. Exit status 0 when
every URL meets the target, 2 if not.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "Tests" / "e2e"))
from logstag_e2e import Owner, login  # noqa: E402

WINDOWS = ["1h", "24h", "7d", "30d"]
TARGET_MS = 200.0


def first(items, predicate=lambda item: True):
    return next((item for item in items if predicate(item)), None)


def discover(session: requests.Session, base: str, dense: set[str]) -> list[str]:
    """The URLs to time (paths without the window), built from what the lists answer, on the
    `dense` instances when there are any."""
    paths = ["/overview", "/api/v1/overview", "/databases", "/api/v1/databases", "/activity", "/api/v1/activity",
             "/queries", "/api/v1/queries", "/schemas", "/api/v1/schemas"]
    scope = "".join(f"&instance={quote(asset, safe='')}" for asset in sorted(dense))
    databases = session.get(f"{base}/api/v1/databases?window=24h&limit=200{scope}", timeout=60).json().get("items", [])
    for engine_test in (lambda d: d.get("engine") == "postgresql", lambda d: d.get("engine") in ("redis", "valkey")):
        row = first(databases, engine_test)
        if row:
            path = f"/databases/{row['asset_id']}/{quote(str(row['database']), safe='')}"
            paths += [path, "/api/v1" + path]
    pg = first(databases, lambda d: d.get("engine") == "postgresql")
    if pg:
        paths += [f"/activity/{pg['asset_id']}", f"/api/v1/activity/{pg['asset_id']}"]
    statements = session.get(f"{base}/api/v1/queries?window=24h&limit=1{scope}", timeout=60).json().get("items", [])
    if statements:
        paths += [f"/queries/{statements[0]['id']}", f"/api/v1/queries/{statements[0]['id']}"]
    schemas = session.get(f"{base}/api/v1/schemas?window=24h&limit=1{scope}", timeout=60).json().get("items", [])
    if schemas:
        s = schemas[0]
        path = f"/schemas/{s['asset_id']}/{quote(str(s['database']), safe='')}/{quote(str(s['schema']), safe='')}"
        paths += [path, path + "?tab=changes", path + "?tab=permissions", "/api/v1" + path,
                  "/api/v1" + path + "/changes", "/api/v1" + path + "/permissions"]
    return paths


def timed(session: requests.Session, url: str, runs: int) -> tuple[float, list[float]]:
    """The first (cold: nothing cached) request's time, then `runs` more."""
    began = time.perf_counter()
    response = session.get(url, timeout=120)
    first = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}: {response.text[:300]}")
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        response = session.get(url, timeout=120)
        samples.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200, f"{url} answered {response.status_code}"
    return first, samples


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def overview_uncached(session: requests.Session, base: str, runs: int) -> None:
    """Times /api/v1/overview computed fresh: custom windows of 24 h, 7 d and 30 d ending at the
    server's now, each run shifted by one more second so no answer comes from the cache."""
    answer = session.get(f"{base}/api/v1/overview?window=1h", timeout=120).json()
    end = datetime.fromisoformat(answer["window"]["end"].replace("Z", "+00:00"))
    spans = {"24h": timedelta(days=1), "7d": timedelta(days=7), "30d": timedelta(days=30)}
    print(f"{'Overview computed fresh (not cached)':<78} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, span in spans.items():
        samples = []
        for run in range(runs):
            to = end - timedelta(seconds=run + 1)
            url = f"{base}/api/v1/overview?from={iso(to - span)}&to={iso(to)}"
            began = time.perf_counter()
            response = session.get(url, timeout=120)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, f"{url} answered {response.status_code}: {response.text[:300]}"
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
        print(f"{'/api/v1/overview ' + name + ' (custom window)':<78} {samples[0]:8.1f} {statistics.median(ordered):8.1f} {p95:8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--email", required=True)
    parser.add_argument("--password-file", required=True, help="file holding the password (never on the command line)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--dense-file", help="instance ids to time the per-instance pages on, one a line")
    args = parser.parse_args()
    owner = Owner(email=args.email, password=Path(args.password_file).read_text().strip())
    session = requests.Session()
    login(session, args.base_url, owner)
    dense = set(Path(args.dense_file).read_text().split()) if args.dense_file else set()
    paths = discover(session, args.base_url, dense)
    if dense:
        print("per-instance pages on the instances collected at full 1-minute density: " + ", ".join(sorted(dense)))
    failures = 0
    worst = 0.0
    print(f"{'URL':<78} {'first ms':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for path in paths:
        for window in WINDOWS:
            url = f"{args.base_url}{path}{'&' if '?' in path else '?'}window={window}"
            first, samples = timed(session, url, args.runs)
            samples.sort()
            p50 = statistics.median(samples)
            p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
            worst = max(worst, p95)
            flag = "" if p95 < TARGET_MS else "  <-- over target"
            failures += p95 >= TARGET_MS
            print(f"{path + ' ' + window:<78} {first:8.1f} {p50:8.1f} {p95:8.1f}{flag}")
    overview_uncached(session, args.base_url, max(3, args.runs // 4))
    print(("PASS" if failures == 0 else "FAIL") + f"  p95 < {TARGET_MS:.0f} ms for every explorer page and API: "
          f"worst p95 {worst:.1f} ms over {len(paths) * len(WINDOWS)} URLs, {failures} over target")
    return 0 if failures == 0 else 2


if __name__ == "__main__":
    sys.exit(main())
