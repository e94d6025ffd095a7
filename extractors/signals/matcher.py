"""Running compiled patterns only where they can start.

Python's `re` tries every alternative of a big case-insensitive alternation at every
position of a sentence: that was most of the engine's time. Every rule pattern, cue group,
shift pattern and the reporting verbs know (rules.best_prefixes) the lower-case literal
prefix, 3 to 6 characters, their matches must begin with, and every match begins at a word
start. So the rule set keeps a table from prefix to the patterns that can begin with it
(PrefixTable: every pattern of the rule set, built once at load), a sentence is read once
to find its word starts (Candidates), and a pattern is tried (`regex.match`) only where its
prefix stands.
Which patterns may start at a word start depends only on the six characters there, and
news text repeats its words, so each table remembers the answer per six-character window.
The matches are exactly those of `regex.finditer` (leftmost first, non-overlapping); a
pattern without known prefixes falls back to `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# a word start: not after a word character or a hyphen (the patterns' own left bound)
_WORD_START = re.compile(r"(?<![\w-])[\w\"']")
_start = re.Match.start
_SPACES = re.compile(r"\s")  # one for one: offsets stay aligned
WINDOW = 6  # the longest prefix best_prefixes gives
_MEMO_LIMIT = 100_000  # six-character windows remembered per table before starting afresh
_NONE: tuple[int, ...] = ()


class PrefixTable:
    """Where patterns can start: prefix length n -> n-character prefix -> ids of the
    patterns (id(owner)) whose matches begin with it. A pattern is known by the longest
    literal prefix it allows (3 to 6 characters, see rules.best_prefixes)."""

    __slots__ = ("by_length", "anywhere", "memo")

    def __init__(self, items: Iterable[tuple[object, frozenset[str] | None]]) -> None:
        self.by_length: dict[int, dict[str, list[int]]] = {}
        self.anywhere: set[int] = set()  # patterns whose start cannot be told: always run
        self.memo: dict[str, tuple[int, ...]] = {}  # six-character window -> owners_at()
        for owner, prefixes in items:
            if prefixes is None:
                self.anywhere.add(id(owner))
                continue
            for p in prefixes:
                if not 1 <= len(p) <= WINDOW:
                    raise ValueError(f"prefix {p!r}: prefixes are 1 to {WINDOW} characters")
                self.by_length.setdefault(len(p), {}).setdefault(p, []).append(id(owner))

    def owners_at(self, window: str) -> tuple[int, ...]:
        """Ids of the patterns that may start where the text reads `window` (remembered)."""
        got = self.memo.get(window)
        if got is None:
            found = [o for n, table in self.by_length.items() for o in table.get(window[:n], ())]
            got = tuple(dict.fromkeys(found)) if found else _NONE
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[window] = got
        return got


class Candidates:
    """Where the patterns of a PrefixTable may start in one sentence: its word starts are
    read once, each looked up in the table's memo."""

    __slots__ = ("s", "at", "anywhere")

    def __init__(self, s: str, table: PrefixTable) -> None:
        low = s.lower()
        if len(low) != len(s):  # a few characters lower-case to two: keep offsets aligned
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        if not low.isprintable():  # a tab or newline reads as the space a prefix names (\s in a pattern)
            low = _SPACES.sub(" ", low)
        self.s = s
        self.anywhere = table.anywhere
        memo, owners_at = table.memo, table.owners_at
        at: dict[int, list[int]] = {}  # id(owner) -> where it may start, in order
        starts = list(map(_start, _WORD_START.finditer(low)))
        windows = [low[i : i + WINDOW] for i in starts]
        for p, window, owners in zip(starts, windows, map(memo.get, windows), strict=True):
            if not owners:
                if owners is not None:
                    continue  # most words start no pattern
                owners = owners_at(window)
            for o in owners:
                got = at.get(o)
                if got is None:
                    at[o] = [p]
                else:
                    got.append(p)
        self.at = at

    def matches_of(self, owners: Iterable[Any], lo: int = 0, hi: int | None = None) -> list[tuple[Any, re.Match[str]]]:
        """(owner, match) for every owner's `.regex` (in owner order): matches() over many
        patterns in one call, skipping at once those that cannot match here."""
        at, anywhere, s = self.at, self.anywhere, self.s
        end = len(s) if hi is None else hi
        out: list[tuple[Any, re.Match[str]]] = []
        for o in owners:
            key = id(o)
            if key not in at:
                if key in anywhere:
                    out.extend((o, m) for m in o.regex.finditer(s, lo, end))
                continue
            # matches(), inline: a call per pattern is much of the time here
            positions = at[key]
            after = lo
            match = o.regex.match
            for p in positions:
                if p < after or p >= end:
                    continue
                m = match(s, p, end)
                if m is not None:
                    out.append((o, m))
                    after = max(m.end(), p + 1)
        return out

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
