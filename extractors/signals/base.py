"""What every part of the engine shares: the trace records `explain` shows, the per-text and
per-sentence working state, and a few small helpers.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from extractors.signals.matcher import Candidates
from extractors.signals.model import Position, ReportedShift
from extractors.signals.rules import CueGroup, Mention, Rule, RuleSet, Term
from extractors.signals.text import Sentence

INVERT = {"accept": "reject", "demand": "reject", "reject": "accept", "conditional": "conditional"}

_TOKEN = re.compile(r"[\w'-]+")

# a non-restrictive relative clause (", who joined U.S. negotiators in Paris,"): the names in
# it are not the subject of the main clause's verb
_RELATIVE_CLAUSE = re.compile(r",\s*(?:who|which|whose|whom)\b[^,;]*,")

# between topic words and the holder of a relative clause: "the truce (that|, which) Kyiv
# accepted", and through an appositive noun: "a land swap - an idea Kyiv and its allies reject"
_RELATIVE_GAP = re.compile(
    r"\s*(?:(?:(?:[\w'.]+ ){0,3}[\w'.]+\s*)?[,-]+\s*(?:an?|the)\s+(?:[\w-]+\s+)?(?:idea|proposal|plan|step|move|offer|demand|concession|option|notion|scenario)\s+)?"
    r"(?:,\s*(?:which|who|whom)|that|which|who|whom)?\s*(?:the\s+)?", re.I)

_THE = re.compile(r"(?:the\s+)?", re.I)


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
    at: int = -1  # where the topic words (or the words referring back to them) start in the sentence


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


@dataclass
class _State:
    salient: tuple[str, ...] | None = None  # actor(s) of the latest subject or speaker
    salient_text: str | None = None
    salient_index: int = -1
    in_quote: bool = False
    recent_actors: tuple[str, ...] = ()  # every actor the previous sentence named ("the two")
    document_author: tuple[str, ...] | None = None  # who wrote "the plan" named earlier
    document_author_text: str | None = None
    document_index: int = -10  # the sentence that last named that document
    quote_speaker: tuple[str, ...] | None = None
    last_quote_speaker: tuple[str, ...] | None = None
    last_quote_index: int = -2
    index: int = 0

    def names_document(self, actors: tuple[str, ...] | None = None, text: str | None = None) -> None:
        """The sentence being read names a document, and with `actors` its author: terms set
        out in the next sentences are the author's (attribution._document_terms)."""
        self.document_index = self.index
        if actors is not None:
            self.document_author, self.document_author_text = actors, text


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


def _longest(ms: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in sorted(ms, key=lambda m: (m.start, -(m.end - m.start))):
        if out and m.start < out[-1].end:
            if m.end - m.start > out[-1].end - out[-1].start and m.start == out[-1].start:
                out[-1] = m
            continue
        out.append(m)
    return out


def _in_quote(quotes: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    for a, b in quotes:
        if a <= pos < b:
            return (a, b)
    return None


def _tokens(s: str) -> int:
    return len(_TOKEN.findall(s))
