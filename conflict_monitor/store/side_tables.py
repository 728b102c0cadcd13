"""Tables beside the events (accounts, the audit trail) that are created on first use."""

from __future__ import annotations

from typing import Any


def ensure_side_table(store: Any, name: str, ddl: str) -> None:
    """Run `ddl` (CREATE TABLE IF NOT EXISTS ...) once per store object.

    The flag lives on the store object, so a store opened again (or another backend) checks again.
    """
    flag = f"_side_table_ready_{name}"
    if getattr(store, flag, False):
        return
    with store._connect() as con:
        store._execute(con, ddl)
    setattr(store, flag, True)
