"""Event extraction from news articles (issue 3).

Steps, one module each: clean -> nlp (spaCy + entity rulers) -> triggers (lexicon and
scope rules) -> roles (actors) -> events (dates, places, figures, attribution) -> merge.
`pipeline.extract_article` is the public entry point; importing this package does no work.
"""

from conflict_monitor.extract.errors import ExtractionError

__all__ = ["ExtractionError"]
