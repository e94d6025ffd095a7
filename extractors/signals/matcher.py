"""Running a compiled pattern only where it can start.

Python's `re` tries every alternative of a big case-insensitive alternation at every
position of a sentence: that was most of the engine's time. Every rule pattern and cue
group knows (rules.literal_prefixes) the three lower-case characters its matches must
begin with, and every match begins at a word start, so a sentence is indexed once by
the first three characters of each word and a pattern is tried (`regex.match`) only at
the word starts that carry one of its prefixes. The matches are exactly those of
`regex.finditer` (leftmost first, non-overlapping); a pattern without known prefixes
falls back to `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# a word start: not after a word character or a hyphen (the patterns' own left bound)
_WORD_START = re.compile(r"(?<![\w-])[\w\"']")


class WordStarts:
    """The word starts of one sentence, grouped by their first three lower-case characters."""

    __slots__ = ("by_prefix",)

    def __init__(self, s: str) -> None:
        low = s.lower()
        if len(low) != len(s):  # a few characters lower-case to two: keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        by_prefix: dict[str, list[int]] = {}
        for m in _WORD_START.finditer(low):
            i = m.start()
            by_prefix.setdefault(low[i : i + 3], []).append(i)
        self.by_prefix = by_prefix

    def any_of(self, prefixes: frozenset[str] | None) -> bool:
        """Could a pattern with these prefixes match here? (None: cannot tell, so yes.)"""
        return prefixes is None or not prefixes.isdisjoint(self.by_prefix)

    def positions(self, prefixes: frozenset[str], lo: int = 0, hi: int | None = None) -> list[int]:
        found = self.by_prefix.keys() & prefixes
        if not found:
            return []
        if len(found) == 1:
            pos = self.by_prefix[next(iter(found))]
        else:
            pos = sorted(p for k in found for p in self.by_prefix[k])
        if lo or hi is not None:
            pos = [p for p in pos if p >= lo and (hi is None or p < hi)]
        return pos


def finditer(regex: re.Pattern[str], prefixes: frozenset[str] | None, s: str, starts: WordStarts, lo: int = 0, hi: int | None = None) -> Iterator[re.Match[str]]:
    """regex.finditer(s, lo, hi), trying only the word starts that can begin a match."""
    end = len(s) if hi is None else hi
    if prefixes is None:
        yield from regex.finditer(s, lo, end)
        return
    after = -1
    for p in starts.positions(prefixes, lo, end):
        if p < after:
            continue  # inside the previous match: finditer does not overlap matches
        m = regex.match(s, p, end)
        if m is not None:
            yield m
            after = m.end() if m.end() > p else p + 1
