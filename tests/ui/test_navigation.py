"""Every page file is in the one page list, so navigation and the sign-in addresses agree."""

from __future__ import annotations

from pathlib import Path

from ui.navigation import PAGE_SPECS, URL_PATHS

REPO = Path(__file__).resolve().parents[2]


def test_every_page_file_is_listed_once_with_its_address():
    files = sorted(f"pages/{p.name}" for p in (REPO / "pages").glob("*.py"))
    listed = [path for path, *_ in PAGE_SPECS]
    assert sorted(listed) == files and len(set(listed)) == len(listed)
    assert set(URL_PATHS) == {Path(f).stem for f in files}
