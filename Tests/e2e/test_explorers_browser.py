"""Every explorer page in a real browser (headless Chromium), with real collected data.

A real agent (every tier every 5 s) watches a private PostgreSQL 15 (pg_stat_statements, a
table created, altered and granted, queries run a known number of times, an idle-in-transaction
session) and a private Redis 7 (known keys). A person then opens, in Chromium: the Overview
landing page, the Database Explorer list, a PostgreSQL database (Overview and Schema tabs) and the
Redis one, the Activity Explorer list and instance detail, the Query Explorer list and a statement,
and the Schema Explorer list with its Overview, Changes and Permissions tabs.

What is proven on each page: it is the page asked for (title, active navigation entry), it has
the instance filter and time window, it draws the charts it promises as inline SVG with an
accessible title (no external chart library is loaded), it shows the known data (the statement,
the table, the keys), and no error page or server error appears. Column choices: hiding a column
of the Query Explorer survives a reload (remembered in the browser). Screenshots of every page go
to Tests/e2e/screenshots/explorer_*.png for people to look at.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from agent_e2e import AgentHome, PrivateRedis, Target, enrolled_agent, redis_target, start_org_server, wait_until
from health_e2e import PrivatePostgres, wait_connected
from logstag_e2e import OWNER

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
PROBE = "SELECT count(*) AS browser_probe FROM ledger WHERE id > {}"
PROBE_RUNS = 5
REDIS_KEYS = 17


@pytest.fixture(scope="module")
def watched(logstag_bin: Path, tmp_path_factory: pytest.TempPathFactory):
    workdir = tmp_path_factory.mktemp("explorer-browser")
    server, org = start_org_server(logstag_bin, workdir / "server")
    cluster = PrivatePostgres().start()
    cluster.psql("CREATE DATABASE shop;")
    cluster.psql("CREATE EXTENSION pg_stat_statements;", database="shop")
    cluster.psql("CREATE TABLE ledger (id bigint PRIMARY KEY, note text);"
                 "INSERT INTO ledger SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g; ANALYZE ledger;"
                 "CREATE ROLE auditor NOLOGIN;", database="shop")
    role, password = cluster.create_role("lsbrowse", superuser=True)
    redis = PrivateRedis(workdir / "redis").start()
    for number in range(REDIS_KEYS):
        redis.cli("SET", f"browser:{number}", "v")
    home = AgentHome(workdir / "agent", logstag_bin)
    assets = enrolled_agent(org, home, [
        (Target("main", "postgresql", cluster.port, role, password, "shop"), "postgresql"),
        (redis_target("cache", redis.port, password=redis.password), "redis"),
    ])
    agent = home.start()
    for asset_id in assets.values():
        wait_connected(org, asset_id)
    time.sleep(12)  # two statement collections: the agent's tracker has a previous state
    # Known activity after the first snapshots: a schema change and a grant, statements, an idle
    # transaction held open while the pages are read.
    cluster.psql("ALTER TABLE ledger ADD COLUMN amount numeric; CREATE INDEX ledger_note ON ledger (note);"
                 "GRANT SELECT ON ledger TO auditor;", database="shop")
    for value in range(PROBE_RUNS):
        cluster.psql(PROBE.format(value), database="shop")
    cluster.hold_session("BEGIN;", "SELECT 1;", database="shop", application="browser-idle")  # Idle in Transaction
    wait_until(lambda: statement(org, assets["main"]), timeout=60)
    wait_until(lambda: schema_changes(org, assets["main"]), timeout=60)
    yield org, assets
    agent.stop()
    redis.stop()
    cluster.stop()
    server.stop()


def statement(org, asset_id: str) -> dict | None:
    items = org.api("GET", "/api/v1/queries", params={"instance": asset_id, "window": "1h", "search": "browser_probe"}).json()["items"]
    return items[0] if items and items[0]["calls"] >= PROBE_RUNS else None


def schema_changes(org, asset_id: str) -> list[dict]:
    answer = org.api("GET", f"/api/v1/schemas/{asset_id}/shop/public/changes", params={"window": "1h", "search": "ledger"})
    return answer.json()["items"] if answer.status_code == 200 else []


@pytest.fixture
def driver():
    """Headless Chromium from Debian's packages (as in test_browser.py); no driver download."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1100"):
        options.add_argument(argument)
    browser = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


def sign_in(browser, base_url: str) -> None:
    browser.get(base_url + "/login")
    browser.find_element(By.NAME, "email").send_keys(OWNER.email)
    browser.find_element(By.NAME, "password").send_keys(OWNER.password)
    browser.find_element(By.NAME, "password").submit()
    WebDriverWait(browser, 20).until(lambda b: "/login" not in b.current_url)


