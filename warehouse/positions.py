"""SQL of the positions stage: which articles to classify, their texts, and replacing
what was stored for them (classification, positions, evidence, reported shifts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from warehouse.batch import insert_rows

# The tables one classification of an article fills; replaced together.
TABLES = ("core.classifications", "core.positions", "core.position_evidence", "core.reported_shifts")


def known_articles(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> set[str]:
    """The given ids that are stored articles."""
    rows = con.execute(
        "SELECT DISTINCT article_id FROM core.articles WHERE article_id IN (SELECT unnest(?))", [list(article_ids)]
    ).fetchall()
    return {r[0] for r in rows}


def all_articles(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every stored article id, in id order."""
    sql = "SELECT DISTINCT article_id FROM core.articles ORDER BY article_id"
    return [r[0] for r in con.execute(sql).fetchall()]


def unclassified_articles(con: duckdb.DuckDBPyConnection, ruleset_version: str) -> list[str]:
    """Ids of articles with no classification under `ruleset_version`, in id order."""
    sql = (
        "SELECT DISTINCT a.article_id FROM core.articles a WHERE NOT EXISTS ("
        " SELECT 1 FROM core.classifications c WHERE c.article_id = a.article_id AND c.ruleset_version = ?)"
        " ORDER BY a.article_id"
    )
    return [r[0] for r in con.execute(sql, [ruleset_version]).fetchall()]


def article_texts(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """(article_id, text, language) of the given articles (an id stored twice comes twice)."""
    return con.execute(
        "SELECT article_id, text, language FROM core.articles WHERE article_id IN (SELECT unnest(?))",
        [list(article_ids)],
    ).fetchall()


def insert_classifications(con: duckdb.DuckDBPyConnection, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
    """Insert `rows` (table name -> rows) for articles that have nothing stored yet (just
    inserted in this transaction): replace_classifications without its deletes."""
    for table, table_rows in rows.items():
        if table not in TABLES:
            raise ValueError(f"not a positions table: {table}")
        insert_rows(con, table, table_rows)


def replace_classifications(
    con: duckdb.DuckDBPyConnection, article_ids: Sequence[str], rows: Mapping[str, Sequence[Mapping[str, Any]]]
) -> None:
    """Delete whatever the positions tables hold for `article_ids` (any rule-set version),
    then insert `rows` (table name -> rows). Runs inside the caller's transaction."""
    for table in TABLES:
        con.execute(f"DELETE FROM {table} WHERE article_id IN (SELECT unnest(?))", [list(article_ids)])
    for table, table_rows in rows.items():
        if table not in TABLES:
            raise ValueError(f"not a positions table: {table}")
        insert_rows(con, table, table_rows)
