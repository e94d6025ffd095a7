"""Running compiled patterns only where they can start.

Python's `re` tries every alternative of a big case-insensitive alternation at every
position of a sentence: that was most of the engine's time. Every rule pattern, cue group,
shift pattern and the reporting verbs know (rules.literal_prefixes) the three lower-case
characters their matches must begin with, and every match begins at a word start. So the
rule set keeps one table from a three-character prefix to the patterns that can begin with
it (PrefixTable, built once at load), a sentence is read once word by word to find where
each pattern may start (Candidates), and a pattern is tried (`regex.match`) only there.
The matches are exactly those of `regex.finditer` (leftmost first, non-overlapping); a
pattern without known prefixes falls back to `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# a word start: not after a word character or a hyphen (the patterns' own left bound)
_WORD_START = re.compile(r"(?<![\w-])[\w\"']")


class PrefixTable:
    """Prefix -> ids of the patterns whose matches can begin with it (ids are id(owner))."""

    __slots__ = ("by_prefix", "anywhere")

    def __init__(self, items: Iterable[tuple[object, frozenset[str] | None]]) -> None:
        self.by_prefix: dict[str, list[int]] = {}
        self.anywhere: set[int] = set()  # patterns whose start cannot be told: always run
        for owner, prefixes in items:
            if prefixes is None:
                self.anywhere.add(id(owner))
                continue
            for p in prefixes:
                self.by_prefix.setdefault(p, []).append(id(owner))


class Candidates:
    """Where each pattern of a PrefixTable may start in one sentence."""

    __slots__ = ("s", "table", "at")

    def __init__(self, s: str, table: PrefixTable) -> None:
        low = s.lower()
        if len(low) != len(s):  # a few characters lower-case to two: keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        at: dict[int, list[int]] = {}
        by_prefix = table.by_prefix
        for m in _WORD_START.finditer(low):
            i = m.start()
            owners = by_prefix.get(low[i : i + 3])
            if owners:
                for o in owners:
                    if o in at:
                        at[o].append(i)  # words are read in order: positions stay sorted
                    else:
                        at[o] = [i]
        self.s, self.table, self.at = s, table, at

    def matches(self, owner: object, regex: re.Pattern[str], lo: int = 0, hi: int | None = None) -> list[re.Match[str]]:
        """What regex.finditer(s, lo, hi) would find, trying only the candidate starts."""
        key = id(owner)
        positions = self.at.get(key)
        end = len(self.s) if hi is None else hi
        if positions is None:
            if key in self.table.anywhere:
                return list(regex.finditer(self.s, lo, end))
            return []
        out: list[re.Match[str]] = []
        after = lo
        for p in positions:
            if p < after or p >= end:
                continue  # outside the stretch, or inside the previous match (no overlaps)
            m = regex.match(self.s, p, end)
            if m is not None:
                out.append(m)
                after = max(m.end(), p + 1)
        return out
