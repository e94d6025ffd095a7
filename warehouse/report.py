"""SQL of the report (`redline report`, the digest's timeline image): read-only queries on the
public views, so they run on the analysts' read copy as well as on the primary file."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from warehouse.batch import select_dicts


def current_states(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The established stance per (actor, topic): the report's grid."""
    return select_dicts(con, "SELECT * FROM current_positions ORDER BY actor, topic")


def timeline(con: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, Any]]:
    """Every position whose effective time is at or after `since`, oldest first: one chart mark each."""
    return select_dicts(
        con,
        "SELECT actor, topic, stance, confidence, evidence, rule_id, effective_at, source, title, url, "
        "article_id, backlog, shift_id FROM position_timeline WHERE effective_at >= ? "
        "ORDER BY effective_at, actor, topic, article_id",
        [since],
    )


def period_shifts(con: duckdb.DuckDBPyConnection, since: datetime) -> list[dict[str, Any]]:
    """Shifts published or detected since `since`, with their article and each alert's delivery.
    First sightings (kind `new`) only when they alerted: the timelines show the rest."""
    return select_dicts(
        con,
        """
        SELECT s.shift_id, s.actor, s.topic, s.from_stance, s.to_stance, s.kind, s.severity,
               s.alert_state, s.evidence, s.confidence, s.source, s.published_at, s.detected_at,
               s.source_count, s.corroborating_sources, a.title, a.url,
               coalesce((SELECT list(al.target || ': ' || al.status ORDER BY al.target)
                         FROM alerts al WHERE al.shift_id = s.shift_id), []) AS deliveries
        FROM shifts s LEFT JOIN articles a USING (article_id)
        WHERE (s.published_at >= ? OR s.detected_at >= ?) AND (s.kind <> 'new' OR s.alert_state = 'alert')
        ORDER BY coalesce(s.published_at, s.detected_at), s.shift_id
        """,
        [since, since],
    )


def feed_health(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each feed's last status, failures and back-off."""
    return select_dicts(
        con,
        "SELECT name, last_status, last_http_status, last_error, last_attempt_at, last_success_at, "
        "consecutive_failures, error_count, entries_seen, next_poll_at, disabled, disabled_reason "
        "FROM feeds ORDER BY name",
    )
