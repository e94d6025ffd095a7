"""redline ingest: process given articles without a feed."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from redline.ingest import ingest
from warehouse import Warehouse, open_read_copy

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "ingest"
ORDER = 30
HELP = "Store and classify the given articles (local .txt/.html files or http(s) URLs), then alert as a run would."
EXAMPLE = ["redline ingest seeds/000_36deabc2bc55b72f.txt", "redline ingest https://example.org/news/ceasefire.html"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("sources", nargs="+", metavar="URL|FILE")


def run(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    result = ingest(Warehouse(cfg.warehouse), cfg, args.sources)
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
        print(f"{a.article_id}  {a.source}  {a.title or a.url}  positions: {counts.get(a.article_id, 0)}", file=ctx.out)
    if result.already_known:
        print(f"({result.already_known} already in the warehouse: kept as stored)", file=ctx.out)
    return 0
