"""A DBA runs a health check from the asset page in a real browser (headless Chromium).

Server with an organisation, a PostgreSQL asset whose agent (`logstag --mode agent`, real
process) watches the shared PostgreSQL 15 of scripts/test-databases.sh through a pg_monitor
role. In the browser: sign in, open the asset, press "Run health check", follow the run page
until it is Completed, read the report (score with its colour band, findings, SVG trend charts),
download the HTML export, and see the score on the asset list.

What is proven (pass criteria):

* the run page reloads by itself and reaches Completed within RUN_TIMEOUT_S;
* the report shows "Health Check info", an overall score 0..100 whose class is the band the
  number belongs to (>= 80 good, 60-79 warn, < 60 bad), the System Health tab cards, at least
  one finding title per evaluated tab, and inline SVG charts;
* the planted problem (a table without a primary key in a private schema) is an Attention or
  Critical finding whose result table names it;
* "Export HTML" answers an attachment that is a complete document without any external
  reference (no src/href to http(s) or /static, no <script>, no <link>) and holds every
  finding title of the page;
* the asset list shows the same score, "checked ...", linking to the report;
* a second check can be compared with the first from the run history.

Screenshots: Tests/e2e/screenshots/health_*.png (the asset card, the running check, the
report top, findings, charts, the export as a browser renders it, the asset list).
"""

from __future__ import annotations

import html as htmllib
import re
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from agent_e2e import TICK_S, AgentHome, PgRole, enrolled_agent, pg_target, psql, start_org_server, unique, wait_until
from logstag_e2e import OWNER

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CONNECTED_WITHIN_S = 60
RUN_TIMEOUT_S = 180
FINAL_STATES = ("Completed", "Failure", "Cancelled", "Timeout")
EXTERNAL_REFERENCE = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:|//|/static)""", re.I)


@pytest.fixture
def driver():
    """Headless Chromium from Debian's packages (as in test_browser.py); no driver download."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1440,1000"):
        options.add_argument(argument)
    options.set_capability("unhandledPromptBehavior", "ignore")
    browser = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def monitored(logstag_bin: Path, tmp_path: Path):
    """A server with an organisation and a Connected PostgreSQL asset with a running agent, and
    a planted problem: a table without a primary key in a schema of the test's own."""
    server, org = start_org_server(logstag_bin, tmp_path / "server")
    role = PgRole.create("lshc")
    schema = unique("hc")
    psql(f"CREATE SCHEMA {schema}; CREATE TABLE {schema}.events_no_pk (id int, payload text);"
         f"INSERT INTO {schema}.events_no_pk SELECT g, 'x' FROM generate_series(1, 100) g; ANALYZE {schema}.events_no_pk;")
    home = AgentHome(tmp_path / "agent", logstag_bin)
    agent = None
    try:
        assets = enrolled_agent(org, home, [(pg_target("db", role), "postgresql")])
        asset_id = assets["db"]
        agent = home.start()
        org.wait_status(asset_id, "Connected", CONNECTED_WITHIN_S)
        # A few high-tier samples first, so the trend charts have lines to draw.
        time.sleep(4 * TICK_S)
        yield server, org, asset_id, schema
    finally:
        if agent is not None:
            agent.stop()
        server.stop()
        psql(f"DROP SCHEMA IF EXISTS {schema} CASCADE;")
        role.drop()


class Browser:
    """The driver plus screenshots named health_NN-name.png (only those are replaced)."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url
        self.shots = 0
        SCREENSHOTS.mkdir(exist_ok=True)
        for old in SCREENSHOTS.glob("health_*.png"):
            old.unlink()

    def shot(self, name: str, element=None) -> Path:
        self.shots += 1
        path = SCREENSHOTS / f"health_{self.shots:02d}-{name}.png"
        if element is not None:
            self.driver.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -70);", element)
            time.sleep(0.2)
        self.driver.save_screenshot(str(path))
        return path

    def open(self, path: str) -> None:
        self.driver.get(path if path.startswith(("http", "file:")) else self.base_url + path)

    def css(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def sign_in(self) -> None:
        self.open("/login")
        self.driver.find_element(By.NAME, "email").send_keys(OWNER.email)
        self.driver.find_element(By.NAME, "password").send_keys(OWNER.password)
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.driver.find_element(By.NAME, "password").submit()
        WebDriverWait(self.driver, 20).until(lambda _: _left(old))
        assert not self.driver.current_url.split("?")[0].endswith("/login"), "sign-in failed"

    def session(self) -> requests.Session:
        """A requests session carrying the browser's cookies (to download the export)."""
        session = requests.Session()
        for cookie in self.driver.get_cookies():
            session.cookies.set(cookie["name"], cookie["value"])
        return session


