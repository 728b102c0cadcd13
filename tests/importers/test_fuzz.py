"""Property tests: the importers never crash on arbitrary bytes or rows, and never keep half a file.

Every input either imports or is refused with ImportRejected (a message for the user); the
store's event count and data version move only on success.
"""

import csv
import io
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conflict_monitor.importers import ImportRejected, import_file
from conflict_monitor.store.factory import open_store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ACLED_HEADER = next(csv.reader(io.StringIO((FIXTURES / "acled_sample.csv").read_text())))
TEXT = st.characters(blacklist_categories=("Cs",))  # any character UTF-8 can carry
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _try_import(store, payload: bytes) -> None:
    before = (store.count_events(), store.data_version())
    try:
        result = import_file(store, io.BytesIO(payload))
    except ImportRejected as exc:
        assert str(exc), "a refusal must say why"
        assert (store.count_events(), store.data_version()) == before
    else:
        assert store.count_events() == before[0] + result.added


@SETTINGS
@given(payload=st.binary(max_size=2000))
@example(payload=b"a\rb,c\n1,2\n")  # a lone carriage return in the header (found by the fuzzer)
def test_arbitrary_bytes_never_crash(tmp_path_factory, payload):
    store = open_store(str(tmp_path_factory.mktemp("fuzz") / "s.duckdb"), seed_if_new=False)
    _try_import(store, payload)


cell = st.one_of(st.text(TEXT, max_size=30), st.integers(-10, 10**6).map(str), st.just(""),
                 st.sampled_from(["2020-02-27", "27 February 2020", "Battles", "Idlib", "NaN"]))


@SETTINGS
@given(rows=st.lists(st.lists(cell, min_size=len(ACLED_HEADER) - 3, max_size=len(ACLED_HEADER) + 2),
                     min_size=1, max_size=8))
def test_arbitrary_rows_under_an_acled_header_never_crash(tmp_path_factory, rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ACLED_HEADER)
    writer.writerows(rows)
    store = open_store(str(tmp_path_factory.mktemp("fuzz") / "s.duckdb"), seed_if_new=False)
    _try_import(store, out.getvalue().encode("utf-8"))


TAB_FREE = st.characters(blacklist_categories=("Cs",), blacklist_characters="\t\n\r")


@SETTINGS
@given(rows=st.lists(st.lists(st.text(TAB_FREE, max_size=12), min_size=61, max_size=61),
                     min_size=1, max_size=5))
def test_arbitrary_gdelt_shaped_rows_never_crash(tmp_path_factory, rows):
    payload = "\n".join("\t".join(r) for r in rows).encode("utf-8")
    store = open_store(str(tmp_path_factory.mktemp("fuzz") / "s.duckdb"), seed_if_new=False)
    _try_import(store, payload)
