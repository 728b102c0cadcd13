"""Control claims reduced in the store: places matched and sides resolved in SQL, so Python sees
one row per place, day and side (the unit a change of hands is made of) instead of every
territorial event (500,000 rows at ten million events: seconds to read and most of the page's
peak memory).

The rules are control.claims.compute_claims_from_events', run as SQL (DuckDB and PostgreSQL 15):
what SQL cannot compute, the spelling-insensitive name key and an actor's side, is computed in
Python once per distinct location and (actor, country) under the filter and handed to the query
as arrays (one parameter each, however many). The nearest known place within MATCH_KM uses the
same haversine steps as geo.distance (radians as one multiplication, squares as products).
Per-claim rows are read only where they are shown: the latest reports of each place (popups),
one place's history (a click), the claims behind a day's status (the download).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from conflict_monitor.control.claims import MATCH_KM, TOWN_PRECISION, compute_place_index
from conflict_monitor.control.events import compute_claim_inputs_sql, compute_territorial_where, read_claim_inputs
from conflict_monitor.control.reference import CLAIM_COLUMNS, compute_place_key
from conflict_monitor.control.sides import compute_side
from conflict_monitor.geo.distance import EARTH_RADIUS_KM
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore

_RAD = repr(float(np.pi / 180))  # numpy's radians: x * (pi / 180), one rounding
# A place within MATCH_KM of an event is within MATCH_KM / R radians of its latitude: events and
# places are put in latitude bands this wide (with room for rounding), and an event is measured
# against the places of its band and the two beside it only (a hash join, not every pair).
_LAT_BAND = MATCH_KM / EARTH_RADIUS_KM * 180 / np.pi * 1.1
# The columns a claim takes from its event as they are: read only for the claims shown.
TEXT_COLUMNS = ("origin", "source", "reported_by", "source_url", "evidence")
# What the control's filter reads of a claim's event (its dates are the claim's).
STORED_TABLE = "control_claims"  # the store's table of claims (control.stored_claims)
FILTER_COLUMNS = ("origin", "source", "actor1_country", "actor2_country", "event_country")
GROUP_COLUMNS = ("place_id", "date", "side", "from_side", "n", "first_id", "last_id")
END_COLUMNS = ("place_id", "place", "latitude", "longitude", "admin1", "country", "end")


@dataclass(frozen=True)
class ClaimSql:
    """The SQL of one row per claim from the store's events (a WITH clause ending in `claims`)
    and its parameters, for a filter and the reference places and sides; or the same claims
    from the store's table of them (`from_table`, control.stored_claims)."""

    with_sql: str
    params: tuple[Any, ...]
    with_text_sql: str  # the same, its claims carrying TEXT_COLUMNS too (for reading claims whole)
    with_filter_sql: str = ""  # the same, its claims carrying FILTER_COLUMNS and TEXT_COLUMNS
    from_table: bool = False


def _text_array(values: Sequence[Any]) -> list[str | None]:
    return [None if v is None else str(v) for v in values]


def _float_array(values: Sequence[Any]) -> list[float | None]:
    return [None if v is None or pd.isna(v) else float(v) for v in values]


def query_claim_inputs(store: EventStore, flt: EventFilter) -> tuple[list[str], list[tuple[str, str]]]:
    """The distinct locations and (actor, country) pairs of the territorial events under `flt`."""
    return read_claim_inputs(store.query_sql(*compute_claim_inputs_sql(flt)))


