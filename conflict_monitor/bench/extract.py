"""Throughput of the extractor: articles per second on one core for ~600-word articles."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The Idlib seed and set, and the world set (nine other wars, varied outlets' styles)
CORPUS_DIRS = (REPO / "data" / "seeds", REPO / "tests" / "articles", REPO / "tests" / "articles" / "world")
TARGET_WORDS = 600


def build_articles(n_articles: int, words: int = TARGET_WORDS) -> list[str]:
    """`n_articles` distinct plain-text articles of about `words` words, stitched from the
    shipped seed and the test articles of both development sets (each gets a different opening
    line so no two texts are equal)."""
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


def compute_extract_throughput(n_articles: int, repeats: int = 1) -> dict:
    """Load the model (timed), then extract `n_articles` ~600-word articles one by one (timed),
    `repeats` times; the figures are the median run's.

    Returns {"articles", "words_per_article", "seconds", "articles_per_second", "cpu_seconds",
    "articles_per_cpu_second", "runs", "events", "model_load_seconds", "model", "blas"}; "runs" lists
    each run's articles/s, "blas" the library that multiplies the networks' matrices (see
    extract/blas.py). CPU time shows what the extractor costs when other jobs share the machine.
    Run it in a single process on one core for the official figure.
    """
    from conflict_monitor.extract import blas  # noqa: PLC0415
    from conflict_monitor.extract import nlp as nlp_module  # noqa: PLC0415
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415

    load_seconds = nlp_module.timed_load()
    texts = build_articles(max(1, n_articles))
    from conflict_monitor.extract.places import geocode  # noqa: PLC0415

    geocode("Avdiivka")  # load the GeoNames gazetteer once, outside the timed loop
    extract_article(texts[0], published=dt.date(2020, 2, 13))  # warm the remaining caches
    runs = []
    for _ in range(max(1, repeats)):
        start, cpu_start = time.perf_counter(), time.process_time()
        events = 0
        for text in texts:
            events += len(extract_article(text, published=dt.date(2020, 2, 13)).events)
        runs.append((time.perf_counter() - start, time.process_time() - cpu_start))
    seconds = statistics.median(r[0] for r in runs)
    cpu_seconds = statistics.median(r[1] for r in runs)
    return {"articles": len(texts), "words_per_article": round(sum(len(t.split()) for t in texts) / len(texts)),
            "seconds": round(seconds, 3), "articles_per_second": round(len(texts) / seconds, 2),
            "cpu_seconds": round(cpu_seconds, 3), "articles_per_cpu_second": round(len(texts) / cpu_seconds, 2),
            "runs": [round(len(texts) / r[0], 2) for r in runs],
            "events": events, "model_load_seconds": round(load_seconds, 3), "model": nlp_module.model_name(),
            "blas": blas.describe(nlp_module.load_nlp())}
