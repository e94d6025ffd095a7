"""The rule set as data: every rule file validates, and a broken one is refused with a
RuleError naming the file, the rule and the reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from extractors.signals.engine import load_ruleset
from extractors.signals.model import ACTORS, STANCES, TOPICS
from extractors.signals.rules import DEFAULT_RULES_DIR
from redline.errors import RuleError

GOOD = {
    "id": "test-rule",
    "title": "A test rule",
    "status": "experimental",
    "topic": "sanctions",
    "description": "test",
    "provenance": "written for the schema test",
    "keywords": ["sanction"],
    "patterns": {"terms": ["sanctions"]},
    "examples": {
        "match": [{"text": "Kallas backed new sanctions.", "expect": {"actor": "europe", "topic": "sanctions", "stance": "accept"}}],
        "no_match": ["Sanctions were discussed."],
    },
}


def write_rules(tmp_path: Path, *rules: dict, name: str = "broken.yaml") -> Path:
    d = tmp_path / "rules"
    d.mkdir(exist_ok=True)
    (d / name).write_text(yaml.safe_dump({"rules": list(rules)}), encoding="utf-8")
    return d


def with_change(**changes: object) -> dict:
    rule = yaml.safe_load(yaml.safe_dump(GOOD))
    for key, value in changes.items():
        if value is None:
            rule.pop(key)
        else:
            rule[key] = value
    return rule


def test_shipped_rule_set_loads_and_covers_every_topic() -> None:
    rs = load_ruleset()
    assert {r.topic for r in rs.rules} == set(TOPICS)
    assert len(rs.version) == 12


def test_every_topic_has_enough_examples() -> None:
    rs = load_ruleset()
    for topic in TOPICS:
        rules = [r for r in rs.rules if r.topic == topic]
        matches = sum(len(r.examples["match"]) for r in rules)
        no_matches = sum(len(r.examples["no_match"]) for r in rules)
        assert matches >= 8, f"{topic}: {matches} match examples"
        assert no_matches >= 4, f"{topic}: {no_matches} no_match examples"


def test_valid_tmp_rule_loads(tmp_path: Path) -> None:
    rs = load_ruleset(write_rules(tmp_path, GOOD, name="ok.yaml"))
    assert [r.id for r in rs.rules] == ["test-rule"]


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        (with_change(topic=None), "missing field(s): topic"),
        (with_change(examples=None), "missing field(s): examples"),
        (with_change(provenance=None), "missing field(s): provenance"),
        (with_change(topic="ceasefire"), "unknown topic 'ceasefire'"),
        (with_change(status="draft"), "unknown status 'draft'"),
        (with_change(patterns={"terms": ["sanctions (on"]}), "does not compile"),
        (with_change(patterns={"terms": ["sanctions\b"]}), "control character"),
        (with_change(patterns={"terms": ["sanctions"], "cues": {"supports": ["backs"]}}), "unknown stance 'supports'"),
        (
            with_change(examples={"match": [{"text": "x", "expect": {"actor": "china", "stance": "accept"}}], "no_match": ["y"]}),
            "unknown actor 'china'",
        ),
        (
            with_change(examples={"match": [{"text": "x", "expect": {"actor": "europe", "stance": "maybe"}}], "no_match": ["y"]}),
            "unknown stance 'maybe'",
        ),
        (with_change(mention_stance="takes part"), "mention_stance: unknown stance 'takes part'"),
    ],
    ids=["missing-topic", "missing-examples", "missing-provenance", "unknown-topic", "unknown-status",
         "bad-pattern", "backspace-in-pattern", "unknown-cue-stance", "unknown-actor", "unknown-stance",
         "unknown-mention-stance"],
)
def test_broken_rule_is_refused_with_file_rule_and_reason(tmp_path: Path, rule: dict, reason: str) -> None:
    d = write_rules(tmp_path, rule)
    with pytest.raises(RuleError) as err:
        load_ruleset(d)
    msg = str(err.value)
    assert "broken.yaml" in msg
    assert "test-rule" in msg or "rule #1" in msg
    assert reason in msg


def test_duplicate_id_across_files_is_refused(tmp_path: Path) -> None:
    d = write_rules(tmp_path, GOOD, name="a.yaml")
    write_rules(tmp_path, GOOD, name="b.yaml")
    with pytest.raises(RuleError, match=r"b\.yaml: rule 'test-rule': duplicate id \(also in a\.yaml\)"):
        load_ruleset(d)


def test_yaml_syntax_error_names_the_file(tmp_path: Path) -> None:
    d = tmp_path / "rules"
    d.mkdir()
    (d / "bad.yaml").write_text("rules: [ {id: x\n", encoding="utf-8")
    with pytest.raises(RuleError, match=r"bad\.yaml: not valid YAML"):
        load_ruleset(d)


def test_version_changes_when_a_rule_changes(tmp_path: Path) -> None:
    d = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, d)
    v1 = load_ruleset(d).version
    f = d / "sanctions.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("status: test", "status: stable", 1), encoding="utf-8")
    assert load_ruleset(d).version != v1


def test_the_vocabulary_has_one_source_that_every_consumer_reads() -> None:
    """extractors/vocabulary.yaml feeds model.py, the lexicon's labels and the alert labels;
    the rule files may name only its ids, and every id has a rule file."""
    from extractors.signals.model import VOCABULARY_FILE
    from redline.alerts.render import actor_label, topic_label

    doc = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))
    assert tuple(e["id"] for e in doc["actors"]) == ACTORS
    assert tuple(e["id"] for e in doc["stances"]) == STANCES
    rs = load_ruleset()
    assert rs.lexicon.labels == {e["id"]: e["label"] for e in doc["actors"]}
    assert {actor_label(e["id"]) for e in doc["actors"]} == {e["in_alerts"] for e in doc["actors"]}
    assert {topic_label(e["id"]) for e in doc["topics"]} == {e["in_alerts"] for e in doc["topics"]}
    assert {r.topic for r in rs.rules} == {e["id"] for e in doc["topics"]}
