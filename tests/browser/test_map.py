"""Real browser, no internet: the Map page draws the 12 posts in the st_folium frame from the
app's own assets, a post's popup opens on click and its details show beside the map."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser
LOCAL = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost",
         "data:", "blob:", "about:")
MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


@pytest.fixture
def offline_page(app_url, browser):
    """A page whose every request beyond this machine fails, as on a closed network."""
    # tall enough that the whole map frame is on screen (a click on a half-visible frame
    # scrolls it between mouse down and up)
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    page = context.new_page()
    blocked: list[tuple[str, str]] = []

    def route(r):
        if r.request.url.startswith(LOCAL):
            return r.continue_()
        blocked.append((r.request.url, r.request.frame.url))
        return r.abort("internetdisconnected")

    page.route("**/*", route)
    page.blocked = blocked
    yield page
    context.close()


def test_map_draws_posts_offline_and_a_popup_opens(app_url, offline_page):
    page = offline_page
    page.goto(app_url + "/map?asof=2020-02-13")
    wait_for_app(page)
    frame_el = page.locator(MAP_FRAME)
    frame_el.wait_for(timeout=60000)
    frame = page.frame_locator(MAP_FRAME)
    posts = frame.locator(".cm-post")
    posts.nth(11).wait_for(timeout=60000)
    assert posts.count() == 12
    assert frame.locator(".cm-status-encircled").count() == 5
    assert frame_el.bounding_box()["height"] > 400  # the frame did not stay 0 px high
    assert "geoBoundaries (CC BY 3.0 IGO)" in frame.locator(".leaflet-control-attribution").inner_text()
    assert frame.locator(".cm-legend").count() == 1
    assert frame.locator(".leaflet-control-layers").count() == 1
    frame.locator(".marker-cluster").first.wait_for(timeout=30000)  # events, clustered

    frame_el.scroll_into_view_if_needed()
    frame.locator(".cm-site-morek").click()
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=30000)
    text = popup.inner_text()
    assert "Morek" in text and "encircled on 2020-02-13" in text and "Status history" in text
    # the click travels back to Streamlit: the post's details show beside the map
    page.get_by_role("heading", name="Morek").wait_for(timeout=30000)
    page.get_by_text("Events here").wait_for(timeout=30000)

    frame_urls = [f.url for f in page.frames if "st_folium" in f.url]
    from_map = [url for url, where in page.blocked if where in frame_urls]
    assert from_map == [], f"the map frame tried the internet: {from_map}"


@pytest.fixture(scope="module")
def busy_app_url(tmp_path_factory):
    """The dashboard on a store of 40,000 synthetic events around Idlib: too many to draw one by
    one at the first zoom, so the map starts on grid cells."""
    from conflict_monitor.bench.synthetic import load_synthetic_store
    from tests.conftest import CHROMIUM, serve_app

    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    store_file = tmp_path_factory.mktemp("busy") / "busy.duckdb"
    load_synthetic_store(store_file, 40_000).close()
    with serve_app(store_file, tmp_path_factory.mktemp("busy-log")) as url:
        yield url


def _map_zoom(page) -> int:
    frame = next(f for f in page.frames if "st_folium" in f.url)
    return int(frame.evaluate("() => window.map.getZoom()"))


def test_a_busy_map_starts_on_cells_and_zooming_in_shows_the_events(busy_app_url, offline_page):
    page = offline_page
    page.goto(busy_app_url + "/map?asof=2020-12-31")
    wait_for_app(page, timeout_ms=180000)
    frame = page.frame_locator(MAP_FRAME)
    labels = frame.locator(".cm-cell-label")
    labels.first.wait_for(timeout=120000)  # the largest cells carry their count
    assert frame.locator(".marker-cluster").count() == 0
    page.get_by_text("counted per grid cell").wait_for(timeout=30000)
    start = _map_zoom(page)

    # a click on a cell zooms onto it (the label lets the click through to the circle)
    page.locator(MAP_FRAME).scroll_into_view_if_needed()
    labels.first.click(force=True)
    page.wait_for_function(
        f"() => [...document.querySelectorAll('iframe')].some(f => {{ try {{ return f.contentWindow.map"
        f" && f.contentWindow.map.getZoom() > {start}; }} catch (e) {{ return false; }} }})", timeout=30000)
    # then closer still, with the zoom control, until the events themselves are drawn
    zoom_in = frame.locator(".leaflet-control-zoom-in")
    map_frame = next(f for f in page.frames if "st_folium" in f.url)
    while (zoom := _map_zoom(page)) < 14:
        # Leaflet drops a zoom asked for while it animates one: wait until it is still
        map_frame.wait_for_function("() => !window.map._animatingZoom", timeout=30000)
        zoom_in.click()
        page.wait_for_function(
            "(z) => [...document.querySelectorAll('iframe')].some(f => { try { return f.contentWindow.map"
            " && f.contentWindow.map.getZoom() > z; } catch (e) { return false; } })", arg=zoom, timeout=30000)
    # the events layer (a marker cluster group) holds the events of the area; cells are gone
    map_frame.wait_for_function(
        "() => Object.values(window.map._layers).some(l => l._featureGroup && l.getLayers().length > 0)",
        timeout=120000)
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stCaptionContainer]')].some("
        "c => / events in and around the view\\.( |$)/.test(c.innerText))", timeout=60000)
    assert page.get_by_text("counted per grid cell").count() == 0
    assert frame.locator(".cm-cell-label").count() == 0
