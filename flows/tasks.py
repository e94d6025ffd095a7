"""Prefect tasks: each a thin wrapper that opens what a stage needs and calls it.

Tasks take the Config object (never a secret-bearing string: SecretStr values are
masked wherever Prefect shows them) and use no result cache: every pass must do its work.
Work is batched: one task per stage and pass, never one task run per article.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from extractors.text import ExtractionPool
from redline import articles, feeds, runs
from redline.config import Config
from redline.http import SafeClient
from redline.positions import ClassifyResult, classify_pending, store_classifications
from warehouse import Warehouse


def _warehouse(cfg: Config) -> Warehouse:
    return Warehouse(cfg.warehouse)


@task(name="start-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=300)
def start_run(cfg: Config, kind: str, flow_run_id: str | None) -> str:
    return runs.start_run(_warehouse(cfg), kind=kind, flow_run_id=flow_run_id)


@task(name="poll-feeds", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=1800)
def poll_feeds(cfg: Config, run_id: str) -> feeds.PollResult:
    with SafeClient(cfg.fetch) as client:
        return feeds.poll_feeds(_warehouse(cfg), cfg, run_id, client=client)


def prestart_workers() -> None:
    """Boot the extraction workers' fork server in the background while Prefect schedules
    the next task (not a task: it only starts a process)."""
    ExtractionPool.prestart()


@task(name="fetch-and-extract", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=3600)
def fetch_and_extract(cfg: Config, run_id: str) -> articles.ArticlesResult:
    with SafeClient(cfg.fetch) as client, ExtractionPool(
        workers=cfg.extract.workers, time_limit_s=cfg.extract.time_limit_s, max_bytes=cfg.extract.max_html_bytes
    ) as pool:
        return articles.process_pending(
            _warehouse(cfg), cfg, run_id, client=client, pool=pool, store_classified=store_classifications
        )


@task(name="classify", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=3600)
def classify(cfg: Config, arts: articles.ArticlesResult | None = None) -> ClassifyResult:
    """What the extraction workers did not classify (usually nothing), plus their counts."""
    if arts is None:
        return classify_pending(_warehouse(cfg))
    return classify_pending(_warehouse(cfg), current_version=arts.ruleset_version).plus(arts.classified)


@task(name="finish-run", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=300)
def finish_run(cfg: Config, run_id: str, status: str, stages: dict) -> runs.RunSummary:
    return runs.finish_run(_warehouse(cfg), run_id, status=status, stages=stages)


@task(name="publish-read-copy", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, timeout_seconds=600)
def publish_read_copy(cfg: Config) -> str:
    return str(_warehouse(cfg).publish_read_copy())
