"""`redline demo` on real parts: a redline process serves the seeds on 127.0.0.1, runs the real
Prefect flow after each publication, delivers alerts through apprise to its local sink, and
writes the report, which a real headless Chromium then opens."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from redline.demo import ARTICLES, MARKER
from tests.support.browser import open_page
from tests.support.proc import redline

MARKS = "#timelines svg g.role-mark.mark-symbol path"


def _q(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.prefect
@pytest.mark.slow
def test_demo_replays_the_seeds_in_date_order_and_shows_what_a_desk_received(prefect_api: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    res = redline("demo", "--out", str(out), timeout=900, PREFECT_API_URL=prefect_api)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    text = res.stdout
    print(text)

    # one pass per seed article, oldest first
    passes = re.findall(r"^pass (\d+): (.*)$", text, re.M)
    assert [int(n) for n, _ in passes] == list(range(1, len(ARTICLES) + 1))
    dates = [re.search(r"publishes (\d{4}-\d\d-\d\d)", line).group(1) for _, line in passes]
    assert dates == sorted(dates) and len(set(dates)) == len(ARTICLES)

    read = out / "redline.read.duckdb"
    stored = _q(read, "SELECT source, published_at FROM articles ORDER BY published_at")
    assert [(s, p) for s, p in stored] == [(a.outlet, a.published) for a in ARTICLES]
    runs = _q(read, "SELECT status FROM runs WHERE kind = 'run'")
    assert [s for (s,) in runs] == ["completed"] * len(ARTICLES)
    # the first article came with its feed's first poll: backlog, it never alerts
    assert _q(read, "SELECT source FROM articles WHERE backlog") == [(ARTICLES[0].outlet,)]

    # the alerts the desk received: what the sink wrote, what the outbox recorded, what was printed
    received = [json.loads(line) for line in (out / "alerts.jsonl").read_text(encoding="utf-8").splitlines()]
    sent = _q(read, "SELECT count(*) FROM alerts WHERE status = 'sent' AND target = 'demo-desk'")[0][0]
    alerting = _q(read, "SELECT count(*) FROM shifts WHERE alert_state = 'alert'")[0][0]
    assert len(received) == sent == alerting > 0
    assert f"Alerts the desk received ({sent}," in text
    for alert in received:
        assert f"  - {alert['title']}" in text

    # the grid: every current stance is printed
    grid = text.split("Positions now", 1)[1].split("Alerts the desk received", 1)[0]
    for actor, topic, stance in _q(read, "SELECT actor, topic, stance FROM current_positions"):
        row = next(line for line in grid.splitlines() if line.startswith(topic + " "))
        assert stance in row, (actor, topic, stance, row)

    # the report covers every stored position, one mark each, and makes no request
    report = out / "report.html"
    assert f"Report: {report}" in text
    positions = _q(read, "SELECT count(*) FROM position_timeline")[0][0]
    with open_page(report) as visit:
        visit.page.wait_for_selector(MARKS, timeout=30_000)
        assert visit.page.locator(MARKS).count() == positions
    assert visit.failed == [] and visit.errors == [] and visit.requests == [report.resolve().as_uri()]
    assert re.search(r"^demo took \d+\.\d s \(5 pipeline passes\)$", text, re.M)


def test_demo_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    res = redline("demo", "--out", str(out), timeout=120)
    assert res.returncode == 2
    assert res.stderr.strip() == f"redline: error: {out}: not empty and not a folder `redline demo` made; give another --out"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me" and not (out / MARKER).exists()


def test_demo_names_missing_seeds(tmp_path: Path) -> None:
    res = redline("demo", "--out", str(tmp_path / "demo"), "--seeds", str(tmp_path), timeout=120)
    assert res.returncode == 2
    assert res.stderr.count("\n") == 1 and "seed articles missing: 004_0fa5bf4fd58476e8" in res.stderr
