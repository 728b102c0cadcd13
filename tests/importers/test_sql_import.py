"""The SQL import stores exactly what the reference (Python) path stores, and keeps its promises:
whole file or nothing, dedupe against the store and rejected events, revisions, fallbacks."""

from __future__ import annotations

import io
import os
import uuid
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflict_monitor.bench.import_files import ACLED_HEADER, WRITERS
from conflict_monitor.importers import import_file
from conflict_monitor.model.schema import EVENT_FIELDS
from conflict_monitor.store.base import ImportRejected
from conflict_monitor.store.factory import open_store
from tests.store.test_backends import PG_ENV, pg_schema_url

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = ("acled_sample.csv", "acled_old.csv", "ucdp_ged_sample.csv", "gdelt_sample.export.CSV")


@pytest.fixture(params=["duckdb", "postgres"])
def new_store(request, tmp_path):
    """A factory of empty stores (not seeded) on one backend: DuckDB files or PostgreSQL schemas."""
    schemas: list[str] = []
    base = os.environ.get(PG_ENV, "").strip()
    if request.param == "postgres" and not base:
        pytest.skip(f"{PG_ENV} is not set")

    def make(name: str):
        if request.param == "duckdb":
            return open_store(str(tmp_path / f"{name}.duckdb"), seed_if_new=False)
        import psycopg

        schemas.append(f"test_{uuid.uuid4().hex[:12]}")
        with psycopg.connect(base, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {schemas[-1]}")  # a fixed pattern, not user input
        return open_store(pg_schema_url(base, schemas[-1]), seed_if_new=False)

    yield make
    if schemas:
        import psycopg

        with psycopg.connect(base, autocommit=True) as con:
            for schema in schemas:
                con.execute(f"DROP SCHEMA {schema} CASCADE")


def _stored(store, origin: str) -> pd.DataFrame:
    frame = store.query_sql("SELECT * FROM events WHERE origin = ? ORDER BY event_id", [origin])
    return frame[list(EVENT_FIELDS) + ["incident_id"]].reset_index(drop=True)


def _both(new_store, source: Path, origin: str, **options):
    """(SQL result, reference result, SQL store's rows, reference store's rows)."""
    stores = [new_store(engine) for engine in ("auto", "python")]
    results = [import_file(store, source, engine=engine, **options)
               for store, engine in zip(stores, ("auto", "python"), strict=True)]
    return (*results, *(_stored(store, origin) for store in stores))


def _assert_same(fast, slow, fast_rows, slow_rows):
    assert (fast.added, fast.updated, fast.already_present, fast.rows_read, fast.notes) == \
        (slow.added, slow.updated, slow.already_present, slow.rows_read, slow.notes)
    pd.testing.assert_frame_equal(fast_rows, slow_rows, check_dtype=False)


@pytest.mark.parametrize("name", SAMPLES)
def test_fixtures_store_identical_events(new_store, name):
    origin = {"a": "acled", "u": "ucdp", "g": "gdelt"}[name[0]]
    fast, slow, fast_rows, slow_rows = _both(new_store, FIXTURES / name, origin)
    assert fast.engine == "sql" and slow.engine == "python" and fast.added > 0
    _assert_same(fast, slow, fast_rows, slow_rows)


@pytest.mark.parametrize("fmt", sorted(WRITERS))
@pytest.mark.parametrize("variety", [False, True])
def test_generated_files_store_identical_events(new_store, tmp_path, fmt, variety):
    path = tmp_path / f"{fmt}.csv"
    WRITERS[fmt](path, 3000, seed=7, variety=variety)
    fast, slow, fast_rows, slow_rows = _both(new_store, path, fmt)
    assert fast.engine == "sql" and fast.added == 3000
    _assert_same(fast, slow, fast_rows, slow_rows)


def test_a_bad_last_line_leaves_the_store_unchanged(new_store, tmp_path):
    path = tmp_path / "acled.csv"
    WRITERS["acled"](path, 500, seed=3)
    with path.open("a", encoding="utf-8") as handle:  # a valid shape, an impossible date
        handle.write("SYR9999,2020-02-31" + ",x" * (len(ACLED_HEADER) - 2) + "\n")
    store = new_store("s")
    import_file(store, FIXTURES / "ucdp_ged_sample.csv")
    before = (store.count_events(), store.data_version())
    with pytest.raises(ImportRejected, match="line 502"):
        import_file(store, path)
    assert (store.count_events(), store.data_version()) == before


def test_skip_bad_rows_matches_the_reference(new_store):
    fast, slow, fast_rows, slow_rows = _both(new_store, FIXTURES / "acled_bad_rows.csv", "acled",
                                             skip_bad_rows=True)
    assert fast.skipped == slow.skipped == [(3, fast.skipped[0][1]), (5, fast.skipped[1][1])]
    _assert_same(fast, slow, fast_rows, slow_rows)


def test_rows_stored_or_rejected_before_are_not_added_again(new_store):
    store = new_store("s")
    assert import_file(store, FIXTURES / "acled_sample.csv").engine == "sql"
    store.reject_events(["acled-SYR99001"], "test")
    again = import_file(store, FIXTURES / "acled_sample.csv")
    assert (again.engine, again.added) == ("sql", 0)
    assert store.count_events() == 4


def test_an_id_twice_in_the_file_goes_the_reference_way(new_store):
    text = (FIXTURES / "acled_sample.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    payload = "\n".join([*lines, lines[1]]) + "\n"
    store = new_store("s")
    result = import_file(store, io.BytesIO(payload.encode("utf-8")))
    assert (result.engine, result.rows_read, result.added) == ("python", 6, 5)


cell = st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12),
                 st.sampled_from(["2020-02-27", "27 Feb 2020", "3/4/2020", " 12 ", "1,234", "-1",
                                  "35.5", "+35.5", "1e3", "NaN", "inf", "Battles", "Armed clash",
                                  "Syria", "760", "Civilians (Syria)", "\u00a0x\u2003", ""]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.fixed_dictionaries({c: cell for c in (
    "event_date", "time_precision", "actor1", "country", "iso", "latitude", "fatalities",
    "geo_precision", "timestamp", "civilian_targeting")}), min_size=1, max_size=6))
