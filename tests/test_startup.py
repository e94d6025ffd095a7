"""Issue 10.3: a `redline run` with nothing new loads only what such a pass needs.

Observed from outside: the real command in a child process, with Python's own import log
(PYTHONPROFILEIMPORTTIME), against the session's Prefect server. The figures themselves
are bench/startup.py's; no test here times anything.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.proc import redline

pytestmark = pytest.mark.prefect


def _imported(stderr: str) -> set[str]:
    """The modules a process imported, from its `import time: self | cumulative | name` lines."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_a_pass_with_nothing_new_loads_neither_the_engine_nor_arrow_nor_fastapi(
    prefect_api: str, make_config, tmp_path: Path
) -> None:
    path, _ = make_config([])
    cache = {"XDG_CACHE_HOME": str(tmp_path / "cache")}  # its own rule-set version memo (redline.cache)
    first = redline("run", config=path, **cache)  # compiles the rules once, to learn their version
    assert first.returncode == 0, first.stderr[-3000:]
    res = redline("run", config=path, PYTHONPROFILEIMPORTTIME="1", **cache)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "polled 0 feeds" in res.stdout and "classified 0 articles" in res.stdout
    loaded = _imported(res.stderr)
    assert {"prefect", "duckdb", "flows.pipeline", "warehouse.batch", "redline.positions"} <= loaded  # the log is there, and the pass ran
    assert "extractors.signals.engine" not in loaded  # nothing to classify: the engine is not even imported
    assert not {"pyarrow", "numpy"} & loaded  # nothing to write in batches
    assert "fastapi" not in loaded  # the flow's parameters are stored as given (flows/pipeline.py)
