"""Real `redline` processes: a kill in the middle of a run, and prefect.yaml accepted by a
real Prefect server (the session's test server: registering deployments needs no scheduler).
SQL while `serve` writes is checked in tests/test_serve.py, beside the one real serve."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.support.content import distinct_pages, rss
from tests.support.db import query
from tests.support.proc import redline, spawn
from tests.support.site import Site

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


def _wait(pred, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def _committed_urls(db: Path) -> set[str] | None:
    """The article URLs committed so far, read from the pipeline's own file between its
    write windows (None while the writer holds it)."""
    try:
        with duckdb.connect(str(db), read_only=True) as con:
            return {u for (u,) in con.execute("SELECT url FROM core.articles").fetchall()}
    except duckdb.Error:
        return None


def _run_killed_after_first_commit(path: Path, cfg, tmp_path: Path) -> set[str]:
    """Start `redline run` and SIGKILL it once a first batch is stored (however loaded the
    host); the article URLs committed by then."""
    proc = spawn("run", config=path, log=tmp_path / "killed.log")
    committed: set[str] = set()
    try:
        def some_committed() -> bool:
            committed.update(_committed_urls(cfg.warehouse) or ())
            return bool(committed)

        _wait(some_committed, 150, "a first commit")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    return committed


def test_kill_mid_run_keeps_what_was_committed_and_the_rerun_completes_without_duplicates(
        prefect_api: str, site: Site, make_config, tmp_path: Path) -> None:
    """Issue 10.4: with the defaults (a commit every 50 articles or 10 s), a run killed with
    SIGKILL keeps what it committed; the next run fetches none of it again, loses nothing and
    stores nothing twice."""
    n = 90
    items = distinct_pages(site, n, delay=0.2, tag="p")
    feed = site.add("/rss", body=rss(items))
    path, cfg = make_config([{"name": "Wire", "url": feed}], fetch={"concurrency": 2})
    assert (cfg.extract.batch_size, cfg.extract.commit_interval_s) == (50, 10.0)
    pages = [f"/news/p{i}" for i in range(n)]
    committed = _run_killed_after_first_commit(path, cfg, tmp_path)
    hits_before = {p: len(site.hits(p)) for p in pages}
    assert sum(1 for h in hits_before.values() if h) < n, "the run finished before it could be killed"
    with duckdb.connect(str(cfg.warehouse), read_only=True) as con:
        stored = con.execute(
            "SELECT a.url, c.status, a.content_hash FROM core.articles a LEFT JOIN core.classifications c USING (article_id)"
        ).fetchall()
    assert {u for u, _, _ in stored} >= committed
    assert all(status is not None for _, status, _ in stored), "an article was committed without its positions"

    done = redline("run", config=path)
    assert done.returncode == 0, done.stderr
    by_url = {u: u.split("/news/")[1] for u, _, _ in stored}
    refetched = [p for u, p in by_url.items() if len(site.hits(f"/news/{p}")) != hits_before[f"/news/{p}"]]
    assert refetched == [], "pages committed before the kill were fetched again"
    assert all(len(site.hits(p)) >= 1 for p in pages)
    assert query(cfg, "SELECT count(*), count(DISTINCT article_id), count(DISTINCT url) FROM articles") == [(n, n, n)]
    with duckdb.connect(str(cfg.read_copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.entries WHERE state <> 'done'").fetchone() == (0,)
    # what is fetched again is what was in flight or read but not yet committed when the kill
    # came (how much depends on the host's load), never all of it
    fetched_again = sum(len(site.hits(p)) for p in pages) - n
    assert fetched_again < sum(hits_before.values())
    assert query(cfg, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                      "(SELECT 1 FROM core.classifications c WHERE c.article_id = a.article_id)") == [(0,)]
    # what the killed run stored is still there, unchanged
    after = dict(query(cfg, "SELECT url, content_hash FROM core.articles"))
    assert all(after[u] == h for u, _, h in stored)
    statuses = [s for (s,) in query(cfg, "SELECT status FROM runs ORDER BY started_at")]
    assert statuses == ["interrupted", "completed"]


def test_prefect_yaml_deploys_against_a_local_server(prefect_api: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_api, "REDLINE_HOME": str(ROOT)}
    prefect = [sys.executable, "-m", "prefect"]
    subprocess.run([*prefect, "work-pool", "create", "redline-process", "--type", "process"], env=env,
                   capture_output=True, timeout=120, check=False)
    work = tmp_path / "proj"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", "data", ".git", "__pycache__", ".pytest_cache"))
    res = subprocess.run([*prefect, "--no-prompt", "deploy", "--all"], cwd=work, env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    listed = subprocess.run([*prefect, "deployment", "ls"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "redline-run/redline-poll" in listed.stdout and "redline-digest/redline-digest" in listed.stdout