def test_arbitrary_acled_values_store_the_same_or_are_refused_the_same(tmp_path_factory, rows):
    """Whatever the cells hold, both paths store the same rows or refuse the same way."""
    import csv

    template = next(csv.DictReader((FIXTURES / "acled_sample.csv").open(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, ACLED_HEADER if list(template) == ACLED_HEADER else list(template))
    writer.writeheader()
    for number, row in enumerate(rows):
        writer.writerow({**template, **row, "event_id_cnty": f"X{number}"})
    path = tmp_path_factory.mktemp("any") / "acled.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    outcomes = []
    for engine in ("auto", "python"):
        store = open_store(str(path.parent / f"{engine}.duckdb"), seed_if_new=False)
        try:
            result = import_file(store, path, engine=engine, skip_bad_rows=True)
            outcomes.append((result.added, result.skipped, result.notes, _stored(store, "acled")))
        except ImportRejected as exc:
            outcomes.append(str(exc))
    if isinstance(outcomes[0], str) or isinstance(outcomes[1], str):
        assert outcomes[0] == outcomes[1]
    else:
        assert outcomes[0][:3] == outcomes[1][:3]
        pd.testing.assert_frame_equal(outcomes[0][3], outcomes[1][3], check_dtype=False)


def test_bench_import_figure_comes_from_the_sql_import(tmp_path):
    from conflict_monitor.bench.imports import measure_import

    figures = measure_import(tmp_path, rows=200)
    assert figures["import_engine"] == "sql" and figures["import_rows"] == 200
    assert figures["import_rows_per_s"] > 0 and figures["import_link_s"] >= 0


def test_progress_never_moves_back_when_the_reference_path_takes_over(tmp_path):
    path = tmp_path / "acled.csv"
    WRITERS["acled"](path, 6000, seed=5)  # over 2 MB: the reference path reports each MB
    with path.open("a", encoding="utf-8") as handle:
        handle.write("SYR9999,2020-02-31" + ",x" * (len(ACLED_HEADER) - 2) + "\n")
    seen: list[tuple[str, float]] = []
    store = open_store(str(tmp_path / "s.duckdb"), seed_if_new=False)
    result = import_file(store, path, skip_bad_rows=True,
                         progress=lambda stage, share: seen.append((stage, share)))
    assert (result.engine, result.added, len(result.skipped)) == ("python", 6000, 1)
    shares = [share for _, share in seen]
    assert shares == sorted(shares) and seen[-1] == ("Done", 1.0)
    assert seen[0][0] == "Reading the file" and sum(s.startswith("Read ") for s, _ in seen) >= 2
