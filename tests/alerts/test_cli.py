"""`redline alerts list|test|retry` and `redline positions`, run through the real CLI entry point."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from redline.alerts.outbox import deliver_alerts
from redline.cli import main
from redline.errors import ConfigError
from redline.shifts import detect_shifts
from tests.alerts.support import NOW, SECRET, Hook, Mailbox, Timeline, hours, rows, write_config
from warehouse.store import Warehouse

RU_CF = ("russia", "ceasefire_full")


def build(tmp_path: Path, notify: list[dict]) -> tuple[Path, Warehouse]:
    path, cfg = write_config(tmp_path, notify=notify)
    wh = Warehouse(cfg.warehouse)
    tl = Timeline(wh)
    tl.article("p0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9), ("ukraine", "peace_talks", "accept", 0.9)))
    detect_shifts(wh, cfg, now=NOW - hours(29))
    tl.article("p1", "Reuters", NOW - hours(1), positions=((*RU_CF, "conditional", 0.9),))
    detect_shifts(wh, cfg, now=NOW)
    deliver_alerts(wh, cfg, now=NOW)
    wh.publish_read_copy()
    return path, wh


def test_alerts_list_test_and_retry(tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hook = Hook()  # down at first
    path, wh = build(tmp_path, [{"name": "desk-hook", "url": hook.url()}])
    assert main(["--config", str(path), "alerts", "list", "--format", "json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["status"] == "failed" and listed["target"] == "desk-hook"
    assert listed["title"] == "Russia on a full ceasefire: reject → conditional"
    assert listed["last_error"]

    assert main(["--config", str(path), "alerts", "test"]) == 1
    out = capsys.readouterr().out
    assert "desk-hook" in out and "FAILED" in out and "Connection" in out

    hook.start()
    try:
        assert main(["--config", str(path), "alerts", "test"]) == 0
        assert "ok" in capsys.readouterr().out
        assert hook.received[-1]["title"] == "Redline test message"
        assert main(["--config", str(path), "alerts", "retry"]) == 0
        assert "1 sent" in capsys.readouterr().out
        assert hook.received[-1]["title"] == "Russia on a full ceasefire: reject → conditional"
    finally:
        hook.stop()
    assert rows(wh, "SELECT status, attempts FROM alerts") == [("sent", 2)]
    assert main(["--config", str(path), "alerts", "list", "--status", "sent"]) == 0
    captured = capsys.readouterr()
    assert "(1 row)" in captured.out
    assert main(["--config", str(path), "alerts", "retry"]) == 0
    all_output = captured.out + captured.err + capsys.readouterr().out + caplog.text
    assert SECRET not in all_output


def test_alerts_test_sends_email_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Mailbox() as box:
        path, _ = write_config(tmp_path, notify=[{"name": "desk-mail", "url": box.url()}])
        assert main(["--config", str(path), "alerts", "test"]) == 0
    assert "desk-mail" in capsys.readouterr().out
    assert box.messages[0]["Subject"] == "Redline test message"


def test_alerts_test_rejects_bad_routes_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the check runs when any command loads the config, so every verb refuses it
    with pytest.raises(ConfigError):
        write_config(tmp_path, notify=[{"name": "a", "url": Hook().url(), "tags": ["x"]}],
                     routes=[{"actors": ["russia"], "tags": ["nobody"]}])
    path = tmp_path / "redline.yaml"
    assert main(["--config", str(path), "alerts", "test"]) == 2
    err = capsys.readouterr().err
    assert "alerts.routes.0" in err and "match no notify target" in err and SECRET not in err


def test_positions_grid_highlights_changes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = build(tmp_path, [])
    assert main(["--config", str(path), "positions", "--hours", str(10**6)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["topic", "russia", "ukraine"]
    assert any(line.split()[:2] == ["ceasefire_full", "reject→conditional*"] for line in lines)
    assert any(line.split() == ["peace_talks", "·", "accept"] for line in lines)
    assert main(["--config", str(path), "positions", "--hours", "0.001"]) == 0
    assert "reject→conditional*" not in capsys.readouterr().out  # changed long ago
    assert main(["--config", str(path), "positions", "--timeline", "russia", "ceasefire_full", "--format", "json"]) == 0
    timeline = json.loads(capsys.readouterr().out)
    assert [t["stance"] for t in timeline] == ["reject", "conditional"]
    assert timeline[1]["shift_id"]
