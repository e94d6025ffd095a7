"""redline ingest: process given articles without a feed."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from redline.ingest import Overrides, ingest
from warehouse import Warehouse, open_read_copy

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "ingest"
ORDER = 30
HELP = "Store and classify the given articles (local .txt/.html files or http(s) URLs), then alert as a run would."
EXAMPLE = [
    "redline ingest seeds/000_36deabc2bc55b72f.txt",
    "redline ingest --published 2026-12-02T08:30Z --source Reuters --title 'Kremlin answers truce offer' note.txt",
    "redline ingest https://example.org/news/ceasefire.html",
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="URL|FILE")
    p.add_argument("--published", type=published_at, metavar="WHEN",
                   help="publication time of the given articles (2026-12-02, 2026-12-02T08:30, +01:00 or Z; "
                        "no zone = UTC). Without it (and no date in the page) an article is history: stored "
                        "and classified, but it moves no current stance and alerts nobody")
    p.add_argument("--source", metavar="OUTLET", help="the outlet, as articles.source (default: the page's site name, or 'file')")
    p.add_argument("--title", help="the headline (default: the page's title, or the file name)")


def published_at(value: str) -> datetime:
    """--published: an ISO date or date-time, UTC unless it names a zone; not in the future."""
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (use 2026-12-02 or 2026-12-02T08:30Z)") from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    if when > datetime.now(UTC) + timedelta(hours=1):
        raise argparse.ArgumentTypeError(f"{value!r} is in the future")
    return when


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    overrides = Overrides(published=args.published, source=args.source, title=args.title)
    result = ingest(Warehouse(cfg.warehouse), cfg, args.sources, overrides)
    ids = [a.article_id for a in result.stored]
    con = open_read_copy(cfg.read_copy)
    try:
        counts = dict(
            con.execute(
                "SELECT article_id, count(*) FROM positions WHERE article_id IN (SELECT unnest(?)) GROUP BY 1", [ids]
            ).fetchall()
        )
    finally:
        con.close()
    for a in result.stored:
        note = "" if a.published_at else "  (undated: history, moves no stance; give --published to make it news)"
        print(f"{a.article_id}  {a.source}  {a.title or a.url}  positions: {counts.get(a.article_id, 0)}{note}", file=ctx.out)
    if result.already_known:
        print(f"({result.already_known} already in the warehouse: kept as stored)", file=ctx.out)
    return 0
