"""Argument types and helpers shared by the CLI's commands."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass


def parse_date_arg(text: str) -> dt.date:
    """An ISO date for argparse, with a clear message when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def get_cli_actor() -> str:
    """Who the audit trail names for a command: the operating-system user, marked as such."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no USER variable and no passwd entry (some containers)
        user = "unknown"
    return f"{user} (command line)"
