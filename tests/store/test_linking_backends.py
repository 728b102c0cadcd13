"""Linking and counting incidents in a store, on both backends (issue 19, items 1-3 and 11).

Small stores built by hand: separate daily events stay separate, an incident never spans more
than its window, a report without actors never fuses two incidents, an incident reported by an
article and by UCDP counts its deaths once, and the Overview counts incidents as the Timeline.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from conflict_monitor.importers import import_file
from conflict_monitor.metrics import casualties as cm
from conflict_monitor.metrics import timeline as tm
from conflict_monitor.metrics.key_figures import compute_key_figures
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.model.schema import validate_event
from conflict_monitor.store.factory import open_store
from tests.store.test_backends import _event, _incident_counts, store_location  # noqa: F401

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SARAQIB = dict(location="Saraqib", latitude=35.86, longitude=36.80)
SYRIA_VS_REBELS = dict(actor1="Military Forces of Syria (2000-)", actor1_country="SYR",
                       actor2="Opposition Rebels (Syria)", actor2_country="SYR",
                       event_type="Battles", sub_event_type="Armed clash")


def _import(store, *rows: dict) -> None:
    """Import rows the way a data file is imported: stored, then linked."""
    store.import_batches([pd.DataFrame([validate_event(r) for r in rows])])


def _incidents(store) -> dict[str, list[str]]:
    rows = store.query_sql("SELECT event_id, incident_id, event_date FROM events ORDER BY event_id")
    return rows.groupby("incident_id")["event_date"].apply(lambda d: sorted(d.dt.date)).to_dict()


def _acled(day: int, deaths: int) -> dict:
    return _event(event_date=f"2020-02-{day:02d}", origin="acled", source="ACLED",
                  source_event_id=f"SYR{day}", fatalities=deaths, **SARAQIB, **SYRIA_VS_REBELS)


def test_daily_rows_of_one_dataset_are_separate_incidents(store_location):  # noqa: F811
    """Issue 19, item 1: four ACLED rows at Saraqib on 1-4 February were one incident, 3-10."""
    store = open_store(seed_if_new=False)
    _import(store, *(_acled(day, deaths) for day, deaths in zip((1, 2, 3, 4), (10, 5, 7, 3), strict=False)))
    figures = compute_key_figures(store)
    assert (figures.incidents, figures.fatalities_low, figures.fatalities_high) == (4, 25, 25)
    assert int(tm.query_daily(store)["incidents"].sum()) == 4
    assert sorted(n for _, n in _incident_counts(store).values()) == [1, 1, 1, 1]
    assert cm.query_casualty_summary(store).conflicts.empty  # no "conflicting claim" either


def test_reports_from_other_origins_do_not_chain_days(store_location):  # noqa: F811
    """A GDELT and an article report each day: each joins its own day's ACLED row, and no
    incident spans more than its day window, however the reports arrive."""
    store = open_store(seed_if_new=False)
    _import(store, *(_event(event_date=f"2020-02-0{day}", origin="gdelt", source="GDELT",
                            fatalities=deaths, **SARAQIB, **SYRIA_VS_REBELS)
                     for day, deaths in zip((1, 2, 3, 4), (11, 5, 8, 3), strict=False)))
    _import(store, *(_acled(day, deaths) for day, deaths in zip((1, 2, 3, 4), (10, 5, 7, 3), strict=False)))
    _import(store, *(_event(event_date=f"2020-02-0{day}", origin="extracted", source="AFP",
                            fatalities=None, **SARAQIB, **SYRIA_VS_REBELS) for day in (1, 2, 3, 4)))
    incidents = _incidents(store)
    assert sorted(incidents.values()) == [[dt.date(2020, 2, d)] * 3 for d in (1, 2, 3, 4)]
    figures = compute_key_figures(store)
    assert (figures.incidents, figures.fatalities_low, figures.fatalities_high) == (4, 25, 27)
    assert sorted(n for _, n in _incident_counts(store).values()) == [3] * 12


def test_a_week_report_joins_one_day_and_never_spans_more(store_location):  # noqa: F811
    """With week precision the chains grew longer: a week report matches every day's row but
    may join only one incident."""
    store = open_store(seed_if_new=False)
    _import(store, *(_acled(day, 1) for day in range(1, 15)))
    _import(store, _event(event_date="2020-02-07", date_precision="week", origin="gdelt",
                          source="GDELT", fatalities=1, **SARAQIB, **SYRIA_VS_REBELS))
    incidents = _incidents(store)
    assert len(incidents) == 14
    assert [days for days in incidents.values() if len(days) > 1] == [[dt.date(2020, 2, 7)] * 2]


def test_a_report_without_actors_never_fuses_two_incidents(store_location):  # noqa: F811
    """Issue 19, item 3: at Saraqib on one day, Turkey -> Syrian government (1 incident),
    Russia -> HTS (2), then a kill report with no actors: still 2."""
    store = open_store(seed_if_new=False)
    day = dict(event_date="2020-02-03", **SARAQIB)
    _import(store, _event(actor1="Turkish forces", actor1_country="TUR",
                          actor2="Syrian government forces", actor2_country="SYR", **day))
    assert compute_key_figures(store).incidents == 1
    _import(store, _event(actor1="Russian forces", actor1_country="RUS",
                          actor2="Hayat Tahrir al-Sham", actor2_country="SYR", fatalities=5, **day))
    assert compute_key_figures(store).incidents == 2
    _import(store, _event(actor1=None, actor1_country=None, actor2=None, actor2_country=None,
                          fatalities=4, source="Other", **day))
    assert compute_key_figures(store).incidents == 2
    assert sorted(n for _, n in _incident_counts(store).values()) == [1, 2, 2]


def test_an_incident_from_an_article_and_ucdp_counts_once(store_location):  # noqa: F811
    """Issue 19, item 2: the shipped store says Balyun 27 Feb 2020 was 1 incident, 33-34
    deaths ("Turkish soldiers"); UCDP's row of it has no victims text and was totalled again
    (66-70). It joins the known victims: the lowest report stays 33."""
    store = open_store()
    flt = EventFilter(date_from=dt.date(2020, 2, 27), date_to=dt.date(2020, 2, 28))
    before = compute_key_figures(store, flt)
    assert (before.incidents, before.fatalities_low, before.fatalities_high) == (1, 33, 34)
    import_file(store, FIXTURES / "ucdp_ged_sample.csv")
    after = compute_key_figures(store, flt)
    highest = int(store.query_events(flt)["fatalities_high"].max())  # UCDP's own high estimate
    assert (after.events, after.incidents, after.fatalities_low, after.fatalities_high) == \
        (3, 1, 33, max(34, highest))


@pytest.mark.parametrize("flt", [EventFilter(), EventFilter(actions=("kill", "attack")),
                                 EventFilter(date_from=dt.date(2020, 2, 1))],
                         ids=lambda f: f.describe())
def test_overview_counts_incidents_as_the_timeline(store_location, flt):  # noqa: F811
    """Issue 19, item 11: the Overview counted running totals as incidents (53 vs 45)."""
    store = open_store()
    figures = compute_key_figures(store, flt)
    assert figures.running_total_reports > 0
    assert figures.incidents == int(tm.query_daily(store, flt)["incidents"].sum())


def test_a_store_linked_by_the_old_rule_is_relinked_when_opened(store_location):  # noqa: F811
    """A store whose ids chained the Saraqib days into one incident (rule 1) is relinked once,
    with its report counts, when a version with the new rule opens it."""
    store = open_store(seed_if_new=False)
    _import(store, *(_acled(day, deaths) for day, deaths in zip((1, 2, 3, 4), (10, 5, 7, 3), strict=False)))
    ids = store.query_sql("SELECT event_id FROM events")["event_id"]
    store.update_incident_ids({e: "inc-0000000000000000" for e in ids})
    with store._transaction() as con:  # what a store made before the rule was recorded holds
        store._execute(con, "DELETE FROM meta WHERE key = 'link_rule'")
    assert compute_key_figures(store).incidents == 1
    reopened = open_store(seed_if_new=False)
    assert compute_key_figures(reopened).incidents == 4
    assert sorted(n for _, n in _incident_counts(reopened).values()) == [1, 1, 1, 1]
    version = reopened.data_version()
    assert open_store(seed_if_new=False).data_version() == version  # once only
