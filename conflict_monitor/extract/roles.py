"""Who did what to whom: subjects, agents and objects from the parse, resolved to canonical actors.

State and military actors are paired per country (ANNOTATION.md, Canonical actors): violent acts
by "Turkey" are coded "Turkish forces", statements by "Syrian government forces" become "Syrian
government". Generic names ("government forces", "the army") go to the article's main country.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from conflict_monitor.extract import groups
from conflict_monitor.extract.clauses import GENERIC_MILITARY
from conflict_monitor.extract.lexicon import VIOLENT, lookup
from conflict_monitor.model.actors import all_actors

# Warplanes named without an owner ("two jet fighters dropped bombs", "a jet struck"): the air force of
# the article's main country, the side that flies them in the civil wars this tool is used for
AIR_ASSETS = frozenset("jet warplane aircraft helicopter gunship bomber".split())
# Words that make a name an organ of the state, not a group ("Presidential Council", "Interior Ministry")
STATE_ORGANS = frozenset("presidential presidency ministry government cabinet parliament".split())
PRONOUNS = frozenset("he she they we it his her their its our i".split())
REPORTER_KINDS = frozenset({"monitor", "news agency"})


@dataclass(frozen=True)
class ActorRef:
    """A resolved actor and the token span it came from."""

    canonical: str
    country: str | None
    kind: str
    start: int
    end: int
    generic: bool = False


@functools.lru_cache(maxsize=1)
def demonyms() -> dict[str, str]:
    """Lower-case one-word demonym -> ISO3 ("malian" -> MLI), from the all-states table."""
    from conflict_monitor.model.states import load_states  # noqa: PLC0415

    return {d.lower(): s.iso3 for s in load_states() for d in s.demonyms if " " not in d}


@functools.lru_cache(maxsize=1)
def _actors_by_name() -> dict[str, tuple[str | None, str]]:
    out: dict[str, tuple[str | None, str]] = {}
    for a in all_actors():
        out.setdefault(a.canonical, (a.country, a.kind))
    return out


@functools.lru_cache(maxsize=1)
def _by_country() -> dict[tuple[str, str], str]:
    """(ISO3, 'state'|'military') -> canonical actor; the first row of the table wins."""
    out: dict[tuple[str, str], str] = {}
    for actor in all_actors():
        if actor.country and actor.kind in ("state", "military"):
            out.setdefault((actor.country, actor.kind), actor.canonical)
    return out


def actor_kind(canonical: str | None) -> str | None:
    return _actors_by_name().get(canonical or "", (None, None))[1]


def actor_country_of(canonical: str | None) -> str | None:
    return _actors_by_name().get(canonical or "", (None, None))[0]


def is_reporter(canonical: str | None) -> bool:
    return actor_kind(canonical) in REPORTER_KINDS


def counterpart(canonical: str | None, action: str) -> str | None:
    """The state or military actor of the same country that fits the action's kind."""
    if canonical is None:
        return None
    country, kind = _actors_by_name().get(canonical, (None, None))
    if not country or kind not in ("state", "military"):
        return canonical
    want = "military" if action in VIOLENT else "state"
    return _by_country().get((country, want), canonical) if want != kind else canonical


def article_kind(doc, name: str) -> str:
    """The kind the article's text gave a group (armed group unless it said otherwise)."""
    kind = groups.article_state(doc)["names"].get(name)
    if kind is None:
        words = [w.lower() for w in name.replace("-", " ").split()]
        kind = next((groups.GROUP_WORDS[w] for w in reversed(words) if w in groups.GROUP_WORDS), "armed group")
    return kind


def _in_apposition(tok) -> bool:
    """"Its leader, former police officer X": a word inside an apposition describes, it does not act."""
    for _ in range(3):
        if tok.dep_ in ("appos", "acl", "relcl"):
            return True
        if tok.head is tok:
            return False
        tok = tok.head
    return False


@functools.lru_cache(maxsize=1)
def _capitals() -> frozenset[str]:
    from conflict_monitor.model.states import load_states  # noqa: PLC0415

    names = {n.lower() for s in load_states() for n in (s.name, *s.aliases)}
    return frozenset(c.lower() for s in load_states() if s.capital for c in (s.capital, s.capital.replace("'", ""))
                     if c.lower() not in names)


def same_state(a: str | None, b: str | None) -> bool:
    """True for a state and its own forces ("Somalia", "Somali forces")."""
    ka, kb = _actors_by_name().get(a or ""), _actors_by_name().get(b or "")
    return bool(ka and kb and ka[0] and ka[0] == kb[0] and {ka[1], kb[1]} <= {"state", "military"})


def main_country_military(country: str | None) -> str | None:
    return _by_country().get((country, "military")) if country else None


def main_country_state(country: str | None) -> str | None:
    return _by_country().get((country, "state")) if country else None


