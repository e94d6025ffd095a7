"""Ultimatums: "If Ukraine withdraws from the Donbas, we will stop the fighting" and "Russia
would stop fighting if Ukraine withdrew": the main clause's actor makes its own act
conditional (ceasefire: conditional) and demands what the if-clause names (territory: demand,
or reject when the words are the topic's opposite). A threat ("will impose sanctions if Russia
does not agree to a truce") backs its act (accept) and demands the truce. ANNOTATION.md: '"only if X" (X is
demanded)'; "ready, provided that" is conditional.

A sentence of this shape is otherwise a supposition (no position). The reading needs topic
words on both sides of the "if", so a bare threat ("Russia will respond if Tomahawks are
sent") or a supposition ("if Trump agreed to a truce ...") stays without a position.
"""

from __future__ import annotations

import dataclasses
import re

from extractors.signals.attribution import _subject
from extractors.signals.base import Decision, _Ctx, _TermHit

# where an if-clause that opens the sentence (or the quote) ends, and what may stand before it
_THEN = re.compile(r",\s*(?:then\s+)?|\s+then\s+", re.I)
_OPENING = re.compile(r'^[\s"]*$|[:"]\s*$|\bsaid\s*:?\s*"?\s*$|\bthat\s+$', re.I)


def ultimatum_readings(ctx: _Ctx, hits: list[_TermHit]) -> dict[int, Decision] | None:
    """For an ultimatum, the reading of each hit (by its index in `hits`) on either side of
    the "if"; None when the sentence is no ultimatum."""
    s = ctx.sentence.text
    if "if" not in s.lower() or len({h.rule.topic for h in hits}) < 2:
        return None
    g = ctx.rs.lexicon.grammar
    m = g.ultimatum_if.search(s)
    if m is None:
        return None
    if _OPENING.search(s[: m.start()]):  # "If X, (then) Y": the condition first
        t = _THEN.search(s, m.end())
        if t is None:
            return None
        cond, main = (m.end(), t.start()), (t.end(), len(s))
    else:  # "Y if X", X up to the next comma or semicolon
        ends = [i for i in (s.find(",", m.end()), s.find(";", m.end())) if i >= 0]
        cond, main = (m.end(), min(ends) if ends else len(s)), (0, m.start())
    if not g.ultimatum_promise.search(s, *main) or g.ultimatum_obligation.search(s, *main):
        return None  # an offer or a threat, not what someone "would have to" do then
    in_cond = [i for i, h in enumerate(hits) if cond[0] <= h.start < cond[1]]
    in_main = [i for i, h in enumerate(hits) if main[0] <= h.start < main[1]]
    if not in_cond or not in_main or {hits[i].rule.topic for i in in_cond} & {hits[i].rule.topic for i in in_main}:
        return None
    # the main clause's actor: its subject, never a name inside the condition; else the speaker
    outside = [x for x in ctx.mentions if not (cond[0] <= x.start < cond[1])]
    main_ctx = dataclasses.replace(ctx, mentions=outside)
    first = hits[in_main[0]]
    named = [x for x in outside if main[0] <= x.start < first.start]
    if named or not ctx.speaker:
        actors, via, atext, _ = _subject(main_ctx, first.start, exclude=(first.start, first.end))
    else:  # 'Putin: "If they withdraw, then hostilities will cease"': the speaker's, not a pronoun's
        actors = None
    if not actors and ctx.speaker:
        actors, via, atext = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text
    if not actors:
        return None
    condition = s[m.start() : min(cond[1], m.start() + 60)].strip()
    # "will impose sanctions if Russia does not agree to a truce": a threat backs its act
    threat = bool(g.ultimatum_negator.search(s, *cond))
    out: dict[int, Decision] = {}
    for i in in_main + in_cond:
        h = hits[i]
        if i in in_main and threat:
            stance, why = "accept", "a threat: the main clause's act is backed"
        elif i in in_main:
            stance, why = "conditional", "an ultimatum: the main clause's act is conditional"
        else:
            stance = "reject" if h.term.polarity == "inverse" or h.term.stance == "reject" else "demand"
            why = "an ultimatum: what the if-clause names is demanded"
        out[i] = Decision(h.rule.id, h.rule.topic, h.text, h.term.polarity, condition, stance, stance,
                          actors, via, atext, (why,), round(h.rule.confidence * g.weights["ultimatum"], 3), None, h.start)
    return out
