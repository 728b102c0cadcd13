"""Every claim of the store from events, read once per data version as a narrow table of codes,
so that a new filter's control is a mask and a group-by in memory instead of a store query.

Matching a place and resolving sides do not depend on the filter, and the control's filter
reads only a claim's day, its event's countries, origin and source (control.select): one query
(control.store_claims' claims under no filter, in the store's order) gives a row per claim with
those, the claim's place columns and its position in that order (`rank`). At ten million
events that is 400,000 rows of small integer codes and two floats (about 15 MB), where the
per-filter summary query read the events again each time (about 1.5 s of both cores).
The rows of one filter then give store_claims.ClaimSummary exactly: the groups are ordered by
their first claim's rank (the day, then event_id, as the store sorts them), a group's from_side
is its first non-missing one in rank order, the ends and latest claims are picked by rank.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflict_monitor.control.reference import CLAIM_COLUMNS
from conflict_monitor.control.store_claims import (
    END_COLUMNS,
    FILTER_COLUMNS,
    GROUP_COLUMNS,
    STORED_TABLE,
    TEXT_COLUMNS,
    ClaimSql,
    ClaimSummary,
    claim_frame,
)
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import EventStore

_CODED = ("place_id", "place", "admin1", "country", "side", "from_side", *FILTER_COLUMNS)
_KEPT = (*_CODED, "latitude", "longitude", "date", "date_approx", "event_id")


@dataclass(frozen=True)
class ClaimTable:
    """One row per claim from events, in the store's order (newest day first, then event_id):
    text as pandas categoricals (event_id as it comes), the day as datetime64."""

    frame: pd.DataFrame
    text_table: str = "events"  # where the claims' TEXT_COLUMNS are read by event_id


def query_claim_table(store: EventStore, claim_sql: ClaimSql) -> ClaimTable:
    """The claims of `claim_sql` (made under no filter) as a ClaimTable."""
    text_table = STORED_TABLE if claim_sql.from_table else "events"
    columns = ", ".join(f"c.{c}" for c in _KEPT)
    raw = store.query_sql(f"{claim_sql.with_filter_sql} SELECT {columns} FROM claims c "
                          "ORDER BY c.date DESC NULLS LAST, c.event_id", list(claim_sql.params))
    data = {c: raw[c].astype("category").array if len(raw) else pd.Categorical([]) for c in _CODED}
    data.update({
        "latitude": raw["latitude"].astype("float64").to_numpy() if len(raw) else np.zeros(0),
        "longitude": raw["longitude"].astype("float64").to_numpy() if len(raw) else np.zeros(0),
        "date": pd.to_datetime(raw["date"]).to_numpy(dtype="datetime64[D]") if len(raw)
        else np.zeros(0, dtype="datetime64[D]"),
        "date_approx": raw["date_approx"].astype(bool).to_numpy() if len(raw) else np.zeros(0, dtype=bool),
        "event_id": raw["event_id"].to_numpy() if len(raw) else np.zeros(0, dtype=object)})
    return ClaimTable(pd.DataFrame(data), text_table)


def compute_table_mask(table: ClaimTable, flt: EventFilter) -> np.ndarray:
    """The claims under the filter's dates, countries (the event's or either actor's), origins
    and sources: filters.compute_where's rules for these four."""
    frame = table.frame
    keep = np.ones(len(frame), dtype=bool)
    if flt.date_from:
        keep &= frame["date"].to_numpy() >= np.datetime64(flt.date_from, "D")
    if flt.date_to:
        keep &= frame["date"].to_numpy() <= np.datetime64(flt.date_to, "D")
    if flt.countries:
        keep &= np.logical_or.reduce([frame[c].isin(flt.countries).to_numpy()
                                      for c in ("event_country", "actor1_country", "actor2_country")])
    if flt.origins:
        keep &= frame["origin"].isin(flt.origins).to_numpy()
    if flt.sources:
        keep &= frame["source"].isin(flt.sources).to_numpy()
    return keep


def _labels(column: pd.Series, rows: np.ndarray) -> list[object]:
    """A categorical column's values at `rows`, None for missing."""
    codes = column.cat.codes.to_numpy()[rows]
    categories = np.asarray(column.cat.categories.astype(object))
    return [None if c < 0 else categories[c] for c in codes.tolist()]


