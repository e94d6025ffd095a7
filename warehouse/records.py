"""The records the warehouse stores and returns: feed states, polls, entries, pages
and articles. The stages produce and consume these frozen dataclasses; the warehouse
defines them because they are its rows, and so depends on no stage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FeedState:
    """What the warehouse remembers about a feed between polls."""

    name: str
    url: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    failure_score: float = 0.0
    consecutive_failures: int = 0
    next_poll_at: datetime | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Entry:
    """One item of a feed, before its page is fetched."""

    entry_id: str  # stable hash of the canonical URL
    feed_name: str
    url: str
    canonical_url: str
    guid: str | None
    title: str
    summary: str  # the feed's own content (HTML or text), the extraction fallback
    published_at: datetime | None


@dataclass(frozen=True)
class FeedPoll:
    """The outcome of polling one feed once."""

    feed: str
    url: str
    status: str  # ok | not_modified | unchanged | failed | skipped | disabled
    attempted_at: datetime
    http_status: int | None = None
    entries: tuple[Entry, ...] = ()
    error: str | None = None
    hard_failure: bool = False
    failure_weight: float = 0.0  # added to the feed's failure score (see redline.feeds)
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    bytes: int = 0
    elapsed_ms: int = 0
    retry_after_s: float | None = None  # from Retry-After or Cache-Control: max-age
    bozo: str | None = None  # feedparser's complaint about a feed it still parsed


@dataclass(frozen=True)
class Page:
    """An article page as fetched (or why it could not be)."""

    entry_id: str
    url: str
    final_url: str | None
    html: bytes | None
    error: str | None
    http_status: int | None = None
    elapsed_ms: int = 0


@dataclass(frozen=True)
class Article:
    """An article ready for the warehouse: text, metadata and how it was obtained."""

    article_id: str
    entry_id: str | None
    url: str
    canonical_url: str
    source: str  # the outlet (feed name, or site name for ingested pages)
    title: str | None
    author: str | None
    published_at: datetime | None
    fetched_at: datetime
    language: str | None
    text: str
    extraction: str  # page | feed | file
    extraction_note: str | None = None
    sketch: tuple[int, ...] = field(default=(), repr=False)
    content_hash: str = ""
