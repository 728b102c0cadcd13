"""What one article's sentences share while the extractor reads them in order.

Its own module so that the steps that take it (events, event_actors, event_record) need not
import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Context:
    """What one article's sentences share while they are read in order."""

    published: dt.date
    main_place: dict | None = None
    main_text: str | None = None
    main_country: str | None = None
    dateline_start: int = 0
    dateline_end: int = 0
    speaker: str | None = None
    sent_reporter: tuple = (None, None)  # find_reporter() of the current sentence
    sent_text: str = ""  # its text (Span.text joins the tokens again on every call)
    sent_speaker: str | None = None  # the actor whose words frame the current sentence
    source: str | None = None
    url: str | None = None
    article_id: str | None = None
    places_cache: dict = field(default_factory=dict)
    country_hint: tuple = ()  # the article's countries, most likely first (dateline, places named)
    places_by_sent: dict = field(default_factory=dict)  # (paragraph offset, sentence start) -> place_spans()
    offset: int = 0  # offset of the paragraph being read
    prev_subject: str | None = None  # the actor the previous sentence's main clause is about
    last_reporter: str | None = None  # the reporter last named ("he says" stands for them)
