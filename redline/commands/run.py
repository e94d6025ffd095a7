"""redline run: one full pass as a Prefect flow run."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from redline import config

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "run"
ORDER = 10
HELP = "Poll every feed once, store new articles, classify them and send alerts (one Prefect flow run)."
EXAMPLE = ["redline run", "redline --config desk.yaml run"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    pass


def config_arg(ctx: Context) -> str | None:
    """The config path to hand to a flow: absolute, so a flow in another process finds it."""
    path = config.resolve_path(ctx.config_path)
    return str(path.resolve()) if path else None


def run(args: argparse.Namespace, ctx: Context) -> int:
    _ = ctx.sending_config  # validate before paying for Prefect's start-up: a bad config exits 2 at once
    from flows.pipeline import redline_run

    stages = redline_run(config_path=config_arg(ctx))
    poll, arts = stages.get("poll", {}), stages.get("articles", {})
    print(
        f"polled {poll.get('polled', 0)} feeds ({poll.get('not_modified', 0)} not modified, "
        f"{poll.get('unchanged', 0)} unchanged, {poll.get('failed', 0)} failed); "
        f"{arts.get('new_articles', 0)} new articles ({arts.get('fallbacks', 0)} from feed content)",
        file=ctx.out,
    )
    cls, sh, al = stages.get("classify", {}), stages.get("shifts", {}), stages.get("alerts", {})
    print(
        f"classified {cls.get('classified', 0)} articles: {cls.get('positions', 0)} positions, "
        f"{cls.get('reported_shifts', 0)} reported shifts; {sh.get('shifts', 0)} new shifts; "
        f"alerts sent {al.get('sent', 0)}, failed {al.get('failed', 0)}",
        file=ctx.out,
    )
    for feed, reason in poll.get("failures", [])[:20]:
        print(f"  feed failed: {feed}: {reason}", file=ctx.out)
    print(f"read copy for SQL: {ctx.config.read_copy}", file=ctx.out)
    return 0
