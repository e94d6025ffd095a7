"""The signal engine: text -> positions (actor, topic, stance) and reported shifts.

Per text: normalise, check language, split sentences; one Aho-Corasick pass over the
whole text finds actor aliases and rule keywords, so only sentences that mention a
topic's keywords (candidates) meet the detailed patterns. For each topic mention in a
candidate sentence the nearest stance cue is paired with it, negation, hedges and
hypotheticals are applied, and the actor is read from the cue's subject, a quote's
speaker, "according to", a passive agent, or carried over from earlier sentences.
Every decision is kept for `explain` (see docs/ontology.md).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from extractors.signals.matcher import Candidates
from extractors.signals.model import Classification, Evidence, Position, ReportedShift
from extractors.signals.rules import CueGroup, Mention, Rule, RuleSet, Term
from extractors.signals.rules import load_ruleset as _load_ruleset
from extractors.signals.text import (
    MAX_CHARS,
    Sentence,
    language_problem,
    lower_aligned,
    normalise,
    split_sentences,
)

__all__ = ["RuleSet", "load_ruleset", "classify", "explain", "Explanation", "Decision", "SentenceTrace"]

INVERT = {"accept": "reject", "demand": "reject", "reject": "accept", "conditional": "conditional"}
VIA_FACTOR = {
    "subject": 1.0, "passive agent": 1.0, "metonym": 0.95, "role": 0.95, "group": 0.95,
    "speaker": 0.95, "reported speech": 0.95, "relative clause": 0.9, "according to": 0.9,
    "carry-over": 0.85, "proposer": 0.9, "accused": 0.9, "document": 0.9,
}
SHIFT_EVIDENCE_CONFIDENCE = 0.6
# the reported shift read from a relative clause's stance and the main clause's "now" stance
SHIFT_BACKGROUND_NOW = "shift-background-now"
_NOW = re.compile(r"\bnow\b", re.I)
_TOKEN = re.compile(r"[\w'-]+")
_CLAUSE_BREAK = re.compile(r";(?!\s*that\b)|\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b|\bthough\b|\bhowever\b|\bif\b|\bunless\b|\bbecause\b|\bbefore\b|\bwhen\b|\bonce\b| - ", re.I)
# every _CLAUSE_BREAK match lies on one of these (matched on the lower-cased sentence, so
# the regex engine can skip ahead by first character): a cheap test before the exact one
_CLAUSE_HINT = re.compile(r";|but|while|whereas|although|though|however|if|unless|because|before|when|once| - ")
_ACCORDING = re.compile(r"\baccording to (?:the )?$", re.I)
_OBJ_BEFORE = re.compile(r"\b(?:with|to|from|against|on|for|of|at|by|than|told|urged|asked|between|among)\s+(?:the\s+)?$", re.I)
_LIST_GAP = re.compile(r",|;|\band\b|\bor\b|\bas well as\b|\bincluding\b|\bsuch as\b|\bamong them\b|\bnamely\b|:|\b(?:accompanied|coupled|combined|paired) (?:by|with)\b|\b(?:along|together) with\b|\b(?:tied|linked) to\b", re.I)
_PURPOSE_CUE = re.compile(r"red line|condition", re.I)
_BUT_NOT = re.compile(r"\bbut not (?:to |on |for |with |over |in )?(?:(?:a|an|the|any)\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# "insisted that aid must continue regardless of any truce": the truce is not what is demanded
_REGARDLESS = re.compile(r"\b(?:regardless|irrespective|independently) of\s+(?:(?:any|a|an|the|whatever)\s+)?(?:[\w-]+\s+){0,2}$", re.I)
_PLUPERFECT = re.compile(r"\bhad\s+((?:(?:long|previously|earlier|initially|originally|until (?:now|then)|for (?:months|weeks|years|decades))\s+)+)?$", re.I)
# a non-restrictive relative clause (", who joined U.S. negotiators in Paris,"): the names in
# it are not the subject of the main clause's verb
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,;]*,")
# "Kyiv's insistence that", "Moscow's demand for": the possessor of a nominal cue
_POSSESSOR = re.compile(r"(?:'s|s')\s+(?:(?:repeated|renewed|latest|new|own|initial|stated|long-standing|earlier|firm|formal|public|key|main)\s+)?")
# "with Trump promising to", "with Moscow ready to": an absolute clause whose subject follows
# "with" (the gap after the mention, then the cue's first word); "talks with Moscow only
# after" is no such clause
_ABSOLUTE = re.compile(r"\s*(?:\w+ing\b.*|(?:ready|willing|prepared|unwilling|eager|keen|open|determined|still|now)\b.*)", re.I | re.S)
_RELATIVE_GAP = re.compile(r"\s*(?:,\s*(?:which|who|whom)|that|which|who|whom)?\s*(?:the\s+)?", re.I)
# "insisted that any deal be backed by ...": a demand's clause in the subjunctive
_SUBJUNCTIVE_GAP = re.compile(r"\s*(?:that\s+)?(?:(?:any|a|an|the|all|every|such)\s+)?(?:[\w'-]+\s+){1,2}be\s+", re.I)
# "insisted that any truce be accompanied by ...": "any truce" is the clause's subject, not
# what is demanded
_ANY_SUBJECT_BEFORE = re.compile(r"\s*(?:that\s+)?any\s+$", re.I)
_ANY_SUBJECT_AFTER = re.compile(r"\s+(?:be|must|should|would|will|has to|have to|needs? to)\b", re.I)
_EMBEDDED_GAP = re.compile(r"[\s,]*(?:that\s+)?(?:[\w'.-]+\s+){1,3}?(?:to\s+|would\s+|will\s+|should\s+|could\s+|might\s+|must\s+)?", re.I)
_SAID_AFTER = re.compile(r"[\",]\s*(?:said|says|added|adds|wrote|writes|noted|warned|continued|explained|asked|insisted|stressed|argued|declared)$", re.I)
_NEG_SEPARATOR = re.compile(r",|;|\band\b|\bbut\b|\bor\b| - ", re.I)
_HEADLINE_COLON = re.compile(r"(?:'s)?\s*:\s")
_QUESTION_END = re.compile(r"\?[\"')\]]*$")
_THE = re.compile(r"(?:the\s+)?", re.I)
# an outer cue ending in "to" right before the inner one: an infinitive ("continues to insist")
_TO_GAP = re.compile(r"\sto\s*$", re.I)
_JOIN_GAP = re.compile(r"(?:'s)?\s*(?:,? and|,? as well as|,? along with|,? together with)\s*(?:the |his |her |its |their |[A-Z][\w.-]*\s){0,3}", re.I)
_COMMA_GAP = re.compile(r"\s*,\s*(?:the |his |her |its |their ){0,2}")
_LIST_END = re.compile(r"\s*,?\s*(?:and|as well as)\s", re.I)
_AND_JOIN = re.compile(r"\s*(?:,|,? and|,? as well as)\s+(?:the\s+)?", re.I)
# between an actor and a document noun: "'s", "-drafted", a few words ("U.S. peace")
_DOC_PREFIX = re.compile(r"(?:'s|s')?(?:-[a-z]+)?\s+(?:(?!(?:as|a|an|the|of|for|to|in|on|at|and|or|with|by|that|which)\b)[\w.-]+\s+){0,2}", re.I)
# a document named again: "the plan", "this draft"
_DOC_DETERMINER = re.compile(r"\b(?:the|this|that|these)\s+(?:[\w-]+\s+){0,2}$", re.I)
# a quote that opens mid-clause, right after a word (not after "said:", a comma or a dash)
_PARTIAL_QUOTE = re.compile(r"\w\s*$")
_PRINCIPLE_BUT = re.compile(r"\bin principle\b.*\b(?:but|however|though|yet)\b", re.I)


def load_ruleset(rules_dir: Path | None = None) -> RuleSet:
    """The compiled rule set (rules_dir, else extractors/rules/); cached; validated."""
    return _load_ruleset(rules_dir)


# --- trace records ------------------------------------------------------------------------
@dataclass(frozen=True)
class Decision:
    """One rule firing on one topic mention in one sentence, and what came of it."""

    rule_id: str
    topic: str
    term: str
    polarity: str
    cue: str | None
    cue_stance: str | None
    stance: str | None
    actors: tuple[str, ...]
    actor_via: str | None
    actor_text: str | None
    modifiers: tuple[str, ...]
    confidence: float
    dropped: str | None = None  # why this firing makes no position


@dataclass(frozen=True)
class ShiftTrace:
    shift_id: str
    text: str
    topic: str
    actors: tuple[str, ...]
    from_stance: str | None
    to_stance: str | None
    dropped: str | None = None


@dataclass(frozen=True)
class SentenceTrace:
    index: int
    text: str
    candidate: bool
    speaker: str | None
    decisions: tuple[Decision, ...] = ()
    shifts: tuple[ShiftTrace, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class Explanation:
    ruleset_version: str
    skipped: str | None
    notes: tuple[str, ...]
    sentences: tuple[SentenceTrace, ...]
    positions: tuple[Position, ...]
    reported_shifts: tuple[ReportedShift, ...]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- public API -----------------------------------------------------------------------------
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


# --- the pipeline over one text -----------------------------------------------------------------
@dataclass
class _State:
    salient: tuple[str, ...] | None = None  # actor(s) of the latest subject or speaker
    salient_text: str | None = None
    salient_index: int = -1
    in_quote: bool = False
    recent_actors: tuple[str, ...] = ()  # every actor the previous sentence named ("the two")
    document_author: tuple[str, ...] | None = None  # who wrote "the plan" named earlier
    document_author_text: str | None = None
    quote_speaker: tuple[str, ...] | None = None
    last_quote_speaker: tuple[str, ...] | None = None
    last_quote_index: int = -2
    index: int = 0


@dataclass
class _Cue:
    start: int
    end: int
    group: CueGroup

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class _TermHit:
    rule: Rule
    term: Term
    start: int
    end: int
    text: str


@dataclass
class _Evidence:
    actor: str
    topic: str
    stance: str
    sentence_index: int
    sentence: str
    rule_id: str
    cue: str | None
    confidence: float


@dataclass
class _Ctx:
    rs: RuleSet
    sentence: Sentence
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    speaker: tuple[str, ...] | None
    speaker_text: str | None
    speaker_kind: str | None  # speaker | reported speech
    state: _State
    according: Mention | None = None
    hits: list[_TermHit] = field(default_factory=list)
    term_spans: list[tuple[int, int]] = field(default_factory=list)
    starts: Candidates | None = None  # built once per sentence that is analysed
    clause_hints: list[tuple[int, int]] | None = None  # see _clause_break
    relative_clauses: list[tuple[int, int]] | None = None  # see _relative_clauses


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
            decisions, shift_traces, ev, sh = _analyse_sentence(ctx, rules, note, carried=carried)
            evidence.extend(ev)
            shifts.extend(sh)
        if hits:
            prev_hit = ctx.hits[0] if len({h.rule.topic for h in ctx.hits}) == 1 else None
            prev_age = 0
        else:
            prev_age += 1
            if prev_age > 1:
                prev_hit = None
        if trace:
            # a sentence read through a back reference ("rejected the proposal") is shown too
            traces.append(SentenceTrace(sent.index, sent.text, bool(hits) or bool(decisions), _label(rs, speaker, speaker_text), tuple(decisions), tuple(shift_traces), note))
        _update_state(ctx, ends_in_quote)
    positions = _aggregate(evidence)
    return Classification(rs.version, positions=positions, reported_shifts=tuple(shifts), notes=tuple(notes)), traces


def _label(rs: RuleSet, actors: tuple[str, ...] | None, text: str | None) -> str | None:
    if not actors:
        return text
    return f"{text} ({', '.join(actors)})"


# --- scanning -------------------------------------------------------------------------------------
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
    low = s.lower()
    if not any(w in low for w in g.document_words):  # most sentences name no document
        return mentions
    added: list[Mention] = []
    for dm in g.document.finditer(s):
        a, b = dm.span()
        before = [m for m in mentions if m.end <= a and _DOC_PREFIX.fullmatch(s, m.end, a)]
        if before:  # "the U.S. plan", "Trump's 28-point plan": the author is named right there
            m = before[-1]
            state.document_author, state.document_author_text = _coordinated(s, mentions, m), m.text
            continue
        actors, text = None, None
        am = g.proposer_after.match(s, b)
        agent = next((m for m in mentions if am and m.start >= am.end() and _THE.fullmatch(s, am.end(), m.start)), None)
        if agent is not None:  # "the plan, drafted by Witkoff and Dmitriev, ...": the plan is their mention
            actors = _coordinated_after(s, mentions, agent)
            state.document_author, state.document_author_text = actors, agent.text
            added.append(Mention(a, b, actors, "document", f"{dm.group(0)} (= {agent.text})"))
            continue
        else:
            verb = g.authored.search(s, 0, a)
            subj = [m for m in mentions if verb and m.end <= verb.start() and not _is_object(rs, s, m)]
            if subj:
                actors, text = _coordinated(s, mentions, subj[-1]), subj[-1].text
        if actors:
            state.document_author, state.document_author_text = actors, text
            continue  # the sentence names the author itself
        if state.document_author and _DOC_DETERMINER.search(s, max(0, a - 12), a) and not any(m.start < b and a < m.end for m in mentions):
            added.append(Mention(a, b, state.document_author, "document", f"{dm.group(0)} (= {state.document_author_text})"))
    if not added:
        return mentions
    return sorted([*mentions, *added], key=lambda m: m.start)


def _coordinated_after(s: str, mentions: list[Mention], m: Mention) -> tuple[str, ...]:
    """Actors of m plus any joined to it after it ("by Witkoff and Dmitriev")."""
    actors = list(m.actors)
    idx = mentions.index(m)
    while idx + 1 < len(mentions):
        nxt = mentions[idx + 1]
        if not _AND_JOIN.fullmatch(s, mentions[idx].end, nxt.start):
            break
        actors += [a for a in nxt.actors if a not in actors]
        idx += 1
    return tuple(actors)


def _longest(ms: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in sorted(ms, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start and m.start == out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out


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


def _in_quote(quotes: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    for a, b in quotes:
        if a <= pos < b:
            return (a, b)
    return None


def _tokens(s: str) -> int:
    return len(_TOKEN.findall(s))


def _sentence_block(rs: RuleSet, s: str) -> str | None:
    """Why no position can come from this sentence at all (a question, a supposition)."""
    stripped = s.strip()
    if _QUESTION_END.search(stripped):
        return "question: no position"
    if rs.lexicon.hypothetical_open_re.search(stripped):
        return "hypothetical: no position"
    return None


# --- attribution ----------------------------------------------------------------------------------
def _is_object(rs: RuleSet, s: str, m: Mention, mentions: list[Mention] | None = None) -> bool:
    """Is m an object ("told Trump", "by Moscow")? With `mentions`, also a mention joined by
    "and" to an object ("drafted by Witkoff and Dmitriev")."""
    if rs.lexicon.object_markers.ends(s[max(0, m.start - 30) : m.start]):
        return True
    if mentions:
        earlier = [p for p in mentions if p.end <= m.start]
        while earlier and _AND_JOIN.fullmatch(s, earlier[-1].end, m.start):
            m = earlier.pop()
            if rs.lexicon.object_markers.ends(s[max(0, m.start - 30) : m.start]):
                return True
    return False


def _coordinated(s: str, mentions: list[Mention], m: Mention) -> tuple[str, ...]:
    """Actors of m plus any joined to it by "and" / "," ("Zelenskyy and Trump agreed")."""
    actors = list(m.actors)
    idx = mentions.index(m)
    # "Ukraine, the United States and other Western countries": a bare comma joins only
    # inside a list that an "and" closes (never "Zelensky, Trump said, ...")
    listed = bool(_LIST_END.match(s, m.end))
    while idx > 0:
        prev = mentions[idx - 1]
        gap = s[prev.end : mentions[idx].start]
        joined = _JOIN_GAP.fullmatch(gap) or (listed and _COMMA_GAP.fullmatch(gap))
        if joined and not _OBJ_BEFORE.search(s[max(0, prev.start - 30) : prev.start]):
            if not _COMMA_GAP.fullmatch(gap):
                listed = True  # an "and" closes the list: the commas before it join too
            for a in prev.actors:
                if a not in actors:
                    actors.insert(0, a)
            idx -= 1
        else:
            break
    return tuple(actors)


def _via(m: Mention) -> str:
    return {"name": "subject", "metonym": "metonym", "role": "role", "group": "group", "document": "document"}[m.kind]


class _Span(tuple):
    """A (start, end) span read like a regex match."""

    def start(self) -> int:
        return self[0]

    def end(self) -> int:
        return self[1]


def _speaker(rs: RuleSet, s: str, mentions: list[Mention], quotes: list[tuple[int, int]], state: _State, verbs: list[tuple[int, int]]) -> tuple[tuple[str, ...] | None, str | None, str | None]:
    """Who says this sentence: a quote's speaker or the subject of a reporting verb (`verbs`: their spans)."""
    lex = rs.lexicon
    for rv in map(_Span, verbs):
        if _in_quote(quotes, rv.start()):
            continue
        before = [m for m in mentions if m.end <= rv.start() and not _in_quote(quotes, m.start) and _tokens(s[m.end : rv.start()]) <= 3 and '"' not in s[m.end : rv.start()]]
        before = [m for m in before if not _is_object(rs, s, m)]
        pron = lex.anaphor_re.search(s[max(0, rv.start() - 12) : rv.start()])
        if pron and state.salient:
            return state.salient, f"{pron.group(0)} = {state.salient_text}", "speaker"
        if before:
            m = before[-1]
            return _coordinated(s, mentions, m), m.text, "speaker"
        if _SAID_AFTER.search(s[max(0, rv.start() - 3) : rv.end()]):
            for m in mentions:  # '..." said Peskov', ', said Kremlin spokesman Dmitry Peskov'
                if rv.end() <= m.start and _tokens(s[rv.end() : m.start]) <= 3 and not _in_quote(quotes, m.start) and not re.search(r'["(]|\b(?:in|at|on|to|with|from)\b', s[rv.end() : m.start]):
                    return m.actors, m.text, "speaker"
        if quotes:  # a reporting verb with someone who is not an actor ("a former official said")
            return None, "(not an actor)", "speaker"
    if mentions and mentions[0].start == 0 and _HEADLINE_COLON.match(s, mentions[0].end):
        m = mentions[0]  # a headline's "Kremlin: Zelensky must face voters"
        return _coordinated(s, mentions, m), m.text, "speaker"
    if quotes and quotes[0][0] == 0 and state.in_quote and state.quote_speaker:
        return state.quote_speaker, "(quote continues)", "speaker"
    if quotes and quotes[0][0] == 0 and state.last_quote_speaker and state.last_quote_index == state.index - 1:
        # a second quoted sentence right after '"...," Trump posted.': the same speaker
        return state.last_quote_speaker, "(same speaker as the previous quote)", "speaker"
    return None, None, None


