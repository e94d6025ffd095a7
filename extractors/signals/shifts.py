"""Reported shifts: sentences that themselves report a change of position
(lexicon/shifts.yaml), and a background stance followed by a "now".
"""

from __future__ import annotations

import re
from typing import Any

from extractors.signals.attribution import _subject
from extractors.signals.base import (
    INVERT,
    Decision,
    ShiftTrace,
    _Ctx,
    _Cue,
    _Evidence,
    _TermHit,
    _tokens,
)
from extractors.signals.decisions import _decide, _uncued
from extractors.signals.matcher import Candidates
from extractors.signals.model import ReportedShift
from extractors.signals.pairing import _clause_break, _relative_clauses
from extractors.signals.rules import RuleSet

# the reported shift read from a relative clause's stance and the main clause's "now" stance
SHIFT_BACKGROUND_NOW = "shift-background-now"
SHIFT_NOT_ANYMORE = "shift-not-anymore"
SHIFT_CONTRAST = "shift-contrast"
SHIFT_INITIALLY = "shift-initially"
# "not interested in talking anymore", "will not fund it any longer": a negated stance that
# says it held before
# ("any more territory" is a quantity, not a change: "any more" only before punctuation or the end)
_ANYMORE = re.compile(r"\b(?:anymore|any longer)\b|\bany more\b(?=\s*(?:[.,;:!?\"]|$))", re.I)

_SINCE = re.compile(r"\bsince\s+(?:[\w.'-]+\s+){0,5}$", re.I)
_NOW = re.compile(r"\bnow\b", re.I)


def _shift_spans(rs: RuleSet, s: str, starts: Candidates) -> list[tuple[int, int, Any]]:
    out: list[tuple[int, int, Any]] = []
    for sp, m in starts.matches_of(rs.lexicon.shifts):
        out.append((m.start(), m.end(), sp))
    return out


def _shifts(ctx: _Ctx, hits: list[_TermHit], cues: list[_Cue], spans: list[tuple[int, int, Any]], decisions: list[Decision], block: str | None) -> tuple[list[ShiftTrace], list[ReportedShift], list[_Evidence]]:
    s = ctx.sentence.text
    traces: list[ShiftTrace] = []
    shifts: list[ReportedShift] = []
    ev: list[_Evidence] = []
    for start, end, sp in spans:
        # a pattern whose new stance is the main clause's: the comma that closes its clause
        close = s.find(",", end) if sp.after_comma else -1
        for hit in hits:
            inside = start <= hit.start < end
            after = hit.start >= end and _tokens(s[end : hit.start]) <= sp.window and not _clause_break(ctx, end, hit.start)
            if not (inside or after):
                continue
            topic = hit.rule.topic
            if sp.topics is not None and topic not in sp.topics:
                continue
            if close >= 0:
                # "Kyiv, which had rejected a truce, agreed to talks": the earlier refusal was
                # of the truce; the talks have no earlier stance here
                refused = {h.rule.topic for h in hits if end <= h.start < close}
                if refused and topic not in refused:
                    continue
            if block:
                traces.append(ShiftTrace(sp.id, s[start:end], topic, (), None, None, block))
                continue
            neg = (ctx.rs.lexicon.negation_hard.search(s[max(0, start - 25) : start]) or ctx.rs.lexicon.negation_soft.search(s[max(0, start - 25) : start])
                   or _SINCE.search(s, max(0, start - 50), start))  # ("has yet to lift the ban on talks": nothing changed yet)
            if neg:
                # "gave no sign of dropping his insistence", "did not back off": no change; "since
                # Biden suspended diplomatic contacts": a time reference, not news
                traces.append(ShiftTrace(sp.id, s[start:end], topic, (), None, None, f"negated or background: {neg.group(0).strip()!r}"))
                continue
            actors, via, atext, drop = _subject(ctx, start, exclude=(hit.start, hit.end))
            if not actors:  # "For the first time, Moscow agreed to ..."
                actors, via, atext, drop = _subject(ctx, hit.start, exclude=(hit.start, hit.end))
            if not actors:
                traces.append(ShiftTrace(sp.id, s[start:end], topic, (), None, None, drop or "no actor"))
                continue
            frm, to = sp.from_stance, sp.to_stance
            if to == "cue":
                other = [c for c in cues if sp.cues_inside or not (start <= c.start < end)]
                if sp.not_cues is not None:  # cues that state the old stance ("after refusing")
                    other = [c for c in other if not sp.not_cues.search(s, c.start, c.end)]
                if close >= 0:
                    other = [c for c in other if c.start > close]  # the new stance is the main clause's
                d = _decide(ctx, hit, other, None)
                if d.stance and not d.dropped and not _uncued(d):
                    to = d.stance
                    if d.actors and d.actor_via != "carry-over":
                        # the new stance's own holder: "Moscow brushed off a shift in tone from
                        # Trump, who suggested ...": Trump's, not Moscow's
                        actors, via = d.actors, d.actor_via
                elif sp.uncued_stance and d.dropped and d.dropped.startswith("no stance"):
                    # "changes his position and says Ukraine can now recover all the territory":
                    # the changed position is the topic words themselves
                    to = INVERT[sp.uncued_stance] if hit.term.polarity == "inverse" else sp.uncued_stance
                else:
                    traces.append(ShiftTrace(sp.id, s[start:end], topic, actors, frm, None, "no new stance stated"))
                    continue
                if hit.term.polarity == "inverse":
                    frm = INVERT[frm] if frm else None
            elif hit.term.polarity == "inverse" and not inside:
                # (inside: the pattern itself holds the topic's negating words, "a pause on
                # military aid", so the pattern's stances already speak of the topic)
                frm = INVERT[frm] if frm else None
                to = INVERT[to]
            if frm == to:
                traces.append(ShiftTrace(sp.id, s[start:end], topic, actors, frm, to, "no change of stance"))
                continue
            conf = round(hit.rule.confidence * ctx.rs.lexicon.grammar.via(via), 3)
            traces.append(ShiftTrace(sp.id, s[start:end], topic, actors, frm, to, None))
            for a in actors:
                shifts.append(ReportedShift(a, topic, frm, to, s, sp.id, conf))
                ev.append(_Evidence(a, topic, to, ctx.sentence.index, s, sp.id, s[start:end], ctx.rs.lexicon.grammar.weights["reported_shift_evidence"]))
            break
    return traces, _dedupe_shifts(shifts), ev




