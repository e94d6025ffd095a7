"""`redline ingest` on the seed files: stored once, classified, readable right away."""

from __future__ import annotations

import pytest

from redline import cli
from tests.support.content import SEEDS
from tests.support.db import query


def test_ingest_seed_files_stores_and_classifies_once(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, cfg = make_config()
    files = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    assert cli.main(["--config", str(path), "ingest", *files]) == 0
    out = capsys.readouterr().out
    assert out.count("positions:") == 5
    rows = query(cfg, "SELECT count(*), count(DISTINCT story_id), min(extraction) FROM articles")
    assert rows == [(5, 5, "file")]
    texts = [t for (t,) in query(cfg, "SELECT text FROM articles")]
    assert not any("appeared first on" in t or "A Message from The Moscow Times" in t for t in texts)
    assert query(cfg, "SELECT count(*) FROM positions")[0][0] > 0
    assert query(cfg, "SELECT kind, status FROM runs") == [("ingest", "completed")]

    assert cli.main(["--config", str(path), "ingest", files[0]]) == 0
    assert "already in the warehouse" in capsys.readouterr().out
    assert query(cfg, "SELECT count(*) FROM articles") == [(5,)]


def test_ingest_url_refuses_private_address_by_default(tmp_path, site, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text(f"warehouse: {tmp_path / 'w.duckdb'}\n")
    url = site.add("/a", body=b"<html><body><p>x</p></body></html>")
    assert cli.main(["--config", str(cfg), "ingest", url]) == 1
    assert "non-public address 127.0.0.1" in capsys.readouterr().err
    assert site.hits("/a") == []