def _subject(ctx: _Ctx, pos: int, exclude: tuple[int, int] | None = None) -> tuple[tuple[str, ...] | None, str | None, str | None, str | None]:
    """(actors, via, text, dropped) for the subject of a cue starting at `pos`."""
    rs, s = ctx.rs, ctx.sentence.text
    region = _in_quote(ctx.quotes, pos)
    if region and _PARTIAL_QUOTE.search(s, 0, region[0]) and not ctx.rs.lexicon.reporting_re.search(s[max(0, region[0] - 14) : region[0]]):
        region = None  # 'Trump wrote that Putin "doesn't want ...': the clause runs on into the quote
    lo = region[0] if region else 0
    if not region:  # outside quotes: do not look back into a quote
        for _, b in ctx.quotes:
            if b <= pos:
                lo = max(lo, b)
    brk = None
    for m in re.finditer(r";(?!\s*that\b)", s[lo:pos]):
        brk = m
    if brk:
        lo = lo + brk.end()
    for m in ctx.mentions:
        if lo <= m.start and m.end < pos and _POSSESSOR.fullmatch(s, m.end, pos):
            return _coordinated(s, ctx.mentions, m), _via(m), m.text, None
    acc = rs.lexicon.grammar.accusation.search(s, lo, pos)
    if acc:  # "Kallas accused Putin of stalling on ...": the accused holds the stance
        accused = [m for m in ctx.mentions if acc.start(1) <= m.start and m.end <= acc.end(1)]
        if accused:
            return _coordinated(s, ctx.mentions, accused[-1]), "accused", accused[-1].text, None
    relative = [r.span() for r in _RELATIVE_CLAUSE.finditer(s, lo, pos) if r.end() <= pos]
    best: tuple[int, str, Any] | None = None
    for m in ctx.mentions:
        if m.start < lo or m.end > pos:
            continue
        if any(a < m.start < b for a, b in relative):
            continue
        # a topic's own words are no subject, except a document ("the 28-point peace plan ... rules out")
        if (m.kind != "document" and any(a <= m.start < b for a, b in ctx.term_spans)) or (exclude and exclude[0] <= m.start < exclude[1]):
            continue
        if _is_object(rs, s, m, ctx.mentions) and not (re.search(r"\bwith\s+(?:the\s+)?$", s[max(0, m.start - 10) : m.start]) and _ABSOLUTE.fullmatch(s[m.end : pos] + s[pos : pos + 12].split(" ")[0])):
            continue  # an object; but "with Trump promising to" makes Trump the subject
        if best is None or m.start > best[0]:
            best = (m.start, "mention", m)
    window = s[lo:pos]
    for gm in rs.lexicon.grammar.group_anaphor.finditer(window):
        start = lo + gm.start()
        if (best is None or start > best[0]) and not rs.lexicon.object_markers.ends(s[max(0, start - 30) : start]):
            own = tuple(dict.fromkeys(a for m in ctx.mentions if m.end <= start for a in m.actors))
            group = own if len(own) >= 2 else ctx.state.recent_actors
            if len(group) >= 2:  # "Trump and Putin spoke. The two agreed to ..."
                return group, "carry-over", f"{gm.group(0)} = {', '.join(group)}", None
    for am in rs.lexicon.anaphor_re.finditer(window):
        start = lo + am.start()
        if rs.lexicon.object_markers.ends(s[max(0, start - 30) : start]) or any(a < start < b for a, b in relative):
            continue
        if best is None or start > best[0]:
            best = (start, "anaphor", am.group(0))
    for fm in rs.lexicon.first_person_re.finditer(window):
        start = lo + fm.start()
        if fm.group(0) == "i" or (fm.group(0).lower() == "i" and fm.group(0) != "I"):
            continue
        if best is None or start > best[0]:
            best = (start, "first", fm.group(0))
    if best is None:
        if region and ctx.speaker:
            return ctx.speaker, "speaker", ctx.speaker_text, None
        if ctx.according:
            return ctx.according.actors, "according to", ctx.according.text, None
        if ctx.speaker and ctx.speaker_kind:
            return ctx.speaker, "reported speech", ctx.speaker_text, None
        return None, None, None, "no actor found for the cue"
    _, kind, obj = best
    if kind == "mention":
        return _coordinated(s, ctx.mentions, obj), _via(obj), obj.text, None
    if kind == "first":
        if region:
            if ctx.speaker:
                return ctx.speaker, "speaker", f"{obj} = {ctx.speaker_text}", None
            return None, None, obj, "first person in a quote by no known actor"
        return None, None, obj, "the author's own opinion (first person outside quotes)"
    # an anaphor: an earlier subject in this sentence, else carried over
    for m in reversed(ctx.mentions):
        if m.start < best[0] and m.start >= lo and not _is_object(rs, s, m) and not any(a <= m.start < b for a, b in ctx.term_spans):
            return _coordinated(s, ctx.mentions, m), "carry-over", f"{obj} = {m.text}", None
    if region and ctx.speaker and obj.lower() in ("they",):
        pass
    if ctx.state.salient:
        return ctx.state.salient, "carry-over", f"{obj} = {ctx.state.salient_text} (sentence {ctx.state.salient_index + 1})", None
    return None, None, obj, f"cannot resolve {obj!r}"


