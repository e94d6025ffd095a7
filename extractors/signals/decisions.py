"""Decisions: one reading per topic mention (cue, stance, actor), plus the second readings a
sentence can hold: a relative clause, an item of a list of conditions, the other party of a
proposal.
"""

from __future__ import annotations

import re

from extractors.signals.attribution import (
    _coordinated,
    _coordinated_after,
    _coordinated_chain,
    _post_actor,
    _subject,
)
from extractors.signals.base import (
    _RELATIVE_GAP,
    _THE,
    INVERT,
    Decision,
    _Ctx,
    _Cue,
    _in_quote,
    _TermHit,
    _tokens,
)
from extractors.signals.modifiers import _modify
from extractors.signals.pairing import _pair, _relative_clauses, rs_anaphor
from extractors.signals.rules import CueGroup, Mention

_PLUPERFECT = re.compile(r"\bhad\s+((?:(?:long|previously|earlier|initially|originally|until (?:now|then)|for (?:months|weeks|years|decades))\s+)+)?$", re.I)

# "insisted that any deal be backed by ...": a demand's clause in the subjunctive
_SUBJUNCTIVE_GAP = re.compile(r"\s*(?:that\s+)?(?:(?:any|a|an|the|all|every|such)\s+)?(?:[\w'-]+\s+){1,2}be\s+", re.I)

_EMBEDDED_GAP = re.compile(r"[\s,]*(?:that\s+)?(?:[\w'.-]+\s+){1,3}?(?:to\s+|would\s+|will\s+|should\s+|could\s+|might\s+|must\s+)?", re.I)

def _embedding_cue(ctx: _Ctx, cues: list[_Cue], hit: _TermHit, subject: str | None) -> _Cue | None:
    """The cue whose object clause the subject of self-stating topic words opens ("proposing
    that Kyiv ...", "urged Ukraine to ..."), or None."""
    s = ctx.sentence.text
    m = next((m for m in reversed(ctx.mentions) if m.end <= hit.start and m.text == subject), None)
    if m is None:
        return None
    for c0 in cues:
        if c0.group.embeds and c0.group.placement == "pre" and c0.end <= m.start and _EMBED_OPENER.fullmatch(s, c0.end, m.start):
            return c0
    return None


# the verbs before a cue in a list under one modal: " surrender long-range missile capabilities, " (then the cue)
_VERB_LIST = re.compile(r"\s*(?:also\s+)?\w+\s+(?:[\w'.-]+\s+){0,6}?[\w'.-]+,(?:\s+(?:also\s+)?\w+\s+(?:[\w'.-]+\s+){0,6}?[\w'.-]+,)*\s+(?:and\s+)?(?:also\s+)?", re.I)

# a name that opens a list item is a new subject, not a word of the object ("..., and Moscow ...")
_NEW_SUBJECT = re.compile(r"(?:,|\band)\s+(?:the\s+)?$", re.I)

# between an embedding cue and the subject of its object clause: "proposing that ", "urged "
_EMBED_OPENER = re.compile(r"\s*(?:that\s+)?(?:the\s+)?", re.I)


def _uncued(d: Decision) -> bool:
    """Topic words read with no stance cue: dropped, or only a mention (rule.mention_stance).
    A mention is the one reading with a stance and no cue (aggregation.py reads it so too)."""
    return bool(d.dropped and d.dropped.startswith("no stance")) or (d.stance is not None and d.cue is None)


# between a relative clause's subject and its verb: "have all urged", "has long backed"
_AUXILIARIES = re.compile(
    r"\s*(?:(?:have|has|had|is|are|was|were|will|would|all|both|long|repeatedly|also|already|since|now|jointly|each|firmly)\s+){0,3}"
    r"|\s*[\w'-]+\s+", re.I)


def _relative_decision(ctx: _Ctx, hit: _TermHit, cues: list[_Cue], block: str | None, first: Decision) -> Decision | None:
    """A second reading when a relative clause follows the topic words and the first
    decision came from elsewhere: '"no" to the security guarantees Ukraine wants'."""
    # a first reading with no cue or no actor near the topic words leaves the clause to it
    open_first = first.dropped is not None and first.dropped.startswith(("no stance", "no actor"))
    if (first.dropped and not open_first) or block or first.actor_via == "relative clause":
        return None
    s = ctx.sentence.text
    for m in ctx.mentions:
        if m.start >= hit.end and _RELATIVE_GAP.fullmatch(s[hit.end : m.start]):
            # "a ceasefire that Ukraine, its European allies and Washington have all urged ...":
            # every actor of the list, and the cue after the last one and its auxiliaries
            actors, last = _coordinated_chain(s, ctx.mentions, m)
            for c in cues:
                if c.start >= last.end and _AUXILIARIES.fullmatch(s, last.end, c.start) and c.group.placement == "pre" and not c.group.deontic:
                    if set(actors) & set(first.actors):
                        return None
                    return _relative_reading(ctx, hit, c, actors, m.text)
            return None
    return _judged_in_relative(ctx, hit, cues, first)


