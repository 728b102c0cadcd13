"""Victims as reported (free text) -> a victim group and a nationality, one distinct text at a time."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

VICTIM_GROUPS: tuple[str, ...] = ("civilians", "soldiers", "fighters", "mixed", "unspecified")
# A dataset row whose dead belong to several groups it does not total apart (UCDP GED splits its
# best estimate by side and civilians, not its low and high): its victims text starts so.
MIXED_PREFIX = "mixed"
_GROUP_WORDS: dict[str, tuple[str, ...]] = {
    "civilians": ("civilian", "child", "children", "women", "woman", "resident", "people",
                  "famil", "journalist", "aid worker", "medic", "doctor", "student", "refugee",
                  "displaced", "villager", "worshipper", "farmer", "contractor"),
    "soldiers": ("soldier", "troop", "servicem", "military personnel", "officer", "army",
                 "conscript", "police", "security forces", "gendarme", "marine", "personnel"),
    "fighters": ("fighter", "rebel", "militant", "jihadist", "insurgent", "combatant", "militia",
                 "gunm", "hts", "opposition", "terrorist", "mercenar", "jihadi"),
}
_GROUP_RES: dict[str, re.Pattern[str]] = {  # one regex per group: the earliest key word
    group: re.compile(r"(?<![a-z])(?:" + "|".join(re.escape(w) for w in words) + ")")
    for group, words in _GROUP_WORDS.items()}
_NATIONALITY_WORDS: dict[str, str] = {
    "turkish": "TUR", "turks": "TUR", "turk": "TUR", "syrian": "SYR", "russian": "RUS",
    "iranian": "IRN", "american": "USA", "u.s.": "USA", "lebanese": "LBN", "iraqi": "IRQ",
    "israeli": "ISR", "ukrainian": "UKR", "sudanese": "SDN", "palestinian": "PSE",
    "afghan": "AFG", "pakistani": "PAK", "yemeni": "YEM", "saudi": "SAU", "french": "FRA",
    "british": "GBR", "german": "DEU",
}
_WORD_RE = re.compile(r"[a-z][a-z.\-']*")


def normalise_victim_group(text: Any) -> str:
    """civilians | soldiers | fighters | mixed | unspecified, from free text: the group whose key
    word comes first wins ("Turkish soldiers and a civilian contractor" -> soldiers); a text
    starting with "mixed" (a dataset row with several groups' dead) is mixed."""
    if not isinstance(text, str) or not text.strip():
        return "unspecified"
    lowered = text.lower()
    if lowered.startswith(MIXED_PREFIX):
        return "mixed"
    best, best_pos = "unspecified", len(lowered) + 1
    for group, pattern in _GROUP_RES.items():
        match = pattern.search(lowered)
        if match and match.start() < best_pos:
            best, best_pos = group, match.start()
    return best


def victim_nationality(text: Any) -> str | None:
    """ISO3 of the first nationality word in the victims text, else None."""
    if not isinstance(text, str):
        return None
    for word in _WORD_RE.findall(text.lower()):
        if word in _NATIONALITY_WORDS:
            return _NATIONALITY_WORDS[word]
    return None


def compute_victim_map(values: Any) -> pd.DataFrame:
    """One row per distinct victims text: its victim_group and nationality (ISO3 or None)."""
    texts = [v for v in pd.Series(values, dtype="object").dropna().unique()]
    return pd.DataFrame({"victims": texts, "victim_group": [normalise_victim_group(t) for t in texts],
                         "nationality": [victim_nationality(t) for t in texts]},
                        columns=["victims", "victim_group", "nationality"])


def map_victim_groups(values: pd.Series) -> pd.Series:
    """normalise_victim_group for a column, computed once per distinct text."""
    groups = {v: normalise_victim_group(v) for v in pd.Series(values, dtype="object").dropna().unique()}
    return pd.Series(values, dtype="object").map(groups).fillna("unspecified")
