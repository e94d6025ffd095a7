"""SQL of the alerts stage: the outbox (core.alerts: routing shifts to targets, claiming
due alerts for a lease, recording the outcome of each send) and the daily digest."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warehouse.batch import insert_rows, select_dicts

if TYPE_CHECKING:
    import duckdb

_DUE_SQL = """
SELECT a.alert_id, a.shift_id, a.target, a.attempts, a.severity,
       s.actor, s.topic, s.from_stance, s.to_stance, s.kind, s.severity AS shift_severity,
       s.evidence, s.source, s.published_at, s.from_since, s.from_source,
       art.title, art.url
FROM core.alerts a
JOIN core.shifts s USING (shift_id)
LEFT JOIN (SELECT article_id, any_value(title) AS title, any_value(url) AS url
           FROM core.articles GROUP BY article_id) art ON art.article_id = s.article_id
WHERE a.status IN ('pending', 'failed')
  AND coalesce(a.next_attempt_at, a.created_at) <= ?
  AND (a.claimed_until IS NULL OR a.claimed_until < ?)
ORDER BY a.created_at, a.alert_id
"""


def shifts_to_route(con: duckdb.DuckDBPyConnection, *, detected_before: datetime) -> list[dict[str, Any]]:
    """Shifts marked `alert`, not routed yet, detected before the cutoff (oldest first)."""
    return select_dicts(
        con,
        "SELECT shift_id, actor, topic, to_stance, kind, severity FROM core.shifts "
        "WHERE alert_state = 'alert' AND routed_at IS NULL AND detected_at <= ? ORDER BY detected_at, shift_id",
        [detected_before],
    )


def queue_alerts(
    con: duckdb.DuckDBPyConnection,
    alerts: Sequence[Mapping[str, Any]],
    *,
    routed: Sequence[str],
    unrouted: Sequence[str],
    now: datetime,
) -> None:
    """Insert new outbox rows (an existing (shift, target) row is kept), mark the shifts
    routed, and those no route sends anywhere `unrouted`."""
    insert_rows(con, "core.alerts", alerts, on_conflict="ON CONFLICT DO NOTHING")
    if routed:
        con.execute("UPDATE core.shifts SET routed_at = ? WHERE list_contains(?, shift_id)", [now, list(routed)])
    if unrouted:
        con.execute(
            "UPDATE core.shifts SET alert_state = 'unrouted' WHERE list_contains(?, shift_id)", [list(unrouted)]
        )


def due_alerts(con: duckdb.DuckDBPyConnection, now: datetime) -> list[dict[str, Any]]:
    """Pending or failed alerts whose next attempt is due and that no one has claimed,
    with what their message shows (shift, article title and URL)."""
    return select_dicts(con, _DUE_SQL, [now, now])


def claim_alerts(con: duckdb.DuckDBPyConnection, alert_ids: Sequence[str], *, until: datetime) -> None:
    """Lease these alerts to this pass: a concurrent pass skips them until `until`."""
    con.execute(
        "UPDATE core.alerts SET claimed_until = ? WHERE list_contains(?, alert_id)", [until, list(alert_ids)]
    )


def corroborating_sources(con: duckdb.DuckDBPyConnection, shift_ids: Sequence[str]) -> dict[str, list[str]]:
    """Each shift's reporting outlets, earliest report first."""
    rows = con.execute(
        "SELECT shift_id, source FROM core.shift_sources WHERE list_contains(?, shift_id) "
        "AND source IS NOT NULL GROUP BY shift_id, source ORDER BY shift_id, min(published_at), source",
        [list(shift_ids)],
    ).fetchall()
    out: dict[str, list[str]] = defaultdict(list)
    for sid, source in rows:
        out[sid].append(source)
    return out


def record_attempts(con: duckdb.DuckDBPyConnection, updates: Sequence[Mapping[str, Any]]) -> None:
    """Apply send outcomes and release the claims. Each update: alert_id, attempts,
    last_attempt_at, status, last_error, next_attempt_at, sent_at; a null status (not
    tried) keeps the alert's status and last error and only moves its next attempt."""
    if not updates:
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _alert_results (alert_id TEXT, attempts INTEGER, "
        "last_attempt_at TIMESTAMPTZ, status TEXT, last_error TEXT, next_attempt_at TIMESTAMPTZ, "
        "sent_at TIMESTAMPTZ)"
    )
    insert_rows(con, "_alert_results", updates)
    con.execute(
        """UPDATE core.alerts a SET
               attempts = r.attempts,
               status = coalesce(r.status, a.status),
               last_error = CASE WHEN r.status IS NULL THEN a.last_error ELSE r.last_error END,
               last_attempt_at = coalesce(r.last_attempt_at, a.last_attempt_at),
               next_attempt_at = r.next_attempt_at,
               sent_at = coalesce(r.sent_at, a.sent_at),
               claimed_until = NULL
           FROM _alert_results r WHERE a.alert_id = r.alert_id"""
    )


def requeue(
    con: duckdb.DuckDBPyConnection, statuses: Sequence[str], *, now: datetime, only: Sequence[str] | None = None
) -> list[str]:
    """Make alerts in `statuses` (of the given ids, if any) pending and due now, their
    claims released; return their ids (`redline alerts retry`)."""
    params: list[Any] = [now, list(statuses)]
    where = ""
    if only is not None:
        where = " AND list_contains(?, alert_id)"
        params.append(list(only))
    rows = con.execute(
        "UPDATE core.alerts SET status = 'pending', next_attempt_at = ?, claimed_until = NULL "
        f"WHERE list_contains(?, status){where} RETURNING alert_id",
        params,
    ).fetchall()
    return [r[0] for r in rows]


# -- the daily digest -------------------------------------------------------------------
def stance_summary(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each (actor, topic)'s established stance, since when, and how many outlets."""
    return select_dicts(
        con, "SELECT actor, topic, stance, since, len(sources) AS sources FROM core.position_state ORDER BY actor, topic"
    )


def shifts_detected_since(con: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, Any]]:
    """Shifts (not first sightings) detected since `since`, by publication time."""
    return select_dicts(
        con,
        "SELECT actor, topic, from_stance, to_stance, kind, source, published_at, alert_state, severity "
        "FROM core.shifts WHERE detected_at >= ? AND kind <> 'new' ORDER BY published_at",
        [since],
    )


def feed_health(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each feed's last status, last success, failures and whether it is disabled."""
    return select_dicts(
        con,
        "SELECT feed_name, last_status, last_success_at, consecutive_failures, disabled, last_error "
        "FROM core.feed_state ORDER BY feed_name",
    )


def log_digest(con: duckdb.DuckDBPyConnection, rows: Sequence[Mapping[str, Any]]) -> None:
    """One core.digest_log row per target a digest went to."""
    insert_rows(con, "core.digest_log", rows)
