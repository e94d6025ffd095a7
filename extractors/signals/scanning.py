"""Scanning: actor mentions, quotes and documents per sentence, and the topic words and stance
cues a sentence holds.
"""

from __future__ import annotations

import bisect
import re

from extractors.signals.attribution import _coordinated, _coordinated_after, _is_object
from extractors.signals.base import _THE, _Cue, _longest, _State, _TermHit, _tokens
from extractors.signals.matcher import Candidates
from extractors.signals.rules import Mention, Rule, RuleSet
from extractors.signals.text import Sentence

_QUESTION_END = re.compile(r"\?[\"')\]]*$")

# between an actor and a document noun: "'s", "-drafted", a few words ("U.S. peace")
_DOC_PREFIX = re.compile(r"(?:'s|s')?(?:-[a-z]+)?\s+(?:(?!(?:as|a|an|the|of|for|to|in|on|at|and|or|with|by|that|which)\b)[\w.-]+\s+){0,2}", re.I)

# a document named again: "the plan", "this draft"
_DOC_DETERMINER = re.compile(r"\b(?:the|this|that|these)\s+(?:[\w-]+\s+){0,2}$", re.I)


def _scan(rs: RuleSet, norm: str, low: str, sentences: list[Sentence]) -> tuple[dict[int, list[Mention]], dict[int, set[int]], dict[int, list[tuple[int, int]]]]:
    """Actor mentions, rules whose keywords occur, and reporting verbs, per sentence."""
    starts = [s.start for s in sentences]
    ends = [s.start + len(s.text) for s in sentences]
    raw: dict[int, list[Mention]] = {}
    rule_hits: dict[int, set[int]] = {}
    reports: dict[int, list[tuple[int, int]]] = {}
    n = len(low)
    bisect_right = bisect.bisect_right
    for end, (length, rule_ids, report, actor) in rs.automaton.iter(low):
        start = end - length + 1
        if start and low[start - 1].isalnum():
            continue
        si = bisect_right(starts, start) - 1
        if si < 0 or end >= ends[si]:
            continue
        if rule_ids:
            got = rule_hits.get(si)
            if got is None:
                rule_hits[si] = set(rule_ids)
            else:
                got.update(rule_ids)
        if not (report or actor) or (end + 1 < n and low[end + 1].isalnum()):
            continue  # aliases and reporting verbs match whole words; keywords may be word prefixes ("negotiat")
        offset = starts[si]
        # the bounds of the reporting-verb regex: not after [\w-], not before \w
        if report and not ((start and low[start - 1] in "_-") or (end + 1 < n and low[end + 1] == "_")):
            reports.setdefault(si, []).append((start - offset, end + 1 - offset))
        if actor:
            actors, akind, exact = actor
            original = norm[start : end + 1]
            if not exact or original.isupper():
                raw.setdefault(si, []).append(Mention(start - offset, end + 1 - offset, actors, akind, original))
    mentions = {s.index: _longest(raw[s.index]) if s.index in raw else [] for s in sentences}
    return mentions, rule_hits, reports


def _with_documents(rs: RuleSet, s: str, mentions: list[Mention], state: _State) -> list[Mention]:
    """`mentions` plus "the plan", "the draft", "the 28-point plan" as mentions of the
    document's author (ANNOTATION.md: a plan speaks for whoever authored or tabled it).
    The author is a possessor or actor word right before the noun ("Washington's plan", "the
    U.S. draft", kept as that actor's own mention), the agent of "drafted by X", the subject
    of "X drafted a plan", or else the author of the last such document in the article."""
    g = rs.lexicon.grammar
    if not any(map(s.lower().__contains__, g.document_words)):  # most sentences name no document
        return mentions
    added: list[Mention] = []
    for dm in g.document.finditer(s):
        a, b = dm.span()
        before = [m for m in mentions if m.end <= a and _DOC_PREFIX.fullmatch(s, m.end, a)]
        if before:  # "the U.S. plan", "Trump's 28-point plan": the author is named right there
            m = before[-1]
            state.names_document(_coordinated(s, mentions, m), m.text)
            # the document is the clause's subject ("the US plan would require ..."), its author's
            added.append(Mention(a, b, state.document_author, "document", f"{dm.group(0)} (= {m.text})"))
            continue
        actors, text = None, None
        am = g.proposer_after.match(s, b)
        agent = next((m for m in mentions if am and m.start >= am.end() and _THE.fullmatch(s, am.end(), m.start)), None)
        if agent is not None:  # "the plan, drafted by Witkoff and Dmitriev, ...": the plan is their mention
            actors = _coordinated_after(s, mentions, agent)
            state.names_document(actors, agent.text)
            added.append(Mention(a, b, actors, "document", f"{dm.group(0)} (= {agent.text})"))
            continue
        else:
            verb = g.authored.search(s, 0, a)
            subj = [m for m in mentions if verb and m.end <= verb.start() and not _is_object(rs, s, m)]
            if subj:
                actors, text = _coordinated(s, mentions, subj[-1]), subj[-1].text
        if actors:
            state.names_document(actors, text)
            continue  # the sentence names the author itself
        if state.document_author and _DOC_DETERMINER.search(s, max(0, a - 12), a) and not any(m.start < b and a < m.end for m in mentions):
            state.names_document()
            added.append(Mention(a, b, state.document_author, "document", f"{dm.group(0)} (= {state.document_author_text})"))
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)


