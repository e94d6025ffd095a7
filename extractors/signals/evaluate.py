"""Quality gate: precision, recall and F1 of (actor, topic, stance) against hand-written gold.

`make eval` (python -m extractors.signals.evaluate) prints, per topic and overall:
- the five seed articles against seeds/gold/*.yaml (a position matches on actor, topic
  and stance within its article), and the same for the development articles in
  tests/signals/articles/;
- the labelled sentences in tests/signals/labelled/sentences.yaml (each sentence is
  classified after its context; only positions evidenced in the sentence itself count);
- false positives on the texts in tests/signals/labelled/no_position/ (should be none);
- reported shifts against the gold shifts (actor, topic, to_stance).
tests/signals/test_quality.py fails when the figures drop below the pinned floors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from extractors.signals.engine import classify, load_ruleset
from extractors.signals.model import TOPICS
from extractors.signals.rules import RuleSet
from extractors.signals.text import normalise, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "seeds"
GOLD_DIR = SEEDS_DIR / "gold"
LABELLED = ROOT / "tests" / "signals" / "labelled" / "sentences.yaml"
# eight more articles with hand-written gold (written by an annotator who never ran the
# engine); used to find failure modes, so their figures are optimistic for unseen text
ARTICLES_DIR = ROOT / "tests" / "signals" / "articles"
# four articles kept apart: never used to find or fix a failure, so their figure is the honest
# one for unseen text; `make eval` prints only their totals, never their errors
HELDOUT_DIR = ROOT / "tests" / "signals" / "heldout"
NO_POSITION_DIR = ROOT / "tests" / "signals" / "labelled" / "no_position"

Triple = tuple[str, str, str]


@dataclass
class Score:
    """Counts per topic; precision/recall/F1 derived."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, predicted: set[Triple], gold: set[Triple]) -> None:
        for t in predicted & gold:
            self.tp[t[1]] += 1
        for t in predicted - gold:
            self.fp[t[1]] += 1
            self.errors.append(f"{where}: false positive {'/'.join(t)}")
        for t in gold - predicted:
            self.fn[t[1]] += 1
            self.errors.append(f"{where}: missed {'/'.join(t)}")

    def prf(self, topic: str | None = None) -> tuple[float, float, float, int, int, int]:
        tp = self.tp[topic] if topic else sum(self.tp.values())
        fp = self.fp[topic] if topic else sum(self.fp.values())
        fn = self.fn[topic] if topic else sum(self.fn.values())
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp, fp, fn

    def table(self, title: str) -> str:
        lines = [title, f"  {'topic':22} {'prec':>6} {'recall':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for topic in TOPICS:
            p, r, f, tp, fp, fn = self.prf(topic)
            if tp + fp + fn:
                lines.append(f"  {topic:22} {p:6.2f} {r:6.2f} {f:6.2f} {tp:4d} {fp:4d} {fn:4d}")
        p, r, f, tp, fp, fn = self.prf()
        lines.append(f"  {'OVERALL':22} {p:6.2f} {r:6.2f} {f:6.2f} {tp:4d} {fp:4d} {fn:4d}")
        return "\n".join(lines)


def evaluate_seeds(rs: RuleSet | None = None) -> tuple[Score, Score]:
    """(positions score, reported-shift score) over the seed articles with gold files."""
    return evaluate_articles(rs, SEEDS_DIR, GOLD_DIR)


def evaluate_articles(rs: RuleSet | None = None, text_dir: Path = ARTICLES_DIR, gold_dir: Path | None = None) -> tuple[Score, Score]:
    """(positions score, reported-shift score) over the articles of `text_dir` whose gold
    files are in `gold_dir` (default: text_dir/gold)."""
    rs = rs or load_ruleset()
    pos, shifts = Score(), Score()
    for gold_path in sorted((gold_dir or text_dir / "gold").glob("*.yaml")):
        gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
        text = (text_dir / gold["file"]).read_text(encoding="utf-8")
        c = classify(text, ruleset=rs)
        predicted = {(p.actor, p.topic, p.stance) for p in c.positions}
        expected = {(g["actor"], g["topic"], g["stance"]) for g in gold.get("positions") or []}
        pos.add(gold["file"], predicted, expected)
        got = {(s.actor, s.topic, s.to_stance) for s in c.reported_shifts}
        want = {(g["actor"], g["topic"], g["to_stance"]) for g in gold.get("reported_shifts") or []}
        shifts.add(gold["file"], got, want)
    return pos, shifts


def sentence_positions(text: str, context: str | None, rs: RuleSet) -> tuple[set[Triple], set[Triple]]:
    """Positions and shifts evidenced in `text` itself when it follows `context`."""
    context = (context or "").strip()
    n_ctx = len(split_sentences(normalise(context))) if context else 0
    full = f"{context}\n{text}" if context else text
    c = classify(full, ruleset=rs)
    out: set[Triple] = set()
    for p in c.positions:
        own = [e for e in p.support if e.sentence_index >= n_ctx]
        if own:
            best = max(own, key=lambda e: e.confidence)
            out.add((p.actor, p.topic, best.stance))
    target = {s.text for s in split_sentences(normalise(text))}
    shifts = {(s.actor, s.topic, s.to_stance) for s in c.reported_shifts if s.evidence in target}
    return out, shifts


def evaluate_labelled(rs: RuleSet | None = None, path: Path = LABELLED) -> tuple[Score, Score]:
    rs = rs or load_ruleset()
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    pos, shifts = Score(), Score()
    for item in items:
        got, got_shifts = sentence_positions(item["text"], item.get("context"), rs)
        want = {(e["actor"], e["topic"], e["stance"]) for e in item.get("expect") or []}
        pos.add(item["id"], got, want)
        sh = item.get("shift")
        want_sh = {(sh["actor"], sh["topic"], sh["to_stance"])} if sh else set()
        shifts.add(item["id"], got_shifts, want_sh)
    return pos, shifts


def evaluate_no_position(rs: RuleSet | None = None, directory: Path = NO_POSITION_DIR) -> tuple[int, int, list[str]]:
    """(texts, false positives, details) over texts that state no position."""
    rs = rs or load_ruleset()
    files = sorted(directory.glob("*.txt"))
    details = []
    for f in files:
        c = classify(f.read_text(encoding="utf-8"), ruleset=rs)
        for p in c.positions:
            details.append(f"{f.name}: {p.actor}/{p.topic}/{p.stance}: {p.evidence[:120]}")
        for s in c.reported_shifts:
            details.append(f"{f.name}: shift {s.actor}/{s.topic}: {s.evidence[:120]}")
    return len(files), len(details), details


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extractors.signals.evaluate", description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every false positive and miss")
    ap.add_argument("--json", action="store_true", help="print the overall figures as JSON")
    args = ap.parse_args(argv)
    rs = load_ruleset()
    seeds, seed_shifts = evaluate_seeds(rs)
    articles, art_shifts = evaluate_articles(rs)
    labelled, lab_shifts = evaluate_labelled(rs)
    heldout, ho_shifts = evaluate_articles(rs, HELDOUT_DIR)
    n_np, fp_np, np_details = evaluate_no_position(rs)
    if args.json:
        out = {
            "ruleset_version": rs.version,
            "seeds": dict(zip(("precision", "recall", "f1"), seeds.prf()[:3], strict=True)),
            "articles": dict(zip(("precision", "recall", "f1"), articles.prf()[:3], strict=True)),
            "labelled": dict(zip(("precision", "recall", "f1"), labelled.prf()[:3], strict=True)),
            "heldout": dict(zip(("precision", "recall", "f1"), heldout.prf()[:3], strict=True)),
            "no_position_false_positives": fp_np,
        }
        print(json.dumps(out, indent=2))
        return 0
    print(f"rule set {rs.version}: {len(rs.rules)} rules in {len(rs.files)} files\n")
    print(seeds.table("Seed articles (seeds/gold), positions (actor, topic, stance):"))
    print()
    print(articles.table(f"Development articles ({ARTICLES_DIR.relative_to(ROOT)}), positions:"))
    print()
    print(labelled.table(f"Labelled sentences ({LABELLED.relative_to(ROOT)}):"))
    print()
    for name, sc in (("seeds", seed_shifts), ("articles", art_shifts), ("labelled", lab_shifts)):
        p, r, f, tp, fp, fn = sc.prf()
        print(f"Reported shifts ({name}), actor+topic+to_stance: precision {p:.2f} recall {r:.2f} F1 {f:.2f} (tp {tp}, fp {fp}, fn {fn})")
    p, r, f, tp, fp, fn = heldout.prf()
    sp, sr, _, stp, sfp, sfn = ho_shifts.prf()
    print(f"\nHeld-out articles ({HELDOUT_DIR.relative_to(ROOT)}, never used for fixes; totals only):")
    print(f"  positions precision {p:.2f} recall {r:.2f} F1 {f:.2f} (tp {tp}, fp {fp}, fn {fn}); reported shifts precision {sp:.2f} recall {sr:.2f} (tp {stp}, fp {sfp}, fn {sfn})")
    print(f"\nTexts stating no position: {n_np} texts, {fp_np} false positive(s)")
    if args.errors:
        for line in [*seeds.errors, *articles.errors, *labelled.errors, *seed_shifts.errors, *art_shifts.errors, *lab_shifts.errors, *np_details]:
            print("  " + line)
    elif np_details:
        for line in np_details:
            print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
