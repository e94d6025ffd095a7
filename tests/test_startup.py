"""Issue 10.3: a `redline run` with nothing new loads only what such a pass needs.

Observed from outside: the real command in a child process, with Python's own import log
(PYTHONPROFILEIMPORTTIME), against the session's Prefect server. The figures themselves
are bench/startup.py's; no test here times anything.
"""

from __future__ import annotations

import pytest

from tests.support.proc import redline

pytestmark = pytest.mark.prefect


def _imported(stderr: str) -> set[str]:
    """The modules a process imported, from its `import time: self | cumulative | name` lines."""
    return {line.rsplit("|", 1)[1].strip() for line in stderr.splitlines() if line.startswith("import time:")}


def test_a_pass_with_no_feeds_loads_no_arrow_batches(prefect_api: str, make_config) -> None:
    path, _ = make_config([])
    res = redline("run", config=path, PYTHONPROFILEIMPORTTIME="1")
    assert res.returncode == 0, res.stderr[-3000:]
    assert "polled 0 feeds" in res.stdout
    loaded = _imported(res.stderr)
    assert {"prefect", "duckdb", "flows.pipeline", "warehouse.batch"} <= loaded  # the log is there, and the pass ran
    assert not {"pyarrow", "numpy"} & loaded  # nothing to write in batches: pyarrow is never loaded
