"""Start-up benchmark: the wall time of a whole `redline run` command when nothing is new.

Runs the real CLI (a child process, imports included) with no feeds and with N unchanged
feeds (all answer 304; a first run stores their validators), each against
- a reachable server, named by PREFECT_API_URL;
- the same server found through `redline serve`'s marker (no PREFECT_API_URL);
- no server: the temporary server `redline run` starts (with the start-up it prints);
and, in the same run, the raw costs: the bare interpreter, `import prefect`, a one-task
Prefect flow against the server, Prefect's own temporary server (the same flow with no API
set), and that server's start-up alone. Medians of --repeat runs (3), with the load average,
and the median CPU seconds (user + system, the command and its children: the temporary
server's counts once it has exited) - the part of the wall time a busy machine stretches.
Run: .venv/bin/python bench/startup.py [--feeds 1000 --repeat 3]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import BenchSite, write_config  # noqa: E402

from redline.prefect_api import TemporaryServer, api_for_schedules  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REDLINE = [sys.executable, "-m", "redline.cli"]
TRIVIAL_FLOW = "from prefect import flow, task\n@task\ndef t(): return 1\n@flow\ndef f(): return t()\nf()\n"


def env(api_url: str | None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    out.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    if api_url:
        out["PREFECT_API_URL"] = api_url
    return out


CPU: list[float] = []  # CPU seconds (user + system) of each timed command and its children


def timed(cmd: list[str], api_url: str | None) -> tuple[float, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env(api_url), cwd=ROOT, timeout=600, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {res.returncode}:\n{res.stderr[-3000:]}")
    return wall, res


def redline_run(config: Path, api_url: str | None) -> tuple[float, str]:
    """Wall time of `redline run`, and what it said about its server and its feeds."""
    wall, res = timed([*REDLINE, "--config", str(config), "run"], api_url)
    polled = next((ln for ln in res.stdout.splitlines() if ln.startswith("polled")), "").split(";")[0]
    server = re.search(r"temporary server in (\d+\.\d) s \((\d+\.\d) s of it waited", res.stderr)
    note = f"{polled}" + (f"; temporary server up in {server.group(1)} s, {server.group(2)} s waited" if server else "")
    if "redline serve at" in res.stderr:
        note += "; via serve's marker"
    return wall, note


def median_of(repeat: int, what: str, fn: Callable[[], tuple[float, str]]) -> float:
    walls, notes, cpus = [], [], []
    for _ in range(repeat):
        CPU.clear()
        wall, note = fn()
        walls.append(wall)
        notes.append(note)
        cpus.append(sum(CPU))
    med = statistics.median(walls)
    cpu = f"CPU {statistics.median(cpus):5.2f} s" if any(cpus) else " " * 12
    print(f"{what:<58} median {med:6.2f} s  {cpu}  runs: {', '.join(f'{w:.2f}' for w in walls)}"
          + (f"   ({notes[-1]})" if notes[-1] else ""), flush=True)
    return med


def server_start(tmp: Path) -> tuple[float, str]:
    server = TemporaryServer(tmp / "raw-server.log")
    server.start()
    try:
        return server.wait(), ""
    finally:
        server.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=1000, help="unchanged feeds (default %(default)s)")
    ap.add_argument("--repeat", type=int, default=3, help="runs per figure; the median is printed (default %(default)s)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="redline-startup-"))
    flow_script = tmp / "trivial_flow.py"
    flow_script.write_text(TRIVIAL_FLOW)
    print(f"load average at start: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")

    with BenchSite(0, 0, args.feeds) as (_, _, tiny, _):
        empty, idle = write_config(tmp, [], "empty"), write_config(tmp, tiny, "idle")
        # a server like the one `redline serve` keeps, with its marker for the idle and empty data directories
        with api_for_schedules(tmp / "empty" / "prefect", port=_free_port()) as url:
            marker = tmp / "empty" / "prefect" / "server.json"
            (tmp / "idle" / "prefect").mkdir(parents=True)
            (tmp / "idle" / "prefect" / "server.json").write_bytes(marker.read_bytes())
            redline_run(idle, url)  # the first poll stores every feed's validators; later ones get 304
            print(f"server reachable at {url}")
            r = args.repeat
            median_of(r, "raw: python -c pass", lambda: (timed([sys.executable, "-c", "pass"], None)[0], ""))
            median_of(r, "raw: python -c 'import prefect'", lambda: (timed([sys.executable, "-c", "import prefect"], None)[0], ""))
            median_of(r, "raw: one-task Prefect flow, server reachable", lambda: (timed([sys.executable, str(flow_script)], url)[0], ""))
            median_of(r, "redline run, no feeds, PREFECT_API_URL", lambda: redline_run(empty, url))
            median_of(r, "redline run, no feeds, serve's server (marker)", lambda: redline_run(empty, None))
            median_of(r, f"redline run, {len(tiny)} unchanged feeds, PREFECT_API_URL", lambda: redline_run(idle, url))
            median_of(r, f"redline run, {len(tiny)} unchanged feeds, serve's server (marker)", lambda: redline_run(idle, None))
        # the server is gone and so is its marker: temporary servers from here on
        median_of(r, "raw: Prefect's temporary server alone, start to healthy", lambda: server_start(tmp))
        median_of(r, "raw: one-task Prefect flow, Prefect's own temporary server", lambda: (timed([sys.executable, str(flow_script)], None)[0], ""))
        median_of(r, "redline run, no feeds, temporary server", lambda: redline_run(empty, None))
        median_of(r, f"redline run, {len(tiny)} unchanged feeds, temporary server", lambda: redline_run(idle, None))
    print(f"load average at end: {os.getloadavg()[0]:.2f} (1 min)")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
