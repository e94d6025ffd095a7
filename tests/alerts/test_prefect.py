"""The Prefect wrappers: tasks and the digest flow under the test harness; no secret reaches Prefect."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from prefect import flow

from flows.alerting import deliver_alerts_task, detect_shifts_task, redline_digest
from redline.shifts import detect_shifts
from tests.alerts.support import (
    NOW,
    SECRET,
    Hook,
    Timeline,
    everything_prefect_stored,
    hours,
    rows,
    write_config,
)
from warehouse.store import Warehouse

pytestmark = pytest.mark.prefect
RU_CF = ("russia", "ceasefire_full")


@flow(name="alerting-under-test")
def _alerting(config_path: str) -> tuple:
    from redline import config as config_mod

    cfg = config_mod.load(config_path)
    return detect_shifts_task(cfg), deliver_alerts_task(cfg)


def test_tasks_and_digest_flow_deliver_and_keep_secrets_out_of_prefect(
    prefect_api: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    desk, digest = Hook().start(), Hook().start()
    try:
        path, cfg = write_config(tmp_path, notify=[
            {"name": "desk", "url": desk.url(), "tags": ["desk"]},
            {"name": "morning", "url": digest.url(SECRET + "Digest"), "tags": ["digest"]},
        ])
        wh = Warehouse(cfg.warehouse)
        tl = Timeline(wh)
        tl.article("p0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9),))
        detect_shifts(wh, cfg, now=NOW - hours(29))
        # Fresh news (relative to the real clock, which the tasks use).
        from datetime import UTC, datetime, timedelta

        tl.article("p1", "Reuters", datetime.now(UTC) - timedelta(minutes=5), positions=((*RU_CF, "accept", 0.9),))
        shifts, alerts = _alerting(str(path))
        assert (shifts.alertable, alerts.sent) == (1, 1)
        assert [m["title"] for m in desk.received] == ["Russia on a full ceasefire: reject → accept"]
        result = redline_digest(str(path))
        assert (result.targets, result.sent) == (1, 1)
    finally:
        desk.stop()
        digest.stop()
    assert desk.received and len(digest.received) == 1
    body = digest.received[0]["message"]
    assert "**Russia**: ceasefire_full accept*" in body and "Russia on a full ceasefire: reject → accept" in body
    assert rows(wh, "SELECT target, status FROM core.digest_log") == [("morning", "sent")]
    stored = everything_prefect_stored()
    assert b"alerting-under-test" in stored and b"detect-shifts" in stored  # we did read the runs
    assert SECRET.encode() not in stored
    assert SECRET not in caplog.text
