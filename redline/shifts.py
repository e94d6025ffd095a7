"""Positions over time -> the established stance per (actor, topic) -> shifts.

The stage folds every position (and every reported shift) the signal stage stored,
which it has not folded yet, into core.position_state, in the order of the articles'
effective time (publication time; fetch time where an article has none, and never
later than the fetch). It records a shift when

- an article reports a change in so many words (kind `reported`), or
- an article's stance differs from the established one and passes the hysteresis
  (kind `observed`): confidence >= alerts.hysteresis.min_confidence, or
  `confirm_sources` distinct outlets and stories within `window_hours`;
- the first position ever seen for an (actor, topic) is recorded as kind `new`.

Later reports of the stance a shift established, within
alerts.corroboration_window_hours, become its corroborating sources (one story, one
shift). Each shift gets an `alert_state`: `alert`, or why it will never alert
(backlog, stale, new, flapping). The stage is pure DuckDB work in one write window;
delivery (network) is redline.alerts.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from warehouse import shifts as store
from warehouse.batch import transaction

if TYPE_CHECKING:
    import duckdb

    from redline.alert_settings import AlertsConfig
    from redline.config import Config
    from warehouse.store import Warehouse

ALERT = "alert"


@dataclass(frozen=True)
class ShiftsResult:
    """What one pass of the shifts stage did (for the run's artifact)."""

    articles: int = 0
    positions: int = 0
    reported: int = 0
    shifts: int = 0
    alertable: int = 0
    corroborations: int = 0
    suppressed: tuple[tuple[str, int], ...] = ()  # (reason, count)
    reasons: str = ""  # the same, as one line for the run's artifact

    def summary(self) -> str:
        sup = ", ".join(f"{n} {r}" for r, n in self.suppressed) or "none"
        return (
            f"{self.articles} articles ({self.positions} positions, {self.reported} reported shifts) "
            f"-> {self.shifts} shifts, {self.alertable} to alert, {self.corroborations} "
            f"corroborations; suppressed: {sup}"
        )


@dataclass(frozen=True)
class Report:
    """One position or reported shift of one article, with the article's facts."""

    article_id: str
    actor: str
    topic: str
    stance: str
    confidence: float
    evidence: str
    ruleset_version: str
    reported: bool
    source: str | None
    story_id: str | None
    at: datetime
    backlog: bool
    reported_from: str | None = None  # a reported shift's own "from" stance, if it names one
    # the article was folded before under another rule-set version (`redline reclassify`):
    # what changes now is a new reading of old news, never news itself
    reread: bool = False
    # stored by `redline ingest` without a date (no --published, none in the page), or a
    # copy of a story stored before: history for the timeline, never news
    history: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.actor, self.topic)


@dataclass
class State:
    """A row of core.position_state, mutated while a batch is folded in."""

    actor: str
    topic: str
    stance: str
    since: datetime
    since_article_id: str
    since_source: str | None
    last_seen_at: datetime
    last_article_id: str
    last_source: str | None
    last_evidence: str | None
    updated_at: datetime
    sources: list[str] = field(default_factory=list)
    previous_stance: str | None = None
    previous_since: datetime | None = None
    previous_source: str | None = None
    last_shift_id: str | None = None
    last_shift_at: datetime | None = None
    candidate_stance: str | None = None
    candidate_since: datetime | None = None
    candidate_article_id: str | None = None
    candidate_sources: list[str] | None = None
    candidate_stories: list[str] | None = None
    candidate_reports: str | None = None  # JSON list of the candidate's reports

    def clear_candidate(self) -> None:
        self.candidate_stance = self.candidate_since = self.candidate_article_id = None
        self.candidate_sources = self.candidate_stories = self.candidate_reports = None

    def candidate_members(self) -> list[Report]:
        return [Report(**{**m, "at": datetime.fromisoformat(m["at"])})
                for m in json.loads(self.candidate_reports or "[]")]

    def add_candidate_member(self, r: Report) -> None:
        members = json.loads(self.candidate_reports or "[]")
        members.append({**asdict(r), "at": r.at.isoformat()})
        self.candidate_reports = json.dumps(members)


def shift_id_for(actor: str, topic: str, to_stance: str, article_id: str) -> str:
    raw = f"{actor}\x1f{topic}\x1f{to_stance}\x1f{article_id}"
    return "s_" + hashlib.sha256(raw.encode()).hexdigest()[:16]


def severity_for(alerts: AlertsConfig, *, actor: str, topic: str, to_stance: str, kind: str) -> str:
    """The first severity rule matching the shift, else alerts.default_severity."""
    for rule in alerts.severity:
        if (
            (not rule.actors or actor in rule.actors)
            and (not rule.topics or topic in rule.topics)
            and (not rule.stances or to_stance in rule.stances)
            and (not rule.kinds or kind in rule.kinds)
        ):
            return rule.severity
    return alerts.default_severity


