"""Armed groups and other actors that no table knows, found in the text itself.

* Acronyms the article defines, "the Rapid Support Forces (RSF)": the short form stands for the
  full name in the whole article.
* Proper names that say they are a group ("Arakan Army", "Permanent Strategic Framework for the
  Defence of the People of Azawad") or are followed by a fighters' noun ("al-Shabaab fighters").
* "forces loyal to X", "fighters of X", "X-backed militias".
* A later "the group", "the rebels", "the militants" is the group named last, when one was.

Names are kept as the article spells them, without a leading article or possessive. The per-
article state (acronyms, the last group) lives in each paragraph doc's user_data["article"], a
dict the pipeline shares between the paragraphs of one article.
"""

from __future__ import annotations

import functools
import re

from conflict_monitor.model.actors import Actor, resolve_actor

# Words that make a proper name an organised group, and the kind they suggest (ACLED's actor
# types: rebel groups, militias, state forces; cf. the ACLED Codebook, "Actors").
GROUP_WORDS = {
    "army": "armed group", "front": "armed group", "movement": "armed group", "forces": "armed group",
    "force": "armed group", "brigade": "armed group", "brigades": "armed group", "battalion": "armed group",
    "battalions": "armed group", "group": "armed group", "alliance": "armed group", "resistance": "armed group",
    "liberation": "armed group", "mujahideen": "armed group", "jihad": "armed group", "shabaab": "armed group",
    "haram": "armed group", "shabab": "armed group", "framework": "armed group",
    "coalition": "armed group", "council": "armed group", "organisation": "armed group",
    "organization": "armed group", "militia": "militia", "militias": "militia", "guard": "militia",
    "guards": "militia", "committees": "militia", "volunteers": "militia", "gang": "militia", "gangs": "militia",
    "party": "political party", "islamic": "armed group",
    # Arabic words for group, movement, front, army, brigades, party, supporters in group names
    "jama'at": "armed group", "jamaat": "armed group", "harakat": "armed group", "jabhat": "armed group",
    "jaysh": "armed group", "jaish": "armed group", "kataib": "armed group", "liwa": "armed group",
    "hizb": "armed group", "ansar": "armed group", "tahrir": "armed group",
}
ARMED_KINDS = frozenset({"armed group", "militia"})
FIGHTER_NOUNS = frozenset("fighter fighters militant militants rebel rebels insurgent insurgents militia militias "
                          "gunman gunmen jihadist jihadists member members forces troops combatants group gang "
                          "gangs coalition movement militiamen guerrillas guerrilla".split())
# "FARC dissidents", "ex-Seleka splinters": a group that broke away, named by the body it left
SPLINTER_NOUNS = frozenset({"dissidents", "splinters", "defectors"})
# Capitalised words that describe a group rather than name it ("Islamist gunmen", "Suspected ADF").
DESCRIPTIVE = frozenset("suspected separatist separatists islamist islamists jihadist jihadists armed rebel rebels "
                        "militant militants insurgent insurgents fighters gunmen members troops soldiers "
                        "unidentified unknown alleged".split())
COREF_NOUNS = frozenset("group rebel militant insurgent jihadist militia fighter extremist terrorist gunman "
                        "movement faction organisation organization gang guerrilla attacker assailant".split())
# Words before a group's name that are not part of it ("Fighters of the Arakan Army (AA)").
LEAD_WORDS = frozenset("fighters members troops soldiers gunmen militants rebels insurgents suspected alleged".split())
# "Tigray People's Liberation Front": a possessive inside a name, after these words only
COLLECTIVE_OWNERS = frozenset("people workers women martyrs peoples".split())
PLACE_WORDS = frozenset("state province region area district county territory city town village island islands "
                        "airport camp".split())
NAME_LINKS = frozenset({"of", "for", "the", "and", "al", "wal", "el", "ad", "-", "de", "du", "des", "la", "le"})
NOT_NAMES = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                      "june july august september october november december".split())
ACRONYM_DEF = re.compile(r"((?:[A-Z][\w'’.-]+|al-\w+)(?:[ -](?:[A-Z][\w'’.-]+|of|for|the|and|in|al|wal|de|du|des|"
                         r"al-\w+))*)\s+\((?:the\s+)?([A-Z][A-Z0-9-]{1,9})\)")


UN_BODY = re.compile(r"(?:U\.?N\.?|United Nations)\s+[A-Z]")


