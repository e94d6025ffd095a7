"""Text preparation for the signal engine: normalisation, language check, sentences.

Everything here is pure and cheap (one pass of a few regexes over the text): the
engine must run at hundreds of articles a second on one core.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

MAX_CHARS = 200_000  # longer texts are capped; the cap is recorded in the notes

_TAG = re.compile(r"<(?:script|style)\b[^>]*>.*?</(?:script|style)\s*>|<!--.*?-->|</?[a-zA-Z][^<>]{0,500}>", re.S)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,10});")
_TRANSLATE = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2033": '"', "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u00ad": None,
        "\u2013": " - ", "\u2014": " - ", "\u2015": " - ",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u2002": " ", "\u2003": " ",
        "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u2060": None,
        "\u2026": "...", "\t": " ", "\r": "\n", "\f": "\n", "\v": "\n",
    }
)
# _TRANSLATE as (character, replacement) pairs. str.translate with a dict walks every
# character in Python-level lookups, and a regex walks it in the matching engine; `in` and
# str.replace run at memchr speed, and an article holds only a few of these characters.
# No replacement is itself a character of the table, so replacing one at a time is what
# translating all at once gives.
_REPLACEMENTS = tuple((chr(c), r or "") for c, r in _TRANSLATE.items())
_ASCII_REPLACEMENTS = tuple((c, r) for c, r in _REPLACEMENTS if c.isascii())  # tab, \r, \f, \v
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_CHARS = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F))


def normalise(text: str) -> str:
    """Straight quotes, plain dashes and spaces, no HTML remnants or control characters."""
    if "<" in text and ">" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    for c, r in _REPLACEMENTS if not text.isascii() else _ASCII_REPLACEMENTS:
        if c in text:
            text = text.replace(c, r)
    # (the regex below walks every character: run it only when there is something to do)
    if any(map(text.__contains__, _CONTROL_CHARS)):
        text = _CONTROL.sub(" ", text)
    while "  " in text:  # a run of spaces becomes one space: each pass halves every run
        text = text.replace("  ", " ")
    return text.strip()


def lower_aligned(text: str) -> str:
    """str.lower() that keeps every offset (a few characters lower-case to two)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# --- language -------------------------------------------------------------------------
