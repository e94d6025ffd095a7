"""Reading pending entries and storing articles, with near-copies linked to one story."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import duckdb

from warehouse.batch import insert_rows, select_dicts
from warehouse.records import Article, Entry, Page


def pending_entries(con: duckdb.DuckDBPyConnection, *, limit: int) -> list[Entry]:
    rows = select_dicts(
        con,
        "SELECT * FROM core.entries WHERE state = 'pending' ORDER BY first_seen_at, entry_id LIMIT ?",
        [limit],
    )
    return [
        Entry(r["entry_id"], r["feed_name"], r["url"], r["canonical_url"], r["guid"], r["title"] or "",
              r["summary"] or "", r["published_at"])
        for r in rows
    ]


# (shared sketch hashes, size of one sketch, size of the other) -> whether two articles
# are copies of one story: the stories rule (extractors.stories.same_story), passed in.
SameStory = Callable[[int, int, int], bool]


def assign_stories(con: duckdb.DuckDBPyConnection, articles: Sequence[Article], same_story: SameStory) -> dict[str, str]:
    """story_id for each article: that of a stored or earlier-in-batch near-copy, else its own id."""
    stored_story: dict[str, str] = {}
    best: dict[str, tuple[int, str]] = {}
    sketches = [(a.article_id, h) for a in articles for h in a.sketch]
    if sketches:
        import pyarrow as pa  # only when there is a batch (warehouse.batch)

        tbl = pa.table({"article_id": [s[0] for s in sketches], "hash": [s[1] for s in sketches]})
        con.register("_new_sketch", tbl)
        try:
            rows = con.execute(
                """
                SELECT n.article_id, any_value(a.story_id), count(*) AS shared
                FROM _new_sketch n
                JOIN core.article_sketch s ON s.hash = n.hash
                JOIN core.articles a ON a.article_id = s.article_id
                GROUP BY n.article_id, s.article_id
                """
            ).fetchall()
        finally:
            con.unregister("_new_sketch")
        size_of = {a.article_id: len(a.sketch) for a in articles}
        for new_id, story_id, shared in rows:
            # A stored sketch is full-size unless its text was short, so the new
            # article's sketch size bounds the share on both sides.
            if same_story(shared, size_of[new_id], size_of[new_id]) and shared > best.get(new_id, (0, ""))[0]:
                best[new_id] = (shared, story_id)
        stored_story = {k: v[1] for k, v in best.items()}
    by_hash = {
        h: sid
        for h, sid in con.execute(
            "SELECT content_hash, any_value(story_id) FROM core.articles WHERE content_hash IN (SELECT unnest(?)) GROUP BY 1",
            [[a.content_hash for a in articles]],
        ).fetchall()
    }
    out: dict[str, str] = {}
    seen: list[Article] = []
    for a in articles:
        story = by_hash.get(a.content_hash) or stored_story.get(a.article_id)
        if story is None:
            mine = set(a.sketch)
            for b in seen:
                if b.content_hash == a.content_hash or same_story(len(mine & set(b.sketch)), len(a.sketch), len(b.sketch)):
                    story = out[b.article_id]
                    break
        out[a.article_id] = story or a.article_id
        seen.append(a)
    return out


# Called inside store_articles' transaction with the ids of the articles it inserted:
# what else belongs to them (their classification) commits or rolls back with them.
AlsoStore = Callable[[duckdb.DuckDBPyConnection, list[str]], object]


def store_articles(
    con: duckdb.DuckDBPyConnection, articles: Sequence[Article], *, run_id: str | None,
    same_story: SameStory, pages: Sequence[Page] = (), also: AlsoStore | None = None,
) -> int:
    """Insert articles not stored yet, their sketches, page fetch log rows, and mark their
    entries done — all in one transaction, so a crash leaves the entries pending. `also`
    stores what belongs to the new articles in the same transaction."""
    con.execute("BEGIN")
    try:
        ids = [a.article_id for a in articles]
        known = {r[0] for r in con.execute("SELECT article_id FROM core.articles WHERE article_id IN (SELECT unnest(?))", [ids]).fetchall()}
        fresh = [a for a in articles if a.article_id not in known]
        stories = assign_stories(con, fresh, same_story)
        backlog = {
            r[0]: r[1]
            for r in con.execute("SELECT entry_id, backlog FROM core.entries WHERE entry_id IN (SELECT unnest(?))", [ids]).fetchall()
        }
        insert_rows(
            con,
            "core.articles",
            [
                {
                    "article_id": a.article_id, "entry_id": a.entry_id, "story_id": stories[a.article_id],
                    "url": a.url, "canonical_url": a.canonical_url, "source": a.source,
                    "feed_name": a.source if a.entry_id else None, "title": a.title, "author": a.author,
                    "published_at": a.published_at, "fetched_at": a.fetched_at, "language": a.language,
                    "text": a.text, "text_chars": len(a.text), "extraction": a.extraction,
                    "extraction_note": a.extraction_note, "content_hash": a.content_hash,
                    "backlog": bool(backlog.get(a.entry_id, False)), "run_id": run_id,
                }
                for a in fresh
            ],
        )
        insert_rows(con, "core.article_sketch", [{"hash": h, "article_id": a.article_id} for a in fresh for h in a.sketch])
        now = datetime.now(UTC)
        insert_rows(
            con,
            "core.fetch_log",
            [
                {
                    "run_id": run_id, "kind": "page", "feed_name": None, "url": p.url, "attempted_at": now,
                    "status": "failed" if p.error else "ok", "http_status": p.http_status,
                    "bytes": len(p.html or b""), "elapsed_ms": p.elapsed_ms, "error": p.error,
                }
                for p in pages
            ],
        )
        if also is not None:
            also(con, [a.article_id for a in fresh])
        entry_ids = [a.entry_id for a in articles if a.entry_id]
        if entry_ids:
            con.execute(
                "UPDATE core.entries SET state = 'done', attempts = attempts + 1 WHERE entry_id IN (SELECT unnest(?))",
                [entry_ids],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(fresh)
