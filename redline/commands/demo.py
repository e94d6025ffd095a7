"""redline demo: the five seed articles through the real pipeline, with no outside network."""

from __future__ import annotations

import argparse
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from redline.alerts.render import clean

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "demo"
ORDER = 5
HELP = (
    "Serve the five seed articles as local feeds on 127.0.0.1 that publish them in date order, run "
    "the real pipeline after each publication into a warehouse of its own (default data/demo/), then "
    "print the positions grid and the alerts a desk received (through apprise to a local file), and "
    "write the report. Needs no network and no config."
)
EXAMPLE = ["redline demo", "redline demo --out /tmp/redline-demo"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="DIR", default="data/demo",
                   help="the demo's folder, cleared first if an earlier demo made it (default %(default)s)")
    p.add_argument("--seeds", metavar="DIR", help="the seed articles (default: the repository's seeds/)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    # Our one line per pass instead of Prefect's per-task log lines.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    from redline import demo
    from redline.commands.positions import grid
    from warehouse import open_read_copy
    from warehouse.report import current_states

    out = ctx.out
    result = demo.run_demo(Path(args.out), seeds=Path(args.seeds) if args.seeds else demo.SEEDS_DIR,
                           say=lambda line: print(line, file=out, flush=True))
    con = open_read_copy(result.folder / "redline.read.duckdb")
    try:
        states = current_states(con)
    finally:
        con.close()
    now = datetime.now(UTC)
    hours = (now - min(a.published for a in demo.ARTICLES)).total_seconds() / 3600 + 1
    print("\nPositions now (actor x topic; a→b* changed during the demo):", file=out)
    out.write(grid(states, now=now, hours=hours, color=getattr(out, "isatty", lambda: False)()))
    print(f"\nAlerts the desk received ({len(result.alerts)}, in {result.folder / 'alerts.jsonl'}):", file=out)
    for alert in result.alerts:
        quote = next((line for line in alert.get("message", "").splitlines() if line.startswith(">")), "")
        print(f"  - {clean(alert.get('title'))}\n      {clean(quote)[:160]}", file=out)
    if not result.alerts:
        print("  none", file=out)
    print(f"\nReport: {result.report}", file=out)
    print(f"Explore: redline --config {result.config} sql \"SELECT * FROM shifts\"", file=out)
    print(f"demo took {result.seconds:.1f} s ({result.passes} pipeline passes)", file=out)
    return 0