def _quote_spans(s: str, in_quote: bool) -> tuple[list[tuple[int, int]], bool]:
    spans = []
    open_at = 0 if in_quote else None
    i = s.find('"')
    while i >= 0:
        if open_at is None:
            open_at = i
        else:
            spans.append((open_at, i + 1))
            open_at = None
        i = s.find('"', i + 1)
    ends_open = open_at is not None
    if ends_open:
        spans.append((open_at, len(s)))
    # a closed quote of a few words ('"root causes"', 'an absolute "no"') is emphasis, not speech
    spans = [(a, b) for a, b in spans if b == len(s) and ends_open or (a == 0 and in_quote) or not _scare(s[a:b])]
    return spans, ends_open


def _scare(q: str) -> bool:
    inner = q.strip('"').strip()
    return _tokens(inner) <= 6 and not re.search(r"[,.!?]$", inner)


def _sentence_block(rs: RuleSet, s: str) -> str | None:
    """Why no position can come from this sentence at all (a question, a supposition)."""
    stripped = s.strip()
    if _QUESTION_END.search(stripped):
        return "question: no position"
    if rs.lexicon.hypothetical_open_re.search(stripped):
        return "hypothetical: no position"
    return None


def _find_cues(rs: RuleSet, rules: list[Rule], s: str, starts: Candidates, lo: int = 0, hi: int | None = None) -> list[_Cue]:
    """Stance cues in s[lo:hi] (the stretch around the topic words); longest wins an overlap."""
    found: list[_Cue] = []
    groups = list(rs.lexicon.cues)
    for r in rules:
        groups.extend(r.cues)
    for g, m in starts.matches_of(groups, lo, hi):
        found.append(_Cue(m.start(), m.end(), g))
    kept: list[_Cue] = []
    # on the same words a rule's own cue wins over the shared lexicon's, being the more specific
    # reading ("a red line" demands in general, but rejects NATO membership)
    own = {id(g) for r in rules for g in r.cues}
    for c in sorted(found, key=lambda c: (-c.length, c.start, id(c.group) not in own)):
        if any(c.start < k.end and k.start < c.end for k in kept):
            continue
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _find_terms(rules: list[Rule], s: str, starts: Candidates) -> tuple[list[_TermHit], list[tuple[str, str, str]]]:
    hits: list[_TermHit] = []
    vetoed: list[tuple[str, str, str]] = []
    for r in rules:
        mine: list[_TermHit] = []
        for t, m in starts.matches_of(r.terms):
            if r.unless and r.unless.search(s[max(0, m.start() - 50) : m.end() + 50]):
                vetoed.append((r.id, m.group(0), r.unless.search(s[max(0, m.start() - 50) : m.end() + 50]).group(0)))
                continue
            mine.append(_TermHit(r, t, m.start(), m.end(), m.group(0)))
        kept: list[_TermHit] = []
        # the longest words win; on the same words, stance words ("swap 300 prisoners") win
        # over plain topic words, being the more specific reading
        for h in sorted(mine, key=lambda h: (-(h.end - h.start), h.start, h.term.polarity != "self")):
            if any(h.start < k.end and k.start < h.end for k in kept):
                continue
            kept.append(h)
        hits.extend(kept)
    # two rules of one topic on the same words ("30-day ceasefire" / "ceasefire"): the longer
    out: list[_TermHit] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(h.rule.topic == k.rule.topic and h.start < k.end and k.start < h.end for k in out):
            continue
        out.append(h)
    return sorted(out, key=lambda h: h.start), vetoed
