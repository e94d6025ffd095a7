"""redline positions: the actor x topic grid of current stances, recent changes highlighted."""

from __future__ import annotations

import argparse
import difflib
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from extractors.signals.model import ACTORS, TOPICS
from redline.errors import UsageError
from redline.tables import FORMATS, render
from warehouse import open_read_copy
from warehouse.batch import select_dicts

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "positions"
ORDER = 70
HELP = "Show each actor's current stance per topic (changes in the last --hours marked *), or one timeline."
EXAMPLE = [
    "redline positions",
    "redline positions --hours 72",
    "redline positions --timeline russia ceasefire_full",
    "redline positions --format json",
]

_BOLD_YELLOW, _RESET = "\033[1;33m", "\033[0m"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hours", type=float, default=24.0, help="highlight stances that changed within this many hours (default 24)")
    p.add_argument("--timeline", nargs=2, metavar=("ACTOR", "TOPIC"), help="list every position of one actor on one topic instead")
    p.add_argument("--format", choices=FORMATS, default="table")


def check_id(value: str, valid: tuple[str, ...], what: str, where: str) -> None:
    """A usage error (exit 2) naming the valid ids of extractors/vocabulary.yaml."""
    if value not in valid:
        guess = difflib.get_close_matches(value, valid, n=1, cutoff=0.5)
        hint = f"did you mean {guess[0]}? " if guess else ""
        raise UsageError(f"{where}: unknown {what} {value!r} ({hint}valid {what}s: {', '.join(valid)})")


def _query(ctx: Context, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    con = open_read_copy(ctx.config.read_copy)
    try:
        return select_dicts(con, sql, params)
    finally:
        con.close()


def grid(states: list[dict[str, Any]], *, now: datetime, hours: float, color: bool) -> str:
    """Topics down, actors across; `prev→now*` where the stance changed recently, `?` if one is pending."""
    recent = now - timedelta(hours=hours)
    actors = [a for a in ACTORS if any(s["actor"] == a for s in states)] + sorted(
        {s["actor"] for s in states} - set(ACTORS))
    topics = [t for t in TOPICS if any(s["topic"] == t for s in states)] + sorted(
        {s["topic"] for s in states} - set(TOPICS))
    cell = {(s["actor"], s["topic"]): s for s in states}
    rows, marks = [], []
    for t in topics:
        row, mark = [t], [False]
        for a in actors:
            s = cell.get((a, t))
            if s is None:
                row.append("·")
                mark.append(False)
                continue
            changed = s["previous_stance"] is not None and s["since"] >= recent
            text = f"{s['previous_stance']}→{s['stance']}*" if changed else s["stance"]
            if s["pending_stance"]:
                text += f" ({s['pending_stance']}?)"
            row.append(text)
            mark.append(changed)
        rows.append(row)
        marks.append(mark)
    header = ["topic", *actors]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)] if rows else [len(h) for h in header]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    for row, mark in zip(rows, marks, strict=True):
        cells = []
        for text, w, m in zip(row, widths, mark, strict=True):
            padded = text.ljust(w)
            cells.append(f"{_BOLD_YELLOW}{padded}{_RESET}" if (m and color) else padded)
        lines.append("  ".join(cells).rstrip())
    lines.append(f"* changed in the last {hours:g} hours; (x?) a new stance waiting for confirmation")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.timeline:
        actor, topic = args.timeline
        check_id(actor, ACTORS, "actor", "positions --timeline")
        check_id(topic, TOPICS, "topic", "positions --timeline")
        cols = ["effective_at", "stance", "confidence", "source", "title", "shift_id", "evidence"]
        found = _query(ctx, f"SELECT {', '.join(cols)} FROM position_timeline WHERE actor = ? AND topic = ? "
                            "ORDER BY effective_at, article_id", [actor, topic])
        ctx.out.write(render(cols, [[r[c] for c in cols] for r in found], args.format))
        return 0
    states = _query(ctx, "SELECT * FROM current_positions ORDER BY actor, topic", [])
    if args.format != "table":
        cols = list(states[0]) if states else ["actor", "topic", "stance", "since"]
        ctx.out.write(render(cols, [[r[c] for c in cols] for r in states], args.format))
        return 0
    if not states:
        ctx.out.write("no positions yet: run `redline run` (or `redline ingest FILE`) first\n")
        return 0
    color = getattr(ctx.out, "isatty", lambda: False)()
    ctx.out.write(grid(states, now=datetime.now(UTC), hours=args.hours, color=color))
    return 0
