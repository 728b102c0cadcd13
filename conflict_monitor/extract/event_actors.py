"""Who acted and on whom, for one trigger: actor1 from the subject (or the noun's modifiers,
"clashes between X and Y", pronouns resolved to the sentence's speaker), actor2 from the
objects and prepositions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conflict_monitor.extract import clauses, groups, roles
from conflict_monitor.extract.lexicon import VERBAL, Trigger, lookup
from conflict_monitor.extract.scope import SAY_VERBS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from conflict_monitor.extract.context import Context


def find_actor1_refs(trigger: Token, anchor: Token, nominal: bool, doc: Doc, ctx: Context, sent: Span,
                     absorbed: list[Token]) -> list[roles.ActorRef | None]:
    """The actors of the act (more than one for "X and Y attacked"); [None] when none is found."""
    if nominal:
        pair = _between(trigger, doc, ctx)
        if pair:
            return [pair[0]]
        ref = roles.actor_in_tokens(clauses.modifier_tokens(trigger), doc, ctx.main_country)
        if ref is None and _action(trigger) in ("deploy", "displace"):
            of = [g for c in trigger.children if c.dep_ == "prep" and c.lower_ == "of" for g in c.children]
            ref = roles.actor_in_tokens([t for g in of for t in clauses.modifier_tokens(g)], doc, ctx.main_country)
        if ref is None and ctx.sent_speaker and any(c.dep_ == "prep" and c.lower_ == "with" for c in trigger.children):
            # "The AA said fighting with junta troops was continuing": the speaker is the other side
            ref = roles.ActorRef(ctx.sent_speaker, roles.actor_country_of(ctx.sent_speaker),
                                 roles.actor_kind(ctx.sent_speaker) or "?", trigger.i, trigger.i + 1)
        if ref is None and trigger.dep_ == "nsubjpass":  # "the attack was led by X", "... claimed by X"
            agent = [g for c in anchor.children if c.dep_ == "agent" for g in c.subtree]
            ref = roles.actor_in_tokens(agent, doc, ctx.main_country) if agent else None
        if ref or anchor is trigger or trigger.dep_ in ("nsubj", "nsubjpass") or under_fire(anchor):
            return [ref]  # "the base came under attack": its subject is the target, not the attacker
        anchor_verb = anchor
    else:
        anchor_verb = trigger
        head = trigger.head
        if _action(trigger) in VERBAL and trigger.dep_ == "conj" and head.dep_ == "ccomp" \
                and head.head.lemma_.lower() in SAY_VERBS \
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in trigger.children):
            # "The group said civilians had been killed by the army, and vowed to retaliate": the parse
            # hung the vow on the reported clause; who vows is who said it
            anchor_verb = head.head
    subj, passive, reached = clauses.subject_and_verb(anchor_verb)
    if subj is not None and under_fire(reached):
        return [None]  # "a helicopter came under fire, killing a crew member": the helicopter was hit
    if subj is not None:
        if _action(trigger) == "displace" and _in_between(subj):
            return [None]  # "fighting between X and Y has forced thousands from their homes": neither side's act
        if subj.lower_ in roles.PRONOUNS:
            return [_pronoun(subj, ctx)]
        poss = [c for c in subj.children if c.dep_ == "poss" and c.lower_ in roles.PRONOUNS]
        named = roles.actor_in_tokens(clauses.noun_phrase(subj), doc, ctx.main_country) if poss else None
        if poss and (named is None or named.generic and named.start == subj.i):  # "its forces": the owner
            return [_pronoun(poss[0], ctx)]
        refs = [roles.actor_in_tokens(clauses.noun_phrase(s) if s is subj else [s, *[t for t in s.subtree
                if t.dep_ != "conj" and t.i < s.i]], doc, ctx.main_country, head=s) for s in clauses.subjects(subj)]
        refs = [r for r in refs if r is not None]
        if refs:
            return refs
        state = _titled_leader(subj, ctx)
        if state is not None:
            return [state]
        if subj.lemma_.lower() in CLAIMED_ACTS and ctx.sent_speaker and \
                groups.article_state(doc)["names"].get(ctx.sent_speaker) in groups.ARMED_KINDS:
            # "the group said the attack killed 47 soldiers": an armed group claiming its own attack
            return [_pronoun(subj, ctx)]
        if subj.lemma_.lower() in CLAIMED_ACTS or subj.lower_ in ("that", "which"):
            claimant = _claimant(subj, doc, ctx)
            if claimant is not None:
                return [claimant]
    for noun in absorbed:
        ref = roles.actor_in_tokens(clauses.modifier_tokens(noun) or list(noun.subtree), doc, ctx.main_country)
        if ref:
            return [ref]
    if passive:  # "killed in the Turkish response", "killed in an air strike by X"
        ref = roles.actor_in_tokens(clauses.modifier_tokens(anchor_verb), doc, ctx.main_country)
        return [ref]
    if subj is None:
        return [roles.nearest_actor_before(reached, doc, ctx.main_country)]
    return [None]


CLAIMED_ACTS = frozenset("attack assault raid ambush offensive operation bombing".split())
# "came under fire", "was under attack", "came under heavy shelling": the subject is what was hit
FIRE_NOUNS = frozenset("fire attack assault shelling bombardment siege gunfire bombing".split())


def _claimant(subj: Token, doc: Doc, ctx: Context) -> roles.ActorRef | None:
    """"It claimed an assault that it said killed 54", "X claimed the attack, which killed 9": the act
    (or the relative pronoun standing for it) is the object of a "claim" verb up the tree, whose
    subject did it."""
    tok = subj
    for _ in range(6):
        if tok.lemma_.lower() == "claim" and tok.pos_ == "VERB":
            acts = [c for c in tok.children if c.dep_ == "dobj" and c.lemma_.lower() in CLAIMED_ACTS]
            who = next((c for c in tok.children if c.dep_ == "nsubj"), None)
            if not acts or who is None:
                return None
            if who.lower_ in roles.PRONOUNS:
                return _pronoun(who, ctx)
            return roles.actor_in_tokens(clauses.noun_phrase(who), doc, ctx.main_country)
        if tok.head is tok:
            break
        tok = tok.head
    return None


def under_fire(verb) -> bool:
    """True when `verb` is "come" or "be" with "under <fire|attack|...>": its subject is the target."""
    if verb is None or verb.lemma_.lower() not in ("come", "be"):
        return False
    return any(c.dep_ == "prep" and c.lower_ == "under" and any(
        g.dep_ == "pobj" and g.lemma_.lower() in FIRE_NOUNS for g in c.children) for c in verb.children)


def under_fire_target(trigger, doc, ctx: Context) -> roles.ActorRef | None:
    """The subject of the "came under fire" clause that `trigger` belongs to (itself, its noun or the
    verb it hangs on as "..., killing ..."), as an actor; None when the clause is not of that kind."""
    verb = trigger.head if trigger.dep_ == "pobj" and trigger.head.lower_ == "under" else trigger
    verb = verb.head if verb.dep_ == "prep" else verb
    subj, _, reached = clauses.subject_and_verb(verb)
    if subj is None or not under_fire(reached):
        return None
    return roles.actor_in_tokens(clauses.noun_phrase(subj), doc, ctx.main_country)


def _pronoun(tok, ctx: Context) -> roles.ActorRef | None:
    """"it said it had ...", "its forces": the speaker of this sentence, else the last speaker."""
    who = ctx.sent_speaker or (ctx.speaker if tok.lower_ in ("he", "she", "we", "i", "his", "her", "our") else None)
    if who is None and tok.lower_ in ("it", "its", "they", "their"):
        last = groups.article_state(tok.doc)["last_group"]  # "The group ... It also claimed"
        if last is not None:
            return roles.ActorRef(last[0], roles.actor_country_of(last[0]) or ctx.main_country,
                                  roles.actor_kind(last[0]) or last[1], tok.i, tok.i + 1)
    if who is None:
        return None
    return roles.ActorRef(who, roles.actor_country_of(who), roles.actor_kind(who) or "?", tok.i, tok.i + 1)



def _action(trigger) -> str | None:
    row = lookup(trigger)  # None for an event a rule inferred ("we will respond": a threat)
    return row.action if row is not None else None


def _in_between(subj) -> bool:
    """True for "fighting between X and Y" as a subject, and for X or Y themselves when the parser hung
    the relative clause ("... that has forced thousands from their homes") on the pair's last name."""
    if any(c.dep_ == "prep" and c.lower_ == "between" for c in subj.children):
        return True
    tok = subj
    while tok.dep_ == "conj" and tok.head is not tok:
        tok = tok.head
    return tok.dep_ == "pobj" and tok.head.lower_ == "between"