def _update_state(ctx: _Ctx, ends_in_quote: bool) -> None:
    st, s, rs = ctx.state, ctx.sentence.text, ctx.rs
    st.index = ctx.sentence.index + 1
    if ctx.speaker and '"' in s:
        st.last_quote_speaker, st.last_quote_index = ctx.speaker, ctx.sentence.index
    subject = None
    for m in ctx.mentions:
        if _in_quote(ctx.quotes, m.start) or _is_object(rs, s, m):
            continue
        subject = m
        break
    if ctx.speaker and ctx.speaker_kind == "speaker" and ctx.quotes:
        st.salient, st.salient_text = ctx.speaker, ctx.speaker_text
        st.salient_index = ctx.sentence.index
    elif subject:
        st.salient, st.salient_text = _coordinated(s, ctx.mentions, subject), subject.text
        st.salient_index = ctx.sentence.index
    named = tuple(dict.fromkeys(a for m in ctx.mentions if not _in_quote(ctx.quotes, m.start) for a in m.actors))
    if named:
        st.recent_actors = named
    if ends_in_quote:
        if not st.in_quote:
            st.quote_speaker = ctx.speaker
        st.in_quote = True
    else:
        st.in_quote = False
        st.quote_speaker = None


# --- cues, terms, decisions -----------------------------------------------------------------------
def _find_cues(rs: RuleSet, rules: list[Rule], s: str, starts: Candidates, lo: int = 0, hi: int | None = None) -> list[_Cue]:
    """Stance cues in s[lo:hi] (the stretch around the topic words); longest wins an overlap."""
    found: list[_Cue] = []
    groups = list(rs.lexicon.cues)
    for r in rules:
        groups.extend(r.cues)
    for g, m in starts.matches_of(groups, lo, hi):
        found.append(_Cue(m.start(), m.end(), g))
    kept: list[_Cue] = []
    for c in sorted(found, key=lambda c: (-c.length, c.start)):
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


