"""Rule words match across inflection through the lemmatiser (extractors/signals/inflect.py)."""

from __future__ import annotations

import re

import pytest

from extractors.signals.engine import classify, load_ruleset
from extractors.signals.inflect import forms, keyword_forms, widen


def test_forms_come_from_the_lemmatiser() -> None:
    assert {"troop", "troops"} <= set(forms("troop"))
    assert {"withdraw", "withdrew", "withdrawn", "withdrawing"} <= set(forms("withdraw"))
    assert {"sanction", "sanctions", "sanctioned"} <= set(forms("sanctions"))
    assert "peacekeepers" in forms("peacekeeper")  # not in the dictionary: a noun's regular plural


def test_skipped_and_short_words_keep_their_form() -> None:
    assert forms("will") == ("will",)  # never "willing"
    assert forms("end") == ("end",)  # below min_length


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("deploy(?:ment)? of (?:european )?(?:troop|peacekeeper)", "deployment of european troops", True),
        ("withdraw from (?:the )?donbas", "withdrew from the donbas", True),
        ("recogni(?:se|ze) crimea", "recognising crimea", False),  # a stem glued to syntax is left alone
        ("troops?", "troop", True),
        ("(?<![\\w-])halt to (?:the )?fighting", "halting to the fighting", True),
    ],
)
def test_widen_keeps_syntax_and_widens_whole_words(pattern: str, text: str, matches: bool) -> None:
    widened = widen(pattern)
    re.compile(widened)  # look-behinds keep a fixed width
    assert bool(re.fullmatch(widened, text, re.I)) is matches


def test_escapes_and_classes_are_copied() -> None:
    assert widen(r"\bwithdraw[a-z]*\b") == r"\bwithdraw[a-z]*\b"


def test_keyword_forms_add_only_what_a_prefix_does_not_find() -> None:
    assert "withdrew" in keyword_forms("withdraw")
    assert "withdrawn" not in keyword_forms("withdraw")  # "withdraw" is already its prefix
    assert keyword_forms("cease-fire") == ()  # hyphenated words stay as written
    assert "security arrangement" in keyword_forms("security arrangements")


def test_an_inflected_form_written_nowhere_in_the_rules_is_read() -> None:
    rs = load_ruleset()
    # the foreign-troops rule names "soldiers"; the singular is the lemmatiser's
    text = "The Kremlin rejected the presence of even one European soldier in Ukraine."
    got = {(p.actor, p.topic, p.stance) for p in classify(text, ruleset=rs).positions}
    assert ("russia", "foreign_troops", "reject") in got