class _Folder:
    """Folds reports into states; collects the rows to write."""

    def __init__(self, states: dict[tuple[str, str], State], alerts: AlertsConfig, now: datetime):
        self.states = states
        self.cfg = alerts
        self.h = alerts.hysteresis
        self.now = now
        self.changed: set[tuple[str, str]] = set()
        self.shifts: dict[str, dict[str, Any]] = {}
        self.sources: dict[tuple[str, str], dict[str, Any]] = {}
        self.flapped: set[str] = set()  # earlier shifts whose flip was undone before routing

    # -- entry point ------------------------------------------------------------------
    def fold(self, r: Report) -> None:
        if r.history:
            return  # stored and classified (positions, timeline), but moves no stance
        st = self.states.get(r.key)
        if st is None:
            self._first(r)
            return
        if r.at < st.since:
            return  # older than the established stance: history (timeline) only
        self.changed.add(r.key)
        st.updated_at = self.now
        if r.stance == st.stance:
            self._support(st, r)
        elif r.reported and r.confidence >= self.h.reported_min_confidence:
            self._establish(st, r, kind="reported", since=r.at, members=[])
        elif r.confidence >= self.h.min_confidence:
            self._establish(st, r, kind="observed", since=r.at, members=[])
        elif r.confidence >= self.h.candidate_min_confidence:
            self._candidate(st, r)
        # else: too weak to move a stance or confirm one (the timeline still shows it)

    # -- transitions ------------------------------------------------------------------
    def _first(self, r: Report) -> None:
        st = State(
            actor=r.actor, topic=r.topic, stance=r.stance, since=r.at,
            since_article_id=r.article_id, since_source=r.source, last_seen_at=r.at,
            last_article_id=r.article_id, last_source=r.source, last_evidence=r.evidence,
            updated_at=self.now, sources=[r.source] if r.source else [],
        )
        self.states[r.key] = st
        self.changed.add(r.key)
        if r.reported and r.reported_from and r.reported_from != r.stance:
            # No state yet, but the text itself reports the change: a reported shift.
            sid = self._record_shift(st, r, kind="reported", from_stance=r.reported_from, since=r.at)
        else:
            sid = self._record_shift(st, r, kind="new", from_stance=None, since=r.at)
        st.last_shift_id, st.last_shift_at = sid, r.at

    def _support(self, st: State, r: Report) -> None:
        if r.at >= st.last_seen_at:
            st.last_seen_at, st.last_article_id = r.at, r.article_id
            st.last_source, st.last_evidence = r.source, r.evidence
        if r.source and r.source not in st.sources:
            st.sources.append(r.source)
        window = timedelta(hours=self.cfg.corroboration_window_hours)
        if st.last_shift_id and st.last_shift_at and r.at - st.last_shift_at <= window:
            self._add_source(st.last_shift_id, r, "corroboration")

    def _candidate(self, st: State, r: Report) -> None:
        window = timedelta(hours=self.h.window_hours)
        same = (
            st.candidate_stance == r.stance
            and st.candidate_since is not None
            and r.at - st.candidate_since <= window
        )
        if not same:
            st.candidate_stance, st.candidate_since = r.stance, r.at
            st.candidate_article_id = r.article_id
            st.candidate_sources = [r.source or r.article_id]
            st.candidate_stories = [r.story_id or r.article_id]
            st.candidate_reports = None
            st.add_candidate_member(r)
        else:
            srcs, stories = st.candidate_sources or [], st.candidate_stories or []
            st.add_candidate_member(r)  # every report becomes a source of the shift, if it comes
            # Syndicated copies (one story) or a second piece by the same outlet do not confirm.
            if (r.source or r.article_id) in srcs or (r.story_id or r.article_id) in stories:
                return
            st.candidate_sources = [*srcs, r.source or r.article_id]
            st.candidate_stories = [*stories, r.story_id or r.article_id]
        if len(st.candidate_sources or []) >= self.h.confirm_sources:
            members = [m for m in st.candidate_members() if m.article_id != r.article_id]
            self._establish(st, r, kind="observed", since=st.candidate_since or r.at, members=members)

    def _establish(self, st: State, r: Report, *, kind: str, since: datetime, members: list[Report]) -> None:
        flap_window = timedelta(hours=self.h.flap_window_hours)
        flapping = (
            st.previous_stance == r.stance
            and st.last_shift_at is not None
            and r.at - st.last_shift_at <= flap_window
        )
        sid = self._record_shift(st, r, kind=kind, from_stance=st.stance, since=since, flapping=flapping)
        if flapping and st.last_shift_id:
            self.flapped.add(st.last_shift_id)
        for m in members:
            self._add_source(sid, m, "candidate")
        st.previous_stance, st.previous_since, st.previous_source = st.stance, st.since, st.since_source
        st.stance, st.since = r.stance, since
        st.since_article_id, st.since_source = r.article_id, r.source
        st.last_seen_at, st.last_article_id = r.at, r.article_id
        st.last_source, st.last_evidence = r.source, r.evidence
        st.sources = sorted({m.source for m in [*members, r] if m.source})
        st.last_shift_id, st.last_shift_at = sid, r.at
        st.clear_candidate()

    # -- rows -------------------------------------------------------------------------
    def _record_shift(
        self, st: State, r: Report, *, kind: str, from_stance: str | None, since: datetime,
        flapping: bool = False,
    ) -> str:
        sid = shift_id_for(r.actor, r.topic, r.stance, r.article_id)
        if r.backlog:
            alert_state = "backlog"
        elif r.reread:
            alert_state = "reclassified"
        elif r.at < self.now - timedelta(hours=self.cfg.max_age_hours):
            alert_state = "stale"
        elif kind == "new" and not self.cfg.alert_on_new:
            alert_state = "new"
        elif flapping:
            alert_state = "flapping"
        else:
            alert_state = ALERT
        first = from_stance is None or st.since_article_id == r.article_id  # no earlier state
        self.shifts[sid] = {
            "shift_id": sid, "actor": r.actor, "topic": r.topic,
            "from_stance": from_stance, "to_stance": r.stance, "kind": kind,
            "article_id": r.article_id, "story_id": r.story_id, "source": r.source,
            "evidence": r.evidence, "confidence": r.confidence, "published_at": r.at,
            "detected_at": self.now,
            "severity": severity_for(self.cfg, actor=r.actor, topic=r.topic, to_stance=r.stance, kind=kind),
            "alert_state": alert_state,
            "from_since": None if first else st.since,
            "from_source": None if first else st.since_source,
            "from_article_id": None if first else st.since_article_id,
            "ruleset_version": r.ruleset_version,
        }
        self._add_source(sid, r, "trigger")
        return sid

    def _add_source(self, sid: str, r: Report, role: str) -> None:
        self.sources.setdefault((sid, r.article_id), {
            "shift_id": sid, "article_id": r.article_id, "source": r.source,
            "story_id": r.story_id, "published_at": r.at, "role": role, "added_at": self.now,
        })


