"""Redline's files in the user's cache folder ($XDG_CACHE_HOME/redline, else ~/.cache/redline):
the report's Vega bundle (redline.report) and the rule set's version memo below.

The memo: classify_pending needs the current rule-set version only to ask the warehouse
whether any article lacks a classification under it, and compiling the rule set to learn
it takes 1.5-2 s, longer than a whole pass with nothing new. So after each compilation the
version is remembered under a digest of every file of the extractors package (rules,
lexicon, vocabulary and the engine's code: whatever the version is made of, and more); any
change there and the version is unknown again until the rules are next compiled.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

import extractors

EXTRACTORS_DIR = Path(extractors.__file__).resolve().parent
_MEMO_NAME = "ruleset-versions.json"
_MEMO_KEEP = 8  # digests remembered (a few checkouts side by side)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "redline"


def source_digest(root: Path = EXTRACTORS_DIR) -> str:
    """SHA-256 of every file under `root` (paths and contents), compiled caches excluded."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


# The files as this process loaded them: a version is remembered or trusted only while the
# files still match, so a process running older code never vouches for newer files.
_LOADED = source_digest()


def known_ruleset_version() -> str | None:
    """The rule-set version remembered for the extractors package as it is, or None."""
    if source_digest() != _LOADED:
        return None
    version = _read_memo().get(_LOADED)
    return version if isinstance(version, str) else None


def remember_ruleset_version(version: str) -> None:
    """Remember `version` as the one this process's rule files compiled to (best effort:
    a cache that cannot be written only costs a compilation next time)."""
    if source_digest() != _LOADED:
        return
    memo = {k: v for k, v in _read_memo().items() if k != _LOADED}
    memo = dict(list(memo.items())[-(_MEMO_KEEP - 1):]) | {_LOADED: version}
    path = cache_dir() / _MEMO_NAME
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(memo))
        os.replace(tmp, path)


def _read_memo() -> dict[str, object]:
    try:
        memo = json.loads((cache_dir() / _MEMO_NAME).read_text())
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}
