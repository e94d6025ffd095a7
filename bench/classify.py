"""Signal-engine throughput on one core: articles/s and MB/s on ~1,000-word articles.

The articles are built from the seed texts' sentences (real coverage of the ceasefire
diplomacy, dense in topic words) mixed with the no-position texts, shuffled into
1,000-word documents, so the prefilter sees a realistic share of candidate sentences.
Prints figures; asserts nothing (speed is measured here, never in tests).
Usage: python bench/classify.py [--articles N] [--words W] [--passes P]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.signals.engine import classify, load_ruleset  # noqa: E402


def corpus() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests/signals/labelled/no_position").glob("*.txt"))]
    sentences: list[str] = []
    for t in texts:
        sentences += [s.strip() for s in re.split(r"(?<=[.!?”\"])\s+", t) if len(s.split()) > 3]
    return sentences


def articles(n: int, words: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    pool = corpus()
    out = []
    for _ in range(n):
        parts: list[str] = []
        count = 0
        while count < words:
            s = rnd.choice(pool)
            parts.append(s)
            count += len(s.split())
        # paragraphs of about five sentences, as extracted article text has
        out.append("\n".join(" ".join(parts[i : i + 5]) for i in range(0, len(parts), 5)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--words", type=int, default=1000)
    ap.add_argument("--passes", type=int, default=3, help="passes over the articles (default 3)")
    args = ap.parse_args()
    t0 = time.perf_counter()
    rs = load_ruleset()
    load_s = time.perf_counter() - t0
    docs = articles(args.articles, args.words)
    mb = sum(len(d.encode()) for d in docs) / 1e6
    classify(docs[0], ruleset=rs)  # warm-up
    print(f"rule set {rs.version}: {len(rs.rules)} rules, loaded and compiled in {load_s * 1000:.0f} ms")
    print(f"{len(docs)} articles of ~{args.words} words ({mb:.2f} MB), one core, {args.passes} passes")
    rates = []
    positions = 0
    for i in range(args.passes):
        positions = 0
        t0, c0 = time.perf_counter(), time.process_time()
        for d in docs:
            positions += len(classify(d, ruleset=rs).positions)
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rates.append(len(docs) / cpu)
        # CPU time is what one core can do; wall clock also counts whatever else shares the machine
        print(f"  pass {i + 1}: {len(docs) / cpu:8.1f} articles/s CPU time ({len(docs) / dt:.1f} wall clock), {mb / cpu:.2f} MB/s")
    # a shared machine's speed drifts from minute to minute: the median pass is the figure
    median = statistics.median(rates)
    print(f"  median {median:8.1f} articles/s, {median * mb / len(docs):.2f} MB/s (best {max(rates):.1f}, worst {min(rates):.1f}; target >= 200)")
    print(f"  {positions / len(docs):8.2f} positions per article")
    return 0


if __name__ == "__main__":
    sys.exit(main())
