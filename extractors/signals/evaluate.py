"""Quality gate: the engine scored against gold labelled by `docs/annotation.md`.

`make eval` (python -m extractors.signals.evaluate) prints, per evaluation set:
- precision, recall and F1 of (actor, topic, stance), per topic and overall;
- the same for (actor, topic), the stance confusions, and reported shifts
  (actor, topic, to_stance);
- for held-out sets only the totals: their errors are never shown, so they stay unseen;
- false positives on the texts that state no position (should be none).

A gold unit is (article, actor, topic). Where the article reports a change, the gold lists
both stances and finding either counts (ANNOTATION.md, "The unit").

The sets (see `SETS`): the seed articles; the real-derived development and held-out
articles (tests/signals/real/, our wording of real 2025 reporting, DEVDATA.md); the older
imagined articles, kept as a separate set and no longer pinned; the labelled sentences.
The alert grounding of the held-out replay is printed by `python -m redline.grounding`
(`make eval` runs both). tests/signals/test_quality.py fails below the pinned floors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from extractors.signals.engine import classify, load_ruleset
from extractors.signals.model import TOPICS
from extractors.signals.rules import RuleSet
from extractors.signals.text import normalise, split_sentences

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT / "seeds"
GOLD_DIR = SEEDS_DIR / "gold"
LABELLED = ROOT / "tests" / "signals" / "labelled" / "sentences.yaml"
REAL_DIR = ROOT / "tests" / "signals" / "real"
REAL_DEV_DIR = REAL_DIR / "dev"
REAL_HELDOUT_DIR = REAL_DIR / "heldout"
# the first development articles, written from imagination: kept as a separate set only
ARTICLES_DIR = ROOT / "tests" / "signals" / "articles"
HELDOUT_DIR = ROOT / "tests" / "signals" / "heldout"
NO_POSITION_DIR = ROOT / "tests" / "signals" / "labelled" / "no_position"

Triple = tuple[str, str, str]
Unit = tuple[str, str]


@dataclass(frozen=True)
class EvalSet:
    name: str
    text_dir: Path
    gold_dir: Path
    heldout: bool = False  # totals only; never used to find or fix a failure


SETS = (
    EvalSet("seeds", SEEDS_DIR, GOLD_DIR),
    EvalSet("real-dev", REAL_DEV_DIR, REAL_DEV_DIR / "gold"),
    EvalSet("real-heldout", REAL_HELDOUT_DIR, REAL_HELDOUT_DIR / "gold", heldout=True),
    EvalSet("imagined-dev", ARTICLES_DIR, ARTICLES_DIR / "gold"),
    EvalSet("imagined-heldout", HELDOUT_DIR, HELDOUT_DIR / "gold", heldout=True),
)


def eval_set(name: str) -> EvalSet:
    return next(s for s in SETS if s.name == name)


@dataclass
class Score:
    """Counts per topic over units; precision/recall/F1 derived."""

    tp: Counter = field(default_factory=Counter)
    fp: Counter = field(default_factory=Counter)
    fn: Counter = field(default_factory=Counter)
    # the same without the stance: was the (actor, topic) found at all?
    unit_tp: int = 0
    unit_fp: int = 0
    unit_fn: int = 0
    confusion: Counter = field(default_factory=Counter)  # (gold stance, predicted stance)
    errors: list[str] = field(default_factory=list)

    def add(self, where: str, predicted: set[Triple], gold: set[Triple]) -> None:
        """`gold` may hold two stances for one (actor, topic): a reported change, either counts."""
        want: dict[Unit, set[str]] = defaultdict(set)
        for a, t, s in gold:
            want[(a, t)].add(s)
        got: dict[Unit, set[str]] = defaultdict(set)
        for a, t, s in predicted:
            got[(a, t)].add(s)
        for unit, stances in got.items():
            for s in sorted(stances):
                if s in want.get(unit, ()):
                    self.tp[unit[1]] += 1
                else:
                    self.fp[unit[1]] += 1
                    self.errors.append(f"{where}: false positive {'/'.join((*unit, s))}")
            if unit in want:
                self.unit_tp += 1
                if not stances & want[unit]:
                    for g in sorted(want[unit]):
                        for s in sorted(stances):
                            self.confusion[(g, s)] += 1
            else:
                self.unit_fp += 1
        for unit, stances in want.items():
            if not stances & got.get(unit, set()):
                self.fn[unit[1]] += 1
                self.errors.append(f"{where}: missed {'/'.join((*unit, '|'.join(sorted(stances))))}")
            if unit not in got:
                self.unit_fn += 1

    def prf(self, topic: str | None = None) -> tuple[float, float, float, int, int, int]:
        tp = self.tp[topic] if topic else sum(self.tp.values())
        fp = self.fp[topic] if topic else sum(self.fp.values())
        fn = self.fn[topic] if topic else sum(self.fn.values())
        return (*_prf(tp, fp, fn), tp, fp, fn)

    def unit_prf(self) -> tuple[float, float, float]:
        return _prf(self.unit_tp, self.unit_fp, self.unit_fn)

    def table(self, title: str) -> str:
        lines = [title, f"  {'topic':22} {'prec':>6} {'recall':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}"]
        for topic in TOPICS:
            p, r, f, tp, fp, fn = self.prf(topic)
            if tp + fp + fn:
                lines.append(f"  {topic:22} {p:6.2f} {r:6.2f} {f:6.2f} {tp:4d} {fp:4d} {fn:4d}")
        lines.append(self.total_line())
        return "\n".join(lines)

    def total_line(self) -> str:
        p, r, f, tp, fp, fn = self.prf()
        up, ur, uf = self.unit_prf()
        return (f"  {'OVERALL':22} {p:6.2f} {r:6.2f} {f:6.2f} {tp:4d} {fp:4d} {fn:4d}"
                f"   (actor, topic): P {up:.2f} R {ur:.2f} F1 {uf:.2f}")

    def confusion_table(self) -> str:
        if not self.confusion:
            return "  stance confusions: none"
        head = "  stance confusions (gold -> engine): "
        return head + ", ".join(f"{g}->{s} {n}" for (g, s), n in sorted(self.confusion.items(), key=lambda kv: -kv[1]))


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def load_gold(gold_path: Path) -> dict[str, Any]:
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    if not isinstance(gold, dict) or "file" not in gold:
        raise ValueError(f"{gold_path}: not a gold file (needs at least `file` and `positions`)")
    return gold


def gold_triples(gold: dict[str, Any]) -> set[Triple]:
    return {(g["actor"], g["topic"], g["stance"]) for g in gold.get("positions") or []}


def gold_shifts(gold: dict[str, Any]) -> set[Triple]:
    return {(g["actor"], g["topic"], g["to_stance"]) for g in gold.get("reported_shifts") or []}


def evaluate_set(es: EvalSet, rs: RuleSet | None = None) -> tuple[Score, Score]:
    """(positions score, reported-shift score) over the articles of one set."""
    return evaluate_articles(rs, es.text_dir, es.gold_dir)


def evaluate_seeds(rs: RuleSet | None = None) -> tuple[Score, Score]:
    """(positions score, reported-shift score) over the seed articles with gold files."""
    return evaluate_articles(rs, SEEDS_DIR, GOLD_DIR)


def evaluate_articles(rs: RuleSet | None = None, text_dir: Path = ARTICLES_DIR, gold_dir: Path | None = None) -> tuple[Score, Score]:
    """(positions score, reported-shift score) over the articles of `text_dir` whose gold
    files are in `gold_dir` (default: text_dir/gold)."""
    rs = rs or load_ruleset()
    pos, shifts = Score(), Score()
    for gold_path in sorted((gold_dir or text_dir / "gold").glob("*.yaml")):
        gold = load_gold(gold_path)
        text = (text_dir / gold["file"]).read_text(encoding="utf-8")
        c = classify(text, ruleset=rs)
        pos.add(gold["file"], {(p.actor, p.topic, p.stance) for p in c.positions}, gold_triples(gold))
        shifts.add(gold["file"], {(s.actor, s.topic, s.to_stance) for s in c.reported_shifts}, gold_shifts(gold))
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


def no_position_texts() -> list[tuple[str, str]]:
    """(name, text) of every text that states no position: the labelled no-position
    paragraphs and the development articles whose gold is empty (op-eds, analyses)."""
    out = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(NO_POSITION_DIR.glob("*.txt"))]
    for es in SETS:
        if es.heldout or not es.gold_dir.is_dir():
            continue
        for g in sorted(es.gold_dir.glob("*.yaml")):
            gold = load_gold(g)
            if not gold.get("positions") and not gold.get("reported_shifts"):
                out.append((gold["file"], (es.text_dir / gold["file"]).read_text(encoding="utf-8")))
    return out


def evaluate_no_position(rs: RuleSet | None = None, directory: Path | None = None) -> tuple[int, int, list[str]]:
    """(texts, false positives, details) over texts that state no position."""
    rs = rs or load_ruleset()
    texts = [(f.name, f.read_text(encoding="utf-8")) for f in sorted(directory.glob("*.txt"))] if directory else no_position_texts()
    details = []
    for name, text in texts:
        c = classify(text, ruleset=rs)
        for p in c.positions:
            details.append(f"{name}: {p.actor}/{p.topic}/{p.stance}: {p.evidence[:120]}")
        for s in c.reported_shifts:
            details.append(f"{name}: shift {s.actor}/{s.topic}: {s.evidence[:120]}")
    return len(texts), len(details), details


def figures(rs: RuleSet | None = None) -> dict[str, Any]:
    """Every set's overall figures (what `--json` prints and the tests pin)."""
    rs = rs or load_ruleset()
    out: dict[str, Any] = {"ruleset_version": rs.version}
    for es in SETS:
        if not es.gold_dir.is_dir():
            continue
        pos, sh = evaluate_set(es, rs)
        out[es.name] = _summary(pos, sh)
    pos, sh = evaluate_labelled(rs)
    out["labelled"] = _summary(pos, sh)
    n, fps, _ = evaluate_no_position(rs)
    out["no_position"] = {"texts": n, "false_positives": fps}
    return out


