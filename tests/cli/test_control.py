"""`python -m conflict_monitor control`: each place with its side on a day and the evidence."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conflict_monitor.cli.main import main


def _rows(capsys) -> dict[str, dict[str, str]]:
    return {r["place"]: r for r in csv.DictReader(io.StringIO(capsys.readouterr().out))}


def test_control_lists_each_place_with_side_since_and_evidence(store_path, capsys):
    assert main(["control", "--as-of", "2020-02-28"]) == 0
    rows = _rows(capsys)
    assert len(rows) >= 25
    saraqib = rows["Saraqib"]
    assert (saraqib["status"], saraqib["side"], saraqib["since"]) == ("held", "Syrian opposition", "2020-02-27")
    assert "nationalpost.com" in saraqib["evidence"] and "ref-control-saraqib-2020-02-27" in saraqib["evidence"]
    assert saraqib["changed_recently"] == "True"
    assert rows["Khan Shaykhun"]["since"] == "2019-08-21"


def test_control_place_and_geojson(store_path, capsys):
    assert main(["control", "--as-of", "2020-03-02", "--place", "Saraqeb", "--format", "geojson"]) == 0
    features = json.loads(capsys.readouterr().out)["features"]
    assert len(features) == 1
    props = features[0]["properties"]
    assert (props["place"], props["side"], props["since"]) == ("Saraqib", "Syrian government", "2020-03-02")
    assert features[0]["geometry"]["coordinates"] == [36.8059, 35.8645]


def test_control_contested_day_lists_both_claims(store_path, capsys):
    assert main(["control", "--as-of", "2020-02-27", "--place", "Saraqib"]) == 0
    row = _rows(capsys)["Saraqib"]
    assert row["status"] == "contested" and row["side"] == ""
    assert "taken Syrian opposition" in row["evidence"] and "disputed Syrian government" in row["evidence"]


def test_control_filters_narrow_the_evidence(store_path, capsys):
    # evidence only up to 26 Feb: the rebel recapture of the 27th is not known
    assert main(["control", "--as-of", "2020-02-28", "--to", "2020-02-26", "--place", "Saraqib"]) == 0
    assert _rows(capsys)["Saraqib"]["side"] == "Syrian government"
    # an origin with no territorial claims leaves nothing to list
    assert main(["control", "--as-of", "2020-02-28", "--origin", "ucdp", "--place", "Saraqib"]) == 1
    assert "no place called 'Saraqib'" in capsys.readouterr().err


def test_control_needs_a_valid_day(store_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["control", "--as-of", "28/02/2020"])
    assert exc.value.code == 2
    assert "--as-of" in capsys.readouterr().err


def test_an_imported_acled_territorial_event_is_evidence(store_path, capsys):
    from pathlib import Path
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "acled_sample.csv"
    assert main(["import", str(fixture), "--format", "acled"]) == 0
    capsys.readouterr()
    assert main(["control", "--as-of", "2020-02-05", "--origin", "acled"]) == 0
    rows = _rows(capsys)
    assert set(rows) == {"Saraqib"}  # 'Saraqab' at 35.8624, 36.8034: matched within 2 km
    row = rows["Saraqib"]
    assert (row["status"], row["side"], row["since"]) == ("held", "Syrian government", "2020-02-05")
    assert "SYR99003" in row["evidence"]
