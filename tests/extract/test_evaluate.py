"""`evaluate` over the seed article and over our own test articles; CLI handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from conflict_monitor.cli import extract as cli_extract
from conflict_monitor.extract.evaluate import evaluate_dirs, format_table, is_match, score_events

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "data" / "seeds"
ARTICLES = REPO / "tests" / "articles"
# Measured before tuning on these articles: 0.506. After general rules: 0.855, measured again on
# 29 Nov 2026 before issue 12's open-vocabulary work: this set must not drop below it (issue 12, CI
# gates). The pipeline is deterministic (same model, same rules), so no margin is needed.
ARTICLES_F1_THRESHOLD = 0.855
SEED_F1_THRESHOLD = 0.95  # issue 12: the source article stays >= 0.95


def test_seed_article_f1_and_every_fatality_figure_with_its_source():
    scores, total = evaluate_dirs(SEEDS, SEEDS)
    print("\n" + format_table(scores, total))
    assert total.f1 >= SEED_F1_THRESHOLD
    assert total.fig_gold > 0 and total.fig_with_source == total.fig_gold


def test_own_articles_total_f1():
    scores, total = evaluate_dirs(ARTICLES, ARTICLES)
    print("\n" + format_table(scores, total))
    assert len(scores) >= 12
    assert total.f1 >= ARTICLES_F1_THRESHOLD
    assert all(s.f1 >= 0.5 for s in scores), [s.row() for s in scores if s.f1 < 0.5]


def test_matching_rule():
    gold = {"date": "2020-02-13", "date_precision": "week", "action": "kill", "actor1": "Syrian rebels (radicals)"}
    pred = {"event_date": "2020-02-08", "date_precision": "day", "action": "attack", "actor1": "rebels"}
    assert is_match(pred, gold)
    assert not is_match({**pred, "event_date": "2020-01-30"}, gold)
    assert not is_match({**pred, "action": "threaten"}, gold)
    assert not is_match({**pred, "actor1": "Turkey"}, gold)
    s = score_events("x", [pred, {**pred, "actor1": "Turkey"}], [gold])
    assert (s.tp, s.fp, s.fn) == (1, 1, 0)


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(**kw)


def test_cli_extract_json_and_csv(capsys):
    assert cli_extract.run_extract(_args(files=[str(SEEDS / "afp_2020-02-13_idlib.txt")], published=None,
                                         format="json")) == 0
    events = json.loads(capsys.readouterr().out)
    assert len(events) >= 10 and all(e["event_date"][:4] == "2020" for e in events)
    assert cli_extract.run_extract(_args(files=[str(SEEDS / "afp_2020-02-13_idlib.txt")], published=None,
                                         format="csv")) == 0
    assert capsys.readouterr().out.startswith("event_id,event_date")


def test_cli_evaluate_and_help(capsys):
    assert cli_extract.run_evaluate(_args(gold_dir=str(SEEDS), articles_dir=str(SEEDS), json=True)) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"]["f1"] >= 0.9
    parser = argparse.ArgumentParser()
    cli_extract.register(parser.add_subparsers())
    assert parser.parse_args(["evaluate", "a", "b"]).func is cli_extract.run_evaluate
    assert parser.parse_args(["ingest", "a", "--published", "2020-02-13"]).func is cli_extract.run_ingest
