"""The import figure of `python -m conflict_monitor bench`: a generated ACLED file imported into
a fresh store, rows per second (reading, validating, storing) and, apart, the linking time."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from conflict_monitor.bench.import_files import write_acled_csv
from conflict_monitor.importers import import_file
from conflict_monitor.store.factory import open_store

IMPORT_ROWS = 300_000  # about 120 MB: long enough to measure, short enough for every bench run


def measure_import(workdir: Path, rows: int = IMPORT_ROWS) -> dict[str, Any]:
    """{import_rows, import_rows_per_s, import_link_s, import_engine} of one import."""
    path, db = Path(workdir) / "import_acled.csv", Path(workdir) / "import.duckdb"
    db.unlink(missing_ok=True)
    write_acled_csv(path, rows)
    store = open_store(str(db), seed_if_new=False)
    began = time.perf_counter()
    result = import_file(store, path)
    total = time.perf_counter() - began
    store.close()
    linking = result.seconds.get("linking", 0.0)
    path.unlink()
    return {"import_rows": rows, "import_rows_per_s": round(rows / max(total - linking, 1e-9)),
            "import_link_s": round(linking, 2), "import_engine": result.engine}
