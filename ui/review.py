"""Helpers of the Review page: the evidence in its context, and the edit form's values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from conflict_monitor.extract.preview import highlight_evidence
from conflict_monitor.model.safety import escape_text

CONTEXT_CHARS = 400  # article text shown either side of the evidence sentence
FORM_FIELDS = ("actor1", "actor2", "action", "location", "event_date", "victims", "fatalities",
               "fatalities_high")


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def compute_form_defaults(event: Mapping[str, Any]) -> dict[str, str]:
    """The event's editable values as the form's text (blank when missing)."""
    out: dict[str, str] = {}
    for field in FORM_FIELDS:
        value = event.get(field)
        if _missing(value):
            out[field] = ""
        elif field == "event_date":
            out[field] = pd.Timestamp(value).date().isoformat()
        elif field.startswith("fatalities"):
            out[field] = str(int(value))
        else:
            out[field] = str(value)
    return out


def compute_edit_changes(event: Mapping[str, Any], values: Mapping[str, str],
                         editable: Iterable[str]) -> dict[str, Any]:
    """Only the fields the analyst changed, blank as None (the store validates the values)."""
    before = compute_form_defaults(event)
    allowed = set(editable)
    return {field: (value.strip() or None) for field, value in values.items()
            if field in allowed and value.strip() != before.get(field, "")}


def make_evidence_html(article: Mapping[str, Any] | None, event: Mapping[str, Any]) -> str:
    """The evidence sentence marked inside its surrounding article text, all escaped."""
    start, end = event.get("evidence_start"), event.get("evidence_end")
    text = article.get("text") if article else None
    if isinstance(text, str) and not _missing(start) and not _missing(end) \
            and 0 <= int(start) < int(end) <= len(text):
        start, end = int(start), int(end)
        low, high = max(0, start - CONTEXT_CHARS), min(len(text), end + CONTEXT_CHARS)
        excerpt = text[low:high]
        html = highlight_evidence(excerpt, [{"evidence_start": start - low, "evidence_end": end - low}])
        return html.replace('style="', 'style="border-left:3px solid #ccc;padding-left:.6em;', 1)
    evidence = event.get("evidence")
    if isinstance(evidence, str) and evidence:
        return highlight_evidence(evidence, [{"evidence_start": 0, "evidence_end": len(evidence)}])
    return f"<em>No evidence sentence stored for {escape_text(event.get('event_id'))}.</em>"
