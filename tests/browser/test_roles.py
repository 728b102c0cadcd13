"""Roles in a real browser (issue 18): a viewer's sidebar lists no page that writes and the
Add articles and Data URLs say so; an editor gets the pages; read-only mode hides them from
everyone. Each visit by URL is a new session, so it signs in first."""

from __future__ import annotations

import shutil

import pytest

from conflict_monitor.access.passwords import hash_password
from conflict_monitor.store.factory import open_store
from conflict_monitor.store.users import add_user
from tests.conftest import CHROMIUM, serve_app, wait_for_app

pytestmark = pytest.mark.browser

PASSWORDS = {"vera": "viewer pass 1", "eddie": "editor pass 1"}
WRITE_CONTROLS = ("[data-testid=stFileUploader], [data-testid=stTextArea], [data-testid=stRadio], "
                  "button:has-text('Store'), button:has-text('Import'), button:has-text('Fetch')")


@pytest.fixture(scope="module")
def accounts_app(seeded_store_file, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("roles")
    store_file = folder / "roles.duckdb"
    shutil.copy(seeded_store_file, store_file)
    store = open_store(str(store_file), seed_if_new=False)
    add_user(store, "vera", "viewer", hash_password(PASSWORDS["vera"], n=2**10))
    add_user(store, "eddie", "editor", hash_password(PASSWORDS["eddie"], n=2**10))
    store.close()
    secrets = folder / "secrets.toml"
    secrets.write_text("[access]\naccounts = true\n", encoding="utf-8")
    with serve_app(store_file, folder, secrets_file=secrets) as url:
        yield url


@pytest.fixture(scope="module")
def read_only_app(seeded_store_file, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    folder = tmp_path_factory.mktemp("read-only")
    store_file = folder / "ro.duckdb"
    shutil.copy(seeded_store_file, store_file)
    with serve_app(store_file, folder, env={"CONFLICT_MONITOR_READ_ONLY": "1"}) as url:
        yield url


def _open(browser, url: str, name: str | None):
    page = browser.new_context().new_page()
    page.goto(url)
    if name:
        page.get_by_role("textbox", name="Name").wait_for(timeout=60_000)
        page.get_by_role("textbox", name="Name").fill(name)
        page.get_by_role("textbox", name="Password").fill(PASSWORDS[name])
        page.get_by_role("button", name="Enter").click()
        page.get_by_role("textbox", name="Password").wait_for(state="detached", timeout=60_000)
    wait_for_app(page)
    return page


def _nav(page) -> list[str]:
    page.locator("[data-testid=stSidebarNav] a").first.wait_for(timeout=60_000)
    return [a.inner_text().strip().split("\n")[-1]
            for a in page.locator("[data-testid=stSidebarNav] a").all()]


def _heading(page) -> str:
    return page.locator("[data-testid=stMainBlockContainer] h1").first.inner_text()


def test_a_viewer_sees_no_write_control_and_cannot_reach_one(accounts_app, browser):
    page = _open(browser, accounts_app + "/", "vera")
    assert _nav(page) == ["Overview", "Events", "Timeline", "Casualties", "Map", "Data", "Alerts"]
    page.context.close()
    page = _open(browser, accounts_app + "/data", "vera")  # what is stored, not the import form
    assert _heading(page) == "Data"
    page.get_by_text("Stored events by origin").wait_for(timeout=60_000)
    assert page.get_by_text("Your role (viewer)").count() == 1
    assert page.locator(WRITE_CONTROLS).count() == 0 and page.locator("[data-testid=stFileUploader]").count() == 0
    page.context.close()
    page = _open(browser, accounts_app + "/alerts", "vera")  # alerts to read, nothing to change
    assert _heading(page) == "Alerts"
    assert page.locator(WRITE_CONTROLS).count() == 0
    assert page.get_by_role("button").filter(has_text="Save rule").count() == 0
    page.context.close()
    for path in ("/add_articles", "/sources", "/review"):
        page = _open(browser, accounts_app + path, "vera")
        assert _heading(page) == "Not available"
        assert page.get_by_text("Your role (viewer)").count() == 1
        assert page.locator(WRITE_CONTROLS).count() == 0
        assert page.locator("[data-testid=stException]").count() == 0
        page.context.close()


def test_an_editor_gets_the_write_pages(accounts_app, browser):
    page = _open(browser, accounts_app + "/add_articles", "eddie")
    assert _heading(page) == "Add articles"
    page.locator("[data-testid=stRadio]").wait_for(timeout=60_000)
    assert _nav(page) == ["Overview", "Events", "Timeline", "Casualties", "Map", "Add articles", "Data",
                          "Sources", "Review", "Alerts"]
    page.context.close()


def test_read_only_mode_hides_the_writes_from_everyone(read_only_app, browser):
    page = _open(browser, read_only_app + "/", None)
    assert _nav(page) == ["Overview", "Events", "Timeline", "Casualties", "Map", "Data", "Alerts"]
    page.context.close()
    page = _open(browser, read_only_app + "/data", None)
    page.get_by_text("Stored events by origin").wait_for(timeout=60_000)
    assert page.get_by_text("This app is read-only").count() == 1
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    page.context.close()
    for path in ("/add_articles", "/sources", "/review"):
        page = _open(browser, read_only_app + path, None)
        assert _heading(page) == "Not available"
        # the note is drawn after the heading: wait for it before counting (count() does not wait)
        page.get_by_text("This app is read-only").first.wait_for(timeout=60_000)
        assert page.get_by_text("This app is read-only").count() == 1
        assert page.locator(WRITE_CONTROLS).count() == 0
        page.context.close()
