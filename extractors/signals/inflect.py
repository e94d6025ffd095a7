"""Rule words across inflection, from a maintained lemmatiser (lemminflect).

A rule names a word once ("troop", "withdraw", "sanction"); `widen` rewrites a pattern so
each of its literal content words matches every inflected form of its lemmas ("troops",
"withdrew", "sanctioning"). The patterns stay regular expressions, compiled once with the
rule set, so matching costs what it did; `explain` shows the words as they matched.
Settings (parts of speech, minimum length, words never widened) are in
extractors/lexicon/inflection.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import yaml

SETTINGS = Path(__file__).resolve().parent.parent / "lexicon" / "inflection.yaml"
# what may stand before and after a whole word in a pattern (anything else glues it to syntax)
_BEFORE = frozenset(" (|:?")
_AFTER = frozenset(" )|,")


@dataclass(frozen=True)
class Settings:
    pos: tuple[str, ...]
    min_length: int
    skip: frozenset[str]


@lru_cache(maxsize=1)
def settings(path: Path = SETTINGS) -> Settings:
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return Settings(
        pos=tuple(doc.get("pos") or ("NOUN", "VERB")),
        min_length=int(doc.get("min_length", 4)),
        skip=frozenset(str(w).lower() for w in doc.get("skip") or ()),
    )


@cache
def forms(word: str) -> tuple[str, ...]:
    """Every form of `word`'s lemmas in the configured parts of speech, longest first
    (`word` itself included); just `word` when the lemmatiser does not know it."""
    import lemminflect  # loaded on first use: its tables cost about half a second

    cfg = settings()
    w = word.lower()
    if len(w) < cfg.min_length or w in cfg.skip or not w.isalpha():
        return (word,)
    out = {w}
    for upos in cfg.pos:
        for lemma in lemminflect.getAllLemmas(w, upos=upos).get(upos, ()):
            for fs in lemminflect.getAllInflections(lemma, upos=upos).values():
                out.update(f.lower() for f in fs if f.isalpha())
    if len(out) == 1 and "NOUN" in cfg.pos:  # not in the dictionary ("peacekeeper"): a noun's regular forms
        for lemma in lemminflect.getAllLemmasOOV(w, upos="NOUN").get("NOUN", ()):
            for fs in lemminflect.getAllInflectionsOOV(lemma, upos="NOUN").values():
                out.update(f.lower() for f in fs if f.isalpha())
    # forms that do not share the word's first two letters are another word's ("real" ->
    # "rial", a currency): drop them; the irregular verbs that would need them are cues
    out = {f for f in out if f[:2] == w[:2]}
    return tuple(sorted(out, key=lambda f: (-len(f), f)))


def widen(pattern: str) -> str:
    """`pattern` with each whole literal word replaced by the alternation of its forms.
    Escapes, character classes, group syntax and look-behinds are copied as they are."""
    out: list[str] = []
    i, n = 0, len(pattern)
    after_lookbehind = False  # a word right after a look-behind starts cleanly
    while i < n:
        c = pattern[i]
        bounded, after_lookbehind = after_lookbehind, False
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif c == "[":
            j = class_end(pattern, i)
            out.append(pattern[i:j])
            i = j
        elif pattern.startswith(("(?<=", "(?<!"), i):
            j = group_end(pattern, i)  # a look-behind must keep a fixed width
            out.append(pattern[i:j])
            i, after_lookbehind = j, True
        elif pattern.startswith("(?P<", i):
            j = pattern.index(">", i) + 1
            out.append(pattern[i:j])
            i = j
        elif pattern.startswith(("(?:", "(?!", "(?="), i):
            out.append(pattern[i : i + 3])
            i += 3
        elif c.isalpha():
            j = i
            while j < n and pattern[j].isalpha():
                j += 1
            word = pattern[i:j]
            before = pattern[i - 1] if i else " "
            after = pattern[j] if j < n else " "
            whole = (before in _BEFORE or bounded) and (after in _AFTER or pattern.startswith(("(?!", "(?="), j))
            alts = forms(word) if whole else (word,)
            out.append(word if len(alts) == 1 else "(?:" + "|".join(alts) + ")")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def keyword_forms(keyword: str) -> tuple[str, ...]:
    """The extra prefilter keywords a keyword needs: the forms of its words that do not
    begin with it (keywords match word starts, so "withdraw" already finds "withdrawn",
    and "security arrangements" needs "security arrangement")."""
    if "-" in keyword:
        return ()
    combos = [""]
    for word in keyword.split(" "):
        combos = [f"{c} {f}".lstrip() for c in combos for f in forms(word)][:64]
    return tuple(c for c in combos if not c.startswith(keyword))


def class_end(p: str, i: int) -> int:
    """The index just past the character class that opens at p[i] ("[^]a-z]" included)."""
    j = i + 1
    if j < len(p) and p[j] == "^":
        j += 1
    if j < len(p) and p[j] == "]":
        j += 1
    while j < len(p) and p[j] != "]":
        j += 2 if p[j] == "\\" else 1
    return j + 1


def group_end(p: str, i: int) -> int:
    """The index just past the group that opens at p[i]."""
    depth, j = 0, i
    while j < len(p):
        if p[j] == "\\":
            j += 2
            continue
        if p[j] == "[":
            j = class_end(p, j)
            continue
        if p[j] == "(":
            depth += 1
        elif p[j] == ")":
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return j
