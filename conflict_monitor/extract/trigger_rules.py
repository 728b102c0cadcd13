"""Rules on single trigger words: what was seized (a place or goods), warnings and vows that are
threats (CAMEO 138), and an assault that is part of a capture. Split from events.py."""

from __future__ import annotations

from conflict_monitor.extract import roles
from conflict_monitor.extract.event_record import PEOPLE
from conflict_monitor.extract.scope import QUANTITY_NOUNS, SAY_VERBS

# Things seized that are not places (ANNOTATION.md: capture is a place taken).
GOODS = frozenset("vehicle truck tank weapon arm ammunition equipment gun rifle mortar tanker motorcycle drone "
                  "cache fuel cattle livestock money cash hostage loot supply food aid document boat ship vessel "
                  "aircraft helicopter plane car bus canoe".split())
RELATIVE = frozenset({"that", "which", "who", "whom"})


def takes_goods(verb) -> bool:
    """True when what was seized is goods or people, not a place: "seized 12 vehicles", "a boat that
    they had seized", "a boy captured by residents" (the noun a participle or relative clause hangs on)."""
    objects = [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    if verb.dep_ in ("acl", "relcl") and (verb.dep_ == "acl" or not objects or all(
            o.lower_ in RELATIVE for o in objects)):
        objects = [verb.head]
    if not objects:  # "hundreds of rounds of ammunition seized" parsed with the goods as subject
        objects = [c for c in verb.children if c.dep_ == "nsubj" and _what(c).lemma_.lower() in GOODS]
    return bool(objects) and all(_what(o).lemma_.lower() in GOODS | PEOPLE for o in objects)


def _what(noun):
    """The thing counted: "hundreds of rounds of ammunition" is ammunition."""
    for _ in range(3):
        of = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
        if (noun.lemma_.lower() not in QUANTITY_NOUNS and noun.lower_ not in QUANTITY_NOUNS) or pobj is None:
            break
        noun = pobj
    return noun


# "warned that the response will be implacable": a warning of what one will do in return
RESPONSE_NOUNS = frozenset("response retaliation reprisal reply revenge consequence price".split())


def warns_of_own_act(verb) -> bool:
    """A warning is a threat when the speaker warns of its own action (or of a response) or warns
    someone directly."""
    if any(c.dep_ in ("dobj", "dative") for c in verb.children):
        return True
    for c in verb.children:
        if c.dep_ in ("ccomp", "xcomp"):
            subj = [g for g in c.children if g.dep_ in ("nsubj", "nsubjpass")]
            return not subj or subj[0].lower_ in roles.PRONOUNS or subj[0].lemma_.lower() in RESPONSE_NOUNS
        if c.dep_ == "prep" and c.lower_ == "of":
            return True
    return False


# "We will respond", "we shall retaliate": a speaker's own future use of force is a threat (CAMEO 138).
FORCE_VERBS = frozenset("respond retaliate avenge strike hit attack crush punish destroy fight".split())
FUTURE = frozenset({"will", "shall", "'ll"})


def vows_force(tok) -> bool:
    """"We will respond", "Turkey would respond in the strongest way" (reported), "reserved the right to
    respond", "would not hesitate to use force": a threat of force (CAMEO 138)."""
    lemma = tok.lemma_.lower()
    if lemma not in THREAT_HEADS or tok.pos_ != "VERB" or any(
            c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in tok.children):
        return False
    negated = any(c.dep_ == "neg" for c in tok.children)
    if lemma == "reserve":  # "reserved the right to respond"
        return any(c.dep_ == "dobj" and c.lemma_.lower() == "right" and any(
            g.dep_ in ("acl", "xcomp") and g.lemma_.lower() in RESPONSE_VERBS for g in c.children)
            for c in tok.children)
    if lemma == "hesitate":  # "would not hesitate to use force"
        return negated and any(c.dep_ == "xcomp" and c.lemma_.lower() in RESPONSE_VERBS for c in tok.children)
    if negated or lemma not in FORCE_VERBS:
        return False
    auxes = {c.lower_ for c in tok.children if c.dep_ == "aux"}
    if auxes & FUTURE and any(c.dep_ == "nsubj" and c.lower_ == "we" for c in tok.children):
        return True
    return "would" in auxes | FUTURE and lemma in RESPONSE_VERBS and tok.dep_ == "ccomp" \
        and tok.head.lemma_.lower() in SAY_VERBS and any(c.dep_ == "nsubj" for c in tok.children)


# What one does in return ("respond", "retaliate") or uses ("use force"): threatened in reported speech too
RESPONSE_VERBS = frozenset("respond retaliate avenge punish use".split())
THREAT_HEADS = FORCE_VERBS | RESPONSE_VERBS | {"reserve", "hesitate"}


def part_of_capture(tok, row, nominal: bool, captures: set[int]) -> bool:
    """"attacked and overran the town", "was attacked and overrun by X": an attack verb joined to a
    capture verb that shares its subject is the capture's assault, one act (a conjunct with a subject
    of its own, "pounded the town and the army took it back", is a second act)."""
    if row.action != "attack" or nominal or not captures:
        return False
    if any(c.dep_ == "conj" and c.i in captures and not _own_subject(c) for c in tok.children):
        return True
    return tok.dep_ == "conj" and tok.head.i in captures and not _own_subject(tok)


def _own_subject(verb) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)
