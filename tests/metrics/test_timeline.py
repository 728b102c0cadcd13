"""Timeline metrics on small hand-computed tables."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics.event_sql import run_event_sql
from conflict_monitor.model.filters import EventFilter, compute_where


def ev(event_id, day, action, goldstein, **extra):
    return {"event_id": event_id, "event_date": dt.date.fromisoformat(day), "action": action,
            "goldstein": goldstein, "event_type": extra.pop("event_type", "Battles"),
            "is_running_total": extra.pop("running", False), **extra}


EVENTS = pd.DataFrame([
    ev("a", "2020-01-06", "attack", -10.0, actor1="Syrian government forces", actor2="Turkish forces"),
    ev("b", "2020-01-06", "threaten", -7.0, actor1="Turkey", actor2="Syrian government forces",
       event_type="Strategic developments"),
    ev("c", "2020-01-06", "consult", 1.0, actor1="Russia", actor2="Turkey",
       event_type="Strategic developments"),
    ev("d", "2020-01-07", "ceasefire", 9.0, actor1="Russia", actor2="Turkey",
       event_type="Strategic developments"),
    ev("e", "2020-01-08", "kill", -10.0, running=True, fatalities=380),  # a tally: left out
    ev("f", "2020-01-13", "kill", -10.0, actor1="Turkish forces", actor2="Syrian government forces",
       fatalities=5),
])


def test_daily_and_escalation_index_by_hand():
    daily = tm.query_daily(EVENTS)
    # 6 Jan: |-10| + |-7| = 17 (the consultation, +1, is not conflictual); the tally is left out
    per_day = tm.compute_daily_index(daily)
    assert per_day["intensity"].tolist() == [17.0, 0.0, 0.0, 0, 0, 0, 0, 10.0]
    assert per_day["incidents"].tolist()[:2] == [3, 1]
    assert per_day["rolling_7d"].iloc[1] == pytest.approx(8.5)
    assert per_day["rolling_7d"].iloc[7] == pytest.approx(10 / 7)  # 7-12 Jan quiet, 13 Jan 10
    weekly = tm.compute_escalation_index(daily, "week")
    assert weekly["period"].dt.strftime("%Y-%m-%d").tolist() == ["2020-01-06", "2020-01-13"]
    assert weekly["intensity"].tolist() == [17.0, 10.0]
    assert weekly["conflict_incidents"].tolist() == [2, 1]


def test_period_counts_stack_by_action_or_type():
    daily = tm.query_daily(EVENTS)
    by_action = tm.compute_period_counts(daily, "month", "action")
    assert dict(zip(by_action["category"], by_action["incidents"], strict=False)) == {
        "attack": 1, "threaten": 1, "consult": 1, "ceasefire": 1, "kill": 1}
    by_type = tm.compute_period_counts(daily, "month", "event_type")
    counts = dict(zip(by_type["category"], by_type["incidents"], strict=True))
    assert counts == {"Battles": 2, "Strategic developments": 3}


def _weekly_daily(values, events):
    """A daily table with one row per Monday: the week's index and conflictual events."""
    mondays = pd.date_range("2020-01-06", periods=len(values), freq="7D")
    return pd.DataFrame({"day": mondays, "action": "attack", "event_type": "Battles",
                         "incidents": events, "conflict_incidents": events, "intensity": values})


def test_weekly_change_flags_more_than_25_percent_over_four_week_mean():
    daily = _weekly_daily([10, 10, 10, 10, 13, 12.5, 12.4], [3, 3, 3, 3, 6, 6, 6])
    weekly = tm.compute_weekly_change(daily, end="2020-02-23")
    # week 5: 13 > 1.25 * mean(10,10,10,10)=12.5 -> flagged (+30 %)
    # week 6: 12.5 vs 1.25 * mean(10,10,10,13)=13.44 -> not flagged
    assert weekly["flagged"].tolist() == [False, False, False, False, True, False, False]
    assert weekly["change"].iloc[4] == pytest.approx(0.30)
    assert weekly["baseline"].iloc[5] == pytest.approx(10.75)
    assert weekly["baseline"].iloc[:4].isna().all()  # no four weeks before: never flagged


def test_weekly_change_low_baseline_is_limited_change_as_in_acled():
    quiet = tm.compute_weekly_change(_weekly_daily([2, 2, 2, 2, 9], [1, 1, 1, 1, 5]), end="2020-02-09")
    assert not quiet["flagged"].any()  # baseline 1 event a week, 5 this week
    busy = tm.compute_weekly_change(_weekly_daily([0, 0, 0, 0, 60], [0, 0, 0, 0, 6]), end="2020-02-09")
    assert busy["flagged"].tolist() == [False] * 4 + [True]  # from nothing to 6 events
    assert pd.isna(busy["change"].iloc[4])


