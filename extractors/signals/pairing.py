"""Pairing: which stance cue governs which topic words, within one clause."""

from __future__ import annotations

import re

from extractors.signals.base import (
    _RELATIVE_CLAUSE,
    _RELATIVE_GAP,
    _Ctx,
    _Cue,
    _in_quote,
    _TermHit,
    _tokens,
)

_CLAUSE_BREAK = re.compile(r";(?!\s*that\b)|,\s*not\s|\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bhowever\b|\bif\b|\bunless\b|\bbecause\b|\bbefore\b|\bwhen\b|\bonce\b| - ", re.I)

# every _CLAUSE_BREAK match lies on one of these (matched on the lower-cased sentence, so
# the regex engine can skip ahead by first character): a cheap test before the exact one
_CLAUSE_HINT = re.compile(r";|, +not|but|while|whereas|although|though|however|if|unless|because|before|when|once| - ")

_LIST_GAP = re.compile(r",|;|\band\b|\bor\b|\bas well as\b|\bincluding\b|\bsuch as\b|\bamong them\b|\bnamely\b|:|\b(?:accompanied|coupled|combined|paired) (?:by|with)\b|\b(?:along|together) with\b|\b(?:tied|linked) to\b", re.I)

_PURPOSE_CUE = re.compile(r"red line|condition", re.I)

_BUT_NOT = re.compile(r"\bbut not (?:to |on |for |with |over |in )?(?:(?:a|an|the|any)\s+)?(?:[\w-]+\s+){0,2}$", re.I)

# "insisted that aid must continue regardless of any truce": the truce is not what is demanded
_REGARDLESS = re.compile(r"\b(?:regardless|irrespective|independently) of\s+(?:(?:any|a|an|the|whatever)\s+)?(?:[\w-]+\s+){0,2}$", re.I)

# "insisted that any truce be accompanied by ...": "any truce" is the clause's subject, not
# what is demanded
_ANY_SUBJECT_BEFORE = re.compile(r"\s*(?:that\s+)?any\s+$", re.I)

_ANY_SUBJECT_AFTER = re.compile(r"\s+(?:be|must|should|would|will|has to|have to|needs? to)\b", re.I)

_NEG_SEPARATOR = re.compile(r",|;|\band\b|\bbut\b|\bor\b| - ", re.I)

# an outer cue ending in "to" right before the inner one: an infinitive ("continues to insist")
_TO_GAP = re.compile(r"\sto\s*$", re.I)


def _clause_break(ctx: _Ctx, a: int, b: int) -> bool:
    """Does a clause break ("but", "if", ";", " - ") stand in s[a:b]?"""
    s = ctx.sentence.text
    if ctx.clause_hints is None:
        low = s.lower()
        ctx.clause_hints = [m.span() for m in _CLAUSE_HINT.finditer(low)] if len(low) == len(s) else [(0, len(s))]
    if not any(x < b and a < y for x, y in ctx.clause_hints):
        return False
    return bool(_CLAUSE_BREAK.search(s[a:b]))


def _relative_clauses(ctx: _Ctx) -> list[tuple[int, int]]:
    """Spans of the sentence's non-restrictive relative clauses (found once per sentence)."""
    if ctx.relative_clauses is None:
        ctx.relative_clauses = [r.span() for r in _RELATIVE_CLAUSE.finditer(ctx.sentence.text)]
    return ctx.relative_clauses


def _same_region(ctx: _Ctx, a: int, b: int) -> bool:
    return _in_quote(ctx.quotes, a) == _in_quote(ctx.quotes, max(a, b - 1))


# a possessor with its title between an outer verb and a nominal cue: " Ukrainian President
# Volodymyr Zelenskyy's " (names and titles only, never "a reworked version of Washington's")
_TITLED_POSSESSOR = re.compile(r"\s*(?:the\s+)?(?:[A-Z][\w.-]*\s+){0,5}[A-Z][\w.-]*'s?\s*")


