"""Build a store from the shipped data: posts, the reference timeline and the source article."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conflict_monitor.store import reference
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.seed_apart import (
    SeedProgress,
    compute_model_loaded,
    extract_apart,
    extract_source_article,
)

SEED_DIR = reference.DATA_DIR / "seeds"
SOURCE_ARTICLE = SEED_DIR / "afp_2020-02-13_idlib.txt"
SOURCE_PUBLISHED = dt.date(2020, 2, 13)


def _no_progress(step: str, share: float) -> None:
    del step, share


def seed_reference(store: EventStore, progress: SeedProgress = _no_progress) -> dict[str, int]:
    """The shipped reference data: observation posts with their history, the reference timeline.

    Fast (well under a second): a first start draws its first page once this is in.
    """
    progress("Observation posts and their status history", 0.0)
    sites, statuses = reference.load_posts()
    counts = {"sites": store.upsert_sites(sites, statuses)}
    progress("The reference timeline of the escalation", 0.5)
    counts["reference"] = store.upsert_events(reference.load_timeline_events()).added
    progress("Reference data stored", 1.0)
    return counts


def seed_source_article(store: EventStore, article_path: Path = SOURCE_ARTICLE,
                        progress: SeedProgress = _no_progress, *, apart: bool = False) -> int:
    """Extract the source article and store its events; returns how many were added.

    Loading spaCy is most of a first start's wait, so the dashboard does this step after it
    has drawn the first page, with `apart`: the extraction runs in a child process
    (seed_apart.py), which leaves this process's interpreter lock to the server, unless this
    process has the model loaded already.
    """
    extract = extract_apart if apart and not compute_model_loaded() else extract_source_article
    article, events = extract(article_path, SOURCE_PUBLISHED, "AFP", progress)
    added = store.ingest_article(article, events).added
    progress("Source article stored", 1.0)
    return added


def compute_source_article_missing(store: EventStore) -> bool:
    """True while a store seeded with the reference data has no article yet (first start)."""
    return store.query_articles().empty


def seed_store(store: EventStore, article_path: Path = SOURCE_ARTICLE,
               progress: SeedProgress = _no_progress) -> dict[str, int]:
    """Load every shipped dataset into the store (idempotent). Returns counts per dataset.

    The source article goes through the extractor like any article a user adds, so what the
    dashboard shows for it is what the pipeline produces (its gold file is only for scoring).
    `progress(step, share)` is told what is being done before each step (share of the work
    done so far, 0 to 1), so a first start can say what it is waiting for.
    """
    counts = seed_reference(store, lambda step, share: progress(step, share * 0.2))
    counts["source_article"] = seed_source_article(
        store, article_path, lambda step, share: progress(step, 0.2 + share * 0.8))
    return counts
