"""Synthetic events for benchmarks and load tests: seeded, vectorised, every schema column.

The spread imitates the Idlib data: dates over 2019-2020 with an escalation from December 2019
to March 2020, a dozen actors, the 12 action classes with their CAMEO codes and Goldstein
weights, ~30 places with jitter, fatalities on violent events, some incidents reported by
several sources with differing figures (shared incident_id), a few running totals and
ultimatums with deadlines. Rows are bulk-loaded with DuckDB, not through validate_event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from conflict_monitor.model.schema import EVENT_FIELDS, compute_article_id
from conflict_monitor.store.base import EventStore

# action: (share, cameo_code, goldstein, event_type, sub_event_type)
_ACTIONS: dict[str, tuple[float, str, float, str, str]] = {
    "attack": (0.26, "190", -10.0, "Battles", "Armed clash"),
    "kill": (0.18, "195", -10.0, "Explosions/Remote violence", "Air/drone strike"),
    "threaten": (0.08, "138", -7.0, "Strategic developments", "Other"),
    "accuse": (0.10, "112", -2.0, "Strategic developments", "Other"),
    "consult": (0.08, "040", 1.0, "Strategic developments", "Other"),
    "deploy": (0.07, "150", -7.2, "Strategic developments", "Headquarters or base established"),
    "ultimatum": (0.01, "139", -7.0, "Strategic developments", "Other"),
    "encircle": (0.04, "191", -9.5, "Battles", "Armed clash"),
    "capture": (0.05, "192", -9.5, "Battles", "Government regains territory"),
    "displace": (0.03, "201", -9.5, "Strategic developments", "Other"),
    "ceasefire": (0.01, "0871", 9.0, "Strategic developments", "Agreement"),
    "other": (0.09, "010", 0.0, "Strategic developments", "Other"),
}
# (actor, ISO3, weight as actor1)
_ACTORS: tuple[tuple[str, str | None, float], ...] = (
    ("Syrian government forces", "SYR", 0.30), ("Turkish forces", "TUR", 0.12),
    ("Turkey", "TUR", 0.08), ("Russia", "RUS", 0.06), ("Russian forces", "RUS", 0.10),
    ("Syrian rebels", "SYR", 0.14), ("Hayat Tahrir al-Sham", "SYR", 0.10),
    ("Iran-backed militias", "IRN", 0.04), ("Syrian government", "SYR", 0.03),
    ("United States", "USA", 0.01), ("UN", None, 0.01), ("civilians", None, 0.01),
)
_PLACES: tuple[tuple[str, str, float, float], ...] = (
    ("Idlib", "Idlib", 35.9306, 36.6339), ("Saraqib", "Idlib", 35.8636, 36.8006),
    ("Maarat al-Numan", "Idlib", 35.6447, 36.6739), ("Khan Sheikhoun", "Idlib", 35.4417, 36.6511),
    ("Ariha", "Idlib", 35.8125, 36.6083), ("Jisr al-Shughur", "Idlib", 35.8111, 36.3178),
    ("Sarmin", "Idlib", 35.9031, 36.7253), ("Taftanaz", "Idlib", 35.9983, 36.7836),
    ("Balyun", "Idlib", 35.7000, 36.5000), ("Kafr Nabl", "Idlib", 35.6136, 36.5611),
    ("Binnish", "Idlib", 35.9567, 36.7139), ("Saraqib east", "Idlib", 35.8600, 36.8400),
    ("Atarib", "Aleppo", 36.1389, 36.8300), ("Khan Touman", "Aleppo", 36.1100, 37.0500),
    ("Rashidin", "Aleppo", 36.1900, 37.1000), ("Azaz", "Aleppo", 36.5864, 37.0447),
    ("Al-Bab", "Aleppo", 36.3706, 37.5150), ("Afrin", "Aleppo", 36.5119, 36.8692),
    ("Morek", "Hama", 35.3753, 36.6982), ("Qalaat al-Madiq", "Hama", 35.4202, 36.3927),
    ("Kafr Zita", "Hama", 35.3736, 36.6014), ("Latamna", "Hama", 35.3200, 36.6300),
    ("Sher Mughar", "Hama", 35.4600, 36.4200), ("Suqaylabiyah", "Hama", 35.3683, 36.3858),
    ("Kabani", "Latakia", 35.7900, 36.1700), ("Jabal al-Akrad", "Latakia", 35.7700, 36.1000),
    ("Al-Nayrab", "Idlib", 35.8697, 36.7203), ("Tell Touqan", "Idlib", 35.8100, 36.9000),
)
_VICTIMS = ("civilians", "Syrian soldiers", "Turkish soldiers", "fighters", "rebel fighters",
            "children", "Russian soldiers", "HTS militants")
_REPORTERS = ("SOHR", "White Helmets", "Turkish Ministry of Defence", "SANA", "Anadolu",
              "Russian Reconciliation Centre", "AFP", "Reuters")
_SOURCES = ("AFP", "Reuters", "AP", "Anadolu", "SANA", "TASS")
_ORIGINS = ("extracted", "acled", "gdelt", "manual")
ARTICLE_SQL = ("INSERT INTO articles (id, title, source, url, published, dateline, text, ingested_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
CHUNK = 1_000_000  # rows generated and loaded at a time


def _day_weights(days: pd.DatetimeIndex) -> np.ndarray:
    """Daily intensity: a base level plus the Dec 2019 - Mar 2020 escalation."""
    t = (days - pd.Timestamp("2020-02-15")).days.to_numpy(dtype=float)
    weights = 1.0 + 6.0 * np.exp(-(t / 40.0) ** 2) + 2.0 * np.exp(-((t + 250) / 50.0) ** 2)
    return weights / weights.sum()


def make_synthetic_events(n: int, seed: int = 0, first: int = 0) -> pd.DataFrame:
    """`n` synthetic events with every column of schema.EVENT_FIELDS (same seed, same rows),
    numbered from `first` (a later chunk of a bigger store draws from its own random stream)."""
    rng = np.random.default_rng(seed if first == 0 else (seed, first))
    days = pd.date_range("2019-01-01", "2020-12-31", freq="D")
    day_idx = rng.choice(len(days), size=n, p=_day_weights(days))
    event_date = days.to_numpy()[day_idx]

    names = list(_ACTIONS)
    shares = np.array([_ACTIONS[a][0] for a in names])
    act_idx = rng.choice(len(names), size=n, p=shares / shares.sum())
    pick = lambda k: np.array([_ACTIONS[a][k] for a in names], dtype=object)[act_idx]  # noqa: E731
    action = np.array(names, dtype=object)[act_idx]

    weights = np.array([a[2] for a in _ACTORS])
    a1 = rng.choice(len(_ACTORS), size=n, p=weights / weights.sum())
    shift = rng.integers(1, len(_ACTORS), size=n)
    a2 = (a1 + shift) % len(_ACTORS)
    actor_names = np.array([a[0] for a in _ACTORS], dtype=object)
    actor_iso = np.array([a[1] for a in _ACTORS], dtype=object)

    p_idx = rng.integers(0, len(_PLACES), size=n)
    place = np.array([p[0] for p in _PLACES], dtype=object)[p_idx]
    lat = np.array([p[2] for p in _PLACES])[p_idx] + rng.normal(0, 0.01, n)
    lon = np.array([p[3] for p in _PLACES])[p_idx] + rng.normal(0, 0.01, n)

    violent = np.isin(action, ("kill", "attack"))
    has_deaths = violent & (rng.random(n) < 0.7)
    low = np.where(has_deaths, rng.geometric(0.25, n), 0)
    high = low + np.where(rng.random(n) < 0.2, rng.integers(1, 6, n), 0)
    running = has_deaths & (rng.random(n) < 0.002)
    low = np.where(running, low * 40, low)
    high = np.where(running, high * 40, high)

    # A quarter of the violent reports repeat an earlier report's incident with another figure.
    incident = np.array([f"syn-inc-{seed}-{i}" for i in range(first, first + n)], dtype=object)
    repeat = np.flatnonzero(has_deaths & ~running & (rng.random(n) < 0.25))
    if len(repeat):
        # copy the date, place, actors, action and victims of the previous violent report
        donors = np.flatnonzero(has_deaths & ~running)
        pos = np.searchsorted(donors, repeat) - 1
        ok = pos >= 0
        repeat, donor = repeat[ok], donors[pos[ok]]
        for arr in (incident, event_date, place, lat, lon, a1, a2, action):
            arr[repeat] = arr[donor]
        act_idx[repeat] = act_idx[donor]
    victims = np.array(_VICTIMS, dtype=object)[rng.integers(0, len(_VICTIMS), n)]
    if len(repeat):
        victims[repeat] = victims[donor]
    reporter = np.array(_REPORTERS, dtype=object)[rng.integers(0, len(_REPORTERS), n)]

    dates = pd.to_datetime(event_date)
    deadline = pd.Series(pd.NaT, index=range(n), dtype="datetime64[s]")
    is_ult = action == "ultimatum"
    deadline[is_ult] = dates[is_ult] + pd.to_timedelta(rng.integers(3, 30, is_ult.sum()), unit="D")
    ids = pd.Series(np.arange(first, first + n)).astype(str)
    frame = pd.DataFrame({
        "event_id": "syn-" + str(seed) + "-" + ids,
        "event_date": dates.date,
        "date_precision": np.where(running, "month", "day"),
        "period_start": np.where(running, (dates - pd.Timedelta(days=60)).date, None),
        "event_type": pick(3), "sub_event_type": pick(4), "action": action,
        "cameo_code": pick(1), "goldstein": pick(2).astype(float),
        "actor1": actor_names[a1], "actor1_country": actor_iso[a1],
        "actor2": actor_names[a2], "actor2_country": actor_iso[a2],
        "country": "SYR", "admin1": np.array([p[1] for p in _PLACES], dtype=object)[p_idx],
        "location": place, "latitude": lat, "longitude": lon,
        "geo_precision": rng.choice([1, 2, 3], size=n, p=[0.7, 0.2, 0.1]),
        "fatalities": pd.array(np.where(has_deaths, low, 0), dtype="Int64"),
        "fatalities_high": pd.array(np.where(has_deaths, high, 0), dtype="Int64"),
        "fatalities_qualifier": np.where(has_deaths, np.where(high > low, "at_least", "exact"), None),
        "victims": np.where(has_deaths, victims, None),
        "reported_by": reporter,
        "source": np.array(_SOURCES, dtype=object)[rng.integers(0, len(_SOURCES), n)],
        "source_url": "https://example.org/synthetic/" + ids,
        "article_id": None,
        "evidence": (pd.Series(actor_names[a1]) + " — " + pd.Series(action) + " — "
                     + pd.Series(actor_names[a2]) + " near " + pd.Series(place)
                     + " (synthetic report " + ids + ")"),
        "evidence_start": pd.array([None] * n, dtype="Int64"),
        "evidence_end": pd.array([None] * n, dtype="Int64"),
        "origin": np.array(_ORIGINS, dtype=object)[rng.integers(0, len(_ORIGINS), n)],
        "incident_id": incident,
        "confidence": np.round(rng.uniform(0.5, 1.0, n), 2),
        "deadline": deadline.dt.date.where(deadline.notna(), None),
        "is_running_total": running,
        "revised_at": pd.Series([pd.NaT] * n, dtype="datetime64[us]"),
    })
    # Events without deaths carry no fatality figure (null, not 0), as the extractor leaves them.
    frame.loc[~has_deaths, ["fatalities", "fatalities_high"]] = pd.NA
    return frame[list(EVENT_FIELDS)]


def make_bench_article(n: int) -> list[object]:
    """The values of one article row naming the benchmark store. A store with no article is a
    first start, where the dashboard extracts the shipped source article and relinks the
    incidents around it (minutes at ten million events): the benchmark measures a store in use."""
    text = f"Synthetic benchmark store: {n} seeded events (conflict_monitor.bench.synthetic)."
    return [compute_article_id(text), "Synthetic benchmark store", "benchmark", None, None, None,
            text, dt.datetime(2026, 1, 1)]


def iter_synthetic_chunks(n: int, seed: int = 0, chunk: int = CHUNK) -> Iterator[pd.DataFrame]:
    """The `n` events as frames of at most `chunk` rows (memory stays ~1.3 GB a million);
    up to `chunk` events they are exactly make_synthetic_events(n, seed)."""
    for first in range(0, n, chunk):
        yield make_synthetic_events(min(chunk, n - first), seed, first)


def load_synthetic_store(path: str | Path, n: int, seed: int = 0) -> EventStore:
    """A DuckDB store at `path` holding `n` synthetic events (bulk-loaded a chunk at a time,
    no validation)."""
    from conflict_monitor.store.duckdb import DuckDBStore  # noqa: PLC0415 - avoid import cycle

    DuckDBStore(Path(path)).close()  # creates the tables
    cols = ", ".join(EVENT_FIELDS)
    con = duckdb.connect(str(path))
    try:
        con.execute("SET enable_progress_bar = false")
        for frame in iter_synthetic_chunks(n, seed):
            con.register("synthetic_events", frame)
            con.execute(f"INSERT INTO events ({cols}) SELECT {cols} FROM synthetic_events "
                        "ON CONFLICT (event_id) DO NOTHING")
            con.unregister("synthetic_events")
            del frame
        con.execute(ARTICLE_SQL, make_bench_article(n))
        con.execute("UPDATE meta SET value = value + 1 WHERE key = 'data_version'")
    finally:
        con.close()
    return DuckDBStore(Path(path))  # opening counts the reports of each incident