def _pair(ctx: _Ctx, hit: _TermHit, cues: list[_Cue]) -> tuple[_Cue | None, _Cue | None, str]:
    """(governing cue, inner nominal cue or None, placement) for one topic mention."""
    s = ctx.sentence.text
    pre = [
        c for c in cues
        if c.group.placement == "pre" and c.end <= hit.start and _tokens(s[c.end : hit.start]) <= c.group.window
        and _same_region(ctx, c.start, hit.start) and not _clause_break(ctx, c.end, hit.start)
    ]
    pre = [c for c in pre if not _blocked(ctx, c.end, hit) and not _REGARDLESS.search(s, c.end, hit.start)]
    if pre and _ANY_SUBJECT_AFTER.match(s, hit.end):
        pre = [c for c in pre if not _ANY_SUBJECT_BEFORE.fullmatch(s, c.end, hit.start)]
    # "red lines as conditions for a ceasefire": the ceasefire is the goal, not the demand
    pre = [c for c in pre if not (_PURPOSE_CUE.search(s[c.start : c.end]) and re.search(r"\bfor\s+(?:an?|the|any)?\s*(?:[\w-]+\s+){0,2}$", s[c.start : hit.start]))]
    around = [c for c in cues if c.start <= hit.start and hit.end <= c.end and c.length > hit.end - hit.start]
    if around:  # "holding the ceasefire proposal hostage"
        return around[0], None, "pre"
    if pre:
        cue = max(pre, key=lambda c: c.end)
        if cue.group.nominal:
            # an outer verb governs a nominal cue ("rejected demands for"), not a verb after "to"
            # ("continues to insist on": the inner verb is the stance)
            outer = [c for c in cues if c.end <= cue.start and _tokens(s[c.end : cue.start]) <= 3 and not c.group.deontic
                     and c.group.placement == "pre" and not _TO_GAP.search(s[c.start : cue.start])]
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
        if c.group.placement == "post" and c.start >= hit.end and _tokens(s[hit.end : c.start]) <= 6
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


