"""Issue 9.4: back-off is visible and can be overridden. Real runs on the Prefect test
server against a local site, real DuckDB, real `redline` processes."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.support.content import rss
from tests.support.db import query
from tests.support.proc import redline
from tests.support.site import Route, Site

pytestmark = pytest.mark.slow  # spawns redline processes


@pytest.mark.prefect
def test_run_summary_names_backoff_and_feeds_reset_clears_it(prefect_api: str, site: Site, make_config) -> None:
    site.add("/up.rss", body=rss([]))
    site.add("/down.rss", Route(body=b"broken", status=500, conditional=False))
    path, cfg = make_config([{"name": "Up", "url": site.url("/up.rss")},
                             {"name": "Down", "url": site.url("/down.rss")}])
    first = redline("run", config=path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "in back-off" not in first.stdout and "1 failed" in first.stdout
    [(until,)] = query(cfg, "SELECT next_poll_at FROM feeds WHERE name = 'Down'")

    second = redline("run", config=path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert f"1 feed in back-off until {until.astimezone():%H:%M}" in second.stdout
    assert "redline feeds reset" in second.stdout
    assert len(site.hits("/down.rss")) == 1  # skipped, as the line says

    unknown = redline("feeds", "reset", "Dwn", config=path)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == f"redline: error: feeds reset: no feed named 'Dwn' in {path} (feeds: Up, Down)"
    reset = redline("feeds", "reset", "Down", config=path)
    assert reset.returncode == 0 and "back-off cleared for 1 feed(s), polled on the next pass: Down" in reset.stdout
    assert query(cfg, "SELECT next_poll_at, failure_score FROM feeds WHERE name = 'Down'") == [(None, 0.0)]

    third = redline("run", config=path)
    assert third.returncode == 0 and "in back-off" not in third.stdout
    assert len(site.hits("/down.rss")) == 2  # polled again at once
    assert redline("feeds", "reset", "--all", config=path).stdout.endswith("Down, Up\n")
    assert query(cfg, "SELECT count(*) FROM feeds WHERE next_poll_at IS NOT NULL") == [(0,)]


def test_refused_private_address_names_the_setting(tmp_path: Path, site: Site) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"warehouse: {tmp_path / 'w.duckdb'}\n")
    res = redline("ingest", site.add("/a", body=b"<html><body><p>x</p></body></html>"), config=cfg)
    assert res.returncode == 1 and res.stderr.count("\n") == 1
    assert 'allow it with fetch.allow_private_addresses, e.g. ["127.0.0.1/32"]' in res.stderr
    assert site.hits("/a") == []


def test_backoff_line_words() -> None:
    from redline.runs import backoff_line

    at = datetime(2026, 12, 2, 14, 5).astimezone()
    assert backoff_line(0, None, None) == ""
    line = backoff_line(3, at, at)
    assert line.startswith(f"3 feeds in back-off until {at:%H:%M}" if at.date() == datetime.now().date()
                           else f"3 feeds in back-off until {at:%Y-%m-%d %H:%M}")
    assert "1 disabled" in backoff_line(0, None, None, disabled=1)
