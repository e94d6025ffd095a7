"""Issue 9.1: read-only verbs need no secrets; only verbs that send resolve ${VAR} in `notify`.

Real `redline` processes on a real config file and a real DuckDB warehouse.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from redline import cli
from tests.support.content import SEEDS
from tests.support.proc import redline

VAR = "REDLINE_TEST_DESK_HOOK"

pytestmark = pytest.mark.slow  # spawns redline processes


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "desk.yaml"
    path.write_text(yaml.safe_dump({
        "warehouse": str(tmp_path / "data" / "redline.duckdb"),
        "notify": [{"name": "desk-hook", "url": f"${{{VAR}}}", "tags": ["europe"]}],
        "alerts": {"connect_timeout_s": 1, "read_timeout_s": 1},
    }), encoding="utf-8")
    return path


def test_read_only_verbs_work_with_notify_variables_unset(tmp_path: Path) -> None:
    path = _config(tmp_path)
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    # A sending verb with the variable set fills the warehouse (the hook is down: the alert fails, stays queued).
    filled = redline("ingest", seed, config=path, **{VAR: "json://127.0.0.1:9/hooks/Zq8SecretHookToken77"})
    assert filled.returncode == 0, filled.stderr

    read_only = [
        ["sql", "SELECT count(*) AS n FROM articles"],
        ["positions"],
        ["positions", "--timeline", "russia", "ceasefire_full"],
        ["feeds"],
        ["alerts", "list"],
        ["explain", seed],
    ]
    if "report" in {m.NAME for m in cli.command_modules()}:
        read_only.append(["report", "--out", str(tmp_path / "report.html")])
    for args in read_only:
        res = redline(*args, config=path, **{VAR: None})
        assert res.returncode == 0, (args, res.stderr)
        assert "not set" not in res.stderr
    assert "1" in redline("sql", "--format", "csv", "SELECT count(*) FROM articles", config=path, **{VAR: None}).stdout


def test_verbs_that_send_resolve_secrets_and_name_the_unset_variable(tmp_path: Path) -> None:
    path = _config(tmp_path)
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    for args in (["alerts", "test"], ["alerts", "retry"], ["ingest", seed], ["run"]):
        res = redline(*args, config=path, **{VAR: None})
        assert res.returncode == 2, (args, res.stdout, res.stderr)
        assert res.stderr.strip() == f"redline: error: {path}: notify.0.url: environment variable {VAR} is not set"
    # nothing was stored by the refused ingest
    assert not (tmp_path / "data" / "redline.duckdb").exists()