def _reversal_shifts(ctx: _Ctx, decisions: list[Decision], spans: list[tuple[int, int, Any]], traces: list[ShiftTrace], shifts: list[ReportedShift], ev: list[_Evidence]) -> None:
    """"Trump had previously backed that proposal but reversed course": a reversal with no new
    stance after it turns the stance the sentence states before it (shifts.yaml:
    new_stance.reverses_earlier). "He was ready for elections, as he appeared to yield to
    pressure": the stance stated before is the new one (new_stance.before)."""
    s = ctx.sentence.text
    done = {(sh.actor, sh.topic) for sh in shifts}
    for start, end, sp in spans:
        if not (sp.reverses_earlier or sp.new_before):
            continue
        for d in decisions:
            if d.dropped or d.stance not in ("accept", "reject", "demand") or _uncued(d):
                continue
            at = d.at
            g = ctx.rs.lexicon.grammar
            if not 0 <= at < start or not (g.reversal_earlier_link if sp.reverses_earlier else g.reversal_new_link).search(s, at, start):
                continue
            old, new = (d.stance, INVERT[d.stance]) if sp.reverses_earlier else (sp.from_stance, d.stance)
            if old == new:
                continue
            for actor in d.actors:
                if (actor, d.topic) in done:
                    continue
                done.add((actor, d.topic))
                shifts.append(ReportedShift(actor, d.topic, old, new, s, sp.id, d.confidence))
                ev.append(_Evidence(actor, d.topic, new, ctx.sentence.index, s, sp.id, s[start:end], ctx.rs.lexicon.grammar.weights["reported_shift_evidence"]))
                traces.append(ShiftTrace(sp.id, f"{d.cue} … {s[start:end]}", d.topic, (actor,), old, new, None))


def _background_shifts(ctx: _Ctx, decisions: list[Decision], traces: list[ShiftTrace], shifts: list[ReportedShift], ev: list[_Evidence]) -> None:
    """"Trump, who last month imposed sanctions on Russia's oil companies, is now backing a
    phased lifting of sanctions": a stance in a relative clause (background) and another in the
    main clause, which says "now", for the same actor and topic: a reported shift between them."""
    s = ctx.sentence.text
    clauses = _relative_clauses(ctx)
    if not clauses or not _NOW.search(s, clauses[0][1]):
        return
    done = {(sh.actor, sh.topic) for sh in shifts}
    kept = [d for d in decisions if d.stance and not d.dropped and not _uncued(d)]
    for old in (d for d in kept if any(m.startswith("background:") for m in d.modifiers)):
        for new in (d for d in kept if d.topic == old.topic and not any(m.startswith("background:") for m in d.modifiers)):
            for actor in set(old.actors) & set(new.actors):
                if (actor, old.topic) in done or old.stance == new.stance:
                    continue
                done.add((actor, old.topic))
                conf = round(min(old.confidence, new.confidence), 3)
                shifts.append(ReportedShift(actor, old.topic, old.stance, new.stance, s, SHIFT_BACKGROUND_NOW, conf))
                ev.append(_Evidence(actor, old.topic, new.stance, ctx.sentence.index, s, SHIFT_BACKGROUND_NOW, new.cue, ctx.rs.lexicon.grammar.weights["reported_shift_evidence"]))
                traces.append(ShiftTrace(SHIFT_BACKGROUND_NOW, f"{old.cue} … now {new.cue}", old.topic, (actor,), old.stance, new.stance, None))


