"""Throughput of the extractor: articles per second on one core for ~600-word articles."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS_DIRS = (REPO / "data" / "seeds", REPO / "tests" / "articles")
TARGET_WORDS = 600


def build_articles(n_articles: int, words: int = TARGET_WORDS) -> list[str]:
    """`n_articles` distinct plain-text articles of about `words` words, stitched from the shipped
    seed and test articles (each gets a different opening line so no two texts are equal)."""
    paragraphs: list[str] = []
    for folder in CORPUS_DIRS:
        for path in sorted(folder.glob("*.txt")):
            paragraphs.extend(p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 12)
    if not paragraphs:
        raise RuntimeError("no articles found to build the benchmark corpus")
    out = []
    for i in range(n_articles):
        body, count, j = [], 0, i * 7
        while count < words:
            para = paragraphs[j % len(paragraphs)]
            body.append(para)
            count += len(para.split())
            j += 1
        out.append(f"Report number {i}\n\n" + "\n\n".join(body))
    return out


def compute_extract_throughput(n_articles: int) -> dict:
    """Load the model (timed), then extract `n_articles` ~600-word articles one by one (timed).

    Returns {"articles", "words_per_article", "seconds", "articles_per_second", "events",
    "model_load_seconds", "model"}. Run it in a single process on one core for the official figure.
    """
    from conflict_monitor.extract import nlp as nlp_module  # noqa: PLC0415
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415

    load_seconds = nlp_module.timed_load()
    texts = build_articles(max(1, n_articles))
    from conflict_monitor.extract.places import geocode  # noqa: PLC0415

    geocode("Avdiivka")  # load the GeoNames gazetteer once, outside the timed loop
    extract_article(texts[0], published=dt.date(2020, 2, 13))  # warm the remaining caches
    start = time.perf_counter()
    events = 0
    for text in texts:
        events += len(extract_article(text, published=dt.date(2020, 2, 13)).events)
    seconds = time.perf_counter() - start
    return {"articles": len(texts), "words_per_article": round(sum(len(t.split()) for t in texts) / len(texts)),
            "seconds": round(seconds, 3), "articles_per_second": round(len(texts) / seconds, 2),
            "events": events, "model_load_seconds": round(load_seconds, 3), "model": nlp_module.model_name()}
