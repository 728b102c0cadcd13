"""The naive way, for comparison: what a Streamlit tutorial does on every rerun.

Read the whole CSV with pandas.read_csv, filter with boolean masks, group in pandas. These
functions compute the same figures as the dashboard's Overview, Timeline and Casualties.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflict_monitor.model.filters import EventFilter


def load_naive_frame(csv_path: Path) -> pd.DataFrame:
    """The tutorial's loader: the whole file, every time."""
    return pd.read_csv(csv_path, parse_dates=["event_date"], low_memory=False)


def compute_naive_mask(frame: pd.DataFrame, flt: EventFilter) -> pd.Series:
    """The sidebar filter as pandas masks."""
    mask = pd.Series(True, index=frame.index)
    if flt.date_from:
        mask &= frame["event_date"] >= pd.Timestamp(flt.date_from)
    if flt.date_to:
        mask &= frame["event_date"] <= pd.Timestamp(flt.date_to)
    if flt.actors:
        mask &= frame["actor1"].isin(flt.actors) | frame["actor2"].isin(flt.actors)
    if flt.countries:
        mask &= (frame["country"].isin(flt.countries) | frame["actor1_country"].isin(flt.countries)
                 | frame["actor2_country"].isin(flt.countries))
    for name, column in (("actions", "action"), ("event_types", "event_type"),
                         ("origins", "origin"), ("sources", "source")):
        if getattr(flt, name):
            mask &= frame[column].isin(getattr(flt, name))
    return mask


def compute_naive_pages(csv_path: Path, flt: EventFilter) -> dict[str, object]:
    """Re-read, filter and compute the three pages' figures the naive way."""
    frame = load_naive_frame(csv_path)
    sel = frame[compute_naive_mask(frame, flt)]
    running = sel["is_running_total"].fillna(False).astype(bool)
    deaths = sel[~running & sel["fatalities"].notna()]
    incident = deaths["incident_id"].fillna(deaths["event_id"])
    per_incident = deaths.groupby(incident).agg(low=("fatalities", "min"), high=("fatalities_high", "max"))
    overview = {"events": len(sel), "low": per_incident["low"].sum(), "high": per_incident["high"].sum(),
                "actors": pd.concat([sel["actor1"], sel["actor2"]]).nunique()}
    # Timeline: each incident once, on its earliest report's day, with its gravest weight
    acts = sel[~running & sel["event_date"].notna()]
    per_incident = acts.groupby(acts["incident_id"].fillna(acts["event_id"])).agg(
        day=("event_date", "min"), action=("action", "min"), goldstein=("goldstein", "min"))
    conflict = per_incident[per_incident["goldstein"] < 0]
    weekly = (-conflict["goldstein"]).groupby([conflict["day"].dt.to_period("W"),
                                              conflict["action"]]).sum()
    hostile = acts[(acts["goldstein"] < 0) & acts["actor1"].notna() & acts["actor2"].notna()]
    pair_rows = hostile.assign(incident=hostile["incident_id"].fillna(hostile["event_id"]),
                               a=hostile[["actor1", "actor2"]].min(axis=1),
                               b=hostile[["actor1", "actor2"]].max(axis=1))
    per_pair = pair_rows.groupby(["incident", "a", "b"], as_index=False)["event_date"].min()
    pairs = per_pair.groupby(["a", "b", per_pair["event_date"].dt.to_period("W")]).size()
    by_victims = deaths.groupby("victims")["fatalities"].sum()
    by_source = deaths.groupby("reported_by")["fatalities"].sum()
    cumulative = deaths.groupby("event_date")["fatalities"].sum().cumsum()
    return {"overview": overview, "weekly": len(weekly), "pairs": len(pairs),
            "victims": len(by_victims), "sources": len(by_source), "cumulative": len(cumulative)}
