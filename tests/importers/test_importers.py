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


def test_an_html_page_named_csv_is_refused_by_its_content(store):
    page = io.BytesIO(b"\xef\xbb\xbf\n  <!DOCTYPE html><html><body>Your download</body></html>\n")
    with pytest.raises(ImportRejected, match="is an HTML page, not a CSV"):
        import_file(store, page)


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


@pytest.mark.parametrize("name, engine", [("ucdp_ged_sample.csv", "auto"),
                                          ("ucdp_ged_sample.csv", "python"),
                                          ("acled_bad_rows.csv", "auto")])
def test_progress_names_each_stage_and_reaches_the_end(store, name, engine):
    seen = []
    import_file(store, FIXTURES / name, progress=lambda stage, share: seen.append((stage, share)),
                engine=engine, skip_bad_rows=True)
    shares = [share for _, share in seen]
    assert seen[-1] == ("Done", 1.0) and shares == sorted(shares)
    stages = " ".join(stage for stage, _ in seen)
    if engine == "auto" and name.startswith("ucdp"):
        assert all(word in stages for word in ("Reading", "Checking", "Storing", "Linking"))
    else:  # the reference path counts bytes
        size = (FIXTURES / name).stat().st_size / 1e6
        assert f"of {size:,.1f} MB" in stages


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


