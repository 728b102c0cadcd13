"""AppTest of the Timeline page: charts drawn from the shipped data, the ultimatum's deadline
marker, the February 2020 peak, and the shared filters taken from the link."""

import base64
import json
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from conflict_monitor.store.factory import open_store
from tests.conftest import run_dashboard

PAGE = "pages/timeline.py"


def _run(query=None):
    return run_dashboard(query, PAGE)


def _figures(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _values(array):
    """A trace's x or y: plotly sends numeric arrays as typed arrays (dtype + base64 bdata)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _drop_deadlines(store_path: Path) -> None:
    """A store whose ultimatums carry no deadline (as before the extractor read one)."""
    open_store(str(store_path)).close()
    con = duckdb.connect(str(store_path))
    try:
        con.execute("UPDATE events SET deadline = NULL")
        con.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")  # as any write does
    finally:
        con.close()


def test_timeline_draws_index_events_and_pairs(store_path):
    at = _run()  # the shipped data: the AFP article's ultimatum runs to the end of February 2020
    assert not at.exception
    assert at.title[0].value == "Timeline"
    escalation, events, pairs, control = _figures(at)  # control: the strip of issue 15
    assert any(t["name"] == "Syrian government gained" for t in control["data"])
    bars = escalation["data"][0]
    # the peak of the index is in February 2020 (the weeks of the Idlib escalation)
    ys = _values(bars["y"])
    peak = pd.Timestamp(_values(bars["x"])[ys.index(max(ys))])
    assert (peak.year, peak.month) == (2020, 2)
    texts = [a.get("text", "") for a in escalation["layout"]["annotations"]]
    assert "deadline 2020-02-29" in texts
    assert any("33–34 killed" in t for t in texts)  # Balyun, both claims
    names = [t.get("name") for t in escalation["data"]]
    assert "Ultimatum deadlines" in names and "Ceasefires" in names
    assert any("large increase" in (n or "") for n in names)
    assert escalation["layout"]["shapes"][0]["x0"].startswith("2020-02-29")
    assert events["layout"]["barmode"] == "stack"
    assert any("Turkish forces" in a.get("text", "") for a in pairs["layout"]["annotations"])
    captions = " ".join(c.value for c in at.caption)
    assert "Sources: Reference timeline (reference" in captions and "Filters: no filters" in captions


def test_timeline_follows_the_link_filters(store_path):
    at = _run({"actor": "Turkey"})
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "actors: Turkey" in captions
    escalation = _figures(at)[0]
    assert any("actors: Turkey" in a.get("text", "") for a in escalation["layout"]["annotations"])
    assert "deadline 2020-02-29" in [a.get("text") for a in escalation["layout"]["annotations"]]
    assert at.query_params["actor"] == "Turkey"


def test_ultimatum_without_deadline_is_said_not_drawn(store_path):
    _drop_deadlines(store_path)
    at = _run()
    assert not at.exception
    assert "no recorded deadline" in " ".join(c.value for c in at.caption)
    escalation = _figures(at)[0]
    assert not any("deadline 20" in (a.get("text") or "") for a in escalation["layout"]["annotations"])


def test_timeline_period_and_stack_controls(store_path):
    at = _run({"from": "2020-02-01", "to": "2020-03-15"})
    assert not at.exception
    assert at.get("button_group")[0].proto.default == [0]  # six weeks of data: 'day' by default
    assert at.get("button_group")[1].proto.options  # the stack control exists
    at.session_state["tl_period"] = "month"
    at.session_state["tl_stack"] = "ACLED type"
    at.run()
    assert not at.exception
    events = _figures(at)[1]
    assert events["layout"]["title"]["text"] == "Incidents per month, by ACLED type"
    assert {t["name"] for t in events["data"]} >= {"Battles", "Strategic developments"}


def test_timeline_with_nothing_to_show(store_path):
    at = _run({"actor": "Turkey", "type": "Protests"})
    assert not at.exception
    assert "No events match" in at.info[0].value


def test_timeline_counts_each_incident_once(store_path):
    """Balyun is in the reference timeline and in the AFP article: two reports, one incident,
    one unit on the 'Incidents over time' bars, whose hover gives both reports."""
    day = "2020-02-27"
    rows = open_store(str(store_path)).query_sql(
        "SELECT event_id, incident_id FROM events WHERE event_date = ? "
        "AND NOT coalesce(is_running_total, false)", [day])
    incidents = rows["incident_id"].fillna(rows["event_id"]).nunique()
    assert len(rows) > incidents  # the shipped data does report one incident twice that day
    at = _run({"from": day, "to": day})
    assert not at.exception
    events = _figures(at)[1]
    assert sum(sum(_values(t["y"])) for t in events["data"]) == incidents
    assert sum(c[3] for t in events["data"] for c in t["customdata"]) == len(rows)