def _modify(ctx: _Ctx, cue: _Cue, stance: str, *, action: bool = False) -> tuple[str | None, list[str], str | None]:
    """Apply hypotheticals, negation and conditions to a cue's stance.

    `action`: the cue is an act ("halted arms deliveries"), so "did not halt" is its
    opposite, where "did not reject" (an attitude) only hedges."""
    lex, s = ctx.rs.lexicon, ctx.sentence.text
    mods: list[str] = []
    before = s[max(0, cue.start - 60) : cue.start]
    hyp = lex.hypothetical_cue_re.search(before)
    before = _after_last_separator(before)  # negation does not cross "and", "but", commas
    if hyp:
        return None, [f"hypothetical: {hyp.group(0).strip()!r}"], "hypothetical"
    neg = lex.negation_hard.search(before)
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
        if cm or pb:
            mods.append(f"condition {(cm.group(0) if cm else 'in principle ... but')!r}: {stance} -> conditional")
            stance = "conditional"
    return stance, mods, None


def _analyse_sentence(ctx: _Ctx, rules: list[Rule], block: str | None, carried: _TermHit | None = None) -> tuple[list[Decision], list[ShiftTrace], list[_Evidence], list[ReportedShift]]:
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
    for hit in hits:
        decisions.append(_decide(ctx, hit, plain_cues, block))
        extra = _relative_decision(ctx, hit, plain_cues, block, decisions[-1])
        if extra:
            decisions.append(extra)
        listed = _condition_list_decision(ctx, hit, block, decisions[-1])
        if listed:
            decisions[-1] = listed
        proposer = _proposer_decision(ctx, hit, block, decisions[-1])
        if proposer:
            decisions.append(proposer)
    # "we support it": a pronoun right after a cue stands for a topic named without a cue
    # in this sentence, or for the single topic of the previous sentence
    uncued = [h for h, d in zip(hits, decisions[len(decisions) - len(hits):], strict=True) if _uncued(d)]
    sources = uncued or ([carried] if carried else [])
    if sources and len({h.rule.topic for h in sources}) == 1:
        src = sources[0]
        for pm in rs.lexicon.grammar.back_reference.finditer(s):
            if any(a <= pm.start() < b for a, b in ctx.term_spans):
                continue
            if any(c.end <= pm.start() and _tokens(s[c.end : pm.start()]) <= 1 and c.group.placement == "pre" for c in plain_cues):
                pseudo = _TermHit(src.rule, src.term, pm.start(), pm.end(), f"{pm.group(0)} (= {src.text})")
                decisions.append(_decide(ctx, pseudo, plain_cues, block))
                break
    shift_traces, shifts, shift_ev = _shifts(ctx, hits, cues, shift_spans, decisions, block)
    _background_shifts(ctx, decisions, shift_traces, shifts, shift_ev)
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


