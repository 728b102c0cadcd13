"""AppTest: the Map page's control layer and caption, the Timeline's control strip."""

from __future__ import annotations

from tests.conftest import run_dashboard


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_map_shows_control_on_the_link_date(store_path):
    at = run_dashboard({"asof": "2020-02-28"}, "pages/map.py")
    assert not at.exception
    text = _captions(at)
    assert "Control of 27 places" in text
    assert "2 contested" not in text  # 28 Feb: no place contested that day
    assert "held by Syrian opposition" in text and "changed hands in the last 7 days" in text
    assert "approximate" in text
    assert at.query_params["asof"] == "2020-02-28"
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Download control on the date (GeoJSON)" in labels


def test_map_control_follows_the_date_and_the_source_filter(store_path):
    at = run_dashboard({"asof": "2020-02-27"}, "pages/map.py")
    assert "contested" in _captions(at)  # Saraqib: rebel claim vs Russian denial
    at = run_dashboard({"asof": "2020-02-28", "source": ["AFP"]}, "pages/map.py")
    assert not at.exception
    assert "No control claims under these filters." in _captions(at)


def test_timeline_has_the_control_strip(store_path):
    at = run_dashboard({"from": "2020-01-01"}, "pages/timeline.py")
    assert not at.exception
    assert any("Control changes" in s.value for s in at.subheader)
    assert "places gained and lost per week" in _captions(at)


def test_clicking_a_place_shows_its_whole_history_read_from_the_store(store_path, monkeypatch):
    # the history beside the map is read for the clicked place alone (control.groups); it is the
    # per-claim history: every report about the place under the filter, oldest first
    import streamlit as st

    import ui.map_view
    from conflict_monitor.control.events import query_control_claims
    from conflict_monitor.control.model import compute_place_history
    from conflict_monitor.model.filters import EventFilter
    from conflict_monitor.store.factory import open_store

    # AppTest runs no browser: st_folium answers with what the test put in its key
    monkeypatch.setattr(ui.map_view, "st_folium", lambda *args, **kwargs: st.session_state.get(kwargs["key"]))
    at = run_dashboard({"asof": "2020-02-28"}, "pages/map.py")
    at.session_state["idlib_map"] = {"zoom": 9, "bounds": None,
                                     "last_object_clicked": {"lat": 35.6433, "lng": 36.6714}}
    at.run()
    assert not at.exception
    assert any(s.value == "Maarat al-Numan" for s in at.subheader)
    shown = next(d.value for d in at.dataframe)
    expected = compute_place_history(query_control_claims(open_store(seed_if_new=False), EventFilter()),
                                     "maaratnuman")
    assert len(expected) >= 3
    assert [str(d) for d in shown["date"]] == [str(d) for d in expected["date"]]
    assert list(shown["claim"]) == list(expected["claim"])


def test_the_download_is_the_per_claim_control_of_the_day(store_path):
    # built only when the button is clicked (a callable), from the claims read back from the store
    import datetime as dt

    from conflict_monitor.control.events import query_control_claims
    from conflict_monitor.control.export import make_control_geojson, make_control_table
    from conflict_monitor.control.model import compute_control_as_of
    from conflict_monitor.model.filters import EventFilter
    from conflict_monitor.store.factory import open_store
    from ui.control import make_control_download

    assert not run_dashboard({"asof": "2020-02-28"}, "pages/map.py").exception  # the first start fills the store
    flt, day = EventFilter(), dt.date(2020, 2, 27)
    expected = make_control_geojson(make_control_table(compute_control_as_of(
        query_control_claims(open_store(seed_if_new=False), flt), day)))
    assert "Saraqib" in expected and "contested" in expected
    assert make_control_download(flt, "test-version", day) == expected
