"""Hostile text from articles and imported files stays inert in a real browser, on every page."""

from urllib.parse import quote

import pytest

from tests.conftest import CHROMIUM, serve_app, wait_for_app

pytestmark = pytest.mark.browser

MARK = "__pwned"
HOSTILE = {
    "actor1": f"<script>window.{MARK}=1;alert(1)</script>",
    "actor2": "Turkish forces",
    "location": f'<img src=x onerror="window.{MARK}=2;alert(2)">',
    "evidence": (f"**bold** [click](javascript:alert(3)) <b onmouseover=\"window.{MARK}=4\">x</b> "
                 f"${{alert(5)}} `tick` <iframe src=javascript:alert(6)></iframe>"),
    "victims": f"<svg onload=\"window.{MARK}=7;alert(7)\">",
    "source": f"<a href=javascript:window.{MARK}=8>AFP</a>",
    "source_url": "javascript:alert(9)",
    "reported_by": "=HYPERLINK(\"http://evil.example\")",
}
# A source name that Markdown would draw as a tracking image and a phishing link (issue 19.7).
MARKDOWN_SOURCE = ("![beacon](https://tracker.example/pixel.png) "
                   "[sign in again](https://login.example/session)")


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    from conflict_monitor.store.factory import open_store

    store_file = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    store = open_store(str(store_file))
    store.upsert_events([dict(HOSTILE, event_date="2020-02-20", action="kill", origin="manual",
                              fatalities=5, latitude=35.86, longitude=36.80, country="SYR"),
                         dict(HOSTILE, event_date="2020-02-21", action="threaten", origin="manual",
                              latitude=35.90, longitude=36.70),
                         dict(HOSTILE, event_date="2020-02-22", action="kill", origin="manual",
                              fatalities=2, source=MARKDOWN_SOURCE, actor1=MARKDOWN_SOURCE)])
    with serve_app(store_file, tmp_path_factory.mktemp("hostile-log")) as url:
        yield url


def _assert_inert(page, dialogs):
    assert dialogs == [], f"a dialog opened: {dialogs}"
    for frame in page.frames:
        assert frame.evaluate(f"() => window.{MARK} === undefined"), f"script ran in {frame.url}"
        injected = frame.evaluate(
            "() => document.querySelectorAll('img[src=x], svg[onload], b[onmouseover], "
            "iframe[src^=javascript], a[href^=javascript], img[src*=\"tracker.example\"], "
            "a[href*=\"login.example\"], a[href*=\"tracker.example\"]').length")
        assert injected == 0, f"injected element in {frame.url}"


@pytest.mark.parametrize("path", ["/", "/events", "/timeline", "/casualties", "/map?asof=2020-02-22",
                                  f"/events?source={quote(MARKDOWN_SOURCE)}"])
def test_hostile_text_is_shown_inert(hostile_app, browser, path):
    page = browser.new_context().new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_app + path)
    wait_for_app(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=stSkeleton]')", timeout=60000)
    if path.startswith("/map"):
        frame = page.frame_locator("iframe").first
        frame.locator(".leaflet-container").wait_for(timeout=60000)
        markers = frame.locator(".leaflet-interactive, .leaflet-marker-icon")
        for i in range(25):  # open popups: posts and the hostile events
            if i >= markers.count():  # a click on a cluster redraws the markers: count again
                break
            markers.nth(i).dispatch_event("click")  # a marker mid-animation is "not visible" to click()
    if path == "/timeline":
        chart = page.locator("[data-testid=stPlotlyChart]").first
        chart.wait_for(timeout=60000)
        box = chart.bounding_box()
        for x in range(10):  # hover across the chart so hover labels with evidence render
            page.mouse.move(box["x"] + box["width"] * (0.5 + x / 20), box["y"] + box["height"] / 2)
    _assert_inert(page, dialogs)
    assert page.locator("[data-testid=stException]").count() == 0
    page.context.close()


HOSTILE_ARTICLE = (
    "DAMASCUS — Syrian government forces shelled Saraqib on Tuesday, killing 4 civilians, "
    "according to the Syrian Observatory for Human Rights. "
    f"<script>window.{MARK}=10;alert(10)</script> <img src=x onerror=\"window.{MARK}=11\"> "
    "[a link](javascript:alert(12)) **not bold** $x^2$ :material/warning:\n\n"
    "Turkey accused Russia of violating the ceasefire in Idlib on Wednesday."
)


def test_add_articles_preview_shows_hostile_text_as_text(hostile_app, browser):
    page = browser.new_context().new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(hostile_app + "/add_articles")
    wait_for_app(page)
    area = page.get_by_label("Article text")
    area.fill(HOSTILE_ARTICLE)
    area.press("Control+Enter")  # submit the text area
    expander = page.get_by_text("Article text, evidence highlighted")
    expander.wait_for(timeout=120000)
    page.get_by_role("button", name="Store").first.wait_for(timeout=120000)  # the run finished
    if not page.locator("mark").first.is_visible():
        expander.click()  # collapsed when events were found
    page.locator("mark").first.wait_for(timeout=60000)
    preview = page.locator(".article-preview")
    shown = preview.inner_text()
    assert "window." not in shown  # the cleaner drops script and tag content from the text
    # Markdown in an article stays literal text: no link, no bold, no formula is rendered.
    assert "[a link](javascript:alert(12))" in shown and "**not bold**" in shown and "$x^2$" in shown
    assert preview.locator("a, strong, .katex").count() == 0
    _assert_inert(page, dialogs)
    page.context.close()
