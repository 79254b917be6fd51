"""A person's first session in a real browser (headless Chromium through Selenium 4).

Bootstrap the organisation from the printed link, add a PostgreSQL instance through the
wizard, generate its registration token (shown once), edit the asset and delete it. A
screenshot is saved after every step into Tests/e2e/screenshots/ for people to look at.

Locators use form field names (the contract in ARCHITECTURE.md 4.1) and visible button text,
and accept either a <select> or radio buttons for a choice, so the page layout can change
without breaking the test.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from selenium import webdriver
from selenium.common.exceptions import (
    ElementClickInterceptedException, ElementNotInteractableException, NoSuchElementException,
    StaleElementReferenceException, TimeoutException, WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from logstag_e2e import OWNER, LogstagServer

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
REGISTRATION_TOKEN = re.compile(r"lsr_[0-9A-Za-z]{50}(?![0-9A-Za-z])")
EMPTY_STATE = re.compile(
    r"no (database |monitored )?(assets|instances|databases)|add your first|get started|nothing here", re.I
)
SETUP_CHOICES = {"hosting": "self-hosted", "os": "linux", "connection": "direct"}


@pytest.fixture
def driver():
    """Headless Chromium from Debian's packages; no driver download is ever attempted."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1440,1000"):
        options.add_argument(argument)
    # Leave JavaScript dialogs open until the test handles them (the delete confirmation).
    options.set_capability("unhandledPromptBehavior", "ignore")
    browser = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    browser.set_page_load_timeout(30)
    try:
        yield browser
    finally:
        browser.quit()


