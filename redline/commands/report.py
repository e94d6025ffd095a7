"""redline report: one self-contained HTML page of positions over time."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from redline.errors import UsageError
from redline.report import REPORT_DAYS, default_path, write_report

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "report"
ORDER = 75
HELP = (
    "Write one self-contained HTML page (it makes no request: fit for an intranet): the grid of "
    "current stances, a timeline per actor whose points link to their evidence and article, the "
    "period's shifts with their alert state, and feed health. Reads the analysts' read copy."
)
EXAMPLE = ["redline report", "redline report --days 7 --out /srv/intranet/redline.html"]


def _days(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of days, got {text!r}") from None
    if not 0 < value <= 36500:
        raise argparse.ArgumentTypeError(f"expected a number of days above 0, got {text!r}")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--days", type=_days, default=REPORT_DAYS, help="the period the timelines and shifts cover (default %(default)g)")
    p.add_argument("--out", metavar="PATH", help="where to write the page (default: report.html beside the warehouse)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    out = Path(args.out) if args.out else default_path(cfg.warehouse)
    if out.is_dir():
        raise UsageError(f"{out}: --out names a folder; give a file name such as {out / 'report.html'}")
    try:
        result = write_report(cfg.read_copy, out, days=args.days)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write the report: {exc.strerror or exc}") from None
    print(f"wrote {result.path} ({result.positions} positions, {result.shifts} shifts, {result.feeds} feeds "
          f"over {args.days:g} days)", file=ctx.out)
    return 0