# "foreign intervention on part of Ukraine's territory, which is utterly unacceptable for Moscow":
# a judgement in a "which" clause after the topic words, with its holder named right after it
_WHICH_GAP = re.compile(r"[^.;:\"]{0,80}?,\s*which\s+$", re.I)
_HOLDER_GAP = re.compile(r"\s*(?:to|for|by)?\s*(?:the\s+)?", re.I)


def _judged_in_relative(ctx: _Ctx, hit: _TermHit, cues: list[_Cue], first: Decision) -> Decision | None:
    s = ctx.sentence.text
    for c in cues:
        if c.group.placement != "post" or c.group.deontic or c.start < hit.end or not _WHICH_GAP.fullmatch(s, hit.end, c.start):
            continue
        holder = next((m for m in ctx.mentions if m.start >= c.end and _HOLDER_GAP.fullmatch(s, c.end, m.start)), None)
        if holder is None:
            return None
        reading = _relative_reading(ctx, hit, c, holder.actors, holder.text)
        # (the same holder as the first reading: only when that reading came from elsewhere and
        # says otherwise, as a speaker's proposal no actor is named for)
        if set(holder.actors) & set(first.actors) and (first.stance == reading.stance or first.actor_via not in ("speaker", "reported speech", "according to")):
            return None
        return reading
    return None


def _relative_reading(ctx: _Ctx, hit: _TermHit, c: _Cue, actors: tuple[str, ...], text: str) -> Decision:
    """The reading a relative clause's cue gives the topic words before it, for its holders."""
    s = ctx.sentence.text
    stance = INVERT[c.group.stance] if hit.term.polarity == "inverse" else c.group.stance
    conf = hit.rule.confidence * c.group.strength * ctx.rs.lexicon.grammar.via("relative clause")
    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, s[c.start : c.end], c.group.stance,
                    stance, actors, "relative clause", text, (), round(conf, 3), None, hit.start)


def _condition_list_decision(ctx: _Ctx, hit: _TermHit, block: str | None, first: Decision) -> Decision | None:
    """An item of a list of conditions: "Russia's demands: Ukraine must recognise Crimea, ...,
    and pledge never to join NATO" is Russia's demand (reject where the item reads as the
    opposite of the topic, as the first reading found). Replaces the first reading."""
    if block:
        return None
    s = ctx.sentence.text
    if ":" not in s and " -" not in s and "including" not in s:  # most sentences: no list
        return None
    lists = list(ctx.rs.lexicon.grammar.condition_list.finditer(s, 0, hit.start))
    if not lists:
        return None
    colon = lists[-1]
    if ";" in s[colon.end() : hit.start]:
        return None
    actors, via, atext, _ = _subject(ctx, colon.start(1), exclude=(hit.start, hit.end))
    if not actors:
        return None
    stance = "reject" if (first.stance == "reject" or hit.term.polarity == "inverse") else "demand"
    g = ctx.rs.lexicon.grammar
    conf = hit.rule.confidence * g.weights["second_reading"] * g.via(via)
    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, colon.group(0).strip(), "demand", stance,
                    actors, via, atext, (f"item of a list of {colon.group(1).lower()}",), round(conf, 3), None, hit.start)


