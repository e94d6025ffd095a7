"""`redline report`: one self-contained page, opened in a real headless Chromium.

A real warehouse holds positions over six weeks (one outside the 30-day period), with hostile
text from a feed; `redline report` writes the page; Chromium loads it from the file. The page
must make no request beyond its own file, draw one chart mark per stored position of the
period, and link each mark to the row of its evidence and article.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from redline import cli
from redline.report import REPORT_DAYS
from redline.shifts import detect_shifts
from tests.alerts.support import Timeline, write_config
from tests.support.browser import open_page
from warehouse import Warehouse
from warehouse.batch import insert_rows

ROOT = Path(__file__).resolve().parents[1]
MARKS = "#timelines svg g.role-mark.mark-symbol path"
HOSTILE_TITLE = "Kremlin <script>window.__pwned = 1</script> rejects truce"
HOSTILE_EVIDENCE = 'Moscow rejects the full ceasefire <img src="http://127.0.0.2/x.png" onerror="window.__pwned=2">.'


def _warehouse(tmp_path: Path) -> tuple[Path, Warehouse, datetime]:
    path, cfg = write_config(tmp_path)
    wh = Warehouse(cfg.warehouse)
    now = datetime.now(UTC).replace(microsecond=0)
    tl = Timeline(wh)
    day = timedelta(days=1)
    tl.article("old", "Wire A", now - 40 * day, positions=(("ukraine", "territory", "reject", 0.9),))
    tl.article("a1", "Wire A", now - 20 * day, title=HOSTILE_TITLE, evidence=HOSTILE_EVIDENCE,
               url="javascript:alert(1)",
               positions=(("russia", "ceasefire_full", "reject", 0.9), ("russia", "nato_membership", "reject", 0.9)))
    tl.article("a2", "Wire B", now - 12 * day, positions=(("ukraine", "ceasefire_full", "accept", 0.9),))
    tl.article("a3", "Wire B", now - 5 * day, url="https://news.example.org/putin-accepts",
               title="Putin accepts a full truce",
               evidence="Putin said Russia accepts a full 30-day ceasefire.",
               positions=(("russia", "ceasefire_full", "accept", 0.95),))
    tl.article("a4", "Wire C", now - 2 * day,
               positions=(("united_states", "sanctions", "accept", 0.85), ("ukraine", "territory", "reject", 0.9)))
    detect_shifts(wh, config_for(path), now=now)
    with wh.connect() as con:
        insert_rows(con, "core.feed_state", [
            {"feed_name": "Wire A", "url": "http://127.0.0.1:9/a.xml", "last_status": "ok", "last_success_at": now,
             "last_error": None, "consecutive_failures": 0, "errors_total": 0},
            {"feed_name": "Wire B", "url": "http://127.0.0.1:9/b.xml", "last_status": "failed", "last_success_at": None,
             "last_error": "HTTP 503", "consecutive_failures": 3, "errors_total": 7},
        ])
    wh.publish_read_copy()
    return path, wh, now


def config_for(path: Path):  # noqa: ANN201 - redline.config.Config
    from redline import config

    return config.load(path)


def _count(read_copy: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(read_copy), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_report_page_renders_offline_with_a_linked_mark_per_position(tmp_path: Path, capsys) -> None:
    path, wh, now = _warehouse(tmp_path)
    out = tmp_path / "site" / "report.html"
    assert cli.main(["--config", str(path), "report", "--out", str(out)]) == 0
    assert f"wrote {out}" in capsys.readouterr().out

    since = now - timedelta(days=REPORT_DAYS)
    expected = dict(_count(wh.read_copy, "SELECT actor, count(*) FROM position_timeline WHERE effective_at >= ? "
                                         "GROUP BY actor", [since]))
    stored = _count(wh.read_copy, "SELECT count(*) FROM position_timeline")[0][0]
    assert sum(expected.values()) == 6 and stored == 7  # the 40-day-old position is outside the period

    with open_page(out) as visit:
        page = visit.page
        page.wait_for_selector(MARKS, timeout=30_000)
        # one mark per stored position of the period, and per actor in that actor's chart
        assert page.locator(MARKS).count() == sum(expected.values())
        titles = page.eval_on_selector_all("#timelines svg g.role-title text", "els => els.map(e => e.textContent)")
        assert titles == ["Russia", "Ukraine", "The United States"]
        per_chart = [page.locator(f"#timelines svg g.role-mark.mark-symbol.concat_{i}_marks path").count()
                     for i in range(len(titles))]
        assert per_chart == [expected["russia"], expected["ukraine"], expected["united_states"]]

        # every mark links to an evidence row of this page
        links = page.eval_on_selector_all(MARKS, "els => els.map(e => e.getAttribute('aria-label'))")
        anchors = [re.search(r"link: #(pos-\d+)", label).group(1) for label in links]
        assert len(set(anchors)) == len(anchors)
        for a in anchors:
            assert page.locator(f"tr#{a}").count() == 1
        # clicking the mark of Russia's acceptance lands on its evidence and article link
        mark = page.locator(f"{MARKS}[aria-label*='Putin accepts']")
        mark.scroll_into_view_if_needed()
        mark.click(force=True)
        page.wait_for_function("location.hash.startsWith('#pos-')")
        row = page.locator(page.evaluate("location.hash"))
        assert "Putin said Russia accepts a full 30-day ceasefire." in row.inner_text()
        assert row.locator("a").get_attribute("href") == "https://news.example.org/putin-accepts"

        grid = page.locator("#grid").inner_text()
        assert "reject → accept" in grid  # Russia on a full ceasefire changed in the period
        ((state,),) = _count(wh.read_copy, "SELECT alert_state FROM shifts WHERE kind = 'observed'")
        shifts = page.locator("#shifts").inner_text()
        assert f"reject → accept\tobserved\tcritical\t{state}" in shifts
        feeds = page.locator("#feeds").inner_text()
        assert "Wire B\tfailed\tnever\t3\t7" in feeds and "HTTP 503" in feeds

        # the hostile title and evidence are text, and their javascript: URL is no link
        assert HOSTILE_TITLE in page.locator("body").inner_text()
        assert page.evaluate("window.__pwned") is None
        assert page.locator("a[href^='javascript:']").count() == 0

        shot = ROOT / "data" / "report-screenshot.png"
        shot.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        print(f"report screenshot: {shot}; {page.locator(MARKS).count()} marks; requests: {visit.requests}")

    assert visit.failed == [] and visit.errors == []
    assert visit.requests == [out.resolve().as_uri()]  # nothing but the file itself


def test_report_without_positions_is_a_plain_page(tmp_path: Path, capsys) -> None:
    path, cfg = write_config(tmp_path)
    Warehouse(cfg.warehouse).publish_read_copy()
    assert cli.main(["--config", str(path), "report"]) == 0
    page = (cfg.warehouse.parent / "report.html").read_text(encoding="utf-8")
    assert "No positions in this period." in page and "<script" not in page


@pytest.mark.parametrize("argv, message", [
    (["report", "--days", "0"], "--days: expected a number of days above 0"),
    (["report", "--days", "week"], "--days: expected a number of days, got 'week'"),
])
def test_report_rejects_a_bad_period_in_one_line(tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    path, _ = write_config(tmp_path)
    assert cli.main(["--config", str(path), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0]


def test_report_without_a_read_copy_says_what_to_run(tmp_path: Path, capsys) -> None:
    path, _ = write_config(tmp_path)
    assert cli.main(["--config", str(path), "report"]) == 2
    assert "run `redline run` first" in capsys.readouterr().err
