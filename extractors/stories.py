"""Linking syndicated near-copies of one story.

Each article gets a bottom-k sketch: the k smallest hashes of its 5-word shingles.
Two texts that share most of their shingles share most of their sketch, whatever
chrome or headline differs around them; unrelated texts share almost none.
"""

from __future__ import annotations

import heapq
import re
import zlib

SHINGLE_WORDS = 5
SKETCH_SIZE = 32
MIN_SKETCH = 8  # shorter texts are linked only by identical content
SAME_STORY_SHARE = 0.5  # share of the smaller sketch that must match

_WORD = re.compile(r"\w+", re.UNICODE)


def sketch(text: str) -> tuple[int, ...]:
    """Bottom-k shingle hashes of `text` (crc32, stable across processes)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        return ()
    hashes = {
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode("utf-8"))
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    return tuple(sorted(heapq.nsmallest(SKETCH_SIZE, hashes)))


def same_story(shared: int, size_a: int, size_b: int) -> bool:
    """Whether two sketches sharing `shared` hashes are copies of one story."""
    smaller = min(size_a, size_b)
    return smaller >= MIN_SKETCH and shared >= SAME_STORY_SHARE * smaller