def _between(noun, doc, ctx) -> list:
    """"clashes between X and Y" -> [X, Y]."""
    for c in noun.children:
        if c.dep_ == "prep" and c.lower_ == "between":
            refs = []
            for g in c.children:
                if g.dep_ == "pobj":
                    for s in clauses.subjects(g):
                        ref = roles.actor_in_tokens([t for t in s.subtree if t.dep_ not in ("conj", "cc")
                                                     or t is s], doc, ctx.main_country)
                        if ref and all(r.canonical != ref.canonical for r in refs):
                            refs.append(ref)
            return refs
    return []


def find_actor2_ref(trigger: Token, nominal: bool, row: Trigger, doc: Doc, ctx: Context,
                    fig_tokens: list[Token]) -> roles.ActorRef | None:
    """The actor acted on: object, "attack on/against X", the victims of the death figure."""
    if nominal:
        pair = _between(trigger, doc, ctx)
        if len(pair) > 1:
            return pair[1]
        tokens = [t for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("of", "on", "against", "with",
                                                                                  "for", "towards")
                  for t in c.subtree]
    else:
        tokens = clauses.object_tokens(trigger)
    ref = roles.actor_in_tokens(tokens, doc, ctx.main_country)
    if ref is None and row.action in ("threaten", "accuse", "ultimatum"):
        for c in trigger.children:
            if c.dep_ in ("xcomp", "prep"):
                ref = roles.actor_in_tokens(clauses.object_tokens(c) if c.dep_ == "xcomp" else list(c.subtree), doc,
                                            ctx.main_country)
                if ref:
                    break
    if ref is None:
        ref = under_fire_target(trigger, doc, ctx)
    if ref is None and fig_tokens:
        ref = roles.actor_in_tokens(fig_tokens, doc, ctx.main_country)
    if ref is None:  # "two of its soldiers were killed": the victims belong to whom "its" stands for
        owner = next((t for t in [*tokens, *fig_tokens] if t.dep_ == "poss" and t.lower_ in ("its", "their")
                      and t.head.lower_ in OWN_MEMBERS), None)
        ref = _pronoun(owner, ctx) if owner is not None and ctx.sent_speaker else None
    return ref


