"""Articles served in batches over local feeds, through the real pipeline flow, to a webhook."""

from __future__ import annotations

import duckdb
import pytest

from flows.pipeline import redline_run
from tests.alerts.support import Hook
from tests.support.content import Item, SeedArticle, article_page, recent, rss
from tests.support.site import Site

pytestmark = pytest.mark.prefect

FILLER = (
    "The meeting took place in a conference hall on the outskirts of the city. "
    "Reporters waited outside for several hours as the delegations arrived in long convoys, "
    "and officials gave few details about the schedule for the rest of the week."
)


def _publish(site: Site, path: str, title: str, claim: str, hours_ago: float) -> Item:
    page = article_page(SeedArticle(path.strip("/"), title, (title, claim, FILLER, FILLER), ()), published=recent(hours_ago))
    link = site.add(path, body=page)
    return Item(title, link, guid=path, summary=claim, published=recent(hours_ago))


def _q(path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_batches_over_feeds_yield_exactly_one_alert_and_a_rerun_sends_nothing(
    prefect_api: str, site: Site, make_config
) -> None:
    reject = _publish(site, "/news/kremlin-rejects", "Kremlin rejects truce plan",
                      "Kremlin spokesman Dmitry Peskov said on Tuesday that Moscow rejected the proposal "
                      "for a full 30-day ceasefire along the entire front line.", 30)
    one = site.add("/one.xml", body=rss([reject]), content_type="application/rss+xml")
    two = site.add("/two.xml", body=rss([]), content_type="application/rss+xml")
    hook = Hook().start()
    try:
        path, cfg = make_config(
            [{"name": "Wire One", "url": one}, {"name": "Wire Two", "url": two}],
            notify=[{"name": "desk", "url": hook.url()}],
        )
        # Batch 1, the first poll: the backlog sets the state and sends nothing.
        first = redline_run(config_path=str(path))
        assert first.shifts.alertable == 0 and hook.received == []
        assert _q(cfg.read_copy, "SELECT actor, topic, stance FROM current_positions") == [
            ("russia", "ceasefire_full", "reject")]

        # Batch 2: two outlets report the turn to acceptance.
        a = _publish(site, "/news/putin-accepts", "Putin accepts full truce",
                     "Russian President Vladimir Putin said on Thursday that Russia accepts a full 30-day "
                     "ceasefire along the entire front line, the Kremlin said.", 0.5)
        b = _publish(site, "/news/truce-agreed", "Moscow agrees to complete ceasefire",
                     "Putin has agreed to a complete 30-day ceasefire, Kremlin spokesman Dmitry Peskov told "
                     "reporters on Thursday.", 0.4)
        site.add("/one.xml", body=rss([a, reject]), content_type="application/rss+xml")
        site.add("/two.xml", body=rss([b]), content_type="application/rss+xml")
        redline_run(config_path=str(path))

        # Batch 3: nothing new anywhere.
        third = redline_run(config_path=str(path))
        assert third.alerts.attempted == 0
    finally:
        hook.stop()
    assert [m["title"] for m in hook.received] == ["Russia on a full ceasefire: reject → accept"]
    body = hook.received[0]["message"]
    assert "Previously: **reject** since" in body and "(Wire One)" in body
    assert "Also reported by: Wire Two" in body
    shifts = _q(cfg.read_copy, "SELECT from_stance, to_stance, kind, alert_state, source_count FROM shifts ORDER BY detected_at")
    assert shifts == [(None, "reject", "new", "backlog", 1), ("reject", "accept", "observed", "alert", 2)]
    assert _q(cfg.read_copy, "SELECT target, status FROM alerts") == [("desk", "sent")]
