"""One event per act: merge repeated mentions within a sentence and across the article.

Rules (ANNOTATION.md, Scope): an attack whose deaths the same sentence reports is one `kill`;
a later or earlier undated mention of an act already dated elsewhere ("As Turkey and Russia
traded accusations") is the same act. Different figures or sources stay separate rows.
"""

from __future__ import annotations

import re

from conflict_monitor.extract import roles
from conflict_monitor.extract.event_record import SPOKEN_ACTS
from conflict_monitor.extract.lexicon import VIOLENT

KILLED = re.compile(r"\b(?:were|was|been|being) killed\b", re.IGNORECASE)


def _vague_violence(e: dict) -> bool:
    return e["action"] == "attack" and e["actor1"] is None and not e["_explicit_date"]


def _same_act(a: dict, b: dict) -> bool:
    if {a["action"], b["action"]} == {"attack", "kill"} and (_vague_violence(a) or _vague_violence(b)):
        return a["actor2"] is None or b["actor2"] is None or a["actor2"] == b["actor2"]
    if a["action"] != b["action"]:
        return False
    if a["actor1"] != b["actor1"]:
        # an unattributed, undated mention repeats an act told with its actor
        vague = a if a["actor1"] is None else b if b["actor1"] is None else None
        if vague is None or vague["_explicit_date"]:
            return False
    one_side = a["_sentence"] == b["_sentence"] and roles.same_state(a["actor2"], b["actor2"]) or _same_toll(a, b)
    if a["actor2"] != b["actor2"] and not one_side and (a["actor2"] and b["actor2"] or a["_explicit_date"] ==
                                                        b["_explicit_date"] and a["_sentence"] != b["_sentence"]):
        # a vaguer undated mention, or a second verb of one sentence, may omit the target; a state and
        # its forces hit in one sentence ("stormed a prison in Haiti ... after burning a police station")
        # are one side of one act
        return False
    if a["action"] in VIOLENT and a["_own_place"] and b["_own_place"] and a["location"] != b["location"]:
        return False
    if a["action"] == "kill" and a["fatalities"] != b["fatalities"]:
        return False
    if a["action"] == "kill" and a["reported_by"] and b["reported_by"] and a["reported_by"] != b["reported_by"]:
        return False  # each source's figure is its own row
    if a["_explicit_date"] and b["_explicit_date"] and a["event_date"] != b["event_date"]:
        return False
    return True


# A toll this large told twice by one side is one act ("key points" above the story, a summary line
# below it); small tolls ("one person", "three soldiers") recur across incidents by chance.
SAME_TOLL_MIN = 5


def _same_toll(a: dict, b: dict) -> bool:
    """True when two kills of one actor give the same toll and one of them names no target."""
    return a["action"] == "kill" and a["fatalities"] is not None and a["fatalities"] >= SAME_TOLL_MIN \
        and a["fatalities"] == b["fatalities"] and (a["actor2"] is None or b["actor2"] is None)


def _rank(e: dict) -> tuple:
    return (e["actor1"] is not None, e["action"] == "kill", e["_explicit_date"], e["fatalities"] is not None,
            e["actor2"] is not None, e["confidence"])


def merge_events(events: list[dict]) -> list[dict]:
    """Drop repeated mentions; keep the best-informed row of each act, in text order."""
    by_sentence: dict = {}
    for e in events:
        by_sentence.setdefault(e["_sentence"], []).append(e)
    kept: list[dict] = []
    for group in by_sentence.values():
        kills = [e for e in group if e["action"] == "kill"]
        violent = [e for e in group if e["action"] in ("attack", "kill") and e["actor1"] is not None]
        for e in group:
            if e["actor1"] is None and e["action"] in ("attack", "kill") and any(
                    v is not e and (e["fatalities"] is None or e["fatalities"] == v["fatalities"]) for v in violent):
                continue  # "... wounding four": part of the act told in the same sentence
            if e["action"] == "attack" and any(k["actor1"] == e["actor1"] or k["actor1"] is None or e["actor1"] is None
                                               for k in kills):
                target = next(k for k in kills if k["actor1"] == e["actor1"] or k["actor1"] is None
                              or e["actor1"] is None)
                two_sided = BETWEEN_SIDES.search(e.get("evidence") or "")  # the toll of a fight is neither side's
                for key in ("location", "latitude", "longitude", "admin1", "country", "geo_precision",
                            *(() if two_sided else ("actor1", "actor1_country"))):
                    if target.get(key) is None and e.get(key) is not None:
                        target[key] = e[key]
                continue
            if any(_same_act(e, k) and k["_sentence"] == e["_sentence"] for k in kept):
                continue
            kept.append(e)
    out: list[dict] = []
    for e in kept:
        twin = next((o for o in out if _same_act(o, e)), None)
        if twin is None:
            out.append(e)
        elif _rank(e) > _rank(twin):
            out[out.index(twin)] = e
    return out


