"""redline feeds: each configured feed's health."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from redline.tables import FORMATS, render
from warehouse import open_read_copy

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "feeds"
ORDER = 50
HELP = "Show each configured feed's last status, last success, error count, entries seen and back-off."
EXAMPLE = ["redline feeds", "redline feeds --format json"]

COLUMNS = ["name", "last_status", "last_success_at", "error_count", "entries_seen", "failure_score", "next_poll_at", "disabled", "last_error"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="table")


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    stored: dict[str, tuple] = {}
    if cfg.read_copy.exists():
        con = open_read_copy(cfg.read_copy)
        try:
            for row in con.execute(f"SELECT {', '.join(COLUMNS)} FROM feeds").fetchall():
                stored[row[0]] = row
        finally:
            con.close()
    rows = [stored.get(f.name, (f.name, "never polled", None, 0, 0, 0.0, None, False, None)) for f in cfg.feeds]
    ctx.out.write(render(COLUMNS, rows, args.format))
    return 0
