"""redline reclassify: re-run the signal rules over stored articles after a rule change."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "reclassify"
ORDER = 65
HELP = (
    "Classify stored articles with the current rules: those not yet classified by this rule-set "
    "version (or every article with --all), replacing their old positions; then refresh the read copy."
)
EXAMPLE = ["redline reclassify", "redline reclassify --all"]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--all", action="store_true", help="re-classify every article, even those already done with this version")
    p.add_argument("--batch-size", type=int, default=500, help="articles per transaction (default: %(default)s)")


def run(args: argparse.Namespace, ctx: Context) -> int:
    from extractors.signals.engine import load_ruleset
    from redline.positions import classify_pending
    from warehouse import Warehouse

    rs = load_ruleset()  # a broken rule file stops here, before the warehouse is touched
    wh = Warehouse(ctx.config.warehouse)
    result = classify_pending(wh, ruleset=rs, batch_size=args.batch_size, reclassify_all=args.all)
    wh.publish_read_copy()
    print(
        f"rule set {result.ruleset_version}: {result.articles} article(s) classified "
        f"({result.skipped} skipped), {result.positions} position(s), "
        f"{result.reported_shifts} reported shift(s), in {result.batches} batch(es)",
        file=ctx.out,
    )
    return 0