def drop_sub_counts(events: list[dict]) -> list[dict]:
    """ANNOTATION.md, Scope: a total and its parts are not counted twice. A toll of part of a group
    ("about 20 of the gang members were killed ..., while some 15 others were killed ...") below a
    toll of the same kind of victims the article gave before is a breakdown of it: its sentence's
    kills are dropped."""
    parts, best = set(), {}
    for e in events:
        if e["action"] != "kill" or e["fatalities"] is None:
            continue
        if e.get("_part") and e["fatalities"] < best.get(e.get("victims"), 0):
            parts.add(e["_sentence"])  # "two of the attackers" after "23 people killed" is no part of them
        best[e.get("victims")] = max(best.get(e.get("victims"), 0), e["fatalities"])
    return [e for e in events if not (e["action"] == "kill" and e["_sentence"] in parts)]


def inherit_attribution(events: list[dict], sentences: list[dict]) -> None:
    """A lead sentence followed by a quote from the same actor credited to an agency takes that
    agency as reported_by ("... Akar was quoted as saying by the official Anadolu news agency")."""
    order = [s["key"] for s in sentences]
    for e in events:
        if e["reported_by"] or e["actor1"] is None:
            continue
        try:
            nxt = sentences[order.index(e["_sentence"]) + 1]
        except (ValueError, IndexError):
            continue
        if e["action"] in SPOKEN_ACTS and not roles.is_reporter(nxt["reporter"]):
            continue  # "Erdogan gave them until ... Erdogan said": the actor again, not a source
        if nxt["reporter"] and nxt["speaker_state"] and nxt["speaker_state"] == e["_actor1_state"] \
                and not nxt["has_events"]:
            e["reported_by"] = nxt["reporter"]


def carry_attacker(events: list[dict], sentences: list[dict], reach: int = 2, side_reach: int = 4) -> None:
    """A death toll told without its attacker ("17 people were killed", "one person was killed
    there") is the act of the side named as attacker in the sentences just before, or of the armed
    group whose words frame the sentence (a group's claim of its own act). The victims' side is
    never their own attacker; an act already undated-vague elsewhere keeps None.
    A toll of one side of a fight told a little later ("many soldiers had been killed and 21 of the
    group's fighters had died", "it admitted losing seven fighters") is the act of the other side of
    the last fight between them (within `side_reach` sentences)."""
    order = {s["key"]: i for i, s in enumerate(sentences)}
    recent: list[tuple[int, dict, bool]] = []  # armed acts with an actor (named or carried), latest last
    for e in events:
        pos = order.get(e["_sentence"], -1)
        named = e["actor1"] is not None
        if not named and e["action"] == "kill":
            _carry_one(e, pos, sentences, recent, reach, side_reach)
        if e["actor1"] is not None and e["action"] in SIDED_ACTS:
            recent.append((pos, e, named))


