"""CLI: `extract`, `ingest` and `evaluate` subcommands (registered by conflict_monitor.cli.main)."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
from pathlib import Path

from conflict_monitor.cli.args import get_cli_actor, parse_date_arg
from conflict_monitor.extract.errors import ExtractionError


def _load(item: str, published: dt.date | None):
    """Extract one file or URL; returns the ExtractionResult."""
    from conflict_monitor.extract.fetch import fetch_url, read_meta  # noqa: PLC0415
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415

    if item.startswith(("http://", "https://")):
        return extract_article(fetch_url(item), published=published, url=item, is_html=True)
    path = Path(item)
    if not path.is_file():
        raise ExtractionError(f"{item}: no such file")
    meta = read_meta(path)
    pub = published or (parse_date_arg(meta["published"]) if meta.get("published") else None)
    is_html = True if path.suffix.lower() in (".html", ".htm") else None
    return extract_article(path.read_bytes(), published=pub, source=meta.get("source"), url=meta.get("url"),
                           is_html=is_html)


def run_extract(args: argparse.Namespace) -> int:
    """Print the events of each file; the store is not touched."""
    from conflict_monitor.model.schema import EVENT_FIELDS  # noqa: PLC0415

    events, failed = [], 0
    for item in args.files:
        try:
            result = _load(item, args.published)
        except ExtractionError as exc:
            print(f"error: {item}: {exc}", file=sys.stderr)
            failed += 1
            continue
        for warning in result.warnings:
            print(f"warning: {item}: {warning}", file=sys.stderr)
        events.extend(result.events)
    if args.format == "csv":
        import pandas as pd  # noqa: PLC0415

        buffer = io.StringIO()
        pd.DataFrame(events, columns=list(EVENT_FIELDS)).to_csv(buffer, index=False)
        sys.stdout.write(buffer.getvalue())
    else:
        print(json.dumps(events, indent=2, ensure_ascii=False, default=str))
    return 1 if failed and not events else 0


def run_ingest(args: argparse.Namespace) -> int:
    """Extract and store each article; a failure is reported and the batch goes on."""
    from tqdm import tqdm  # noqa: PLC0415

    from conflict_monitor.extract.fetch import expand_inputs  # noqa: PLC0415
    from conflict_monitor.store.audit import record_audit  # noqa: PLC0415
    from conflict_monitor.store.factory import open_store  # noqa: PLC0415

    items = expand_inputs(args.inputs)
    store = open_store()
    added = present = articles_new = 0
    failures: list[tuple[str, str]] = []
    for item in tqdm(items, desc="ingest", unit="article", file=sys.stderr, disable=not items):
        try:
            result = _load(item, args.published)
            outcome = store.ingest_article(result.article, result.events)
            record_audit(store, get_cli_actor(), "ingest", item, outcome.added,
                         f"{outcome.already_present} already present; article {result.article.get('id')}")
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the batch
            failures.append((item, f"{type(exc).__name__}: {exc}"))
            continue
        added += outcome.added
        present += outcome.already_present
        articles_new += bool(outcome.article_added)
    print(f"{len(items) - len(failures)} of {len(items)} articles read ({articles_new} new); "
          f"{added} events added, {present} already present; {len(failures)} failed.")
    for item, message in failures:
        print(f"  failed: {item}: {message}", file=sys.stderr)
    return 1 if failures and len(failures) == len(items) else 0


def run_evaluate(args: argparse.Namespace) -> int:
    """Score the extractor against gold files."""
    from conflict_monitor.extract.evaluate import evaluate_dirs, format_table  # noqa: PLC0415

    if args.gold_dir is None and args.articles_dir is None:
        return _evaluate_all(args)
    if args.gold_dir is None or args.articles_dir is None:
        print("error: give both GOLD_DIR and ARTICLES_DIR, or neither for every development set", file=sys.stderr)
        return 2
    scores, total = evaluate_dirs(Path(args.gold_dir), Path(args.articles_dir))
    if not scores:
        print(f"error: no <name>.gold.json in {args.gold_dir} with an article in {args.articles_dir}",
              file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"articles": [s.row() for s in scores], "total": total.row()}, indent=2))
    else:
        print(format_table(scores, total))
        print(f"fatality figures found with their source: {total.fig_with_source}/{total.fig_gold}")
    return 0


def _evaluate_all(args: argparse.Namespace) -> int:
    """Every development set: a table per set and per conflict (per article with --articles)."""
    from conflict_monitor.extract.evaluate import format_errors, format_table  # noqa: PLC0415
    from conflict_monitor.extract.evaluate_sets import evaluate_sets  # noqa: PLC0415

    result = evaluate_sets()
    if not result["sets"]:
        print("error: no development set found (data/seeds, tests/articles, tests/articles/world)", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({key: [s.row() for s in (val.values() if isinstance(val, dict) else val)]
                          for key, val in result.items()}, indent=2))
        return 0
    if getattr(args, "errors", False):
        print(format_errors(result["articles"]) + "\n")
    if getattr(args, "articles", False):
        print(format_table(result["articles"], _sum("all articles", result["articles"])) + "\n")
    print(format_table(result["sets"], label="set"))
    print("\n" + format_table(list(result["conflicts"].values()), label="conflict"))
    print("\nP/R/F1: events; figP/figR: fatality figures; attr: reported_by agrees; loc: location agrees "
          "(matched events)")
    return 0


def _sum(name: str, scores: list):
    from conflict_monitor.extract.evaluate import Score  # noqa: PLC0415

    total = Score(name)
    for s in scores:
        total.add(s)
    return total


def register(subparsers) -> None:
    """Add the extract, ingest and evaluate subcommands."""
    from conflict_monitor.extract.evaluate import MATCH_RULE  # noqa: PLC0415 - light module

    p = subparsers.add_parser("extract", help="print the events found in article files (store untouched)")
    p.add_argument("files", nargs="+", metavar="FILE", help=".txt or .html article files")
    p.add_argument("--published", type=parse_date_arg, help="publication date YYYY-MM-DD (default: found in the text)")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.set_defaults(func=run_extract)

    p = subparsers.add_parser("ingest", help="extract articles and store them with their events (idempotent)")
    p.add_argument("inputs", nargs="+", metavar="FILE|DIR|URL")
    p.add_argument("--published", type=parse_date_arg, help="publication date YYYY-MM-DD for all inputs")
    p.set_defaults(func=run_ingest)

    p = subparsers.add_parser(
        "evaluate", help="score the extractor against gold files",
        description="Per-article and total precision, recall and F1 of extracted events against "
                    "<name>.gold.json files (ANNOTATION.md). Matching rule: " + " ".join(MATCH_RULE.split())
                    + " Also reports precision/recall of fatality figures and agreement on reported_by. "
                    "Publication dates come from <name>.meta.json, the article, or a date in the file name.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("gold_dir", metavar="GOLD_DIR", nargs="?",
                   help="omit both directories to score every development set, per set and per conflict")
    p.add_argument("articles_dir", metavar="ARTICLES_DIR", nargs="?")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--articles", action="store_true", help="with no directories: also list every article")
    p.add_argument("--errors", action="store_true",
                   help="with no directories: also list each article's missed (-) and spurious (+) events")
    p.set_defaults(func=run_evaluate)