def _left(old) -> bool:
    try:
        old.is_enabled()
        return False
    except (StaleElementReferenceException, WebDriverException):
        return True


def run_status(browser: Browser) -> str | None:
    """The run badge's status on the current page (the page reloads itself while running)."""
    try:
        badges = browser.css("#run-status")
        return badges[0].get_attribute("data-status") if badges else None
    except (StaleElementReferenceException, WebDriverException):
        return None


def run_check(browser: Browser, server, asset_id: str, shoot: bool = False) -> str:
    """Presses "Run health check" in the asset page's Health card and follows the run page
    (which reloads itself) until the run is final; fails unless it Completed. Returns its URL."""
    driver = browser.driver
    card = browser.css("#health")
    button = [b for b in card[0].find_elements(By.CSS_SELECTOR, "button[type=submit]") if "Run health check" in b.text]
    assert button, "no Run health check button in the Health card"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", button[0])
    old = driver.find_element(By.TAG_NAME, "html")
    button[0].click()
    WebDriverWait(driver, 20).until(lambda _: _left(old))
    assert re.search(rf"/assets/{asset_id}/health/[^/]+$", driver.current_url), driver.current_url
    run_url = driver.current_url
    first = run_status(browser)
    assert first in ("Pending", "Collecting", "Generating Report", "Completed"), first
    if first != "Completed":
        if shoot:
            browser.shot("running")
        assert browser.css("meta[http-equiv=refresh]"), "a running check must reload itself"
    seen = {first}

    def final():
        status = run_status(browser)
        if status:
            seen.add(status)
        return status if status in FINAL_STATES else None

    status = wait_until(final, RUN_TIMEOUT_S, 1, lambda: f"the run never finished; seen {seen} at {driver.current_url}")
    if status != "Completed":
        browser.shot("run-ended")
        body = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"the health check ended {status}: {body[:2000]}\n{server.output()[-3000:]}")
    assert driver.current_url == run_url
    time.sleep(0.5)  # let the reloaded page settle before looking
    return run_url


def band_of(score: int) -> str:
    return "good" if score >= 80 else "warn" if score >= 60 else "bad"