def _pair(ctx: _Ctx, hit: _TermHit, cues: list[_Cue]) -> tuple[_Cue | None, _Cue | None, str]:
    """(governing cue, inner nominal cue or None, placement) for one topic mention."""
    s = ctx.sentence.text
    pre = [
        c for c in cues
        if c.group.placement == "pre" and c.end <= hit.start and _object_tokens(ctx, c.end, hit.start) <= c.group.window
        and _same_region(ctx, c.start, hit.start) and not _clause_break(ctx, c.end, hit.start)
    ]
    pre = [c for c in pre if not _blocked(ctx, c.end, hit) and not _REGARDLESS.search(s, c.end, hit.start)]
    if pre and ctx.rs.lexicon.grammar.setting.search(s, max(0, hit.start - 60), hit.start):
        # "... support for Ukraine at a summit in London": the summit is the setting, not the object
        setting = ctx.rs.lexicon.grammar.setting.search(s, max(0, hit.start - 60), hit.start)
        pre = [c for c in pre if setting is not None and c.end > setting.start()]
    if pre and _ANY_SUBJECT_AFTER.match(s, hit.end):
        pre = [c for c in pre if not _ANY_SUBJECT_BEFORE.fullmatch(s, c.end, hit.start)]
    # "red lines as conditions for a ceasefire": the ceasefire is the goal, not the demand
    pre = [c for c in pre if not (c.group.stance != "conditional" and _PURPOSE_CUE.search(s[c.start : c.end]) and re.search(r"\bfor\s+(?:an?|the|any)?\s*(?:[\w-]+\s+){0,2}$", s[c.start : hit.start]))]
    around = [c for c in cues if c.start <= hit.start and hit.end <= c.end and c.length > hit.end - hit.start]
    if around:  # "holding the ceasefire proposal hostage"
        return around[0], None, "pre"
    if pre:
        cue = max(pre, key=lambda c: c.end)
        if cue.group.stance == "demand" and ctx.rs.lexicon.grammar.asserting_demand.search(s, cue.start, cue.end + 6):
            # "insisted that the goal of joining NATO remains on the table": the clause's own
            # predicate says what is asserted; "insisted" only reports it
            said = [c for c in cues if c.group.placement == "post" and c.start >= hit.end and _tokens(s[hit.end : c.start]) <= 3
                    and _same_region(ctx, hit.end, c.start) and not _clause_break(ctx, hit.end, c.start)]
            if said:
                return min(said, key=lambda c: c.start), None, "post"
        if cue.group.nominal:
            # an outer verb governs a nominal cue ("rejected demands for"), not a verb after "to"
            # ("continues to insist on": the inner verb is the stance)
            # (not across a comma or other topic words: "As a condition for a truce, Russia demands that ...")
            # (up to three words, or a possessor with its title: "did not approve Ukrainian
            # President Volodymyr Zelenskyy's request for")
            outer = [c for c in cues if c.end <= cue.start and not c.group.deontic
                     and (_tokens(s[c.end : cue.start]) <= 3 or _TITLED_POSSESSOR.fullmatch(s, c.end, cue.start) is not None)
                     and c.group.placement == "pre" and not _TO_GAP.search(s[c.start : cue.start])
                     and not re.search(r"[,;:]", s[c.end : cue.start]) and not any(c.end <= a and b <= cue.start for a, b in ctx.term_spans)]
            if outer:
                return max(outer, key=lambda c: c.end), cue, "pre"
        return cue, None, "pre"
    ellipsis = _BUT_NOT.search(s[max(0, hit.start - 60) : hit.start])
    if ellipsis:  # "agreed to an energy truce but not to a full ceasefire": the first verb, negated
        at = max(0, hit.start - 60) + ellipsis.start()
        first = [
            c for c in cues
            if c.group.placement == "pre" and not c.group.nominal and c.end <= at and _tokens(s[c.end : at]) <= c.group.window
            and _same_region(ctx, c.start, at) and not _clause_break(ctx, c.end, at)
        ]
        if first:
            return max(first, key=lambda c: c.end), None, "but not"
    post = [
        c for c in cues
        if (c.group.placement == "post" or c.group.subject_stance) and c.start >= hit.end and _tokens(s[hit.end : c.start]) <= 6
        and _same_region(ctx, hit.end, c.start)
    ]
    if post:
        return min(post, key=lambda c: c.start), None, "post"
    rel = [
        c for c in cues
        if c.group.placement == "pre" and not c.group.deontic and c.start >= hit.end and _tokens(s[hit.end : c.start]) <= 8
        and any(hit.end <= m.start and m.end <= c.start and _RELATIVE_GAP.fullmatch(s[hit.end : m.start]) for m in ctx.mentions)
        and not _clause_break(ctx, hit.end, c.start)
    ]
    if rel:
        return min(rel, key=lambda c: c.start), None, "relative"
    return None, None, ""


def _object_tokens(ctx: _Ctx, a: int, b: int) -> int:
    """Tokens from a cue to topic words; after an apposition's marker (", even the possibility
    of American troops") counted from the marker, when the first object fits the window too."""
    s = ctx.sentence.text
    n = _tokens(s[a:b])
    if n > 6 and ("," in s[a:b] or " -" in s[a:b] or "\u2014" in s[a:b]):
        last = None
        for m in ctx.rs.lexicon.grammar.appositive.finditer(s, a, b):
            last = m
        if last is not None:
            return max(_tokens(s[a : last.start()]), _tokens(s[last.end() : b]))
    return n


def rs_anaphor(ctx: _Ctx, gap: str) -> bool:
    return bool(ctx.rs.lexicon.anaphor_re.search(gap))


def _blocked(ctx: _Ctx, cue_end: int, hit: _TermHit) -> bool:
    """Another topic's words stand between cue and term, and not as a list ("X and Y")."""
    s = ctx.sentence.text
    for a, b in ctx.term_spans:
        if cue_end <= a and b <= hit.start and (a, b) != (hit.start, hit.end):
            gap = s[b : hit.start]
            if not (_tokens(gap) <= 5 and _LIST_GAP.search(gap)):
                return True
    return False


def _after_last_separator(before: str) -> str:
    """What follows the last comma, semicolon, "and", "but", "or" or dash in `before`.
    (A greedy ".*(?:,|...)" did the same at O(n^2) cost on every cue.)"""
    last = None
    m = _NEG_SEPARATOR.search(before)
    while m is not None:  # step one character at a time: overlapping separators count too
        last = m
        m = _NEG_SEPARATOR.search(before, m.start() + 1)
    return before[last.end() :] if last is not None else before
