"""Articles stage: pending entries -> fetched pages -> extracted text -> stored articles.

Pages are fetched concurrently on the shared client and extracted on every core
(extractors.text.ExtractionPool). When a page cannot be fetched or yields fewer than
`extract.min_chars` characters, the feed's own content is used and the fallback is
recorded in `extraction_note`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from extractors.stories import same_story, sketch
from extractors.text import ExtractionPool, clean_text, html_fragment_to_text
from redline.config import Config
from redline.entries import canonical_url, entry_id
from redline.errors import FetchError
from redline.http import SafeClient
from redline.models import Article, Entry, Extracted, Page
from warehouse import Warehouse
from warehouse import articles as store


@dataclass
class ArticlesResult:
    """Counts for the run summary; `failures` holds (url, reason) of fallbacks."""

    new_articles: int = 0
    fallbacks: int = 0
    batches: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"fetch": 0.0, "extract": 0.0, "store": 0.0})
    failures: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: ArticlesResult) -> None:
        self.new_articles += other.new_articles
        self.fallbacks += other.fallbacks
        self.batches += other.batches
        for k, v in other.seconds.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v
        self.failures.extend(other.failures)


def fetch_pages(client: SafeClient, entries: Sequence[Entry], *, concurrency: int, max_bytes: int) -> Iterator[Page]:
    """Fetch pages concurrently, yielding each as soon as it arrives."""

    def one(e: Entry) -> Page:
        started = time.monotonic()
        try:
            resp = client.get(e.url, max_bytes=max_bytes)
        except FetchError as exc:
            return Page(e.entry_id, e.url, None, None, f"{type(exc).__name__}: {exc.reason}", exc.status,
                        int((time.monotonic() - started) * 1000))
        return Page(e.entry_id, e.url, resp.final_url, resp.body, None, resp.status, resp.elapsed_ms)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="page") as pool:
        for fut in as_completed([pool.submit(one, e) for e in entries]):
            yield fut.result()


def build_article(entry: Entry, page: Page, extracted: Extracted | None, *, min_chars: int, now: datetime) -> Article:
    """Choose page text or the feed's own content, and say which and why."""
    note = None
    if extracted is not None and len(extracted.text) >= min_chars:
        text, how, ex = extracted.text, "page", extracted
        note = extracted.error
    else:
        ex = extracted or Extracted(text="")
        if page.error:
            note = f"page not fetched ({page.error}); feed content used"
        elif ex.error:
            note = f"{ex.error}; feed content used"
        else:
            note = f"page text under {min_chars} characters; feed content used"
        text, how = html_fragment_to_text(entry.summary), "feed"
    return Article(
        article_id=entry.entry_id,
        entry_id=entry.entry_id,
        url=entry.url,
        canonical_url=entry.canonical_url,
        source=entry.feed_name,
        title=entry.title or ex.title,
        author=ex.author,
        published_at=entry.published_at or ex.published_at,
        fetched_at=now,
        language=ex.language,
        text=text,
        extraction=how,
        extraction_note=note,
        sketch=ex.sketch if how == "page" else sketch(text),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:32],
    )


def process_pending(
    warehouse: Warehouse, cfg: Config, run_id: str, *, client: SafeClient, pool: ExtractionPool
) -> ArticlesResult:
    """Fetch, extract and store every pending entry, one batch (one transaction) at a time."""
    total = ArticlesResult()
    while True:
        with warehouse.connect() as con:
            batch = store.pending_entries(con, limit=cfg.extract.batch_size)
        if not batch:
            return total
        total.add(_process_batch(warehouse, cfg, run_id, batch, client=client, pool=pool))


def _process_batch(
    warehouse: Warehouse, cfg: Config, run_id: str, batch: list[Entry], *, client: SafeClient, pool: ExtractionPool
) -> ArticlesResult:
    t0 = time.monotonic()
    pages: list[Page] = []
    fetch_done = t0

    def fetched() -> Iterator[tuple[str, bytes, str | None]]:
        # Pages go to the extraction pool as they arrive: fetching overlaps extraction.
        nonlocal fetch_done
        for page in fetch_pages(client, batch, concurrency=cfg.fetch.concurrency, max_bytes=cfg.extract.max_html_bytes):
            pages.append(page)
            if page.html:
                yield (page.entry_id, page.html, page.final_url)
        fetch_done = time.monotonic()

    extracted = dict(pool.map(fetched()))
    t1, t2 = fetch_done, time.monotonic()
    now = datetime.now(UTC)
    by_id = {p.entry_id: p for p in pages}
    articles = [
        build_article(e, by_id[e.entry_id], extracted.get(e.entry_id), min_chars=cfg.extract.min_chars, now=now)
        for e in batch
    ]
    with warehouse.connect() as con:
        save_articles(con, articles, run_id=run_id, pages=pages)
    fallbacks = [a for a in articles if a.extraction == "feed"]
    return ArticlesResult(
        new_articles=len(articles),
        fallbacks=len(fallbacks),
        batches=1,
        # fetch and extract overlap: "fetch" runs until the last page arrived, "extract" is the rest
        seconds={"fetch": t1 - t0, "extract": t2 - t1, "store": time.monotonic() - t2},
        failures=[(a.url, a.extraction_note or "") for a in fallbacks],
    )


def save_articles(
    con: duckdb.DuckDBPyConnection, arts: Sequence[Article], *, run_id: str | None, pages: Sequence[Page] = ()
) -> int:
    """Store articles not stored yet (near-copies share a story by the stories rule),
    their page fetches, and mark their entries done; return how many were new."""
    return store.store_articles(con, arts, run_id=run_id, same_story=same_story, pages=pages)


def from_file(path: Path, *, now: datetime) -> Article:
    """An article from a local .txt or .html file (redline ingest)."""
    raw = path.read_bytes()
    canon = path.resolve().as_uri()
    if path.suffix.lower() in (".html", ".htm"):
        from extractors.text import extract_document

        ex = extract_document(raw, canon)
        text, title, note = ex.text, ex.title, ex.error
    else:
        text = clean_text(raw.decode("utf-8", "replace"))
        title, ex, note = path.stem, Extracted(text=text), None
    return Article(
        article_id=entry_id(canon),
        entry_id=None,
        url=canon,
        canonical_url=canon,
        source=ex.site_name or "file",
        title=title,
        author=ex.author,
        published_at=ex.published_at,
        fetched_at=now,
        language=ex.language,
        text=text,
        extraction="file",
        extraction_note=note,
        sketch=sketch(text),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest()[:32],
    )


def from_url(client: SafeClient, url: str, *, cfg: Config, pool: ExtractionPool, now: datetime) -> Article:
    """An article from a URL given on the command line (redline ingest URL)."""
    canon = canonical_url(url)
    entry = Entry(entry_id(canon), "ingest", url, canon, None, "", "", None)
    page = next(fetch_pages(client, [entry], concurrency=1, max_bytes=cfg.extract.max_html_bytes))
    if page.error:
        raise FetchError(url, page.error)
    extracted = dict(pool.map([(entry.entry_id, page.html or b"", page.final_url)])).get(entry.entry_id)
    art = build_article(entry, page, extracted, min_chars=1, now=now)
    site = (extracted.site_name if extracted else None) or urlsplit(url).hostname or "web"
    return replace(art, source=site)
