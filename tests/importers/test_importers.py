"""Importers: each format recognised and mapped, whole-file-or-nothing, skip-bad-rows, bad input."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from conflict_monitor.cli.main import main as cli_main
from conflict_monitor.importers import detect_file, import_file
from conflict_monitor.importers.gdelt import COLUMNS as GDELT_COLUMNS
from conflict_monitor.model.filters import EventFilter
from conflict_monitor.store.base import ImportRejected
from conflict_monitor.store.factory import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = ("acled_sample.csv", "acled_old.csv", "ucdp_ged_sample.csv", "gdelt_sample.export.CSV")


@pytest.fixture
def store(store_path):
    return open_store(str(store_path))


def _events(store, origin):
    return store.query_events(EventFilter(origins=(origin,)), order_by="event_id ASC").set_index("event_id")


@pytest.mark.parametrize("name, fmt, layout", [
    ("acled_sample.csv", "acled", "current layout"), ("acled_old.csv", "acled", "older layout"),
    ("ucdp_ged_sample.csv", "ucdp", "UCDP GED"), ("gdelt_sample.export.CSV", "gdelt", "61 columns"),
])
def test_format_is_recognised(name, fmt, layout):
    detected = detect_file(FIXTURES / name)
    assert detected.fmt == fmt and layout in detected.layout


def test_gdelt_has_the_61_codebook_columns_in_order():
    assert len(GDELT_COLUMNS) == 61
    assert GDELT_COLUMNS[:2] == ("GlobalEventID", "SQLDATE")
    assert GDELT_COLUMNS[26:35] == ("EventCode", "EventBaseCode", "EventRootCode", "QuadClass",
                                    "GoldsteinScale", "NumMentions", "NumSources", "NumArticles",
                                    "AvgTone")
    assert GDELT_COLUMNS[51:59] == tuple(f"ActionGeo_{f}" for f in (
        "Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID"))
    assert GDELT_COLUMNS[-2:] == ("DATEADDED", "SOURCEURL")


def test_acled_current_layout_is_mapped(store):
    result = import_file(store, FIXTURES / "acled_sample.csv")
    assert (result.added, result.fmt) == (5, "acled")
    rows = _events(store, "acled")
    balyun = rows.loc["acled-SYR99001"]
    assert str(balyun["event_date"])[:10] == "2020-02-27"
    assert (balyun["action"], balyun["fatalities"], balyun["country"]) == ("kill", 33, "SYR")
    assert (balyun["actor1"], balyun["actor2"]) == ("Syrian government forces", "Turkish forces")
    assert (balyun["cameo_code"], balyun["goldstein"]) == ("195", -10.0)
    assert balyun["reported_by"] == "Anadolu Agency; SOHR" and "33 Turkish soldiers" in balyun["evidence"]
    assert rows.loc["acled-UKR88001", "date_precision"] == "week"  # time_precision 2
    assert rows.loc["acled-UKR88001", "country"] == "UKR"  # numeric ISO 804
    assert rows.loc["acled-SYR99003", "action"] == "capture"
    assert rows.loc["acled-YEM77001", "action"] == "ceasefire"
    assert rows.loc["acled-SYR99002", "victims"] == "civilians"


def test_acled_old_layout_with_written_dates(store):
    import_file(store, FIXTURES / "acled_old.csv")
    rows = _events(store, "acled")
    assert str(rows.loc["acled-SYR60001", "event_date"])[:10] == "2020-02-20"
    assert rows.loc["acled-SYR60001", "actor1"] == "Turkish forces"
    assert rows.loc["acled-SYR60002", "date_precision"] == "week"


def test_ucdp_low_high_best(store):
    import_file(store, FIXTURES / "ucdp_ged_sample.csv")
    rows = _events(store, "ucdp")
    balyun = rows.loc["ucdp-352001"]
    assert (balyun["fatalities"], balyun["fatalities_high"]) == (33, 36)
    assert "best estimate: 34" in balyun["evidence"]
    assert (balyun["actor1"], balyun["actor2"]) == ("Syrian government forces", "Turkish forces")
    assert rows.loc["ucdp-352002", "event_type"] == "Violence against civilians"
    assert rows.loc["ucdp-352003", "date_precision"] == "week"  # date_prec 3
    assert rows.loc["ucdp-352003", "country"] == "AFG"


def test_gdelt_cameo_fips_and_url(store):
    import_file(store, FIXTURES / "gdelt_sample.export.CSV")
    rows = _events(store, "gdelt")
    strike = rows.loc["gdelt-905551001"]
    assert (strike["action"], strike["cameo_code"], strike["goldstein"]) == ("attack", "195", -10.0)
    assert strike["country"] == "SYR"  # FIPS SY
    assert strike["actor1"] == "Syrian government forces" and strike["actor2"] == "Turkish forces"
    assert strike["source_url"].startswith("https://") and strike["evidence"] == strike["source_url"]
    assert rows.loc["gdelt-905551002", "action"] == "threaten"
    assert rows.loc["gdelt-905551002", "country"] == "TUR"  # FIPS TU, not ISO2 TU (Tuvalu)
    assert rows.loc["gdelt-905551004", "action"] == "ceasefire"  # CAMEO 0871
    assert rows.loc["gdelt-905551004", "country"] == "RUS"  # FIPS RS (Serbia in ISO2)


@pytest.mark.parametrize("name", SAMPLES)
def test_second_import_adds_nothing(store, name):
    first = import_file(store, FIXTURES / name)
    count = store.count_events()
    again = import_file(store, FIXTURES / name)
    assert first.added > 0 and again.added == 0 and again.already_present == first.added
    assert store.count_events() == count


@pytest.mark.parametrize("name, words", [
    ("acled_bad_rows.csv", ["line 3", "event_date", "2020-02-31"]),
    ("acled_ragged.csv", ["line 4", "expected 31 fields, got 20"]),
    ("wrong_columns.csv", ["missing column", "time_precision", "fatalities"]),
    ("acled_latin1.csv", ["not UTF-8", "line 3"]),
    ("binary.csv", ["binary"]),
    ("acled_sample.zip.csv", ["zip"]),
    ("empty.csv", ["empty"]),
    ("acled_bad_quote.csv", ["line 3", "malformed CSV"]),
    ("gdelt_short_line.export.CSV", ["line 2", "expected 61 fields, got 57"]),
])
def test_malformed_file_changes_nothing(store, name, words):
    before = store.count_events()
    version = store.data_version()
    with pytest.raises(ImportRejected) as caught:
        import_file(store, FIXTURES / name)
    for word in words:
        assert word in str(caught.value)
    assert store.count_events() == before
    assert store.data_version() == version


def test_unrecognised_header_names_what_was_found(store):
    data = io.BytesIO(b"name,when,where\nx,2020-01-01,y\n")
    with pytest.raises(ImportRejected, match="not a recognised export.*name, when, where"):
        import_file(store, data)


def test_forced_format_checks_the_shape(store):
    with pytest.raises(ImportRejected, match="missing column"):
        import_file(store, FIXTURES / "acled_sample.csv", fmt="ucdp")
    with pytest.raises(ImportRejected, match="61"):
        import_file(store, FIXTURES / "acled_sample.csv", fmt="gdelt")


def test_skip_bad_rows_lists_them(store):
    before = store.count_events()
    result = import_file(store, FIXTURES / "acled_bad_rows.csv", skip_bad_rows=True)
    assert result.added == 3
    assert [line for line, _ in result.skipped] == [3, 5]
    assert "fatalities" in result.skipped[1][1]
    assert store.count_events() == before + 3


def test_failure_mid_file_rolls_back_earlier_chunks(store):
    """With one row per chunk, line 2 is written before line 3 fails: it must not stay."""
    before = store.count_events()
    with pytest.raises(ImportRejected, match="line 3"):
        import_file(store, FIXTURES / "acled_bad_rows.csv", chunk_rows=1)
    assert store.count_events() == before
    assert store.query_sql("SELECT count(*) AS n FROM events WHERE event_id = 'acled-SYR99001'")["n"][0] == 0


def test_size_limit_and_upload_object(store):
    data = (FIXTURES / "acled_sample.csv").read_bytes()
    with pytest.raises(ImportRejected, match="limit"):
        import_file(store, _Upload(data), max_bytes=10)
    result = import_file(store, _Upload(data))
    assert result.added == 5


def test_progress_reaches_the_total(store):
    seen = []
    import_file(store, FIXTURES / "ucdp_ged_sample.csv", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1] == (FIXTURES / "ucdp_ged_sample.csv").stat().st_size


def test_mixed_store_filters_across_origins(store):
    for name in SAMPLES:
        import_file(store, FIXTURES / name)
    origins = set(store.list_distinct("origin"))
    assert {"reference", "acled", "ucdp", "gdelt"} <= origins
    both = store.count_events(EventFilter(origins=("acled", "gdelt")))
    assert both == store.count_events(EventFilter(origins=("acled",))) + \
        store.count_events(EventFilter(origins=("gdelt",)))
    turks = store.query_events(EventFilter(actors=("Turkish forces",)))
    assert {"reference", "acled", "ucdp", "gdelt"} <= set(turks["origin"])
    afghanistan = store.query_events(EventFilter(countries=("AFG",)))
    assert list(afghanistan["origin"]) == ["ucdp"]
    feb = store.query_events(EventFilter(date_from=dt.date(2020, 2, 27), date_to=dt.date(2020, 2, 27),
                                         countries=("SYR",), origins=("acled", "ucdp", "gdelt")))
    assert set(feb["origin"]) == {"acled", "ucdp", "gdelt"}


def test_cli_import_summary_and_refusal(store_path, capsys):
    assert cli_main(["import", str(FIXTURES / "acled_sample.csv"), "--quiet"]) == 0
    assert "5 events added" in capsys.readouterr().out
    assert cli_main(["import", str(FIXTURES / "acled_bad_rows.csv"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "line 3" in err and "unchanged" in err
    assert cli_main(["import", str(FIXTURES / "acled_bad_rows.csv"), "-q", "--skip-bad-rows"]) == 0
    assert "skipped line 5" in capsys.readouterr().out


class _Upload(io.BytesIO):
    """What st.file_uploader hands over: a BytesIO with a name and a size."""

    def __init__(self, data: bytes, name: str = "upload.csv"):
        super().__init__(data)
        self.name, self.size = name, len(data)
