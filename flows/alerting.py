"""Prefect wrappers of the shifts and alerts stages, and the daily digest flow.

Tasks take the Config object: its notify URLs are SecretStr, which Prefect never
shows unmasked, and NO_CACHE keeps Prefect from hashing or storing inputs. The
digest flow's only parameter is a config path.
"""

from __future__ import annotations

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from redline import config as config_mod
from redline.alerts.digest import DigestResult, send_digest
from redline.alerts.outbox import AlertsResult, deliver_alerts
from redline.config import Config
from redline.shifts import ShiftsResult, detect_shifts
from warehouse import Warehouse


@task(name="detect-shifts", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=3, timeout_seconds=600)
def detect_shifts_task(cfg: Config) -> ShiftsResult:
    return detect_shifts(Warehouse(cfg.warehouse), cfg)


# One retry only: the outbox itself retries failed sends on later runs (with backoff);
# a task retry covers a warehouse that was briefly busy.
@task(name="deliver-alerts", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5, timeout_seconds=900)
def deliver_alerts_task(cfg: Config) -> AlertsResult:
    return deliver_alerts(Warehouse(cfg.warehouse), cfg)


@task(name="send-digest", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=60, timeout_seconds=600)
def send_digest_task(cfg: Config) -> DigestResult:
    result = send_digest(Warehouse(cfg.warehouse), cfg)
    if result.failed and not result.sent:
        # Every digest target failed: let Prefect retry the task.
        raise RuntimeError(f"digest not delivered: {'; '.join(result.errors)}")
    return result


@flow(name="redline-digest", log_prints=False)
def redline_digest(config_path: str | None = None) -> DigestResult:
    """The daily digest: current stances, the last 24 hours' shifts, feed health."""
    cfg = config_mod.load(config_path)
    result = send_digest_task(cfg)
    create_markdown_artifact(key="redline-digest", markdown=f"# Redline digest\n\n{result.summary()}\n",
                             description="Redline daily digest")
    return result


if __name__ == "__main__":
    redline_digest()
