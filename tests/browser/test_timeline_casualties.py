"""Real browser: the Timeline page draws its plotly charts (hover lists events with their
evidence, clicking a bar lists its events below); the Casualties page shows the Balyun strike's
33 and 34 claims side by side."""

from __future__ import annotations

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


@pytest.fixture
def page(app_url, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1200})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.errors = errors
    yield tab
    context.close()


def test_timeline_draws_plotly_charts(app_url, page):
    page.goto(app_url + "/timeline")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
    charts = page.locator(".js-plotly-plot")
    assert charts.count() == 4  # escalation, incidents, actor pairs, control changes (issue 15)
    assert "Control changes" in charts.nth(3).text_content()
    escalation = charts.nth(0)
    assert escalation.locator(".barlayer .point").count() > 10  # weekly bars of the index
    legend = escalation.locator(".legend").text_content()  # SVG: text_content, not inner_text
    assert "Ceasefires" in legend and "Deadliest incidents" in legend and "Ultimatums" in legend
    assert "33–34 killed" in escalation.text_content()  # Balyun, annotated on the index
    assert "Sources: Reference timeline" in escalation.text_content()  # caption inside the figure
    assert page.locator("[data-testid=stException]").count() == 0
    assert not page.errors


def test_timeline_hover_and_click_list_events(app_url, page):
    page.goto(app_url + "/timeline")
    wait_for_app(page)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
    bars = page.locator(".js-plotly-plot").nth(0).locator(".barlayer .point path")
    heights = bars.evaluate_all("els => els.map(e => e.getBoundingClientRect().height)")
    bar = bars.nth(heights.index(max(heights)))  # the peak week
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # plotly's drag layer covers the bars: use the mouse itself
    hover = page.locator(".hoverlayer .hovertext").first
    for height in (0.9, 0.7, 0.5, 0.3):  # the 7-day line may cross the bar: find the bar's hover
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * height
        page.mouse.move(x, y)
        hover.wait_for(timeout=15000)
        text = hover.text_content()
        if "index" in text:
            break
    assert "index" in text and "2020-02" in text and "→" in text  # the week's gravest events
    # box-select the peak week: drag across it (the chart's drag mode is box select)
    page.mouse.move(x - 6, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    page.mouse.move(x, y, steps=5)
    page.mouse.move(x + 6, box["y"] + box["height"] * 0.95, steps=5)
    page.mouse.up()
    page.get_by_role("heading", name="Selected events").wait_for(timeout=30000)
    assert page.locator("[data-testid=stDataFrame]").count() >= 1


def test_casualties_shows_33_and_34_side_by_side(app_url, page):
    page.goto(app_url + "/casualties")
    wait_for_app(page)
    row = page.locator("[data-testid=stTable] tr", has_text="Balyun").first
    row.wait_for(timeout=60000)
    text = row.inner_text()
    assert "Hatay governor Rahmi Dogan: 33" in text and "SOHR: 34" in text
    cells = [c.strip() for c in row.locator("td, th").all_inner_texts()]
    assert cells[-2:] == ["33", "34"]  # counted (lowest) and highest
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60000)
    claims = page.locator(".js-plotly-plot", has_text="Conflicting claims").first
    labels = claims.locator(".scatterlayer .textpoint").all_text_contents()
    assert "33" in labels and "34" in labels
    assert page.locator("[data-testid=stException]").count() == 0
    assert not page.errors
