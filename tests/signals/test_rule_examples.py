"""Every example of every rule holds: `match` sentences yield the expected position from
that rule; `no_match` sentences yield no position on the rule's topic."""

from __future__ import annotations

import pytest

from extractors.signals.engine import classify, load_ruleset

RS = load_ruleset()
MATCH = [
    pytest.param(rule, ex, id=f"{rule.id}-match-{i + 1}")
    for rule in RS.rules
    for i, ex in enumerate(rule.examples["match"])
]
NO_MATCH = [
    pytest.param(rule, ex if isinstance(ex, str) else ex["text"], id=f"{rule.id}-no_match-{i + 1}")
    for rule in RS.rules
    for i, ex in enumerate(rule.examples["no_match"])
]


@pytest.mark.parametrize(("rule", "example"), MATCH)
def test_match_example(rule, example) -> None:
    text = f"{example['context']}\n{example['text']}" if example.get("context") else example["text"]
    want = example["expect"]
    result = classify(text, ruleset=RS)
    got = [(p.actor, p.topic, p.stance, {e.rule_id for e in p.support}) for p in result.positions]
    assert any(
        p.actor == want["actor"] and p.topic == want.get("topic", rule.topic) and p.stance == want["stance"]
        and any(e.rule_id == rule.id for e in p.support)
        for p in result.positions
    ), f"want {want} from {rule.id}, got {got}"


@pytest.mark.parametrize(("rule", "text"), NO_MATCH)
def test_no_match_example(rule, text) -> None:
    result = classify(text, ruleset=RS)
    on_topic = [(p.actor, p.stance, p.rule_id) for p in result.positions if p.topic == rule.topic]
    assert not on_topic, f"{rule.topic}: {on_topic}"
