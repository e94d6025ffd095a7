"""Feeds stage: poll each configured feed once and return its entries.

Per feed: conditional GET (validators stored exactly as received), a body hash so an
unchanged body is not parsed, Retry-After / Cache-Control max-age honoured, and a
failure score with exponential back-off: hard error +1, soft +0.5, temporary +0.25;
disabled at 10, or at once on 410 Gone. feedparser only ever parses bytes we fetched.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from redline import entries as entries_mod
from redline.config import Config, FeedConfig
from redline.errors import (
    FeedParseError,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
)
from redline.http import SafeClient
from redline.models import FeedPoll, FeedState
from warehouse import Warehouse
from warehouse import feeds as feed_store

DISABLE_AT_SCORE = 10.0
BACKOFF_BASE_S = 60.0
BACKOFF_MAX_S = 6 * 3600.0
HONOUR_MAX_S = 24 * 3600.0


def failure_weight(exc: Exception) -> tuple[float, bool]:
    """(score increment, hard?) for a failed poll."""
    if isinstance(exc, HTTPStatusError):
        if exc.status is not None and exc.status >= 500 or exc.status in (408, 429):
            return 0.25, False
        return 1.0, True
    if isinstance(exc, FetchTimeout | ResponseTooLarge):
        return 0.5, False
    if isinstance(exc, FeedParseError):
        return 1.0, True
    if isinstance(exc, FetchError):
        return (1.0, True) if exc.hard else (0.5, False)
    return 1.0, True


def retry_after_seconds(headers: dict[str, str], now: datetime) -> float | None:
    """Seconds the server asks us to wait: Retry-After (seconds or date) or max-age."""
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return min(float(value), HONOUR_MAX_S)
        try:
            when = parsedate_to_datetime(value)
            return min(max((when - now).total_seconds(), 0.0), HONOUR_MAX_S)
        except (TypeError, ValueError):
            pass
    cc = headers.get("cache-control", "")
    m = re.search(r"max-age=(\d+)", cc)
    if m:
        return min(float(m.group(1)), HONOUR_MAX_S)
    return None


def due(state: FeedState, now: datetime) -> bool:
    return not state.disabled and (state.next_poll_at is None or state.next_poll_at <= now)


def poll_feed(client: SafeClient, feed: FeedConfig, state: FeedState, now: datetime) -> FeedPoll:
    """Poll one feed; never raises for the feed's own faults (they are in the result)."""
    base = FeedPoll(feed=feed.name, url=feed.url, status="skipped", attempted_at=now)
    if state.disabled:
        return replace(base, status="disabled")
    if not due(state, now):
        return base
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    started = time.monotonic()
    try:
        resp = client.get(feed.url, headers=headers)
    except FetchError as exc:
        weight, hard = failure_weight(exc)
        hdrs = getattr(exc, "headers", {}) or {}
        return replace(
            base,
            status="failed",
            http_status=exc.status,
            error=f"{type(exc).__name__}: {exc.reason}",
            hard_failure=hard,
            failure_weight=weight,
            retry_after_s=retry_after_seconds(hdrs, now),
            elapsed_ms=int((time.monotonic() - started) * 1000),
        )
    common: dict[str, Any] = dict(
        http_status=resp.status,
        etag=resp.headers.get("etag", state.etag),
        last_modified=resp.headers.get("last-modified", state.last_modified),
        elapsed_ms=resp.elapsed_ms,
        bytes=len(resp.body),
        retry_after_s=retry_after_seconds(dict(resp.headers), now),
    )
    if resp.status == 304:
        return replace(base, status="not_modified", body_hash=state.body_hash, **common)
    body_hash = hashlib.sha256(resp.body).hexdigest()
    if body_hash == state.body_hash:
        return replace(base, status="unchanged", body_hash=body_hash, **common)
    try:
        parsed_entries, bozo = parse_feed(feed, resp.body, resp.headers)
    except FeedParseError as exc:
        weight, hard = failure_weight(exc)
        return replace(
            base, status="failed", error=f"FeedParseError: {exc}", hard_failure=hard, failure_weight=weight, **common
        )
    return replace(base, status="ok", body_hash=body_hash, entries=tuple(parsed_entries), bozo=bozo, **common)


