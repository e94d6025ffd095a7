"""The signal engine: text -> positions (actor, topic, stance) and reported shifts.

Per text: normalise, check language, split sentences; one Aho-Corasick pass over the
whole text finds actor aliases and rule keywords, so only sentences that mention a
topic's keywords (candidates) meet the detailed patterns. For each topic mention in a
candidate sentence the nearest stance cue is paired with it, negation, hedges and
hypotheticals are applied, and the actor is read from the cue's subject, a quote's
speaker, "according to", a passive agent, or carried over from earlier sentences.
Every decision is kept for `explain` (see docs/ontology.md).

This module runs the pipeline over one text; each concern has its own module:
scanning.py (mentions, quotes, topic words, cues), pairing.py (which cue governs which
words), modifiers.py (negation, hedges, conditions), attribution.py (who holds it),
decisions.py (one reading per topic mention, and second readings), shifts.py (reported
changes), aggregation.py (one position per actor and topic), render.py (`explain`'s
report); base.py holds the trace records and working state they share.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from extractors.signals.aggregation import _aggregate
from extractors.signals.attribution import _speaker, _update_state
from extractors.signals.base import (
    Decision,
    Explanation,
    SentenceTrace,
    ShiftTrace,
    _Ctx,
    _Evidence,
    _State,
    _TermHit,
    _tokens,
)
from extractors.signals.conditions import ultimatum_readings
from extractors.signals.decisions import (
    _condition_list_decision,
    _decide,
    _proposer_decision,
    _relative_decision,
    _uncued,
)
from extractors.signals.matcher import Candidates
from extractors.signals.model import Classification, ReportedShift
from extractors.signals.render import render
from extractors.signals.rules import Mention, Rule, RuleSet
from extractors.signals.rules import load_ruleset as _load_ruleset
from extractors.signals.scanning import (
    _find_cues,
    _find_terms,
    _quote_spans,
    _scan,
    _sentence_block,
    _with_documents,
)
from extractors.signals.shifts import (
    _background_shifts,
    _contrast_shifts,
    _initially_shifts,
    _not_anymore_shifts,
    _reversal_shifts,
    _shift_spans,
    _shifts,
)
from extractors.signals.text import (
    MAX_CHARS,
    Sentence,
    language_problem,
    lower_aligned,
    normalise,
    split_sentences,
)

__all__ = ["RuleSet", "load_ruleset", "classify", "explain", "render", "Explanation", "Decision", "SentenceTrace"]

_ACCORDING = re.compile(r"\baccording to (?:the )?$", re.I)


def load_ruleset(rules_dir: Path | None = None) -> RuleSet:
    """The compiled rule set (rules_dir, else extractors/rules/); cached; validated."""
    return _load_ruleset(rules_dir)


def classify(text: str, *, ruleset: RuleSet | None = None, language: str | None = None) -> Classification:
    """Positions and reported shifts in one article text. Never raises on bad text."""
    return _run(text, ruleset or load_ruleset(), language, trace=False)[0]


def explain(text: str, *, ruleset: RuleSet | None = None, language: str | None = None) -> Explanation:
    """classify() with a per-sentence trace of every rule that fired and why."""
    rs = ruleset or load_ruleset()
    result, traces = _run(text, rs, language, trace=True)
    return Explanation(rs.version, result.skipped, result.notes, tuple(traces), result.positions, result.reported_shifts)


def sentence_decisions(text: str, *, ruleset: RuleSet | None = None) -> list[SentenceTrace]:
    """Traces of every sentence (evaluation of single labelled sentences uses this)."""
    rs = ruleset or load_ruleset()
    return _run(text, rs, None, trace=True)[1]


def _run(text: Any, rs: RuleSet, language: str | None, *, trace: bool) -> tuple[Classification, list[SentenceTrace]]:
    notes: list[str] = []
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if len(text) > MAX_CHARS * 2:  # cap before normalising, so a huge input costs little
        text = text[: MAX_CHARS * 2]
    norm = normalise(text)
    if not norm:
        return Classification(rs.version, skipped="empty text"), []
    if len(norm) > MAX_CHARS:
        notes.append(f"text capped at {MAX_CHARS} of {len(norm)} characters")
        norm = norm[:MAX_CHARS]
    problem = language_problem(norm, language)
    if problem:
        return Classification(rs.version, skipped=problem, notes=tuple(notes)), []
    sentences = split_sentences(norm)
    low = lower_aligned(norm)
    mentions, rule_hits, reports = _scan(rs, norm, low, sentences)

    state = _State()
    grammar = rs.lexicon.grammar
    prev_hit: _TermHit | None = None
    prev_age = 0
    evidence: list[_Evidence] = []
    shifts: list[ReportedShift] = []
    traces: list[SentenceTrace] = []
    for sent in sentences:
        sm = mentions[sent.index]
        sm = _with_documents(rs, sent.text, sm, state)
        hits = rule_hits.get(sent.index)
        if '"' in sent.text or state.in_quote:
            quotes, ends_in_quote = _quote_spans(sent.text, state.in_quote)
        else:
            quotes, ends_in_quote = [], False
        if hits or (prev_hit is not None) or (sm and quotes):  # the speaker matters only here
            starts = None  # built when a rule runs (or for reporting verbs that are regexes)
            if rs.lexicon.reporting_words is not None:
                verbs = reports.get(sent.index, [])
            else:
                starts = Candidates(sent.text, rs.prefix_table)
                verbs = [m.span() for m in starts.matches(rs.lexicon, rs.lexicon.reporting_re)]
            speaker, speaker_text, speaker_kind = _speaker(rs, sent.text, sm, quotes, state, verbs)
            if speaker is None and speaker_text is None and ends_in_quote and quotes:
                speaker, speaker_text, speaker_kind = _speaker_after_quote(rs, sentences, sent.index, mentions, reports, state)
        else:
            starts, speaker, speaker_text, speaker_kind = None, None, None, None
        # a quote nobody is said to speak is part of the narrative ('agreed only to being "prepared to ..."')
        regions = quotes if speaker_text is not None or not (hits or prev_hit is not None) else []
        ctx = _Ctx(rs, sent, sm, regions, speaker, speaker_text, speaker_kind, state, starts=starts)
        decisions: list[Decision] = []
        shift_traces: list[ShiftTrace] = []
        note = None
        carried = None
        if not hits and prev_hit is not None and grammar.back_reference.search(sent.text):
            carried = prev_hit  # "... a 30-day ceasefire." "We support it, but ..."
        if hits or carried:
            note = _sentence_block(rs, sent.text)
            rules = [rs.rules[i] for i in sorted(hits)] if hits else [carried.rule]
            decisions, shift_traces, ev, sh = _analyse_sentence(ctx, rules, note, carried=carried, antecedent=prev_hit)
            evidence.extend(ev)
            shifts.extend(sh)
        elif grammar.reservation_followup.search(sent.text):
            note = _hedge_previous(evidence, sent.index - 1) or note
        if hits:
            prev_hit = _antecedent(ctx.hits, decisions)
            prev_age = 0
        else:
            prev_age += 1
            if prev_age > 1:
                prev_hit = None
        if trace:
            # a sentence read through a back reference ("rejected the proposal") is shown too
            traces.append(SentenceTrace(sent.index, sent.text, bool(hits) or bool(decisions) or note is not None, _label(rs, speaker, speaker_text), tuple(decisions), tuple(shift_traces), note))
        _update_state(ctx, ends_in_quote)
    _initially_shifts(rs, evidence, shifts)
    positions = _aggregate(evidence, grammar.shift_hedge)
    return Classification(rs.version, positions=positions, reported_shifts=tuple(shifts), notes=tuple(notes)), traces


def _speaker_after_quote(
    rs: RuleSet, sentences: list[Sentence], index: int, mentions: dict[int, list[Mention]],
    reports: dict[int, list[tuple[int, int]]], state: _State,
) -> tuple[tuple[str, ...] | None, str | None, str | None]:
    """'"We are ready for these negotiations. But there are questions," noted Putin.': a quote
    that runs on past its sentence is said by whoever the sentence that closes it names."""
    for nxt in sentences[index + 1 : index + 4]:
        quotes, still_open = _quote_spans(nxt.text, True)
        if still_open and quotes and quotes[0] == (0, len(nxt.text)):
            continue  # the quote runs on through this sentence too
        if rs.lexicon.reporting_words is not None:
            verbs = reports.get(nxt.index, [])
        else:
            verbs = [m.span() for m in Candidates(nxt.text, rs.prefix_table).matches(rs.lexicon, rs.lexicon.reporting_re)]
        actors, text, kind = _speaker(rs, nxt.text, mentions[nxt.index], quotes, state, verbs)
        return (actors, f"{text} (after the quote)", kind) if actors else (None, None, None)
    return None, None, None


def _hedge_previous(evidence: list[_Evidence], index: int) -> str | None:
    """'We are ready for these negotiations. But there are also questions ...': the acceptance
    the sentence before states is held with reservations (conditional)."""
    hedged = []
    for i, e in enumerate(evidence):
        if e.sentence_index == index and e.stance == "accept":
            evidence[i] = dataclasses.replace(e, stance="conditional")
            hedged.append(f"{e.actor} {e.topic}")
    return f"reservation about the previous sentence: {', '.join(hedged)} accept -> conditional" if hedged else None


def _label(rs: RuleSet, actors: tuple[str, ...] | None, text: str | None) -> str | None:
    if not actors:
        return text
    return f"{text} ({', '.join(actors)})"


def _antecedent(hits: list[_TermHit], decisions: list[Decision]) -> _TermHit | None:
    """The topic a later "that proposal" or "it" can stand for: the sentence's only topic, else
    its only topic that took a stance ("urged Putin to agree to a ceasefire before any talks
    can advance. Trump had backed that proposal": the ceasefire, not the talks)."""
    topics = {h.rule.topic for h in hits}
    if len(topics) > 1:
        topics = {d.topic for d in decisions if d.stance and not d.dropped} & topics
    if len(topics) != 1:
        return None
    return next(h for h in hits if h.rule.topic in topics)


def _analyse_sentence(
    ctx: _Ctx, rules: list[Rule], block: str | None, carried: _TermHit | None = None, antecedent: _TermHit | None = None,
) -> tuple[list[Decision], list[ShiftTrace], list[_Evidence], list[ReportedShift]]:
    rs, s = ctx.rs, ctx.sentence.text
    starts = ctx.starts or Candidates(s, rs.prefix_table)
    if carried is None:
        hits, vetoed = _find_terms(rules, s, starts)
    else:
        hits, vetoed = [], []
    ctx.hits = hits
    decisions: list[Decision] = []
    for rid, term, why in vetoed:
        decisions.append(Decision(rid, rs.by_id(rid).topic, term, "plain", None, None, None, (), None, None, (), 0.0, f"vetoed by {why!r} (another topic)"))
    if not hits and carried is None:
        return decisions, [], [], []
    ctx.term_spans = [(h.start, h.end) for h in hits]
    for m in ctx.mentions:
        if _ACCORDING.search(s[max(0, m.start - 20) : m.start]):
            ctx.according = m
            break
    # cues matter only within their window of the topic words (or anywhere, for "support it")
    lo, hi = (max(0, hits[0].start - 160), min(len(s), hits[-1].end + 100)) if hits else (0, len(s))
    cues = [c for c in _find_cues(rs, rules, s, starts, lo, hi) if not any(h.start <= c.start and c.end <= h.end for h in hits)]
    shift_spans = _shift_spans(rs, s, starts)
    plain_cues = [c for c in cues if not any(a <= c.start < b for a, b, _ in shift_spans)]
    ultimatum = ultimatum_readings(ctx, hits) if block is None or block.startswith("hypothetical") else None
    owns: list[int] = []  # each hit's own reading; its second readings follow it
    for idx, hit in enumerate(hits):
        own = len(decisions)
        owns.append(own)
        decisions.append(_decide(ctx, hit, plain_cues, block))
        extra = _relative_decision(ctx, hit, plain_cues, block, decisions[-1])
        if extra:
            decisions.append(extra)
        listed = _condition_list_decision(ctx, hit, block, decisions[-1])
        if listed:
            decisions[-1] = listed
        # an ultimatum's reading replaces a supposition or a list item ('an ultimatum: "If ...,
        # then hostilities will cease"'); a cued reading of its main clause ("will only agree
        # to a truce if ...") stands
        u = ultimatum.get(idx) if ultimatum else None
        if u is not None and (decisions[own].dropped or decisions[own].stance == "conditional" or listed or u.stance != "conditional"):
            decisions[own] = u
        proposer = _proposer_decision(ctx, hit, block, decisions[-1])
        if proposer:
            decisions.append(proposer)
    # "we support it": a pronoun right after a cue stands for a topic named without a cue
    # in this sentence, or for the single topic of the previous sentence
    uncued = [h for h, own in zip(hits, owns, strict=True) if _uncued(decisions[own])]
    if len({h.rule.topic for h in uncued}) > 1:  # "a counteroffer of talks, without mentioning a truce": not the truce
        circumstance = rs.lexicon.grammar.mention_circumstance
        uncued = [h for h in uncued if not circumstance.search(s, max(0, h.start - 60), h.start)] or uncued
    earlier = carried or antecedent
    for pm in rs.lexicon.grammar.back_reference.finditer(s):
        if any(pm.start() < b and a < pm.end() for a, b in ctx.term_spans):
            continue  # "the ceasefire proposal" names its topic itself; it refers back to nothing
        if not any(c.end <= pm.start() and _tokens(s[c.end : pm.start()]) <= 1 and c.group.placement == "pre" for c in plain_cues):
            continue
        # it refers back: to a topic named before it in this sentence, else to the previous
        # sentence's ("had backed that proposal but reversed course after meeting Putin": not the meeting)
        # ("Kyiv proposed a truce and Moscow rejected it": a topic this sentence already read counts too)
        sources = [h for h in uncued if h.end <= pm.start()] or [h for h in hits if h.end <= pm.start()]
        if not sources:
            noun_phrase = " " in pm.group(0).strip()  # "that proposal", not "it"
            sources = [earlier] if noun_phrase and earlier else uncued or ([carried] if carried else [])
        if sources and len({h.rule.topic for h in sources}) == 1:
            src = sources[0]
            pseudo = _TermHit(src.rule, src.term, pm.start(), pm.end(), f"{pm.group(0)} (= {src.text})")
            decisions.append(_decide(ctx, pseudo, plain_cues, block))
        break
    for i, d in enumerate(decisions):
        # "no longer pushes Ukraine to give up territory", "no longer demands that Ukraine
        # withdraw": the shift's own verb governs the words, whose subject holds nothing
        if d.stance and not d.dropped and d.cue == d.term and any(b <= d.at and _tokens(s[b : d.at]) <= 4 for _, b, _ in shift_spans):
            decisions[i] = dataclasses.replace(d, stance=None, dropped="governed by the reported shift's verb")
    shift_traces, shifts, shift_ev = _shifts(ctx, hits, cues, shift_spans, decisions, block)
    _background_shifts(ctx, decisions, shift_traces, shifts, shift_ev)
    _contrast_shifts(ctx, decisions, shift_traces, shifts, shift_ev)
    _not_anymore_shifts(ctx, decisions, shift_traces, shifts, shift_ev)
    _reversal_shifts(ctx, decisions, shift_spans, shift_traces, shifts, shift_ev)
    shifted = {(e.actor, e.topic) for e in shift_ev}
    ev: list[_Evidence] = []
    for d in decisions:
        if d.dropped or not d.stance:
            continue
        for actor in d.actors:
            if (actor, d.topic) in shifted:
                continue
            ev.append(_Evidence(actor, d.topic, d.stance, ctx.sentence.index, s, d.rule_id, d.cue, d.confidence))
    ev.extend(shift_ev)
    return decisions, shift_traces, ev, shifts
