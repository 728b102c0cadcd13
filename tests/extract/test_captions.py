"""Photo captions in HTML pages (issue 3: "keep photo captions as text of their own").

trafilatura drops <figure> and elements with "caption" in their class; clean.py lifts captions that
sit in the article (not in nav, footers, cookie banners or related-story boxes) into paragraphs of
their own, where they stood in the page.
"""

from __future__ import annotations

import datetime as dt

import pytest

from conflict_monitor.extract import clean
from conflict_monitor.extract.clean import clean_article
from conflict_monitor.extract.pipeline import extract_article
from tests.extract.test_fetch import CHROME, PAGE

CAPTION = "Syrian army troops advance towards Saraqib on Wednesday (AFP photo)"
LEAD = ("ISTANBUL — Turkey on Thursday threatened to use force against radicals in Syria's Idlib province, "
        "the defence ministry said in a statement.")
SECOND = "Russian warplanes bombed the town of Taftanaz on Monday, killing 12 civilians, a war monitor said."
CHROME_CAPTIONS = ("Markets rally as oil prices fall sharply", "Our newsroom team at the awards night",
                   "Ten recipes for the weekend ahead", "Accept cookies to see this photo gallery")


def _page(figure: str, *, first: bool = False) -> str:
    paras = [f"<p>{LEAD}</p>", f"<p>{SECOND}</p>"]
    paras.insert(0 if first else 1, figure)
    return ("<!DOCTYPE html><html><head><title>Fighting near Saraqib | Frontline Wire</title></head>"
            "<body class='single-post has-sidebar'>"
            "<header><nav><a href='/'>Home</a> <a href='/world'>World</a> <a href='/sport'>Sport</a></nav></header>"
            "<div class='cookie-banner'>We use cookies to improve your experience. <button>Accept all</button>"
            f"<figure><img src='c.jpg'><figcaption>{CHROME_CAPTIONS[3]}</figcaption></figure></div>"
            "<main><article><h1>Fighting near Saraqib</h1>" + "".join(paras) + "</article>"
            "<aside class='related'><h3>Most read</h3><figure><img src='b.jpg'>"
            f"<figcaption>{CHROME_CAPTIONS[0]}</figcaption></figure></aside>"
            f"<div class='most-read'><div class='wp-caption'><img src='d.jpg'><p class='wp-caption-text'>"
            f"{CHROME_CAPTIONS[2]}</p></div></div></main>"
            f"<footer><figure><img src='e.jpg'><figcaption>{CHROME_CAPTIONS[1]}</figcaption></figure>"
            "© 2020 Frontline Wire. All rights reserved. <a href='/privacy'>Privacy policy</a></footer>"
            "</body></html>")


LAYOUTS = {
    "figcaption": f"<figure class='lead'><img src='a.jpg' alt=''><figcaption>{CAPTION}</figcaption></figure>",
    "wp-caption-text": ("<div id='attachment_12' class='wp-caption aligncenter'><img src='a.jpg'>"
                        f"<p class='wp-caption-text'>{CAPTION}</p></div>"),
    "photo-caption": f"<div class='photo'><img src='a.jpg'><span class='photo-caption'>{CAPTION}</span></div>",
    "caption": f"<div class='image'><img src='a.jpg'></div><div class='caption'>{CAPTION}</div>",
    "caption-inside-p": f"<p><img src='a.jpg'><span class='caption'>{CAPTION}</span></p>",
}


def _paragraphs(art) -> list[str]:
    return [art.text[start:end] for start, end in art.paragraphs]


@pytest.mark.parametrize("first", [True, False], ids=["before-text", "mid-text"])
@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_html_caption_is_its_own_paragraph_in_document_order(layout, first):
    art = clean_article(_page(LAYOUTS[layout], first=first))
    paras = _paragraphs(art)
    expected = [CAPTION, LEAD, SECOND] if first else [LEAD, CAPTION, SECOND]
    assert paras == expected
    assert art.title == "Fighting near Saraqib" and art.dateline == "ISTANBUL"


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_chrome_and_chrome_captions_stay_out(layout):
    text = clean_article(_page(LAYOUTS[layout])).text
    for chrome in CHROME_CAPTIONS + ("cookies", "Accept all", "Home", "Sport", "Most read", "All rights reserved",
                                     "Privacy policy"):
        assert chrome not in text


def test_caption_in_page_wide_wrappers_is_kept():
    """Wrappers of the whole page (ASP.NET's <form>, a theme's content-sidebar-wrap) are not chrome."""
    page = _page(LAYOUTS["figcaption"]).replace("<main>", "<form id='aspnetForm'><div class='content-sidebar-wrap'>"
                                                "<main>").replace("</main>", "</main></div></form>")
    assert _paragraphs(clean_article(page)) == [LEAD, CAPTION, SECOND]


def test_caption_credit_sign_is_kept_as_text():
    figure = (f"<figure><img src='a.jpg'><figcaption>{CAPTION} <span class='credit'>© Reuters</span>"
              "</figcaption></figure>")
    assert _paragraphs(clean_article(_page(figure)))[1] == f"{CAPTION} Photo: Reuters"


def test_served_page_keeps_its_figcaption_after_the_text():
    art = clean_article(PAGE)
    paras = _paragraphs(art)
    assert paras[-1] == "A Turkish military convoy near Saraqib on Monday. (AFP)"
    assert paras[-2].startswith("President Recep Tayyip Erdogan warned Damascus")
    assert not [c for c in CHROME if c in art.text]


def test_html_caption_yields_an_event():
    result = extract_article(_page(LAYOUTS["figcaption"], first=True), published=dt.date(2020, 2, 13))
    text = result.article["text"]
    assert text.startswith(CAPTION + "\n\n")
    from_caption = [e for e in result.events if e["evidence"] == CAPTION]
    assert from_caption, result.events
    event = from_caption[0]
    assert (event["actor1"], event["location"], event["event_date"]) == ("Syrian government forces", "Saraqib",
                                                                         "2020-02-12")
    assert text[event["evidence_start"]:event["evidence_end"]] == CAPTION
    assert not [e for e in result.events if any(c in e["evidence"] for c in CHROME_CAPTIONS)]


def test_plain_text_does_not_go_through_the_html_path(monkeypatch):
    def boom(_html):
        raise AssertionError("plain text went through trafilatura")

    monkeypatch.setattr(clean, "html_to_text", boom)
    art = clean_article(f"Fighting near Saraqib\n\n{CAPTION}\n\n{LEAD}\n\n{SECOND}\n")
    assert _paragraphs(art) == [CAPTION, LEAD, SECOND] and art.dateline == "ISTANBUL"
