"""redline run: one full pass as a Prefect flow run."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from redline import config
from redline.runs import backoff_line

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "run"
ORDER = 10
HELP = (
    "Poll every feed once, store new articles, classify them and send alerts (one Prefect flow run). "
    "Uses the Prefect server at PREFECT_API_URL, else that of a running `redline serve` for the same "
    "data directory, else starts Prefect's temporary server for the pass and says how long that took."
)
EXAMPLE = ["redline run", "redline --config desk.yaml run", "redline run --strict   # in cron: exit 3 when every feed failed"]
STRICT_ALL_FEEDS_FAILED = 3


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strict", action="store_true",
                   help="exit 3 when no feed answered in this pass (every feed failed, is backing off or "
                        "is disabled), so cron notices; without it such a run exits 0")


def config_arg(ctx: Context) -> str | None:
    """The config path to hand to a flow: absolute, so a flow in another process finds it."""
    path = config.resolve_path(ctx.config_path)
    return str(path.resolve()) if path else None


def run(args: argparse.Namespace, ctx: Context) -> int:
    _ = ctx.sending_config  # validate before paying for Prefect's start-up: a bad config exits 2 at once
    from redline.prefect_api import api_for_run

    def say(msg: str) -> None:
        print(f"redline run: {msg}", file=sys.stderr, flush=True)

    with api_for_run(ctx.config.warehouse.parent / "prefect", say=say) as api:
        from flows.pipeline import redline_run  # loads while a temporary server starts

        result = api.run(redline_run, config_path=config_arg(ctx))
    poll, arts = result.poll, result.articles
    print(
        f"polled {poll.polled} feeds ({poll.not_modified} not modified, "
        f"{poll.unchanged} unchanged, {poll.failed} failed); "
        f"{arts.new_articles} new articles ({arts.fallbacks} from feed content)",
        file=ctx.out,
    )
    waiting = backoff_line(poll.skipped, poll.backoff_first, poll.backoff_until, poll.disabled)
    if waiting:
        print(waiting, file=ctx.out)
    cls, sh, al = result.classify, result.shifts, result.alerts
    print(
        f"classified {cls.classified} articles: {cls.positions} positions, "
        f"{cls.reported_shifts} reported shifts; {sh.shifts} new shifts; "
        f"alerts sent {al.sent}, failed {al.failed}",
        file=ctx.out,
    )
    for feed, reason in poll.failures[:20]:
        print(f"  feed failed: {feed}: {reason}", file=ctx.out)
    for error in al.errors[:20]:  # "target: reason", redacted by the send path
        print(f"  alert failed: {error}", file=ctx.out)
    print(f"read copy for SQL: {ctx.config.read_copy}", file=ctx.out)
    answered = poll.ok + poll.not_modified + poll.unchanged
    if args.strict and ctx.config.feeds and not answered:
        print(f"redline: every feed failed ({poll.failed} failed, {poll.skipped} in back-off, "
              f"{poll.disabled} disabled): exit 3 (--strict)", file=sys.stderr)
        return STRICT_ALL_FEEDS_FAILED
    return 0