_STOPWORDS = frozenset(
    ["the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "was", "by", "it", "he", "said", "at", "from", "his", "an", "be", "has", "have", "are", "not", "but", "its", "were", "this", "which", "would", "who", "will", "they", "their", "had", "been", "or", "after", "than", "more", "also", "we", "there", "can", "our", "against", "about", "over", "into"]
)
_WORD = re.compile(r"[^\W\d_]+")
# _WORD on ASCII text, as a translation: ASCII letters to lower case, every other ASCII
# character to a space, so splitting on spaces gives the runs of letters
_ASCII_LETTERS = {c: (chr(c).lower() if chr(c).isalpha() else " ") for c in range(128)}
# characters read to judge the language: about 700 words, plenty for a stopword ratio, and
# the check runs on every article
_LANGUAGE_SAMPLE = 4_000


def language_problem(text: str, language: str | None = None) -> str | None:
    """Why this text is not English, or None. `language` is the extractor's metadata."""
    if language:
        code = language.strip().lower().replace("_", "-").split("-")[0]
        if code and code != "en":
            return f"language {language!r} is not English"
    head = text[:_LANGUAGE_SAMPLE]
    if head.isascii():  # the common case: the same words, found faster, all Latin
        # (an ASCII-only translation runs in C; findall builds a match object per word)
        words = head.translate(_ASCII_LETTERS).split()
        latin = len(words)
    else:
        # the same translation leaves the other characters as they are: a piece that holds
        # one is split into runs of letters by _WORD (the few that do: a name, a currency sign)
        words, latin = [], 0
        for piece in head.translate(_ASCII_LETTERS).split():
            if piece.isascii():
                words.append(piece)
                latin += 1
            else:
                runs = _WORD.findall(piece)
                latin += sum(map(str.isascii, runs))
                words += [w.lower() for w in runs]
    if len(words) < 8:
        return None  # too short to judge: let the rules decide (they will find little)
    if latin / len(words) < 0.5:
        return f"not English: {100 - round(100 * latin / len(words))}% of words in a non-Latin script"
    if len(words) < 40:
        return None  # a headline or a sentence: too short for a stopword count
    stop = sum(map(_STOPWORDS.__contains__, words))
    ratio = stop / len(words)
    if ratio < 0.12:
        return f"not English: only {ratio:.0%} of words are common English words"
    return None


# --- sentences --------------------------------------------------------------------------
# Words that end with a period but do not end a sentence (compared lower-cased, without the dot).
_ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "cmdr", "gov", "sen", "rep", "pres", "amb", "sec", "st", "ft", "mt", "jr", "sr", "rev", "hon", "vol", "fig", "vs", "etc", "approx", "dept", "est", "inc", "corp", "ltd", "co", "bros", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "ala", "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la", "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn", "tex", "va", "vt", "wash", "wis", "wyo", "e.g", "i.e", "a.m", "p.m"]
)
# Multi-dot acronyms (U.S., U.K., D-N.H.) end a sentence only before a typical sentence opener.
_OPENERS = frozenset(
    ["the", "he", "she", "it", "they", "we", "i", "but", "and", "in", "on", "this", "that", "a", "an", "its", "his", "her", "their", "there", "as", "after", "while", "when", "yet", "so", "meanwhile", "however", "still"]
)
# [.!?]+ (closing quotes or brackets) before a space and a capital or digit, or a run of
# newlines; written to begin with one character class so `re` can skip ahead to candidates
_BOUNDARY = re.compile(r"""[.!?\n](?:(?<=[.!?])[.!?]*(?:["')\]]+)?(?=\s+["'(\[]?[A-Z0-9])|(?<=\n)\n*)""")
_ACRONYM = re.compile(r"(?:^|[\s(\-])(?:[A-Za-z]\.){2,}$|(?:^|[\s(])[A-Z]\.$|-[A-Z]\.(?:[A-Z]\.)*$")
_ASCII_LETTERS_ONLY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LETTERS_DOT = "".join(sorted(_ASCII_LETTERS_ONLY)) + "."


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int  # offset in the normalised text
    text: str


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of a normalised text; lines are paragraphs (a headline is a sentence)."""
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if m.group(0)[0] != "\n" and not _real_boundary(text, m.start(), end):
            continue
        _add(out, text, start, end)
        start = end
    _add(out, text, start, len(text))
    return out


def _real_boundary(text: str, dot: int, end: int) -> bool:
    if text[dot] != ".":
        return True
    if end > dot + 1:  # punctuation followed by a closing quote or bracket: a real end
        return True
    before = text[max(0, dot - 20) : dot + 1]
    # the word before the dot, as the regex ([A-Za-z][A-Za-z.]*)\.$ would find it, read from
    # the end: the run of letters and dots before the final dot, from its first letter
    run = before[:-1]
    word = run[len(run.rstrip(_LETTERS_DOT)) :].lstrip(".").lower()
    if word in _ABBREVIATIONS:
        return False
    if word in ("no", "nos") and text[end : end + 2].strip()[:1].isdigit():
        return False  # "No. 5"
    # every _ACRONYM match ends in a letter and the dot, after a dot, a hyphen, a space, "("
    # or nothing: most sentence ends ("... talks.") fail that test and skip the search
    if len(before) >= 2 and before[-2] in _ASCII_LETTERS_ONLY and (len(before) == 2 or before[-3] in ".-(" or before[-3].isspace()) and _ACRONYM.search(before):
        nxt = re.match(r"\s+[\"'(]?([A-Za-z]+)", text[end : end + 30])
        return bool(nxt and nxt.group(1).lower() in _OPENERS)
    return True


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if len(stripped) < 2:
        return
    lead = len(chunk) - len(chunk.lstrip())
    out.append(Sentence(len(out), start + lead, stripped))
