"""Opening the warehouse, applying migrations, and publishing the analysts' read copy.

DuckDB lets one process write a file, and while it does no other process may even
read it. Redline therefore:
- holds the primary file (config `warehouse`) only for short write windows, each a
  context manager around one batch; another writer (say `redline ingest` beside
  `redline serve`) waits with a bounded retry instead of failing at once;
- after each run, checkpoints and publishes a copy, `<name>.read.duckdb`, by an
  atomic rename. Analysts (`redline sql`, `duckdb -readonly`) open only that copy,
  so they never block the pipeline and the pipeline never blocks them; a reader
  that has the old copy open keeps reading the old file until it reopens.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import duckdb

from warehouse.errors import NoReadCopy, WarehouseBusy, WarehouseError

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "lock on file")
_migrated: set[Path] = set()
_migrate_lock = threading.Lock()


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every file warehouse/migrations/NNN_name.sql, in order."""
    out = []
    for item in resources.files("warehouse").joinpath("migrations").iterdir():
        name = item.name
        if not name.endswith(".sql"):
            continue
        version = int(name.split("_", 1)[0])
        out.append((version, name.removesuffix(".sql"), item.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        raise WarehouseError(f"two migrations share a number: {sorted(versions)}")
    return out


class Warehouse:
    """The primary DuckDB file, opened for short write windows."""

    def __init__(self, path: Path | str, *, busy_timeout_s: float = 120.0) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s

    @property
    def read_copy(self) -> Path:
        return self.path.with_name(self.path.stem + ".read.duckdb")

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection, migrated; waits (bounded) while another process writes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = self._open_with_retry()
        try:
            self._migrate_once(con)
            yield con
        finally:
            con.close()

    def _open_with_retry(self) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.busy_timeout_s
        delay = 0.05
        while True:
            try:
                con = duckdb.connect(str(self.path))
                tmp = self.path.parent / ".duckdb-tmp"
                con.execute(f"SET temp_directory = '{tmp}'")
                con.execute("SET memory_limit = '2GB'")
                return con
            except duckdb.IOException as exc:
                if not any(m in str(exc) for m in _LOCK_MARKERS):
                    raise WarehouseError(f"{self.path}: cannot open warehouse: {exc}") from None
                if time.monotonic() >= deadline:
                    raise WarehouseBusy(
                        f"{self.path}: another process has held the warehouse for writing "
                        f"for over {self.busy_timeout_s:.0f}s"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 1.0)

    def _migrate_once(self, con: duckdb.DuckDBPyConnection) -> None:
        key = self.path.resolve()
        if key in _migrated:
            return
        with _migrate_lock:
            if key in _migrated:
                return
            apply_migrations(con, source=str(self.path))
            _migrated.add(key)

    def publish_read_copy(self) -> Path:
        """Checkpoint and atomically replace the analysts' read copy with the current state."""
        target = self.read_copy
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with self.connect() as con:
            con.execute("CHECKPOINT")
            # Copy while our connection is open: it keeps other writers out, and after
            # CHECKPOINT the file on disk holds every committed transaction.
            shutil.copyfile(self.path, tmp)
        os.replace(tmp, target)
        return target


def apply_migrations(con: duckdb.DuckDBPyConnection, *, source: str = "warehouse") -> list[str]:
    """Apply every migration not yet recorded in core.schema_migrations; return their names."""
    con.execute("CREATE SCHEMA IF NOT EXISTS core")
    con.execute(
        "CREATE TABLE IF NOT EXISTS core.schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
        " applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    )
    done = {v: c for v, c in con.execute("SELECT version, checksum FROM core.schema_migrations").fetchall()}
    applied = []
    for version, name, sql in migrations():
        checksum = hashlib.sha256(sql.encode()).hexdigest()[:16]
        if version in done:
            if done[version] != checksum:
                # A reviewed migration is never edited after it lands: add a new one.
                raise WarehouseError(
                    f"{source}: migration {name} changed after it was applied "
                    f"(recorded {done[version]}, file {checksum}); add a new migration instead"
                )
            continue
        try:
            con.execute("BEGIN")
            con.execute(sql)
            con.execute(
                "INSERT INTO core.schema_migrations (version, name, checksum) VALUES (?, ?, ?)",
                [version, name, checksum],
            )
            con.execute("COMMIT")
        except duckdb.Error as exc:
            con.execute("ROLLBACK")
            raise WarehouseError(f"{source}: migration {name} failed: {exc}") from None
        applied.append(name)
    return applied


def open_read_copy(path: Path | str) -> duckdb.DuckDBPyConnection:
    """Open the analysts' read copy read-only; a clear error if there is none yet."""
    path = Path(path)
    if not path.exists():
        raise NoReadCopy(f"{path}: no read copy of the warehouse yet; run `redline run` first")
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(f"{path}: cannot open read copy: {exc}") from None
