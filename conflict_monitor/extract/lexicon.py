"""The action lexicon (data/reference/actions.csv) and per-class defaults (action_classes.csv).

Each row maps a trigger lemma (verb or noun) to an action class with its CAMEO code and Goldstein
weight. Goldstein weights are those of GDELT's CAMEO.goldsteinscale.txt (Goldstein 1992); ACLED
types follow the ACLED Codebook (2023).
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
ACTIONS_CSV = REFERENCE_DIR / "actions.csv"
CLASSES_CSV = REFERENCE_DIR / "action_classes.csv"
VIOLENT = frozenset({"attack", "kill", "encircle", "capture", "deploy", "displace"})
VERBAL = frozenset({"threaten", "accuse", "consult", "ultimatum", "other", "ceasefire"})


@dataclass(frozen=True)
class Trigger:
    """One lexicon row."""

    lemma: str
    pos: str  # VERB | NOUN | ANY
    context: frozenset[str]
    action: str
    cameo_code: str
    goldstein: float
    event_type: str | None
    sub_event_type: str | None


@functools.lru_cache(maxsize=1)
def action_defaults() -> dict[str, dict[str, str]]:
    """action class -> its default row of action_classes.csv."""
    with open(CLASSES_CSV, newline="", encoding="utf-8") as handle:
        return {row["action"]: row for row in csv.DictReader(handle)}


@functools.lru_cache(maxsize=1)
def load_lexicon() -> dict[str, tuple[Trigger, ...]]:
    """lemma -> its lexicon rows (a lemma can have a verb and a noun reading)."""
    defaults = action_defaults()
    out: dict[str, list[Trigger]] = {}
    with open(ACTIONS_CSV, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            base = defaults[row["action"]]
            trig = Trigger(row["trigger"].lower(), row["pos"].upper(),
                           frozenset(c for c in row["context"].lower().split("|") if c), row["action"],
                           row["cameo_code"] or base["cameo_code"],
                           float(row["goldstein"] or base["goldstein"]),
                           row["event_type"] or base["event_type"] or None,
                           row["sub_event_type"] or base["sub_event_type"] or None)
            out.setdefault(trig.lemma, []).append(trig)
    return {k: tuple(v) for k, v in out.items()}


def lookup(token) -> Trigger | None:
    """The lexicon row that fits this spaCy token (lemma, part of speech, context), or None."""
    lemma = token.lemma_.lower()
    lex = load_lexicon()
    text = token.text.lower()
    if lemma not in lex and text not in lex:
        return None  # most tokens: no lexicon row
    rows = (*lex.get(lemma, ()), *(lex.get(text, ()) if text != lemma else ()))
    is_verb = token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB")
    around = {c.lemma_.lower() for c in token.children} | {token.head.lemma_.lower()}
    if token.dep_ == "pobj":  # "agreed to a truce": the verb the preposition hangs on
        around.add(token.head.head.lemma_.lower())
    for row in rows:
        if row.pos == "VERB" and not is_verb or row.pos == "NOUN" and is_verb:
            continue
        if row.context:
            subtree = around | ({t.lemma_.lower() for t in token.subtree} if not is_verb else
                                {g.lemma_.lower() for c in token.children if c.dep_ in ("dobj", "prep", "prt")
                                 for g in c.subtree})
            if not row.context & subtree:
                continue
        return row
    return None


def lookup_lemma(lemma: str) -> Trigger:
    """The first lexicon row of a lemma (for events the rules infer rather than read off a word)."""
    return load_lexicon()[lemma][0]
