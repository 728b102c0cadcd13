"""Build event dicts from parsed sentences: the speaker and reporter of each sentence, which
trigger words state an act of their own, then per trigger its actors (event_actors) and its
record with date, place and figures (event_record)."""

from __future__ import annotations

from conflict_monitor.extract import clauses, groups, roles
from conflict_monitor.extract.attribution import carry_pronoun_reporter, find_reporter, regex_attribution
from conflict_monitor.extract.context import Context
from conflict_monitor.extract.dates import find_dates
from conflict_monitor.extract.event_actors import blamed_actor, find_actor1_refs, find_actor2_ref
from conflict_monitor.extract.event_record import (
    TALLY_ACTIONS,
    TALLY_NOUNS,
    build_event_rows,
    find_death_figure,
)
from conflict_monitor.extract.lexicon import VERBAL, VIOLENT, lookup, lookup_lemma
from conflict_monitor.extract.locate import place_spans
from conflict_monitor.extract.scope import (
    SAY_VERBS,
    clause_tokens,
    governing_verb,
    is_blocked,
    standing_state,
)
from conflict_monitor.extract.trigger_rules import part_of_capture, takes_goods, vows_force, warns_of_own_act

# Verbs that report a toll or an act named by a noun rather than commit it.
REPORTING_VERBS = SAY_VERBS | frozenset({"put", "give", "cite", "document", "record", "publish"})
VICTIM_SUBJECT = frozenset({"lose", "die", "dead", "suffer", "fall"})
SYMMETRIC = frozenset({"consult", "ceasefire"})
# "... is a war crime", "may amount to crimes against humanity": the charge is the speaker's accusation,
# hedged or not; the subject of "is" is the act charged, not the accuser.
CHARGE_NOUNS = frozenset({"crime"})
COPULAS = frozenset({"be", "constitute", "amount", "remain"})
# "suspended talks", "halted the offensive", "foiled attacks on farmers": the act did not take place
STOPPING_VERBS = frozenset("suspend halt postpone cancel foil thwart avert".split())
BACK_PRONOUNS = frozenset({"them", "him", "her"})
# "soldiers who survived last week's fighting": the act is referred to, told elsewhere, not reported here
REFERRING_VERBS = frozenset({"survive"})
# "stepped up attacks", "intensified its raids": how often a side acts, not one act (plural nouns only)
TREND_VERBS = frozenset("step intensify escalate increase ramp multiply".split())
JUDGING_VERBS = frozenset("condemn denounce call term describe label criticise criticize deplore decry".split())


def _trend_charges(trends: list, doc, ctx: Context) -> dict:
    """{trend noun index: (speaker, actor)} for trends a speaker tells of another side ("It says the
    ELN has intensified its attacks against civilians"): the speaker's accusation (CAMEO 112)."""
    out = {}
    speaker = ctx.sent_speaker
    for tok, anchor in trends if speaker else ():
        subj, _, _ = clauses.subject_and_verb(anchor)
        actor = roles.actor_in_tokens(clauses.noun_phrase(subj), doc, ctx.main_country) if subj is not None \
            else None
        if actor is not None and actor.canonical != speaker and not roles.same_state(actor.canonical, speaker):
            who = roles.ActorRef(speaker, roles.actor_country_of(speaker), roles.actor_kind(speaker) or "?",
                                 tok.i, tok.i + 1)
            out[tok.i] = (who, actor)
    return out


