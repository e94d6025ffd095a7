"""The one way to write many rows: an Arrow batch, one INSERT per table.

DuckDB's executemany manages about 800 rows/s here, an Arrow batch about 17,000
(../shared/PITFALLS.md), so every stage hands its rows to insert_rows().

pyarrow is imported where a batch is built, in each module that builds one: a pass with
nothing to write never loads it (with numpy, 0.3-0.5 s of a `redline run` here).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    on_conflict: str = "",
) -> int:
    """INSERT `rows` (dicts with identical keys) into `table`; return how many were given.

    `on_conflict` is appended verbatim, e.g. "ON CONFLICT DO NOTHING" for tables
    with a primary key. Runs inside the caller's transaction, if any.
    """
    if not rows:
        return 0
    import pyarrow as pa

    columns = list(rows[0].keys())
    batch = pa.Table.from_pylist([dict(r) for r in rows])
    name = f"_batch_{abs(hash(table))}"
    con.register(name, batch)
    try:
        cols = ", ".join(columns)
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} {on_conflict}")
    finally:
        con.unregister(name)
    return len(rows)


def select_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Run a query and return its rows as dicts keyed by column name."""
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN ... COMMIT, or ROLLBACK if anything (even KeyboardInterrupt) escapes."""
    con.execute("BEGIN")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
