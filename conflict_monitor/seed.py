"""Build a store from the shipped data: posts, the reference timeline and the source article."""

from __future__ import annotations

from pathlib import Path

from conflict_monitor import reference
from conflict_monitor.schema import compute_article_id
from conflict_monitor.store import EventStore

SEED_DIR = reference.DATA_DIR / "seeds"
SOURCE_ARTICLE = SEED_DIR / "afp_2020-02-13_idlib.txt"
SOURCE_GOLD = SEED_DIR / "afp_2020-02-13_idlib.gold.json"


def seed_store(store: EventStore, article_path: Path = SOURCE_ARTICLE,
               gold_path: Path = SOURCE_GOLD) -> dict[str, int]:
    """Load every shipped dataset into the store (idempotent). Returns counts per dataset."""
    sites, statuses = reference.load_posts()
    counts = {"sites": store.upsert_sites(sites, statuses)}
    counts["reference"] = store.upsert_events(reference.load_timeline_events()).added
    text = article_path.read_text(encoding="utf-8")
    article = {"text": text, "title": "Turkey threatens force against 'radicals' in Syria's Idlib",
               "source": "AFP", "published": "2020-02-13", "dateline": "ISTANBUL", "url": None}
    # Until the extractor is wired in, the source article's events come from its gold file.
    events = reference.load_gold_events(gold_path, origin="manual", source="AFP",
                                        article_id=compute_article_id(text))
    counts["source_article"] = store.ingest_article(article, events).added
    return counts
