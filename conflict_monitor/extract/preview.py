"""What the Add articles page shows: the article text with evidence highlighted, and a table.

All article text is escaped with html.escape before <mark> tags are put around evidence, so no
markup from an article is ever rendered.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd

from conflict_monitor.extract import roles

PREVIEW_COLUMNS = ("event_date", "date_precision", "action", "actor1", "actor2", "location", "fatalities",
                   "fatalities_qualifier", "victims", "reported_by", "confidence", "evidence")


def highlight_evidence(text: str, events: list[dict]) -> str:
    """Escaped article text as one HTML block, evidence spans wrapped in <mark> (overlaps merged)."""
    spans = sorted({(e["evidence_start"], e["evidence_end"]) for e in events
                    if isinstance(e.get("evidence_start"), int) and isinstance(e.get("evidence_end"), int)
                    and 0 <= e["evidence_start"] < e["evidence_end"] <= len(text)})
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, pos = [], 0
    for start, end in merged:
        parts.append(html.escape(text[pos:start]))
        parts.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        pos = end
    parts.append(html.escape(text[pos:]))
    # One line of HTML: a blank line would end the HTML block and let Markdown parse the text.
    body = "".join(parts).replace("\n", "<br>")
    return f'<div class="article-preview" style="line-height:1.6">{body}</div>'


def preview_frame(events: list[dict]) -> pd.DataFrame:
    """The events as a table for review."""
    return pd.DataFrame([{c: e.get(c) for c in PREVIEW_COLUMNS} for e in events], columns=list(PREVIEW_COLUMNS))


def apply_actor_aliases(events: list[dict], new_actors: list[dict], aliases: Mapping[str, str],
                        known: Iterable[str] = ()) -> tuple[list[dict], list[dict]]:
    """Events with remembered aliases replaced by their actor (country from the table), and the
    actors still new: not aliased and not among `known` (the actors the store already holds)."""
    out = []
    for e in events:
        e = dict(e)
        for side in ("actor1", "actor2"):
            target = aliases.get(e.get(side) or "")
            if target:
                e[side] = target
                e[f"{side}_country"] = roles.actor_country_of(target) or e.get(f"{side}_country")
        if e.get("actor1") is not None and e.get("actor1") == e.get("actor2"):
            e["actor2"], e["actor2_country"] = None, None  # never on both sides of its own act
        out.append(e)
    seen = set(known)
    still_new = [a for a in new_actors if a["name"] not in aliases and a["name"] not in seen]
    return out, still_new


def new_actor_frame(new_actors: list[dict]) -> pd.DataFrame:
    """The actors new to the store, with the country and kind the text gave them."""
    return pd.DataFrame([{"actor": a["name"], "country": a.get("country"), "kind": a.get("kind")}
                         for a in new_actors], columns=["actor", "country", "kind"])