MENTION_NOTE = "no stance cue"


def _uncued(d: Decision) -> bool:
    """Topic words read with no stance cue: dropped, or only a mention (rule.mention_stance)."""
    return bool(d.dropped and d.dropped.startswith("no stance")) or bool(d.modifiers and d.modifiers[0].startswith(MENTION_NOTE))


def _relative_decision(ctx: _Ctx, hit: _TermHit, cues: list[_Cue], block: str | None, first: Decision) -> Decision | None:
    """A second reading when a relative clause follows the topic words and the first
    decision came from elsewhere: '"no" to the security guarantees Ukraine wants'."""
    if first.dropped or block or first.actor_via == "relative clause":
        return None
    s = ctx.sentence.text
    for m in ctx.mentions:
        if m.start >= hit.end and _RELATIVE_GAP.fullmatch(s[hit.end : m.start]):
            for c in cues:
                if c.start >= m.end and _tokens(s[m.end : c.start]) <= 1 and c.group.placement == "pre" and not c.group.deontic:
                    if set(m.actors) & set(first.actors):
                        return None
                    stance = c.group.stance
                    if hit.term.polarity == "inverse":
                        stance = INVERT[stance]
                    conf = hit.rule.confidence * c.group.strength * VIA_FACTOR["relative clause"]
                    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, s[c.start : c.end], c.group.stance,
                                    stance, m.actors, "relative clause", m.text, (), round(conf, 3), None)
            return None
    return None


def _condition_list_decision(ctx: _Ctx, hit: _TermHit, block: str | None, first: Decision) -> Decision | None:
    """An item of a list of conditions: "Russia's demands: Ukraine must recognise Crimea, ...,
    and pledge never to join NATO" is Russia's demand (reject where the item reads as the
    opposite of the topic, as the first reading found). Replaces the first reading."""
    if block:
        return None
    s = ctx.sentence.text
    if ":" not in s:  # most sentences: no list
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
    conf = hit.rule.confidence * 0.85 * VIA_FACTOR.get(via or "", 0.85)
    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, colon.group(0).strip(), "demand", stance,
                    actors, via, atext, (f"item of a list of {colon.group(1).lower()}",), round(conf, 3), None)


def _proposer_decision(ctx: _Ctx, hit: _TermHit, block: str | None, first: Decision) -> Decision | None:
    """The other party of a proposal: "Putin rejected Trump's proposal for a truce", "the
    U.S.-backed ceasefire", "a ceasefire proposed by Washington" also give the proposer the
    proposal's stance (accept; demand for a demand noun). Word lists: lexicon/grammar.yaml."""
    if block or hit.term.polarity == "self":
        return None
    g, s = ctx.rs.lexicon.grammar, ctx.sentence.text
    found: tuple[Mention, str, str] | None = None
    for m in ctx.mentions:
        if m.end <= hit.start and hit.start - m.end <= 90 and not _in_quote(ctx.quotes, m.start):
            if g.proposer_before_demand.fullmatch(s, m.end, hit.start):
                found = (m, "demand", "proposal's possessor")
            elif g.proposer_before.fullmatch(s, m.end, hit.start):
                found = (m, "accept", "proposal's possessor")
    if found is None:
        for pattern, stance in ((g.proposer_after, "accept"), (g.proposer_after_demand, "demand")):
            am = pattern.match(s, hit.end)
            if am:
                m = next((m for m in ctx.mentions if m.start >= am.end() and _THE.fullmatch(s, am.end(), m.start)), None)
                if m is not None:
                    found = (m, stance, "agent of the proposal")
                    break
    if found is None:
        return None
    m, stance, via = found
    # "proposed by Witkoff and Dmitriev": the agents that follow; a possessor: those before it
    agents = _coordinated_after(s, ctx.mentions, m) if via == "agent of the proposal" else _coordinated(s, ctx.mentions, m)
    if set(agents) <= set(first.actors) or ctx.rs.lexicon.hypothetical_cue_re.search(s[max(0, m.start - 60) : m.start]):
        return None
    if hit.term.polarity == "inverse":
        stance = INVERT[stance]
    conf = hit.rule.confidence * 0.85 * VIA_FACTOR["proposer"]
    return Decision(hit.rule.id, hit.rule.topic, hit.text, hit.term.polarity, s[m.start : m.end], stance, stance,
                    agents, via, m.text, (), round(conf, 3), None)