def _contrast_shifts(ctx: _Ctx, decisions: list[Decision], traces: list[ShiftTrace], shifts: list[ReportedShift], ev: list[_Evidence]) -> None:
    """"Russia previously rejected a ceasefire but has now accepted a 30-day truce": an earlier
    stance (a time word right before its cue, grammar.yaml contrast_shift.earlier, or the past
    perfect with one) set by "but ... now" against a new stance on the same topic, by the same
    actor, later in the sentence: a reported shift between them."""
    s = ctx.sentence.text
    g = ctx.rs.lexicon.grammar
    done = {(sh.actor, sh.topic) for sh in shifts}
    kept = [d for d in decisions if d.stance and not d.dropped and not _uncued(d) and d.at >= 0 and d.cue]
    for old in kept:
        cue_at = s.rfind(str(old.cue).split()[0], 0, old.at + 1)
        past = any(m.startswith("background: past perfect") for m in old.modifiers)
        if cue_at < 0 or not (past or g.contrast_earlier.search(s, max(0, cue_at - 40), cue_at)):
            continue
        for new in kept:
            if new.topic != old.topic or new.at <= old.at or new.stance == old.stance or new is old:
                continue
            if any(m.startswith("background:") for m in new.modifiers) or not g.contrast_new.search(s, old.at, new.at):
                continue
            for actor in new.actors:
                if actor not in old.actors or (actor, old.topic) in done:
                    continue
                done.add((actor, old.topic))
                conf = round(min(old.confidence, new.confidence), 3)
                shifts.append(ReportedShift(actor, old.topic, old.stance, new.stance, s, SHIFT_CONTRAST, conf))
                ev.append(_Evidence(actor, old.topic, new.stance, ctx.sentence.index, s, SHIFT_CONTRAST, new.cue, g.weights["reported_shift_evidence"]))
                traces.append(ShiftTrace(SHIFT_CONTRAST, f"{old.cue} … but … {new.cue}", old.topic, (actor,), old.stance, new.stance, None))


def _initially_shifts(rs: RuleSet, evidence: list[_Evidence], shifts: list[ReportedShift]) -> None:
    """"The United States initially objected to guarantees ... The accord now states that the
    United States supports them": a stance the article marks as the first one (grammar.yaml
    contrast_shift.initially, right before its cue) and a different, later stance of the same
    actor on the same topic in a later sentence report a shift between them."""
    g = rs.lexicon.grammar
    done = {(sh.actor, sh.topic) for sh in shifts}
    by_unit: dict[tuple[str, str], list[_Evidence]] = {}
    for e in evidence:
        if e.cue and not e.rule_id.startswith("shift-"):
            by_unit.setdefault((e.actor, e.topic), []).append(e)
    for (actor, topic), evs in by_unit.items():
        if (actor, topic) in done:
            continue
        first = next((e for e in evs if _marked_initial(g, e)), None)
        if first is None:
            continue
        later = [e for e in evs if e.sentence_index > first.sentence_index and e.stance != first.stance and not _marked_initial(g, e)]
        if later:
            new = later[-1]
            shifts.append(ReportedShift(actor, topic, first.stance, new.stance, new.sentence, SHIFT_INITIALLY, round(min(first.confidence, new.confidence), 3)))
            evidence.append(_Evidence(actor, topic, new.stance, new.sentence_index, new.sentence, SHIFT_INITIALLY, new.cue, g.weights["reported_shift_evidence"]))


def _marked_initial(g: Any, e: _Evidence) -> bool:
    at = e.sentence.find(str(e.cue).split(" … ")[0])
    return at > 0 and g.contrast_initially.search(e.sentence, max(0, at - 30), at) is not None


def _not_anymore_shifts(ctx: _Ctx, decisions: list[Decision], traces: list[ShiftTrace], shifts: list[ReportedShift], ev: list[_Evidence]) -> None:
    """"I'm not so interested in talking anymore": a negated accept after which the sentence
    says "anymore" reports a shift from accept to the negated stance."""
    s = ctx.sentence.text
    if "any" not in s.lower():
        return
    done = {(sh.actor, sh.topic) for sh in shifts}
    for d in decisions:
        if d.dropped or d.stance not in ("reject", "conditional") or d.cue_stance != "accept":
            continue
        if not any(m.startswith(("negation", "hedge")) for m in d.modifiers) or not _ANYMORE.search(s):
            continue
        for actor in d.actors:
            if (actor, d.topic) in done:
                continue
            done.add((actor, d.topic))
            shifts.append(ReportedShift(actor, d.topic, "accept", d.stance, s, SHIFT_NOT_ANYMORE, d.confidence))
            ev.append(_Evidence(actor, d.topic, d.stance, ctx.sentence.index, s, SHIFT_NOT_ANYMORE, d.cue, ctx.rs.lexicon.grammar.weights["reported_shift_evidence"]))
            traces.append(ShiftTrace(SHIFT_NOT_ANYMORE, f"{d.cue} … anymore", d.topic, (actor,), "accept", d.stance, None))


def _dedupe_shifts(shifts: list[ReportedShift]) -> list[ReportedShift]:
    seen: set[tuple[str, str]] = set()
    out = []
    for sh in shifts:
        if (sh.actor, sh.topic) in seen:
            continue
        seen.add((sh.actor, sh.topic))
        out.append(sh)
    return out
