"""The signal stage's typed output. This is the contract with the pipeline and the
shifts stage: change it only together with warehouse migrations and their readers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# The vocabulary's one source: extractors/vocabulary.yaml (ids, labels, propositions).
VOCABULARY_FILE = Path(__file__).resolve().parent.parent / "vocabulary.yaml"


def _vocabulary() -> dict[str, Any]:
    doc = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    for key in ("actors", "topics", "stances"):
        if not isinstance(doc.get(key), list) or not all(isinstance(e, dict) and e.get("id") for e in doc[key]):
            raise ValueError(f"{VOCABULARY_FILE}: {key}: expected a list of entries with an id")
    return doc


VOCABULARY = _vocabulary()
ACTORS: tuple[str, ...] = tuple(e["id"] for e in VOCABULARY["actors"])
TOPICS: tuple[str, ...] = tuple(e["id"] for e in VOCABULARY["topics"])
STANCES: tuple[str, ...] = tuple(e["id"] for e in VOCABULARY["stances"])
ACTOR_LABELS: dict[str, str] = {e["id"]: str(e["label"]) for e in VOCABULARY["actors"]}
# how alert messages name them: "The United States on a full ceasefire: reject -> conditional"
ACTOR_ALERT_LABELS: dict[str, str] = {e["id"]: str(e.get("in_alerts") or e["label"]) for e in VOCABULARY["actors"]}
TOPIC_ALERT_LABELS: dict[str, str] = {e["id"]: str(e["in_alerts"]) for e in VOCABULARY["topics"]}
TOPIC_PROPOSITIONS: dict[str, str] = {e["id"]: str(e["proposition"]) for e in VOCABULARY["topics"]}


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
