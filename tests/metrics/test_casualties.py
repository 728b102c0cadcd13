"""Casualty metrics on a small hand-computed table: ranges, conflicting claims, running totals."""

import datetime as dt

import pandas as pd
import pytest

from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import incident_deaths as incident_sql
from conflict_monitor.model.victims import normalise_victim_group, victim_nationality


def report(event_id, day, low, victims, by, *, high=None, incident=None, place="Balyun",
           running=False, actor1="Syrian government forces", action="kill", **extra):
    return {"event_id": event_id, "event_date": dt.date.fromisoformat(day), "action": action,
            "fatalities": low, "fatalities_high": high if high is not None else low, "victims": victims,
            "reported_by": by, "incident_id": incident, "location": place, "actor1": actor1,
            "actor2": extra.pop("actor2", None), "country": "SYR", "date_precision": "day",
            "is_running_total": running, "source": "test", "origin": "manual",
            "source_url": f"https://example.org/{event_id}", **extra}


REPORTS = pd.DataFrame([
    # one incident, two sources disagree: 33 (governor) vs 34 (SOHR) Turkish soldiers
    report("x1", "2020-02-27", 33, "Turkish soldiers", "Hatay governor", incident="balyun"),
    report("x2", "2020-02-27", 34, "Turkish soldiers", "SOHR", incident="balyun"),
    # same incident, other victims: its own group, not a rival claim
    report("x3", "2020-02-27", 2, "civilians", "SOHR", incident="balyun"),
    # one report with a range 5-8
    report("y1", "2020-02-11", 5, "civilians", "White Helmets", high=8, place="Idlib city"),
    # no incident_id: linked on the fly (same day, place, action), 4 vs 6 fighters
    report("z1", "2020-02-03", 4, "rebel fighters", "AFP", place="Saraqib", actor1="Syrian government forces"),
    report("z2", "2020-02-03", 6, "fighters", "Reuters", place="Saraqib", actor1="Syrian government forces"),
    # a running total: shown apart, never added
    report("r1", "2020-02-13", 380, "civilians", "SOHR", place="Idlib region", running=True,
           date_precision="month"),
])


def test_victim_groups_and_nationality_from_free_text():
    assert normalise_victim_group("Turkish soldiers and a civilian contractor") == "soldiers"
    assert normalise_victim_group("civilians, including 5 children") == "civilians"
    assert normalise_victim_group("HTS militants") == "fighters"
    assert normalise_victim_group("Turks") == "unspecified"
    assert normalise_victim_group(None) == "unspecified"
    assert victim_nationality("Turkish soldiers") == "TUR"
    assert victim_nationality("Turks") == "TUR"
    assert victim_nationality("civilians") is None


def test_totals_use_the_lowest_report_per_incident_and_skip_running_totals():
    summary = cm.query_casualty_summary(REPORTS)
    totals = summary.totals.set_index(["dim", "label"])
    # low = 33 (Balyun soldiers) + 2 (Balyun civilians) + 5 (Idlib city) + 4 (Saraqib) = 44
    # high = 34 + 2 + 8 + 6 = 50; the 380 running total is not added
    assert totals.loc[("all", "all"), ["low", "high", "incidents", "reports"]].tolist() == [44, 50, 4, 6]
    assert totals.loc[("victim_group", "soldiers"), ["low", "high"]].tolist() == [33, 34]
    assert totals.loc[("victim_group", "civilians"), ["low", "high"]].tolist() == [7, 10]
    assert totals.loc[("victim_group", "fighters"), ["low", "high"]].tolist() == [4, 6]
    assert totals.loc[("nationality", "TUR"), ["low", "high"]].tolist() == [33, 34]
    # per source: what that source itself said
    assert totals.loc[("claimant", "SOHR"), ["low", "high"]].tolist() == [36, 36]
    assert totals.loc[("claimant", "Hatay governor"), ["low", "high"]].tolist() == [33, 33]
    assert totals.loc[("claimant", "White Helmets"), ["low", "high"]].tolist() == [5, 8]


def test_conflicting_claims_side_by_side():
    summary = cm.query_casualty_summary(REPORTS)
    conflicts = summary.conflicts
    assert len(conflicts) == 2  # Balyun soldiers and Saraqib fighters; single reports are no conflict
    balyun = conflicts.iloc[0]
    assert (balyun["low"], balyun["high"]) == (33, 34)
    assert [(c["claimant"], c["low"]) for c in balyun["claims"]] == [("Hatay governor", 33), ("SOHR", 34)]
    table = cm.compute_claims_table(conflicts)
    assert table.iloc[0]["Claims (source: deaths)"] == "Hatay governor: 33  ·  SOHR: 34"
    assert table.iloc[0][["Counted (lowest)", "Highest"]].tolist() == [33, 34]
    assert table.iloc[1]["Claims (source: deaths)"] == "AFP: 4  ·  Reuters: 6"


def test_running_totals_are_listed_apart():
    summary = cm.query_casualty_summary(REPORTS)
    assert summary.running[["low", "victim_group", "claimant"]].values.tolist() == [[380, "civilians", "SOHR"]]
    assert 380 not in summary.daily["low"].tolist()


def test_cumulative_deaths_by_hand():
    summary = cm.query_casualty_summary(REPORTS)
    cumulative = cm.compute_cumulative(summary.daily)
    assert cumulative["day"].dt.strftime("%Y-%m-%d").tolist() == ["2020-02-03", "2020-02-11", "2020-02-27"]
    assert cumulative["low"].tolist() == [4, 9, 44]
    assert cumulative["high"].tolist() == [6, 14, 50]


def test_without_linking_unlinked_reports_stand_alone(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(incident_sql, "LINK_LIMIT", 1)
    summary = cm.query_casualty_summary(REPORTS)
    total = summary.totals.set_index(["dim", "label"]).loc[("all", "all")]
    assert (total["low"], total["high"]) == (50, 54)  # 4 and 6 both counted: 44 + 6, 50 + 4
    assert summary.notes and "3 reports without an incident id" in summary.notes[0]


def test_totals_table_shows_ranges():
    table = cm.compute_totals_table(cm.query_casualty_summary(REPORTS).totals, "victim_group")
    assert dict(zip(table["Group"], table["Deaths (range)"], strict=False)) == {
        "soldiers": "33–34", "civilians": "7–10", "fighters": "4–6"}


def test_reports_table_and_empty_input():
    reports = cm.query_casualty_reports(REPORTS)
    assert len(reports) == 7 and set(reports["victim_group"]) == {"soldiers", "civilians", "fighters"}
    empty = cm.query_casualty_summary(REPORTS.iloc[0:0])
    assert empty.conflicts.empty and empty.running.empty
