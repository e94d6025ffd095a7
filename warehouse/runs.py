"""SQL of run bookkeeping: one core.runs row per pass (run, ingest, reclassify)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


def mark_interrupted(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    """Passes of this kind still marked running become `interrupted`."""
    con.execute("UPDATE core.runs SET status = 'interrupted' WHERE kind = ? AND status = 'running'", [kind])


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, *, kind: str, flow_run_id: str | None, started_at: datetime
) -> None:
    """Record a pass as running."""
    con.execute(
        "INSERT INTO core.runs (run_id, flow_run_id, kind, started_at, status) VALUES (?, ?, ?, ?, 'running')",
        [run_id, flow_run_id, kind, started_at],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, *, status: str, finished_at: datetime,
    counts: dict[str, Any], summary_json: str,
) -> None:
    """Close a pass's row: its status, the poll and article counts, every stage's summary."""
    con.execute(
        """
        UPDATE core.runs SET finished_at = ?, status = ?, feeds_polled = ?, not_modified = ?,
               unchanged = ?, feeds_failed = ?, new_entries = ?, new_articles = ?, fallbacks = ?, summary = ?
        WHERE run_id = ?
        """,
        [
            finished_at, status, counts.get("feeds_polled"), counts.get("not_modified"), counts.get("unchanged"),
            counts.get("feeds_failed"), counts.get("new_entries"), counts.get("new_articles"),
            counts.get("fallbacks"), summary_json, run_id,
        ],
    )