def _load_states(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], State]:
    return {(r["actor"], r["topic"]): State(**r) for r in store.position_states(con)}


def _order(r: Report) -> tuple[Any, ...]:
    # Reported shifts before plain positions of the same article: the explicit report decides.
    return (r.at, r.article_id, not r.reported, r.actor, r.topic, -r.confidence)


def fold_reports(
    con: duckdb.DuckDBPyConnection, alerts: AlertsConfig, now: datetime
) -> tuple[ShiftsResult, _Folder, list[dict[str, Any]]]:
    """Read the unfolded reports and fold them (no writes except a temp table)."""
    units, rows = store.unfolded_reports(con)
    reports = [Report(**r) for r in rows]
    reports.sort(key=_order)
    folder = _Folder(_load_states(con), alerts, now)
    for r in reports:
        folder.fold(r)
    for sid in folder.flapped & folder.shifts.keys():
        if folder.shifts[sid]["alert_state"] == ALERT:
            folder.shifts[sid]["alert_state"] = "flapped"
    new_corroborations = sum(1 for s in folder.sources.values() if s["role"] == "corroboration")
    reasons = Counter(s["alert_state"] for s in folder.shifts.values())
    alertable = reasons.pop(ALERT, 0)
    result = ShiftsResult(
        articles=len(units),
        positions=sum(1 for r in reports if not r.reported),
        reported=sum(1 for r in reports if r.reported),
        shifts=len(folder.shifts),
        alertable=alertable,
        corroborations=new_corroborations,
        suppressed=tuple(sorted(reasons.items())),
        reasons=", ".join(f"{n} {r}" for r, n in sorted(reasons.items())),
    )
    return result, folder, units


def detect_shifts(warehouse: Warehouse, cfg: Config, *, now: datetime | None = None) -> ShiftsResult:
    """Fold new positions into the state, record shifts and their sources; one write window."""
    now = now or datetime.now(UTC)
    with warehouse.connect() as con, transaction(con):
        result, folder, units = fold_reports(con, cfg.alerts, now)
        store.store_fold(
            con,
            flapped_before=sorted(folder.flapped - folder.shifts.keys()),
            shifts=list(folder.shifts.values()),
            sources=list(folder.sources.values()),
            states=[asdict(folder.states[k]) for k in sorted(folder.changed)],
            units=units,
            now=now,
        )
    return result
