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
from typing import Any

# a word start: not after a word character or a hyphen (the patterns' own left bound)
_WORD_START = re.compile(r"(?<![\w-])[\w\"']")


class PrefixTable:
    """Where patterns can start: first three characters -> prefix length n -> the n-character
    prefix -> ids of the patterns (id(owner)) whose matches begin with it. A pattern is known
    by the longest literal prefix it allows (3 to 6 characters, see rules.best_prefixes)."""

    __slots__ = ("by_prefix", "anywhere")

    def __init__(self, items: Iterable[tuple[object, frozenset[str] | None]]) -> None:
        self.by_prefix: dict[str, dict[int, dict[str, list[int]]]] = {}
        self.anywhere: set[int] = set()  # patterns whose start cannot be told: always run
        for owner, prefixes in items:
            if prefixes is None:
                self.anywhere.add(id(owner))
                continue
            for p in prefixes:
                by_n = self.by_prefix.setdefault(p[:3], {})
                by_n.setdefault(len(p), {}).setdefault(p, []).append(id(owner))


class Candidates:
    """Where the patterns of some PrefixTables may start in one sentence.

    The sentence's word starts are read once; a table's patterns are indexed only when
    `add` is called for it (a sentence whose topic words do not match never needs the
    stance cues' positions)."""

    __slots__ = ("s", "low", "words", "tables", "at", "unsorted", "anywhere")

    def __init__(self, s: str, *tables: PrefixTable) -> None:
        low = s.lower()
        if len(low) != len(s):  # a few characters lower-case to two: keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        words: dict[str, list[int]] = {}  # first three characters -> word starts, in order
        for i in [m.start() for m in _WORD_START.finditer(low)]:
            k = low[i : i + 3]
            if k in words:
                words[k].append(i)
            else:
                words[k] = [i]
        self.s, self.low, self.words = s, low, words
        self.tables: list[int] = []
        self.at: dict[int, list[int]] = {}  # id(owner) -> where it may start
        self.unsorted: set[int] = set()  # owners whose starts came out of order
        self.anywhere: set[int] = set()
        for table in tables:
            self.add(table)

    def add(self, table: PrefixTable) -> None:
        """Index the patterns of `table` (once)."""
        if id(table) in self.tables:
            return
        self.tables.append(id(table))
        self.anywhere |= table.anywhere
        at, unsorted, by_prefix, low = self.at, self.unsorted, table.by_prefix, self.low
        for k, starts in self.words.items():
            by_n = by_prefix.get(k)
            if not by_n:
                continue
            for n, owners_by in by_n.items():
                if n == 3:  # known by these three characters only: every start counts
                    pairs = [(starts, owners_by[k])]
                else:
                    pairs = [([p], owners) for p in starts if (owners := owners_by.get(low[p : p + n]))]
                for found, owners in pairs:
                    for o in owners:
                        got = at.get(o)
                        if got is None:
                            at[o] = list(found)
                        else:
                            if found[0] < got[-1]:
                                unsorted.add(o)
                            got.extend(found)

    def matches_of(self, owners: Iterable[Any], lo: int = 0, hi: int | None = None) -> list[tuple[Any, re.Match[str]]]:
        """(owner, match) for every owner's `.regex` (in owner order): matches() over many
        patterns in one call, skipping at once those that cannot match here."""
        at, anywhere = self.at, self.anywhere
        out: list[tuple[Any, re.Match[str]]] = []
        for o in owners:
            key = id(o)
            if key in at or key in anywhere:
                out.extend((o, m) for m in self.matches(o, o.regex, lo, hi))
        return out

    def may_match(self, owner: object) -> bool:
        """False when the pattern cannot match this sentence (a cheap test before matches())."""
        key = id(owner)
        return key in self.at or key in self.anywhere

    def matches(self, owner: object, regex: re.Pattern[str], lo: int = 0, hi: int | None = None) -> list[re.Match[str]]:
        """What regex.finditer(s, lo, hi) would find, trying only the candidate starts."""
        key = id(owner)
        positions = self.at.get(key)
        s = self.s
        end = len(s) if hi is None else hi
        if positions is None:
            if key in self.anywhere:
                return list(regex.finditer(s, lo, end))
            return []
        if key in self.unsorted:
            positions = self.at[key] = sorted(set(positions))
            self.unsorted.discard(key)
        out: list[re.Match[str]] = []
        after = lo
        match = regex.match
        for p in positions:
            if p < after or p >= end:
                continue  # outside the stretch, or inside the previous match (no overlaps)
            m = match(s, p, end)
            if m is not None:
                out.append(m)
                after = max(m.end(), p + 1)
        return out
