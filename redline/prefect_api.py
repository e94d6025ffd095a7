"""Finding a Prefect API: for scheduled runs (`redline serve`) and for one pass (`redline run`).

A schedule needs a real server (the ephemeral API runs no scheduler), so when
PREFECT_API_URL is not set, `redline serve` starts `prefect server start` on
127.0.0.1:schedule.server_port (4200) with its UI, its database under the warehouse's data
directory, and stops it on exit: no server to start by hand. While it runs, it leaves a
marker there (`prefect/server.json`: the server's URL, serve's pid and that process's start
time) that `redline run` checks - process alive, same start time, server healthy - before
it runs its pass on that server; a stale marker (serve killed) is ignored.

With no server anywhere, `redline run` starts Prefect's temporary server itself: the app
Prefect starts in that case (its ephemeral mode, database in PREFECT_HOME), in a child
process, before this process imports Prefect. Prefect's own start imports the whole server
code into the client process first (5-10 s here) and only then starts the child; started
early, the child's start-up runs on another core while this process loads the pipeline.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from redline.errors import RedlineError, UsageError
from redline.secrets import redact_url

STARTUP_TIMEOUT_S = 90.0
DEFAULT_PORT = 4200  # Prefect's own default: the UI where a desk expects it
MARKER_NAME = "server.json"
_LOCAL_API = re.compile(r"http://127\.0\.0\.1:(\d{1,5})/api")
_PORT_IN_USE = 3  # uvicorn's exit code when its port is taken (Prefect retries on it too)
_PR_SET_PDEATHSIG = 1  # prctl(2)

Say = Callable[[str], None]


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


def _healthy(url: str, timeout: float) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def proc_stat(pid: int) -> list[str]:
    """/proc/PID/stat after the command name: state, ppid, ... (Linux); [] when there is none."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _started_at(pid: int) -> str | None:
    """The process's start time (clock ticks since boot): with the pid, it names one process,
    where a pid alone may since have been given to another."""
    stat = proc_stat(pid)
    return stat[19] if len(stat) > 19 and stat[0] not in ("Z", "X") else None


# --- redline serve's server and its marker -------------------------------------------------