def find_acronyms(text: str) -> dict[str, str]:
    """Acronym -> full name for every "Full Name (ACR)" in the text; the first definition wins."""
    out: dict[str, str] = {}
    for m in ACRONYM_DEF.finditer(text):
        name, short = clean_name(m.group(1)), m.group(2)
        words = name.split()
        while words and (words[0].lower() in LEAD_WORDS or words[0].lower() in ("of", "the")):
            words = words[1:]  # "Fighters of the Arakan Army (AA)" defines "Arakan Army"
        name = " ".join(words)
        if len(name.split()) >= 2 and short not in out:
            out[short] = "UN" if UN_BODY.match(name) else name  # "U.N. Mission in South Sudan": a UN body
    return out


def clean_name(text: str) -> str:
    """"the Arakan Army's" -> "Arakan Army": no article, no possessive, single spaces."""
    text = re.sub(r"\s+", " ", text.replace("’", "'")).strip(" ,.;:\"'")
    text = re.sub(r"^(?:the|a|an)\s+", "", text, flags=re.IGNORECASE)
    return re.sub(r"'s?$", "", text).strip()


def article_state(doc) -> dict:
    """The per-article dict this doc shares with its article's other paragraphs."""
    return doc.user_data.setdefault("article", {"acronyms": {}, "names": {}, "last_group": None})


def _is_name_token(tok) -> bool:
    if tok.lower_ in NOT_NAMES or tok.lower_ in DESCRIPTIVE or tok.like_num:
        return False
    if tok.is_punct:
        return tok.text == "-" and tok.pos_ == "PROPN"  # "al-Shabaab" is split in three
    if tok.is_sent_start and tok.pos_ != "PROPN":
        return False  # capitalised only because it opens the sentence
    return tok.pos_ == "PROPN" or tok.text[:1].isupper()


def name_chunks(tokens) -> list[tuple[int, int]]:
    """(start, end) token spans of proper names among `tokens` (sorted by index)."""
    toks = sorted(tokens, key=lambda t: t.i)
    out, start, last = [], None, None
    for t in toks:
        name = _is_name_token(t) and not (t.is_sent_start and t.lower_ in ("the", "a", "an"))
        link = start is not None and t.i == last + 1 and (t.lower_ in NAME_LINKS or (
            t.lower_ in ("'s", "’s") and t.i > 0 and t.doc[t.i - 1].lower_ in COLLECTIVE_OWNERS))
        if name and (start is None or t.i == last + 1):
            start = t.i if start is None else start
            last = t.i
        elif link:
            last = t.i
        else:
            if start is not None:
                out.append((start, last + 1))
            start, last = (t.i, t.i) if name else (None, None)
    if start is not None:
        out.append((start, last + 1))
    doc = toks[0].doc if toks else None
    trimmed = []
    for s, e in out:  # a chunk never ends in a link word
        while e > s and (doc[e - 1].lower_ in NAME_LINKS or doc[e - 1].lower_ in ("'s", "’s")):
            e -= 1
        if e > s:
            trimmed.append((s, e))
    return trimmed


def group_in_tokens(tokens, doc):
    """(canonical name, kind, start, end) of a group named in `tokens`, or None."""
    if not tokens:
        return None
    state = article_state(doc)
    for start, end in name_chunks(tokens):
        span = doc[start:end]
        text = clean_name(span.text)
        words = [w.lower() for w in re.findall(r"[\w']+", text)]
        if not words or (span.root.ent_type_ == "ACTOR"):
            continue
        after = doc[end] if end < len(doc) else None
        if after is not None and after.lower_ in SPLINTER_NOUNS and after.pos_ == "NOUN":
            # "FARC dissidents" are a group of their own, not the body they broke from
            return _remember(state, f"{text} {after.lower_}", "armed group", start, end + 1)
        known = resolve_known(state["acronyms"].get(text) or text) or state_forces(state["acronyms"].get(text) or text)
        if known is not None:
            return known.canonical, known.kind, start, end
        if text in state["names"]:
            return _remember(state, text, state["names"][text], start, end)
        if any(s.start <= start and end <= s.end for s in doc.spans.get("places", [])) and \
                not any(w in GROUP_WORDS for w in words[1:]):
            continue  # a place ("Djibo") is not an actor
        if words[-1] in PLACE_WORDS and "islamic" not in words:
            continue  # "Borno State", "Upper Nile State", "Marte Local Government Area"
        full = state["acronyms"].get(text)
        kind = next((GROUP_WORDS[w] for w in reversed(words) if w in GROUP_WORDS), None)
        fighters = after is not None and after.lower_ in FIGHTER_NOUNS
        if full:
            kind = state["names"].get(full) or kind_of(full)
            return _remember(state, full, kind, start, end)
        if text in state["acronyms"].values():
            return _remember(state, text, kind_of(text), start, end)
        if kind and len(words) >= 2 or fighters or (text.isupper() and 2 <= len(text) <= 6 and kind is None
                                                    and span.root.dep_ in ("nsubj", "nsubjpass", "pobj", "poss")):
            return _remember(state, text, kind or "armed group", start, end)
    return None


