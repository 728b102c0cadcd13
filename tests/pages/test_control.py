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