def _carry_one(e: dict, pos: int, sentences: list[dict], recent: list[tuple[int, dict, bool]], reach: int,
               side_reach: int) -> None:
    evidence = e.get("evidence") or ""
    killed = KILLED.search(evidence) is not None
    if BETWEEN_SIDES.search(evidence):
        return  # "since the clashes between X and Y began, 80 have been killed": neither side's act alone
    other = _other_side(e, pos, recent, side_reach)
    if other is not None and not killed:
        e["actor1"], e["actor1_country"] = other["actor1"], other.get("actor1_country")
        return  # "21 of its fighters had died": killed by the side they were fighting
    told_toll = not killed and TOLD_DEATHS.search(evidence) is not None
    if not killed and not told_toll:
        return  # "died when their house collapsed": no attacker to carry
    # a toll told as "20 people had died" is the victims' side's count of its dead, not a claim of its own act
    claimant = sentences[pos].get("speaker_group") if pos >= 0 and not told_toll else None
    # "the army said 20 rebels were killed"
    if claimant is None and pos >= 0 and e.get("victims") == "fighters" and not told_toll:
        claimant = sentences[pos].get("speaker_military")
    if claimant and claimant[0] != e["actor2"]:
        e["actor1"], e["actor1_country"] = claimant
        return
    if SEPARATE_ACTS.search(evidence):
        return  # "17 were killed in separate attacks": several acts, not the one just told, nor one author's
    last = next(((p, v) for p, v, named in reversed(recent) if named and v["action"] in ("attack", "kill")), None)
    if last is not None and 0 <= pos - last[0] <= reach and last[1]["actor1"] != e["actor2"] \
            and last[1].get("_actor1_kind") not in ("civilians", "other"):
        source = last[1]
        e["actor1"], e["actor1_country"] = source["actor1"], source.get("actor1_country")
        if source["_explicit_date"] and not e["_explicit_date"]:  # the toll of the act just told
            for key in ("event_date", "date_precision", "_absolute"):
                e[key] = source.get(key)
    elif other is not None:
        e["actor1"], e["actor1_country"] = other["actor1"], other.get("actor1_country")


BETWEEN_SIDES = re.compile(r"\b(?:clash(?:es)?|fighting|battles?|hostilities|war)\s+between\b", re.IGNORECASE)
# A toll told with a cause of its own ("killed in an air strike", "a raid that killed") is not simply
# the last fight's.
OWN_CAUSE = re.compile(r"\b(?:air ?strikes?|strikes?|raids?|ambush(?:es)?|bomb(?:s|ings?)?|shell(?:s|ing)|"
                       r"attacks?|explosions?|blasts?|drones?|mines?|missiles?)\b", re.IGNORECASE)
# A toll told by someone after the attack ("told reporters 20 people had died", "reports some 70 people
# killed"): carried from the attack just told, like "were killed", but never a claim of the teller's own act.
TOLD_DEATHS = re.compile(r"\b(?:had|have|has)\s+died\b|\breports?\s+(?:some|about|around|at\s+least|"
                         r"nearly|more\s+than)?\s*[\d,]+\s+(?:people\s+)?killed\b", re.IGNORECASE)
SEPARATE_ACTS = re.compile(r"\b(?:separate|several|multiple|various|different|other)\s+(?:attacks|raids|incidents|"
                           r"assaults|ambushes)\b", re.IGNORECASE)
# Acts with two sides whose later tolls are the fight's: attacks, kills, captures, encirclements.
SIDED_ACTS = frozenset({"attack", "kill", "capture", "encircle"})


def _other_side(e: dict, pos: int, recent: list[tuple[int, dict, bool]], side_reach: int) -> dict | None:
    """The latest act within `side_reach` sentences before `pos` that `e`'s victims were a side of,
    as an event whose actor1 is the other side ({"actor1", "actor1_country"}); None when none."""
    victims = e.get("actor2")
    if victims is None or e.get("_actor2_kind") == "civilians" or e.get("is_running_total") \
            or OWN_CAUSE.search(e.get("evidence") or ""):
        return None  # "killed in an air strike": an act of its own, whose author the text does not give
    for p, v, _ in reversed(recent):
        if not 0 <= pos - p <= side_reach:
            break
        if v["actor2"] == victims and v["actor1"] != victims:
            return v
        if v["actor1"] == victims and v["actor2"] is not None and v["actor2"] != victims:
            name = roles.counterpart(v["actor2"], "kill") or v["actor2"]  # a state's acts of war are its forces'
            return {"actor1": name, "actor1_country": v.get("actor2_country")}
    return None
