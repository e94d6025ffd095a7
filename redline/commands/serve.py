"""redline serve: the polling flow on the configured schedule."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

from redline.commands.run import config_arg
from redline.prefect_api import proc_stat

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "serve"
ORDER = 20
HELP = (
    "Run the polling flow every schedule.interval_s seconds until stopped (Ctrl-C or SIGTERM). At "
    "most one run at a time: a backlog of late runs is worked off one by one. Starts a local Prefect "
    "server with its UI on 127.0.0.1:schedule.server_port (4200) when PREFECT_API_URL is not set. "
    "Prints what it does while starting, then one summary line per pass. While it runs, `redline run` "
    "with the same config runs its pass on this server instead of starting a temporary one."
)
FINISH_WAIT_S = 60.0  # a pass running at SIGTERM may finish within this (systemd waits 90 s)
EXAMPLE = ["redline serve", "redline serve --interval 60", "redline serve --port 4300"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interval", type=float, metavar="SECONDS", help="override schedule.interval_s")
    p.add_argument("--port", type=int, metavar="PORT", help="override schedule.server_port (default 4200)")
    p.add_argument("--name", default="redline-serve", help="deployment name shown in Prefect (default: %(default)s)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    interval = args.interval or cfg.schedule.interval_s

    def say(msg: str) -> None:
        print(f"redline serve: {msg}", file=ctx.out, flush=True)

    from redline.prefect_api import api_for_schedules

    with api_for_schedules(cfg.warehouse.parent / "prefect", port=args.port or cfg.schedule.server_port, say=say) as url:
        # The runner and the flow-run processes it spawns talk to this server.
        os.environ["PREFECT_API_URL"] = url
        say("loading the pipeline")
        from prefect.settings import (
            PREFECT_API_URL,
            PREFECT_RUNNER_POLL_FREQUENCY,
            temporary_settings,
        )

        from flows.pipeline import redline_run

        # The runner looks for due runs every poll_frequency seconds; keep it well under
        # the interval so a run starts close to its scheduled time.
        poll = max(1, min(10, int(interval // 3) or 1))
        with temporary_settings(updates={PREFECT_API_URL: url, PREFECT_RUNNER_POLL_FREQUENCY: poll}):
            runner = _runner(args.name)
            runner.add_flow(redline_run, name=args.name, interval=interval,
                            parameters={"config_path": config_arg(ctx)}, concurrency_limit=1)
            say(f"serving every {interval:g} s as deployment redline-run/{args.name}, one run at a time; "
                "one line per pass follows; stop with Ctrl-C or SIGTERM")
            with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
                asyncio.run(_serve(runner))
            _finish_pass_in_progress(say)
        say("stopped (the schedule is paused until the next serve)")
    return 0


def _finish_pass_in_progress(say, wait_s: float = FINISH_WAIT_S) -> None:  # noqa: ANN001
    """Let a pass that was running when the stop came finish (bounded) before the
    Prefect server goes away: stopping the runner does not stop its flow-run processes."""
    running = _flow_run_children()
    if not running:
        return
    say(f"waiting up to {wait_s:.0f} s for the pass in progress to finish")
    deadline = time.monotonic() + wait_s
    while running and time.monotonic() < deadline:
        time.sleep(0.5)
        running = [pid for pid in running if _alive(pid)]
    for pid in running:
        say(f"the pass in progress did not finish in {wait_s:.0f} s: stopping it (the next run resumes its work)")
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# Our children that are not flow runs: the Prefect server, multiprocessing's resource tracker.
_NOT_FLOW_RUNS = (b"prefect server start", b"multiprocessing.resource_tracker")


def _flow_run_children() -> list[int]:
    """Our live child processes that run flows (the runner spawns them; Linux /proc)."""
    me, out = os.getpid(), []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            ppid = int(proc_stat(int(entry.name))[1])
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me and not any(n in cmd for n in _NOT_FLOW_RUNS) and _alive(int(entry.name)):
            out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    """Running, not a zombie (its parent reaps it; we must not: multiprocessing waits on it)."""
    stat = proc_stat(pid)
    return bool(stat) and stat[0] not in ("Z", "X")


def _runner(name: str):  # noqa: ANN202 - a prefect Runner
    """A runner that stops on SIGTERM as on Ctrl-C, by cancelling its task: Prefect's own
    handler calls sys.exit inside the event loop, which leaves tasks pending and prints errors."""
    from prefect.runner import Runner

    class _Runner(Runner):
        task: asyncio.Task | None = None

        def handle_sigterm(self, *args: object, **kwargs: object) -> None:
            if self.task is not None:
                self.task.get_loop().call_soon_threadsafe(self.task.cancel)

    return _Runner(name=name, pause_on_shutdown=True, limit=1)


async def _serve(runner) -> None:  # noqa: ANN001
    runner.task = asyncio.current_task()
    await runner.start()