def make_claim_sql(flt: EventFilter, places: pd.DataFrame, side_lookup: dict[tuple[str, str], str],
                   locations: Sequence[str], pairs: Sequence[tuple[str, str]],
                   rows: tuple[str, Sequence[Any]] = ("TRUE", ())) -> ClaimSql:
    """The claims of the territorial events under `flt` as SQL (see the module's docstring);
    `rows`: a further condition on the events (the store's upkeep of its claims)."""
    where, where_params = compute_territorial_where(flt)
    where, where_params = f"{where} AND ({rows[0]})", [*where_params, *rows[1]]
    index = compute_place_index(places)
    keys = [compute_place_key(loc) for loc in locations]
    named = [index.get(k) for k in keys]
    sided = [(a, c, s) for a, c in pairs if (s := compute_side(a, c, side_lookup)) is not None]
    attrs = places.drop_duplicates("place_id")
    near = places.dropna(subset=["latitude", "longitude"])
    params: list[Any] = [
        *where_params, _text_array(locations), keys, _text_array(named),
        [s[0] for s in sided], [s[1] for s in sided], [s[2] for s in sided],
        _text_array(attrs["place_id"].tolist()), _text_array(attrs["place"].tolist()),
        _float_array(attrs["latitude"].tolist()), _float_array(attrs["longitude"].tolist()),
        _text_array(attrs["admin1"].tolist()), _text_array(attrs["country"].tolist()),
        _text_array(near["place_id"].tolist()), _float_array(near["latitude"].tolist()),
        _float_array(near["longitude"].tolist()), list(range(len(near))), [-1, 0, 1]]

    def rad(col: str) -> str:
        return f"({col} * {_RAD})"
    dist = (f"2 * {EARTH_RADIUS_KM} * asin(sqrt(least(1.0, greatest(0.0, "
            f"sin(({rad('k.lat')} - {rad('t.latitude')}) / 2) * sin(({rad('k.lat')} - {rad('t.latitude')}) / 2)"
            f" + cos({rad('t.latitude')}) * cos({rad('k.lat')})"
            f" * sin(({rad('k.lon')} - {rad('t.longitude')}) / 2)"
            f" * sin(({rad('k.lon')} - {rad('t.longitude')}) / 2)))))")
    text, num = "CAST(? AS VARCHAR[])", "CAST(? AS DOUBLE PRECISION[])"
    sql = f"""WITH ev AS (
  SELECT event_id, event_date, date_precision, actor1, actor2, country, admin1, location, latitude, longitude,
         geo_precision{{ev_extra}} FROM events WHERE {where}),
names AS (SELECT unnest({text}) AS location, unnest({text}) AS place_key, unnest({text}) AS named_id),
sides AS (SELECT unnest({text}) AS actor, unnest({text}) AS country, unnest({text}) AS side),
known AS (SELECT unnest({text}) AS place_id, unnest({text}) AS place, unnest({num}) AS lat, unnest({num}) AS lon,
                 unnest({text}) AS admin1, unnest({text}) AS country),
nearby AS (SELECT unnest({text}) AS place_id, unnest({num}) AS lat, unnest({num}) AS lon,
                  unnest(CAST(? AS INTEGER[])) AS ord),
tagged AS (
  SELECT ev.*, n.named_id, n.place_key, s1.side AS side,
         CASE WHEN s2.side IS NOT NULL AND s2.side <> s1.side THEN s2.side END AS from_side
  FROM ev LEFT JOIN names n ON n.location = ev.location
  JOIN sides s1 ON s1.actor = ev.actor1 AND s1.country = ev.country
  LEFT JOIN sides s2 ON s2.actor = ev.actor2 AND s2.country = ev.country),
buckets AS (SELECT k.*, CAST(floor(k.lat / {_LAT_BAND!r}) AS INTEGER) + b.step AS bucket
            FROM nearby k CROSS JOIN (SELECT unnest(CAST(? AS INTEGER[])) AS step) b),
nearest AS (
  SELECT event_id, place_id FROM (
    SELECT t.event_id, k.place_id, row_number() OVER (PARTITION BY t.event_id ORDER BY {dist}, k.ord) AS r
    FROM tagged t JOIN buckets k ON k.bucket = CAST(floor(t.latitude / {_LAT_BAND!r}) AS INTEGER)
    WHERE t.named_id IS NULL AND t.longitude IS NOT NULL AND {dist} <= {MATCH_KM!r}) x WHERE r = 1),
matched AS (
  SELECT t.*, coalesce(t.named_id, m.place_id) AS known_id
  FROM tagged t LEFT JOIN nearest m ON m.event_id = t.event_id),
claims AS MATERIALIZED (
  SELECT coalesce(k.place_id, t.place_key) AS place_id,
         CASE WHEN k.place_id IS NULL THEN t.location ELSE k.place END AS place,
         CASE WHEN k.place_id IS NULL THEN t.latitude ELSE k.lat END AS latitude,
         CASE WHEN k.place_id IS NULL THEN t.longitude ELSE k.lon END AS longitude,
         CASE WHEN k.place_id IS NULL THEN t.admin1 ELSE k.admin1 END AS admin1,
         CASE WHEN k.place_id IS NULL THEN t.country ELSE coalesce(nullif(k.country, ''), t.country) END AS country,
         t.event_date AS date, (t.date_precision IS NOT NULL AND t.date_precision <> 'day') AS date_approx,
         'taken' AS claim, t.side, t.from_side, t.event_id{{claim_extra}}
  FROM matched t LEFT JOIN known k ON k.place_id = t.known_id
  WHERE k.place_id IS NOT NULL OR (t.latitude IS NOT NULL AND t.longitude IS NOT NULL AND t.place_key <> ''
        AND (t.geo_precision IS NULL OR t.geo_precision <= {TOWN_PRECISION})))"""
    text = "".join(f", {c}" for c in TEXT_COLUMNS)
    carried = "".join(f", {c}" for c in dict.fromkeys((*FILTER_COLUMNS, *TEXT_COLUMNS)) if c != "event_country")
    return ClaimSql(sql.format(ev_extra="", claim_extra=""), tuple(params),
                    sql.format(ev_extra=text, claim_extra=text),
                    sql.format(ev_extra=carried, claim_extra=carried + ", t.country AS event_country"))


