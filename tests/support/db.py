"""Reading the analysts' read copy in tests, as an analyst would (read-only)."""

from __future__ import annotations

import duckdb

from redline.config import Config


def query(cfg: Config, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(cfg.read_copy), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
