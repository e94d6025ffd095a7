"""Issue 9.5: config and arguments. Real `redline` processes on real config files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.signals.model import ACTORS, TOPICS
from tests.support.proc import redline
from warehouse import Warehouse

pytestmark = pytest.mark.slow  # spawns redline processes


def test_every_unknown_key_is_listed_with_a_did_you_mean(tmp_path: Path) -> None:
    path = tmp_path / "desk.yaml"
    path.write_text("warehose: x.duckdb\nfetch: {timeoutt: 3}\nfeeds: [{name: a, url: 'http://a.example/', tag: [x]}]\n"
                    "alerts: {hysteresis: {min_confidense: 0.5}, qqq: 1}\n")
    res = redline("feeds", config=path)
    assert res.returncode == 2 and res.stdout == ""
    [line] = res.stderr.splitlines()
    assert line.startswith(f"redline: error: {path}: ")
    for fragment in ("warehose: unknown key (did you mean warehouse?)",
                     "fetch.timeoutt: unknown key (did you mean timeout_s?)",
                     "feeds.0.tag: unknown key (did you mean tags?)",
                     "alerts.hysteresis.min_confidense: unknown key (did you mean min_confidence?)",
                     "alerts.qqq: unknown key (known keys: max_age_hours, "):
        assert fragment in line, fragment


def test_global_options_also_work_after_the_verb(make_config) -> None:
    path, cfg = make_config([{"name": "Wire", "url": "http://127.0.0.1:9/rss"}])
    Warehouse(cfg.warehouse).publish_read_copy()
    for args in (["sql", "--config", str(path), "--format", "csv", "SELECT name FROM feeds"],
                 ["feeds", "--config", str(path)],
                 ["alerts", "list", "--config", str(path), "--debug"],
                 ["positions", "--debug", "--config", str(path)]):
        res = redline(*args, REDLINE_CONFIG=None)
        assert res.returncode == 0, (args, res.stderr)
    assert "Wire" in redline("feeds", "--config", str(path), REDLINE_CONFIG=None).stdout
    # before the verb as ever, and the one after the verb wins
    other = path.with_name("broken.yaml")
    other.write_text("fetch: {timeoutt: 3}\n")
    assert redline("--config", str(other), "feeds", "--config", str(path)).returncode == 0
    assert redline("--config", str(path), "feeds", "--config", str(other)).returncode == 2


@pytest.mark.parametrize(("actor", "topic", "bad", "valid"), [
    ("russia", "ceasefire", "unknown topic 'ceasefire' (did you mean ceasefire_full?", TOPICS),
    ("kremlin", "ceasefire_full", "unknown actor 'kremlin'", ACTORS),
])
def test_unknown_actor_or_topic_exits_2_listing_the_valid_ids(make_config, actor, topic, bad, valid) -> None:
    path, cfg = make_config()
    Warehouse(cfg.warehouse).publish_read_copy()
    res = redline("positions", "--timeline", actor, topic, config=path)
    assert res.returncode == 2 and res.stdout == ""
    [line] = res.stderr.splitlines()
    assert bad in line and "Traceback" not in line
    assert line.endswith(", ".join(valid) + ")")


@pytest.mark.prefect
def test_run_strict_exits_3_when_every_feed_failed(prefect_api: str, make_config) -> None:
    path, _ = make_config([{"name": "Down", "url": "http://127.0.0.1:9/rss"},
                           {"name": "Gone", "url": "http://127.0.0.1:9/atom"}])
    strict = redline("run", "--strict", config=path)
    assert strict.returncode == 3, strict.stderr[-2000:]
    assert "every feed failed (2 failed, 0 in back-off, 0 disabled): exit 3 (--strict)" in strict.stderr
    assert "feed failed: Down" in strict.stdout  # the summary is printed all the same
    default = redline("run", config=path)  # both feeds now back off: still nothing answered
    assert default.returncode == 0, default.stderr[-2000:]
