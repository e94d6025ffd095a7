"""The alert outbox: route shifts to targets, send due alerts, record what happened.

Three steps, and the network is touched only between the two write windows:

1. write window: shifts marked `alert` whose group_wait has passed are routed and
   get one core.alerts row per (shift, target), status `pending`; due rows
   (pending, or failed with next_attempt_at reached) are claimed for a lease so a
   concurrent run skips them, and everything the messages show is read;
2. no window: each message is rendered and sent (fresh Apprise per send, timeouts);
3. write window: results are recorded: `sent`, or `failed` with attempts, the
   redacted reason and the next attempt time (exponential backoff), or `dead` after
   alerts.max_attempts.

Delivery is at least once: if the process dies after a send and before step 3, the
claim expires and a later run sends that message again. It is never lost.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from redline.alerts.render import Message, ShiftView, render
from redline.alerts.routing import check_alerting, route_targets
from redline.alerts.send import SendOutcome, body_format_for, body_limit, remember_secrets, send
from warehouse import alerts as store
from warehouse.batch import transaction

if TYPE_CHECKING:
    import duckdb

    from redline.config import Config, NotifyTarget
    from warehouse.store import Warehouse


@dataclass(frozen=True)
class AlertsResult:
    """What one delivery pass did (for the run's artifact)."""

    routed: int = 0  # shifts routed to targets in this pass
    unrouted: int = 0  # alertable shifts that no route sends anywhere
    queued: int = 0  # outbox rows created
    attempted: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    deferred: int = 0  # not tried: their target already failed in this pass
    errors: tuple[str, ...] = ()  # "target: reason", one per failing target
    reasons: str = ""  # the errors as one line for the run's artifact

    def summary(self) -> str:
        out = (
            f"{self.routed} shifts routed ({self.unrouted} unrouted), {self.queued} alerts queued; "
            f"{self.attempted} sends: {self.sent} sent, {self.failed} failed, {self.dead} dead, "
            f"{self.deferred} deferred"
        )
        return out + "".join(f"\n- {e}" for e in self.errors)


def alert_id_for(shift_id: str, target: str) -> str:
    return "a_" + hashlib.sha256(f"{shift_id}\x1f{target}".encode()).hexdigest()[:16]


def backoff(attempts: int, base_s: float, max_s: float) -> timedelta:
    """Delay before the next attempt after `attempts` failures: base * 2^(attempts-1), capped."""
    return timedelta(seconds=min(max_s, base_s * 2 ** max(0, attempts - 1)))


def _route(con: duckdb.DuckDBPyConnection, cfg: Config, now: datetime) -> tuple[int, int, int]:
    shifts = store.shifts_to_route(con, detected_before=now - timedelta(seconds=cfg.alerts.group_wait_s))
    rows, unrouted = [], []
    for s in shifts:
        targets = route_targets(s, cfg)
        if not targets:
            unrouted.append(s["shift_id"])
        for name in targets:
            rows.append({
                "alert_id": alert_id_for(s["shift_id"], name), "shift_id": s["shift_id"],
                "target": name, "status": "pending", "attempts": 0, "next_attempt_at": now,
                "created_at": now, "severity": s["severity"],
            })
    store.queue_alerts(con, rows, routed=[s["shift_id"] for s in shifts], unrouted=unrouted, now=now)
    return len(shifts) - len(unrouted), len(unrouted), len(rows)


def claim_due(
    con: duckdb.DuckDBPyConnection, cfg: Config, now: datetime, *, only: set[str] | None = None,
    orphans: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Claim due alerts of configured targets for a lease; return them with message data.

    Due alerts for targets no longer in the config stay as they are; their target
    names are appended to `orphans`.
    """
    known = {t.name for t in cfg.notify}
    found = store.due_alerts(con, now)
    if orphans is not None:
        orphans.extend(sorted({r["target"] for r in found if r["target"] not in known}))
    due = [r for r in found if r["target"] in known]
    if only is not None:
        due = [r for r in due if r["alert_id"] in only]
    if not due:
        return []
    per_send = cfg.alerts.connect_timeout_s + cfg.alerts.read_timeout_s
    lease = timedelta(seconds=max(300.0, 2 * per_send * len(due)))
    store.claim_alerts(con, [r["alert_id"] for r in due], until=now + lease)
    others = store.corroborating_sources(con, sorted({r["shift_id"] for r in due}))
    for r in due:
        r["corroborating"] = others.get(r["shift_id"], [])
    return due


def view_of(row: dict[str, Any]) -> ShiftView:
    return ShiftView(
        shift_id=row["shift_id"], actor=row["actor"], topic=row["topic"],
        from_stance=row["from_stance"], to_stance=row["to_stance"], kind=row["kind"],
        severity=row["severity"] or row.get("shift_severity") or "normal",
        evidence=row["evidence"] or "", source=row["source"], title=row["title"], url=row["url"],
        published_at=row["published_at"], from_since=row["from_since"],
        from_source=row["from_source"], corroborating=tuple(row.get("corroborating", ())),
    )


def message_for(row: dict[str, Any], target: NotifyTarget, cfg: Config) -> Message:
    url = target.url.get_secret_value()
    limit = min(cfg.alerts.max_chars, cfg.alerts.target_max_chars.get(target.name, cfg.alerts.max_chars))
    return render(
        view_of(row), fmt=body_format_for(url), limit=body_limit(url, limit),
        max_listed=cfg.alerts.max_corroborating_listed,
    )


def _send_target(rows: list[dict[str, Any]], target: NotifyTarget, cfg: Config) -> list[SendOutcome | None]:
    """Send a target's alerts in order; after a failure the rest wait (None = not tried)."""
    url = target.url.get_secret_value()
    out: list[SendOutcome | None] = []
    for row in rows:
        if out and out[-1] is not None and not out[-1].ok:
            out.append(None)
            continue
        out.append(send(url, message_for(row, target, cfg),
                        connect_s=cfg.alerts.connect_timeout_s, read_s=cfg.alerts.read_timeout_s))
    return out


def _record(
    con: duckdb.DuckDBPyConnection, cfg: Config, now: datetime,
    results: list[tuple[dict[str, Any], SendOutcome | None]],
) -> tuple[int, int, int, int]:
    a = cfg.alerts
    sent = failed = dead = deferred = 0
    updates = []
    next_for_target: dict[str, datetime] = {}
    for row, outcome in results:
        if outcome is None:
            continue
        attempts = row["attempts"] + 1
        upd = {"alert_id": row["alert_id"], "attempts": attempts, "last_attempt_at": now}
        if outcome.ok:
            sent += 1
            upd |= {"status": "sent", "last_error": None, "next_attempt_at": None, "sent_at": now}
        elif attempts >= a.max_attempts:
            dead += 1
            upd |= {"status": "dead", "last_error": outcome.error, "next_attempt_at": None, "sent_at": None}
        else:
            failed += 1
            nxt = now + backoff(attempts, a.backoff_base_s, a.backoff_max_s)
            next_for_target[row["target"]] = nxt
            upd |= {"status": "failed", "last_error": outcome.error, "next_attempt_at": nxt, "sent_at": None}
        updates.append(upd)
    for row, outcome in results:
        if outcome is None:  # not tried: wait as long as the target's failed alert
            deferred += 1
            updates.append({
                "alert_id": row["alert_id"], "attempts": row["attempts"],
                "last_attempt_at": None, "status": None, "last_error": None,
                "next_attempt_at": next_for_target.get(row["target"], now), "sent_at": None,
            })
    store.record_attempts(con, updates)
    return sent, failed, dead, deferred


def deliver_alerts(
    warehouse: Warehouse, cfg: Config, *, now: datetime | None = None, only: set[str] | None = None
) -> AlertsResult:
    """Route new shifts, send every due alert, record the outcomes (see module doc).

    `only` restricts sending to those alert ids (`redline alerts retry ID...`).
    """
    check_alerting(cfg, sending=True)
    remember_secrets(cfg.secrets())
    fixed_now = now
    now = now or datetime.now(UTC)
    orphans: list[str] = []
    with warehouse.connect() as con, transaction(con):
        routed, unrouted, queued = _route(con, cfg, now)
        due = claim_due(con, cfg, now, only=only, orphans=orphans)
    by_target: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in due:
        by_target[row["target"]].append(row)
    targets = {t.name: t for t in cfg.notify}
    results: list[tuple[dict[str, Any], SendOutcome | None]] = []
    if by_target:
        with ThreadPoolExecutor(max_workers=min(8, len(by_target))) as pool:
            futures = {name: pool.submit(_send_target, rows, targets[name], cfg) for name, rows in by_target.items()}
            for name, fut in futures.items():
                results.extend(zip(by_target[name], fut.result(), strict=True))
    done_at = fixed_now or datetime.now(UTC)
    sent = failed = dead = deferred = 0
    if results:  # nothing was due, so nothing to record: no second write window
        with warehouse.connect() as con:
            sent, failed, dead, deferred = _record(con, cfg, done_at, results)
    errors = {name: f"{name}: alerts waiting, but no notify target has this name any more"
              for name in orphans}
    for row, outcome in results:
        if outcome is not None and not outcome.ok:
            errors.setdefault(row["target"], f"{row['target']}: {outcome.error}")
    return AlertsResult(
        routed=routed, unrouted=unrouted, queued=queued,
        attempted=sum(1 for _, o in results if o is not None),
        sent=sent, failed=failed, dead=dead, deferred=deferred, errors=tuple(errors.values()),
        reasons="; ".join(errors.values()),
    )
