"""`redline demo`: first contact without internet.

A local news site on 127.0.0.1 serves the five seed articles (seeds/) as the feeds of their
outlets and publishes them one by one in date order; the real pipeline (the `redline-run`
Prefect flow) polls it after each publication into a warehouse of its own; the alerts go
through apprise (json://) to a receiver on 127.0.0.1 that appends them to a file. Then the
positions grid and the alerts a desk would have received are printed, and the report written.
"""

from __future__ import annotations

import html
import json
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

SEEDS_DIR = Path(__file__).resolve().parents[1] / "seeds"
MARKER = ".redline-demo"  # the demo only ever clears a folder that it made itself


@dataclass(frozen=True)
class DemoArticle:
    stem: str  # seeds/<stem>.txt
    outlet: str
    title: str
    published: datetime


# The seeds with their outlet and a date read from their content (seeds/README.md).
ARTICLES = (
    DemoArticle("004_0fa5bf4fd58476e8", "The Moscow Times", "What Putin will ask of Trump",
                datetime(2025, 2, 14, 9, 0, tzinfo=UTC)),
    DemoArticle("002_504dc6610d9c60a6", "POLITICO", "Putin agrees to pause energy strikes, not to a full ceasefire",
                datetime(2025, 3, 18, 21, 0, tzinfo=UTC)),
    DemoArticle("000_36deabc2bc55b72f", "POLITICO Europe", "Trump fails to get Putin to stop the shooting",
                datetime(2025, 3, 20, 9, 0, tzinfo=UTC)),
    DemoArticle("001_7bcb21c0c0f8f90a", "Post Alley", "Putin slips out of the ceasefire again",
                datetime(2025, 5, 22, 9, 0, tzinfo=UTC)),
    DemoArticle("003_a9d0e8f336eaa357", "POLITICO", "Lavrov rules out security guarantees without Russia",
                datetime(2025, 8, 24, 9, 0, tzinfo=UTC)),
)


def feed_path(outlet: str) -> str:
    return "/feeds/" + "".join(c if c.isalnum() else "-" for c in outlet.lower()) + ".xml"


def article_page(article: DemoArticle, text: str) -> bytes:
    """A plain news page: headline, date, outlet, one paragraph per line of the seed."""
    e = html.escape
    paragraphs = "\n".join(f"<p>{e(line)}</p>" for line in text.splitlines() if line.strip())
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{e(article.title)}</title><meta property='og:site_name' content='{e(article.outlet)}'>"
        f"<meta property='article:published_time' content='{article.published.isoformat()}'></head>"
        f"<body><article><h1>{e(article.title)}</h1><p class='byline'>{e(article.outlet)}, "
        f"{article.published:%d %B %Y}</p>\n{paragraphs}</article></body></html>"
    ).encode()


def rss(outlet: str, items: list[tuple[DemoArticle, str]], base: str) -> bytes:
    """RSS 2.0 of the published items, newest first."""
    e = html.escape
    entries = "".join(
        f"<item><title>{e(a.title)}</title><link>{e(link)}</link><guid isPermaLink='true'>{e(link)}</guid>"
        f"<pubDate>{format_datetime(a.published)}</pubDate></item>"
        for a, link in sorted(items, key=lambda it: it[0].published, reverse=True)
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{e(outlet)}</title>"
        f"<link>{e(base)}/</link><description>{e(outlet)} (Redline demo)</description>{entries}</channel></rss>"
    ).encode()


class _Server:
    """A ThreadingHTTPServer on 127.0.0.1 in a daemon thread, with GET and POST handlers."""

    def __init__(self, get: Callable[[str], tuple[int, str, bytes]] | None = None,
                 post: Callable[[str, bytes], None] | None = None) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self, status: int, ctype: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                self._answer(*(get(self.path) if get else (404, "text/plain", b"not found")))

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if post is None:
                    self._answer(404, "text/plain", b"not found")
                    return
                post(self.path, body)
                self._answer(200, "application/json", b"{}")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class NewsSite:
    """The outlets' feeds and article pages; `publish()` puts the next article in its feed."""

    def __init__(self, seeds: Path) -> None:
        self.texts = {a.stem: (seeds / f"{a.stem}.txt").read_text(encoding="utf-8") for a in ARTICLES}
        self.published: list[DemoArticle] = []
        self._lock = threading.Lock()
        self._http = _Server(get=self._get)

    @property
    def base(self) -> str:
        return self._http.base

    def feeds(self) -> list[dict[str, str]]:
        outlets = list(dict.fromkeys(a.outlet for a in ARTICLES))
        return [{"name": o, "url": self.base + feed_path(o)} for o in outlets]

    def publish(self, article: DemoArticle) -> None:
        with self._lock:
            self.published.append(article)

    def _get(self, path: str) -> tuple[int, str, bytes]:
        with self._lock:
            published = list(self.published)
        for outlet in {a.outlet for a in ARTICLES}:
            if path == feed_path(outlet):
                items = [(a, f"{self.base}/articles/{a.stem}.html") for a in published if a.outlet == outlet]
                return 200, "application/rss+xml; charset=utf-8", rss(outlet, items, self.base)
        for a in published:
            if path == f"/articles/{a.stem}.html":
                return 200, "text/html; charset=utf-8", article_page(a, self.texts[a.stem])
        return 404, "text/plain", b"not found"

    def close(self) -> None:
        self._http.close()


