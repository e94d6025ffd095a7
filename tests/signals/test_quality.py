"""The quality gate: the engine scored against gold labelled by docs/annotation.md must stay
above pinned floors (a little under the figures reached; `make eval` prints them all).

The sets (extractors/signals/evaluate.py, SETS): the seeds; the real-derived development and
held-out articles (tests/signals/real/, our wording of real 2025 reporting), the honest figures;
the older imagined articles, kept as a separate set; the labelled sentences. Held-out floors
guard against regressions only: their errors are never printed, never used for fixes.
Raise the floors as the rules improve, never lower them to let a change through.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extractors.signals.evaluate import (
    ARTICLES_DIR,
    HELDOUT_DIR,
    SEEDS_DIR,
    SETS,
    Score,
    eval_set,
    evaluate_articles,
    evaluate_labelled,
    evaluate_no_position,
    evaluate_seeds,
    evaluate_set,
)

# (precision, recall) floors per set; figures reached at this writing in the comments
FLOORS = {
    # mentions with no cue (rules' mention_stance) traded a little precision for recall;
    # threats back their act (accept), so the one seed threat labelled conditional (a hedge) is missed
    "seeds": (0.66, 0.72),  # 0.68 / 0.74
    "real-dev": (0.69, 0.51),  # 0.71 / 0.54 on 200 articles (the 2026-12-01 engine: 0.55 / 0.22 on 100)
    "real-heldout": (0.54, 0.36),  # 0.56 / 0.38 on 90 articles (the 2026-12-01 engine: 0.57 / 0.22 on 58)
    "imagined-dev": (0.78, 0.65),  # 0.81 / 0.676
    "labelled": (0.84, 0.73),  # 0.86 / 0.75
}
SEED_PRECISION, SEED_RECALL = FLOORS["seeds"]
ARTICLE_PRECISION, ARTICLE_RECALL = FLOORS["imagined-dev"]
LABELLED_PRECISION, LABELLED_RECALL = FLOORS["labelled"]
LABELLED_SHIFT_PRECISION, LABELLED_SHIFT_RECALL = 0.8, 0.6  # 0.86 / 0.67
NO_POSITION_MAX_FALSE_POSITIVES = 0


def assert_floors(score: Score, precision: float, recall: float) -> None:
    p, r, _, tp, fp, fn = score.prf()
    detail = f"precision {p:.2f} recall {r:.2f} (tp {tp} fp {fp} fn {fn}):\n" + "\n".join(score.errors)
    assert p >= precision, detail
    assert r >= recall, detail


@pytest.mark.parametrize(
    ("text_dir", "gold_path"),
    [(es.text_dir, g) for es in SETS for g in sorted(es.gold_dir.glob("*.yaml"))],
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_gold_evidence_is_quoted_from_its_article(text_dir: Path, gold_path: Path) -> None:
    """Gold that cites a sentence the article does not hold was written against another text."""
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    text = (text_dir / gold["file"]).read_text(encoding="utf-8")
    items = (gold.get("positions") or []) + (gold.get("reported_shifts") or [])
    assert "positions" in gold, f"{gold_path.name}: no `positions` key (use [] for a text with none)"
    for item in items:
        assert item["evidence"] in text, f"{gold_path.name}: {item['actor']}/{item['topic']}: {item['evidence'][:80]!r}"


def test_development_article_floors() -> None:
    assert_floors(evaluate_articles()[0], ARTICLE_PRECISION, ARTICLE_RECALL)


@pytest.mark.parametrize("name", ["real-dev", "real-heldout"])
def test_real_derived_article_floors(name: str) -> None:
    es = eval_set(name)
    score = evaluate_set(es)[0]
    precision, recall = FLOORS[name]
    p, r, *_ = score.prf()
    if es.heldout:  # totals only: a held-out set's errors are never shown
        assert p >= precision and r >= recall, f"{name}: precision {p:.2f} recall {r:.2f}"
    else:
        assert_floors(score, precision, recall)


def test_real_sets_are_large_enough_and_split() -> None:
    dev = list(eval_set("real-dev").gold_dir.glob("*.yaml"))
    held = list(eval_set("real-heldout").gold_dir.glob("*.yaml"))
    assert len(dev) >= 100 and len(held) >= 50
    assert not {p.name for p in dev} & {p.name for p in held}


def test_seed_gold_floors() -> None:
    assert_floors(evaluate_seeds()[0], SEED_PRECISION, SEED_RECALL)


def test_labelled_sentence_floors() -> None:
    score, _ = evaluate_labelled()
    p, r, _, tp, fp, fn = score.prf()
    assert p >= LABELLED_PRECISION and r >= LABELLED_RECALL, f"precision {p:.2f} recall {r:.2f} (tp {tp} fp {fp} fn {fn})"


def test_labelled_reported_shift_floors() -> None:
    assert_floors(evaluate_labelled()[1], LABELLED_SHIFT_PRECISION, LABELLED_SHIFT_RECALL)


def test_no_position_texts_yield_nothing() -> None:
    n, fps, details = evaluate_no_position()
    assert n >= 5
    assert fps <= NO_POSITION_MAX_FALSE_POSITIVES, details


def test_every_topic_word_match_carries_one_of_its_rule_s_keywords() -> None:
    """The keywords are the prefilter: a sentence without one never meets the rule's
    patterns. So a pattern that can match without a keyword is a silent miss."""
    from extractors.signals.engine import load_ruleset
    from extractors.signals.text import normalise, split_sentences

    rs = load_ruleset()
    texts = [p.read_text(encoding="utf-8") for d in (SEEDS_DIR, ARTICLES_DIR, HELDOUT_DIR) for p in sorted(d.glob("*.txt"))]
    labelled = yaml.safe_load((Path(__file__).parent / "labelled" / "sentences.yaml").read_text(encoding="utf-8"))
    texts += [item["text"] for item in labelled] + [ex["text"] for r in rs.rules for ex in r.examples["match"]]
    missing = []
    for sentence in (s.text for t in texts for s in split_sentences(normalise(t))):
        low = sentence.lower()
        fired = {
            i
            for end, keyword in rs.automaton.iter(low)
            if not (end - keyword.length + 1 > 0 and low[end - keyword.length].isalnum())
            for i in keyword.rules
        }
        for i, rule in enumerate(rs.rules):
            if i not in fired and (m := next((t.regex.search(sentence) for t in rule.terms if t.regex.search(sentence)), None)):
                missing.append(f"{rule.id}: {m.group(0)!r} in {sentence[:80]!r}")
    assert not missing, "\n".join(missing)


# alert grounding on the held-out set replayed through the pipeline (redline.grounding):
# 9 of 10 at this writing (0.90, 90 articles); at least this many alerts, so silence cannot pass
GROUNDING_FLOOR, GROUNDING_MIN_ALERTS = 0.75, 5


def test_alerts_replayed_from_the_held_out_set_are_true_to_their_articles() -> None:
    from redline.grounding import replay

    result = replay()
    assert result.alerts >= GROUNDING_MIN_ALERTS, result.line()
    assert result.share >= GROUNDING_FLOOR, result.line()