def query_claim_rows(store: EventStore, claim_sql: ClaimSql, *, place_id: str | None = None,
                     groups: Sequence[tuple[str, Any, str]] | None = None) -> pd.DataFrame:
    """Every claim in CLAIM_COLUMNS, in the order the store's territorial events come (newest
    first, then event_id); only one place's with `place_id`, only those of the (place_id, date,
    side) `groups` with groups."""
    sql = f"{claim_sql.with_text_sql} SELECT {', '.join('c.' + c for c in CLAIM_COLUMNS)} FROM claims c"
    extra: list[Any] = []
    if groups is not None:
        sql += (" JOIN (SELECT unnest(CAST(? AS VARCHAR[])) AS k_place, unnest(CAST(? AS DATE[])) AS k_date,"
                " unnest(CAST(? AS VARCHAR[])) AS k_side) k ON k.k_place = c.place_id AND k.k_date = c.date"
                " AND k.k_side = c.side")
        extra += [[g[0] for g in groups], [g[1] for g in groups], [g[2] for g in groups]]
    if place_id is not None:
        sql += " WHERE c.place_id = ?"
        extra.append(place_id)
    frame = store.query_sql(f"{sql} ORDER BY c.date DESC NULLS LAST, c.event_id", [*claim_sql.params, *extra])
    return claim_frame(frame)


