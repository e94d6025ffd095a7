"""Run bookkeeping: a row in core.runs per pass, and the markdown summary published
as the run's Prefect artifact."""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass, is_dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from warehouse import Warehouse
from warehouse import runs as store

if TYPE_CHECKING:
    from redline.alerts.outbox import AlertsResult
    from redline.articles import ArticlesResult
    from redline.feeds import PollResult
    from redline.positions import ClassifyResult
    from redline.shifts import ShiftsResult


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    status: str
    stages: dict[str, Any]  # stage name -> its result as plain values (stored as JSON)


@dataclass(frozen=True)
class RunResult:
    """What one completed polling pass returns: each stage's own result."""

    run_id: str
    poll: PollResult
    articles: ArticlesResult
    classify: ClassifyResult
    shifts: ShiftsResult
    alerts: AlertsResult


def start_run(warehouse: Warehouse, *, kind: str, flow_run_id: str | None = None) -> str:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    with warehouse.connect() as con:
        if kind == "run":
            # Polling runs never overlap (concurrency limit 1), so a 'run' still marked
            # running was killed: say so instead of leaving it running forever.
            store.mark_interrupted(con, "run")
        store.start_run(con, run_id, kind=kind, flow_run_id=flow_run_id, started_at=datetime.now(UTC))
    return run_id


def _plain(value: Any) -> Any:
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


def finish_run(warehouse: Warehouse, run_id: str, *, status: str, stages: dict[str, Any]) -> RunSummary:
    plain = {k: _plain(v) for k, v in stages.items() if v is not None}
    poll = plain.get("poll", {})
    arts = plain.get("articles", {})
    counts = {
        "feeds_polled": poll.get("polled"), "not_modified": poll.get("not_modified"),
        "unchanged": poll.get("unchanged"), "feeds_failed": poll.get("failed"),
        "new_entries": poll.get("new_entries"), "new_articles": arts.get("new_articles"),
        "fallbacks": arts.get("fallbacks"),
    }
    with warehouse.connect() as con:
        store.finish_run(con, run_id, status=status, finished_at=datetime.now(UTC), counts=counts,
                         summary_json=json.dumps(plain, default=str))
    return RunSummary(run_id, status, plain)


def summary_line(summary: RunSummary) -> str:
    """The pass in one line (`redline serve` prints one per pass, via the flow's log)."""
    s = summary.stages
    poll, arts, sh, al = (s.get(k, {}) for k in ("poll", "articles", "shifts", "alerts"))
    parts = [f"pass {summary.run_id} {summary.status}: polled {poll.get('polled', 0)} feeds "
             f"({poll.get('failed', 0)} failed)"]
    waiting = backoff_line(poll.get("skipped", 0), poll.get("backoff_first"), poll.get("backoff_until"),
                           poll.get("disabled", 0))
    if waiting:
        parts.append(waiting.split(" (`redline feeds`")[0])
    parts += [f"{arts.get('new_articles', 0)} new articles", f"{sh.get('shifts', 0)} new shifts",
              f"alerts sent {al.get('sent', 0)}, failed {al.get('failed', 0)}"]
    return "; ".join(parts)


def render_markdown(summary: RunSummary) -> str:
    """The run's artifact: feeds polled, 304s, new articles, failures with reasons."""
    s = summary.stages
    poll, arts = s.get("poll", {}), s.get("articles", {})
    lines = [
        f"# Redline run `{summary.run_id}`: {summary.status}",
        "",
        "| feeds polled | 304 not modified | unchanged body | failed | new entries | new articles | feed-content fallbacks |",
        "|---|---|---|---|---|---|---|",
        f"| {poll.get('polled', 0)} | {poll.get('not_modified', 0)} | {poll.get('unchanged', 0)} | "
        f"{poll.get('failed', 0)} | {poll.get('new_entries', 0)} | {arts.get('new_articles', 0)} | {arts.get('fallbacks', 0)} |",
        "",
    ]
    waiting = backoff_line(poll.get("skipped", 0), poll.get("backoff_first"), poll.get("backoff_until"),
                           poll.get("disabled", 0))
    if waiting:
        lines += [waiting, ""]
    for name in ("classify", "shifts", "alerts"):
        if name in s:
            counts = ", ".join(f"{k}: {v}" for k, v in s[name].items() if isinstance(v, int | float | str))
            lines.append(f"- **{name}**: {counts}")
    failures = [("feed", *f) for f in poll.get("failures", [])] + [("page", *f) for f in arts.get("failures", [])]
    if failures:
        lines += ["", "## Failures", "", "| kind | where | reason |", "|---|---|---|"]
        for kind, where, reason in failures[:200]:
            lines.append(f"| {kind} | {_md(where)} | {_md(reason)} |")
        if len(failures) > 200:
            lines.append(f"| … | {len(failures) - 200} more | |")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")[:300]


def backoff_line(skipped: int, first: datetime | str | None, until: datetime | str | None,
                 disabled: int = 0) -> str:
    """The summary's word on waiting feeds: '3 feeds in back-off until 14:05' (local time), or ''."""
    parts = []
    if skipped:
        times = [_clock(t) for t in (first, until) if t is not None]
        when = f" until {times[-1]}" if times and times[0] == times[-1] else (
            f" until {times[0]}–{times[-1]}" if times else "")
        parts.append(f"{skipped} feed{'s' if skipped != 1 else ''} in back-off{when}")
    if disabled:
        parts.append(f"{disabled} disabled")
    if parts:
        parts[-1] += " (`redline feeds` shows them, `redline feeds reset NAME|--all` polls them again)"
    return "; ".join(parts)


def _clock(t: datetime | str) -> str:
    """Local wall-clock time; with the date when it is not today."""
    when = datetime.fromisoformat(t) if isinstance(t, str) else t
    local = when.astimezone()
    return local.strftime("%H:%M") if local.date() == datetime.now().astimezone().date() else local.strftime("%Y-%m-%d %H:%M")
