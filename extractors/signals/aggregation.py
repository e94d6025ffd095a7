"""Aggregation: one position per (actor, topic) from all the evidence of a text."""

from __future__ import annotations

import re

from extractors.signals.base import _Evidence
from extractors.signals.model import Evidence, Position

SHIFT_PREFIX = "shift-"  # the ids of shifts.yaml entries and of the engine's own shift readings


def _hedged(hedged: re.Pattern[str], e: _Evidence) -> bool:
    at = e.sentence.find(e.cue) if e.cue else -1
    return at > 0 and hedged.search(e.sentence, max(0, at - 40), at) is not None


def _aggregate(evidence: list[_Evidence], hedged: re.Pattern[str] | None = None) -> tuple[Position, ...]:
    """One position per (actor, topic): the strongest evidence decides; all are kept."""
    groups: dict[tuple[str, str], list[_Evidence]] = {}
    for e in evidence:
        groups.setdefault((e.actor, e.topic), []).append(e)
    out = []
    for (actor, topic), evs in groups.items():
        # a change the article itself reports is its news: the new stance decides
        # (unless the article only supposes it: "seemed to have abandoned his pursuit of a meeting")
        shifted = [e for e in evs if e.rule_id.startswith(SHIFT_PREFIX) and not (hedged and _hedged(hedged, e))]
        best = max(shifted or evs, key=lambda e: (e.confidence, -e.sentence_index))
        # "hoped the missiles would not be required - though he did not rule out supplying
        # them": one sentence that both rejects and hedges holds the hedge
        here = {e.stance for e in evs if e.sentence_index == best.sentence_index}
        if best.stance in ("accept", "reject") and "conditional" in here:
            best = max((e for e in evs if e.sentence_index == best.sentence_index and e.stance == "conditional"), key=lambda e: e.confidence)
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
