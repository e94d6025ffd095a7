"""`redline explain FILE|URL|-` and its --json output."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from redline.cli import main

TEXT = ("Vladimir Putin spoke on Tuesday. He did not reject the 30-day ceasefire. "
        "Would Trump agree to a 30-day ceasefire? Trump backed off from his demand for an immediate ceasefire.")


def test_explain_file_shows_rules_cues_modifiers_and_carry_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "a.txt"
    f.write_text(TEXT, encoding="utf-8")
    assert main(["explain", str(f)]) == 0
    out = capsys.readouterr().out
    assert "ceasefire-full-qualified" in out
    assert "cue 'reject' (reject)" in out
    assert "negation 'not'" in out and "reject -> conditional" in out
    assert "via carry-over (He = Vladimir Putin" in out
    assert "question: no position" in out
    assert "russia / ceasefire_full / conditional" in out
    assert "united_states / ceasefire_full: demand -> conditional" in out


def test_explain_stdin_json(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(TEXT))
    assert main(["explain", "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {(p["actor"], p["topic"], p["stance"]) for p in data["positions"]} == {
        ("russia", "ceasefire_full", "conditional"), ("united_states", "ceasefire_full", "conditional")
    }
    assert data["reported_shifts"][0]["from_stance"] == "demand"
    assert any(d["dropped"] == "question: no position" for s in data["sentences"] for d in s["decisions"])


def test_explain_url_uses_the_project_client(site, make_config, capsys: pytest.CaptureFixture[str]) -> None:
    paras = "".join(f"<p>{TEXT} Analysts in Kyiv and Brussels followed the call closely.</p>" for _ in range(3))
    html = f"<html><head><title>Ceasefire</title></head><body><nav>Home</nav><article><h1>Ceasefire</h1>{paras}</article></body></html>"
    url = site.add("/ceasefire.html", body=html.encode())
    path, _ = make_config()
    assert main(["--config", str(path), "explain", url]) == 0
    assert "russia / ceasefire_full / conditional" in capsys.readouterr().out


def test_explain_missing_file_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "/no/such/file.txt"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_explain_non_english_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "ru.txt"
    f.write_text("Кремль отверг предложение о перемирии, заявил Песков журналистам в понедельник.", encoding="utf-8")
    assert main(["explain", str(f)]) == 0
    assert "skipped: not English" in capsys.readouterr().out
