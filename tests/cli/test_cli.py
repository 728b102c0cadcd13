"""The command line: init-db, stats and export over the sidebar's filters."""

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conflict_monitor.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_help_lists_the_commands():
    out = subprocess.run([sys.executable, "-m", "conflict_monitor", "--help"], cwd=REPO,
                         capture_output=True, text=True, check=True).stdout
    for command in ("init-db", "stats", "export"):
        assert command in out


def test_init_db_and_stats(store_path, capsys):
    assert main(["init-db"]) == 0
    assert store_path.exists()
    assert main(["stats", "--origin", "reference"]) == 0
    out = capsys.readouterr().out
    assert "reference:" in out and "manual:" not in out


def test_export_csv_follows_filters(store_path, capsys):
    assert main(["export", "--format", "csv", "--actor", "Russia", "--from", "2020-01-01"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows, "expected Russia's 2020 events"
    assert all("Russia" in (r["actor1"], r["actor2"]) for r in rows)
    assert all(r["event_date"] >= "2020-01-01" for r in rows)


def test_export_geojson_to_a_file(store_path, tmp_path):
    out = tmp_path / "events.geojson"
    assert main(["export", "--format", "geojson", "--action", "encircle", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert data["type"] == "FeatureCollection"
    assert {f["properties"]["action"] for f in data["features"]} == {"encircle"}
    lon, lat = data["features"][0]["geometry"]["coordinates"]
    assert 35 < lon < 38 and 34 < lat < 37.5  # north-west Syria, lon/lat order


def test_bad_date_is_a_usage_error(store_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["export", "--from", "13/02/2020"])
    assert info.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_corrupt_store_is_a_message_not_a_traceback(store_path, capsys):
    store_path.write_bytes(b"\x00" * 4096)
    assert main(["stats"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "--rebuild" in err
    assert main(["init-db", "--rebuild"]) == 0
    assert main(["stats"]) == 0


def test_export_neutralises_formulas(store_path, capsys):
    from conflict_monitor.store.factory import open_store

    open_store().upsert_events([{"event_date": "2020-02-01", "action": "other", "origin": "manual",
                                 "actor1": "=HYPERLINK(\"http://evil\")", "evidence": "+cmd"}])
    assert main(["export", "--format", "csv", "--origin", "manual", "--from", "2020-02-01",
                 "--to", "2020-02-01"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["actor1"].startswith("'=") and rows[0]["evidence"] == "'+cmd"


def test_export_geojson_writes_iso_days_like_csv(store_path, tmp_path, capsys):
    """Issue 19.9: GeoJSON had "2020-02-01T00:00:00" where the CSV has 2020-02-01."""
    out = tmp_path / "events.geojson"
    assert main(["export", "--format", "geojson", "--action", "kill", "-o", str(out)]) == 0
    features = json.loads(out.read_text())["features"]
    assert features
    assert main(["export", "--format", "csv", "--action", "kill"]) == 0
    csv_days = {r["event_date"] for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    days = {f["properties"]["event_date"] for f in features}
    assert all(len(d) == 10 and dt.date.fromisoformat(d) for d in days), days
    assert days <= csv_days


def test_geojson_dates_are_iso_days():
    """Every date column (event_date, deadline, period_start) is written as an ISO day."""
    import pandas as pd

    from conflict_monitor.exporters.tables import make_geojson

    frame = pd.DataFrame({"event_date": pd.to_datetime(["2020-02-01", "2020-02-13"]),
                          "deadline": pd.to_datetime([None, "2020-02-29"]),
                          "latitude": [35.8, 35.9], "longitude": [36.6, 36.7]})
    props = [f["properties"] for f in make_geojson(frame)["features"]]
    assert props == [{"event_date": "2020-02-01", "deadline": None},
                     {"event_date": "2020-02-13", "deadline": "2020-02-29"}]


def test_stats_prints_the_overview_figures(store_path, capsys):
    """Issue 13: stats summed every report (2874) where the Overview says 142-155. It now calls
    the Overview's own function; the figures equal what the page loads, under filters too."""
    from conflict_monitor.model.filters import EventFilter
    from ui.loaders import load_key_figures

    cases = [([], EventFilter()),
             (["--from", "2020-02-01", "--action", "kill", "--action", "attack"],
              EventFilter(date_from=dt.date(2020, 2, 1), actions=("kill", "attack")))]
    for args, flt in cases:
        assert main(["stats", "--json", *args]) == 0
        stats = json.loads(capsys.readouterr().out)
        page = load_key_figures(flt, str(store_path))
        assert (stats["events"], stats["incidents"], stats["fatalities_low"],
                stats["fatalities_high"], stats["running_totals"]) == \
            (page.events, page.incidents, page.fatalities_low, page.fatalities_high,
             page.running_total_reports)
        assert stats["running_totals"] > 0 and stats["incidents"] < stats["events"]
    assert main(["stats"]) == 0
    out = capsys.readouterr().out
    whole = load_key_figures(EventFilter(), str(store_path))
    assert f"fatalities: {whole.fatalities_low:,}-{whole.fatalities_high:,} " in out
    assert f"incidents: {whole.incidents:,}" in out and "not deduplicated" not in out
