"""Issue 10.3: which Prefect API `redline run` uses. A stale or foreign marker is never
trusted; with no server, `redline run` starts Prefect's temporary server and says how long
it took. (That `redline run` uses the server of a running `redline serve` is checked in
tests/test_serve.py, beside the one real serve it needs.)"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from redline.prefect_api import MARKER_NAME, api_for_schedules, served_api, settings_may_name_an_api
from tests.alerts.support import free_port
from tests.support.content import Item, rss
from tests.support.db import query
from tests.support.proc import redline, spawn
from tests.support.site import Site


def _start_time(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _marker(home: Path, **fields: object) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / MARKER_NAME).write_text(json.dumps(fields))


def _latest_flow_run(cfg) -> str:  # noqa: ANN001 - a Config
    [(flow_run_id,)] = query(cfg, "SELECT flow_run_id FROM runs WHERE kind = 'run' ORDER BY started_at DESC LIMIT 1")
    return str(flow_run_id)


def test_marker_is_trusted_only_for_its_live_process_and_a_healthy_local_server(prefect_api: str, tmp_path: Path) -> None:
    home, me = tmp_path / "prefect", os.getpid()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api", prefect_api)
    _marker(home, url=prefect_api, pid=me, started=_start_time(me))
    assert served_api(home) == prefect_api  # the one case that holds: live writer, healthy server

    _marker(home, url=prefect_api, pid=_dead_pid(), started=_start_time(me))
    assert served_api(home) is None  # serve was killed: stale
    _marker(home, url=prefect_api, pid=me, started="1")
    assert served_api(home) is None  # the pid now names another process
    _marker(home, url=f"http://127.0.0.1:{free_port()}/api", pid=me, started=_start_time(me))
    assert served_api(home) is None  # nothing answers there
    _marker(home, url="http://example.org/api", pid=me, started=_start_time(me))
    assert served_api(home) is None  # not a server serve starts
    (home / MARKER_NAME).write_text("{not json")
    assert served_api(home) is None
    (home / MARKER_NAME).unlink()
    assert served_api(home) is None


def test_schedules_name_a_given_api_without_its_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PREFECT_API_URL", "http://desk:s3cret-pass@127.0.0.1:4200/api")
    said: list[str] = []
    with api_for_schedules(tmp_path, say=said.append) as url:
        assert url == "http://desk:s3cret-pass@127.0.0.1:4200/api"
    assert said and "s3cret" not in said[0] and "127.0.0.1:4200" in said[0]
    assert not (tmp_path / MARKER_NAME).exists()  # no marker for a server serve did not start


def test_prefect_settings_files_that_may_name_an_api_are_noticed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PREFECT_PROFILES_PATH", raising=False)
    assert not settings_may_name_an_api()
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "profiles.toml").write_text('[profiles.desk]\nPREFECT_API_URL = "http://127.0.0.1:4200/api"\n')
    assert settings_may_name_an_api()


@pytest.mark.slow
def test_a_stale_marker_is_ignored_and_a_temporary_server_started(prefect_api: str, site: Site, make_config) -> None:
    feed = site.add("/rss", body=rss([Item("Talks", site.url("/news/1"), guid="1")]))
    path, cfg = make_config([{"name": "Wire", "url": feed}])
    # a marker left by a killed serve, naming a server that does answer (the test harness's)
    _marker(cfg.warehouse.parent / "prefect", url=prefect_api, pid=_dead_pid(), started=_start_time(os.getpid()))

    res = redline("run", config=path, PREFECT_API_URL=None)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "redline serve at" not in res.stderr
    [line] = [ln for ln in res.stderr.splitlines() if "temporary server" in ln]
    assert re.fullmatch(r"redline run: started Prefect's temporary server in \d+\.\d s \(\d+\.\d s of it waited for\); "
                        r"keep `redline serve` running, or set PREFECT_API_URL, to skip this", line), line
    assert "polled 1 feeds" in res.stdout
    # the pass ran, but not on the server the stale marker named
    assert httpx.get(f"{prefect_api}/flow_runs/{_latest_flow_run(cfg)}", timeout=30).status_code == 404


@pytest.mark.slow
def test_credentials_in_prefect_api_url_reach_no_output(prefect_api: str, site: Site, make_config) -> None:
    feed = site.add("/rss", body=rss([Item("Talks", site.url("/news/1"), guid="1")]))
    path, _ = make_config([{"name": "Wire", "url": feed}])  # no notify target: no secret of the config's own
    with_credentials = prefect_api.replace("http://", "http://desk:s3cret-pass@")
    res = redline("run", config=path, PREFECT_API_URL=with_credentials, PREFECT_LOGGING_LEVEL="DEBUG")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "View at http://***@127.0.0.1:" in res.stderr  # Prefect logs its link with the API's address...
    assert "s3cret" not in res.stdout + res.stderr  # ...but never the password


def _children(pid: int, marker: bytes) -> list[int]:
    """Live child processes of `pid` whose command line holds `marker` (Linux /proc)."""
    out = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[1]) == pid and stat[0] != "Z" and marker in (entry / "cmdline").read_bytes():
                out.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


@pytest.mark.slow
def test_a_killed_run_leaves_no_temporary_server_behind(make_config, tmp_path: Path) -> None:
    path, _ = make_config()
    proc = spawn("run", config=path, log=tmp_path / "run.log", PREFECT_API_URL=None)
    deadline = time.monotonic() + 120
    while not (servers := _children(proc.pid, b"prefect.server.api.server:create_app")):
        assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "run.log").read_text()[-3000:]
        time.sleep(0.1)
    os.kill(proc.pid, signal.SIGKILL)  # no clean-up runs in the killed process
    proc.wait()
    deadline = time.monotonic() + 60
    try:
        while _running(servers[0]):
            assert time.monotonic() < deadline, "the temporary server outlived its redline run"
            time.sleep(0.2)
    finally:
        if _running(servers[0]):
            os.kill(servers[0], signal.SIGKILL)


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False