def test_choose_default_period():
    assert tm.choose_default_period(dt.date(2020, 1, 1), dt.date(2020, 3, 1)) == "day"
    assert tm.choose_default_period(dt.date(2018, 9, 17), dt.date(2020, 3, 15)) == "week"
    assert tm.choose_default_period(dt.date(2015, 1, 1), dt.date(2020, 1, 1)) == "month"


def test_key_events_one_row_per_incident_and_deadline():
    frame = pd.DataFrame([
        ev("g1", "2020-02-27", "kill", -10.0, fatalities=33, fatalities_high=33, incident_id="balyun",
           location="Balyun"),
        ev("g2", "2020-02-27", "kill", -10.0, fatalities=34, fatalities_high=34, incident_id="balyun",
           location="Balyun"),
        ev("h", "2020-02-03", "kill", -10.0, fatalities=6, location="Saraqib"),
        ev("u", "2020-02-13", "ultimatum", -7.0, deadline=dt.date(2020, 2, 29)),
        ev("s", "2020-03-05", "ceasefire", 9.0),
        ev("r", "2020-02-13", "kill", -10.0, fatalities=380, running=True),
    ])
    key = tm.query_key_events(frame, top_n=5)
    deaths = key[key["kind"] == "deaths"]
    assert deaths["event_id"].tolist() == ["g2", "h"]  # the tally is no incident
    assert deaths[["fatalities_low", "fatalities"]].iloc[0].tolist() == [33, 34]
    ultimatum = key[key["kind"] == "ultimatum"].iloc[0]
    assert ultimatum["deadline"] == pd.Timestamp("2020-02-29")
    assert key[key["kind"] == "ceasefire"]["event_id"].tolist() == ["s"]


def test_pairs_are_unordered_and_ranked():
    pair_daily = tm.query_pair_daily(EVENTS, top_n=2)
    pairs = tm.compute_pair_index(pair_daily, "week")
    totals = pairs.groupby("pair")["intensity"].sum().to_dict()
    # attack (10) and the Turkish kill (10) share one pair; the threat (7) is another
    assert totals == {"Syrian government forces ↔ Turkish forces": 20.0,
                      "Syrian government forces ↔ Turkey": 7.0}
    assert pairs["pair"].iloc[0] == "Syrian government forces ↔ Turkish forces"


def test_filters_apply_to_frames_too_and_samples_list_the_gravest():
    daily = tm.query_daily(EVENTS, EventFilter(actors=("Turkey",)))
    assert sorted(daily["action"]) == ["ceasefire", "consult", "threaten"]
    samples = tm.query_period_samples(EVENTS, None, "week", per_period=1)
    assert samples.groupby("period")["event_id"].first().tolist() == ["a", "f"]


def test_period_events_behind_a_selection():
    picks = [("2020-01-06", "threaten")]
    chosen = tm.query_period_events(EVENTS, None, "week", picks, stack_col="action", event_ids=["f"])
    assert sorted(chosen["event_id"]) == ["b", "f"]
    with pytest.raises(ValueError):
        tm.query_period_events(EVENTS, None, "week", picks, stack_col="evidence; DROP TABLE events")


class _SqlOnlyBackend:
    """A store that is not DuckDB: it answers SQL itself (here an in-memory DuckDB over a frame)
    and must never be asked to hand over its events."""

    def __init__(self, frame):
        self.frame, self.sql = frame, []

    def query_sql(self, sql, params=()):
        self.sql.append(sql)
        return run_event_sql(self.frame, sql, params)

    def query_events(self, *_, **__):
        raise AssertionError("metrics must not fetch every event of a store")


def test_other_backends_answer_the_sql_themselves():
    store = _SqlOnlyBackend(EVENTS)
    flt = EventFilter(actors=("Turkey",))
    assert tm.query_daily(store, flt).equals(tm.query_daily(EVENTS, flt))
    assert len(tm.query_key_events(store, flt)) == len(tm.query_key_events(EVENTS, flt))
    tm.query_period_samples(store, flt, "week")
    tm.query_pair_daily(store, flt)
    joined = " ".join(store.sql).upper()
    for duckdb_only in ("GROUP BY ALL", "QUALIFY", "MAX_BY", "ANY_VALUE", "::"):
        assert duckdb_only not in joined


