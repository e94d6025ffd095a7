"""Ingest: given articles (files or URLs) through the same stages as a feed pass,
without a feed and without Prefect (a desk engineer wants the answer in seconds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from extractors.text import ExtractionPool
from redline import articles, runs
from redline.config import Config
from redline.errors import UsageError
from redline.http import SafeClient
from redline.models import Article
from warehouse import Warehouse


@dataclass
class IngestResult:
    run_id: str
    stored: list[Article] = field(default_factory=list)
    already_known: int = 0
    stages: dict = field(default_factory=dict)


def load_sources(cfg: Config, sources: Sequence[str]) -> list[Article]:
    """Articles from local files and http(s) URLs; a missing file is a usage error."""
    now = datetime.now(UTC)
    out: list[Article] = []
    urls = [s for s in sources if s.startswith(("http://", "https://"))]
    for src in sources:
        if src in urls:
            continue
        path = Path(src)
        if not path.is_file():
            raise UsageError(f"{src}: no such file (give a file path or an http(s) URL)")
        out.append(articles.from_file(path, now=now))
    if urls:
        with SafeClient(cfg.fetch) as client, ExtractionPool(
            workers=min(len(urls), cfg.extract.workers or 2), time_limit_s=cfg.extract.time_limit_s
        ) as pool:
            out += [articles.from_url(client, u, cfg=cfg, pool=pool, now=now) for u in urls]
    return out


@dataclass(frozen=True)
class Overrides:
    """What the desk knows about the given articles better than the files do (--published,
    --source, --title); None keeps what the file or page says."""

    published: datetime | None = None
    source: str | None = None
    title: str | None = None


def ingest(warehouse: Warehouse, cfg: Config, sources: Sequence[str], overrides: Overrides = Overrides()) -> IngestResult:
    """Store, classify and alert as a feed pass would. An article with no date (and no
    --published) is history: stored and classified, it moves no stance and alerts nobody
    (redline.shifts); so is a copy of a story stored before."""
    arts = [
        replace(a, published_at=overrides.published or a.published_at, source=overrides.source or a.source,
                title=overrides.title or a.title)
        for a in load_sources(cfg, sources)
    ]
    run_id = runs.start_run(warehouse, kind="ingest")
    result = IngestResult(run_id)
    status = "failed"
    try:
        with warehouse.connect() as con:
            stored = articles.save_articles(con, arts, run_id=run_id)
        result.stored = arts
        result.already_known = len(arts) - stored
        from redline.alerts.outbox import deliver_alerts
        from redline.positions import classify_pending
        from redline.shifts import detect_shifts

        result.stages["classify"] = classify_pending(warehouse, article_ids=[a.article_id for a in arts])
        result.stages["shifts"] = detect_shifts(warehouse, cfg)
        result.stages["alerts"] = deliver_alerts(warehouse, cfg)
        status = "completed"
    finally:
        runs.finish_run(warehouse, run_id, status=status, stages=result.stages)
        warehouse.publish_read_copy()
    return result