def _decide(ctx: _Ctx, hit: _TermHit, cues: list[_Cue], block: str | None) -> Decision:
    rule, s = hit.rule, ctx.sentence.text

    def dec(cue: str | None, cue_stance: str | None, stance: str | None, actors: tuple[str, ...] = (), via: str | None = None, atext: str | None = None, mods: tuple[str, ...] = (), conf: float = 0.0, dropped: str | None = None) -> Decision:
        return Decision(rule.id, rule.topic, hit.text, hit.term.polarity, cue, cue_stance, stance, actors, via, atext, mods, round(conf, 3), dropped)

    cue, inner, placement = _pair(ctx, hit, cues)
    # a cue governs words that are themselves a stance only when nothing stands between them
    # but a few words: not a comma (a new clause: "an ultimatum, and Ukraine will not withdraw")
    governed_self = (
        hit.term.polarity == "self" and cue is not None and placement == "pre" and _tokens(s[cue.end : hit.start]) <= 4
        and not re.search(r"[,;:]", s[cue.end : hit.start])
    )
    if hit.term.polarity == "self" and not governed_self:
        cue, inner, placement = None, None, "self"
    mention = cue is None and placement != "self"
    if mention and (rule.mention_stance is None or block):
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
    if governed_self and cue.group.deontic:
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
        if neg:  # "agreed to a complete ban on foreign troops": a reject of the troops
            mods.append(f"negating noun {neg.group(0).strip()!r}: {stance} -> {INVERT[stance]}")
            stance = INVERT[stance]
    # who takes the stance
    actors: tuple[str, ...] | None
    if outer is not None:
        actors, via, atext, drop = _subject(ctx, outer.start, exclude=(hit.start, hit.end))
    elif deontic_inner is not None:
        if ctx.speaker:
            actors, via, atext, drop = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text, None
            mods.append(f"obligation {s[deontic_inner.start : deontic_inner.end]!r} reported by the speaker")
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
        actors, via, atext, drop = m.actors, "relative clause", m.text, None
    elif placement == "self" and hit.term.stance == "demand" and ctx.speaker:
        # words that state a claim ("Crimea is Russian", "Zelensky's term has expired") are the
        # claim of whoever is reported saying them, not of the clause's subject
        actors, via, atext, drop = ctx.speaker, ctx.speaker_kind or "speaker", ctx.speaker_text, None
    else:
        actors, via, atext, drop = _subject(ctx, cue.start if placement != "self" else hit.start, exclude=(hit.start, hit.end))
    if not actors:
        return dec(cue_text, stance0, stance, mods=tuple(mods), dropped=drop or "no actor")
    g = ctx.rs.lexicon.grammar
    if mention:
        # no cue at all: only the clause's own subject takes part, and weakly (see grammar.yaml)
        if via not in g.mention_vias or g.mention_circumstance.search(s, max(0, hit.start - 60), hit.start):
            return dec(None, None, None, dropped="no stance cue near the topic words")
        mods.insert(0, f"{MENTION_NOTE}: the subject takes part ({rule.mention_stance})")
        return dec(None, None, stance, actors, via, atext, tuple(mods), rule.confidence * g.mention_weight)
    conf = rule.confidence * cue.group.strength * VIA_FACTOR.get(via or "", 0.85)
    if any(m.startswith(("negation", "hedge")) for m in mods):
        conf *= 0.92  # a reading through a negation is a little less certain
    past = _PLUPERFECT.search(s[max(0, cue.start - 40) : cue.start]) if placement == "pre" else None
    in_relative = any(a < cue.start < b for a, b in _relative_clauses(ctx))
    if past and (past.group(1) or in_relative):
        # "Kyiv, which had for months rejected calls for a truce, agreed ...": an earlier
        # stance, background to what the sentence reports now (a bare "had" is often only
        # reported speech shifted back: "Witkoff said the US had helped broker ...")
        mods.append("background: past perfect ('had ...'), weighed less")
        conf *= 0.5
    elif in_relative:
        # "Trump, who last month imposed sanctions ..., is now backing their lifting": the
        # relative clause is background; the main clause is the news
        mods.append("background: relative clause, weighed a little less")
        conf *= 0.9
    return dec(cue_text, stance0, stance, actors, via, atext, tuple(mods), conf)


def _post_actor(ctx: _Ctx, hit: _TermHit, cue: _Cue) -> tuple[tuple[str, ...] | None, str | None, str | None, str | None]:
    s = ctx.sentence.text
    for m in ctx.mentions:  # "rejected by Moscow", "unacceptable to the Kremlin"
        if (
            m.start >= cue.end and _tokens(s[cue.end : m.start]) <= 2 and cue.group.stance in ("accept", "reject", "demand")
            and re.search(r"\b(?:by|to|for)\s*(?:the\s+)?$", s[cue.start : m.start])
        ):
            return _coordinated(s, ctx.mentions, m), "passive agent", m.text, None
    for m in ctx.mentions:  # "For Moscow, NATO membership is a non-starter"
        if m.end <= hit.start and re.match(r"\s*(?:'s)?\s*,", s[m.end : m.end + 4]) and re.search(r"\b(?:for|to)\s+(?:the\s+)?$", s[max(0, m.start - 10) : m.start]):
            return m.actors, "subject", m.text, None
    return _subject(ctx, hit.start, exclude=(hit.start, hit.end))


