"""Modifiers: negation, hedges, hypotheticals, conditions and preconditions around a cue change
the stance it gives (word lists: lexicon/modifiers.yaml).
"""

from __future__ import annotations

import re

from extractors.signals.base import _RELATIVE_CLAUSE, INVERT, _Ctx, _Cue
from extractors.signals.pairing import _after_last_separator

_COUNTERFACTUAL = re.compile(r"\b(?:could|might) have\s+(?:\w+\s+)?$", re.I)
_PRINCIPLE_BUT = re.compile(r"\bin principle\b.*\b(?:but|however|though|yet)\b", re.I)
# "will not cede land or (formally) recognise ...", "has no plans to withdraw or to legally
# recognise ...": a negation spans verbs joined by "or"/"nor"
_OR_BEFORE_CUE = re.compile(r"^(.*)\b(?:or|nor)\s+(?:to\s+)?(?:\w+\s+)?$", re.I | re.S)


def _modify(ctx: _Ctx, cue: _Cue, stance: str, *, action: bool = False) -> tuple[str | None, list[str], str | None]:
    """Apply hypotheticals, negation and conditions to a cue's stance.

    `action`: the cue is an act ("halted arms deliveries"), so "did not halt" is its
    opposite, where "did not reject" (an attitude) only hedges."""
    lex, s = ctx.rs.lexicon, ctx.sentence.text
    mods: list[str] = []
    before = s[max(0, cue.start - 60) : cue.start]
    # "whether Putin, whose forces have been grinding forward, is prepared to": the
    # supposition governs its clause across a relative clause inside it
    hyp = lex.hypothetical_cue_re.search(before) or lex.hypothetical_cue_re.search(
        _RELATIVE_CLAUSE.sub(" ", s[max(0, cue.start - 200) : cue.start])[-60:])
    if hyp and _COUNTERFACTUAL.search(before):
        hyp = None  # "if Russia wanted peace it could have agreed long ago": a refusal, not a supposition
    joined = _OR_BEFORE_CUE.match(s[max(0, cue.start - 100) : cue.start])  # the first verb may stand further back
    before = _after_last_separator(before)  # negation does not cross "and", "but", commas
    if hyp:
        return None, [f"hypothetical: {hyp.group(0).strip()!r}"], "hypothetical"
    neg = lex.negation_hard.search(before)
    if neg is None and joined:  # the first verb's negation, within its own clause
        first = _after_last_separator(joined.group(1))
        neg = lex.negation_any.search(first)
    soft = lex.negation_soft.search(before)
    if soft:
        new = lex.soft_effect[stance]
        mods.append(f"hedge {soft.group(0).strip()!r}: {stance} -> {new or 'none'}")
        if new is None:
            return None, mods, "negated"
        stance = new
    elif neg:
        new = INVERT.get(stance) if action and stance in ("accept", "reject") else lex.hard_effect[stance]
        mods.append(f"negation {neg.group(0).strip()!r}: {stance} -> {new or 'none'}")
        if new is None:
            return None, mods, "negated"
        stance = new
    if stance == "accept" and (pm := lex.precondition_re.search(s, cue.end, cue.end + 150)):
        mods.append(f"precondition {pm.group(0)!r}: accept -> demand")
        return "demand", mods, None
    if stance in ("accept", "reject"):
        after = s[max(0, cue.start - 30) : cue.start] + " " + s[cue.end : cue.end + 150]
        cm = lex.conditional_re.search(after)
        pb = _PRINCIPLE_BUT.search(s)
        if cm and stance == "accept" and lex.threat_re.match(after, cm.start()):
            # "will impose tariffs unless Moscow agrees", "... if Russia does not agree": a threat
            # backs the act outright; what it demands of the other side is read apart (conditions.py)
            mods.append(f"threat {cm.group(0)!r}: stays {stance}")
            cm = None
        if stance == "reject" and cm and lex.accept_only_condition_re.fullmatch(cm.group(0)):
            cm = None  # "unacceptable in principle": a firm reject
        if cm or pb:
            mods.append(f"condition {(cm.group(0) if cm else 'in principle ... but')!r}: {stance} -> conditional")
            stance = "conditional"
    return stance, mods, None
