"""Build a store from the shipped data: posts, the reference timeline and the source article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conflict_monitor import reference
from conflict_monitor.store import EventStore

SEED_DIR = reference.DATA_DIR / "seeds"
SOURCE_ARTICLE = SEED_DIR / "afp_2020-02-13_idlib.txt"
SOURCE_PUBLISHED = dt.date(2020, 2, 13)


def seed_store(store: EventStore, article_path: Path = SOURCE_ARTICLE) -> dict[str, int]:
    """Load every shipped dataset into the store (idempotent). Returns counts per dataset.

    The source article goes through the extractor like any article a user adds, so what the
    dashboard shows for it is what the pipeline produces (its gold file is only for scoring).
    """
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415 - loads spaCy

    sites, statuses = reference.load_posts()
    counts = {"sites": store.upsert_sites(sites, statuses)}
    counts["reference"] = store.upsert_events(reference.load_timeline_events()).added
    result = extract_article(article_path.read_text(encoding="utf-8"), published=SOURCE_PUBLISHED,
                             source="AFP")
    counts["source_article"] = store.ingest_article(result.article, result.events).added
    return counts
