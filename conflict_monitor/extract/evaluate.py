"""Score extracted events against gold files written by ANNOTATION.md.

Matching rule: a predicted event matches a gold event when
  * the action is the same, with `attack` and `kill` counted as one class of violence;
  * the dates lie within the precision window (day 1, week 7, month 31 days; the wider of the
    two precisions applies; two null dates agree);
  * actor1 is the same canonical actor (names resolved through actors.csv; a parenthetical such
    as "Syrian rebels (radicals)" is ignored; two nulls agree).
Pairs are matched one to one, best first (same sentence, then same actor2, same figure, same
place, then closest date).
Fatality figures: precision/recall of exact figures over matched events that state one.
Attribution: share of matched pairs whose reported_by agrees (canonical names; two nulls agree).
Location: share of matched pairs whose location agrees: the same string once normalised (case,
accents, "the", punctuation), or both resolve in the gazetteer to the same place; two nulls agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from conflict_monitor.extract.groups import find_acronyms
from conflict_monitor.model.actors import resolve_actor
from conflict_monitor.model.schema import PRECISION_WINDOW_DAYS

VIOLENCE = {"attack": "violence", "kill": "violence"}
MATCH_RULE = __doc__.split("Matching rule:")[1].split("Fatality figures")[0].strip()


def canonical(name: str | None, acronyms: dict[str, str] | None = None) -> str | None:
    """Canonical actor (or reporter) name for comparison: the table's name, else the name without a
    leading article or possessive, lower-cased. `acronyms` (the article's own "Full Name (ACR)"
    definitions) lets a defined short form equal its full name, and nothing else."""
    if name is None or not str(name).strip():
        return None
    base = re.sub(r"\s*\(.*?\)\s*", " ", str(name)).strip()
    base = re.sub(r"^(?:the|a|an)\s+", "", base.replace("\u2019", "'"), flags=re.IGNORECASE)
    base = re.sub(r"'s?$", "", base).strip()
    if acronyms and base in acronyms:
        base = acronyms[base]
    actor = resolve_actor(base)
    if actor is not None and len(actor.canonical) >= 2:
        return actor.canonical
    return base.lower()


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def is_match(pred: dict, gold: dict, acronyms: dict[str, str] | None = None) -> bool:
    """True when `pred` satisfies the matching rule for `gold`."""
    pa, ga = pred.get("action"), gold.get("action")
    if VIOLENCE.get(pa, pa) != VIOLENCE.get(ga, ga):
        return False
    if canonical(pred.get("actor1"), acronyms) != canonical(gold.get("actor1"), acronyms):
        return False
    pd_, gd = _date(pred.get("event_date") or pred.get("date")), _date(gold.get("date") or gold.get("event_date"))
    if pd_ is None or gd is None:
        return pd_ is None and gd is None
    window = max(PRECISION_WINDOW_DAYS.get(gold.get("date_precision") or "day", 1),
                 PRECISION_WINDOW_DAYS.get(pred.get("date_precision") or "day", 1))
    return abs((pd_ - gd).days) <= window


def _norm_place(name: str) -> str:
    """Lower-case ASCII letters and digits of a place name, without a parenthetical note, "the" or
    a relative position ("south of Idlib city", "near Saraqib")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\s*\(.*?\)\s*", " ", text).strip()
    text = re.sub(r"^(?:the\s+)?(?:(?:north|south|east|west)(?:ern|-?(?:east|west))?\s+of|near|outside|around)\s+",
                  "", text)
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", "", text)


@functools.lru_cache(maxsize=4096)
def _resolve_place(name: str) -> tuple | None:
    from conflict_monitor.extract.places import geocode  # noqa: PLC0415 - the gazetteer loads on demand

    geo = geocode(name)
    if not geo or geo.get("latitude") is None:
        return None
    return geo["location"], geo["country"]


