"""AppTest of the Timeline page: charts drawn from the shipped data, the ultimatum's deadline
marker, the February 2020 peak, and the shared filters taken from the link."""

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd
from streamlit.testing.v1 import AppTest

from conflict_monitor.store import open_store

TIMEOUT = 120
DASHBOARD = str(Path(__file__).resolve().parent.parent / "dashboard.py")
PAGE = "pages/timeline.py"


def _run(query=None):
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    return at


def _figures(at):
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def _values(array):
    """A trace's x or y: plotly sends numeric arrays as typed arrays (dtype + base64 bdata)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def _add_deadline(store_path: Path) -> None:
    """The AFP article's ultimatum with its deadline (end of February 2020), as the extractor
    or the seed gives it; the page must draw any deadline present."""
    store = open_store(str(store_path))
    store.upsert_events([{
        "event_date": "2020-02-13", "date_precision": "week", "action": "ultimatum",
        "cameo_code": "139", "goldstein": -7.0, "event_type": "Strategic developments",
        "sub_event_type": "Other", "actor1": "Turkey", "actor1_country": "TUR",
        "actor2": "Syrian government forces", "actor2_country": "SYR", "source": "AFP",
        "origin": "manual", "deadline": "2020-02-29", "reported_by": "Erdogan",
        "evidence": "Erdogan has now given Damascus until the end of the month to push back its forces."}])


def test_timeline_draws_index_events_and_pairs(store_path):
    _add_deadline(store_path)
    at = _run()
    assert not at.exception
    assert at.title[0].value == "Timeline"
    escalation, events, pairs = _figures(at)
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
    # without the deadline in the data, the page says so instead of inventing one
    assert "no recorded deadline" in captions
    assert at.query_params["actor"] == "Turkey"


def test_timeline_period_and_stack_controls(store_path):
    at = _run({"from": "2020-02-01", "to": "2020-03-15"})
    assert not at.exception
    assert at.get("button_group")[0].proto.default == [0]  # six weeks of data: 'day' by default
    at.get("button_group")[1].proto  # stack control exists
    at.session_state["tl_period"] = "month"
    at.session_state["tl_stack"] = "ACLED type"
    at.run()
    assert not at.exception
    events = _figures(at)[1]
    assert events["layout"]["title"]["text"] == "Events per month, by ACLED type"
    assert {t["name"] for t in events["data"]} >= {"Battles", "Strategic developments"}


def test_timeline_with_nothing_to_show(store_path):
    at = _run({"actor": "Turkey", "type": "Protests"})
    assert not at.exception
    assert "No events match" in at.info[0].value
