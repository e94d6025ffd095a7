"""The signal stage in the pipeline: classify stored articles in batches.

Per batch: read the texts in one short connection window, classify outside it, then
in one transaction delete whatever was stored for those articles (any rule-set
version) and insert the new classification, positions, evidence and reported shifts.
An article counts as done for a rule-set version once it has a core.classifications
row with that version, so a run killed mid-way resumes where it stopped and positions
never silently mix rule versions (`redline reclassify` re-runs it after a rule change).

In a polling pass the extraction workers classify each article as they extract it
(redline.articles); store_classifications() stores those results inside the articles'
own transaction, as the very rows classify_pending would write, and classify_pending
then only picks up what the workers left (an engine error, a killed worker, a rule
change mid-run).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from extractors.signals.model import Classification
from redline.cache import known_ruleset_version, remember_ruleset_version
from warehouse import positions as store
from warehouse.batch import transaction
from warehouse.store import Warehouse

if TYPE_CHECKING:
    from extractors.signals.rules import RuleSet

log = logging.getLogger(__name__)


def load_ruleset() -> RuleSet:
    """The current rule set, compiled. The engine's modules are imported here and in
    _classify_safely, when something is to be classified: a pass with nothing new never
    loads them (0.1-0.3 s of a `redline run` here)."""
    from extractors.signals.engine import load_ruleset as load

    return load()


@dataclass(frozen=True)
class ClassifyResult:
    """Counts of one classify_pending call."""

    ruleset_version: str
    articles: int = 0
    classified: int = 0
    skipped: int = 0
    positions: int = 0
    reported_shifts: int = 0
    batches: int = 0

    def plus(self, counts: Mapping[str, int]) -> ClassifyResult:
        """These counts and those of classifications stored elsewhere (store_classifications)."""
        add = {k: getattr(self, k) + int(counts.get(k, 0)) for k in ("articles", "classified", "skipped", "positions", "reported_shifts")}
        return ClassifyResult(self.ruleset_version, batches=self.batches, **add)


def store_classifications(con: duckdb.DuckDBPyConnection, results: Mapping[str, Classification]) -> dict[str, int]:
    """Store classifications made by the extraction workers for articles just inserted
    (so nothing is stored for them yet), inside the caller's transaction: the rows classify_pending would write for them, each
    under the rule-set version that produced it. Returns counts as ClassifyResult names them."""
    now = datetime.now(UTC)
    by_version: dict[str, dict[str, Classification]] = {}
    for aid, c in results.items():
        by_version.setdefault(c.ruleset_version, {})[aid] = c
    counts = {"articles": 0, "classified": 0, "skipped": 0, "positions": 0, "reported_shifts": 0}
    for version, group in by_version.items():
        rows = _rows(group, version, now)
        store.insert_classifications(con, rows)  # the articles were inserted just now: nothing to replace
        counts["articles"] += len(group)
        counts["skipped"] += sum(1 for c in group.values() if c.skipped)
        counts["classified"] += sum(1 for c in group.values() if not c.skipped)
        counts["positions"] += len(rows["core.positions"])
        counts["reported_shifts"] += len(rows["core.reported_shifts"])
    return counts


def classify_pending(
    warehouse: Warehouse,
    *,
    ruleset: RuleSet | None = None,
    batch_size: int = 500,
    article_ids: Sequence[str] | None = None,
    reclassify_all: bool = False,
    current_version: str | None = None,
) -> ClassifyResult:
    """Classify articles not yet classified under the current rule set (or the given ids,
    or all of them); return the counts. `current_version` is a rule-set version known to
    be current (the one the extraction workers just used): when no article lacks it, the
    rules are not even loaded (compiling them takes over a second); without it, the version
    remembered for these rule files after their last compilation (redline.cache) serves."""
    pending_only = ruleset is None and article_ids is None and not reclassify_all
    current_version = current_version or (known_ruleset_version() if pending_only else None)
    if current_version and pending_only and not _select(warehouse, current_version, None, False):
        return ClassifyResult(ruleset_version=current_version)
    rs = ruleset or load_ruleset()
    if ruleset is None:
        remember_ruleset_version(rs.version)
    batch_size = max(1, int(batch_size))
    todo = _select(warehouse, rs.version, article_ids, reclassify_all)
    counts = {"articles": 0, "classified": 0, "skipped": 0, "positions": 0, "reported_shifts": 0, "batches": 0}
    for i in range(0, len(todo), batch_size):
        ids = todo[i : i + batch_size]
        with warehouse.connect() as con:  # a short read window
            rows = store.article_texts(con, ids)
        texts: dict[str, tuple[str | None, str | None]] = {}
        for aid, text, lang in rows:
            texts.setdefault(aid, (text, lang))  # an article id stored twice: classify once
        results = {aid: _classify_safely(text, lang, rs) for aid, (text, lang) in texts.items()}
        batch = _rows(results, rs.version, datetime.now(UTC))
        with warehouse.connect() as con, transaction(con):  # a short write window: one transaction per batch
            store.replace_classifications(con, list(texts), batch)
        counts["batches"] += 1
        counts["articles"] += len(results)
        counts["skipped"] += sum(1 for c in results.values() if c.skipped)
        counts["classified"] += sum(1 for c in results.values() if not c.skipped)
        counts["positions"] += len(batch["core.positions"])
        counts["reported_shifts"] += len(batch["core.reported_shifts"])
    return ClassifyResult(ruleset_version=rs.version, **counts)


def _select(warehouse: Warehouse, version: str, article_ids: Sequence[str] | None, reclassify_all: bool) -> list[str]:
    with warehouse.connect() as con:
        if article_ids is not None:
            ids = list(dict.fromkeys(str(a) for a in article_ids))
            if not ids:
                return []
            known = store.known_articles(con, ids)
            return [a for a in ids if a in known]
        if reclassify_all:
            return store.all_articles(con)
        return store.unclassified_articles(con, version)


def _classify_safely(text: str | None, language: str | None, rs: RuleSet) -> Classification:
    from extractors.signals.engine import classify  # imported once, at the first article

    try:
        return classify(text or "", ruleset=rs, language=language)
    except Exception as exc:  # noqa: BLE001 - one odd text must not stop the batch; recorded
        log.exception("classification failed")
        return Classification(rs.version, skipped=f"engine error: {type(exc).__name__}: {exc}"[:500])


def _rows(results: dict[str, Classification], version: str, now: datetime) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {t: [] for t in store.TABLES}
    for aid, c in results.items():
        out["core.classifications"].append(
            {
                "article_id": aid, "ruleset_version": version,
                "status": "skipped" if c.skipped else "classified", "reason": c.skipped,
                "notes": "; ".join(c.notes) or None, "classified_at": now,
            }
        )
        for p in c.positions:
            out["core.positions"].append(
                {
                    "article_id": aid, "actor": p.actor, "topic": p.topic, "stance": p.stance,
                    "evidence": p.evidence, "rule_id": p.rule_id, "confidence": p.confidence,
                    "ruleset_version": version,
                }
            )
            for e in p.support:
                out["core.position_evidence"].append(
                    {
                        "article_id": aid, "actor": p.actor, "topic": p.topic, "stance": e.stance,
                        "sentence_index": e.sentence_index, "sentence": e.sentence, "rule_id": e.rule_id,
                        "cue": e.cue, "confidence": e.confidence, "ruleset_version": version,
                    }
                )
        for s in c.reported_shifts:
            out["core.reported_shifts"].append(
                {
                    "article_id": aid, "actor": s.actor, "topic": s.topic, "from_stance": s.from_stance,
                    "to_stance": s.to_stance, "evidence": s.evidence, "rule_id": s.rule_id,
                    "confidence": s.confidence, "ruleset_version": version,
                }
            )
    return out
