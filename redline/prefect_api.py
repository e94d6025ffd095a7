"""Finding a Prefect API for scheduled runs.

Single runs use Prefect's ephemeral API. A schedule needs a real server (the
ephemeral API runs no scheduler), so when PREFECT_API_URL is not set, `redline serve`
starts `prefect server start` on 127.0.0.1:schedule.server_port (4200) with its UI, its
database under the warehouse's data directory, and stops it on exit: no server to start by hand.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from redline.errors import RedlineError, UsageError

STARTUP_TIMEOUT_S = 90.0
DEFAULT_PORT = 4200  # Prefect's own default: the UI where a desk expects it


def port_free(port: int) -> bool:
    """Whether nothing listens on 127.0.0.1:`port` (closed connections in TIME_WAIT do not
    count: the server binds with SO_REUSEADDR, as this check does)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@contextmanager
def api_for_schedules(home: Path, *, port: int = DEFAULT_PORT, say: Callable[[str], None] = lambda _: None) -> Iterator[str]:
    """Yield a Prefect API URL that runs schedules: $PREFECT_API_URL, or a local server we
    start on 127.0.0.1:`port` with its UI on (so the "View at" links in flow logs open),
    telling `say` what it is doing while it starts (10-40 s)."""
    if os.environ.get("PREFECT_API_URL"):
        say(f"using the Prefect API at {os.environ['PREFECT_API_URL']} (PREFECT_API_URL)")
        yield os.environ["PREFECT_API_URL"]
        return
    if not port_free(port):
        raise UsageError(f"serve: port {port} on 127.0.0.1 is in use (another redline serve or Prefect server?); "
                         "choose another with schedule.server_port or serve --port")
    home.mkdir(parents=True, exist_ok=True)
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_UI_ENABLED": "true", "PREFECT_UI_API_URL": url}
    log_path = home / "server.log"
    say(f"starting a Prefect server on http://127.0.0.1:{port} (database and log in {home})")
    log = log_path.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        started = time.monotonic()
        next_note = started + 10
        while True:
            if proc.poll() is not None:
                raise RedlineError(f"prefect server exited with {proc.returncode}; see {log_path}")
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            now = time.monotonic()
            if now > started + STARTUP_TIMEOUT_S:
                raise RedlineError(f"prefect server not healthy after {STARTUP_TIMEOUT_S:.0f}s; see {log_path}")
            if now >= next_note:
                say(f"still waiting for the Prefect server ({now - started:.0f} s)")
                next_note = now + 10
            time.sleep(0.5)
        say(f"Prefect server ready after {time.monotonic() - started:.0f} s; its UI: http://127.0.0.1:{port}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