OWN_MEMBERS = frozenset("soldiers troops fighters members men officers personnel".split())



BLAME_VERBS = frozenset({"blame", "attribute"})
ATTACK_NOUNS = frozenset("attack raid assault ambush offensive strike bombing operation".split())


def blamed_actor(sent: Span, doc: Doc, ctx: Context) -> roles.ActorRef | None:
    """The side a sentence blames for deaths it tells without a killer: "killed in a raid that
    officials blamed on X", "gives a toll of 38 and blames X rebels", "an attack by X"."""
    for tok in sent:
        lemma = tok.lemma_.lower()
        if lemma in BLAME_VERBS and tok.pos_ == "VERB":
            tokens = [t for c in tok.children if c.dep_ in ("dobj", "nsubjpass") for t in clauses.noun_phrase(c)]
            tokens += [t for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "to") for t in c.subtree]
        elif lemma in ATTACK_NOUNS and tok.pos_ == "NOUN":
            tokens = [t for c in tok.children if (c.dep_ == "prep" and c.lower_ == "by") or c.dep_ == "poss"
                      for t in c.subtree]  # "an attack by X", "the X terrorists' attack"
        else:
            continue
        ref = roles.actor_in_tokens(tokens, doc, ctx.main_country)
        if ref is not None:
            return ref
    return None


# Titles of a state's head or commander: "President Gustavo Petro", "the commander of the armed forces".
LEADER_TITLES = frozenset({"president", "commander"})


def _titled_leader(subj: Token, ctx: Context) -> roles.ActorRef | None:
    """"President Gustavo Petro condemned": a leader named by title alone (no country named in the
    phrase) speaks for the state of the article's main country."""
    phrase = clauses.noun_phrase(subj)
    if not ctx.main_country or not any(t.lower_ in LEADER_TITLES and (t is subj or t.dep_ == "compound")
                                       for t in phrase):
        return None
    if any(t.lower_ in roles.demonyms() or t.ent_type_ == "ACTOR" for t in phrase):
        return None  # "French President Emmanuel Macron": another state's leader
    state = roles.main_country_state(ctx.main_country)
    if state is None:
        return None
    return roles.ActorRef(state, ctx.main_country, "state", subj.i, subj.i + 1)
