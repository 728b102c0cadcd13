"""The Data page: renders the upload form and what is stored; its import function refuses bad
files with a message and imports good ones (AppTest cannot drive st.file_uploader)."""

from __future__ import annotations

import io
from pathlib import Path

from streamlit.testing.v1 import AppTest

from conflict_monitor.importers import import_upload, origin_counts
from conflict_monitor.store.factory import open_store

TIMEOUT = 60
DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Upload(io.BytesIO):
    """What st.file_uploader returns: bytes with a name and a size."""

    def __init__(self, path: Path):
        data = path.read_bytes()
        super().__init__(data)
        self.name, self.size = path.name, len(data)


def _data_page() -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=TIMEOUT)
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    return at


def _origins(at: AppTest) -> dict[str, int]:
    frame = at.dataframe[0].value
    return dict(zip(frame["origin"], frame["events"], strict=False))


def test_page_renders_counts_and_articles(store_path):
    at = _data_page()
    assert not at.exception
    assert at.title[0].value == "Data"
    origins = _origins(at)
    assert origins["reference"] > 0 and "acled" not in origins
    articles = at.dataframe[1].value
    assert len(articles) >= 1 and articles["events"].iloc[0] > 0


def test_import_function_then_page_shows_the_new_origin(store_path):
    store = open_store(str(store_path))
    seen = []
    result, error = import_upload(store, Upload(FIXTURES / "acled_sample.csv"),
                                  progress=lambda stage, share: seen.append((stage, share)))
    assert error is None and result.added == 5 and seen[-1] == ("Done", 1.0)
    assert result.engine == "sql"  # an upload is spooled to a file DuckDB reads
    result, error = import_upload(store, Upload(FIXTURES / "acled_sample.csv"))
    assert result.added == 0 and result.already_present == 5
    at = _data_page()
    assert not at.exception
    assert _origins(at)["acled"] == 5


def test_import_function_refuses_bad_files_and_changes_nothing(store_path):
    store = open_store(str(store_path))
    before = origin_counts(store)
    for name, words in (("acled_bad_rows.csv", "line 3"), ("binary.csv", "binary"),
                        ("wrong_columns.csv", "missing column")):
        result, error = import_upload(store, Upload(FIXTURES / name))
        assert result is None and words in error
    result, error = import_upload(store, Upload(FIXTURES / "acled_sample.csv"), fmt="gdelt")
    assert result is None and "61" in error
    assert origin_counts(store).equals(before)


def test_skip_bad_rows_lists_the_lines(store_path):
    store = open_store(str(store_path))
    result, error = import_upload(store, Upload(FIXTURES / "acled_bad_rows.csv"), skip_bad_rows=True)
    assert error is None and [line for line, _ in result.skipped] == [3, 5]


def test_size_limit_message(store_path):
    store = open_store(str(store_path))
    result, error = import_upload(store, Upload(FIXTURES / "acled_sample.csv"), max_bytes=100)
    assert result is None and "limit" in error
