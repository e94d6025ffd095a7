"""redline serve: the polling flow on the configured schedule."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from redline.commands.run import config_arg

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "serve"
ORDER = 20
HELP = (
    "Run the polling flow every schedule.interval_s seconds until stopped. At most one run at a "
    "time: a backlog of late runs is worked off one by one. Starts a local Prefect server when "
    "PREFECT_API_URL is not set."
)
EXAMPLE = ["redline serve", "redline serve --interval 60"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interval", type=float, metavar="SECONDS", help="override schedule.interval_s")
    p.add_argument("--name", default="redline-serve", help="deployment name shown in Prefect (default: %(default)s)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    interval = args.interval or cfg.schedule.interval_s
    from prefect.settings import PREFECT_API_URL, PREFECT_RUNNER_POLL_FREQUENCY, temporary_settings

    from redline.prefect_api import api_for_schedules

    with api_for_schedules(cfg.warehouse.parent / "prefect") as url:
        # The runner and the flow-run processes it spawns talk to this server.
        os.environ["PREFECT_API_URL"] = url
        print(f"redline: serving every {interval:g}s against the Prefect API at {url}", file=ctx.out, flush=True)
        from flows.pipeline import redline_run

        # The runner looks for due runs every poll_frequency seconds; keep it well under
        # the interval so a run starts close to its scheduled time.
        poll = max(1, min(10, int(interval // 3) or 1))
        with temporary_settings(updates={PREFECT_API_URL: url, PREFECT_RUNNER_POLL_FREQUENCY: poll}):
            redline_run.serve(
                name=args.name,
                interval=interval,
                parameters={"config_path": config_arg(ctx)},
                limit=1,
                global_limit=1,
                print_starting_message=False,
            )
    return 0
