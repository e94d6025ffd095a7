"""Articles stage: pending entries -> fetched pages -> extracted text -> stored articles.

Pages are fetched concurrently on the shared client and read on every core
(extractors.text.ExtractionPool.read): each worker extracts a page, chooses the
article's text and classifies it, so fetching, extraction and classification overlap.
When a page cannot be fetched or yields fewer than `extract.min_chars` characters, the
feed's own content is used and the fallback is recorded in `extraction_note`.

Results are stored as they come, by this process alone (the single writer): a store
transaction every `extract.batch_size` articles or `extract.commit_interval_s` seconds,
whichever comes first, with the articles' classifications in the same transaction. A
killed run thus loses at most the pages read since the last commit; their entries stay
pending and the next run reads them again.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from extractors.signals.model import Classification
from extractors.stories import same_story, sketch
from extractors.text import ExtractionPool, JobResult, article_text, clean_text
from redline.config import Config
from redline.entries import canonical_url, entry_id
from redline.errors import FetchError
from redline.http import SafeClient
from redline.models import Article, Entry, Extracted, Page
from warehouse import Warehouse
from warehouse import articles as store

# Stores the workers' classifications of the articles a commit inserted, inside its
# transaction, and returns counts (the positions stage's store_classifications): the
# articles stage cannot name the later stage, so the flow hands it in.
StoreClassified = Callable[[duckdb.DuckDBPyConnection, Mapping[str, Classification]], Mapping[str, int]]

_READ_CHUNK = 2000  # pending entries read at once (each holds its feed summary)
_TICK_S = 0.5  # how often the commit clock is checked while no result arrives


@dataclass
class ArticlesResult:
    """Counts for the run summary; `failures` holds (url, reason) of fallbacks.
    `classified` counts what the workers classified and was stored with the articles."""

    new_articles: int = 0
    fallbacks: int = 0
    batches: int = 0
    seconds: dict[str, float] = field(default_factory=lambda: {"fetch": 0.0, "extract": 0.0, "store": 0.0})
    failures: list[tuple[str, str]] = field(default_factory=list)
    classified: dict[str, int] = field(default_factory=dict)
    ruleset_version: str | None = None  # of the latest classification the workers made

    def add(self, other: ArticlesResult) -> None:
        self.new_articles += other.new_articles
        self.fallbacks += other.fallbacks
        self.batches += other.batches
        for k, v in other.seconds.items():
            self.seconds[k] = self.seconds.get(k, 0.0) + v
        self.failures.extend(other.failures)
        for k, n in other.classified.items():
            self.classified[k] = self.classified.get(k, 0) + n
        self.ruleset_version = other.ruleset_version or self.ruleset_version


def fetch_pages(client: SafeClient, entries: Sequence[Entry], *, concurrency: int, max_bytes: int) -> Iterator[Page]:
    """Fetch pages concurrently, yielding each as soon as it arrives. At most
    `concurrency` fetches run, and a new one starts only as the caller takes a page, so
    a slow consumer holds back the fetching instead of piling pages up in memory."""

    def one(e: Entry) -> Page:
        started = time.monotonic()
        try:
            resp = client.get(e.url, max_bytes=max_bytes)
        except FetchError as exc:
            return Page(e.entry_id, e.url, None, None, f"{type(exc).__name__}: {exc.reason}", exc.status,
                        int((time.monotonic() - started) * 1000))
        return Page(e.entry_id, e.url, resp.final_url, resp.body, None, resp.status, resp.elapsed_ms)

    todo = iter(entries)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="page") as pool:
        running: set[Future[Page]] = set()
        while True:
            for e in todo:
                running.add(pool.submit(one, e))
                if len(running) >= concurrency:
                    break
            if not running:
                return
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                yield fut.result()


def build_article(entry: Entry, page: Page, extracted: Extracted | None, *, min_chars: int, now: datetime) -> Article:
    """Choose page text or the feed's own content, and say which and why."""
    ex = extracted or Extracted(text="")
    text, from_page = article_text(extracted, entry.summary, min_chars)  # the rule the workers classify by
    how = "page" if from_page else "feed"
    if from_page:
        note = ex.error
    elif page.error:
        note = f"page not fetched ({page.error}); feed content used"
    elif ex.error:
        note = f"{ex.error}; feed content used"
    else:
        note = f"page text under {min_chars} characters; feed content used"
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
    warehouse: Warehouse, cfg: Config, run_id: str, *, client: SafeClient, pool: ExtractionPool,
    store_classified: StoreClassified | None = None,
) -> ArticlesResult:
    """Fetch, read (extract and classify) and store every pending entry, committing as
    results come (see the module's docstring). Without `store_classified` the workers'
    classifications are dropped and the signal stage classifies the stored texts."""
    total = ArticlesResult()
    while True:
        with warehouse.connect() as con:
            chunk = store.pending_entries(con, limit=_READ_CHUNK)
        if not chunk:
            return total
        done = _process_chunk(warehouse, cfg, run_id, chunk, client=client, pool=pool, store_classified=store_classified)
        total.add(done)
        if len(chunk) < _READ_CHUNK or not done.new_articles:
            return total