def test_health_check_from_the_asset_page(driver, monitored):
    server, org, asset_id, schema = monitored
    browser = Browser(driver, server.base_url)
    browser.sign_in()

    # The asset page: the Health card with its button, no score yet.
    browser.open(f"/assets/{asset_id}")
    card = browser.css("#health")
    assert card, "no Health card on the asset page"
    assert "No health check has completed" in card[0].text, card[0].text
    browser.shot("asset-health-card", card[0])

    run_url = run_check(browser, server, asset_id, shoot=True)

    # The report: header, score and its band.
    info = browser.css("#health-check-info")
    assert info, "no Health Check info section"
    browser.shot("report-top")
    verdict = browser.css(".report-verdict__score")[0]
    score = int(verdict.text)
    assert 0 <= score <= 100, verdict.text
    assert f"score--{band_of(score)}" in verdict.get_attribute("class"), (score, verdict.get_attribute("class"))
    assert "PostgreSQL" in info[0].text and "Completed" in info[0].text
    tabs = browser.css(".tab-score")
    assert tabs, "no System Health tab cards"
    for required in ("Configuration", "Performance"):
        assert any(required in tab.text for tab in tabs), f"no {required} in System Health"

    # Findings: each evaluated tab has a section; collect every title on the page.
    problems = browser.css("article.finding")
    titles = [element.text for element in browser.css(".finding__title, .healthy-finding__title")]
    assert len(titles) >= 10, f"only {len(titles)} findings on the report"
    if problems:
        browser.shot("findings", problems[0])
    missing_pk = [article for article in problems if "Tables without a primary key" in article.text]
    assert missing_pk, f"the table without a primary key is not reported; problems: {[p.text.splitlines()[0] for p in problems]}"
    finding_text = missing_pk[0].text
    assert "Attention" in finding_text or "Critical" in finding_text, finding_text[:500]
    # Named in the result table, unless the shared server has more such tables than the table shows.
    assert "events_no_pk" in finding_text or "Showing 100 of" in finding_text, finding_text[:2000]
    browser.shot("planted-finding", missing_pk[0])

    # Charts: inline SVG (no image requests), at least one with a drawn line.
    charts = browser.css("#performance-trends figure.chart svg")
    assert charts, "no SVG charts in the performance trends"
    assert browser.css("#performance-trends path.chart__line"), "no trend chart draws a line after a minute of samples"
    browser.shot("charts", browser.css("#performance-trends")[0])
    for section in ("recommendations", "coverage-limitations", "scope"):
        assert browser.css(f"#{section}"), f"no {section} section"
    browser.shot("recommendations", browser.css("#recommendations")[0])

    # Export HTML: an attachment, self-contained, with every finding title.
    export_link = [a for a in browser.css("a[href$='export.html']") if "Export HTML" in a.text]
    assert export_link, "no Export HTML link"
    response = browser.session().get(export_link[0].get_attribute("href"), timeout=30)
    assert response.status_code == 200, response.status_code
    assert response.headers.get("Content-Disposition", "").startswith("attachment"), response.headers
    document = response.text
    assert document.lstrip().lower().startswith("<!doctype html>")
    assert not EXTERNAL_REFERENCE.search(document), EXTERNAL_REFERENCE.search(document).group(0)
    assert "<script" not in document.lower() and "<link" not in document.lower()
    unescaped = htmllib.unescape(document)
    for title in titles:
        assert title in unescaped, f"the export lacks the finding {title!r}"
    exported = Path(server.workdir) / "health-export.html"
    exported.write_text(document)
    browser.open(exported.as_uri())
    browser.shot("export-rendered")
    assert "Health Check info" in driver.find_element(By.TAG_NAME, "body").text

    # The asset list: the score, "checked ...", linking to the report.
    browser.open("/assets")
    cells = browser.css(f"a.health-cell[href='/assets/{asset_id}/health/{run_url.rsplit('/', 1)[1]}']")
    assert cells, "the asset list does not link the latest report"
    assert str(score) in cells[0].text and "checked" in cells[0].text, cells[0].text
    browser.shot("asset-list")

    # And the asset page now shows the score and the run history.
    browser.open(f"/assets/{asset_id}")
    latest = browser.css("#health-latest .health-summary__score")
    assert latest and latest[0].text == str(score), [element.text for element in latest]
    assert browser.css("#health-history"), "no run history"
    browser.shot("asset-health-after", browser.css("#health")[0])

    # Fix the planted problem, run a second check, then compare the two from the history
    # (both preselected): the fix shows as a removed (or, with other such tables, changed) finding.
    psql(f"ALTER TABLE {schema}.events_no_pk ADD PRIMARY KEY (id);")
    second_url = run_check(browser, server, asset_id)
    assert second_url != run_url
    assert "Compare with previous" in driver.find_element(By.TAG_NAME, "body").text
    browser.open(f"/assets/{asset_id}")
    assert len(browser.css("#health-history tbody tr")) == 2
    compare = [b for b in browser.css("#health button[type=submit]") if b.text.strip() == "Compare"]
    assert compare, "no Compare button under the run history"
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", compare[0])
    old = driver.find_element(By.TAG_NAME, "html")
    compare[0].click()
    WebDriverWait(driver, 20).until(lambda _: _left(old))
    assert "/health/compare?" in driver.current_url, driver.current_url
    body = driver.find_element(By.TAG_NAME, "body").text
    for heading in ("Compare health checks", "Added findings", "Removed findings", "Modified findings", "Changed settings"):
        assert heading in body, f"no {heading!r} on the compare page"
    changed = " ".join(element.text for element in browser.css("#removed-findings, #modified-findings"))
    assert "Tables without a primary key" in changed, changed
    browser.shot("compare")
