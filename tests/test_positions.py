"""classify_pending and `redline reclassify` on a real DuckDB file."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from extractors.signals.engine import load_ruleset
from extractors.signals.rules import DEFAULT_RULES_DIR
from redline.cli import main
from redline.positions import ClassifyResult, classify_pending
from warehouse import Warehouse
from warehouse.batch import insert_rows

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def add_articles(wh: Warehouse, texts: dict[str, str], language: str | None = "en") -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "article_id": aid, "story_id": aid, "url": f"http://127.0.0.1/{aid}", "canonical_url": f"http://127.0.0.1/{aid}",
            "source": "test", "fetched_at": now, "language": language, "text": text, "text_chars": len(text),
            "extraction": "file", "content_hash": hashlib.sha256(text.encode()).hexdigest(),
        }
        for aid, text in texts.items()
    ]
    with wh.connect() as con:
        insert_rows(con, "core.articles", rows)


def rows(wh: Warehouse, sql: str) -> list[tuple]:
    with wh.connect() as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def wh(tmp_path: Path) -> Warehouse:
    return Warehouse(tmp_path / "w.duckdb")


def test_classifies_pending_in_batches_and_stores_everything(wh: Warehouse) -> None:
    texts = {f"seed{i}": p.read_text(encoding="utf-8") for i, p in enumerate(sorted(SEEDS.glob("*.txt")))}
    texts["empty"] = "   "
    texts["shift"] = "Trump backed off from his demand for an immediate ceasefire."
    add_articles(wh, texts)
    result = classify_pending(wh, batch_size=3)
    assert isinstance(result, ClassifyResult)
    assert (result.articles, result.skipped, result.batches) == (7, 1, 3)
    version = load_ruleset().version
    assert result.ruleset_version == version
    assert rows(wh, "SELECT count(*), count(DISTINCT ruleset_version) FROM core.classifications") == [(7, 1)]
    assert rows(wh, "SELECT status, reason FROM core.classifications WHERE article_id = 'empty'") == [("skipped", "empty text")]
    n_pos = rows(wh, "SELECT count(*) FROM positions")[0][0]
    assert n_pos == result.positions > 10
    # every position has its deciding sentence among its evidence rows
    assert rows(wh, """SELECT count(*) FROM core.positions p WHERE NOT EXISTS (SELECT 1 FROM core.position_evidence e
        WHERE e.article_id = p.article_id AND e.actor = p.actor AND e.topic = p.topic AND e.sentence = p.evidence)""") == [(0,)]
    assert rows(wh, "SELECT actor, topic, from_stance, to_stance FROM reported_shifts WHERE article_id = 'shift'") == [
        ("united_states", "ceasefire_full", "demand", "conditional")
    ]
    # nothing pending: a second call does nothing
    again = classify_pending(wh)
    assert again.articles == 0 and rows(wh, "SELECT count(*) FROM positions")[0][0] == n_pos


def test_non_english_metadata_is_skipped_with_reason(wh: Warehouse) -> None:
    add_articles(wh, {"fr": "Moscow rejected the 30-day ceasefire."}, language="fr")
    classify_pending(wh)
    assert rows(wh, "SELECT status, reason FROM core.classifications") == [("skipped", "language 'fr' is not English")]


def test_new_rule_version_replaces_old_rows_never_mixes(wh: Warehouse, tmp_path: Path) -> None:
    add_articles(wh, {"a": "Moscow rejected the 30-day ceasefire.", "b": "Kyiv accepted the 30-day ceasefire."})
    v1 = classify_pending(wh).ruleset_version
    rules2 = tmp_path / "rules2"
    shutil.copytree(DEFAULT_RULES_DIR, rules2)
    f = rules2 / "ceasefire_full.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("status: test", "status: stable", 1), encoding="utf-8")
    rs2 = load_ruleset(rules2)
    assert rs2.version != v1
    result = classify_pending(wh, ruleset=rs2)
    assert result.articles == 2
    for table in ("core.classifications", "core.positions", "core.position_evidence"):
        assert rows(wh, f"SELECT DISTINCT ruleset_version FROM {table}") == [(rs2.version,)]
    assert rows(wh, "SELECT count(*) FROM core.positions") == [(2,)]


def test_given_ids_and_reclassify_all(wh: Warehouse) -> None:
    add_articles(wh, {"a": "Moscow rejected the 30-day ceasefire.", "b": "Kyiv accepted the 30-day ceasefire."})
    assert classify_pending(wh, article_ids=["b", "missing"]).articles == 1
    assert classify_pending(wh).articles == 1  # only "a" was pending
    assert classify_pending(wh, reclassify_all=True).articles == 2
    assert rows(wh, "SELECT count(*) FROM core.classifications") == [(2,)]
    assert rows(wh, "SELECT count(*) FROM core.positions") == [(2,)]


def test_reclassify_cli_runs_and_publishes_read_copy(make_config, capsys: pytest.CaptureFixture[str]) -> None:
    path, cfg = make_config()
    wh = Warehouse(cfg.warehouse)
    add_articles(wh, {"a": "Moscow rejected the 30-day ceasefire."})
    assert main(["--config", str(path), "reclassify"]) == 0
    out = capsys.readouterr().out
    assert "1 article(s) classified" in out and "1 position(s)" in out
    assert cfg.read_copy.exists()
    assert main(["--config", str(path), "sql", "--format", "csv", "SELECT actor, topic, stance FROM positions"]) == 0
    assert "russia,ceasefire_full,reject" in capsys.readouterr().out
    assert main(["--config", str(path), "reclassify"]) == 0
    assert "0 article(s) classified" in capsys.readouterr().out
    assert main(["--config", str(path), "reclassify", "--all"]) == 0
    assert "1 article(s) classified" in capsys.readouterr().out


def test_shifts_caused_by_reclassify_do_not_alert_as_news(tmp_path: Path, make_config) -> None:
    """A rule change re-reads old articles; the stances it changes are a new reading, not news.
    A new article with the same change still alerts (so the test can fail)."""
    from extractors.signals.rules import DEFAULT_LEXICON_DIR
    from extractors.signals.rules import load_ruleset as load_with_lexicon
    from redline.shifts import detect_shifts

    _, cfg = make_config(alerts={"hysteresis": {"min_confidence": 0.3}})  # one report establishes a stance
    wh = Warehouse(cfg.warehouse)
    old = load_with_lexicon(DEFAULT_RULES_DIR, DEFAULT_LEXICON_DIR)
    # the "new rules": the plainest reject cue now reads as conditional
    lex = tmp_path / "lexicon"
    shutil.copytree(DEFAULT_LEXICON_DIR, lex)
    stances = (lex / "stances.yaml").read_text(encoding="utf-8")
    (lex / "stances.yaml").write_text(stances.replace("  - stance: reject\n    strength: 1.0\n    placement: pre", "  - stance: conditional\n    strength: 1.0\n    placement: pre", 1), encoding="utf-8")
    new = load_with_lexicon(DEFAULT_RULES_DIR, lex)
    assert new.version != old.version

    text = "Moscow rejected the 30-day ceasefire on Thursday, Kremlin spokesman Dmitry Peskov said."
    add_articles(wh, {"a1": text, "a0": "Moscow rejected the 30-day ceasefire, Peskov told reporters."})
    classify_pending(wh, ruleset=old)
    detect_shifts(wh, cfg)
    assert rows(wh, "SELECT stance FROM core.position_state WHERE actor = 'russia' AND topic = 'ceasefire_full'") == [("reject",)]

    classify_pending(wh, ruleset=new, reclassify_all=True)
    again = detect_shifts(wh, cfg)
    states = rows(wh, "SELECT to_stance, alert_state FROM core.shifts WHERE to_stance = 'conditional'")
    assert states and all(s == "reclassified" for _, s in states), states
    assert again.alertable == 0

    # a fresh article whose reading (accept) differs from the state (conditional): that is news
    add_articles(wh, {"a2": "Moscow accepted the 30-day ceasefire on Friday, Peskov said."})
    classify_pending(wh, ruleset=old, article_ids=["a2"])
    fresh = detect_shifts(wh, cfg)
    assert fresh.alertable == 1
