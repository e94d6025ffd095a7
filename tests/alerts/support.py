"""Real parts for the alerts tests: a warehouse timeline writer, a webhook server, an SMTP server."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import Message as EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

from redline import config as config_mod
from warehouse.batch import insert_rows
from warehouse.store import Warehouse

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SECRET = "Zq8TopSecretHookToken77"


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timeline:
    """Writes articles and the signal stage's output straight into a real warehouse."""

    def __init__(self, warehouse: Warehouse, version: str = "rules-1") -> None:
        self.warehouse = warehouse
        self.version = version

    def article(
        self, aid: str, source: str, at: datetime | None, *, story: str | None = None,
        backlog: bool = False, title: str | None = None, url: str | None = None,
        fetched: datetime | None = None,
        positions: tuple[tuple[str, str, str, float], ...] = (),
        reported: tuple[tuple[str, str, str | None, str, float], ...] = (),
        evidence: str | None = None,
    ) -> None:
        fetched = fetched or (at + timedelta(minutes=5) if at else NOW)
        ev = evidence or f"Evidence sentence of {aid}."
        with self.warehouse.connect() as con:
            insert_rows(con, "core.articles", [{
                "article_id": aid, "story_id": story or f"story-{aid}",
                "url": url or f"https://news.example.org/{aid}", "canonical_url": f"https://news.example.org/{aid}",
                "source": source, "title": title or f"Headline {aid}", "published_at": at,
                "fetched_at": fetched, "text": ev, "text_chars": len(ev), "extraction": "file",
                "content_hash": aid, "backlog": backlog,
            }])
            insert_rows(con, "core.classifications", [{
                "article_id": aid, "ruleset_version": self.version, "status": "classified",
                "classified_at": fetched,
            }])
            insert_rows(con, "core.positions", [{
                "article_id": aid, "actor": a, "topic": t, "stance": s, "evidence": ev,
                "rule_id": "test.rule", "confidence": c, "ruleset_version": self.version,
            } for a, t, s, c in positions])
            insert_rows(con, "core.reported_shifts", [{
                "article_id": aid, "actor": a, "topic": t, "from_stance": f, "to_stance": s,
                "evidence": ev, "rule_id": "test.shift", "confidence": c, "ruleset_version": self.version,
            } for a, t, f, s, c in reported])


@dataclass
class Hook:
    """A webhook receiver on 127.0.0.1 (apprise json:// posts here)."""

    port: int = field(default_factory=free_port)
    received: list[dict[str, Any]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def url(self, token: str = SECRET) -> str:
        return f"json://127.0.0.1:{self.port}/hooks/{token}"

    def start(self) -> Hook:
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                hook.received.append(json.loads(body))
                hook.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class Mailbox:
    """An aiosmtpd server on 127.0.0.1 that keeps every message."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[EmailMessage] = []
        box = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
                box.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def url(self) -> str:
        return f"mailto://127.0.0.1:{self.port}/?to=desk@example.com&from=redline@example.com&name=Redline"

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.controller.stop()


def write_config(tmp_path: Path, *, notify: list[dict[str, Any]] | None = None, **alerts: Any) -> tuple[Path, config_mod.Config]:
    data: dict[str, Any] = {
        "warehouse": str(tmp_path / "data" / "redline.duckdb"),
        "notify": notify or [],
        "alerts": {"connect_timeout_s": 2, "read_timeout_s": 4, **alerts},
    }
    path = tmp_path / "redline.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path, config_mod.load(path)


def rows(warehouse: Warehouse, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with warehouse.connect() as con:
        return con.execute(sql, params or []).fetchall()


def everything_prefect_stored() -> bytes:
    """The Prefect test server's database file(s) and what its API returns (runs, logs, artifacts)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_SERVER_DATABASE_CONNECTION_URL

    db = Path(PREFECT_SERVER_DATABASE_CONNECTION_URL.value().split(":///", 1)[1])
    blob = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    with get_client(sync_client=True) as client:
        for obj in [*client.read_flow_runs(), *client.read_task_runs(), *client.read_logs(), *client.read_artifacts()]:
            blob += obj.model_dump_json().encode()
    return blob


def warehouse_text(path: Path) -> str:
    """Every value of every table and view in a DuckDB file, as text (read-only open)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = con.execute(
            "SELECT DISTINCT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = current_database()").fetchall()
        return "\n".join(repr(con.execute(f'SELECT * FROM "{s}"."{t}"').fetchall()) for s, t in tables)
    finally:
        con.close()