def actor_in_tokens(tokens, doc, main_country: str | None = None, head=None) -> ActorRef | None:
    """The canonical actor named in these tokens: a table alias first, then a demonym ("Russian
    jets") or a generic military noun ("government shelling") for the article's main country."""
    if not tokens:
        return None
    idx = {t.i for t in tokens}
    ents = [e for e in doc.ents if e.label_ == "ACTOR" and e.start in idx and not _is_venue(e)]
    if head is not None:  # the name that heads the phrase beats a possessive ("Sudan's army")
        ents.sort(key=lambda e: not e.start <= head.i < e.end)
    for ent in ents:
        full = groups.defined_here(ent)
        if full is not None:  # the article's own "Arakan Army (AA)" beats the table's AA
            kind = article_kind(doc, full)
            return ActorRef(full, main_country, kind, ent.start, ent.end)
        if True:
            country, kind = _actors_by_name().get(ent.ent_id_, (None, "?"))
            alias = ent.text.lower()
            generic = not any(w in alias for w in ("syria", "assad", "damascus", "regime"))
            canonical = ent.ent_id_
            if generic and country == "SYR" and main_country not in (None, "SYR"):
                # "government forces", "rebels": names that mean the main country's parties
                if kind != "military" or not main_country_military(main_country):
                    continue
                canonical = main_country_military(main_country)
                country = actor_country_of(canonical)
            return ActorRef(canonical, country, kind, ent.start, ent.end, generic)
    loyal = groups.loyal_to(tokens, doc)
    if loyal:
        ref = actor_in_tokens(loyal, doc, main_country)
        if ref is not None:
            return ref
        chunks = groups.name_chunks(loyal) if any(t.lower_ in ("loyal", "allied") for t in tokens) else []
        if chunks:  # "forces loyal to Khalifa Haftar": the forces go by their leader's name
            start, end = chunks[0]
            return ActorRef(groups.clean_name(doc[start:end].text), main_country, "armed group", start, end)
    found = groups.group_in_tokens(tokens, doc)
    if found is not None:
        name, kind, start, end = found
        state = main_country_state(main_country)
        if state and STATE_ORGANS & set(name.lower().split()) and not actor_kind(name):
            # "the Transitional Presidential Council", "the Ministry of Defence": the state's own body
            return ActorRef(state, main_country, "state", start, end, True)
        return ActorRef(name, main_country, kind, start, end)
    for t in tokens:
        country = demonyms().get(t.lower_)
        if country and t.dep_ in ("amod", "compound") and (t.head.pos_ == "PROPN" or
                                                          t.head.lemma_.lower() in PLACE_NOUNS):
            continue  # part of a name ("Dominican Republic"), or a place ("the Somali capital")
        if country and t.dep_ in ("amod", "compound", "nsubj", "poss"):
            canonical = _by_country().get((country, "state")) or _by_country().get((country, "military"))
            if canonical:
                return ActorRef(canonical, country, actor_kind(canonical) or "?", t.i, t.i + 1, True)
    for t in tokens:
        if (t.lemma_.lower() in GENERIC_MILITARY or t.lower_ == "troops" or t.lemma_.lower() in AIR_ASSETS
                and _acting_noun(t) and not any(c.dep_ == "poss" for c in t.children)) and main_country \
                and t.pos_ in ("NOUN", "ADJ", "PROPN") \
                and not _in_apposition(t):
            canonical = main_country_military(main_country)
            if canonical:
                return ActorRef(canonical, main_country, "military", t.i, t.i + 1, True)
    found = groups.coreferent_group(tokens, doc)
    if found is not None:
        name, kind, start, end = found
        country = actor_country_of(name) or main_country
        return ActorRef(name, country, actor_kind(name) or kind, start, end, True)
    return None


PLACE_NOUNS = frozenset("border frontier region province state district town city village area capital territory "
                        "coast side north south east west centre center part".split())
LOC_PREPS = frozenset("in near at inside outside around across into from towards toward".split())


def _is_venue(ent) -> bool:
    """"in Ankara", "from Damascus", "in Mali", "the border with Niger", "Somalia's Shabelle region":
    a capital or country named as a place is not the actor."""
    root = ent.root
    if ent.text.lower() in _capitals():  # "attacked Tripoli": the city; "Tripoli said": the government
        if root.dep_ == "pobj" and root.head.lower_ not in ("by", "against", "with", "between"):
            return True
        if root.dep_ in ("dobj", "nsubjpass"):
            row = lookup(root.head)
            return row is not None and row.action in VIOLENT
    if root.pos_ == "PROPN" and actor_kind(ent.ent_id_) == "state":
        if root.dep_ in ("compound", "nmod", "amod") and root.head.lemma_.lower() in PLACE_NOUNS:
            return True  # "the northern Burkina Faso town of Djibo"
        if root.dep_ == "poss" and (root.head.pos_ == "PROPN" or root.head.lemma_.lower() in PLACE_NOUNS):
            return True
        if root.dep_ == "pobj" and root.head.lower_ in ("with", "of", "to") and \
                root.head.head.lemma_.lower() in PLACE_NOUNS:
            return True
    if root.dep_ != "pobj" or root.head.lower_ not in LOC_PREPS:
        return False
    if root.pos_ == "PROPN" and actor_kind(ent.ent_id_) == "state":
        return True
    return bool([s for s in ent.doc.spans.get("places", []) if s.start <= root.i < s.end])


def _acting_noun(tok) -> bool:
    """`tok` (or the noun it is a compound of: "jet fighters") is a subject or a "by" agent: the
    one acting, not the instrument ("pounded with helicopter gunfire") or the target."""
    t = tok.head if tok.dep_ == "compound" else tok
    return t.dep_ in ("nsubj", "nsubjpass") or t.dep_ == "pobj" and t.head.lower_ == "by"


def nearest_actor_before(verb, doc, main_country: str | None = None) -> ActorRef | None:
    """Fallback when the parser found no subject: the closest actor named in the few words
    before the verb ("a Russian missile strike on Saturday killed ...")."""
    start = max(verb.sent.start, verb.i - 8)
    for i in range(verb.i - 1, start - 1, -1):
        if doc[i].is_punct and doc[i].text in ",;:" and i < verb.i - 1 and doc[i + 1].pos_ != "PROPN":
            break
        ref = actor_in_tokens([doc[i]], doc, main_country)
        if ref is not None and doc[i].dep_ not in ("dobj", "pobj", "attr", "dative", "conj") \
                and doc[i].head.dep_ not in ("dobj", "pobj"):
            return ref
    return None