def claim_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Claims as compute_claims_from_events gives them: built from Python lists (dates as
    datetime.date, missing text None) so pandas infers the same dtypes."""
    if frame.empty:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    data: dict[str, list[Any]] = {c: [_text(v) for v in frame[c].tolist()] for c in CLAIM_COLUMNS}
    data["date"] = list(pd.to_datetime(frame["date"]).dt.date)
    data["date_approx"] = [bool(v) for v in frame["date_approx"].tolist()]
    for column in ("latitude", "longitude"):
        data[column] = [_number(v) for v in frame[column].tolist()]
    return pd.DataFrame(data, columns=list(CLAIM_COLUMNS))


@dataclass(frozen=True)
class ClaimSummary:
    """What the map needs of a filter's claims from events, in one query.

    groups: one row per place, day and side (GROUP_COLUMNS: the first from_side of its claims
    by event_id, how many claims, the first and last event_id), in the order of their claims
    (newest day first, then the first event_id). ends: each place's first ('first') and last
    ('last') claim in that order, with its place columns (END_COLUMNS). latest: each place's
    latest `limit` claims (by day, then event_id) in CLAIM_COLUMNS, in query_claim_rows' order.
    """

    groups: pd.DataFrame
    ends: pd.DataFrame
    latest: pd.DataFrame


_PLACE = ("place", "latitude", "longitude", "admin1", "country")
_TEXT = "VARCHAR"
# The summary's columns and their SQL types: the three parts share one result, each leaving
# the others' columns NULL (typed, so PostgreSQL can match the parts' types).
_SUMMARY_TYPES = {"place_id": _TEXT, "date": "DATE", "side": _TEXT, "from_side": _TEXT, "n": "BIGINT",
                  "first_id": _TEXT, "last_id": _TEXT, "end_kind": _TEXT, "place": _TEXT,
                  "latitude": "DOUBLE PRECISION", "longitude": "DOUBLE PRECISION", "admin1": _TEXT,
                  "country": _TEXT, "date_approx": "BOOLEAN", "claim": _TEXT, "origin": _TEXT, "event_id": _TEXT,
                  "source": _TEXT, "reported_by": _TEXT, "source_url": _TEXT, "evidence": _TEXT}


def query_claim_summary(store: EventStore, claim_sql: ClaimSql, limit: int) -> ClaimSummary:
    """ClaimSummary of the claims: the per-event rows stay in the store, the latest `limit` of
    each place are found from the day counts (only their days' claims are ranked). A group's
    from_side is its first named claim's (by event_id), looked up by that claim's event_id: one
    group-by of the claims instead of one per loser and a ranking (0.35 -> 0.24 s at 10M,
    30 Nov 2026, load 4)."""
    stored = claim_sql.from_table
    # the latest claims' text: from the table (by event_id) when it is read, else from the events
    latest_from = f"latest l JOIN {STORED_TABLE} t ON t.event_id = l.event_id" if stored else "latest l"
    latest = {c: f"t.{c}" if c in TEXT_COLUMNS else f"l.{c}" for c in CLAIM_COLUMNS if stored or c not in TEXT_COLUMNS}

    def pick(given: dict[str, str]) -> str:
        return ", ".join(f"{given.get(c, f'CAST(NULL AS {t})')} AS {c}" for c, t in _SUMMARY_TYPES.items())
    frame = store.query_sql(f"""{claim_sql.with_sql},
named AS (
  SELECT place_id, date, side, count(*) AS n, min(event_id) AS first_id, max(event_id) AS last_id,
         min(CASE WHEN from_side IS NOT NULL THEN event_id END) AS named_id
  FROM claims GROUP BY place_id, date, side),
groups AS (
  SELECT g.place_id, g.date, g.side, c.from_side, g.n, g.first_id, g.last_id
  FROM named g LEFT JOIN claims c ON c.event_id = g.named_id),
end_ids AS (
  SELECT place_id, first_id, last_id, rf, rl FROM (
    SELECT place_id, first_id, last_id,
           row_number() OVER (PARTITION BY place_id ORDER BY date DESC, first_id) AS rf,
           row_number() OVER (PARTITION BY place_id ORDER BY date ASC, last_id DESC) AS rl FROM groups) x
  WHERE rf = 1 OR rl = 1),
ends AS (
  SELECT c.place_id, {', '.join('c.' + c for c in _PLACE)}, 'first' AS end_kind FROM claims c
    JOIN end_ids i ON i.rf = 1 AND c.event_id = i.first_id
  UNION ALL
  SELECT c.place_id, {', '.join('c.' + c for c in _PLACE)}, 'last' FROM claims c
    JOIN end_ids i ON i.rl = 1 AND c.event_id = i.last_id),
days AS (
  SELECT place_id, date, sum(n) OVER (PARTITION BY place_id ORDER BY date DESC) AS running
  FROM (SELECT place_id, date, sum(n) AS n FROM groups GROUP BY place_id, date) d),
cut AS (
  SELECT place_id, coalesce(max(CASE WHEN running >= ? THEN date END), min(date)) AS since
  FROM days GROUP BY place_id),
latest AS (
  SELECT * FROM (
    SELECT c.*, row_number() OVER (PARTITION BY c.place_id ORDER BY c.date DESC, c.event_id DESC) AS r
    FROM claims c JOIN cut ON cut.place_id = c.place_id AND c.date >= cut.since) x WHERE r <= ?)
SELECT 'g' AS kind, {pick({c: c for c in GROUP_COLUMNS})} FROM groups
UNION ALL
SELECT 'e', {pick({c: c for c in ("place_id", *_PLACE, "end_kind")})} FROM ends
UNION ALL
SELECT 'l', {pick(latest)} FROM {latest_from}
ORDER BY kind DESC, date DESC NULLS LAST, first_id, event_id""", [*claim_sql.params, int(limit), int(limit)])
    groups, ends, latest_rows = (_rows_of_kind(frame, kind) for kind in ("g", "e", "l"))
    out = pd.DataFrame({
        "place_id": groups["place_id"].tolist(), "date": list(pd.to_datetime(groups["date"]).dt.date),
        "side": groups["side"].tolist(), "from_side": [_text(v) for v in groups["from_side"].tolist()],
        "n": groups["n"].astype("int64").tolist(), "first_id": groups["first_id"].tolist(),
        "last_id": groups["last_id"].tolist()}, columns=list(GROUP_COLUMNS))
    ends = pd.DataFrame({"place_id": ends["place_id"].tolist(), "place": [_text(v) for v in ends["place"]],
                         "latitude": [_number(v) for v in ends["latitude"]],
                         "longitude": [_number(v) for v in ends["longitude"]],
                         "admin1": [_text(v) for v in ends["admin1"]], "country": [_text(v) for v in ends["country"]],
                         "end": ends["end_kind"].tolist()}, columns=list(END_COLUMNS))
    latest_rows = latest_rows.reset_index(drop=True)
    return ClaimSummary(out, ends, claim_frame(latest_rows if stored else _with_text(store, latest_rows)))


def _rows_of_kind(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The summary's rows of one kind: a slice, as the query orders its rows by kind first (a
    mask would copy every column of the 40,000 groups at ten million events)."""
    rows = np.flatnonzero(frame["kind"].to_numpy() == kind)
    return frame.iloc[rows[0]:rows[-1] + 1] if len(rows) else frame.iloc[0:0]


def _with_text(store: EventStore, claims: pd.DataFrame) -> pd.DataFrame:
    """The claims with their events' TEXT_COLUMNS, read by event_id (a list of constants: the
    store finds them by its key, where a join would read the column of every event)."""
    claims = claims.drop(columns=list(TEXT_COLUMNS)).reset_index(drop=True)
    ids = claims["event_id"].tolist()
    if not ids:
        return claims.assign(**{c: [] for c in TEXT_COLUMNS})
    text = store.query_sql(f"SELECT event_id, {', '.join(TEXT_COLUMNS)} FROM events WHERE event_id IN "
                           f"({', '.join('?' for _ in ids)})", ids)
    return claims.merge(text, on="event_id", how="left")


def _number(value: Any) -> float:
    return float("nan") if value is None or pd.isna(value) else float(value)


def _text(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and pd.isna(value)) else value
