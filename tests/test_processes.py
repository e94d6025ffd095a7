"""Real `redline` processes: a kill in the middle of a run, SQL while `serve` writes,
and prefect.yaml accepted by a real Prefect server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from redline.prefect_api import api_for_schedules
from tests.alerts.support import free_port
from tests.support.content import Item, article_page, load_seed, recent, rss, seed_stems
from tests.support.db import query
from tests.support.proc import redline, spawn
from tests.support.site import Route, Site

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `prefect server start` (schedules need one; the test harness runs none)."""
    harness_url = os.environ.pop("PREFECT_API_URL", None)  # else api_for_schedules would reuse it
    try:
        with api_for_schedules(tmp_path_factory.mktemp("prefect-home"), port=free_port()) as url:
            if harness_url:
                os.environ["PREFECT_API_URL"] = harness_url
            yield url
    finally:
        if harness_url:
            os.environ["PREFECT_API_URL"] = harness_url


def _pages(site: Site, n: int, *, delay: float, tag: str) -> list[Item]:
    stems = seed_stems()
    items = []
    for i in range(n):
        seed = load_seed(stems[i % len(stems)])
        body = article_page(seed).replace(b"<h1 class=\"headline\">", f"<h1 class=\"headline\">{tag}{i} ".encode())
        # make every page's text distinct so each is its own story
        body = body.replace(b"<div class=\"article-body\">", f"<div class=\"article-body\"><p>Dispatch {tag}-{i}: {' '.join(f'w{tag}{i}x{k}' for k in range(60))}</p>".encode())
        link = site.add(f"/news/{tag}{i}", Route(body=body, delay_s=delay))
        items.append(Item(f"{tag} {i}", link, guid=f"{tag}-{i}", summary="s", published=recent()))
    return items



def _wait(pred, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_kill_mid_run_then_rerun_completes_without_duplicates(prefect_api: str, site: Site, make_config, tmp_path: Path) -> None:
    n = 40
    items = _pages(site, n, delay=0.3, tag="k")
    feed = site.add("/rss", body=rss(items))
    path, cfg = make_config([{"name": "Wire", "url": feed}], extract={"batch_size": 4}, fetch={"concurrency": 2})
    committed = _run_killed_after_first_commit(path, cfg, tmp_path)
    fetched_before = sum(len(site.hits(f"/news/k{i}")) for i in range(n))
    assert fetched_before < n, "the run finished before it could be killed"
    committed = _committed_urls(cfg.warehouse) or committed

    done = redline("run", config=path)
    assert done.returncode == 0, done.stderr
    assert query(cfg, "SELECT count(*), count(DISTINCT article_id) FROM articles") == [(n, n)]
    with duckdb.connect(str(cfg.read_copy), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM core.entries WHERE state <> 'done'").fetchone() == (0,)
    statuses = [s for (s,) in query(cfg, "SELECT status FROM runs ORDER BY started_at")]
    assert statuses == ["interrupted", "completed"]
    # committed batches were not fetched again; what is fetched again is what was in flight or
    # in an open batch when the kill came (how much depends on the host's load), never all of it
    assert all(len(site.hits(u.split(site.base, 1)[-1])) == 1 for u in committed)
    refetched = sum(len(site.hits(f"/news/k{i}")) for i in range(n)) - n
    assert refetched < fetched_before


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


def test_progress_survives_a_kill_with_the_default_commit_settings(prefect_api: str, site: Site, make_config, tmp_path: Path) -> None:
    """Issue 10.4: with the defaults (a commit every 50 articles or 10 s), a run killed with
    SIGKILL keeps what it committed; the next run fetches none of it again and loses nothing."""
    n = 90
    items = _pages(site, n, delay=0.2, tag="p")
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
    assert query(cfg, "SELECT count(*) FROM articles a WHERE NOT EXISTS "
                      "(SELECT 1 FROM core.classifications c WHERE c.article_id = a.article_id)") == [(0,)]
    # what the killed run stored is still there, unchanged
    after = dict(query(cfg, "SELECT url, content_hash FROM core.articles"))
    assert all(after[u] == h for u, _, h in stored)
    statuses = [s for (s,) in query(cfg, "SELECT status FROM runs ORDER BY started_at")]
    assert statuses == ["interrupted", "completed"]


def test_sql_from_other_processes_while_serve_writes(prefect_server: str, site: Site, make_config, tmp_path: Path) -> None:
    counter = {"n": 0}
    batches = [_pages(site, 6, delay=0.3, tag=f"s{b}x") for b in range(8)]

    def growing_feed() -> Route:
        counter["n"] = min(counter["n"] + 1, len(batches))
        return Route(body=rss([it for b in batches[: counter["n"]] for it in b]), conditional=False)

    site.add("/rss", growing_feed)
    path, cfg = make_config([{"name": "Wire", "url": site.url("/rss")}], fetch={"concurrency": 1}, extract={"batch_size": 2})
    serve = spawn("serve", "--interval", "4", config=path, log=tmp_path / "serve.log", PREFECT_API_URL=prefect_server)
    try:
        _wait(lambda: cfg.read_copy.exists(), 150, "the first run's read copy")
        results, counts = [], []
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and len(set(counts)) < 3:
            res = redline("sql", "--format", "csv", "SELECT count(*) AS n FROM articles", config=path, timeout=60)
            results.append(res)
            if res.returncode == 0:
                counts.append(int(res.stdout.split()[1]))
            with duckdb.connect(str(cfg.read_copy), read_only=True) as con:  # as `duckdb -readonly` would
                con.execute("SELECT count(*) FROM positions").fetchone()
        assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
        assert len(set(counts)) >= 3, f"runs did not progress while querying: {counts}"
    finally:
        os.killpg(serve.pid, signal.SIGINT)
        try:
            serve.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(serve.pid, signal.SIGKILL)
            serve.wait()
    statuses = {s for (s,) in query(cfg, "SELECT status FROM runs")}
    assert statuses <= {"completed", "running", "interrupted"} and "failed" not in statuses
    assert "completed" in statuses


def test_prefect_yaml_deploys_against_a_local_server(prefect_server: str, tmp_path: Path) -> None:
    env = {**os.environ, "PREFECT_API_URL": prefect_server, "REDLINE_HOME": str(ROOT)}
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
