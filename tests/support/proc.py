"""Running the real `redline` command in child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REDLINE = [sys.executable, "-m", "redline.cli"]


def env(**extra: str | None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    for k, v in extra.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = v
    return out


def redline(*args: str, config: Path | None = None, timeout: float = 180, **extra_env: str | None) -> subprocess.CompletedProcess[str]:
    cmd = [*REDLINE, *(["--config", str(config)] if config else []), *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env(**extra_env), check=False)


def spawn(*args: str, config: Path | None = None, log: Path, **extra_env: str | None) -> subprocess.Popen[bytes]:
    cmd = [*REDLINE, *(["--config", str(config)] if config else []), *args]
    fh = log.open("wb")
    return subprocess.Popen(cmd, stdout=fh, stderr=subprocess.STDOUT, env=env(**extra_env), start_new_session=True)


@contextmanager
def killed_on_exit(proc: subprocess.Popen[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    """`proc` (started by spawn: its own process group), killed with its group if still running
    when the block ends, however it ends."""
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