@contextmanager
def api_for_schedules(home: Path, *, port: int = DEFAULT_PORT, say: Say = lambda _: None) -> Iterator[str]:
    """Yield a Prefect API URL that runs schedules: $PREFECT_API_URL, or a local server we
    start on 127.0.0.1:`port` with its UI on (so the "View at" links in flow logs open),
    telling `say` what it is doing while it starts (10-40 s). While our server runs, its
    marker in `home` tells `redline run` to use it."""
    if os.environ.get("PREFECT_API_URL"):
        say(f"using the Prefect API at {redact_url(os.environ['PREFECT_API_URL'])} (PREFECT_API_URL)")
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
    marker = home / MARKER_NAME
    try:
        started = time.monotonic()
        next_note = started + 10
        while not _healthy(url, timeout=2):
            if proc.poll() is not None:
                raise RedlineError(f"prefect server exited with {proc.returncode}; see {log_path}")
            now = time.monotonic()
            if now > started + STARTUP_TIMEOUT_S:
                raise RedlineError(f"prefect server not healthy after {STARTUP_TIMEOUT_S:.0f}s; see {log_path}")
            if now >= next_note:
                say(f"still waiting for the Prefect server ({now - started:.0f} s)")
                next_note = now + 10
            time.sleep(0.5)
        say(f"Prefect server ready after {time.monotonic() - started:.0f} s; its UI: http://127.0.0.1:{port}")
        _write_marker(marker, url)
        yield url
    finally:
        _remove_marker(marker)
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _write_marker(path: Path, url: str) -> None:
    """Atomically, readable by its owner only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"url": url, "pid": os.getpid(), "started": _started_at(os.getpid())}, fh)
    os.replace(tmp, path)


def _remove_marker(path: Path) -> None:
    """Remove the marker if it is still ours (a later serve may have replaced it)."""
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def served_api(home: Path, *, timeout: float = 2.0) -> str | None:
    """The URL of the Prefect server a running `redline serve` keeps for this data directory,
    or None. The marker is trusted only when it names a local API, its process is alive and
    is the one that wrote it (same start time: a pid may be reused), and the server answers."""
    try:
        marker = json.loads((home / MARKER_NAME).read_text())
        url, pid, started = marker["url"], marker["pid"], marker["started"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not (isinstance(url, str) and _LOCAL_API.fullmatch(url) and isinstance(pid, int) and isinstance(started, str)):
        return None
    if _started_at(pid) != started or not _healthy(url, timeout):
        return None
    return url


# --- redline run: which API, and Prefect's temporary server --------------------------------

class TemporaryServer:
    """Prefect's temporary API server in a child process (see the module's docstring)."""

    def __init__(self, log_path: Path) -> None:
        self.log_path = log_path
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.started = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> None:
        spec = importlib.util.find_spec("prefect")  # where Prefect is, without importing it
        if spec is None or not spec.submodule_search_locations:
            raise RedlineError("prefect is not installed")
        app_dir = str(Path(next(iter(spec.submodule_search_locations))).parent)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        # The environment Prefect gives its own temporary server: no UI, ephemeral mode.
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1", "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
        env.pop("PREFECT_API_URL", None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", app_dir, "--factory", "prefect.server.api.server:create_app",
                 "--host", "127.0.0.1", "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
                env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                preexec_fn=_stop_with(os.getpid()),
            )
        if not self.started:
            self.started = time.monotonic()

    def wait(self, timeout: float = STARTUP_TIMEOUT_S) -> float:
        """Wait until the server answers; return the seconds since it was started."""
        assert self.proc is not None
        tries = 1
        while not _healthy(self.url, timeout=2):
            code = self.proc.poll()
            if code == _PORT_IN_USE and tries < 5:  # another process took the port meanwhile
                tries += 1
                self.start()
                continue
            if code is not None:
                raise RedlineError(f"Prefect's temporary server exited with {code}; see {self.log_path}")
            if time.monotonic() > self.started + timeout:
                raise RedlineError(f"Prefect's temporary server not healthy after {timeout:.0f} s; see {self.log_path}")
            time.sleep(0.05)
        return time.monotonic() - self.started

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


SKIP_HINT = "keep `redline serve` running, or set PREFECT_API_URL, to skip this"


def _stop_with(parent: int) -> Callable[[], None]:
    """For the server's child process, before it runs Prefect (Linux): ask the kernel for a
    SIGTERM when `parent` dies, so a `redline run` that is killed, or stopped by a signal
    that skips its clean-up, leaves no server behind."""

    def arrange() -> None:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # it died before the request took effect
            os._exit(1)

    return arrange


@dataclass
class RunApi:
    """The Prefect API of one `redline run`: `url` to use (None: what Prefect's settings name),
    and the temporary server when we started one."""

    url: str | None
    server: TemporaryServer | None = None
    say: Say = lambda _: None
    hint: str = SKIP_HINT
    _ready: bool = field(default=False, init=False)

    def ready(self) -> str | None:
        """The URL, once its server answers; says how long a temporary server took to start."""
        if self.server is not None and not self._ready:
            loaded = time.monotonic() - self.server.started
            took = self.server.wait()
            self.say(f"started Prefect's temporary server in {took:.1f} s ({max(0.0, took - loaded):.1f} s of it "
                     f"waited for); {self.hint}")
        self._ready = True
        return self.url

    def run(self, flow: Any, **parameters: Any) -> Any:
        """Run `flow` against this API (waiting for it first). Without flow-run heartbeats unless
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY asks for them: the engine waits up to a second for its
        heartbeat thread at the end of every run, and a pass with nothing new lasts about that."""
        url = self.ready()
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
            temporary_settings,
        )

        updates: dict[Any, Any] = {}
        if url:
            updates[PREFECT_API_URL] = url
        if not os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY"):
            updates[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
        with temporary_settings(updates=updates):
            return flow(**parameters)


@contextmanager
def api_for_run(home: Path, *, say: Say = lambda _: None, hint: str = SKIP_HINT) -> Iterator[RunApi]:
    """The Prefect API for one pass, chosen before Prefect is imported: $PREFECT_API_URL; else
    the server of a running `redline serve` for this data directory (`home`); else an API
    that Prefect's own settings name (a profile, prefect.toml, .env); else Prefect's
    temporary server, started at once and stopped on exit. The chosen URL is also put in
    the environment until exit, so Prefect, imported after this, uses it."""
    if os.environ.get("PREFECT_API_URL"):
        yield RunApi(None)
        return
    served = served_api(home)
    if served:
        say(f"using the Prefect server of redline serve at {served}")
        with _api_in_environment(served):
            yield RunApi(served)
        return
    if settings_may_name_an_api():
        from prefect.settings import PREFECT_API_URL

        if PREFECT_API_URL.value():
            yield RunApi(None)
            return
    server = TemporaryServer(home / "temporary-server.log")
    server.start()
    try:
        with _api_in_environment(server.url):
            yield RunApi(server.url, server, say, hint)
    finally:
        _send_what_prefect_holds()
        server.stop()


def _send_what_prefect_holds(timeout: float = 10.0) -> None:
    """Let Prefect's log and event workers send what they hold while the server is still up
    (as Prefect's own test harness does before it stops its server); else they retry against
    a stopped server at exit."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=timeout)
    EventsWorker.drain_all(timeout=timeout)


@contextmanager
def _api_in_environment(url: str) -> Iterator[None]:
    os.environ["PREFECT_API_URL"] = url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def settings_may_name_an_api() -> bool:
    """Whether a Prefect settings source besides the environment may set the API URL: then
    Prefect's settings are read (importing Prefect, ~1 s) before a temporary server starts."""
    home = Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    wanted = {profiles: ("PREFECT_API_URL",), Path(".env"): ("PREFECT_API_URL",),
              Path("prefect.toml"): ("PREFECT_API_URL", "[api]", "api.url", "api ="),
              Path("pyproject.toml"): ("[tool.prefect",)}
    for path, needles in wanted.items():
        try:
            text = path.read_text(errors="replace")
        except OSError:
            continue
        if any(n in text for n in needles):
            return True
    return False
