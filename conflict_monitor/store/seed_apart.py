"""The source article's extraction, in this process or in a child process of its own.

The dashboard's first start extracts the shipped source article once its first page is drawn.
Loading spaCy and the model holds the interpreter lock for seconds; in the server's process that
slowed the page's last steps (the browser fetches the code of the tables and figures it is
drawing from the same process), so the dashboard runs it apart: `python -m
conflict_monitor.store.seed_apart ARTICLE PUBLISHED SOURCE` prints its progress and then the
article and events, which the dashboard stores itself. The extraction is the same code either way.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

SeedProgress = Callable[[str, float], None]
REPO = Path(__file__).resolve().parents[2]


def extract_source_article(article_path: Path, published: dt.date, source: str,
                           progress: SeedProgress) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The article (articles-table shape) and its events, extracted here."""
    text = article_path.read_text(encoding="utf-8")  # a missing file fails before the model loads
    progress("Loading the language model", 0.0)
    from conflict_monitor.extract.nlp import load_nlp  # noqa: PLC0415 - loads spaCy
    from conflict_monitor.extract.pipeline import extract_article  # noqa: PLC0415

    load_nlp()
    progress("Extracting the events of the source article", 0.8)
    result = extract_article(text, published=published, source=source)
    return result.article, result.events


def compute_model_loaded() -> bool:
    """True once this process has loaded the language model (extract.nlp's cache): extracting
    here is then cheaper than a child's load of its own, and holds the lock only briefly."""
    nlp = sys.modules.get("conflict_monitor.extract.nlp")
    return nlp is not None and nlp.load_nlp.cache_info().currsize > 0


def extract_apart(article_path: Path, published: dt.date, source: str,
                  progress: SeedProgress) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """extract_source_article in a child process; its progress is passed on as it comes.

    Raises RuntimeError naming the child's last error line when it fails.
    """
    command = [sys.executable, "-m", __name__, str(article_path), published.isoformat(), source]
    result = None
    with tempfile.TemporaryFile() as errors:
        # stdin: a pipe this process never writes to; its end closes when this process ends
        with subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=errors, text=True, encoding="utf-8") as child:
            for line in child.stdout:
                kind, _, rest = line.rstrip("\n").partition(" ")
                if kind == "progress":
                    share, _, step = rest.partition(" ")
                    progress(step, float(share))
                elif kind == "result":
                    # our own child's answer (the same code as this process), not outside data
                    result = pickle.loads(base64.b64decode(rest))  # noqa: S301
        if child.returncode != 0 or result is None:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(f"Extracting {article_path.name} failed (exit code {child.returncode}): "
                               f"{lines[-1] if lines else 'no message'}")
    return result


def _exit_with_parent() -> None:
    """End this child once its parent has ended (its stdin reaches end of file): a stopped
    server's extraction would otherwise go on loading the model for nobody, on a core the next
    start needs."""
    # the raw descriptor: a daemon thread blocked in the buffered sys.stdin aborts the
    # interpreter's shutdown when the child ends normally
    while os.read(sys.stdin.fileno(), 4096):
        pass
    os._exit(1)


def main(argv: list[str]) -> int:
    """The child: extract ARTICLE (PUBLISHED, SOURCE), print progress lines, then the result."""
    path, published, source = Path(argv[0]), dt.date.fromisoformat(argv[1]), argv[2]
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()

    def progress(step: str, share: float) -> None:
        print(f"progress {share} {step}", flush=True)

    article, events = extract_source_article(path, published, source, progress)
    print("result " + base64.b64encode(pickle.dumps((article, events))).decode("ascii"), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
