"""The one exception the extraction pipeline raises for input it cannot use."""

from __future__ import annotations


class ExtractionError(ValueError):
    """The input cannot be turned into an article; the message says why and what to do."""