def same_location(pred: str | None, gold: str | None) -> bool:
    """True when two location strings name the same place (see the module docstring)."""
    if not pred or not gold:
        return not pred and not gold
    if _norm_place(pred) == _norm_place(gold):
        return True
    a, b = _resolve_place(re.sub(r"\s*\(.*?\)", "", pred)), _resolve_place(re.sub(r"\s*\(.*?\)", "", gold))
    return a is not None and a == b


def _pair_score(pred: dict, gold: dict, acronyms: dict[str, str] | None = None) -> tuple:
    same_sentence = (pred.get("evidence") or "").strip() == (gold.get("evidence") or "").strip()
    same_target = canonical(pred.get("actor2"), acronyms) == canonical(gold.get("actor2"), acronyms)
    pd_, gd = _date(pred.get("event_date")), _date(gold.get("date") or gold.get("event_date"))
    gap = abs((pd_ - gd).days) if pd_ and gd else 0
    same_place = same_location(pred.get("location"), gold.get("location"))
    return (same_sentence, same_target, pred.get("fatalities") == gold.get("fatalities"), same_place, -gap)


@dataclass
class Score:
    """Counts for one article or a total."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fig_pred: int = 0
    fig_gold: int = 0
    fig_correct: int = 0
    fig_with_source: int = 0
    attr_agree: int = 0
    loc_agree: int = 0
    conflict: str | None = None
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def attribution(self) -> float:
        return self.attr_agree / self.tp if self.tp else 1.0

    @property
    def location(self) -> float:
        return self.loc_agree / self.tp if self.tp else 1.0

    def add(self, other: Score) -> None:
        for name in ("tp", "fp", "fn", "fig_pred", "fig_gold", "fig_correct", "fig_with_source", "attr_agree",
                     "loc_agree"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def row(self) -> dict:
        fig_p = self.fig_correct / self.fig_pred if self.fig_pred else 1.0
        fig_r = self.fig_correct / self.fig_gold if self.fig_gold else 1.0
        return {"article": self.name, "gold": self.tp + self.fn, "predicted": self.tp + self.fp, "tp": self.tp,
                "precision": round(self.precision, 3), "recall": round(self.recall, 3), "f1": round(self.f1, 3),
                "fatalities_precision": round(fig_p, 3), "fatalities_recall": round(fig_r, 3),
                "figures_with_source": f"{self.fig_with_source}/{self.fig_gold}",
                "attribution_agreement": round(self.attribution, 3),
                "location_agreement": round(self.location, 3)}


def score_events(name: str, predicted: list[dict], gold: list[dict],
                 acronyms: dict[str, str] | None = None) -> Score:
    """Match one article's predictions to its gold events and count; `acronyms` are the article's
    own definitions ("Arakan Army (AA)")."""
    pairs = sorted(((_pair_score(p, g, acronyms), i, j) for i, p in enumerate(predicted)
                    for j, g in enumerate(gold) if is_match(p, g, acronyms)), reverse=True)
    used_p, used_g, matched = set(), set(), []
    for _, i, j in pairs:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matched.append((predicted[i], gold[j]))
    s = Score(name, tp=len(matched), fp=len(predicted) - len(matched), fn=len(gold) - len(matched))
    s.missed = [g for j, g in enumerate(gold) if j not in used_g]
    s.spurious = [p for i, p in enumerate(predicted) if i not in used_p]
    s.fig_pred = sum(1 for p in predicted if p.get("fatalities") is not None)
    s.fig_gold = sum(1 for g in gold if g.get("fatalities") is not None)
    for p, g in matched:
        if g.get("fatalities") is not None and p.get("fatalities") == g.get("fatalities"):
            s.fig_correct += 1
            s.fig_with_source += canonical(p.get("reported_by"), acronyms) == canonical(g.get("reported_by"),
                                                                                          acronyms)
        s.attr_agree += canonical(p.get("reported_by"), acronyms) == canonical(g.get("reported_by"), acronyms)
        s.loc_agree += same_location(p.get("location"), g.get("location"))
    return s


def find_pairs(gold_dir: Path, articles_dir: Path) -> list[tuple[str, Path, Path]]:
    """(name, article file, gold file) for every `<name>.gold.json` with an article beside it."""
    out = []
    for gold in sorted(Path(gold_dir).glob("*.gold.json")):
        name = gold.name[: -len(".gold.json")]
        for ext in (".txt", ".html", ".htm"):
            article = Path(articles_dir) / f"{name}{ext}"
            if article.exists():
                out.append((name, article, gold))
                break
    return out


def read_meta(name: str, *dirs: Path) -> dict:
    """`<name>.meta.json` from the first directory that has it, else {}; a date in the name helps."""
    for d in dirs:
        path = Path(d) / f"{name}.meta.json"
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    return {}


def published_from_name(name: str) -> dt.date | None:
    m = re.search(r"(20\d\d-[01]\d-[0-3]\d)", name)
    return dt.date.fromisoformat(m.group(1)) if m else None


def evaluate_dirs(gold_dir: Path, articles_dir: Path, extract=None,
                  default_conflict: str | None = None) -> tuple[list[Score], Score]:
    """Score every article; returns per-article scores (each with its meta's `conflict`, else
    `default_conflict`) and the total."""
    if extract is None:
        from conflict_monitor.extract.pipeline import extract_article as extract  # noqa: PLC0415
    scores, total = [], Score("TOTAL")
    for name, article, gold_path in find_pairs(gold_dir, articles_dir):
        meta = read_meta(name, articles_dir, gold_dir)
        published = _date(meta.get("published"))
        raw = article.read_bytes()
        result = extract(raw, published=published, source=meta.get("source"), url=meta.get("url"))
        if result.article.get("published") is None and published_from_name(name):
            result = extract(raw, published=published_from_name(name), source=meta.get("source"))
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        score = score_events(name, result.events, gold, find_acronyms(result.article.get("text") or ""))
        score.conflict = meta.get("conflict") or default_conflict
        scores.append(score)
        total.add(score)
    return scores, total


def _event_line(event: dict) -> str:
    date = str(event.get("event_date") or event.get("date") or "-")[:10]
    figure = event.get("fatalities")
    return (f"{event.get('action')} {event.get('actor1')} -> {event.get('actor2')} {date} "
            f"@{event.get('location')}" + (f" dead={figure}" if figure is not None else "")
            + (f" by={event.get('reported_by')}" if event.get("reported_by") else ""))


def format_errors(scores: list[Score]) -> str:
    """Every article's missed gold events (`-`) and spurious predictions (`+`), grouped by their
    evidence sentence so a near miss (wrong actor, wrong action) shows as a pair."""
    lines = []
    for s in scores:
        if not s.missed and not s.spurious:
            continue
        lines.append(f"== {s.name}")
        by_sentence: dict[str, list[str]] = {}
        for sign, events in (("-", s.missed), ("+", s.spurious)):
            for e in events:
                by_sentence.setdefault((e.get("evidence") or "").strip(), []).append(f"  {sign} {_event_line(e)}")
        for sentence, rows in by_sentence.items():
            lines.append(f"  | {sentence[:160]}")
            lines.extend(rows)
    return "\n".join(lines)


def format_table(scores: list[Score], total: Score | None = None, label: str = "article") -> str:
    """A plain-text table of per-article (or per-set, per-conflict) scores and their total."""
    head = (f"{label:40} {'gold':>4} {'pred':>4} {'P':>6} {'R':>6} {'F1':>6} {'figP':>5} {'figR':>5} "
            f"{'attr':>5} {'loc':>5}")
    lines = [head, "-" * len(head)]
    for s in [*scores, *([total] if total is not None else [])]:
        r = s.row()
        lines.append(f"{s.name[:40]:40} {r['gold']:>4} {r['predicted']:>4} {r['precision']:>6.3f} {r['recall']:>6.3f} "
                     f"{r['f1']:>6.3f} {r['fatalities_precision']:>5.2f} {r['fatalities_recall']:>5.2f} "
                     f"{r['attribution_agreement']:>5.2f} {r['location_agreement']:>5.2f}")
    return "\n".join(lines)