def _proposer_decision(ctx: _Ctx, hit: _TermHit, block: str | None, first: Decision) -> Decision | None:
    """The other party of a proposal: "Putin rejected Trump's proposal for a truce", "the
    U.S.-backed ceasefire", "a ceasefire proposed by Washington" also give the proposer the
    proposal's stance (accept; demand for a demand noun). Word lists: lexicon/grammar.yaml."""
    if block:
        return None
    g, s = ctx.rs.lexicon.grammar, ctx.sentence.text
    found: tuple[Mention, str, str] | None = None
    # an agent named after the words ("a truce - a proposal initiated by Washington", "the
    # pause on energy strikes proposed by Trump") is the proposer, even where a possessor
    # stands before them ("the Kremlin's demands for ...")
    for pattern, stance in ((g.proposer_after, "accept"), (g.proposer_after_demand, "demand")):
        am = pattern.match(s, hit.end)
        if am:
            m = next((m for m in ctx.mentions if m.start >= am.end() and _THE.fullmatch(s, am.end(), m.start)), None)
            if m is not None:
                found = (m, stance, "agent of the proposal")
                break
    # else a possessor ("Trump's proposal for"); an act's words ("halted strikes") have none
    for m in ctx.mentions if hit.term.polarity != "self" and found is None else ():
        if m.end <= hit.start and hit.start - m.end <= 90 and not _in_quote(ctx.quotes, m.start):
            if g.proposer_before_demand.fullmatch(s, m.end, hit.start):
                found = (m, "demand", "proposal's possessor")
            elif g.proposer_before.fullmatch(s, m.end, hit.start):
                found = (m, "accept", "proposal's possessor")
    if found is None:
        return None
    m, stance, via = found
    # "proposed by Witkoff and Dmitriev": the agents that follow; a possessor: those before it
    agents = _coordinated_after(s, ctx.mentions, m) if via == "agent of the proposal" else _coordinated(s, ctx.mentions, m)
    if set(agents) <= set(first.actors) or ctx.rs.lexicon.hypothetical_cue_re.search(s[max(0, m.start - 60) : m.start]):
        return None
    if hit.term.polarity == "inverse":
        stance = INVERT[stance]
    conf = hit.rule.confidence * g.weights["second_reading"] * g.via("proposer")
    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, s[m.start : m.end], stance, stance,
                    agents, via, m.text, (), round(conf, 3), None, hit.start)



