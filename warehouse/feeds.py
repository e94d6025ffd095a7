"""Reading and writing feed state, the fetch log, and new entries."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from redline.config import FeedConfig
from redline.models import Entry, FeedPoll, FeedState
from warehouse.batch import insert_rows, select_dicts


def load_states(con: duckdb.DuckDBPyConnection, feeds: Sequence[FeedConfig]) -> dict[str, tuple[FeedState, bool]]:
    """Each configured feed's state, and whether it ever polled successfully.

    A feed whose URL changed in the config starts afresh (its validators belonged to the old URL).
    """
    rows = {r["feed_name"]: r for r in select_dicts(con, "SELECT * FROM core.feed_state")}
    out = {}
    for feed in feeds:
        r = rows.get(feed.name)
        if r is None or r["url"] != feed.url:
            out[feed.name] = (FeedState(name=feed.name, url=feed.url), False)
            continue
        out[feed.name] = (
            FeedState(
                name=feed.name,
                url=feed.url,
                etag=r["etag"],
                last_modified=r["last_modified"],
                body_hash=r["body_hash"],
                failure_score=r["failure_score"],
                consecutive_failures=r["consecutive_failures"],
                next_poll_at=r["next_poll_at"],
                disabled=r["disabled"],
            ),
            r["last_success_at"] is not None,
        )
    return out


def store_polls(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    feeds: Sequence[FeedConfig],
    polls: Sequence[FeedPoll],
    states: dict[str, FeedState],
    had_success: dict[str, bool],
) -> int:
    """In one transaction: new entries, feed states and the fetch log. Returns new entries."""
    by_name = {f.name: f for f in feeds}
    con.execute("BEGIN")
    try:
        new_by_feed = _insert_new_entries(con, polls, had_success)
        for poll in polls:
            feed = by_name[poll.feed]
            _upsert_state(con, feed, poll, states[poll.feed], new_by_feed.get(poll.feed, 0))
        insert_rows(
            con,
            "core.fetch_log",
            [
                {
                    "run_id": run_id,
                    "kind": "feed",
                    "feed_name": p.feed,
                    "url": p.url,
                    "attempted_at": p.attempted_at,
                    "status": p.status,
                    "http_status": p.http_status,
                    "bytes": p.bytes,
                    "elapsed_ms": p.elapsed_ms,
                    "error": p.error,
                }
                for p in polls
                if p.status not in ("skipped", "disabled")
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return sum(new_by_feed.values())


def _insert_new_entries(
    con: duckdb.DuckDBPyConnection, polls: Sequence[FeedPoll], had_success: dict[str, bool]
) -> dict[str, int]:
    candidates: list[tuple[Entry, bool]] = [
        (e, not had_success.get(p.feed, False)) for p in polls if p.status == "ok" for e in p.entries
    ]
    if not candidates:
        return {}
    ids = sorted({e.entry_id for e, _ in candidates})
    guids = sorted({e.guid for e, _ in candidates if e.guid})
    known_ids = {r[0] for r in con.execute("SELECT entry_id FROM core.entries WHERE entry_id IN (SELECT unnest(?))", [ids]).fetchall()}
    known_guids = {
        r[0] for r in con.execute("SELECT guid FROM core.entry_guids WHERE guid IN (SELECT unnest(?))", [guids]).fetchall()
    }
    fresh: list[tuple[Entry, bool]] = []
    for entry, backlog in candidates:
        if entry.entry_id in known_ids or (entry.guid and entry.guid in known_guids):
            continue
        known_ids.add(entry.entry_id)
        if entry.guid:
            known_guids.add(entry.guid)
        fresh.append((entry, backlog))
    insert_rows(
        con,
        "core.entries",
        [
            {
                "entry_id": e.entry_id,
                "feed_name": e.feed_name,
                "guid": e.guid,
                "url": e.url,
                "canonical_url": e.canonical_url,
                "title": e.title,
                "summary": e.summary,
                "published_at": e.published_at,
                "first_seen_at": polls[0].attempted_at,
                "backlog": backlog,
            }
            for e, backlog in fresh
        ],
    )
    insert_rows(
        con, "core.entry_guids", [{"guid": e.guid, "entry_id": e.entry_id} for e, _ in fresh if e.guid]
    )
    counts: dict[str, int] = {}
    for e, _ in fresh:
        counts[e.feed_name] = counts.get(e.feed_name, 0) + 1
    return counts


def _upsert_state(con: duckdb.DuckDBPyConnection, feed: FeedConfig, poll: FeedPoll, state: FeedState, new: int) -> None:
    ok = poll.status in ("ok", "not_modified", "unchanged")
    attempted = poll.status not in ("skipped", "disabled")
    con.execute(
        """
        INSERT INTO core.feed_state AS f (feed_name, url, tags) VALUES (?, ?, ?)
        ON CONFLICT (feed_name) DO UPDATE SET url = excluded.url, tags = excluded.tags
        """,
        [feed.name, feed.url, list(feed.tags)],
    )
    if not attempted:
        return
    con.execute(
        """
        UPDATE core.feed_state SET
            etag = ?, last_modified = ?, body_hash = ?,
            last_status = ?, last_http_status = ?, last_error = ?, bozo = ?,
            last_attempt_at = ?,
            last_success_at = CASE WHEN ? THEN ? ELSE last_success_at END,
            failure_score = ?, consecutive_failures = ?,
            errors_total = errors_total + CASE WHEN ? THEN 0 ELSE 1 END,
            next_poll_at = ?, disabled = ?,
            disabled_reason = CASE WHEN ? THEN ? ELSE disabled_reason END,
            entries_seen = entries_seen + ?
        WHERE feed_name = ?
        """,
        [
            state.etag, state.last_modified, state.body_hash,
            poll.status, poll.http_status, poll.error, poll.bozo,
            poll.attempted_at,
            ok, poll.attempted_at,
            state.failure_score, state.consecutive_failures,
            ok,
            state.next_poll_at, state.disabled,
            state.disabled, poll.error,
            new,
            feed.name,
        ],
    )