# One strike on Balyun reported three times (AFP's article, ACLED, GDELT), a day apart at most,
# and one other strike reported once.
MIXED = pd.DataFrame([
    ev("afp", "2020-02-27", "kill", -10.0, incident_id="balyun", origin="extracted",
       actor1="Syrian government forces", actor2="Turkish forces", fatalities=33),
    ev("acled", "2020-02-28", "kill", -10.0, incident_id="balyun", origin="acled",
       actor1="Syrian government forces", actor2="Turkish forces", fatalities=34),
    ev("gdelt", "2020-02-27", "attack", -9.0, incident_id="balyun", origin="gdelt",
       actor1="Turkish forces", actor2="Syrian government forces", event_type=None),
    ev("saraqib", "2020-02-28", "attack", -9.0, origin="acled",
       actor1="Turkish forces", actor2="Syrian government forces"),
])


def test_timeline_counts_incidents_not_reports():
    daily = tm.query_daily(MIXED)
    assert (daily["incidents"].sum(), daily["reports"].sum()) == (2, 4)
    per_day = tm.compute_daily_index(daily).set_index("day")
    # Balyun once, on its earliest report's day, with its gravest weight (10, not 10 + 10 + 9)
    assert per_day.loc["2020-02-27", ["incidents", "intensity"]].tolist() == [1, 10.0]
    assert per_day.loc["2020-02-28", ["incidents", "intensity"]].tolist() == [1, 9.0]
    by_type = tm.compute_period_counts(daily, "week", "event_type")
    assert by_type.set_index("category")["incidents"].to_dict() == {"Battles": 2}
    pairs = tm.compute_pair_index(tm.query_pair_daily(MIXED), "week")
    assert pairs["intensity"].sum() == 19.0  # one pair: Balyun (10) and Saraqib (9)


def test_an_incident_counts_when_any_of_its_reports_passes_the_filter():
    acled_only = tm.query_daily(MIXED, EventFilter(origins=("acled",)))
    assert acled_only.groupby("day")["incidents"].sum().to_dict() == {
        pd.Timestamp("2020-02-28"): 2}  # ACLED dates Balyun a day later: its report is the one seen
    gdelt_only = tm.query_daily(MIXED, EventFilter(origins=("gdelt",)))
    assert (gdelt_only["incidents"].sum(), gdelt_only["reports"].sum()) == (1, 1)


def test_hover_samples_name_an_incident_once():
    samples = tm.query_period_samples(MIXED, None, "week", per_period=2)
    assert len(samples) == 2
    assert samples["event_id"].tolist()[1] == "saraqib"  # not a second report of Balyun


def test_incident_counts_match_a_recount_under_random_filters():
    """Against a brute-force recount in pandas: filter the reports, keep one row per incident."""
    rng = np.random.default_rng(7)
    n = 400
    frame = pd.DataFrame({
        "event_id": [f"r{i}" for i in range(n)],
        "event_date": pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D"),
        "action": rng.choice(["attack", "kill", "threaten", "consult"], n),
        "goldstein": rng.choice([-10.0, -9.0, -7.0, 1.0], n),
        "actor1": rng.choice(["Russia", "Turkey", "Syrian government forces"], n),
        "actor2": rng.choice(["Turkish forces", "HTS"], n),
        "origin": rng.choice(["acled", "gdelt", "extracted"], n),
        "incident_id": np.where(rng.random(n) < 0.6, [f"i{k}" for k in rng.integers(0, 80, n)], None),
        "is_running_total": rng.random(n) < 0.03,
    })
    for flt in (EventFilter(), EventFilter(origins=("acled", "gdelt")), EventFilter(actors=("Turkey",)),
                EventFilter(date_from=dt.date(2020, 1, 20), date_to=dt.date(2020, 2, 10))):
        where, params = compute_where(flt)
        passed = run_event_sql(frame, f"SELECT event_id FROM events WHERE {where}", params)
        seen = frame[frame["event_id"].isin(passed["event_id"]) & ~frame["is_running_total"]]
        incident = seen["incident_id"].where(seen["incident_id"].notna(), seen["event_id"])
        first_day = seen.groupby(incident)["event_date"].min()
        gravest = seen.groupby(incident)["goldstein"].min()
        daily = tm.query_daily(frame, flt)
        assert daily.groupby("day")["incidents"].sum().to_dict() == first_day.value_counts().to_dict()
        assert daily["reports"].sum() == len(seen)
        assert daily["intensity"].sum() == pytest.approx(-gravest[gravest < 0].sum())
