"""redline feeds: each configured feed's health; `feeds reset` ends a feed's back-off."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from redline.errors import UsageError
from redline.tables import FORMATS, render
from warehouse import Warehouse, open_read_copy
from warehouse.feeds import reset_backoff

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "feeds"
ORDER = 50
HELP = ("Show each configured feed's last status, last success, error count, entries seen and back-off; "
        "`feeds reset NAME|--all` clears a feed's back-off (and disabling) so the next pass polls it.")
EXAMPLE = ["redline feeds", "redline feeds --format json", "redline feeds reset 'Kyiv Independent'", "redline feeds reset --all"]

COLUMNS = ["name", "last_status", "last_success_at", "error_count", "entries_seen", "failure_score", "next_poll_at", "disabled", "last_error"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=FORMATS, default="table")
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=False, parser_class=type(p))
    r = sub.add_parser("reset", help="clear the back-off, failure score and disabling of feeds")
    r.add_argument("names", nargs="*", metavar="NAME", help="feed names as in the config")
    r.add_argument("--all", action="store_true", help="every feed")


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.action == "reset":
        return _reset(args, ctx)
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


def _reset(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.config
    if bool(args.names) == args.all:
        raise UsageError("feeds reset: give feed names or --all (not both)")
    configured = [f.name for f in cfg.feeds]
    unknown = [n for n in args.names if n not in configured]
    if unknown:
        raise UsageError(f"feeds reset: no feed named {', '.join(map(repr, unknown))} in {cfg.source} "
                         f"(feeds: {', '.join(configured) or 'none'})")
    wh = Warehouse(cfg.warehouse)
    with wh.connect() as con:
        done = reset_backoff(con, None if args.all else args.names)
    wh.publish_read_copy()
    if not done:
        ctx.out.write("no feed has been polled yet: nothing to reset\n")
        return 0
    ctx.out.write(f"back-off cleared for {len(done)} feed(s), polled on the next pass: {', '.join(done)}\n")
    return 0
