"""Argument types shared by the CLI's commands."""

from __future__ import annotations

import argparse
import datetime as dt


def parse_date_arg(text: str) -> dt.date:
    """An ISO date for argparse, with a clear message when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None
