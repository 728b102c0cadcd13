"""The blocked candidate pairs (link_pairs) are exactly the matching pairs of the rule.

The join applies the whole rule, and when a curated dataset is in the slice only the rows
outside its largest one are joined with the others (two rows of one dataset never match). Here
random slices of mixed origins (ACLED, UCDP, GDELT, articles; one origin alone too) at a few
neighbouring places and days are compared with reports_match over every pair.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from conflict_monitor.store.link_pairs import candidate_pairs
from conflict_monitor.store.linking import reports_match

PLACES = [("Saraqib", 35.86, 36.80), ("Balyun", 35.70, 36.50), ("Place 7", 35.75, 36.45)]
ACTORS = ["Turkish forces", "Syrian government forces", "Hayat Tahrir al-Sham", None]
ORIGINS = [["acled"], ["acled", "ucdp"], ["acled", "gdelt"], ["gdelt", "extracted"],
           ["acled", "ucdp", "gdelt", "extracted"]]


def _slice(seed: int, origins: list[str], n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(n):
        name, lat, lon = PLACES[rng.integers(len(PLACES))]
        rows.append(dict(
            event_id=f"e{k:03d}", origin=str(rng.choice(origins)),
            event_date=pd.Timestamp("2020-02-01") + pd.Timedelta(days=int(rng.integers(0, 6))),
            date_precision=str(rng.choice(["day", "day", "week"])),
            action=str(rng.choice(["kill", "attack", "capture"])),
            actor1=ACTORS[rng.integers(len(ACTORS))], actor2=ACTORS[rng.integers(len(ACTORS))],
            location=None if rng.random() < 0.3 else name,
            latitude=lat + rng.normal(0, 0.03), longitude=lon + rng.normal(0, 0.03),
            is_running_total=bool(rng.random() < 0.05), incident_id=None))
    return pd.DataFrame(rows)


@pytest.mark.parametrize(("seed", "origins"), list(itertools.product(range(3), ORIGINS)))
def test_candidate_pairs_are_the_matching_pairs(seed, origins):
    events = _slice(seed, origins)
    feat, same, i, j = candidate_pairs(events)
    reps = sorted(set(same.tolist()))
    expected = {(a, b) for a, b in itertools.combinations(reps, 2)
                if reports_match(events.iloc[a], events.iloc[b])}
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == expected
    assert len(i) == len(expected)  # each pair once
    if origins == ["acled"]:
        assert not expected  # one curated dataset alone: nothing to link


def test_the_join_spills_to_the_system_temporary_directory(monkeypatch, tmp_path):
    # DuckDB's in-memory default is `.tmp` in the working directory: a killed relink left its
    # spilled pages beside the app
    import tempfile  # noqa: PLC0415
    import types  # noqa: PLC0415

    from conflict_monitor.store import link_pairs  # noqa: PLC0415

    monkeypatch.chdir(tmp_path)
    settings: list[str] = []
    connect = link_pairs.duckdb.connect

    def recording_connect(*args, **kwargs):
        con = connect(*args, **kwargs)
        real_close = con.close

        def close():
            settings.append(con.execute("SELECT current_setting('temp_directory')").fetchone()[0])
            real_close()
        return types.SimpleNamespace(execute=con.execute, register=con.register, close=close)

    monkeypatch.setattr(link_pairs.duckdb, "connect", recording_connect)
    _, _, i, _ = candidate_pairs(_slice(3, ["gdelt", "extracted"]))
    assert len(i) and settings
    assert all(s.startswith(tempfile.gettempdir()) and not s.startswith(str(tmp_path)) for s in settings)
    assert not (tmp_path / ".tmp").exists()
