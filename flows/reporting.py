"""Prefect wrapper of the report: after each pass, the page is rewritten from the read copy."""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from redline.config import Config
from redline.report import REPORT_DAYS, ReportResult, default_path, write_report


@task(name="write-report", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2, timeout_seconds=300)
def write_report_task(cfg: Config) -> ReportResult:
    return write_report(cfg.read_copy, default_path(cfg.warehouse), days=REPORT_DAYS)
