"""Real browser: a filter set in the sidebar travels in the URL and survives a fresh page."""

import pytest

from tests.conftest import wait_for_app

pytestmark = pytest.mark.browser


def _actor_chips(page) -> list[str]:
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    box.locator("input[aria-label=Actors]").wait_for(timeout=30000)
    tags = box.locator("[data-tag]")
    return [tags.nth(i).get_attribute("aria-label") for i in range(tags.count())]


def test_filter_survives_reload_in_a_new_page(app_url, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(app_url + "/events")
    wait_for_app(page)
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
    box.click()
    page.get_by_role("option", name="Russia", exact=True).click()
    page.keyboard.press("Escape")
    page.wait_for_function("() => location.search.includes('actor=Russia')", timeout=30000)
    shared = page.url
    context.close()

    fresh = browser.new_context().new_page()
    fresh.goto(shared)
    wait_for_app(fresh)
    fresh.get_by_text("actors: Russia").first.wait_for(timeout=30000)
    assert _actor_chips(fresh) == ["Russia"]
    assert fresh.get_by_role("link", name="Events").count() == 1  # our navigation, not the legacy one
    # and the filter follows to another page
    fresh.get_by_role("link", name="Overview").click()
    fresh.get_by_role("heading", name="Overview").wait_for(timeout=30000)
    fresh.wait_for_function("() => location.search.includes('actor=Russia')", timeout=30000)
    fresh.get_by_text("actors: Russia").first.wait_for(timeout=30000)
    assert _actor_chips(fresh) == ["Russia"]
    fresh.context.close()


def test_unknown_link_values_show_a_notice_not_a_crash(app_url, browser):
    page = browser.new_context().new_page()
    page.goto(app_url + "/?actor=Atlantis&from=not-a-date")
    wait_for_app(page)
    page.get_by_text("Ignored unknown actor 'Atlantis'.").wait_for(timeout=30000)
    assert page.locator("[data-testid=stException]").count() == 0
    page.context.close()
