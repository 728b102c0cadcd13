"""AppTest of the dashboard entry and the Overview and Events pages, with and without links."""

import datetime as dt

import pytest

from tests.conftest import metric_value, run_dashboard, shown_text

_run = run_dashboard
_metric = metric_value


def test_overview_without_parameters(store_path):
    at = _run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert int(_metric(at, "Events")) > 50
    low, high = _metric(at, "Fatalities").replace(",", "").split("–")
    assert int(low) <= int(high)
    assert len(at.dataframe) == 1  # latest events


def test_link_parameters_set_the_widgets_and_filter(store_path):
    at = _run({"actor": ["Russia"], "from": "2020-01-01", "action": ["ceasefire"]})
    assert not at.exception
    assert at.multiselect(key="f_actors").value == ["Russia"]
    assert at.multiselect(key="f_actions").value == ["ceasefire"]
    assert str(at.date_input(key="f_dates").value[0]) == "2020-01-01"
    assert int(_metric(at, "Events")) == 2  # the 12 Jan truce and the 5 Mar Moscow deal


def test_malformed_link_values_are_dropped_with_a_notice(store_path):
    at = _run({"actor": "Atlantis", "from": "yesterday", "zoom": "9"})
    assert not at.exception
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "Atlantis" in notices and "from=yesterday" in notices and "'zoom'" in notices
    assert at.multiselect(key="f_actors").value == []


def test_changing_a_widget_changes_the_url(store_path):
    at = _run()
    at.multiselect(key="f_actors").set_value(["Turkey"]).run()
    assert at.query_params["actor"] == "Turkey"
    at.multiselect(key="f_actions").set_value(["threaten"]).run()
    assert at.query_params["action"] == "threaten"


def test_switching_pages_keeps_the_filters(store_path):
    at = _run({"actor": "Turkey"})
    overview_count = int(_metric(at, "Events"))
    at.switch_page("pages/events.py").run()
    assert not at.exception
    assert at.query_params["actor"] == "Turkey"
    assert at.multiselect(key="f_actors").value == ["Turkey"]
    assert len(at.dataframe[0].value) == overview_count


@pytest.mark.parametrize("query", [{}, {"origin": "reference", "type": "Battles"}])
def test_events_page_lists_and_exports(store_path, query):
    at = _run(query, page="pages/events.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) > 0 and "evidence" in table.columns
    if query:
        assert set(table["origin"]) == {"reference"}
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download GeoJSON"]


def test_corrupt_store_offers_a_rebuild(store_path):
    store_path.write_bytes(b"\x00garbage" * 500)
    at = _run()
    assert not at.exception
    assert "cannot be used" in at.error[0].value
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    from conflict_monitor.store.audit import query_audit
    from conflict_monitor.store.factory import open_store

    store = open_store(str(store_path), seed_if_new=False)
    trail = query_audit(store)
    assert list(trail["action"]) == ["rebuild"] and list(trail["who"]) == ["anonymous"]
    assert "broken" in trail["detail"][0] and trail["row_count"][0] == store.count_events()


def test_read_only_mode_offers_no_rebuild(store_path, monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_READ_ONLY", "1")
    store_path.write_bytes(b"\x00garbage" * 500)
    at = _run()
    assert not at.exception
    assert "cannot be used" in at.error[0].value
    assert not at.button and "Ask an editor or admin" in at.info[0].value


def test_bad_config_explains_itself(monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", "ftp://example.org/db")
    at = _run()
    assert not at.exception
    assert "ftp://" in shown_text(at.error[0].value)
    assert "CONFLICT_MONITOR_DB" in at.info[0].value


def _share_link(at) -> str:
    return next(c.value for c in at.sidebar.code if "?" in c.value or c.value.startswith("http"))


def test_link_dates_at_the_data_edge_stay_in_the_link(store_path):
    """Issue 19.8: ?to=2020-03-15 (the data's last day) was dropped from the URL and from "Copy
    link", so the shared view widened when newer data arrived."""
    at = _run({"from": "2020-02-01", "to": "2020-03-15"})
    assert not at.exception
    assert (at.query_params["from"], at.query_params["to"]) == ("2020-02-01", "2020-03-15")
    assert "from=2020-02-01&to=2020-03-15" in _share_link(at)
    first = _run({"from": "2018-09-17"})  # the data's first day
    assert first.query_params["from"] == "2018-09-17" and "to" not in first.query_params


def test_a_day_the_user_picks_at_the_data_edge_stays_in_the_link(store_path):
    at = _run()
    assert "from" not in at.query_params and "to" not in at.query_params  # nothing chosen
    at.date_input(key="f_dates").set_value((dt.date(2020, 2, 1), dt.date(2020, 3, 15))).run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2020-02-01", "2020-03-15")
    at.date_input(key="f_dates").set_value((dt.date(2020, 1, 1), dt.date(2020, 3, 15))).run()
    assert (at.query_params["from"], at.query_params["to"]) == ("2020-01-01", "2020-03-15")
    assert "to=2020-03-15" in _share_link(at)


@pytest.mark.parametrize("query", [{"from": "2021-01-01"}, {"to": "2010-01-01"},
                                   {"from": "2021-01-01", "to": "2021-02-01"}])
def test_link_dates_outside_the_data_show_no_events(store_path, query):
    at = _run(query)
    assert not at.exception
    assert int(_metric(at, "Events")) == 0
    assert "No events in these dates" in " ".join(w.value for w in at.sidebar.warning)
    assert all(at.query_params[key] == value for key, value in query.items())
    at.switch_page("pages/events.py").run()
    assert not at.exception and at.info and "No events match" in at.info[0].value
