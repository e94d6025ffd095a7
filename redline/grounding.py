"""Alert grounding: replay labelled articles through the pipeline in date order and check
that every alert a desk would have received is true to its triggering article.

For each article of a set (tests/signals/real/heldout by default), oldest first, the replay
stores it as published on its gold `date` by its gold `outlet`, classifies it, and runs the
shifts stage as a pass an hour later would, all in a throw-away DuckDB warehouse with the
default alert settings. An alerting shift (alert_state `alert`) is **grounded** when the gold
of its triggering article gives that actor that stance on that topic (a position, or a
reported shift's new stance). The share of grounded alerts is what an editor experiences:
the issue's target is at least 0.8.

    python -m redline.grounding [DIR]      # `make eval` runs it on the held-out set
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from pathlib import Path

import yaml

from extractors.signals.evaluate import REAL_HELDOUT_DIR, ROOT, gold_shifts, gold_triples, load_gold
from redline import articles, config
from redline.positions import classify_pending
from redline.shifts import detect_shifts
from warehouse import Warehouse
from warehouse.shifts import alerting_shifts


@dataclass
class Grounding:
    articles: int = 0
    alerts: int = 0
    grounded: int = 0
    ungrounded: list[str] = field(default_factory=list)  # "file: actor/topic -> stance"

    @property
    def share(self) -> float:
        return self.grounded / self.alerts if self.alerts else 1.0

    def line(self) -> str:
        return (f"alert grounding: {self.grounded} of {self.alerts} alerting shifts give the new stance "
                f"their triggering article really reports ({self.share:.2f}), replaying {self.articles} articles in date order")


def replay(text_dir: Path = REAL_HELDOUT_DIR) -> Grounding:
    """Replay the articles of `text_dir` (gold in text_dir/gold) and score their alerts."""
    items = []
    for g in sorted((text_dir / "gold").glob("*.yaml")):
        gold = load_gold(g)
        when = _published(gold, g)
        items.append((when, gold))
    items.sort(key=lambda it: (it[0], it[1]["file"]))
    result = Grounding(articles=len(items))
    # a memory-backed folder where there is one: the replay opens the file once per pass
    shm = "/dev/shm" if Path("/dev/shm").is_dir() else None
    with tempfile.TemporaryDirectory(prefix="redline-replay-", dir=shm) as tmp:
        cfg = config.parse(yaml.safe_dump({"warehouse": str(Path(tmp) / "replay.duckdb"), "feeds": []}), source="replay")
        wh = Warehouse(cfg.warehouse)
        truth: dict[str, set[tuple[str, str, str]]] = {}
        names: dict[str, str] = {}
        # one pass per publication day, an hour after its articles (as `redline serve` would)
        for when, day in groupby(items, key=lambda it: it[0]):
            seen = when + timedelta(hours=1)
            batch = []
            for _, gold in day:
                art = articles.from_file(text_dir / gold["file"], now=seen)
                art = dataclasses.replace(art, published_at=when, source=str(gold.get("outlet") or "replay"))
                truth[art.article_id] = gold_triples(gold) | gold_shifts(gold)
                names[art.article_id] = gold["file"]
                batch.append(art)
            with wh.connect() as con:
                articles.save_articles(con, batch, run_id=None)
            classify_pending(wh, article_ids=[a.article_id for a in batch])
            detect_shifts(wh, cfg, now=seen)
        for actor, topic, stance, article_id in alerting_shifts(wh):
            result.alerts += 1
            if (actor, topic, stance) in truth.get(article_id, set()):
                result.grounded += 1
            else:
                result.ungrounded.append(f"{names.get(article_id, article_id)}: {actor}/{topic} -> {stance}")
    return result


def _published(gold: dict, where: Path) -> datetime:
    raw = gold.get("date")
    try:
        day = raw if isinstance(raw, date) else datetime.fromisoformat(str(raw)).date()
    except ValueError:
        raise ValueError(f"{where}: date: expected YYYY-MM-DD, got {raw!r}") from None
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m redline.grounding", description=__doc__.splitlines()[0],
        epilog="example: python -m redline.grounding tests/signals/real/dev --ungrounded",
    )
    ap.add_argument("dir", nargs="?", default=str(REAL_HELDOUT_DIR), help="articles with gold/ beside them (default: the real held-out set)")
    ap.add_argument("--ungrounded", action="store_true", help="list the alerts their article does not support (never for a held-out set)")
    args = ap.parse_args(argv)
    d = Path(args.dir).resolve()
    if not (d / "gold").is_dir():
        print(f"grounding: {args.dir}: no gold/ folder beside the articles", file=sys.stderr)
        return 2
    res = replay(d)
    label = d.relative_to(ROOT) if d.is_relative_to(ROOT) else d
    print(f"{label}: {res.line()}")
    if args.ungrounded:
        if "heldout" in d.name:
            print("grounding: the held-out set's errors are never shown", file=sys.stderr)
            return 2
        for line in res.ungrounded:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
