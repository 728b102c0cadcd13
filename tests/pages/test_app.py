"""AppTest of the dashboard entry and the Overview and Events pages, with and without links."""

import pytest

from tests.conftest import metric_value, run_dashboard

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


def test_bad_config_explains_itself(monkeypatch):
    monkeypatch.setenv("CONFLICT_MONITOR_DB", "ftp://example.org/db")
    at = _run()
    assert not at.exception
    assert "ftp://" in at.error[0].value
    assert "CONFLICT_MONITOR_DB" in at.info[0].value
