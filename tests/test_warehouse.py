"""The warehouse: migrations recorded, the read copy, and a second writer waiting its turn."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from redline.errors import WarehouseBusy, WarehouseError
from warehouse import Warehouse
from warehouse.store import apply_migrations, migrations

PUBLIC_VIEWS = {
    "feeds": set(),
    "articles": {"article_id", "story_id", "url", "source", "title", "author", "published_at", "fetched_at", "language", "text"},
    "positions": {"article_id", "actor", "topic", "stance", "evidence", "rule_id", "confidence"},
    "shifts": {"shift_id", "actor", "topic", "from_stance", "to_stance", "article_id", "source", "detected_at"},
    "alerts": {"alert_id", "shift_id", "target", "status", "attempts", "last_error", "sent_at"},
    "runs": set(),
}


def test_migrations_applied_once_and_recorded(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.connect() as con:
        recorded = [r[0] for r in con.execute("SELECT name FROM core.schema_migrations ORDER BY version").fetchall()]
        assert recorded == [name for _, name, _ in migrations()]
        assert apply_migrations(con) == []  # idempotent


def test_public_views_have_the_documented_columns(tmp_path: Path) -> None:
    with Warehouse(tmp_path / "w.duckdb").connect() as con:
        for view, required in PUBLIC_VIEWS.items():
            cols = {r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()}
            assert required <= cols, (view, required - cols)


def test_edited_migration_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path).connect() as con:
        con.execute("UPDATE core.schema_migrations SET checksum = 'different' WHERE version = 1")
    con = duckdb.connect(str(path))
    with pytest.raises(WarehouseError, match="changed after it was applied"):
        apply_migrations(con)
    con.close()


def test_read_copy_is_a_consistent_snapshot(tmp_path: Path) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    with wh.connect() as con:
        con.execute("INSERT INTO core.feed_state (feed_name, url) VALUES ('a', 'http://a')")
    reader = duckdb.connect(str(wh.publish_read_copy()), read_only=True)
    with wh.connect() as con:
        con.execute("INSERT INTO core.feed_state (feed_name, url) VALUES ('b', 'http://b')")
    wh.publish_read_copy()
    assert reader.execute("SELECT count(*) FROM feeds").fetchone() == (1,)  # an open reader keeps its file
    reader.close()
    fresh = duckdb.connect(str(wh.read_copy), read_only=True)
    assert fresh.execute("SELECT count(*) FROM feeds").fetchone() == (2,)
    fresh.close()


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1]); print("locked", flush=True); time.sleep(float(sys.argv[2])); con.close()
"""


def _hold(path: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.slow  # another process holds the lock for seconds
def test_second_writer_waits_for_the_first(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path).connect():
        pass
    holder = _hold(path, 1.5)
    started = time.monotonic()
    with Warehouse(path, busy_timeout_s=30).connect() as con:
        waited = time.monotonic() - started
        assert con.execute("SELECT 1").fetchone() == (1,)
    holder.wait()
    assert waited > 0.5  # it really had to wait for the other process


@pytest.mark.slow  # another process holds the lock for seconds
def test_writer_gives_up_after_its_bounded_wait(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    with Warehouse(path).connect():
        pass
    holder = _hold(path, 5)
    try:
        with pytest.raises(WarehouseBusy, match="held the warehouse"), Warehouse(path, busy_timeout_s=0.5).connect():
            pass
    finally:
        holder.kill()
        holder.wait()