def _group_starts(*keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys begins in arrays sorted by those keys."""
    change = np.zeros(len(keys[0]), dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


def compute_summary_from_table(store: EventStore, table: ClaimTable, flt: EventFilter, limit: int
                               ) -> ClaimSummary:
    """store_claims.query_claim_summary of the filter, from the table (the latest claims' text
    read from the store by event_id). Rows are picked by their rank: their position in the
    store's order (numpy sorts and reductions, no pandas group-by)."""
    frame = table.frame
    rows = np.flatnonzero(compute_table_mask(table, flt))  # ranks, ascending
    if not len(rows):
        return ClaimSummary(pd.DataFrame(columns=list(GROUP_COLUMNS)), pd.DataFrame(columns=list(END_COLUMNS)),
                            pd.DataFrame(columns=list(CLAIM_COLUMNS)))
    place = frame["place_id"].cat.codes.to_numpy()[rows]
    day = frame["date"].to_numpy()[rows].astype("datetime64[D]").astype(np.int64)
    side = frame["side"].cat.codes.to_numpy()[rows]
    loser = frame["from_side"].cat.codes.to_numpy()[rows]
    # groups: (place, day, side), each group's rows by rank
    order = np.lexsort((rows, side, day, place))
    starts = _group_starts(place[order], day[order], side[order])
    first = rows[order][starts]
    last = rows[order][np.r_[starts[1:], len(order)] - 1]
    # the first loser by rank: ranks of rows without one pushed past every rank
    named = np.where(loser[order] >= 0, rows[order], np.iinfo(np.int64).max)
    first_named = np.minimum.reduceat(named, starts)
    by_rank = np.argsort(first)  # the groups in the order of their first claim
    ids = frame["event_id"]
    losers = [None if r == np.iinfo(np.int64).max else v for r, v in zip(
        first_named[by_rank].tolist(), _labels(frame["from_side"], np.minimum(first_named[by_rank], len(frame) - 1)),
        strict=True)]
    groups = pd.DataFrame({
        "place_id": _labels(frame["place_id"], first[by_rank]),
        "date": list(pd.to_datetime(frame["date"].to_numpy()[first[by_rank]]).date),
        "side": _labels(frame["side"], first[by_rank]), "from_side": losers,
        "n": np.diff(np.r_[starts, len(order)])[by_rank].tolist(),
        "first_id": ids.iloc[first[by_rank]].tolist(), "last_id": ids.iloc[last[by_rank]].tolist()},
        columns=list(GROUP_COLUMNS))
    # each place's first and last claim, in the order of the place's first claim
    by_place = np.lexsort((rows, place))
    place_starts = _group_starts(place[by_place])
    place_first = rows[by_place][place_starts]
    place_last = rows[by_place][np.r_[place_starts[1:], len(by_place)] - 1]
    ends = pd.concat([_ends(frame, picked, end) for end, picked in
                      (("first", np.sort(place_first)), ("last", place_last[np.argsort(place_first)]))],
                     ignore_index=True)
    # each place's latest: newest day first, then the larger event_id (the larger rank on a day)
    newest = np.lexsort((-rows, -day, place))
    place_of = place[newest]
    begins = _group_starts(place_of)
    within = np.arange(len(newest)) - np.repeat(begins, np.diff(np.r_[begins, len(newest)]))
    latest = np.sort(rows[newest][within < limit])
    return ClaimSummary(groups, ends, _latest_frame(store, frame.iloc[latest], table.text_table))


def _ends(frame: pd.DataFrame, rows: np.ndarray, end: str) -> pd.DataFrame:
    return pd.DataFrame({
        "place_id": _labels(frame["place_id"], rows), "place": _labels(frame["place"], rows),
        "latitude": frame["latitude"].to_numpy()[rows].tolist(),
        "longitude": frame["longitude"].to_numpy()[rows].tolist(),
        "admin1": _labels(frame["admin1"], rows), "country": _labels(frame["country"], rows), "end": end},
        columns=list(END_COLUMNS))


def _values(column: pd.Series) -> list[object]:
    """A categorical column's values, None for missing."""
    return [None if isinstance(v, float) else v for v in column.astype(object).tolist()]


def _latest_frame(store: EventStore, rows: pd.DataFrame, text_table: str) -> pd.DataFrame:
    """The latest claims in CLAIM_COLUMNS, their events' TEXT_COLUMNS read by event_id."""
    if rows.empty:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    ids = rows["event_id"].tolist()
    text = store.query_sql(f"SELECT event_id, {', '.join(TEXT_COLUMNS)} FROM {text_table} WHERE event_id IN "
                           f"({', '.join('?' for _ in ids)})", ids)
    raw = pd.DataFrame({
        "place_id": _values(rows["place_id"]), "place": _values(rows["place"]),
        "latitude": rows["latitude"].tolist(), "longitude": rows["longitude"].tolist(),
        "admin1": _values(rows["admin1"]), "country": _values(rows["country"]),
        "date": rows["date"].to_numpy(), "date_approx": rows["date_approx"].tolist(), "claim": "taken",
        "side": _values(rows["side"]), "from_side": _values(rows["from_side"]), "event_id": ids})
    return claim_frame(raw.merge(text, on="event_id", how="left"))
