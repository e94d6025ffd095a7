"""Polling against a real local server into a real DuckDB file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from redline.config import FeedConfig
from redline.feeds import next_state, poll_feeds, retry_after_seconds
from redline.http import SafeClient
from redline.models import FeedPoll, FeedState
from tests.support.content import Item, atom, recent, rss
from tests.support.site import Site
from warehouse import Warehouse


def _items(site: Site, n: int, prefix: str = "a") -> list[Item]:
    return [Item(f"Story {prefix}{i}", site.url(f"/news/{prefix}{i}"), guid=f"guid-{prefix}{i}", summary="s", published=recent()) for i in range(n)]


def _poll(cfg, run: str = "r1"):
    with SafeClient(cfg.fetch) as client:
        return poll_feeds(Warehouse(cfg.warehouse), cfg, run, client=client)


def _feed_row(cfg, name: str) -> dict:
    with Warehouse(cfg.warehouse).connect() as con:
        cur = con.execute("SELECT * FROM feeds WHERE name = ?", [name])
        return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_conditional_get_sends_validators_exactly_and_304_skips_parse(site: Site, make_config) -> None:
    url = site.add("/rss", body=rss(_items(site, 3)), content_type="application/rss+xml",
                   etag='W/"weird-etag; v=1"', last_modified="Tue, 18 Mar 2025 10:00:00 GMT")
    _, cfg = make_config([{"name": "wire", "url": url}])
    first = _poll(cfg)
    assert (first.ok, first.new_entries) == (1, 3)
    second = _poll(cfg, "r2")
    assert (second.not_modified, second.new_entries) == (1, 0)
    req = site.hits("/rss")[1]
    assert req.headers["If-None-Match"] == 'W/"weird-etag; v=1"'
    assert req.headers["If-Modified-Since"] == "Tue, 18 Mar 2025 10:00:00 GMT"
    assert req.status == 304
    assert _feed_row(cfg, "wire")["last_status"] == "not_modified"


def test_unchanged_feeds_are_polled_over_kept_connections(site: Site, make_config) -> None:
    """A 304 leaves its connection open for the next request: a pass over 1,000 unchanged
    feeds opened 1,000 connections before (issue 10.3)."""
    urls = [site.add(f"/rss/{i}", body=rss(_items(site, 1, prefix=f"f{i}-"))) for i in range(6)]
    _, cfg = make_config([{"name": f"f{i}", "url": u} for i, u in enumerate(urls)], fetch={"concurrency": 1})
    assert _poll(cfg).new_entries == 6
    second = _poll(cfg, "r2")
    assert second.not_modified == 6
    polled = [r for r in site.requests if r.path.startswith("/rss/")][6:]
    assert [r.status for r in polled] == [304] * 6
    assert len({r.client_port for r in polled}) == 1  # one connection, kept from feed to feed


def test_unchanged_body_without_validators_is_not_reparsed(site: Site, make_config) -> None:
    url = site.add("/rss", body=rss(_items(site, 2)), conditional=False)
    _, cfg = make_config([{"name": "plain", "url": url}])
    assert _poll(cfg).new_entries == 2
    again = _poll(cfg, "r2")
    assert (again.unchanged, again.ok, again.new_entries) == (1, 0, 0)


def test_atom_and_rss_feeds_both_yield_entries(site: Site, make_config) -> None:
    a = site.add("/atom", body=atom(_items(site, 2, "x")), content_type="application/atom+xml")
    r = site.add("/rss", body=rss(_items(site, 2, "y")))
    _, cfg = make_config([{"name": "atom", "url": a}, {"name": "rss", "url": r}])
    assert _poll(cfg).new_entries == 4


def test_malformed_feed_recorded_and_other_feeds_unaffected(site: Site, make_config) -> None:
    bad = site.add("/bad", body=b"<html><body>Service page, not a feed<div></body>")
    good = site.add("/good", body=rss(_items(site, 2)))
    _, cfg = make_config([{"name": "bad", "url": bad}, {"name": "good", "url": good}])
    res = _poll(cfg)
    assert (res.failed, res.new_entries) == (1, 2)
    row = _feed_row(cfg, "bad")
    assert row["last_status"] == "failed" and "not a feed" in row["last_error"]
    assert row["error_count"] == 1 and row["failure_score"] == 1.0


def test_bozo_feed_keeps_good_entries_and_records_the_error(site: Site, make_config) -> None:
    body = rss(_items(site, 3)).replace(b"</channel>", b"<item><title>broken & unescaped</title></channel>")
    url = site.add("/bozo", body=body)
    _, cfg = make_config([{"name": "bozo", "url": url}])
    res = _poll(cfg)
    assert res.new_entries == 3
    assert _feed_row(cfg, "bozo")["bozo"]


def test_dedup_across_tracking_parameters_and_guids(site: Site, make_config) -> None:
    link = site.url("/news/story")
    one = site.add("/one", body=rss([Item("S", link + "?utm_source=rss&utm_medium=feed", guid="g-1")]))
    two = site.add("/two", body=rss([Item("S", link + "#comments", guid="g-2"),
                                     Item("S again", site.url("/other-url"), guid="g-1"),
                                     Item("S fb", link + "?fbclid=abc&gclid=z")]))
    _, cfg = make_config([{"name": "one", "url": one}, {"name": "two", "url": two}])
    assert _poll(cfg).new_entries == 1


def test_failures_back_off_and_410_disables(site: Site, make_config) -> None:
    gone = site.add("/gone", status=410, body=b"gone", conditional=False)
    _, cfg = make_config([{"name": "gone", "url": gone}])
    _poll(cfg)
    row = _feed_row(cfg, "gone")
    assert row["disabled"] and "410" in row["disabled_reason"]
    _poll(cfg, "r2")
    assert len(site.hits("/gone")) == 1  # a disabled feed is not polled again


def test_retry_after_is_honoured(site: Site, make_config) -> None:
    url = site.add("/limited", status=429, body=b"slow down", conditional=False, headers={"Retry-After": "3600"})
    _, cfg = make_config([{"name": "limited", "url": url}])
    _poll(cfg)
    row = _feed_row(cfg, "limited")
    assert row["next_poll_at"] > datetime.now(UTC) + timedelta(minutes=59)
    _poll(cfg, "r2")
    assert len(site.hits("/limited")) == 1


def test_timeout_is_a_soft_failure(site: Site, make_config) -> None:
    url = site.add("/slow", body=rss([]), delay_s=2.5)
    _, cfg = make_config([{"name": "slow", "url": url}], fetch={"timeout_s": 1})
    res = _poll(cfg)
    assert res.failed == 1 and "FetchTimeout" in res.failures[0][1]
    assert _feed_row(cfg, "slow")["failure_score"] == 0.5


def test_oversized_feed_is_refused(site: Site, make_config) -> None:
    url = site.add("/huge", stream_bytes=20_000_000, content_type="application/rss+xml")
    _, cfg = make_config([{"name": "huge", "url": url}], fetch={"max_bytes": 100_000})
    res = _poll(cfg)
    assert res.failed == 1 and "ResponseTooLarge" in res.failures[0][1]


# --- pure functions -----------------------------------------------------------------

NOW = datetime(2025, 3, 18, 12, 0, tzinfo=UTC)


def _failed(weight: float, status: int | None = None) -> FeedPoll:
    return FeedPoll("f", "http://x", "failed", NOW, http_status=status, failure_weight=weight, hard_failure=weight >= 1)


def test_repeated_hard_failures_disable_with_exponential_backoff() -> None:
    state = FeedState("f", "http://x")
    waits = []
    for _ in range(10):
        state = next_state(state, _failed(1.0, 404), 300)
        waits.append((state.next_poll_at - NOW).total_seconds())
    assert state.disabled and state.failure_score == 10
    assert waits[:4] == [60, 120, 240, 480]


def test_temporary_failures_do_not_disable_quickly() -> None:
    state = FeedState("f", "http://x")
    for _ in range(10):
        state = next_state(state, _failed(0.25, 503), 300)
    assert not state.disabled and state.failure_score == 2.5


def test_success_resets_score() -> None:
    state = next_state(FeedState("f", "http://x"), _failed(1.0, 404), 300)
    ok = FeedPoll("f", "http://x", "ok", NOW, etag='"e"', body_hash="h")
    after = next_state(state, ok, 300)
    assert (after.failure_score, after.consecutive_failures, after.etag, after.next_poll_at) == (0, 0, '"e"', None)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [({"retry-after": "120"}, 120), ({"cache-control": "public, max-age=900"}, 900),
     ({"retry-after": "Tue, 18 Mar 2025 12:10:00 GMT"}, 600), ({}, None)],
)
def test_retry_after_parsing(headers: dict, expected: float | None) -> None:
    assert retry_after_seconds(headers, NOW) == expected


def test_feed_config_rejects_non_http_url() -> None:
    with pytest.raises(ValueError, match="http"):
        FeedConfig(name="x", url="ftp://example.org/feed")