class Page:
    """The browser plus the few tolerant actions the flow needs, and numbered screenshots."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url
        self.shots = 0
        SCREENSHOTS.mkdir(exist_ok=True)
        for old in SCREENSHOTS.glob("*.png"):
            old.unlink()

    # -- looking -------------------------------------------------------------------------------

    def shot(self, name: str) -> None:
        """Saves the whole window as NN-name.png."""
        self.shots += 1
        self.driver.save_screenshot(str(SCREENSHOTS / f"{self.shots:02d}-{name}.png"))

    def html(self) -> str:
        return self.driver.page_source

    def path(self) -> str:
        return urlparse(self.driver.current_url).path

    def has_field(self, name: str) -> bool:
        return bool(self.driver.find_elements(By.NAME, name))

    # -- acting --------------------------------------------------------------------------------

    def open(self, path_or_url: str) -> None:
        self.driver.get(path_or_url if path_or_url.startswith("http") else self.base_url + path_or_url)

    def click(self, element: WebElement) -> None:
        """Clicks like a person; falls back to a script click for styled (hidden) inputs."""
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
        try:
            element.click()
        except (ElementClickInterceptedException, ElementNotInteractableException):
            self.driver.execute_script("arguments[0].click();", element)

    def fill(self, name: str, value: str) -> None:
        """Types into the field called name (or picks value when it is a choice)."""
        element = self.driver.find_element(By.NAME, name)
        if element.tag_name == "select" or element.get_attribute("type") in ("radio", "checkbox"):
            self.choose(name, value)
            return
        element.clear()
        element.send_keys(value)

    def choose(self, name: str, wanted: str, settle: float = 0) -> None:
        """Selects wanted (a value or a visible label, case-insensitive) in a <select> or radio group.

        settle: seconds to wait for the page to reload after a radio click, for forms that
        submit themselves on change (the setup page's choices).
        """
        elements = self.driver.find_elements(By.NAME, name)
        assert elements, f"no field named {name!r} on {self.path()}"
        if elements[0].tag_name == "select":
            select = Select(elements[0])
            options = [(option.get_attribute("value"), option.text, option) for option in select.options]
            chosen = _pick(wanted, options)
            assert chosen is not None, f"{name!r} has no option {wanted!r}"
            select.select_by_index(int(chosen.get_property("index")))
            return
        radios = [(element.get_attribute("value"), self._label_of(element), element) for element in elements]
        chosen = _pick(wanted, radios)
        assert chosen is not None, f"no {name!r} choice {wanted!r} on {self.path()}"
        if chosen.is_selected():
            return
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.click(chosen)
        if settle:
            try:
                WebDriverWait(self.driver, settle).until(lambda _: _left(old))
                self.wait_loaded()
            except TimeoutException:
                pass  # the form does not submit itself

    def _label_of(self, element: WebElement) -> str:
        """The text of the <label> around or pointing at an input."""
        element_id = element.get_attribute("id")
        labels = self.driver.find_elements(By.CSS_SELECTOR, f"label[for='{element_id}']") if element_id else []
        labels += element.find_elements(By.XPATH, "./ancestor::label")
        return " ".join(label.text for label in labels)

    def button(self, pattern: str, scope: WebElement | None = None) -> WebElement:
        """The first visible button, submit input or link whose text matches pattern."""
        regex = re.compile(pattern, re.I)
        root = scope or self.driver
        candidates = root.find_elements(By.CSS_SELECTOR, "button, input[type=submit], a")
        for element in candidates:
            text = element.text or element.get_attribute("value") or element.get_attribute("aria-label") or ""
            if regex.search(text) and element.is_displayed():
                return element
        raise NoSuchElementException(f"no button matching /{pattern}/ on {self.path()}")

    def submit_form_of(self, field_name: str) -> None:
        """Submits the form containing the named field with its own submit button."""
        form = self.driver.find_element(By.NAME, field_name).find_element(By.XPATH, "./ancestor::form")
        buttons = form.find_elements(By.CSS_SELECTOR, "button[type=submit], input[type=submit]")
        buttons = buttons or form.find_elements(By.CSS_SELECTOR, "button:not([type])")
        self.await_new_page(lambda: self.click(buttons[0]) if buttons else form.submit())

    def await_new_page(self, action, dialog_timeout: float = 0) -> None:
        """Runs action, accepts a confirm() dialog if one appears within dialog_timeout, and
        waits until the browser has left the current document."""
        old = self.driver.find_element(By.TAG_NAME, "html")
        action()
        if dialog_timeout:
            self.accept_dialog(dialog_timeout)
        WebDriverWait(self.driver, 20).until(lambda _: _left(old))
        self.wait_loaded()

    def wait_loaded(self) -> None:
        """Waits for the current document to finish loading (after a script-started navigation)."""
        WebDriverWait(self.driver, 20).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete")

    def accept_dialog(self, timeout: float = 3) -> bool:
        """Accepts a JavaScript confirm() if one appears."""
        try:
            WebDriverWait(self.driver, timeout).until(EC.alert_is_present())
        except TimeoutException:
            return False
        self.driver.switch_to.alert.accept()
        return True


def _left(old: WebElement) -> bool:
    """True once `old` no longer belongs to the current document.

    Chromedriver reports a replaced document either as a stale reference or, in a race while
    the new document is attaching, as an inspector error ("Node with given id does not belong
    to the document"); both mean the browser has left the page.
    """
    try:
        old.is_enabled()
        return False
    except (StaleElementReferenceException, WebDriverException):
        return True


def _normal(text: str | None) -> str:
    """Lower case letters and digits only: "Self-Hosted" and "self-hosted" compare equal."""
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _pick(wanted: str, choices: list[tuple[str | None, str | None, WebElement]]) -> WebElement | None:
    """The choice whose value or label is wanted; failing that, whose label contains it.

    Exact matches win so that "Production" never picks "Pre-Production".
    """
    key = _normal(wanted)
    for value, label, element in choices:
        if key in (_normal(value), _normal(label)):
            return element
    for _, label, element in choices:
        if key and key in _normal(label):
            return element
    return None


# -- the steps, in the order a person takes them -------------------------------------------------


def bootstrap(page: Page, link: str) -> None:
    """Creates the organisation and the Account Owner from the printed one-time link."""
    page.open(link)
    page.shot("bootstrap-form")
    page.fill("org_name", OWNER.org)
    page.fill("name", OWNER.name)
    page.fill("email", OWNER.email)
    page.fill("password", OWNER.password)
    if page.has_field("password_confirm"):
        page.fill("password_confirm", OWNER.password)
    page.shot("bootstrap-filled")
    page.submit_form_of("org_name")
    page.shot("after-bootstrap")
    assert "/bootstrap/" not in page.path(), "still on the bootstrap page after submitting it"


def sign_in_if_asked(page: Page) -> None:
    """Signs in when the bootstrap did not already start a session."""
    if page.path().startswith("/login") or (page.has_field("password") and page.has_field("email")):
        page.fill("email", OWNER.email)
        page.fill("password", OWNER.password)
        page.submit_form_of("password")
        page.shot("signed-in")
    assert not page.path().startswith("/login"), "sign-in failed"


def open_assets(page: Page) -> None:
    """Follows the Assets navigation link and expects the empty state of a new organisation."""
    links = [link for link in page.driver.find_elements(By.PARTIAL_LINK_TEXT, "Assets") if link.is_displayed()]
    if links:
        page.await_new_page(lambda: page.click(links[0]))
    else:
        page.open("/assets")
    assert page.path().rstrip("/") == "/assets", page.path()
    page.shot("assets-empty")
    body = page.driver.find_element(By.TAG_NAME, "body").text
    marked = page.driver.find_elements(By.CSS_SELECTOR, "[class*=empty]")
    assert EMPTY_STATE.search(body) or marked, "no empty-state message on the asset list"


def add_instance(page: Page) -> str:
    """Wizard step 1: PostgreSQL, "orders-prod-db", Production. Returns the new asset's id."""
    try:
        add = page.button(r"add (an? )?(instance|asset|database)|new (instance|asset)")
        page.await_new_page(lambda: page.click(add))
    except NoSuchElementException:
        page.open("/assets/new")
    page.shot("add-instance-form")
    page.choose("engine", "postgresql")
    page.fill("name", "orders-prod-db")
    page.choose("environment", "Production")
    page.shot("add-instance-filled")
    page.submit_form_of("name")
    page.shot("setup-step-2")
    match = re.match(r"^/assets/([^/]+)/setup$", page.path())
    assert match, f"the wizard did not continue to /assets/{{id}}/setup but to {page.path()}"
    return match.group(1)


def pick_install_options(page: Page, asset_id: str) -> str:
    """Wizard step 2: self-hosted / linux / direct; returns the URL that shows that choice.

    The choices live in a GET form that may submit itself on every change (with JavaScript)
    or need its button (without); either way the chosen values end up in the URL.
    """
    present = [name for name in SETUP_CHOICES if page.has_field(name)]
    for name in present:
        page.choose(name, SETUP_CHOICES[name], settle=3)
    shown = parse_qs(urlparse(page.driver.current_url).query)
    if present and any(shown.get(name) != [SETUP_CHOICES[name]] for name in present):
        form = page.driver.find_element(By.NAME, present[0]).find_element(By.XPATH, "./ancestor::form")
        if (form.get_attribute("method") or "get").lower() == "get":
            page.submit_form_of(present[0])
    if "/install.sh" not in page.html():
        page.open(f"/assets/{asset_id}/setup?" + urlencode(SETUP_CHOICES))
    page.shot("install-command")
    html = page.html()
    assert "/install.sh" in html, "no install command on the setup page"
    assert "LOGSTAG_PLATFORM=self-hosted" in html, "the install command does not carry the hosting choice"
    assert not REGISTRATION_TOKEN.search(html), "a registration token is shown before one was generated"
    return page.driver.current_url


def generate_token(page: Page) -> str:
    """Clicks "Generate registration token" and reads the token, shown this once."""
    button = page.button(r"generate.*token|regenerate")
    page.await_new_page(lambda: page.click(button), dialog_timeout=1)
    page.shot("token-shown")
    tokens = set(REGISTRATION_TOKEN.findall(page.html()))
    assert len(tokens) == 1, f"expected one lsr_ token on the page, found {len(tokens)}"
    return tokens.pop()


def token_gone_after_reload(page: Page, setup_url: str, token: str) -> None:
    """Opens the setup page again (a GET): the token must not be shown a second time."""
    page.open(setup_url)
    page.shot("token-hidden-after-reload")
    assert token not in page.html(), "the registration token is shown again"
    assert not REGISTRATION_TOKEN.search(page.html())


def edit_asset(page: Page, asset_id: str) -> None:
    """Renames the asset to "orders-primary" in Staging from its detail page."""
    page.open("/assets")
    links = page.driver.find_elements(By.PARTIAL_LINK_TEXT, "orders-prod-db")
    if links:
        page.await_new_page(lambda: page.click(links[0]))
    else:
        page.open(f"/assets/{asset_id}")
    page.shot("asset-detail")
    assert "orders-prod-db" in page.html()
    page.fill("name", "orders-primary")
    page.choose("environment", "Staging")
    page.shot("asset-edit-filled")
    page.submit_form_of("name")
    page.shot("asset-saved")
    page.open(f"/assets/{asset_id}")
    html = page.html()
    assert "orders-primary" in html and "Staging" in html, "the edit was not saved"
    page.shot("asset-detail-after-edit")


def delete_asset(page: Page, asset_id: str) -> None:
    """Deletes the asset: tick the confirmation box, press Delete, accept the browser's dialog."""
    page.open(f"/assets/{asset_id}")
    for _ in range(3):
        forms = page.driver.find_elements(By.XPATH, "//form[contains(@action, '/delete')]")
        if forms:
            form = forms[0]
            for box in form.find_elements(By.CSS_SELECTOR, "input[type=checkbox]"):
                if not box.is_selected():
                    page.click(box)
            page.shot("delete-confirmed")
            button = page.button(r"delete", scope=form)
            page.await_new_page(lambda: page.click(button), dialog_timeout=3)
        else:
            link = page.button(r"delete")
            page.await_new_page(lambda: page.click(link), dialog_timeout=3)
        if not page.path().startswith(f"/assets/{asset_id}"):
            break
    page.open("/assets")
    page.shot("asset-deleted")
    assert "orders-primary" not in page.html(), "the deleted asset is still listed"


def test_first_session_in_a_browser(driver, logstag_server: LogstagServer):
    page = Page(driver, logstag_server.base_url)
    bootstrap(page, logstag_server.bootstrap_url())
    sign_in_if_asked(page)
    open_assets(page)
    asset_id = add_instance(page)
    setup_url = pick_install_options(page, asset_id)
    token = generate_token(page)
    token_gone_after_reload(page, setup_url, token)
    edit_asset(page, asset_id)
    delete_asset(page, asset_id)
