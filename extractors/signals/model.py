"""The signal stage's typed output. This is the contract with the pipeline and the
shifts stage: change it only together with warehouse migrations and their readers."""

from __future__ import annotations

from dataclasses import dataclass

ACTORS = ("russia", "ukraine", "united_states", "europe")
TOPICS = (
    "ceasefire_full",
    "ceasefire_partial",
    "peace_talks",
    "nato_membership",
    "neutrality",
    "territory",
    "demilitarization",
    "foreign_troops",
    "security_guarantees",
    "military_aid",
    "sanctions",
    "elections_leadership",
    "prisoner_exchange",
    "root_causes",
)
STANCES = ("accept", "reject", "demand", "conditional")


@dataclass(frozen=True)
class Evidence:
    """One sentence supporting a position."""

    sentence_index: int
    sentence: str
    rule_id: str
    stance: str
    cue: str | None
    confidence: float


@dataclass(frozen=True)
class Position:
    """One actor's stance on one topic in one article (the strongest evidence decides)."""

    actor: str
    topic: str
    stance: str
    confidence: float
    rule_id: str
    evidence: str  # the deciding sentence
    support: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class ReportedShift:
    """A sentence that itself reports a change of position ("backed off his demand for")."""

    actor: str
    topic: str
    from_stance: str | None
    to_stance: str
    evidence: str
    rule_id: str
    confidence: float


@dataclass(frozen=True)
class Classification:
    """Everything the signal stage decided about one text."""

    ruleset_version: str
    positions: tuple[Position, ...] = ()
    reported_shifts: tuple[ReportedShift, ...] = ()
    skipped: str | None = None  # why nothing was classified (empty, non-English, ...)
    notes: tuple[str, ...] = ()  # recorded, non-fatal: "text capped at 200000 chars", ...