@functools.lru_cache(maxsize=8192)
def resolve_known(name: str) -> Actor | None:
    """The table actor a whole name stands for ("Niger Armed Forces"), not a name inside it."""
    actor = resolve_actor(name)
    if actor is None or actor.generated:
        return actor
    aliases = {a.lower() for a in (actor.canonical, *actor.aliases)}
    return actor if clean_name(name).lower() in aliases else None


def defined_here(ent) -> str | None:
    """The full name an article gives an acronym that a table knows otherwise ("AA" is the Arakan
    Army where the article says so, not Anadolu), or None."""
    full = article_state(ent.doc)["acronyms"].get(ent.text)
    return full if full and resolve_known(full) is None else None


def own_reporter(reporter: str | None, text: str, doc) -> str | None:
    """The reporter, unless the table's name came from an acronym the article defines otherwise
    ("the AA said" in an article on the Arakan Army (AA)): then the article's full name."""
    if reporter is None:
        return None
    for short, full in article_state(doc)["acronyms"].items():
        known = resolve_actor(short)
        if known is not None and known.canonical == reporter and re.search(rf"\b{re.escape(short)}\b", text) \
                and resolve_known(full) is None:
            return full
    return reporter


# Words a state's own forces carry in their names ("South Sudan People's Defence Forces",
# "Mozambican Defence and Security Forces"). "National" is left out on purpose: "Libyan National
# Army" and "Syrian National Army" are not their states' forces.
STATE_FORCE_WORDS = frozenset("defence defense security armed people's people federal royal and of the".split())
STATE_FORCE_ENDS = frozenset("forces force army police".split())


@functools.lru_cache(maxsize=8192)
def state_forces(name: str) -> Actor | None:
    """The state forces a name like "<Country or demonym> ... Defence Forces" stands for, or None."""
    words = name.replace("’", "'").split()
    if len(words) < 3 or words[-1].lower() not in STATE_FORCE_ENDS:
        return None
    for cut in (1, 2, 3):
        head, middle = " ".join(words[:cut]), [w.lower() for w in words[cut:-1]]
        named = bool(middle)
        if "national" in middle and ("defence" in middle or "defense" in middle or words[-1].lower() == "police"):
            middle.remove("national")  # "Ethiopian National Defense Force", "Kenyan National Police" are the state's
        if named and all(w in STATE_FORCE_WORDS for w in middle):
            actor = resolve_actor(f"{head} forces")
            if actor is not None and actor.kind == "military" and actor.generated:
                return actor
    return None


def kind_of(name: str) -> str:
    """The kind a group's own name suggests; "organisation" when it says nothing."""
    words = [w.lower() for w in re.findall(r"[\w']+", name)]
    return next((GROUP_WORDS[w] for w in reversed(words) if w in GROUP_WORDS), "organisation")


def _remember(state: dict, name: str, kind: str, start: int, end: int):
    state["names"][name] = kind
    if kind in ARMED_KINDS:
        state["last_group"] = (name, kind)
    return name, kind, start, end


def coreferent_group(tokens, doc):
    """"the group", "the rebels", "its fighters": the group named last in the article, or None."""
    state = article_state(doc)
    if state["last_group"] is None:
        return None
    for t in tokens:
        if t.lemma_.lower() in COREF_NOUNS and t.pos_ == "NOUN" and any(
                c.lower_ in ("the", "its", "their") for c in t.children if c.dep_ in ("det", "poss")):
            name, kind = state["last_group"]
            return name, kind, t.i, t.i + 1
    return None


def loyal_to(tokens, doc):
    """"forces loyal to X", "fighters of X": the tokens naming X, or []."""
    for t in tokens:
        if t.lower_ in FIGHTER_NOUNS:
            for c in t.children:
                if c.dep_ == "amod" and c.lower_ in ("loyal", "allied", "affiliated"):
                    return [g for p in c.children if p.dep_ == "prep" for g in p.subtree]
                if c.dep_ == "prep" and c.lower_ == "of":
                    return [g for g in c.subtree if g is not c]
    return []
