"""The app the README's way: `streamlit run dashboard.py` on a fresh store, visited in Chromium.

A new user's first start (the store is built from the shipped data, the first page drawn, no
legacy page list on the way), every page drawing its content, and an HTML article and a web
address (served by a local HTTP server) ingested through the command line and the Add
articles page.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, REPO, serve_app, serve_http, wait_for_app

pytestmark = pytest.mark.browser

ARTICLE = REPO / "tests" / "fixtures" / "article_saraqib.html"
# Records, in the page, every page list the sidebar shows and whether the first-start status did.
OBSERVER = """
window.__navs = []; window.__building = false;
new MutationObserver(() => {
  const links = Array.from(document.querySelectorAll('[data-testid=stSidebarNav] a'))
    .map(a => a.innerText.trim().split('\\n').pop()).join(',');
  if (links && window.__navs[window.__navs.length - 1] !== links) window.__navs.push(links);
  if (document.body && document.body.innerText.includes('Building the store from the shipped data'))
    window.__building = true;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""
APP_PAGES = ["Overview", "Events", "Timeline", "Casualties", "Map", "Add articles", "Data",
             "Sources", "Review", "Alerts"]
# What each page must have drawn, beyond its title.
PAGE_CONTENT = {
    "Overview": "[data-testid=stMetric]", "Events": "[data-testid=stDataFrame]",
    "Timeline": ".js-plotly-plot", "Casualties": ".js-plotly-plot", "Map": "iframe",
    "Add articles": "[data-testid=stRadio]", "Data": "[data-testid=stFileUploader]",
    "Sources": "[data-testid=stForm]", "Review": "[data-testid=stDataFrame]",
    "Alerts": "[data-testid=stMetric]",
}


@pytest.fixture(scope="module")
def cold_app(tmp_path_factory):
    """A new server over a store file that does not exist yet: what a new user starts."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    store_file = tmp_path_factory.mktemp("cold") / "new.duckdb"
    assert not store_file.exists()
    # The Add articles test fetches from a server of its own on 127.0.0.1: allowed here only.
    with serve_app(store_file, tmp_path_factory.mktemp("cold-log"),
                   env={"CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH": "1"}) as url:
        yield url


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def article_site():
    """The fixtures folder served on 127.0.0.1 (a free port)."""
    with serve_http(functools.partial(_Quiet, directory=str(ARTICLE.parent))) as url:
        yield url


def _wait_idle(page) -> None:
    wait_for_app(page, timeout_ms=120_000)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=120_000)


def test_first_start_builds_the_store_without_a_legacy_page_list(cold_app, browser):
    context = browser.new_context()
    context.add_init_script(OBSERVER)
    page = context.new_page()
    page.goto(cold_app + "/")
    page.wait_for_selector(PAGE_CONTENT["Overview"], timeout=120_000)
    # The source article is in once the Events figure counts its events beside the reference
    # timeline's 47 (the page reruns by itself when it is stored).
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetric]')].some(m => m.innerText.includes('Events')"
        " && parseInt(m.innerText.split('\\n').pop().replace(/,/g, '')) > 50)", timeout=120_000)
    _wait_idle(page)
    navs = page.evaluate("window.__navs")
    assert navs and all(entry == ",".join(APP_PAGES) for entry in navs), navs
    assert page.evaluate("window.__building")
    assert page.locator("[data-testid=stException]").count() == 0
    # The source article is in: its extracted events count beside the reference timeline.
    events = page.locator("[data-testid=stMetric]").filter(has_text="Events").first.inner_text()
    assert int(events.split()[-1].replace(",", "")) > 50
    context.close()


@pytest.mark.parametrize("name", APP_PAGES)
def test_every_page_draws_its_content(cold_app, browser, name):
    page = browser.new_context().new_page()
    page.goto(cold_app + "/")
    _wait_idle(page)
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=name).first.click()
    page.wait_for_function(f"() => document.querySelector('[data-testid=stMainBlockContainer] h1')"
                           f"?.innerText.includes({name!r})", timeout=120_000)
    _wait_idle(page)
    page.wait_for_selector(PAGE_CONTENT[name], timeout=120_000)
    if name == "Map":
        page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0
    page.context.close()


def _cli(store: Path, *args: str) -> subprocess.CompletedProcess:
    # The web address is this test's own server on 127.0.0.1: allowed here only.
    env = dict(os.environ, CONFLICT_MONITOR_DB=str(store), CONFLICT_MONITOR_ALLOW_PRIVATE_FETCH="1")
    return subprocess.run([sys.executable, "-m", "conflict_monitor", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_cli_ingests_an_html_file_and_a_web_address(tmp_path, article_site):
    store = tmp_path / "cli.duckdb"
    first = _cli(store, "ingest", str(ARTICLE))
    assert first.returncode == 0, first.stderr
    assert "1 of 1 articles read (1 new)" in first.stdout and " 0 events added" not in first.stdout
    # The same page from a web address is the same article: nothing new.
    again = _cli(store, "ingest", f"{article_site}/{ARTICLE.name}")
    assert again.returncode == 0, again.stderr
    assert "(0 new); 0 events added" in again.stdout and "0 failed" in again.stdout
    exported = _cli(store, "export", "--format", "csv", "--from", "2020-02-10", "--to", "2020-02-10")
    assert "Taftanaz" in exported.stdout and "Saraqib" in exported.stdout


def _store_preview(page) -> str:
    button = page.get_by_role("button", name="Store")
    button.wait_for(timeout=120_000)
    button.click()
    done = page.get_by_text("Stored:")
    done.wait_for(timeout=120_000)
    return done.inner_text()


def test_add_articles_page_takes_an_html_file_and_a_web_address(cold_app, browser, article_site):
    page = browser.new_context().new_page()
    page.goto(cold_app + "/add_articles")
    _wait_idle(page)
    page.get_by_test_id("stRadioGroup").get_by_text("Upload files").click()
    page.locator("[data-testid=stFileUploader]").wait_for(timeout=60_000)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(ARTICLE))
    page.get_by_text("Turkish soldiers killed in shelling near Saraqib").first.wait_for(timeout=120_000)
    stored = _store_preview(page)
    assert "Stored:" in stored and not stored.startswith("Stored: 0 events added")
    page.get_by_test_id("stRadioGroup").get_by_text("Web address").click()
    page.get_by_role("textbox", name="Web address").fill(f"{article_site}/{ARTICLE.name}")
    page.get_by_role("textbox", name="Web address").press("Enter")
    page.get_by_role("button", name="Fetch").click()
    page.get_by_text("Turkish soldiers killed in shelling near Saraqib").first.wait_for(timeout=120_000)
    again = _store_preview(page)
    assert again.startswith("Stored: 0 events added")  # the same article, fetched: nothing twice
    assert page.locator("[data-testid=stException]").count() == 0
    page.context.close()


def test_two_sessions_on_a_first_start_both_see_the_whole_store(tmp_path, browser):
    """The second session waits for the first to build the store instead of opening it half-built."""
    store_file = tmp_path / "new.duckdb"
    with serve_app(store_file, tmp_path) as url:
        pages = [browser.new_context().new_page() for _ in range(2)]
        # The build takes a few tenths of a second: the page's own observer records its status,
        # which a locator's polling can miss when the browser is slow.
        pages[0].add_init_script(OBSERVER)
        pages[0].goto(url + "/", wait_until="commit")
        # The second session arrives while the first is building: the file exists, half-filled.
        pages[0].wait_for_function("window.__building", timeout=120_000)
        pages[1].goto(url + "/timeline", wait_until="commit")
        pages[1].wait_for_selector(PAGE_CONTENT["Timeline"], timeout=120_000)
        _wait_idle(pages[0])
        pages[0].get_by_text("Adding the source article's events").wait_for(state="detached", timeout=120_000)
        for page in pages:
            _wait_idle(page)
            assert page.locator("[data-testid=stException]").count() == 0
            assert page.get_by_text("No events match these filters").count() == 0
            page.context.close()
