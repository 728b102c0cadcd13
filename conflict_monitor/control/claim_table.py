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


def query_claim_table(store: EventStore, claim_sql: ClaimSql) -> ClaimTable:
    """The claims of `claim_sql` (made under no filter) as a ClaimTable."""
    columns = ", ".join(f"c.{c}" for c in _KEPT)
    raw = store.query_sql(f"{claim_sql.with_filter_sql} SELECT {columns} FROM claims c "
                          "ORDER BY c.date DESC NULLS LAST, c.event_id", list(claim_sql.params))
    data = {c: raw[c].astype("category").to_numpy() if len(raw) else pd.Categorical([]) for c in _CODED}
    data.update({
        "latitude": raw["latitude"].astype("float64").to_numpy() if len(raw) else np.zeros(0),
        "longitude": raw["longitude"].astype("float64").to_numpy() if len(raw) else np.zeros(0),
        "date": pd.to_datetime(raw["date"]).to_numpy(dtype="datetime64[D]") if len(raw)
        else np.zeros(0, dtype="datetime64[D]"),
        "date_approx": raw["date_approx"].astype(bool).to_numpy() if len(raw) else np.zeros(0, dtype=bool),
        "event_id": raw["event_id"].to_numpy() if len(raw) else np.zeros(0, dtype=object)})
    return ClaimTable(pd.DataFrame(data))


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


def _values(column: pd.Series) -> list[object]:
    """A categorical column's values, None for missing."""
    return [None if isinstance(v, float) else v for v in column.astype(object).tolist()]


def compute_summary_from_table(store: EventStore, table: ClaimTable, flt: EventFilter, limit: int
                               ) -> ClaimSummary:
    """store_claims.query_claim_summary of the filter, from the table (the latest claims' text
    read from the store by event_id)."""
    mine = table.frame[compute_table_mask(table, flt)]
    if mine.empty:
        return ClaimSummary(pd.DataFrame(columns=list(GROUP_COLUMNS)), pd.DataFrame(columns=list(END_COLUMNS)),
                            pd.DataFrame(columns=list(CLAIM_COLUMNS)))
    mine = mine.assign(rank=np.arange(len(mine)))
    keys = ["place_id", "date", "side"]
    grouped = mine.groupby(keys, sort=False, observed=True)
    groups = grouped.agg(n=("rank", "size"), first=("rank", "min"), last=("rank", "max")).reset_index()
    losers = mine[mine["from_side"].notna()].groupby(keys, sort=False, observed=True)["from_side"].first()
    groups = groups.merge(losers.rename("from_side").reset_index(), on=keys, how="left").sort_values("first")
    ids = mine["event_id"]
    out = pd.DataFrame({
        "place_id": _values(groups["place_id"]), "date": list(pd.to_datetime(groups["date"]).dt.date),
        "side": _values(groups["side"]), "from_side": _values(groups["from_side"]),
        "n": groups["n"].astype("int64").tolist(), "first_id": ids.iloc[groups["first"].to_numpy()].tolist(),
        "last_id": ids.iloc[groups["last"].to_numpy()].tolist()}, columns=list(GROUP_COLUMNS))
    by_place = mine.groupby("place_id", sort=False, observed=True)["rank"]
    rows = []
    for end, pick in (("first", by_place.min()), ("last", by_place.max())):
        picked = mine.iloc[pick.to_numpy()]
        rows.append(pd.DataFrame({
            "place_id": _values(picked["place_id"]), "place": _values(picked["place"]),
            "latitude": picked["latitude"].tolist(), "longitude": picked["longitude"].tolist(),
            "admin1": _values(picked["admin1"]), "country": _values(picked["country"]), "end": end},
            columns=list(END_COLUMNS)))
    ends = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=list(END_COLUMNS))
    # each place's latest: newest day first, then the larger event_id (the larger rank on a day)
    newest = mine.assign(neg_day=-mine["date"].to_numpy().astype("int64"), neg_rank=-mine["rank"])
    newest = newest.sort_values(["neg_day", "neg_rank"]).groupby("place_id", sort=False, observed=True).head(limit)
    return ClaimSummary(out, ends, _latest_frame(store, newest.sort_values("rank")))


def _latest_frame(store: EventStore, rows: pd.DataFrame) -> pd.DataFrame:
    """The latest claims in CLAIM_COLUMNS, their events' TEXT_COLUMNS read by event_id."""
    if rows.empty:
        return pd.DataFrame(columns=list(CLAIM_COLUMNS))
    ids = rows["event_id"].tolist()
    text = store.query_sql(f"SELECT event_id, {', '.join(TEXT_COLUMNS)} FROM events WHERE event_id IN "
                           f"({', '.join('?' for _ in ids)})", ids)
    raw = pd.DataFrame({
        "place_id": _values(rows["place_id"]), "place": _values(rows["place"]),
        "latitude": rows["latitude"].tolist(), "longitude": rows["longitude"].tolist(),
        "admin1": _values(rows["admin1"]), "country": _values(rows["country"]),
        "date": rows["date"].to_numpy(), "date_approx": rows["date_approx"].tolist(), "claim": "taken",
        "side": _values(rows["side"]), "from_side": _values(rows["from_side"]), "event_id": ids})
    return claim_frame(raw.merge(text, on="event_id", how="left"))
