"""Key figures on a hand-made table: incidents counted once at their lowest report."""

import datetime as dt

from conflict_monitor.metrics.key_figures import compute_key_figures
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.factory import open_store


def _row(**kw):
    base = {"event_date": "2020-02-27", "action": "kill", "origin": "manual", "actor1": "A",
            "actor2": "B", "location": "Balyun"}
    base.update(kw)
    return base


def test_key_figures_by_hand(store_path):
    store = open_store(seed_if_new=False)
    store.upsert_events([
        _row(fatalities=33, reported_by="governor", incident_id="i1"),
        _row(fatalities=34, reported_by="SOHR", incident_id="i1"),
        _row(fatalities=4, fatalities_high=8, location="Saraqib", event_date="2020-02-03"),
        _row(fatalities=380, is_running_total=True, location="Idlib", actor2="civilians",
             event_date="2020-02-13"),
        _row(action="consult", actor1="C", actor2=None, event_date="2020-02-12", location="Ankara"),
    ])
    figures = compute_key_figures(store)
    # 33..34 for Balyun (one incident), 4..8 for Saraqib; the running total is not added
    assert (figures.fatalities_low, figures.fatalities_high) == (37, 42)
    # a running total is a tally over many incidents, not one (issue 19, item 11)
    assert figures.events == 5 and figures.incidents == 3 and figures.running_total_reports == 1
    assert figures.actors == 4  # A, B, civilians, C
    assert (figures.first_date, figures.last_date) == (dt.date(2020, 2, 3), dt.date(2020, 2, 27))
    only_feb3 = compute_key_figures(store, EventFilter(date_to=dt.date(2020, 2, 3)))
    assert (only_feb3.events, only_feb3.fatalities_low, only_feb3.fatalities_high) == (1, 4, 8)


def test_empty_selection(store_path):
    figures = compute_key_figures(open_store(seed_if_new=False))
    assert figures.events == 0 and figures.first_date is None and figures.fatalities_high == 0