def _ucdp_file(tmp_path, **changes) -> Path:
    """The fixture's header and first row, with some values changed."""
    import csv

    with open(FIXTURES / "ucdp_ged_sample.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        row = dict(next(reader), **changes)
        header = reader.fieldnames
    path = tmp_path / "ucdp_one.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerow(row)
    return path


def test_ucdp_victims_follow_the_death_columns(store, tmp_path):
    """Issue 19.6: 20 of side A, 29 of side B and 1 civilian was stored as victims='civilians',
    so the Casualties page showed civilians 48-55."""
    from conflict_monitor.metrics import casualties as cm
    from conflict_monitor.model.victims import normalise_victim_group

    path = _ucdp_file(tmp_path, id="777001", side_b="Hay'at Tahrir al-Sham", deaths_a="20",
                      deaths_b="29", deaths_civilians="1", deaths_unknown="0", best="50", low="48",
                      high="55")
    import_file(store, path)
    victims = _events(store, "ucdp").loc["ucdp-777001", "victims"]
    assert normalise_victim_group(victims) == "mixed"
    assert "civilians 1" in victims and "side A soldiers 20" in victims and "side B fighters 29" in victims
    summary = cm.query_casualty_summary(store, EventFilter(origins=("ucdp",)))
    groups = summary.totals[summary.totals["dim"] == "victim_group"].set_index("label")
    assert list(groups.index) == ["mixed"]
    assert (groups.loc["mixed", "low"], groups.loc["mixed", "high"]) == (48, 55)


@pytest.mark.parametrize("deaths, group", [
    ({"deaths_a": "0", "deaths_b": "34", "deaths_civilians": "0"}, "soldiers"),  # Government of Turkey
    ({"deaths_a": "0", "deaths_b": "0", "deaths_civilians": "7"}, "civilians"),
    ({"deaths_a": "3", "deaths_b": "4", "deaths_civilians": "0"}, "soldiers"),  # two governments
    ({"deaths_a": "0", "deaths_b": "0", "deaths_civilians": "0", "deaths_unknown": "5"}, "unspecified"),
    ({"deaths_a": "0", "deaths_b": "0", "deaths_civilians": "2", "deaths_unknown": "5"}, "mixed"),
])
def test_ucdp_one_group_of_dead_is_that_group(store, tmp_path, deaths, group):
    from conflict_monitor.model.victims import normalise_victim_group

    import_file(store, _ucdp_file(tmp_path, id="777002", **{"deaths_unknown": "0", **deaths}))
    assert normalise_victim_group(_events(store, "ucdp").loc["ucdp-777002", "victims"]) == group


def _acled_file(tmp_path, changes: list[dict], name: str = "acled_edit.csv") -> Path:
    """The ACLED fixture's header and first row (Balyun, 27 Feb 2020), once per change set,
    each row with its own event_id_cnty unless given."""
    import csv

    with open(FIXTURES / "acled_sample.csv", newline="") as handle:
        reader = csv.DictReader(handle)
        template = next(reader)
        header = reader.fieldnames
    path = tmp_path / name
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for number, change in enumerate(changes, start=1):
            writer.writerow({**template, "event_id_cnty": f"SYR5{number:04d}", **change})
    return path


def _dates(store) -> list[str]:
    rows = _events(store, "acled")
    return [str(d)[:10] for d in rows["event_date"]]


def test_acled_dates_in_spreadsheet_and_us_forms(store, tmp_path):
    """Issue 19.10: 27-Feb-2020, 27 Feb 2020, 2020/02/27 and 2/27/2020 were refused."""
    forms = ["27-Feb-2020", "27 Feb 2020", "2020/02/27", "2/27/2020", "27 February 2020",
             "2020-02-27"]
    result = import_file(store, _acled_file(tmp_path, [{"event_date": f} for f in forms]))
    assert result.added == len(forms)
    assert _dates(store) == ["2020-02-27"] * len(forms)


def test_a_us_format_file_is_read_month_first(store, tmp_path):
    """One date the column can only read month-first (2/27/2020) decides the whole column:
    2/3/2020 is 3 February, not 2 March."""
    import_file(store, _acled_file(tmp_path, [{"event_date": "2/3/2020"}, {"event_date": "2/27/2020"}]))
    assert _dates(store) == ["2020-02-03", "2020-02-27"]


def test_a_day_first_file_is_read_day_first(store, tmp_path):
    import_file(store, _acled_file(tmp_path, [{"event_date": "3/2/2020"}, {"event_date": "27/02/2020"}]))
    assert _dates(store) == ["2020-02-03", "2020-02-27"]


def test_ambiguous_slash_dates_are_read_day_first_and_the_summary_says_so(store, tmp_path):
    result = import_file(store, _acled_file(tmp_path, [{"event_date": "3/2/2020"},
                                                       {"event_date": "4/2/2020"}]))
    assert _dates(store) == ["2020-02-03", "2020-02-04"]
    assert "read either way" in result.summary() and "day-first" in result.summary()


def test_a_file_mixing_day_and_month_first_is_refused_naming_lines(store, tmp_path):
    path = _acled_file(tmp_path, [{"event_date": "13/02/2020"}, {"event_date": "2/27/2020"}])
    with pytest.raises(ImportRejected) as info:
        import_file(store, path)
    assert "13/02/2020, line 2" in str(info.value) and "2/27/2020, line 3" in str(info.value)
    assert _events(store, "acled").empty


def test_acled_fatalities_with_thousands_separators(store, tmp_path):
    import_file(store, _acled_file(tmp_path, [{"fatalities": "1,234"}, {"fatalities": "12"}]))
    rows = _events(store, "acled")
    assert list(rows["fatalities"]) == [1234, 12] and list(rows["fatalities_high"]) == [1234, 12]


def test_a_revised_acled_row_replaces_the_stored_one(store, tmp_path):
    """ACLED revises its data: a row with a newer `timestamp` updates the stored row instead of
    counting as already present; an older export does not undo it."""
    first = {"event_id_cnty": "SYR70001", "fatalities": "10", "timestamp": "1583193600"}
    other = {"event_id_cnty": "SYR70002", "location": "Saraqib", "timestamp": "1583193600"}
    assert import_file(store, _acled_file(tmp_path, [first, other], "v1.csv")).added == 2
    revised = dict(first, fatalities="12", notes="Revised: 12 killed.", timestamp="1590000000")
    result = import_file(store, _acled_file(tmp_path, [revised, other], "v2.csv"))
    assert (result.added, result.updated, result.already_present) == (0, 1, 1)
    assert "1 updated" in result.summary()
    row = _events(store, "acled").loc["acled-SYR70001"]
    assert (row["fatalities"], row["evidence"]) == (12, "Revised: 12 killed.")
    again = import_file(store, _acled_file(tmp_path, [first, other], "v1-again.csv"))
    assert (again.updated, again.already_present) == (0, 2)
    assert _events(store, "acled").loc["acled-SYR70001", "fatalities"] == 12


def test_a_revised_row_is_relinked_and_counts_stay_right(store, tmp_path):
    """A revision that moves a report to another day leaves the incident it was linked into;
    incident ids and the per-incident report counts follow."""
    store.upsert_events([{"event_date": "2020-02-27", "action": "kill", "origin": "manual",
                          "actor1": "Syrian government forces", "actor2": "Turkish forces",
                          "location": "Balyun", "country": "SYR", "fatalities": 33,
                          "latitude": 35.6838, "longitude": 36.5453, "source": "Test",
                          "evidence": "33 Turkish soldiers were killed at Balyun."}])
    first = {"event_id_cnty": "SYR70003", "timestamp": "1583193600"}
    import_file(store, _acled_file(tmp_path, [first], "v1.csv"))

    def incident_rows():
        return store.query_sql("SELECT event_id, incident_id, incident_reports FROM events WHERE "
                               "location = 'Balyun' AND event_date >= DATE '2020-02-01' "
                               "ORDER BY origin").set_index("event_id")

    def assert_counts_right():
        counts = store.query_sql("SELECT incident_id, count(*) AS n, min(incident_reports) AS low, "
                                 "max(incident_reports) AS high FROM events "
                                 "WHERE incident_id IS NOT NULL GROUP BY incident_id")
        assert (counts["n"] == counts["low"]).all() and (counts["n"] == counts["high"]).all()

    before = incident_rows()
    assert before["incident_id"].nunique() == 1  # the ACLED row joined the Balyun incident
    assert_counts_right()
    moved = dict(first, event_date="2020-01-05", timestamp="1590000000")
    assert import_file(store, _acled_file(tmp_path, [moved], "v2.csv")).updated == 1
    assert str(_events(store, "acled").loc["acled-SYR70003", "event_date"])[:10] == "2020-01-05"
    after = store.query_sql("SELECT event_id, incident_id, incident_reports FROM events "
                            "WHERE event_id IN (?, ?)", ["acled-SYR70003", before.index[1]])
    ids = dict(zip(after["event_id"], after["incident_id"], strict=True))
    assert ids["acled-SYR70003"] != ids[before.index[1]]  # left the 27 February incident
    assert_counts_right()
