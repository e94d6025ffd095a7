"""Issue 9.6: `redline serve` is observable. A real `redline serve` process starting its
own Prefect server (UI on) on a chosen port, a local feed, SIGTERM; and `make deploy`."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redline.config import Config
from redline.prefect_api import port_free
from tests.alerts.support import free_port
from tests.support.content import Item, rss
from tests.support.proc import env, killed_on_exit, redline, spawn
from tests.support.site import Site

pytestmark = pytest.mark.slow  # spawns redline processes
ROOT = Path(__file__).resolve().parents[1]


def _wait_for(log: Path, pattern: str, count: int, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        text = log.read_text(errors="replace")
        if len(re.findall(pattern, text)) >= count:
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"{count} x {pattern!r} not seen in time:\n{text[-3000:]}")
        time.sleep(0.5)


def test_serve_says_what_it_does_links_work_and_sigterm_is_clean(site: Site, make_config, tmp_path: Path) -> None:
    feed = site.add("/rss", body=rss([Item("Talks", site.url("/news/1"), guid="1")]))
    path, _ = make_config([{"name": "Wire", "url": feed}])
    port = free_port()
    log = tmp_path / "serve.log"
    with killed_on_exit(spawn("serve", "--interval", "5", "--port", str(port), config=path, log=log,
                              PREFECT_API_URL=None)) as proc:
        text = _wait_for(log, r"pass \S+ completed: polled 1 feeds", 2, 300)
        # start-up: every step said, in order, before the first pass
        steps = [f"redline serve: starting a Prefect server on http://127.0.0.1:{port} ",
                 "redline serve: Prefect server ready after ", "redline serve: loading the pipeline",
                 "redline serve: serving every 5 s as deployment redline-run/redline-serve"]
        where = [text.find(s) for s in steps]
        assert -1 not in where and where == sorted(where), where
        assert where[-1] < text.find("pass ")
        # one summary line per pass
        [line] = [ln for ln in text.splitlines() if "pass " in ln and "completed" in ln][:1]
        assert re.search(r"polled 1 feeds \(0 failed\); \d+ new articles; \d+ new shifts; alerts sent 0, failed 0$", line)
        # the UI is on at the stable port: Prefect's "View at" link opens a page
        link = re.search(rf"View at (http://127\.0\.0\.1:{port}/runs/flow-run/[0-9a-f-]+)", text).group(1)
        page = httpx.get(link, headers={"Accept": "text/html"}, timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=10).status_code == 200

        stop_at = len(log.read_text(errors="replace"))
        os.kill(proc.pid, signal.SIGTERM)
        assert proc.wait(150) == 0
    after = log.read_text(errors="replace")[stop_at:]
    assert after.rstrip().endswith("redline serve: stopped (the schedule is paused until the next serve)")
    assert not re.search(r"(?i)warning|traceback|error|exception", after), after
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
