"""Names from data are shown as literal text wherever Streamlit renders Markdown (issue 19.7).

An imported source named with a Markdown image or link drew an external image (a tracking
beacon) and a clickable link in the captions of Timeline, Casualties and Events (the name in the
link), and a fetched page's title did the same as the Add articles heading."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from conflict_monitor.model.safety import escape_markdown
from conflict_monitor.store.factory import open_store
from tests.conftest import REPO, run_dashboard

BEACON = "![beacon](https://tracker.example/pixel.png)"
PHISH = "[sign in again](https://login.example/session)"
SOURCE = f"{BEACON} {PHISH} AFP"
ACTOR = "**Boss** :red[actor] www.actor.example <b>x</b>"
_WORD_JOINER = "\u2060"
_COMMONMARK = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered(markdown: str) -> str:
    """HTML of the Markdown as CommonMark renders it."""
    return _COMMONMARK.render(markdown)


def assert_literal(markdown: str, name: str) -> None:
    """The Markdown shows `name` as text: no image or link, and the visible text holds it."""
    out = rendered(markdown)
    assert "<img" not in out and "<a " not in out, out
    # Streamlit also turns bare URLs, www. names, :colour[...] and :icons: into markup after
    # parsing: a word joiner must break each of them.
    for pattern in ("https://", "www.", ":red[", ":material/"):
        assert pattern not in markdown, (pattern, markdown)
    text = html.unescape(re.sub(r"<[^>]+>", "", out)).replace(_WORD_JOINER, "")
    assert name in text, (name, text)


@pytest.mark.parametrize("name", [SOURCE, ACTOR, "# Heading", "- item", "1. first", "> quote",
                                  "a\n\n---\nb", "`code` ~~x~~ $x$ &amp; name@mail.example",
                                  ":material/home: :smile: <https://auto.example>"])
def test_escape_markdown_keeps_the_text_and_drops_the_markup(name):
    assert_literal(escape_markdown(name), " ".join(name.split()))


def test_plain_names_are_left_readable():
    assert escape_markdown("Hay'at Tahrir al-Sham (HTS), 2020-02-01: 33") == \
        "Hay'at Tahrir al-Sham (HTS), 2020-02-01: 33"


@pytest.fixture
def hostile_store(store_path):
    store = open_store(str(store_path))
    store.upsert_events([{"event_date": "2020-02-20", "action": "kill", "origin": "manual",
                          "actor1": ACTOR, "actor2": "Turkish forces", "fatalities": 5,
                          "location": "Saraqib", "country": "SYR", "source": SOURCE,
                          "evidence": "Five killed."}])
    store.close()
    return store_path


def _markdown_values(at) -> list[str]:
    """The Markdown source of every element Streamlit renders as Markdown."""
    values = []
    for kind in ("caption", "markdown", "subheader", "header", "title", "warning", "error", "info",
                 "success"):
        values += [element.value for element in getattr(at, kind)]
    values += [element.value for element in at.sidebar.warning]
    return values


@pytest.mark.parametrize("page, query", [
    ("pages/timeline.py", {}), ("pages/casualties.py", {}),
    ("pages/events.py", {"source": SOURCE}), ("pages/overview.py", {"actor": ACTOR}),
    ("pages/map.py", {"source": SOURCE, "asof": "2020-02-25"}),
    # an unknown name in a link is dropped with a notice that quotes it
    ("pages/overview.py", {"actor": BEACON + " unknown"}),
])
def test_hostile_names_render_literally_on_the_pages(hostile_store, page, query):
    at = run_dashboard(query, page)
    assert not at.exception
    values = _markdown_values(at)
    shown = [v for v in values if "beacon" in v or "Boss" in v]
    assert shown, "the hostile name is not on the page at all"
    for value in values:
        out = rendered(value)
        assert "tracker.example" not in out or "<img" not in out, value
        assert "<img" not in out and 'href="https://login.example' not in out, value
        assert "https://" not in value and "www.actor" not in value, value
        assert "<strong>Boss" not in out, value


def test_add_articles_heading_from_a_fetched_title_is_literal(store_path):
    """The heading is the fetched page's title; the caption names the outlet the user typed."""
    from streamlit.testing.v1 import AppTest

    url = "http://127.0.0.1:9/story"
    page = ("<html><head><title>" + html.escape(BEACON + " " + PHISH) + "</title></head><body><p>"
            "Turkish troops shelled Syrian army positions near Saraqib on Wednesday, the Turkish "
            "defence ministry said.</p></body></html>")
    at = AppTest.from_file(str(REPO / "pages" / "add_articles.py"), default_timeout=90)
    at.session_state["add_fetched"] = (url, page)
    at.run()
    at.radio(key="add_kind").set_value("Web address").run()
    at.text_input(key="add_source").input(f"{BEACON} outlet").run()
    at.text_input(key="add_url").input(url).run()
    assert not at.exception, at.exception
    heading = [h.value for h in at.subheader if "beacon" in h.value]
    assert heading, [h.value for h in at.subheader]
    assert_literal(heading[0], f"{BEACON} {PHISH}")
    caption = [c.value for c in at.caption if "outlet" in c.value]
    assert caption
    assert_literal(caption[0], f"{BEACON} outlet")
