"""`evaluate` with no arguments: every development set of the repository, per set and per conflict.

The sets: the project's source article (data/seeds), the Idlib-focused set (tests/articles, whose
articles count as "Idlib" unless their meta names another conflict) and the world set
(tests/articles/world, each article's meta names its conflict).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from conflict_monitor.extract.evaluate import Score, evaluate_dirs

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class DevSet:
    """One directory of articles with gold files beside them."""

    name: str
    path: Path
    default_conflict: str | None


DEV_SETS = (
    DevSet("source article", REPO / "data" / "seeds", "Idlib"),
    DevSet("Idlib set", REPO / "tests" / "articles", "Idlib"),
    DevSet("world set", REPO / "tests" / "articles" / "world", None),
)


def evaluate_sets(sets: tuple[DevSet, ...] | None = None, extract=None) -> dict[str, list[Score] | dict[str, Score]]:
    """{"sets": [total per set], "conflicts": {conflict: total}, "articles": [every article's score]}
    for `sets` (default DEV_SETS). A set whose directory is missing or holds no gold files is left out.
    """
    sets = DEV_SETS if sets is None else sets
    totals, articles, conflicts = [], [], {}
    for dev in sets:
        if not dev.path.is_dir():
            continue
        scores, total = evaluate_dirs(dev.path, dev.path, extract=extract, default_conflict=dev.default_conflict)
        if not scores:
            continue
        total.name = dev.name
        totals.append(total)
        for score in scores:
            score.name = f"{dev.path.name}/{score.name}"
            articles.append(score)
            conflict = score.conflict or "unknown"
            conflicts.setdefault(conflict, Score(conflict)).add(score)
    return {"sets": totals, "conflicts": dict(sorted(conflicts.items())), "articles": articles}
