"""Synthetic events into a PostgreSQL store, by COPY (ten million rows in minutes, not hours).

`load_synthetic_postgres(url, n)` creates the store's tables (PostgresStore), then streams the
chunks of bench.synthetic as CSV into `COPY events ... FROM STDIN`, each chunk with its
incident_reports already counted (a chunk's incidents never reach into another chunk, so the
count per chunk is the count in the store), so no UPDATE of every row follows; then one UPDATE
of the shared incidents' reports gives their leads (incident_counts.LEAD_UPGRADE_SQL), and
ANALYZE lets the planner know the table. Used by benchmarks/bench_postgres.py.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd

from conflict_monitor.bench.synthetic import ARTICLE_SQL, iter_synthetic_chunks, make_bench_article
from conflict_monitor.model.schema import EVENT_FIELDS
from conflict_monitor.store.base import EventStore
from conflict_monitor.store.incident_counts import LEAD_UPGRADE_SQL
from conflict_monitor.store.incident_rollup import META_KEY as ROLLUP_META_KEY

_COLUMNS = (*EVENT_FIELDS, "incident_reports", "incident_key")


def count_incident_reports(frame: pd.DataFrame) -> pd.Series:
    """How many rows of `frame` share each row's incident_id (1 without one), as the store keeps."""
    sizes = frame.groupby("incident_id")["incident_id"].transform("size")
    return sizes.fillna(1).astype("int64")


def load_synthetic_postgres(url: str, n: int, seed: int = 0,
                            progress: Callable[[int], None] | None = None) -> EventStore:
    """A PostgreSQL store at `url` (an empty one) holding `n` synthetic events."""
    import psycopg  # noqa: PLC0415 - optional backend

    from conflict_monitor.store.postgres import PostgresStore  # noqa: PLC0415

    store = PostgresStore(url)
    if not store.is_empty():
        raise ValueError(f"{store.location} already holds data; the benchmark needs an empty store.")
    copy_sql = f"COPY events ({', '.join(_COLUMNS)}) FROM STDIN WITH (FORMAT csv)"
    loaded = 0
    with psycopg.connect(url, autocommit=True) as con:
        for frame in iter_synthetic_chunks(n, seed):
            # a number per incident, unique across chunks (codes < chunk size), as the store keys
            codes = pd.Series(pd.factorize(frame["incident_id"])[0], index=frame.index)
            frame = frame.assign(incident_reports=count_incident_reports(frame),
                                 incident_key=(codes + loaded + 1).where(codes >= 0).astype("Int64"))
            text = io.StringIO()
            frame[list(_COLUMNS)].to_csv(text, header=False, index=False, date_format="%Y-%m-%d")
            with con.cursor() as cur, cur.copy(copy_sql) as copy:
                copy.write(text.getvalue())
            loaded += len(frame)
            if progress is not None:
                progress(loaded)
        con.execute("SELECT setval('incident_keys', %s)", [loaded + 1])  # later keys above these
        con.execute(ARTICLE_SQL.replace("?", "%s"), make_bench_article(n))
        con.execute(LEAD_UPGRADE_SQL)
        con.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
        # rows added past the store's upkeep: its rollup is built again when opened
        con.execute("DELETE FROM meta WHERE key = %s", [ROLLUP_META_KEY])
        con.execute("ANALYZE events")
    store.close()
    return PostgresStore(url)  # opening builds the rollup and the table of notable reports
