"""SQL of the shifts stage: the reports not folded yet, the position state, and what a
fold writes (shifts, their sources, the changed states, the folded units); and the
alerting shifts that readers outside the stage need."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from warehouse.batch import insert_rows, select_dicts

if TYPE_CHECKING:
    import duckdb

    from warehouse.store import Warehouse

# An article's positions or reported shifts under one rule-set version form a unit; a unit
# is folded once (core.shift_processed). Only units of the article's latest classification.
_UNITS_SQL = """
CREATE OR REPLACE TEMP TABLE _shift_units AS
WITH latest AS (
    SELECT article_id, arg_max(ruleset_version, classified_at) AS v
    FROM core.classifications GROUP BY article_id
), units AS (
    SELECT DISTINCT article_id, ruleset_version FROM core.positions
    UNION
    SELECT DISTINCT article_id, ruleset_version FROM core.reported_shifts
)
SELECT u.article_id, u.ruleset_version
FROM units u
JOIN core.articles a ON a.article_id = u.article_id
LEFT JOIN latest l ON l.article_id = u.article_id
WHERE (l.v IS NULL OR l.v = u.ruleset_version)
  AND NOT EXISTS (SELECT 1 FROM core.shift_processed sp
                  WHERE sp.article_id = u.article_id AND sp.ruleset_version = u.ruleset_version)
"""

# Articles may repeat in core.articles only by mistake; take one row per article.
_REPORTS_SQL = """
WITH art AS (
    SELECT article_id, any_value(source) AS source, any_value(story_id) AS story_id,
           least(coalesce(any_value(published_at), any_value(fetched_at)), any_value(fetched_at)) AS at,
           bool_or(backlog) AS backlog, bool_and(history) AS history
    FROM (
        -- stored by `redline ingest` and undated, or a copy of a story stored earlier: history
        SELECT a.*, coalesce(a.run_id IN (SELECT run_id FROM core.runs WHERE kind = 'ingest'), FALSE)
               AND (a.published_at IS NULL OR EXISTS (
                   SELECT 1 FROM core.articles o
                   WHERE o.story_id = a.story_id AND o.article_id <> a.article_id
                     AND (o.fetched_at < a.fetched_at OR (o.fetched_at = a.fetched_at AND o.article_id < a.article_id))
               )) AS history
        FROM core.articles a WHERE a.article_id IN (SELECT article_id FROM _shift_units)
    )
    GROUP BY article_id
), reread AS (
    -- folded before under another rule-set version: a re-classification, not news
    SELECT u.article_id, u.ruleset_version,
           EXISTS (SELECT 1 FROM core.shift_processed sp
                   WHERE sp.article_id = u.article_id AND sp.ruleset_version <> u.ruleset_version) AS reread
    FROM _shift_units u
)
SELECT p.article_id, p.actor, p.topic, p.stance, p.confidence, p.evidence, p.ruleset_version,
       FALSE AS reported, art.source, art.story_id, art.at, art.backlog, NULL AS reported_from, rr.reread,
       art.history
FROM core.positions p JOIN _shift_units u USING (article_id, ruleset_version) JOIN art USING (article_id)
JOIN reread rr USING (article_id, ruleset_version)
UNION ALL
SELECT r.article_id, r.actor, r.topic, r.to_stance, r.confidence, r.evidence, r.ruleset_version,
       TRUE, art.source, art.story_id, art.at, art.backlog, r.from_stance, rr.reread, art.history
FROM core.reported_shifts r JOIN _shift_units u USING (article_id, ruleset_version) JOIN art USING (article_id)
JOIN reread rr USING (article_id, ruleset_version)
"""


def unfolded_reports(con: duckdb.DuckDBPyConnection) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(units, reports) not folded yet: each report a position or reported shift with its
    article's source, story, effective time, backlog flag and whether it is a re-reading.
    Leaves the temp table _shift_units in the connection."""
    con.execute(_UNITS_SQL)
    units = select_dicts(con, "SELECT article_id, ruleset_version FROM _shift_units")
    return units, select_dicts(con, _REPORTS_SQL)


def position_states(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every row of core.position_state."""
    return select_dicts(con, "SELECT * FROM core.position_state")


def store_fold(
    con: duckdb.DuckDBPyConnection,
    *,
    flapped_before: Sequence[str],
    shifts: Sequence[Mapping[str, Any]],
    sources: Sequence[Mapping[str, Any]],
    states: Sequence[Mapping[str, Any]],
    units: Sequence[Mapping[str, Any]],
    now: datetime,
) -> None:
    """Write one fold inside the caller's transaction.

    `flapped_before`: shifts of earlier runs whose flip was undone before they were
    routed (group_wait): they will not alert either. `states` replace the rows of their
    (actor, topic); shifts, sources and units already stored are kept.
    """
    for sid in flapped_before:
        con.execute(
            "UPDATE core.shifts SET alert_state = 'flapped' "
            "WHERE shift_id = ? AND alert_state = 'alert' AND routed_at IS NULL",
            [sid],
        )
    insert_rows(con, "core.shifts", shifts, on_conflict="ON CONFLICT DO NOTHING")
    insert_rows(con, "core.shift_sources", sources, on_conflict="ON CONFLICT DO NOTHING")
    if states:
        con.execute("CREATE OR REPLACE TEMP TABLE _changed (actor TEXT, topic TEXT)")
        insert_rows(con, "_changed", [{"actor": s["actor"], "topic": s["topic"]} for s in states])
        con.execute(
            "DELETE FROM core.position_state ps USING _changed c "
            "WHERE ps.actor = c.actor AND ps.topic = c.topic"
        )
        insert_rows(con, "core.position_state", states)
    insert_rows(
        con, "core.shift_processed",
        [{**u, "processed_at": now} for u in units],
        on_conflict="ON CONFLICT DO NOTHING",
    )


def alerting_shifts(warehouse: Warehouse) -> list[tuple[str, str, str, str]]:
    """(actor, topic, to_stance, triggering article_id) of every shift that alerts, oldest first."""
    with warehouse.connect() as con:
        return [
            (a, t, s, aid)
            for a, t, s, aid in con.execute(
                "SELECT actor, topic, to_stance, article_id FROM core.shifts "
                "WHERE alert_state = 'alert' ORDER BY published_at, shift_id"
            ).fetchall()
        ]