def sentence_events(sent, offset: int, ctx: Context) -> list[dict]:
    """Events stated in one parsed sentence; `offset` maps sentence chars into the article text."""
    doc = sent.doc
    ctx.offset = offset
    start_char, end_char = offset + sent.start_char, offset + sent.end_char
    evidence = ctx.sent_text = text = sent.text
    if start_char < ctx.dateline_end < end_char:
        cut = ctx.dateline_end - start_char
        evidence, start_char = evidence[cut:], ctx.dateline_end
    stripped = evidence.strip()
    start_char += len(evidence) - len(evidence.lstrip())
    evidence = stripped
    reporter, speaker_tok = find_reporter(sent, text=text)
    reporter = groups.own_reporter(reporter, text, doc)
    speaker_toks = list(speaker_tok.subtree) if speaker_tok is not None else []
    if speaker_tok is not None and offset + speaker_tok.idx < ctx.dateline_end:
        # "DAKAR, May 15 (Reuters) - JNIM ... said": the parse took the dateline for the subject
        speaker_toks = [t for t in speaker_toks if offset + t.idx >= ctx.dateline_end]
        ref = roles.actor_in_tokens(speaker_toks, doc, ctx.main_country)
        reporter = regex_attribution(text) or (ref.canonical if ref else None)
    ctx.sent_reporter = (reporter, speaker_tok)
    ctx.sent_speaker = None
    if speaker_tok is not None and speaker_tok.lower_ not in roles.PRONOUNS:
        ref = roles.actor_in_tokens(speaker_toks, doc, ctx.main_country)
        if ref and not roles.is_reporter(ref.canonical):
            ctx.speaker = ctx.sent_speaker = ref.canonical
    elif speaker_tok is not None and ctx.speaker and speaker_tok.lower_ in ("he", "she"):
        ctx.sent_speaker = ctx.speaker
    elif speaker_tok is not None and speaker_tok.lower_ in ("it", "they") and ctx.prev_subject \
            and _opens_sentence(speaker_tok, sent):
        # "Mali's army gave a different account. It said ...": "it" opening the sentence is the
        # previous sentence's subject
        ctx.sent_speaker = ctx.prev_subject
        if reporter is None or reporter.lower() == speaker_tok.lower_:
            reporter = ctx.prev_subject
            ctx.sent_reporter = (reporter, speaker_tok)
    reporter = carry_pronoun_reporter(reporter, speaker_tok, text, ctx)
    if speaker_tok is not None and reporter is not None and reporter.lower() == speaker_tok.lower_:
        named = groups.coreferent_group([speaker_tok], doc)  # "the group said": the group named last
        reporter = named[0] if named else reporter
    ctx.sent_reporter = (reporter, speaker_tok)
    # only a subject of the main clause's own act ("X gave a different account"), not a reporter's
    root_subj = [c for c in sent.root.children if c.dep_ == "nsubj"] if sent.root.lemma_.lower() not in SAY_VERBS \
        else []
    ref = roles.actor_in_tokens(clauses.noun_phrase(root_subj[0]), doc, ctx.main_country) \
        if root_subj and root_subj[0].lower_ not in roles.PRONOUNS else None
    ctx.prev_subject = ref.canonical if ref is not None and not roles.is_reporter(ref.canonical) else None
    if ref is None and root_subj:  # "The group has stepped up attacks. It also claimed ...": the group named last
        named = groups.coreferent_group([root_subj[0]], doc)
        ctx.prev_subject = named[0] if named else None
    dates = None  # read below, when the sentence has an act (a third have none)
    places = ctx.places_by_sent.get((offset, sent.start))
    if places is None:
        places = place_spans(sent, ctx, offset)
    found = [(tok, row) for tok in sent if (row := lookup(tok)) is not None]
    verb_idx = {tok.i for tok, _ in found if tok.pos_ in ("VERB", "AUX") and not is_blocked(tok)}
    absorbed: dict[int, list] = {}
    trends: list = []
    events = []
    for tok, row in found:
        nominal = tok.pos_ not in ("VERB", "AUX") or (tok.tag_ == "VBG" and tok.dep_ in ("pobj", "nsubj", "dobj"))
        anchor = governing_verb(tok) if nominal else tok
        hedged_ok = nominal and tok.lemma_.lower() in CHARGE_NOUNS
        if anchor is None or is_blocked(anchor, hedged_ok) or (nominal and anchor is not tok and any(
                c.dep_ == "neg" for c in tok.children)):
            continue
        if row.action in VERBAL and tok.dep_ in ("acl", "amod", "relcl") and not nominal:
            continue  # "troops, backed by Russian air power": a description
        if any(a.lemma_.lower() in TALLY_NOUNS for a in list(tok.ancestors)[:3]):
            continue  # "the number of troops killed by Turkish fire": the tally's own words
        if row.action == "capture" and takes_goods(tok):
            continue  # "seized 12 vehicles and four tanks": loot, not a place taken
        if tok.lemma_.lower() == "warn" and not warns_of_own_act(tok):
            continue  # "warned that the offensive could trigger a crisis": not a threat
        if nominal and anchor is not tok and row.action in VIOLENT and (
                anchor.lemma_.lower() in JUDGING_VERBS or anchor.lemma_.lower() in COPULAS and tok.dep_ == "nsubj"
                and any(c.dep_ == "acomp" or c.dep_ == "attr" and c.lemma_.lower() in CHARGE_NOUNS
                        for c in anchor.children)):
            continue  # "condemned the bombing", "the attack is abhorrent": the act judged, not done
        if nominal and anchor is not tok and anchor.lemma_.lower() in STOPPING_VERBS | REFERRING_VERBS:
            continue  # "suspended peace talks", "halted the offensive": no meeting, no attack
        if nominal and anchor is not tok and row.action in VIOLENT and anchor.lemma_.lower() in TREND_VERBS \
                and tok.tag_ == "NNS":
            trends.append((tok, anchor))
            continue  # "has stepped up attacks across the region": a trend, not an act of the story
        if nominal and anchor is not tok and anchor.i not in verb_idx and tok.dep_ == "nsubj" and [
                c.lower_ for c in tok.children] in (["the"], ["this"]) and lookup(anchor) is None:
            continue  # "The attack extends the group's reach": the act already told, referred back to
        if nominal and anchor.i in verb_idx and anchor is not tok:
            absorbed.setdefault(anchor.i, []).append(tok)
            if not any(c.dep_ == "prep" and c.lower_ == "by" for c in tok.children):
                continue  # "repelled an attack by HTS fighters": that attack is an act of its own
        events.append((tok, row, anchor, nominal))
    threat_row = lookup_lemma("threaten")
    for tok in sent:
        if vows_force(tok) and not any(t is tok for t, *_ in events):
            events.append((tok, threat_row, tok, False))
    charged = _trend_charges(trends, doc, ctx)
    events.extend((tok, lookup_lemma("accuse"), anchor, True) for tok, anchor in trends if tok.i in charged)
    captures = {tok.i for tok, row, _, nominal in events if row.action == "capture" and not nominal}
    events = [ev for ev in events if not part_of_capture(ev[0], ev[1], ev[3], captures)]
    out = []
    for tok, row, anchor, nominal in events:
        dates = find_dates(text, ctx.published) if dates is None else dates  # only a sentence with an act
        action = row.action
        nominal = nominal or tok.pos_ not in ("VERB", "AUX")
        verbal = action in VERBAL
        tokens = clause_tokens(anchor if nominal else tok, content=verbal)
        if nominal:
            tokens = sorted({*tokens, *tok.subtree}, key=lambda t: t.i)
        own_absorbed = absorbed.get(tok.i, [])
        fig = find_death_figure(sent, tokens, tok, text) if action in ("kill", "attack") and (
            action == "kill" or any(load.lemma_ == "killing" for load in own_absorbed)) else None
        if action == "attack" and fig is not None and fig.noun is not None and tok.lemma_.lower() in ("kill",):
            action = "kill"
        if fig is None and tok.lemma_.lower() in TALLY_NOUNS:
            continue  # "a full toll would be released", "as the death toll mounts": no figure, no event
        if action == "kill" and fig is None and not nominal and any(
                c.dep_ == "dobj" and c.lower_ in BACK_PRONOUNS for c in tok.children):
            continue  # "called out their victims by name and killed them": the deaths already told
        if not (action in TALLY_ACTIONS and (fig is not None or action == "displace")) \
                and standing_state(anchor if nominal else tok, ctx.published.year):
            continue  # "has been fighting them for 16 years": background; tallies are running totals
        fig_tokens = [t for t in sent if fig.start <= t.idx - sent.start_char < fig.end] if fig else []
        actors1 = find_actor1_refs(tok, anchor, nominal, doc, ctx, sent, own_absorbed)
        if nominal and tok.lemma_.lower() in CHARGE_NOUNS and anchor.lemma_.lower() in COPULAS:
            speaker = ctx.sent_speaker or (ctx.speaker if speaker_tok is not None and speaker_tok.lower_ in (
                "he", "she") else None)
            actors1 = [roles.ActorRef(speaker, roles.actor_country_of(speaker), roles.actor_kind(speaker) or "?",
                                      tok.i, tok.i + 1)] if speaker else [None]
        if nominal and anchor is not tok and anchor.lemma_.lower() in REPORTING_VERBS and tok.dep_ == "dobj":
            # "the broadcaster reports a death toll of 43": who reports a toll did not kill
            actors1 = [roles.actor_in_tokens([t for t in clauses.modifier_tokens(tok) if t.dep_ != "prep"],
                                             doc, ctx.main_country)]
        actor2 = find_actor2_ref(tok, nominal, row, doc, ctx, fig_tokens)
        if tok.lemma_.lower() in VICTIM_SUBJECT and not nominal:
            actor2, actors1 = actors1[0] or actor2, [None]  # "Turkey lost 59 soldiers": Turkey is the victim
        if action in ("kill", "attack") and actors1 == [None]:
            blamed = blamed_actor(sent, doc, ctx)
            if blamed is not None and (actor2 is None or blamed.canonical != actor2.canonical):
                actors1 = [blamed]
        if action in SYMMETRIC and len(actors1) > 1:
            actors1, actor2 = [actors1[0]], actors1[1]  # "Erdogan and Putin discussed": one meeting
        if action in SYMMETRIC and actor2 is None and actors1[0] is not None:
            subj, _ = clauses.subject_token(anchor)
            others = [t for t in (subj.subtree if subj is not None else []) if t.lower_ in roles.demonyms()]
            for t in others:
                ref = roles.actor_in_tokens([t], doc, ctx.main_country)
                if ref and ref.canonical != actors1[0].canonical:
                    actor2 = ref
                    break
        if action == "accuse" and tok.i in charged:
            actors1, actor2 = [charged[tok.i][0]], charged[tok.i][1]
        if tok.lemma_.lower() == "visit" and actor2 is None:
            continue  # visiting one's own province is not a consultation
        reciprocal = anchor.lemma_.lower() in ("trade", "exchange") and len(actors1) > 1
        for actor1 in actors1:
            if reciprocal:
                actor2 = next(a for a in actors1 if a is not actor1)
            out.extend(build_event_rows(sent, tok, row, anchor, nominal, action, actor1, actor2, tokens, fig, dates,
                              places, reporter, evidence, start_char, ctx))
    return out


def _opens_sentence(pronoun, sent) -> bool:
    """True when `pronoun` is the subject opening the sentence's main verb ("It said", "It also
    claimed"), or repeats that subject ("It claimed an attack that it said killed 54")."""
    root = sent.root
    opener = next((c for c in root.children if c.dep_ == "nsubj" and c.lower_ == pronoun.lower_), None)
    if opener is None or (opener.i != pronoun.i and pronoun.i < root.i):
        return False
    return all(t.head.i == root.i and t.dep_ in ("aux", "neg", "advmod") for t in sent.doc[opener.i + 1: root.i])