def visit(browser, url: str, shot: str, *, nav: str, charts: int = 0, texts: tuple[str, ...] = ()) -> None:
    """Opens url, checks it is a working explorer page and saves screenshots/explorer_<shot>.png."""
    browser.get(url)
    WebDriverWait(browser, 20).until(lambda b: b.execute_script("return document.readyState") == "complete")
    SCREENSHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"explorer_{shot}.png"))
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Internal Server Error" not in body and "Something went wrong" not in body, (url, body[:500])
    assert browser.find_elements(By.CSS_SELECTOR, "h1"), url
    current = browser.find_elements(By.CSS_SELECTOR, 'nav a[aria-current="page"]')
    assert any(link.text.strip() == nav for link in current), (url, [link.text for link in current])
    # The shared conventions: instance filter and time window on every explorer page.
    assert browser.find_elements(By.CSS_SELECTOR, "select[name=instance]"), url
    assert browser.find_elements(By.CSS_SELECTOR, "select[name=window]"), url
    svgs = browser.find_elements(By.CSS_SELECTOR, "svg[role=img] title, svg title")
    assert len(svgs) >= charts, (url, len(svgs))
    for text in texts:
        assert text in body, (url, text, body[:800])
    # No external chart library: every script is ours.
    sources = [s.get_attribute("src") or "" for s in browser.find_elements(By.TAG_NAME, "script")]
    assert all(src == "" or src.startswith(browser.current_url.split("/")[0] + "//" + browser.current_url.split("/")[2] + "/static/")
               for src in sources), sources


def test_every_explorer_page_renders_real_data(watched, driver):
    org, assets = watched
    base = org.base_url
    pg, cache = assets["main"], assets["cache"]
    probe = statement(org, pg)
    sign_in(driver, base)

    # The landing page is the Overview dashboard.
    driver.get(base + "/")
    WebDriverWait(driver, 20).until(lambda b: "/overview" in b.current_url)
    visit(driver, base + "/overview?window=1h", "overview", nav="Overview", charts=3)

    visit(driver, base + "/databases?window=1h", "databases", nav="Databases", texts=("shop", "db0"))
    visit(driver, f"{base}/databases/{pg}/shop?window=1h", "database_postgres", nav="Databases", charts=4, texts=("shop",))
    visit(driver, f"{base}/databases/{pg}/shop?tab=schema&window=1h", "database_postgres_schema", nav="Databases", charts=1,
          texts=("ledger",))
    visit(driver, f"{base}/databases/{cache}/db0?window=1h", "database_redis", nav="Databases", charts=3, texts=(str(REDIS_KEYS),))

    visit(driver, base + "/activity?window=1h", "activity", nav="Activity")
    visit(driver, f"{base}/activity/{pg}?window=1h", "activity_postgres", nav="Activity", charts=2, texts=("Idle in Transaction",))

    visit(driver, base + "/queries?window=1h", "queries", nav="Queries", texts=("browser_probe",))
    visit(driver, f"{base}/queries/{probe['id']}?window=1h", "query", nav="Queries", charts=4, texts=("browser_probe",))

    visit(driver, base + "/schemas?window=1h", "schemas", nav="Schemas", texts=("public", "shop"))
    visit(driver, f"{base}/schemas/{pg}/shop/public?window=1h", "schema_overview", nav="Schemas", charts=1, texts=("ledger",))
    visit(driver, f"{base}/schemas/{pg}/shop/public?tab=changes&window=1h", "schema_changes", nav="Schemas", texts=("ledger",))
    visit(driver, f"{base}/schemas/{pg}/shop/public?tab=permissions&window=1h", "schema_permissions", nav="Schemas",
          texts=("auditor",))


def test_query_explorer_remembers_hidden_columns(watched, driver):
    org, assets = watched
    sign_in(driver, org.base_url)
    url = f"{org.base_url}/queries?window=1h&instance={assets['main']}"
    driver.get(url)
    table = driver.find_element(By.CSS_SELECTOR, 'table[data-columns="queries"]')
    headers = lambda: [th.text.strip() for th in driver.find_elements(By.CSS_SELECTOR, 'table[data-columns="queries"] thead th')
                       if th.is_displayed()]
    assert "Rows" in headers(), headers()
    driver.find_element(By.CSS_SELECTOR, ".columns-menu > summary").click()
    box = next(label for label in driver.find_elements(By.CSS_SELECTOR, ".columns-menu__item") if label.text.strip() == "Rows")
    box.find_element(By.TAG_NAME, "input").click()
    assert "Rows" not in headers(), headers()
    SCREENSHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / "explorer_queries_columns.png"))
    # A new visit (reload) keeps the choice; the cells of that column are hidden too.
    driver.get(url)
    WebDriverWait(driver, 10).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".columns-menu"))
    assert "Rows" not in headers(), headers()
    assert table is not None
