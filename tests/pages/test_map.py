"""AppTest of the Map page: renders with and without link parameters, keeps ?asof in the URL."""


from tests.conftest import run_dashboard

PAGE = "pages/map.py"


def _run_map(query=None):
    return run_dashboard(query, PAGE)


def _caption_text(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_map_page_without_parameters(store_path):
    at = _run_map()
    assert not at.exception
    assert at.title[0].value == "Map of Idlib"
    # default day: the latest event (2020-03-15); every post is placed, 8 encircled by then
    assert str(at.slider(key="map_asof").value) == "2020-03-15"
    assert "12 posts" in _caption_text(at) and "8 encircled" in _caption_text(at)
    assert at.query_params["asof"] == "2020-03-15"
    assert not at.sidebar.warning


def test_map_page_with_asof_and_filters(store_path):
    at = _run_map({"asof": "2020-02-13", "action": ["kill"]})
    assert not at.exception
    assert str(at.slider(key="map_asof").value) == "2020-02-13"
    text = _caption_text(at)
    assert "12 posts" in text and "5 encircled" in text and "7 active" in text
    assert at.query_params["asof"] == "2020-02-13"
    assert at.query_params["action"] == "kill"  # the sidebar's parameters stay beside asof
    assert not at.sidebar.warning  # asof is the page's own key, not an unknown filter


def test_stepping_the_date_updates_posts_and_url(store_path):
    at = _run_map({"asof": "2019-08-22"})
    assert "0 encircled" not in _caption_text(at) and "encircled" not in _caption_text(at)
    at.button(key="map_step_1 day on").click().run()
    assert not at.exception
    assert str(at.slider(key="map_asof").value) == "2019-08-23"
    assert "1 encircled" in _caption_text(at)  # Morek
    assert at.query_params["asof"] == "2019-08-23"
    at.button(key="map_step_Next day a post changed status").click().run()
    assert str(at.slider(key="map_asof").value) == "2019-12-23"  # Surman
    assert "2 encircled" in _caption_text(at)


def test_bad_asof_is_ignored_with_a_notice(store_path):
    at = _run_map({"asof": "someday"})
    assert not at.exception
    assert any("asof=someday" in w.value for w in at.warning)
    assert str(at.slider(key="map_asof").value) == "2020-03-15"


def _reply(zoom, south, west, north, east):
    """What st_folium returns after the browser moved the map."""
    return {"zoom": zoom, "last_object_clicked": None,
            "bounds": {"_southWest": {"lat": south, "lng": west}, "_northEast": {"lat": north, "lng": east}}}


def test_a_busy_store_draws_cells_a_small_pan_keeps_them_and_a_close_up_draws_events(tmp_path, monkeypatch):
    from conflict_monitor.bench.synthetic import load_synthetic_store

    path = tmp_path / "busy.duckdb"
    load_synthetic_store(path, 25_000).close()
    monkeypatch.setenv("CONFLICT_MONITOR_DB", str(path))
    at = _run_map({"asof": "2020-12-31"})
    assert not at.exception
    # the 25,000 alone: the synthetic store holds an article, so no first start adds the source
    # article's events (bench.synthetic.make_bench_article)
    assert "25,000 events in and around the view, counted per grid cell" in _caption_text(at)
    area = at.session_state["map_drawn_area"]
    assert area.zoom == 9

    at.session_state["idlib_map"] = _reply(9, 35.4, 36.2, 36.2, 37.3)  # a small pan at the same zoom
    at.run()
    assert not at.exception
    assert at.session_state["map_drawn_area"] == area

    at.session_state["idlib_map"] = _reply(14, 35.925, 36.62, 35.94, 36.65)  # close up on Idlib city
    at.run()
    assert not at.exception
    text = _caption_text(at)
    assert "counted per grid cell" not in text and " events in and around the view." in text
    assert at.session_state["map_drawn_area"].zoom == 14


def test_the_cells_are_counted_while_the_control_is_computed(store_path, monkeypatch):
    import threading

    import ui.control as control_ui
    import ui.map_view as map_view

    counting, counts = threading.Event(), []
    real_count, real_control = map_view.query_cell_counts, control_ui.query_control_state

    def count(*args, **kwargs):
        counts.append(kwargs.get("category"))
        counting.set()
        return real_count(*args, **kwargs)

    def control(*args, **kwargs):
        # the page's count of the cells has begun before the control's query runs
        if not counting.wait(timeout=30):
            raise AssertionError("the cells were not being counted while the control was computed")
        return real_control(*args, **kwargs)

    monkeypatch.setattr(map_view, "query_cell_counts", count)
    monkeypatch.setattr(control_ui, "query_control_state", control)
    for cached in (map_view.load_cell_counts, map_view._count_cells_in_thread, control_ui.load_control_state,
                   control_ui.load_control_as_of, control_ui.load_control_layer_parts):
        cached.clear()
    at = _run_map({"asof": "2020-02-13"})
    assert not at.exception
    assert "events in and around the view" in _caption_text(at)
    at.run()  # a rerun counts nothing again
    assert not at.exception and counts == ["action"]
