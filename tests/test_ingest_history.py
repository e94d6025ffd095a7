"""Issue 9.3: `ingest` cannot move today's state with an old text. Real `redline ingest`
processes, a real DuckDB warehouse, a real webhook receiver on 127.0.0.1."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from redline import config as config_mod
from tests.alerts.support import Hook
from tests.support.content import SEEDS
from tests.support.db import query
from tests.support.proc import redline

pytestmark = pytest.mark.slow  # spawns redline processes

A, B, C = (SEEDS / f"{stem}.txt" for stem in ("000_36deabc2bc55b72f", "002_504dc6610d9c60a6", "003_a9d0e8f336eaa357"))


def test_undated_files_and_copies_are_history_dated_ones_are_news(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        path = tmp_path / "desk.yaml"
        path.write_text(yaml.safe_dump({
            "warehouse": str(tmp_path / "data" / "redline.duckdb"),
            "notify": [{"name": "desk", "url": hook.url()}],
            # first sightings alert too: any position that counted as news would reach the hook
            "alerts": {"alert_on_new": True, "connect_timeout_s": 2, "read_timeout_s": 2},
        }))
        cfg = config_mod.load(path)

        # An undated file: stored and classified, but no stance and no shift.
        undated = redline("ingest", str(A), config=path)
        assert undated.returncode == 0, undated.stderr
        assert "(undated: history, moves no stance; give --published to make it news)" in undated.stdout
        assert query(cfg, "SELECT count(*) FROM positions")[0][0] > 0
        assert query(cfg, "SELECT count(*) FROM current_positions") == [(0,)]
        assert query(cfg, "SELECT count(*) FROM shifts") == [(0,)]

        # A copy of that story under another name, even dated today: still no shift.
        copy = tmp_path / "copy-of-a.txt"
        shutil.copy(A, copy)
        now = datetime.now(UTC).replace(microsecond=0)
        assert redline("ingest", "--published", now.isoformat(), str(copy), config=path).returncode == 0
        assert query(cfg, "SELECT count(DISTINCT story_id), count(*) FROM articles") == [(1, 2)]
        assert query(cfg, "SELECT count(*) FROM shifts") == [(0,)]
        assert hook.received == []

        # Dated today, with outlet and headline given: news, alerted.
        news = redline("ingest", "--published", (now - timedelta(minutes=30)).isoformat(), "--source", "Reuters",
                       "--title", "Kremlin answers truce offer", str(B), config=path)
        assert news.returncode == 0, news.stderr
        assert "Reuters  Kremlin answers truce offer" in news.stdout and "undated" not in news.stdout
        [(source, title, published)] = query(cfg, "SELECT source, title, published_at FROM articles WHERE title LIKE 'Kremlin%'")
        assert (source, title, published) == ("Reuters", "Kremlin answers truce offer", now - timedelta(minutes=30))
        stances = dict(((a, t), s) for a, t, s in query(cfg, "SELECT actor, topic, stance FROM current_positions"))
        assert stances[("russia", "peace_talks")] == "conditional"
        sent = len(hook.received)
        assert sent > 0 and query(cfg, "SELECT count(*) FROM shifts WHERE alert_state = 'alert'")[0][0] > 0
        shifts_before = query(cfg, "SELECT count(*) FROM shifts")

        # Re-ingesting it adds nothing; an old-dated text alerts nobody and moves no newer stance.
        again = redline("ingest", "--published", now.isoformat(), str(B), config=path)
        assert again.returncode == 0 and "already in the warehouse" in again.stdout
        assert query(cfg, "SELECT count(*) FROM shifts") == shifts_before
        old = redline("ingest", "--published", "2025-01-10", str(C), config=path)
        assert old.returncode == 0, old.stderr
        assert query(cfg, "SELECT count(*) FROM shifts WHERE alert_state = 'alert' AND source = 'file'") == [(0,)]
        assert query(cfg, "SELECT stance FROM current_positions WHERE actor = 'russia' AND topic = 'peace_talks'") == [("conditional",)]
        assert len(hook.received) == sent
    finally:
        hook.stop()


@pytest.mark.parametrize(("value", "why"), [("last tuesday", "is not a date"), ("2999-01-01", "is in the future")])
def test_a_bad_published_value_is_one_line_and_stores_nothing(tmp_path: Path, value: str, why: str) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text(f"warehouse: {tmp_path / 'w.duckdb'}\n")
    res = redline("ingest", "--published", value, str(A), config=path)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert "argument --published" in res.stderr and why in res.stderr
    assert not (tmp_path / "w.duckdb").exists()