def _summary(pos: Score, sh: Score) -> dict[str, Any]:
    p, r, f, tp, fp, fn = pos.prf()
    up, ur, uf = pos.unit_prf()
    sp, sr, sf, stp, sfp, sfn = sh.prf()
    return {
        "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn,
        "unit_precision": round(up, 3), "unit_recall": round(ur, 3), "unit_f1": round(uf, 3),
        "shift_precision": round(sp, 3), "shift_recall": round(sr, 3), "shift_f1": round(sf, 3),
        "shift_tp": stp, "shift_fp": sfp, "shift_fn": sfn,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m extractors.signals.evaluate", description=__doc__.splitlines()[0],
        epilog="example: python -m extractors.signals.evaluate --errors real-dev",
    )
    ap.add_argument("--errors", nargs="?", const="all", metavar="SET",
                    help="list every false positive and miss (of one set, or all development sets); never of a held-out set")
    ap.add_argument("--json", action="store_true", help="print the overall figures as JSON")
    args = ap.parse_args(argv)
    rs = load_ruleset()
    if args.json:
        print(json.dumps(figures(rs), indent=2))
        return 0
    known = [s.name for s in SETS if not s.heldout] + ["labelled"]
    if args.errors not in (None, "all", *known):
        print(f"evaluate: --errors takes one of {', '.join(known)} (held-out errors are never shown)", file=sys.stderr)
        return 2
    print(f"rule set {rs.version}: {len(rs.rules)} rules in {len(rs.files)} files\n")
    errors: list[str] = []
    for es in SETS:
        if not es.gold_dir.is_dir():
            continue
        pos, sh = evaluate_set(es, rs)
        n = len(list(es.gold_dir.glob("*.yaml")))
        title = f"{es.name} ({es.text_dir.relative_to(ROOT)}, {n} articles)"
        sp, sr, sf, stp, sfp, sfn = sh.prf()
        shifts = f"  reported shifts: precision {sp:.2f} recall {sr:.2f} F1 {sf:.2f} (tp {stp}, fp {sfp}, fn {sfn})"
        if es.heldout:
            print(f"{title}, held out: totals only")
            print(f"  {'':22} {'prec':>6} {'recall':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
            print(pos.total_line())
            print(shifts)
        else:
            print(pos.table(f"{title}, positions (actor, topic, stance):"))
            print(pos.confusion_table())
            print(shifts)
            if args.errors in ("all", es.name):
                errors += pos.errors + sh.errors
        print()
    lab, lab_sh = evaluate_labelled(rs)
    print(lab.table(f"labelled sentences ({LABELLED.relative_to(ROOT)}):"))
    print(lab.confusion_table())
    p, r, f, tp, fp, fn = lab_sh.prf()
    print(f"  reported shifts: precision {p:.2f} recall {r:.2f} F1 {f:.2f} (tp {tp}, fp {fp}, fn {fn})")
    if args.errors in ("all", "labelled"):
        errors += lab.errors + lab_sh.errors
    n_np, fp_np, np_details = evaluate_no_position(rs)
    print(f"\nTexts stating no position: {n_np} texts, {fp_np} false positive(s)")
    for line in [*errors, *np_details]:
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