class AlertSink:
    """A local alert receiver: apprise's json:// posts here; each alert is a line of a file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._http = _Server(post=self._post)

    @property
    def url(self) -> str:
        return f"json://127.0.0.1:{self._http.server.server_port}/desk"

    def _post(self, _path: str, body: bytes) -> None:
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(json.loads(body), ensure_ascii=False) + "\n")

    def received(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def close(self) -> None:
        self._http.close()


def prepare(folder: Path) -> None:
    """An empty demo folder: one the demo made before is cleared, anything else refused."""
    from redline.errors import UsageError

    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).exists():
            raise UsageError(f"{folder}: not empty and not a folder `redline demo` made; give another --out")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("made by `redline demo`; cleared by the next demo\n", encoding="utf-8")


def write_config(folder: Path, feeds: list[dict[str, str]], sink_url: str) -> Path:
    """The demo's config: the local feeds, the local sink, 127.0.0.1 allowed. The articles are
    from 2025 and are replayed as news, so they may alert however old they are."""
    data = {
        "warehouse": "./redline.duckdb",
        "feeds": feeds,
        "notify": [{"name": "demo-desk", "url": sink_url, "tags": ["desk"]}],
        "fetch": {"allow_private_addresses": ["127.0.0.1/32"], "timeout_s": 10},
        "extract": {"workers": 1},  # one page per pass: a second worker process would only cost its start-up
        "alerts": {"max_age_hours": 24 * 365 * 30},
    }
    path = folder / "redline.yaml"
    path.write_text("# written by `redline demo`: its local feeds and alert sink are gone once it ends\n"
                    + yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    config: Path
    passes: int
    alerts: list[dict[str, Any]]
    report: Path
    seconds: float


def run_demo(folder: Path, *, seeds: Path = SEEDS_DIR, say: Callable[[str], None] = print) -> DemoResult:
    """Publish the seeds in date order, a pipeline pass after each; return what a desk got.

    The first pass is every feed's first poll: the oldest article, already in its feed, is
    backlog (it sets the state and never alerts, as when a desk starts Redline); each later
    article is news."""
    from redline.errors import UsageError

    started = time.monotonic()
    missing = [a.stem for a in ARTICLES if not (seeds / f"{a.stem}.txt").is_file()]
    if missing:
        raise UsageError(f"{seeds}: seed articles missing: {', '.join(missing)} (give the repository's seeds/ with --seeds)")
    prepare(folder)
    from redline.prefect_api import api_for_run

    # Prefect's temporary server (unless PREFECT_API_URL names one) starts now, in a child
    # process, while the pipeline's modules load here.
    with api_for_run(folder / "prefect", say=say, hint="set PREFECT_API_URL to a running server to skip this") as api:
        from flows.pipeline import redline_run
        from redline import report

        site, sink = NewsSite(seeds), AlertSink(folder / "alerts.jsonl")
        try:
            config = write_config(folder, site.feeds(), sink.url)
            say(f"local news site on {site.base}: {len(site.feeds())} outlet feeds; alerts to {folder / 'alerts.jsonl'}")
            api.ready()
            for n, article in enumerate(ARTICLES, start=1):
                site.publish(article)
                before = len(sink.received())
                t = time.monotonic()
                result = api.run(redline_run, config_path=str(config.resolve()))
                got = len(sink.received()) - before
                note = ""
                if n == 1:  # every feed's first poll: what it holds is backlog
                    note = "; already in its feed when the desk starts: backlog sets the state, never alerts"
                say(f"pass {n}: {article.outlet} publishes {article.published:%Y-%m-%d} \u201c{article.title}\u201d: "
                    f"{result.classify.positions} positions, {result.shifts.shifts} shifts, "
                    f"{got} alerts{note} ({time.monotonic() - t:.1f} s)")
            # The report covers the replayed months (the pipeline's own covers the last 30 days).
            first, last = min(a.published for a in ARTICLES), max(a.published for a in ARTICLES)
            margin = timedelta(days=7)
            warehouse = folder / "redline.duckdb"
            written = report.write_report(warehouse.with_name("redline.read.duckdb"), report.default_path(warehouse),
                                          days=(last - first + 2 * margin) / timedelta(days=1), now=last + margin)
            return DemoResult(folder, config, len(ARTICLES), sink.received(), written.path,
                              time.monotonic() - started)
        finally:
            site.close()
            sink.close()

