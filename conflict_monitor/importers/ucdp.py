"""UCDP Georeferenced Event Dataset (GED) CSV → events (UCDP GED Codebook, version 23.1+)."""

from __future__ import annotations

import pandas as pd

from conflict_monitor.importers.common import clean, iso3_from_name, map_actors, numbers, parse_dates

ORIGIN = "ucdp"
# Codebook: date_prec 1 exact day, 2 within 2-6 days, 3 within a week, 4 within a month,
# 5 more than a month.
DATE_PREC = {"1": "day", "2": "week", "3": "week", "4": "month", "5": "month"}
# Codebook: where_prec 1 exact place, 2 within 25 km, 3 second-order admin, 4 first-order admin,
# 5 linear feature, 6 country, 7 international waters or air space.
WHERE_PREC = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 3, "7": 3}
# type_of_violence: 1 state-based, 2 non-state, 3 one-sided (against civilians).
VIOLENCE = {"1": ("Battles", "Armed clash", "190", -10.0),
            "2": ("Battles", "Armed clash", "190", -10.0),
            "3": ("Violence against civilians", "Attack", "180", -9.0)}
DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y")
ORIGIN_OF = {"event_date": "date_start", "date_precision": "date_prec", "latitude": "latitude",
             "longitude": "longitude", "geo_precision": "where_prec", "fatalities": "low",
             "fatalities_high": "high"}


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return clean(frame[name]) if name in frame else pd.Series(None, index=frame.index, dtype=object)


def _code(value: object) -> str | None:
    return None if value is None else str(value).split(".")[0]


def _figure(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _deaths(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.to_numeric(numbers(_col(frame, name)), errors="coerce").fillna(0).astype(int)


def _side_group(side: str | None) -> str:
    """Who a side's dead were: a government's are soldiers (UCDP names a state side
    'Government of X'), any other organised side's are fighters."""
    return "soldiers" if side and side.strip().lower().startswith("government of") else "fighters"


def compute_victims(frame: pd.DataFrame) -> pd.Series:
    """The victims text of each UCDP row from its death columns (codebook: deaths_a and
    deaths_b are the dead of side A and side B, deaths_civilians and deaths_unknown the rest; they
    add up to `best`). One group → that group; deaths of more than one group (or of unknown
    status beside a known group) → 'mixed' with the split, since UCDP's low and high totals are
    not split by group; only unknown deaths, or none → None (unspecified)."""
    parts = {"a": _deaths(frame, "deaths_a"), "b": _deaths(frame, "deaths_b"),
             "civilians": _deaths(frame, "deaths_civilians"), "unknown": _deaths(frame, "deaths_unknown")}
    sides = {"a": _col(frame, "side_a"), "b": _col(frame, "side_b")}
    texts = []
    for i in range(len(frame)):
        counts = {k: int(v.iat[i]) for k, v in parts.items()}
        groups = {k: _side_group(sides[k].iat[i]) if k in sides else k for k in counts}
        known = {groups[k] for k, n in counts.items() if n > 0 and k != "unknown"}
        if len(known) == 1 and not counts["unknown"]:
            texts.append(known.pop())
        elif not known:
            texts.append(None)
        else:
            split = ", ".join(f"{'side ' + k.upper() + ' ' + groups[k] if k in sides else k} {n}"
                              for k, n in counts.items() if n > 0)
            texts.append(f"mixed: {split}")
    return pd.Series(texts, index=frame.index, dtype=object)


def map_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """Event rows (plus an _error column) for a chunk of UCDP GED rows held as text."""
    out = pd.DataFrame(index=frame.index)
    ids = _col(frame, "id").map(_code)
    out["event_id"] = "ucdp-" + ids.fillna("")
    violence = _col(frame, "type_of_violence").map(_code)
    kind = violence.map(VIOLENCE.get)
    out["_error"] = [
        "id: empty; every UCDP GED row has one" if not i else
        None if k else f"type_of_violence: expected 1, 2 or 3, got {v!r}"
        for i, v, k in zip(ids, violence, kind, strict=False)]
    out["event_date"] = parse_dates(frame["date_start"], DATE_FORMATS)
    out["date_precision"] = _col(frame, "date_prec").map(lambda v: DATE_PREC.get(_code(v), v)
                                                         if v is not None else None)
    out["event_type"] = kind.map(lambda k: k[0] if k else None)
    out["sub_event_type"] = kind.map(lambda k: k[1] if k else None)
    out["cameo_code"] = kind.map(lambda k: k[2] if k else None)
    out["goldstein"] = kind.map(lambda k: k[3] if k else None)
    low, high, best = numbers(frame["low"]), numbers(frame["high"]), numbers(frame["best"])
    killed = pd.to_numeric(best, errors="coerce").fillna(0) > 0
    out["action"] = killed.map({True: "kill", False: "attack"})  # ANNOTATION.md: kill if deaths
    out["actor1"], out["actor1_country"] = map_actors(frame["side_a"])
    out["actor2"], out["actor2_country"] = map_actors(frame["side_b"])
    out["country"] = _col(frame, "country").map(iso3_from_name)
    out["admin1"] = _col(frame, "adm_1").map(lambda v: v.removesuffix(" governorate")
                                             .removesuffix(" province") if v else None)
    place = _col(frame, "where_coordinates")
    out["location"] = place.where(place.notna(), _col(frame, "where_description"))
    out["latitude"] = numbers(frame["latitude"])
    out["longitude"] = numbers(frame["longitude"])
    out["geo_precision"] = _col(frame, "where_prec").map(lambda v: WHERE_PREC.get(_code(v), v)
                                                         if v is not None else None)
    # low → fatalities, high → fatalities_high; best is kept in the evidence text.
    out["fatalities"], out["fatalities_high"] = low, high
    same = pd.Series([a == b for a, b in zip(low, high, strict=False)], index=frame.index)
    out["fatalities_qualifier"] = same.map({True: "exact", False: "about"})
    out["victims"] = compute_victims(frame)
    out["reported_by"] = _col(frame, "source_office")
    out["source"] = "UCDP GED"
    headline = _col(frame, "source_headline")
    text = headline.where(headline.notna(), _col(frame, "where_description")).fillna("")
    out["evidence"] = [f"{t} [UCDP best estimate: {_figure(b)}]".strip() for t, b in zip(text, best, strict=False)]
    out["origin"] = ORIGIN
    return out
