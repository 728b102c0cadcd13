"""Synthetic ACLED, UCDP GED and GDELT 2.0 files for the import benchmark and the tests that
compare the SQL import with the reference path.

Rows spread like a full export (20 years, 20,000 places at fixed coordinates inside Syria's
bounding box, as datasets geocode to a gazetteer). `variety` mixes in the forms real files
carry: other date spellings, padded and empty cells, thousands separators, quoted notes with
commas and quotes, unknown actors, other countries.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

ACLED_HEADER = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
                "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
                "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,"
                "source,source_scale,notes,fatalities,tags,timestamp").split(",")
# (event type, sub-event type, actor1, actor2)
ACLED_KINDS = (
    ("Explosions/Remote violence", "Air/drone strike", "Military Forces of Syria (2000-)",
     "Military Forces of Turkey (2016-)"),
    ("Battles", "Armed clash", "Military Forces of Turkey (2016-)", "Military Forces of Syria (2000-)"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack",
     "Military Forces of Russia (2000-)", "Civilians (Syria)"),
    ("Strategic developments", "Agreement", "Government of Turkey (2016-)", "Government of Russia (2000-)"),
    ("Violence against civilians", "Attack", "Hayat Tahrir al-Sham", "Civilians (Syria)"),
    ("Battles", "Armed clash", "Unidentified Armed Group (Syria)", "Rapid Support Forces"),
)
N_PLACES = 20_000
YEARS = 20
START = dt.date(2005, 1, 1)


def _spread(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return rng.integers(0, YEARS * 365, n), rng.integers(0, N_PLACES, n), rng.geometric(0.3, n) - 1


def _places(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.uniform(32.5, 37.0, N_PLACES).round(4), rng.uniform(35.8, 42.0, N_PLACES).round(4)


def write_acled_csv(path: Path, rows: int, seed: int = 0, variety: bool = False) -> None:
    """`rows` ACLED rows in the current 31-column layout (about 500 bytes a row)."""
    rng = np.random.default_rng(seed)
    lat, lon = _places(rng)
    days, places, deaths = _spread(rng, rows)
    kinds = rng.integers(0, len(ACLED_KINDS), rows)
    pick = rng.integers(0, 10, rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(ACLED_HEADER)
        for i in range(rows):
            day = START + dt.timedelta(days=int(days[i]))
            kind, sub, a1, a2 = ACLED_KINDS[kinds[i]]
            p, dead, v = int(places[i]), int(deaths[i]), int(pick[i])
            date, country, iso, fatal, latitude = day.isoformat(), "Syria", "760", str(dead), str(lat[p])
            if variety:
                date = (date, f"{day:%d %B %Y}", f"{day:%d-%b-%Y}", f"{day:%Y/%m/%d}", f" {date} ")[v % 5]
                country, iso = (("Syria", "760"), ("Turkey", ""), ("Syria", " 760.0 "))[v % 3]
                fatal = ("1,234" if v == 7 else f" {dead} " if v == 3 else "" if v == 5 else fatal)
                latitude = (f"{lat[p]:.6f}", f"+{lat[p]}", f" {lat[p]} ", latitude)[v % 4]
            writer.writerow([
                f"SYR{i + 1}", date, day.year, 1 + v % 3 if variety else 1, "Political violence", kind,
                sub, a1, "", "State forces", a2, "", "Civilians", "", "Civilian targeting" if v == 2 else "",
                iso, "Middle East", country, f"Region {p % 14}", f"District {p % 60}", "", f"Place {p}",
                latitude, lon[p], 1 + v % 3 if variety else 1, "SOHR; Anadolu Agency", "National",
                f'On {day:%d %B %Y}, {a1} and {a2} clashed near "Place {p}"; {dead} fatalities.',
                fatal, "", 1583193600 + (v if variety else 0)])


UCDP_HEADER = ("id,relid,year,type_of_violence,side_a,side_b,source_office,source_headline,where_prec,"
               "where_coordinates,where_description,adm_1,latitude,longitude,country,date_prec,"
               "date_start,date_end,deaths_a,deaths_b,deaths_civilians,deaths_unknown,best,high,low"
               ).split(",")
UCDP_SIDES = (("Government of Syria", "Government of Turkey"), ("Government of Syria", "Civilians"),
              ("IS", "Hayat Tahrir al-Sham"), ("Government of Afghanistan", "Taleban"))


def write_ucdp_csv(path: Path, rows: int, seed: int = 0, variety: bool = False) -> None:
    """`rows` UCDP GED rows (the codebook's columns the import reads)."""
    rng = np.random.default_rng(seed)
    lat, lon = _places(rng)
    days, places, deaths = _spread(rng, rows)
    pick = rng.integers(0, 10, rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(UCDP_HEADER)
        for i in range(rows):
            day = START + dt.timedelta(days=int(days[i]))
            p, dead, v = int(places[i]), int(deaths[i]), int(pick[i])
            side_a, side_b = UCDP_SIDES[v % len(UCDP_SIDES)]
            split = (dead, 0, 0, 0) if v % 2 else (0, dead // 2, dead - dead // 2, 0)
            high = dead + (v % 3 if variety else 0)
            start = f"{day.isoformat()} 00:00:00.000" if not variety or v % 2 else day.isoformat()
            writer.writerow([
                300000 + i, f"SYR-{day.year}-{i}", day.year, 1 + v % 3, side_a, side_b, "AFP;SOHR",
                "" if variety and v == 4 else f"Clashes near Place {p}", 1 + v % 7,
                "" if v == 5 else f"Place {p}", f"Place {p}, Region {p % 14}",
                f"Region {p % 14} governorate", lat[p], lon[p], "Syria" if v % 4 else "Afghanistan",
                1 + v % 5, start, start, *split, dead, high, dead])


def write_gdelt_tsv(path: Path, rows: int, seed: int = 0, variety: bool = False) -> None:
    """`rows` GDELT 2.0 event rows (61 tab-separated fields, no header)."""
    rng = np.random.default_rng(seed)
    lat, lon = _places(rng)
    days, places, _ = _spread(rng, rows)
    pick = rng.integers(0, 10, rows)
    codes = ("190", "195", "0871", "130", "1823", "042", "20", "193")
    actors = (("SYRMIL", "SYRIA", "SYR", "MIL"), ("TURGOV", "TURKEY", "TUR", "GOV"), ("TUR", "TURKEY", "TUR", ""),
              ("", "", "", ""), ("REB", "REBEL", "", "REB"), ("RUSMIL", "RUSSIA", "RUS", "MIL"))
    with path.open("w", encoding="utf-8") as handle:
        for i in range(rows):
            day = START + dt.timedelta(days=int(days[i]))
            p, v = int(places[i]), int(pick[i])
            a1, a2 = actors[v % len(actors)], actors[(v + 1) % len(actors)]
            code = codes[v % len(codes)]
            gold = "" if variety and v == 3 else ("-10.0", "-9.5", "1.0", "-4.4")[v % 4]
            geo = ("4", str(lat[p]), str(lon[p]), "SY", f"Place {p}, Syria")
            fields = [str(1_000_000_000 + i), f"{day:%Y%m%d}", f"{day:%Y%m}", str(day.year), "2020.1",
                      a1[0], a1[1], a1[2], "", "", "", "", a1[3], "", "",
                      a2[0], a2[1], a2[2], "", "", "", "", a2[3], "", "",
                      "1", code, code[:3], code[:2], "4", gold, "2", "1", "2", "-5.1",
                      *(["1", "Syria", "SY", "SY", "", "35", "38", "SY"] * 2),
                      geo[0], geo[4], geo[3], "SY13", "", geo[1], geo[2], "-123",
                      "20200301000000", f"https://example.org/{i}"]
            handle.write("\t".join(fields) + "\n")


WRITERS = {"acled": write_acled_csv, "ucdp": write_ucdp_csv, "gdelt": write_gdelt_tsv}
