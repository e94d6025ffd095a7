"""Issue 9.6: `redline serve` is observable. A real `redline serve` process starting its
own Prefect server (UI on) on a chosen port, a local feed, a `redline run` beside it that
uses that server (issue 10.3), analysts' SQL from other processes while it writes, SIGTERM;
and `make deploy`."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from redline.config import Config
from redline.prefect_api import MARKER_NAME, port_free
from tests.alerts.support import free_port
from tests.support.content import distinct_pages, rss
from tests.support.db import query
from tests.support.proc import env, killed_on_exit, redline, spawn
from tests.support.site import Route, Site

pytestmark = pytest.mark.slow  # spawns redline processes
ROOT = Path(__file__).resolve().parents[1]


def _wait_for(log: Path, pattern: str, count: int, timeout: float, proc: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        if len(re.findall(pattern, text)) >= count:
            return text
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode} before {count} x {pattern!r}:\n{text[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} x {pattern!r} not seen in time:\n{text[-3000:]}")
        time.sleep(0.5)


def test_serve_says_what_it_does_run_uses_its_server_sql_reads_while_it_writes_sigterm_is_clean(
        site: Site, make_config, tmp_path: Path) -> None:
    """One real serve, starting its own Prefect server (the dear part, so one serve for all of
    it): what a desk sees of it; `redline run` beside it using its server through the marker
    (issue 10.3); analysts' SQL from other processes while its passes write; a clean SIGTERM.
    Each poll of the feed adds six pages, read one at a time and stored two by two (many
    short write windows)."""
    counter = {"n": 0}
    batches = [distinct_pages(site, 6, delay=0.3, tag=f"s{b}x") for b in range(12)]

    def growing_feed() -> Route:
        counter["n"] = min(counter["n"] + 1, len(batches))
        return Route(body=rss([it for b in batches[: counter["n"]] for it in b]), conditional=False)

    site.add("/rss", growing_feed)
    path, cfg = make_config([{"name": "Wire", "url": site.url("/rss")}], fetch={"concurrency": 1}, extract={"batch_size": 2})
    port = free_port()
    log = tmp_path / "serve.log"
    marker = cfg.warehouse.parent / "prefect" / MARKER_NAME

    def passes() -> int:
        return log.read_text(errors="replace").count(" completed: polled ")

    with killed_on_exit(spawn("serve", "--interval", "4", "--port", str(port), config=path, log=log,
                              PREFECT_API_URL=None)) as proc:
        text = _wait_for(log, r"pass \S+ completed: polled 1 feeds", 2, 300, proc)
        # start-up: every step said, in order, before the first pass
        steps = [f"redline serve: starting a Prefect server on http://127.0.0.1:{port} ",
                 "redline serve: Prefect server ready after ", "redline serve: loading the pipeline",
                 "redline serve: serving every 4 s as deployment redline-run/redline-serve"]
        where = [text.find(s) for s in steps]
        assert -1 not in where and where == sorted(where), where
        assert where[-1] < text.find("pass ")
        # one summary line per pass
        lines = [ln for ln in text.splitlines() if "pass " in ln and "completed" in ln]
        assert len(lines) >= 2
        assert all(re.search(r"polled 1 feeds \(0 failed\); 6 new articles; \d+ new shifts; alerts sent 0, failed 0$", ln)
                   for ln in lines), lines
        # the UI is on at the stable port: Prefect's "View at" link opens a page
        link = re.search(rf"View at (http://127\.0\.0\.1:{port}/runs/flow-run/[0-9a-f-]+)", text).group(1)
        page = httpx.get(link, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10).status_code == 200

        # issue 10.3: while serve runs, `redline run` with the same config runs its pass on
        # serve's server (found through serve's marker), not on a temporary one
        assert json.loads(marker.read_text())["pid"] == proc.pid
        res = redline("run", config=path, PREFECT_API_URL=None)
        assert res.returncode == 0, res.stderr[-3000:]
        assert f"redline run: using the Prefect server of redline serve at http://127.0.0.1:{port}/api" in res.stderr
        assert "temporary server" not in res.stderr
        flow_run_id = re.search(rf"View at http://127\.0\.0\.1:{port}/runs/flow-run/([0-9a-f-]+)", res.stderr).group(1)
        flow_run = httpx.get(f"http://127.0.0.1:{port}/api/flow_runs/{flow_run_id}", timeout=30)
        assert flow_run.status_code == 200 and flow_run.json()["state_type"] == "COMPLETED"

        # `redline sql` and a plain read-only DuckDB connection, from other processes, while
        # serve's passes write: every query answers, and the counts move as passes land.
        # Bounded by the passes serve completes, not by a clock (under load a pass, with its
        # flow-run process and worker pool to start, takes half a minute or more): five more
        # passes publish five more read copies; by then the counts must have moved twice.
        results, counts = [], []
        passes_before, hang_guard = passes(), time.monotonic() + 600
        while len(set(counts)) < 3 and passes() < passes_before + 5 and time.monotonic() < hang_guard:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            res = redline("sql", "--format", "csv", "SELECT count(*) AS n FROM articles", config=path, timeout=60)
            results.append(res)
            if res.returncode == 0:
                counts.append(int(res.stdout.split()[1]))
            with duckdb.connect(str(cfg.read_copy), read_only=True) as con:  # as `duckdb -readonly` would
                con.execute("SELECT count(*) FROM positions").fetchone()
        assert all(r.returncode == 0 for r in results), [r.stderr for r in results if r.returncode]
        assert len(set(counts)) >= 3, f"runs did not progress while querying: {counts}"

        stop_at = len(log.read_text(errors="replace"))
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(150) == 0
    after = log.read_text(errors="replace")[stop_at:]
    assert after.rstrip().endswith("redline serve: stopped (the schedule is paused until the next serve)")
    assert not re.search(r"(?i)warning|traceback|error|exception", after), after
    assert not marker.exists()  # serve removed it on its way out
    statuses = {s for (s,) in query(cfg, "SELECT status FROM runs")}
    assert statuses <= {"completed", "running", "interrupted"} and "completed" in statuses
    deadline = time.monotonic() + 30
    while not port_free(port) and time.monotonic() < deadline:  # the server went with it
        time.sleep(0.5)
    assert port_free(port)


def test_serve_port_is_stable_and_a_taken_one_is_named(make_config) -> None:
    assert Config().schedule.server_port == 4200
    path, _ = make_config()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = redline("serve", "--port", str(port), config=path, PREFECT_API_URL=None, timeout=60)
    assert res.returncode == 2 and res.stderr.count("\n") == 1
    assert f"port {port} on 127.0.0.1 is in use" in res.stderr and "schedule.server_port" in res.stderr


def test_make_deploy_refuses_without_a_prefect_api(tmp_path: Path) -> None:
    venv = Path(sys.executable).parents[1]
    res = subprocess.run(["make", "--no-print-directory", "-C", str(ROOT), "deploy", f"VENV={venv}", "-o", f"{venv}/.installed"],
                         capture_output=True, text=True, timeout=120, check=False,
                         env=env(PREFECT_API_URL=None, PREFECT_HOME=str(tmp_path / "prefect-home")))
    assert res.returncode != 0
    assert "make deploy: PREFECT_API_URL is not set, so the deployments would go to a temporary Prefect server" in res.stderr
    assert "work-pool" not in res.stdout + res.stderr  # refused before touching any server