def _decide(ctx: _Ctx, hit: _TermHit, cues: list[_Cue], block: str | None) -> Decision:
    rule, s = hit.rule, ctx.sentence.text

    def dec(cue: str | None, cue_stance: str | None, stance: str | None, actors: tuple[str, ...] = (), via: str | None = None, atext: str | None = None, mods: tuple[str, ...] = (), conf: float = 0.0, dropped: str | None = None) -> Decision:
        return Decision(rule.id, rule.topic, hit.text, hit.term.polarity, cue, cue_stance, stance, actors, via, atext, mods, round(conf, 3), dropped, hit.start)

    cue, inner, placement = _pair(ctx, hit, cues)
    if cue is not None and placement == "pre" and ctx.rs.lexicon.grammar.possessed_effect.match(s, hit.end):
        # "dismissed the sanctions' impact": a claim about the effect, no stance on the sanctions
        return dec(s[cue.start : cue.end], cue.group.stance, None, dropped="the cue governs the topic's effect, not the topic")
    # a cue governs words that are themselves a stance only when nothing stands between them
    # but a few words: not a comma (a new clause: "an ultimatum, and Ukraine will not withdraw")
    governed_self = (
        hit.term.polarity == "self" and cue is not None and placement == "pre" and _tokens(s[cue.end : hit.start]) <= 4
        and not re.search(r"[,;:]", s[cue.end : hit.start])
    )
    # an act judged after it ("supplying Tomahawks would trigger a new escalation", "a
    # withdrawal from Donbas is unacceptable"): the judgement is the stance on the act
    judged_self = (
        hit.term.polarity == "self" and cue is not None and placement == "post"
        and _tokens(s[hit.end : cue.start]) <= 2 and not re.search(r"[,;:]|\band\b", s[hit.end : cue.start])
    )
    governed_self = governed_self or judged_self
    if hit.term.polarity == "self" and not governed_self:
        cue, inner, placement = None, None, "self"
    mention = cue is None and placement != "self"
    g = ctx.rs.lexicon.grammar
    if mention and rule.possessor_stance and not block and rule.mention_stance is None:
        # a possessor and up to three words before the topic words: "Putin's latest 72-hour Easter truce"
        owner = next((m for m in ctx.mentions if m.end <= hit.start and g.possessor_reach.fullmatch(s, m.end, hit.start)), None)
        if owner is not None:  # "Putin's Easter truce": the possessor declared or proposed it
            return dec(None, None, rule.possessor_stance, owner.actors, "possessor", owner.text,
                       (f"no stance cue: the possessor's own ({rule.possessor_stance})",), rule.confidence * g.mention_weight)
    if mention and (rule.mention_stance is None or block or g.mention_circumstance.search(s, max(0, hit.start - 60), hit.start)):
        # no cue, and no mention reading either: "said after the talks", "no sanctions relief"
        return dec(None, None, None, dropped="no stance cue near the topic words")
    if block:
        return dec(cue and s[cue.start : cue.end], cue and cue.group.stance, None, dropped=block)
    if mention:
        placement = "self"
    if placement == "self":
        stance0 = (rule.mention_stance if mention else hit.term.stance) or "accept"
        fake = _Cue(hit.start, hit.end, CueGroup(stance0, 0.9, "pre", 0, False, False, re.compile("(?!)"), rule.id))
        cue = fake
    assert cue is not None
    cue_text = s[cue.start : cue.end]
    if inner is not None:
        cue_text = f"{cue_text} … {s[inner.start : inner.end]}"
    stance0 = cue.group.stance
    if placement == "post" and cue.group.subject_stance:  # the topic words are the cue's subject
        stance0 = cue.group.subject_stance
    # an embedded clause: "Trump demanded that Kyiv accept ...", "Waltz said Ukraine would
    # have to accept ...": the outer actor takes the position
    outer, deontic_inner = None, None
    if placement == "pre" and not cue.group.deontic:
        for c0 in cues:
            gap = s[c0.end : cue.start]
            if c0.end <= cue.start and c0 is not cue and _tokens(gap) <= 4 and c0.group.placement == "pre":
                if c0.group.deontic and _tokens(gap) <= 1:
                    deontic_inner = c0
                elif c0.group.embeds and _EMBEDDED_GAP.fullmatch(gap) and (
                    any(c0.end <= m.start < cue.start for m in ctx.mentions) or rs_anaphor(ctx, gap) or _SUBJUNCTIVE_GAP.fullmatch(gap)
                ):
                    outer = c0
            if (c0.end <= cue.start and c0 is not cue and c0.group.deontic and deontic_inner is None and _VERB_LIST.fullmatch(gap)
                  and not any(c0.end <= m.start < cue.start and _NEW_SUBJECT.search(s, max(0, m.start - 10), m.start) for m in ctx.mentions)):
                # "Kyiv would have to surrender its missiles, accept a rollback of U.S. aid and
                # agree to a ban on foreign troops": every verb of the list is under the obligation
                deontic_inner = c0
    if governed_self and cue.group.deontic and not judged_self:
        deontic_inner, stance0 = cue, hit.term.stance or "accept"
    stance, mods, why = _modify(ctx, cue, stance0, action=placement == "self")
    mods = list(mods)
    if stance is not None and placement == "but not":
        new = ctx.rs.lexicon.hard_effect[stance]
        mods.append(f"'but not' before the topic words: {stance} -> {new or 'none'}")
        stance, why = new, "negated"
    if stance is None:
        return dec(cue_text, stance0, None, mods=tuple(mods), dropped=why)
    if outer is not None:
        new = "reject" if stance == "reject" else outer.group.stance
        mods.append(f"inside {s[outer.start : outer.end]!r}: {stance} -> {new}")
        stance, cue_text = new, f"{s[outer.start : outer.end]} … {cue_text}"
    if hit.term.polarity == "inverse" or (governed_self and hit.term.stance == "reject"):
        mods.append(f"inverse topic words: {stance} -> {INVERT[stance]}")
        stance = INVERT[stance]
    elif placement == "pre" and hit.term.polarity == "plain":
        neg = ctx.rs.lexicon.grammar.negating.search(s, max(cue.end, hit.start - 50), hit.start)
        alternative = ctx.rs.lexicon.grammar.alternative.search(s, max(cue.end, hit.start - 40), hit.start)
        if neg:  # "agreed to a complete ban on foreign troops": a reject of the troops
            mods.append(f"negating noun {neg.group(0).strip()!r}: {stance} -> {INVERT[stance]}")
            stance = INVERT[stance]
        elif alternative and stance in ("accept", "demand"):
            # "wants a long-term settlement rather than a temporary ceasefire"
            mods.append(f"the alternative set aside {alternative.group(0).strip()!r}: {stance} -> reject")
            stance = "reject"
        elif stance == "demand" and _tokens(s[cue.end : hit.start]) <= 8 and (
            inner_neg := ctx.rs.lexicon.negation_hard.search(s, cue.end, hit.start)
        ):
            # "insisting that Ukraine could not be made to withdraw": demanding it never happens
            mods.append(f"negation {inner_neg.group(0).strip()!r} inside the demand: demand -> reject")
            stance = "reject"
    # who takes the stance
    actors: tuple[str, ...] | None
    if outer is not None:
        actors, via, atext, drop = _subject(ctx, outer.start, exclude=(hit.start, hit.end))
    elif deontic_inner is not None:
        if ctx.speaker:
            actors, via, atext, drop = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text, None
            mods.append(f"obligation {s[deontic_inner.start : deontic_inner.end]!r} reported by the speaker")
        elif ctx.according is not None:  # "which, according to Moscow, should include ..."
            actors, via, atext, drop = ctx.according.actors, "according to", ctx.according.text, None
            mods.append(f"obligation {s[deontic_inner.start : deontic_inner.end]!r} according to its source")
        else:
            actors, via, atext, drop = None, None, None, "obligation ('must', 'have to') with no speaker: the author's opinion"
    elif cue.group.deontic:
        if ctx.speaker:
            actors, via, atext, drop = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text, None
        else:
            actors, via, atext, drop = None, None, None, "obligation ('must', 'should') with no speaker: the author's opinion"
    elif placement == "post":
        actors, via, atext, drop = _post_actor(ctx, hit, cue)
    elif placement == "relative":
        m = next(m for m in ctx.mentions if hit.end <= m.start and m.end <= cue.start and _RELATIVE_GAP.fullmatch(s[hit.end : m.start]))
        # "the truce that Ukraine and Washington accepted": every holder of the list
        actors, via, atext, drop = _coordinated_chain(s, ctx.mentions, m)[0], "relative clause", m.text, None
    elif placement == "self" and hit.term.stance == "demand" and ctx.speaker:
        # words that state a claim ("Crimea is Russian", "Zelensky's term has expired") are the
        # claim of whoever is reported saying them, not of the clause's subject
        actors, via, atext, drop = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text, None
    else:
        actors, via, atext, drop = _subject(ctx, cue.start if placement != "self" else hit.start, exclude=(hit.start, hit.end))
        if placement in ("self", "pre") and not mention and actors and via != "carry-over" and outer is None:
            # "proposing that Kyiv drop its NATO bid and surrender more territory": the words'
            # own subject stands in a clause another cue embeds; that cue's subject holds them
            embedding = _embedding_cue(ctx, cues, hit, atext)
            if embedding is not None:
                new = stance if stance in ("reject", "conditional") else embedding.group.stance  # a hedge inside stays one
                mods.append(f"inside {s[embedding.start : embedding.end]!r}: {stance} -> {new}")
                stance, cue_text = new, f"{s[embedding.start : embedding.end]} … {cue_text}"
                actors, via, atext, drop = _subject(ctx, embedding.start, exclude=(hit.start, hit.end))
    if not actors:
        return dec(cue_text, stance0, stance, mods=tuple(mods), dropped=drop or "no actor")
    if mention:
        # no cue at all: only the clause's own subject takes part, and weakly (see grammar.yaml)
        if via not in g.mention_vias:
            return dec(None, None, None, dropped="no stance cue near the topic words")
        # "Russia faces new sanctions": the party the topic is done to takes no part; "Ukraine
        # military aid", "Russia sanctions": a name right before the words modifies them, no subject
        if rule.mention_target in actors or (atext and re.search(re.escape(atext) + r"[\s-]*$", s[max(0, hit.start - len(atext) - 3) : hit.start])):
            return dec(None, None, None, dropped="no stance cue near the topic words")
        mods.insert(0, f"no stance cue: the subject takes part ({rule.mention_stance})")
        return dec(None, None, stance, actors, via, atext, tuple(mods), rule.confidence * g.mention_weight)
    if via == "document" and stance == "demand" and (placement == "self" or g.document_terms.fullmatch(cue_text)):
        # what a plan "requires" is what its author proposes ("The plan would require Ukraine
        # to cede the rest of the Donbas": the author accepts the cession); a document sets no
        # conditions of its own
        mods.append("a document's terms: demand -> accept")
        stance = "accept"
    conf = rule.confidence * cue.group.strength * g.via(via)
    if any(m.startswith(("negation", "hedge")) for m in mods):
        conf *= g.weights["through_negation"]
    past = _PLUPERFECT.search(s[max(0, cue.start - 40) : cue.start]) if placement == "pre" else None
    in_relative = any(a < cue.start < b for a, b in _relative_clauses(ctx))
    if past and (past.group(1) or in_relative):
        # "Kyiv, which had for months rejected calls for a truce, agreed ...": an earlier
        # stance, background to what the sentence reports now (a bare "had" is often only
        # reported speech shifted back: "Witkoff said the US had helped broker ...")
        mods.append("background: past perfect ('had ...'), weighed less")
        conf *= g.weights["past_perfect"]
    elif in_relative:
        # "Trump, who last month imposed sanctions ..., is now backing their lifting": the
        # relative clause is background; the main clause is the news
        mods.append("background: relative clause, weighed a little less")
        conf *= g.weights["relative_clause"]
    return dec(cue_text, stance0, stance, actors, via, atext, tuple(mods), conf)