def parse_feed(feed: FeedConfig, body: bytes, headers: Mapping[str, str] | None = None) -> tuple[list, str | None]:
    """Parse fetched bytes; keep what parsed from a bozo feed and say what was wrong."""
    hdrs = {"content-type": (headers or {}).get("content-type", "application/xml")}
    parsed = feedparser.parse(body, response_headers=hdrs)
    bozo = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        bozo = f"{type(exc).__name__}: {exc}"[:500] if exc else "irregular feed"
    if not parsed.entries and bozo and not parsed.get("version"):
        raise FeedParseError(f"{feed.name} ({feed.url}): not a feed: {bozo}")
    out = []
    for item in parsed.entries:
        entry = entries_mod.from_parsed(feed.name, feed.url, item)
        if entry is not None:
            out.append(entry)
    return out, bozo


def next_state(state: FeedState, poll: FeedPoll, interval_s: float) -> FeedState:
    """The feed's state after a poll: validators, failure score, back-off, disabling."""
    now = poll.attempted_at
    if poll.status in ("skipped", "disabled"):
        return state
    wait = poll.retry_after_s
    if poll.status == "failed":
        failures = state.consecutive_failures + 1
        score = state.failure_score + poll.failure_weight
        backoff = min(BACKOFF_BASE_S * 2 ** (failures - 1), BACKOFF_MAX_S)
        gone = poll.http_status == 410
        return replace(
            state,
            failure_score=score,
            consecutive_failures=failures,
            next_poll_at=now + timedelta(seconds=max(backoff, wait or 0.0)),
            disabled=gone or score >= DISABLE_AT_SCORE,
        )
    return replace(
        state,
        etag=poll.etag,
        last_modified=poll.last_modified,
        body_hash=poll.body_hash,
        failure_score=0.0,
        consecutive_failures=0,
        next_poll_at=(now + timedelta(seconds=wait)) if wait and wait > interval_s / 2 else None,
    )


def poll_all(
    client: SafeClient, feeds: Iterable[tuple[FeedConfig, FeedState]], *, concurrency: int, now: datetime | None = None
) -> list[FeedPoll]:
    """Poll feeds concurrently on the shared client; results in the order given."""
    now = now or datetime.now(UTC)
    pairs = list(feeds)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="poll") as pool:
        return list(pool.map(lambda fs: poll_feed(client, fs[0], fs[1], now), pairs))


@dataclass
class PollResult:
    """Counts and failures of one polling pass, for the run summary."""

    polled: int = 0
    ok: int = 0
    not_modified: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    disabled: int = 0
    new_entries: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)
    # when the skipped feeds (back-off or a server-requested wait) are next due: the first and the last
    backoff_first: datetime | None = None
    backoff_until: datetime | None = None


def poll_feeds(warehouse: Warehouse, cfg: Config, run_id: str, *, client: SafeClient) -> PollResult:
    """Poll every configured feed and store new entries, states and the fetch log."""
    started = time.monotonic()
    with warehouse.connect() as con:
        loaded = feed_store.load_states(con, cfg.feeds)
    pairs = [(f, loaded[f.name][0]) for f in cfg.feeds]
    polls = poll_all(client, pairs, concurrency=cfg.fetch.concurrency)
    states = {p.feed: next_state(loaded[p.feed][0], p, cfg.schedule.interval_s) for p in polls}
    had_success = {name: ok for name, (_, ok) in loaded.items()}
    with warehouse.connect() as con:
        new = feed_store.store_polls(con, run_id, cfg.feeds, polls, states, had_success)
    result = PollResult(new_entries=new, seconds=time.monotonic() - started)
    for p in polls:
        result.polled += p.status not in ("skipped", "disabled")
        # every FeedPoll.status names one of PollResult's counters
        setattr(result, p.status, getattr(result, p.status) + 1)
        if p.status == "failed":
            result.failures.append((p.feed, p.error or "unknown error"))
    due_at = (loaded[p.feed][0].next_poll_at for p in polls if p.status == "skipped")
    waits = [w for w in due_at if w is not None]
    if waits:
        result.backoff_first, result.backoff_until = min(waits), max(waits)
    return result