# --- reported shifts ----------------------------------------------------------------------------
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
        for hit in hits:
            inside = start <= hit.start < end
            after = hit.start >= end and _tokens(s[end : hit.start]) <= sp.window and not _clause_break(ctx, end, hit.start)
            if not (inside or after):
                continue
            topic = hit.rule.topic
            if sp.topics is not None and topic not in sp.topics:
                continue
            if block:
                traces.append(ShiftTrace(sp.id, s[start:end], topic, (), None, None, block))
                continue
            actors, via, atext, drop = _subject(ctx, start, exclude=(hit.start, hit.end))
            if not actors:  # "For the first time, Moscow agreed to ..."
                actors, via, atext, drop = _subject(ctx, hit.start, exclude=(hit.start, hit.end))
            if not actors:
                traces.append(ShiftTrace(sp.id, s[start:end], topic, (), None, None, drop or "no actor"))
                continue
            frm, to = sp.from_stance, sp.to_stance
            if to == "cue":
                other = [c for c in cues if not (start <= c.start < end) or sp.id == "shift-now-after-refusing"]
                other = [c for c in other if not re.search(r"refus|reject|oppos|resist|rul\w* out|dismiss|rebuff|block", s[c.start : c.end], re.I) or sp.id != "shift-now-after-refusing"]
                if sp.id == "shift-earlier-refusal" and (close := s.find(",", end)) >= 0:
                    other = [c for c in other if c.start > close]  # the new stance is the main clause's
                d = _decide(ctx, hit, other, None)
                if d.stance is None or d.dropped or _uncued(d):
                    traces.append(ShiftTrace(sp.id, s[start:end], topic, actors, frm, None, "no new stance stated"))
                    continue
                to = d.stance
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
            conf = round(hit.rule.confidence * VIA_FACTOR.get(via or "", 0.85), 3)
            traces.append(ShiftTrace(sp.id, s[start:end], topic, actors, frm, to, None))
            for a in actors:
                shifts.append(ReportedShift(a, topic, frm, to, s, sp.id, conf))
                ev.append(_Evidence(a, topic, to, ctx.sentence.index, s, sp.id, s[start:end], SHIFT_EVIDENCE_CONFIDENCE))
            break
    return traces, _dedupe_shifts(shifts), ev


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
                ev.append(_Evidence(actor, old.topic, new.stance, ctx.sentence.index, s, SHIFT_BACKGROUND_NOW, new.cue, SHIFT_EVIDENCE_CONFIDENCE))
                traces.append(ShiftTrace(SHIFT_BACKGROUND_NOW, f"{old.cue} … now {new.cue}", old.topic, (actor,), old.stance, new.stance, None))


def _dedupe_shifts(shifts: list[ReportedShift]) -> list[ReportedShift]:
    seen: set[tuple[str, str]] = set()
    out = []
    for sh in shifts:
        if (sh.actor, sh.topic) in seen:
            continue
        seen.add((sh.actor, sh.topic))
        out.append(sh)
    return out


# --- aggregation ------------------------------------------------------------------------------------
def _aggregate(evidence: list[_Evidence]) -> tuple[Position, ...]:
    """One position per (actor, topic): the strongest evidence decides; all are kept."""
    groups: dict[tuple[str, str], list[_Evidence]] = {}
    for e in evidence:
        groups.setdefault((e.actor, e.topic), []).append(e)
    out = []
    for (actor, topic), evs in groups.items():
        best = max(evs, key=lambda e: (e.confidence, -e.sentence_index))
        # mentions with no cue (cue None) never add up to a confident position
        same = [e.confidence for e in evs if e.stance == best.stance and e.cue is not None] or [best.confidence]
        miss = 1.0
        for c in same:
            miss *= 1 - c
        conf = round(min(0.99, 1 - miss), 3)
        support = tuple(
            Evidence(e.sentence_index, e.sentence, e.rule_id, e.stance, e.cue, round(e.confidence, 3))
            for e in sorted(evs, key=lambda e: e.sentence_index)
        )
        out.append(Position(actor, topic, best.stance, conf, best.rule_id, best.sentence, support))
    out.sort(key=lambda p: (p.actor, p.topic))
    return tuple(out)


# --- rendering for `redline explain` ------------------------------------------------------------
def render(ex: Explanation, *, all_sentences: bool = False) -> str:
    """A plain-text report: each sentence, the rules that fired and why, then the results."""
    lines = [f"rule set {ex.ruleset_version}"]
    if ex.skipped:
        lines.append(f"skipped: {ex.skipped}")
    lines.extend(f"note: {n}" for n in ex.notes)
    for st in ex.sentences:
        if not (st.candidate or all_sentences):
            continue
        lines.append("")
        lines.append(f"[{st.index + 1}] {st.text}")
        if st.speaker:
            lines.append(f"    speaker: {st.speaker}")
        if st.note:
            lines.append(f"    {st.note}")
        if st.candidate and not st.decisions:
            lines.append("    keywords present, but no rule's topic words matched")
        for d in st.decisions:
            head = f"    {d.rule_id} ({d.topic}) on {d.term!r}"
            if d.cue:
                head += f", cue {d.cue!r} ({d.cue_stance})"
            lines.append(head)
            for m in d.modifiers:
                lines.append(f"      - {m}")
            if d.actors:
                lines.append(f"      actor: {', '.join(d.actors)} via {d.actor_via} ({d.actor_text})")
            if d.dropped:
                lines.append(f"      => no position: {d.dropped}")
            else:
                lines.append(f"      => {', '.join(d.actors)} / {d.topic} / {d.stance} (confidence {d.confidence:.2f})")
        for sh in st.shifts:
            if sh.dropped:
                lines.append(f"    shift {sh.shift_id} on {sh.topic}: {sh.text!r} => no shift: {sh.dropped}")
            else:
                lines.append(f"    shift {sh.shift_id} on {sh.topic}: {sh.text!r} => {', '.join(sh.actors)}: {sh.from_stance or 'unknown'} -> {sh.to_stance}")
    lines.append("")
    lines.append("positions:" if ex.positions else "positions: none")
    for p in ex.positions:
        lines.append(f"  {p.actor} / {p.topic} / {p.stance}  confidence {p.confidence:.2f}  rule {p.rule_id}  ({len(p.support)} sentence(s))")
        lines.append(f"    \"{p.evidence}\"")
    lines.append("reported shifts:" if ex.reported_shifts else "reported shifts: none")
    for sh in ex.reported_shifts:
        lines.append(f"  {sh.actor} / {sh.topic}: {sh.from_stance or 'unknown'} -> {sh.to_stance}  ({sh.rule_id}, confidence {sh.confidence:.2f})")
        lines.append(f"    \"{sh.evidence}\"")
    return "\n".join(lines)