def _process_chunk(
    warehouse: Warehouse, cfg: Config, run_id: str, chunk: list[Entry], *, client: SafeClient,
    pool: ExtractionPool, store_classified: StoreClassified | None,
) -> ArticlesResult:
    t0 = time.monotonic()
    entries = {e.entry_id: e for e in chunk}
    pages: dict[str, Page] = {}  # fetched, not yet committed
    fetch_done = t0

    def jobs() -> Iterator[tuple[str, bytes | None, str | None, str, int]]:
        # Pages go to the workers as they arrive: fetching overlaps extraction and classification.
        nonlocal fetch_done
        for page in fetch_pages(client, chunk, concurrency=cfg.fetch.concurrency, max_bytes=cfg.extract.max_html_bytes):
            pages[page.entry_id] = page
            yield (page.entry_id, page.html, page.final_url, entries[page.entry_id].summary, cfg.extract.min_chars)
        fetch_done = time.monotonic()

    total = ArticlesResult()
    ready: list[JobResult] = []
    oldest = 0.0  # when the oldest uncommitted result arrived
    for item in pool.read(jobs(), tick_s=min(_TICK_S, cfg.extract.commit_interval_s)):
        now = time.monotonic()
        if item is not None:
            if not ready:
                oldest = now
            ready.append(item)
        if ready and (len(ready) >= cfg.extract.batch_size or now - oldest >= cfg.extract.commit_interval_s):
            total.add(_commit(warehouse, cfg, run_id, ready, entries, pages, store_classified))
            ready = []
    if ready:
        total.add(_commit(warehouse, cfg, run_id, ready, entries, pages, store_classified))
    # fetch and extract overlap: "fetch" runs until the last page arrived, "extract" is the
    # rest; "store" is the time spent in write windows, which overlap both
    total.seconds["fetch"] = fetch_done - t0
    total.seconds["extract"] = time.monotonic() - fetch_done
    return total


def _commit(
    warehouse: Warehouse, cfg: Config, run_id: str, ready: list[JobResult], entries: Mapping[str, Entry],
    pages: dict[str, Page], store_classified: StoreClassified | None,
) -> ArticlesResult:
    """One store transaction: the articles of `ready`, their fetches, their classifications."""
    started = time.monotonic()
    now = datetime.now(UTC)
    done_pages = [pages.pop(key) for key, _, _ in ready]
    articles = [
        build_article(entries[key], page, extracted, min_chars=cfg.extract.min_chars, now=now)
        for (key, extracted, _), page in zip(ready, done_pages, strict=True)
    ]
    classified = {key: c for key, _, c in ready if c is not None and store_classified is not None}
    counts: dict[str, int] = {}

    def also(con: duckdb.DuckDBPyConnection, fresh: list[str]) -> None:
        if store_classified is not None:
            counts.update(store_classified(con, {a: classified[a] for a in fresh if a in classified}))

    with warehouse.connect() as con:
        store.store_articles(con, articles, run_id=run_id, same_story=same_story, pages=done_pages, also=also)
    fallbacks = [a for a in articles if a.extraction == "feed"]
    return ArticlesResult(
        new_articles=len(articles),
        fallbacks=len(fallbacks),
        batches=1,
        seconds={"store": time.monotonic() - started},
        failures=[(a.url, a.extraction_note or "") for a in fallbacks],
        classified=counts,
        ruleset_version=next((c.ruleset_version for c in reversed(classified.values())), None),
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
