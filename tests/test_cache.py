"""Issue 10.3: a pass with nothing new to classify learns the rule-set version from the
memo in the cache folder instead of compiling the rules; any change to the extractors
package, or an article still to classify, and the rules are compiled as before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from extractors.signals.engine import load_ruleset
from redline import cache, positions
from redline.positions import classify_pending
from tests.test_positions import add_articles
from warehouse import Warehouse


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "redline"


def _no_compiling(*_: object, **__: object) -> None:
    raise AssertionError("the rules were compiled")


def test_a_compilation_is_remembered_and_spares_the_next_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wh = Warehouse(tmp_path / "w.duckdb")
    assert cache.known_ruleset_version() is None
    first = classify_pending(wh)  # nothing to classify, nothing remembered: compiles
    assert first.ruleset_version == load_ruleset().version == cache.known_ruleset_version()

    monkeypatch.setattr(positions, "load_ruleset", _no_compiling)
    again = classify_pending(wh)
    assert again.ruleset_version == first.ruleset_version and again.articles == 0

    add_articles(wh, {"a1": "Russia rejected a ceasefire on Monday."})  # now there is work: compile
    with pytest.raises(AssertionError, match="compiled"):
        classify_pending(wh)


def test_changed_extractors_files_forget_the_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.remember_ruleset_version("v1")
    assert cache.known_ruleset_version() == "v1"
    copy = tmp_path / "extractors"
    shutil.copytree(cache.EXTRACTORS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert cache.source_digest(copy) == cache.source_digest()
    rules = next((copy / "rules").glob("*.yaml"))
    rules.write_text(rules.read_text() + "\n# edited\n")
    assert cache.source_digest(copy) != cache.source_digest()

    # the files now differ from those this process loaded: nothing is trusted or remembered
    with monkeypatch.context() as m:
        m.setattr(cache, "_LOADED", cache.source_digest(copy))
        assert cache.known_ruleset_version() is None
        cache.remember_ruleset_version("v2")
    assert cache.known_ruleset_version() == "v1"
