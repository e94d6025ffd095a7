"""Loading, validating and compiling the rule set (extractors/rules/*.yaml) and the
lexicon (extractors/lexicon/*.yaml) once; see docs/ontology.md for the formats.

Every problem is a RuleError naming the file, the rule and the reason, so an analyst
who breaks a rule file learns what to fix without reading Python.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import yaml

from extractors.errors import RuleError
from extractors.signals.inflect import class_end, group_end, keyword_forms, widen
from extractors.signals.matcher import PrefixTable
from extractors.signals.model import ACTOR_LABELS, ACTORS, STANCES, TOPICS

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_RULES_DIR = PACKAGE_DIR / "rules"
DEFAULT_LEXICON_DIR = PACKAGE_DIR / "lexicon"

RULE_FIELDS = ("id", "title", "status", "topic", "description", "provenance", "keywords", "patterns", "examples")
STATUSES = ("experimental", "test", "stable")
_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,80}$")


def bounded(pattern: str) -> str:
    """A pattern matched on whole words only."""
    return rf"(?<![\w-])(?:{pattern})(?![\w])"


_QUOTED_SPACE = '(?: "?|" )'


def quote_transparent(pattern: str) -> str:
    """`pattern` with each literal space also matching a quotation mark beside it, so the
    words of a rule still match when a partial quote cuts through them: 'would not accept
    borders "redrawn by force"', 'Europe "will not stop" supplying weapons'. (Text is
    normalised to straight double quotes first.) Spaces in character classes and escaped
    characters are left alone."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern.startswith(("(?<=", "(?<!"), i):  # a look-behind must keep a fixed width
            j = group_end(pattern, i)
            out.append(pattern[i:j])
            i = j
        elif c == "[":
            j = class_end(pattern, i)
            out.append(pattern[i:j])
            i = j
        elif c == " ":
            out.append(_QUOTED_SPACE)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class CueGroup:
    stance: str
    strength: float
    placement: str  # pre | post
    window: int
    nominal: bool
    deontic: bool
    regex: re.Pattern[str]
    source: str  # "lexicon" or a rule id
    # the cue takes a clause with its own subject ("wants Kyiv to ...", "demanded that Kyiv ..."):
    # that subject is not the holder, the cue's own subject is
    embeds: bool = False
    # every match starts with one of these 3-character strings (None: could start with anything);
    # lets the engine skip a group whose regex cannot match a sentence without scanning it
    prefixes: frozenset[str] | None = None
    # the stance a pre cue gives topic words standing just before it as its subject: "a
    # ceasefire simply will not work without guarantees" (the guarantees are demanded, the
    # ceasefire is wanted only on them: conditional)
    subject_stance: str | None = None


_CATEGORY_CHARS = {"CATEGORY_DIGIT": "0123456789", "CATEGORY_SPACE": " "}


def literal_prefixes(pattern: str, n: int = 3, limit: int = 400) -> frozenset[str] | None:
    """The lower-case n-character strings every match of `pattern` must start with, or
    None when that cannot be told (a class, a wildcard, too many alternatives)."""
    import re._parser as sre  # the stdlib's own parser: no guessing at regex syntax

    try:
        tree = sre.parse(pattern, re.IGNORECASE)
    except re.error:
        return None
    out: set[str] = set()

    def walk(items: list, acc: str, depth: int = 0) -> bool:
        """Extend acc through items; add complete prefixes to out. False = give up."""
        if len(acc) >= n:
            out.add(acc[:n])
            return len(out) <= limit
        if not items or depth > 40:
            return False  # the pattern can end (or repeat emptily) before n characters
        op, av = items[0]
        rest = items[1:]
        name = str(op)
        if name == "LITERAL":
            return walk(rest, acc + chr(av).lower(), depth)
        if name == "IN":
            chars = []
            for iop, iav in av:
                kind = str(iop)
                if kind == "LITERAL":
                    chars.append(chr(iav).lower())
                elif kind == "CATEGORY" and str(iav) in _CATEGORY_CHARS:
                    chars.extend(_CATEGORY_CHARS[str(iav)])  # \d, \s (the matcher reads any space as " ")
                else:
                    return False
            return all(walk(rest, acc + c, depth) for c in set(chars))
        if name == "BRANCH":
            return all(walk(list(alt) + rest, acc, depth) for alt in av[1])
        if name == "SUBPATTERN":
            return walk(list(av[3]) + rest, acc, depth)
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            lo, hi, item = av
            if hi == 0:
                return walk(rest, acc, depth)
            again = [(op, (max(lo - 1, 0), hi - 1 if hi < sre.MAXREPEAT else hi, item))]
            take = walk(list(item) + again + rest, acc, depth + 1)
            return take and (lo > 0 or walk(rest, acc, depth + 1))
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            return walk(rest, acc, depth)
        return False

    ok = walk(list(tree), "")
    # the engine looks for matches only at word starts (a letter, digit or straight quote):
    # a prefix that starts with a space or a curly quote (normalised text has none) stands
    # for a match whose words start one character later, at a prefix that is kept
    starts = {p for p in out if p[0].isalnum() or p[0] in "_\"'"}
    if not ok or not starts:
        return None
    return frozenset(starts)


def best_prefixes(pattern: str) -> frozenset[str] | None:
    """literal_prefixes at the greatest length (6 down to 1) the pattern allows: a longer
    prefix lets the engine skip more word starts ("to help" is tried only at "to hel")."""
    for n in (6, 5, 4, 3, 2, 1):  # (1-2: "\\d+-point" starts at any digit; still better than every position)
        found = literal_prefixes(pattern, n, limit=600)
        if found:
            return found
    return None


@dataclass(frozen=True)
class Term:
    regex: re.Pattern[str]
    polarity: str  # plain | inverse | self
    stance: str | None = None  # for self terms: the stance the words themselves express
    prefixes: frozenset[str] | None = None  # see literal_prefixes


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    status: str
    topic: str
    description: str
    provenance: Any
    keywords: tuple[str, ...]
    terms: tuple[Term, ...]
    cues: tuple[CueGroup, ...]
    unless: re.Pattern[str] | None
    confidence: float
    examples: Mapping[str, Any]
    file: str
    # The stance an actor takes by being the subject of a clause that names the topic with
    # no stance cue at all: "Witkoff met Putin for talks" takes part in talks (accept).
    # Only for topics that are things actors do (talks, swaps, sanctions, arms deliveries).
    mention_stance: str | None = None
    # the actor the topic is done to ("Russia faces new sanctions"): never takes part by a mention
    mention_target: str | None = None
    # the stance of a possessor right before the topic words when no cue governs them: "Putin's
    # Easter truce", "Macron's reassurance force" (only for things an actor proposes or declares)
    possessor_stance: str | None = None


@dataclass(frozen=True)
class ShiftPattern:
    id: str
    description: str
    regex: re.Pattern[str]
    from_stance: str | None
    to_stance: str  # a stance, or "cue"
    window: int
    prefixes: frozenset[str] | None = None  # see literal_prefixes
    topics: frozenset[str] | None = None  # only these topics (None: any)
    # where a to_stance "cue" pattern reads the new stance (shifts.yaml: new_stance)
    cues_inside: bool = False
    not_cues: re.Pattern[str] | None = None
    after_comma: bool = False
    uncued_stance: str | None = None  # the new stance when the topic words have no cue
    # no new stance after the pattern: the stance the sentence states before it is the old one
    # and its opposite the new ("had backed the truce but reversed course")
    reverses_earlier: bool = False
    # no new stance after the pattern: the stance stated before it is the new one ("was ready
    # for elections, as he appeared to yield to pressure")
    new_before: bool = False


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    actors: tuple[str, ...]
    kind: str  # name | metonym | role | group
    text: str


_DETERMINERS = frozenset({"the", "a", "an", "his", "her", "its", "their"})


class ObjectMarkers:
    r"""Does a text end with an object marker ("talks with ", "urged the ")? The same test as
    the regex `(?<![\w-])(?:markers)[\s"']+(?:(?:the|a|an|his|her|its|their)\s+)?$` (kept as
    `.regex`, and used for text that is not ASCII), done by reading the text's end: the regex
    searched from every position of the window, once per actor mention, a hot path."""

    __slots__ = ("regex", "by_last_word")

    def __init__(self, markers: list[str]) -> None:
        self.regex = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in markers) + r")[\s\"']+(?:(?:the|a|an|his|her|its|their)\s+)?$", re.I)
        self.by_last_word: dict[str, list[str]] = {}
        for w in markers:
            w = w.lower()
            self.by_last_word.setdefault(re.split(r"[^a-z0-9_]", w)[-1], []).append(w)

    def ends(self, text: str) -> bool:
        """True when `text` ends with a marker (and maybe a determiner), then space or quotes."""
        if not text.isascii():
            return bool(self.regex.search(text))
        n = len(text)
        j = n
        while j and (text[j - 1].isspace() or text[j - 1] in "\"'"):
            j -= 1
        if j == n:
            return False
        if self._marker_ends_at(text, j):
            return True
        k = n  # a determiner between the marker and the end: marker [\s"']+ det \s+
        while k and text[k - 1].isspace():
            k -= 1
        w = k
        while w and text[w - 1].isalpha():
            w -= 1
        if k == n or text[w:k].lower() not in _DETERMINERS:
            return False
        m = w
        while m and (text[m - 1].isspace() or text[m - 1] in "\"'"):
            m -= 1
        return m < w and self._marker_ends_at(text, m)

    def _marker_ends_at(self, text: str, j: int) -> bool:
        i = j
        while i and (text[i - 1].isalnum() or text[i - 1] == "_"):
            i -= 1
        for marker in self.by_last_word.get(text[i:j].lower(), ()):
            b = j - len(marker)
            if b >= 0 and text[b:j].lower() == marker and not (b and (text[b - 1].isalnum() or text[b - 1] in "_-")):
                return True
        return False


@dataclass
class Lexicon:
    aliases: dict[str, tuple[tuple[str, ...], str, bool]]  # lower alias -> (actors, kind, exact case)
    cues: tuple[CueGroup, ...]
    anaphor_re: re.Pattern[str]
    first_person_re: re.Pattern[str]
    negation_hard: re.Pattern[str]
    negation_soft: re.Pattern[str]
    negation_any: re.Pattern[str]  # a hard negator anywhere (no window): the first of verbs joined by "or"
    negation_window: int
    hard_effect: dict[str, str | None]
    soft_effect: dict[str, str | None]
    conditional_re: re.Pattern[str]
    threat_re: re.Pattern[str]  # a condition that makes a threat ("unless Moscow agrees"), matched where a conditional marker starts
    hypothetical_open_re: re.Pattern[str]
    hypothetical_cue_re: re.Pattern[str]
    reporting_re: re.Pattern[str]
    object_markers: ObjectMarkers
    object_after_modal: re.Pattern[str]
    shifts: tuple[ShiftPattern, ...]
    labels: dict[str, str]
    any_shift: re.Pattern[str] = re.compile("(?!)")
    reporting_prefixes: frozenset[str] | None = None  # see literal_prefixes
    # the reporting verbs as lower-case words when all are plain words (found by the
    # Aho-Corasick pass over the whole text); None: they are run as a regex per sentence
    reporting_words: tuple[str, ...] | None = None
    grammar: Grammar | None = None
    accept_only_condition_re: re.Pattern[str] = re.compile("(?!)")  # hedges an acceptance, never a reject
    precondition_re: re.Pattern[str] = re.compile("(?!)")


@dataclass(frozen=True)
class Grammar:
    """The attribution readings' word lists (lexicon/grammar.yaml), compiled once."""

    # after an actor mention, up to the topic words: "'s proposal for a", "-backed", " offer of"
    proposer_before: re.Pattern[str]
    proposer_before_demand: re.Pattern[str]
    # after the topic words, up to an actor mention: ", one initially proposed by "
    proposer_after: re.Pattern[str]
    proposer_after_demand: re.Pattern[str]
    # "accused Putin of ", ending right where the cue starts; group 1 holds the accused
    accusation: re.Pattern[str]
    back_reference: re.Pattern[str]
    # a document noun phrase, and an authoring verb before one
    document: re.Pattern[str]
    authored: re.Pattern[str]
    document_terms: re.Pattern[str] = re.compile("(?!)")  # a document's "requires": its author's proposal
    document_words: tuple[str, ...] = ()  # the document nouns' first words, for a quick check
    group_anaphor: re.Pattern[str] = re.compile("(?!)")
    # ends at a colon that opens a list of conditions: "Russia's demands: " (group 1: the noun)
    condition_list: re.Pattern[str] = re.compile("(?!)")
    # ends right before topic words that a negating noun governs ("a complete ban on ")
    negating: re.Pattern[str] = re.compile("(?!)")
    # a rule's mention_stance: who may take it, and how much it weighs against a cue's 1.0
    mention_vias: tuple[str, ...] = ()
    mention_weight: float = 0.5
    setting: re.Pattern[str] = re.compile("(?!)")  # ends where topic words that are only a clause's setting start
    appositive: re.Pattern[str] = re.compile("(?!)")  # ", even " / ", including ": an apposition extends the object
    # a reported shift by contrast (shifts.py): a time word before the earlier cue; a link, then a new time word
    pair_anaphor: re.Pattern[str] = re.compile("(?!)")  # "the pair", "both leaders": counts two
    shift_hedge: re.Pattern[str] = re.compile("(?!)")  # "seemed to have abandoned": a supposed shift decides nothing
    reversal_earlier_link: re.Pattern[str] = re.compile("(?!)")  # "but" before "reversed course"
    reversal_new_link: re.Pattern[str] = re.compile("(?!)")  # ", as" before "he yielded to pressure"
    possessed_effect: re.Pattern[str] = re.compile("(?!)")  # "'s impact": the cue governs the effect
    possessor_reach: re.Pattern[str] = re.compile("(?!)")  # "'s latest 72-hour ": from a possessor to its topic words
    asserting_demand: re.Pattern[str] = re.compile("(?!)")  # "insisted that": reports its clause's predicate
    alternative: re.Pattern[str] = re.compile("(?!)")  # "rather than a ": what follows is the rejected alternative
    contrast_earlier: re.Pattern[str] = re.compile("(?!)")
    contrast_initially: re.Pattern[str] = re.compile("(?!)")  # "initially objected": a first stance, across sentences
    contrast_new: re.Pattern[str] = re.compile("(?!)")
    mention_circumstance: re.Pattern[str] = re.compile("(?!)")  # ends where the topic words start
    # a sentence opening with a reservation about the one before ("But there are questions ...")
    reservation_followup: re.Pattern[str] = re.compile("(?!)")
    # an aside opened by a past participle (", drafted without ...,"), and a reporting
    # participle (", saying") that starts a clause with no subject of its own
    participle_aside: re.Pattern[str] = re.compile("(?!)")
    reporting_participle: re.Pattern[str] = re.compile("(?!)")
    # ultimatums (conditions.py): the "if", a promise in the main clause, an obligation that
    # makes it a supposition, a negator that makes it a threat
    ultimatum_if: re.Pattern[str] = re.compile("(?!)")
    ultimatum_promise: re.Pattern[str] = re.compile("(?!)")
    ultimatum_obligation: re.Pattern[str] = re.compile("(?!)")
    ultimatum_negator: re.Pattern[str] = re.compile("(?!)")
    # document frames (attribution.py): "under " and "agreed between (the) "
    frame_opener: re.Pattern[str] = re.compile("(?!)")
    frame_between: re.Pattern[str] = re.compile("(?!)")
    # weights (grammar.yaml: weights): by how the actor was found, and the named modifiers
    via_weights: Mapping[str, float] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)

    def via(self, via: str | None) -> float:
        return self.via_weights.get(via or "", self.via_weights.get("other", 0.85))


@dataclass
class RuleSet:
    """All rules and the lexicon, compiled once. `version` is a short hash of every file
    and of ENGINE_REVISION."""

    version: str
    rules: tuple[Rule, ...]
    lexicon: Lexicon
    files: tuple[str, ...]
    automaton: Any = field(repr=False, default=None)  # ahocorasick over keywords + aliases
    # where every pattern (topic words, stance cues, shift patterns, reporting verbs) can
    # start: see matcher.py
    prefix_table: PrefixTable = field(repr=False, default_factory=lambda: PrefixTable(()))

    def by_id(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)


# --- loading -----------------------------------------------------------------------------
# Part of the rule-set version: bump it when a change to the engine's code changes how a text
# is read, so `redline reclassify` re-reads stored articles as it does after a rule change.
ENGINE_REVISION = "2026-12-03.33"

_cache: dict[tuple[str, str], RuleSet] = {}
_cache_lock = threading.Lock()


def load_ruleset(rules_dir: Path | None = None, lexicon_dir: Path | None = None) -> RuleSet:
    """Load, validate and compile the rules and lexicon (cached per directory and content)."""
    rules_dir = Path(rules_dir) if rules_dir else DEFAULT_RULES_DIR
    lexicon_dir = Path(lexicon_dir) if lexicon_dir else DEFAULT_LEXICON_DIR
    rule_files = _yaml_files(rules_dir, "rules")
    lex_files = _yaml_files(lexicon_dir, "lexicon")
    texts = {p: _read(p) for p in (*lex_files, *rule_files)}
    digest = hashlib.sha256(f"engine {ENGINE_REVISION}\0".encode())
    for p in (*lex_files, *rule_files):
        digest.update(p.name.encode() + b"\0" + texts[p].encode() + b"\0")
    version = digest.hexdigest()[:12]
    key = (str(rules_dir.resolve()), version)
    with _cache_lock:
        if key in _cache:
            return _cache[key]
        lexicon = _load_lexicon(lexicon_dir, texts)
        rules = _load_rules(rule_files, texts)
        rs = RuleSet(version=version, rules=rules, lexicon=lexicon, files=tuple(p.name for p in rule_files))
        rs.automaton = _automaton(rs)
        rs.prefix_table = _prefix_table(rs)
        _cache[key] = rs
        return rs


def _yaml_files(directory: Path, what: str) -> list[Path]:
    if not directory.is_dir():
        raise RuleError(f"{directory}: {what} directory not found")
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    if not files:
        raise RuleError(f"{directory}: no {what} files (*.yaml)")
    return files


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: cannot read: {exc}") from None


def _parse(path: Path, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleError(f"{path.name}: not valid YAML: {exc}".replace("\n", " ")) from None


def _word_starts(pattern: Any, where: str) -> re.Pattern[str]:
    """A pattern searched inside a cue's words, not bounded at word ends ("refus" in "refusing")."""
    try:
        return re.compile(str(pattern), re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: pattern {pattern!r} does not compile: {exc}") from None


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise RuleError(f"{where}: a pattern must be a non-empty string, got {pattern!r}")
    if re.search(r"[\x00-\x1f]", pattern):  # "\b" in a double-quoted YAML string is a backspace
        raise RuleError(f"{where}: pattern {pattern!r} contains a control character; in double-quoted YAML write \\b as \\\\b, or use single quotes")
    try:
        return re.compile(bounded(pattern), re.IGNORECASE)
    except re.error as exc:
        raise RuleError(f"{where}: pattern {pattern!r} does not compile: {exc}") from None


def _alternation(patterns: Any, where: str, *, bound: bool = True, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    if not isinstance(patterns, list) or not patterns:
        raise RuleError(f"{where}: expected a non-empty list of patterns")
    for p in patterns:
        _compile(p, where)  # name the bad one
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(bounded(joined) if bound else joined, flags)


# --- lexicon -------------------------------------------------------------------------------
def _load_lexicon(directory: Path, texts: Mapping[Path, str]) -> Lexicon:
    docs = {p.name: _parse(p, t) for p, t in texts.items() if p.parent == directory}
    for name in ("actors.yaml", "stances.yaml", "modifiers.yaml", "shifts.yaml"):
        if not isinstance(docs.get(name), dict):
            raise RuleError(f"{directory / name}: missing or not a mapping")
    actors_doc, stances_doc = docs["actors.yaml"], docs["stances.yaml"]
    mods, shifts_doc = docs["modifiers.yaml"], docs["shifts.yaml"]

    aliases: dict[str, tuple[tuple[str, ...], str, bool]] = {}
    labels: dict[str, str] = {}
    for actor, spec in (actors_doc.get("actors") or {}).items():
        where = f"actors.yaml: actor {actor!r}"
        if actor not in ACTORS:
            raise RuleError(f"{where}: unknown actor id (known: {', '.join(ACTORS)})")
        labels[actor] = ACTOR_LABELS[actor]  # labels come from extractors/vocabulary.yaml
        for kind, key in (("name", "names"), ("metonym", "metonyms"), ("role", "roles")):
            for alias in spec.get(key) or []:
                _add_alias(aliases, str(alias), (actor,), kind, where)
    for group in actors_doc.get("groups") or []:
        where = f"actors.yaml: group {group.get('alias')!r}"
        for a in group.get("actors") or []:
            if a not in ACTORS:
                raise RuleError(f"{where}: unknown actor id {a!r}")
        _add_alias(aliases, str(group["alias"]), tuple(group["actors"]), "group", where)

    cues = tuple(_cue_group(g, f"stances.yaml: cue group {i + 1}", "lexicon") for i, g in enumerate(stances_doc.get("cues") or []))
    if not cues:
        raise RuleError("stances.yaml: no cues")

    neg = mods.get("negation") or {}
    shifts = []
    seen: set[str] = set()
    for i, s in enumerate(shifts_doc.get("shifts") or []):
        where = f"shifts.yaml: shift {s.get('id', i + 1)!r}"
        sid = s.get("id")
        if not sid or sid in seen:
            raise RuleError(f"{where}: missing or duplicate id")
        seen.add(sid)
        frm, to = s.get("from_stance"), s.get("to_stance")
        if frm is not None and frm not in STANCES:
            raise RuleError(f"{where}: unknown from_stance {frm!r}")
        if to != "cue" and to not in STANCES:
            raise RuleError(f"{where}: unknown to_stance {to!r}")
        topics = s.get("topics")
        if topics is not None and (not isinstance(topics, list) or set(topics) - set(TOPICS)):
            raise RuleError(f"{where}: topics: expected a list of topic ids (known: {', '.join(TOPICS)})")
        new_stance = s.get("new_stance") or {}
        if not isinstance(new_stance, dict) or set(new_stance) - {"cues_inside", "not_cues", "after_comma", "uncued", "reverses_earlier", "before"}:
            raise RuleError(f"{where}: new_stance: expected a mapping of cues_inside, not_cues, after_comma, uncued, reverses_earlier, before")
        if new_stance.get("uncued") not in (None, *STANCES):
            raise RuleError(f"{where}: new_stance.uncued: unknown stance {new_stance.get('uncued')!r}")
        not_cues = new_stance.get("not_cues")
        pat = quote_transparent(s["pattern"]) if isinstance(s.get("pattern"), str) else s.get("pattern")
        shifts.append(ShiftPattern(
            sid, str(s.get("description", "")), _compile(pat, where), frm, to, int(s.get("window", 14)),
            best_prefixes(pat), frozenset(topics) if topics else None, bool(new_stance.get("cues_inside")),
            _word_starts(not_cues, f"{where}: new_stance.not_cues") if not_cues else None, bool(new_stance.get("after_comma")),
            new_stance.get("uncued"), bool(new_stance.get("reverses_earlier")), bool(new_stance.get("before")),
        ))

    def words(key: str, src: Any) -> re.Pattern[str]:
        return _alternation(list(src or []), f"modifiers.yaml: {key}")

    first_person = [re.escape(w) for w in actors_doc.get("first_person") or []]
    # a negator counts when at most window_tokens - 1 words stand between it and the cue
    tail = rf"(?:\W+\w+){{0,{int(neg.get('window_tokens', 4)) - 1}}}\W*$"
    return Lexicon(
        aliases=aliases,
        cues=cues,
        anaphor_re=_alternation([re.escape(a) for a in actors_doc.get("anaphors") or []], "actors.yaml: anaphors"),
        first_person_re=re.compile(bounded("|".join(first_person))) if first_person else re.compile(r"(?!)"),
        negation_hard=re.compile(bounded("|".join(f"(?:{p})" for p in neg.get("hard") or [])) + tail, re.I),
        negation_any=re.compile(bounded("|".join(f"(?:{p})" for p in neg.get("hard") or [])), re.I),
        negation_soft=re.compile(bounded("|".join(f"(?:{p})" for p in neg.get("soft") or [])) + tail, re.I),
        negation_window=int(neg.get("window_tokens", 4)),
        hard_effect=_effects(neg.get("hard_effect"), "hard_effect"),
        soft_effect=_effects(neg.get("soft_effect"), "soft_effect"),
        conditional_re=words("conditional_markers", mods.get("conditional_markers")),
        accept_only_condition_re=words("accept_only_conditions", mods.get("accept_only_conditions") or ["(?!)"]),
        threat_re=words("threat_markers", mods.get("threat_markers") or ["(?!)"]),
        precondition_re=words("precondition_markers", mods.get("precondition_markers") or ["(?!)"]),
        hypothetical_open_re=re.compile(r"^\W*" + bounded("|".join(f"(?:{p})" for p in mods.get("hypothetical_openers") or [])), re.I),
        hypothetical_cue_re=re.compile(bounded("|".join(f"(?:{p})" for p in mods.get("hypothetical_before_cue") or []))
                                       + rf"(?:\W+\w+){{0,{int(mods.get('hypothetical_window_words', 5))}}}\W*$", re.I),
        reporting_re=words("reporting_verbs", mods.get("reporting_verbs")),
        object_markers=ObjectMarkers(list(mods.get("object_markers") or [])),
        object_after_modal=_object_after_modal(mods.get("object_after_modal") or {}),
        shifts=tuple(shifts),
        labels=labels,
        any_shift=re.compile("|".join(f"(?:{sp.regex.pattern})" for sp in shifts) or "(?!)", re.I),
        reporting_words=_plain_words(mods.get("reporting_verbs")),
        reporting_prefixes=best_prefixes("|".join(f"(?:{p})" for p in mods.get("reporting_verbs") or [])),
        grammar=_grammar(docs.get("grammar.yaml")),
    )


def _grammar(doc: Any) -> Grammar:
    """Compile lexicon/grammar.yaml (see the comments there for what each list does)."""
    if not isinstance(doc, dict):
        raise RuleError("grammar.yaml: missing or not a mapping")

    def items(*keys: str) -> list[str]:
        """The non-empty list at keys, longest first (a longer alternative is tried first)."""
        node: Any = doc
        for k in keys:
            node = node.get(k) if isinstance(node, dict) else None
        if not isinstance(node, list) or not node:
            raise RuleError(f"grammar.yaml: {'.'.join(keys)}: expected a non-empty list")
        return sorted(map(str, node), key=len, reverse=True)

    def words(*keys: str) -> str:
        """alt() with whole words bounded and punctuation (",", ";") taken as it stands."""
        return "(?:" + "|".join(rf"(?<!\w){w}(?!\w)" if w[:1].isalnum() else re.escape(w) for w in items(*keys)) + ")"

    def alt(*keys: str) -> str:
        return "(?:" + "|".join(f"(?:{w})" for w in items(*keys)) + ")"

    nouns, demand_nouns = alt("proposal", "nouns"), alt("proposal", "demand_nouns")
    adverbs = alt("proposal", "adverbs")
    # "new", "30-day", "revised" between possessor and noun; never a function word ("as a condition")
    mods = r"(?:(?!(?:as|a|an|the|of|for|to|in|on|at|and|or|with|by|that|which)\b)[\w.-]+\s+){0,2}?"
    to_topic = r"\s+(?:for|of|to|on)\s+(?:[\w'-]+\s+){0,4}?"

    def before(noun_alt: str, *, hyphenated: bool) -> re.Pattern[str]:
        # "a U.S.-backed ceasefire" proposes it: the hyphenated verbs belong to the accept pattern only
        hyphen = rf"|-{alt('proposal', 'hyphenated')}\s+(?:[\w'-]+\s+){{0,3}}?" if hyphenated else ""
        return re.compile(rf"(?:(?:'s|s')?\s+{mods}{noun_alt}{to_topic}{hyphen})", re.I)

    def after(verbs: str, agent_phrases: str | None = None) -> re.Pattern[str]:
        agent = rf"(?:{verbs}\s+by|{agent_phrases})" if agent_phrases else rf"{verbs}\s+by"
        return re.compile(
            # up to two more words of the noun phrase ("the pause on attacks on energy
            # infrastructure proposed by"), or an appositive ("a Black Sea truce - a proposal initiated by")
            rf"(?:\s+[\w-]+){{0,2}}?\s*[,(-]?\s*(?:(?:one|which was|that was|which has been|that has been|was|were|is|are|has been|have been|had been|first|as"
            rf"|(?:an?|the)\s+(?:[\w-]+\s+)?(?:proposal|plan|idea|initiative|offer|move|step|arrangement|deal))\s+)?(?:{adverbs}\s+)?{agent}\s+",
            re.I,
        )

    dets = alt("back_reference", "determiners")
    back_nouns = alt("back_reference", "nouns")
    pronouns = alt("back_reference", "pronouns")
    doc_nouns = alt("documents", "nouns")
    numbered = str((doc.get("documents") or {}).get("numbered") or r"\d+-point")
    return Grammar(
        proposer_before=before(nouns, hyphenated=True),
        proposer_before_demand=before(demand_nouns, hyphenated=False),
        proposer_after=after(alt("proposal", "by_agent"), alt("proposal", "of_agent")),
        proposer_after_demand=after(alt("proposal", "demanded_by_agent")),
        accusation=re.compile(rf"\b{alt('accusation_verbs')}\s+((?:[\w.'-]+\s+){{1,5}}?)(?:of|for)\s+(?:[\w'-]+\s+){{0,2}}?$", re.I),
        back_reference=re.compile(
            rf"\b(?:{dets}\s+(?:[\w-]+\s+)?{back_nouns}\b(?!\s+(?:{alt('back_reference', 'content_words')})\b)|{pronouns})\b(?!\s+(?:is|was|would|will|has|had)\b)", re.I
        ),
        document=re.compile(rf"\b(?:(?:{numbered}|draft|peace|revised|new|original|initial|latest|updated|amended)[- ])*{doc_nouns}\b", re.I),
        negating=re.compile(
            rf"\b(?:(?:an?|the|any|its|their)?\s*(?:(?:complete|total|full|immediate|permanent|partial)\s+)?{alt('negating_nouns')}\s+(?:on|of|to|against|for)"
            rf"|{alt('negating_verbs')})\s+(?:(?:all|any|the|its|their|further|foreign|western|u\.s\.|us|american|european)\s+)*$", re.I),
        # "Russia's demands: ...", "its conditions for a truce: ...", "the Kremlin's demands — including ..."
        condition_list=re.compile(
            rf"\b({alt('condition_list_nouns')})(?:\s+(?:for|of|on|to)\s+[^:;,.\u2014\u2013\"]{{1,70}}?)?"
            rf"\s*(?:include|are|were|was|is)?\s*(?::|\s\u2014|\s\u2013|\s--?|,?\s+including)\s", re.I),
        group_anaphor=re.compile(rf"\b{alt('group_anaphors')}\b", re.I),
        document_words=tuple(sorted({str(w).split()[-1].split("-")[-1].lower() for w in doc["documents"]["nouns"]})),
        via_weights=_weights(doc, "via"),
        weights=_named_weights(doc),
        mention_vias=tuple(str(v) for v in (doc.get("mention") or {}).get("vias") or ()),
        mention_weight=float((doc.get("mention") or {}).get("weight", 0.5)),
        setting=re.compile(rf"\b{alt('settings')}\s+(?:[\w.'-]+\s+){{0,3}}$", re.I),
        pair_anaphor=re.compile(words("pair_words"), re.I),
        shift_hedge=re.compile(rf"{words('shift_hedges')}(?:\s+(?:not only|also|have|now))*\s+(?:[\w-]+\s+){{0,8}}?$", re.I),
        reversal_earlier_link=re.compile(words("reversal_links", "earlier"), re.I),
        reversal_new_link=re.compile(words("reversal_links", "new"), re.I),
        possessed_effect=re.compile(rf"(?:'s|s'|\u2019s|')\s+(?:[\w-]+\s+)?{alt('possessed', 'effects')}\b", re.I),
        possessor_reach=re.compile(rf"(?:'s|s'|\u2019s)\s+(?:(?!{alt('possessed', 'attitudes')}\b)[\w-]+\s+){{0,3}}?", re.I),
        asserting_demand=re.compile(rf"\b{alt('asserting_demand_verbs')}(?: that)?\b", re.I),
        alternative=re.compile(rf"\b{alt('alternative_markers')}\s+(?:(?:an?|the|any|some)\s+)?(?:[\w-]+\s+){{0,2}}$", re.I),
        contrast_earlier=re.compile(rf"\b{alt('contrast_shift', 'earlier')}\s+(?:[\w-]+\s+)?$", re.I),
        contrast_initially=re.compile(rf"{words('contrast_shift', 'initially')}\s+(?:[\w-]+\s+)?$", re.I),
        contrast_new=re.compile(rf"{words('contrast_shift', 'links')}.*?{words('contrast_shift', 'new')}", re.I | re.S),
        appositive=re.compile(rf"(?:,|\s[-\u2013\u2014])\s*{alt('appositive_markers')}\s", re.I),
        ultimatum_if=re.compile(rf"(?<!\bas )(?<!\beven )(?<!\bwhat )\b{alt('ultimatum', 'if_words')}\b", re.I),
        ultimatum_promise=re.compile(rf"(?<!\w){alt('ultimatum', 'promises')}\b", re.I),
        ultimatum_obligation=re.compile(rf"\b{alt('ultimatum', 'obligations')}\b", re.I),
        # "n't" ends a word ("doesn't"), so it is also matched without a word start
        ultimatum_negator=re.compile(rf"\b{alt('ultimatum', 'negators')}\b|n't\b", re.I),
        frame_opener=re.compile(rf"\b{alt('document_frames', 'openers')}\s+", re.I),
        frame_between=re.compile(
            rf"\s*,?\s*(?:[\w-]+\s+){{0,2}}?{alt('document_frames', 'authored_between')}\s+(?:between|by)\s+(?:the\s+)?", re.I),
        mention_circumstance=re.compile(rf"\b{alt('mention', 'circumstance')}\s+(?:[\w.'-]+\s+){{0,3}}$", re.I),
        reservation_followup=re.compile(rf"^[\"'\u201c\u2018\s]*{alt('reservation_followups')}", re.I),
        participle_aside=re.compile(rf",\s*(?:\w+ly\s+)?{alt('participles', 'asides')}\b[^,;]*,", re.I),
        reporting_participle=re.compile(rf",\s*{alt('participles', 'reporting')}\b", re.I),
        document_terms=re.compile(rf"(?:\w+\s+)?{alt('documents', 'terms_verbs')}\b", re.I),
        authored=re.compile(rf"\b{alt('documents', 'authored_by')}\s+(?:(?:a|an|the|its|his|their|her)\s+)?(?:[\w-]+\s+){{0,3}}?$", re.I),
    )


def _weights(doc: dict, key: str) -> dict[str, float]:
    raw = (doc.get("weights") or {}).get(key)
    if not isinstance(raw, dict) or not all(isinstance(v, int | float) and 0 < v <= 1 for v in raw.values()):
        raise RuleError(f"grammar.yaml: weights.{key}: expected a mapping of numbers in (0, 1]")
    return {str(k): float(v) for k, v in raw.items()}


WEIGHTS = ("second_reading", "through_negation", "past_perfect", "relative_clause", "reported_shift_evidence", "ultimatum")


def _named_weights(doc: dict) -> dict[str, float]:
    raw = {k: v for k, v in (doc.get("weights") or {}).items() if k != "via"}
    missing, unknown = set(WEIGHTS) - set(raw), set(raw) - set(WEIGHTS)
    if missing or unknown or not all(isinstance(v, int | float) and 0 < v <= 1 for v in raw.values()):
        raise RuleError(f"grammar.yaml: weights: expected numbers in (0, 1] for exactly {', '.join(WEIGHTS)}"
                        + (f" (missing: {', '.join(sorted(missing))})" if missing else "")
                        + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else ""))
    return {k: float(v) for k, v in raw.items()}


def _plain_words(patterns: Any) -> tuple[str, ...] | None:
    words = [str(p).strip().lower() for p in patterns or []]
    if words and all(re.fullmatch(r"[a-z]+", w) for w in words):
        return tuple(words)
    return None


def _object_after_modal(spec: dict) -> re.Pattern[str]:
    """`modal (not) verb (the) ` at a text's end: a mention after it is the verb's object."""
    modals = "|".join(re.escape(w) for w in spec.get("modals") or []) or "(?!)"
    not_verbs = "|".join(re.escape(w) for w in spec.get("not_verbs") or []) or "(?!)"
    return re.compile(
        rf"(?<![\w-])(?:{modals})(?:\s+not|n't)?\s+(?!(?:{not_verbs})\b)[a-z]+\s+(?:(?:the|a|an|his|her|its|their)\s+)?$"
    )


def _effects(raw: Any, key: str) -> dict[str, str | None]:
    if not isinstance(raw, dict) or set(raw) != set(STANCES):
        raise RuleError(f"modifiers.yaml: negation.{key} must map each of {', '.join(STANCES)}")
    for v in raw.values():
        if v is not None and v not in STANCES:
            raise RuleError(f"modifiers.yaml: negation.{key}: unknown stance {v!r}")
    return dict(raw)


def _add_alias(aliases: dict, alias: str, actors: tuple[str, ...], kind: str, where: str) -> None:
    alias = alias.strip()
    if not alias:
        raise RuleError(f"{where}: empty alias")
    exact = alias.isupper() and len(alias) <= 4
    aliases[alias.lower()] = (actors, kind, exact)


def _cue_group(g: Any, where: str, source: str) -> CueGroup:
    if not isinstance(g, dict):
        raise RuleError(f"{where}: expected a mapping")
    stance = g.get("stance")
    if stance not in STANCES:
        raise RuleError(f"{where}: unknown stance {stance!r} (known: {', '.join(STANCES)})")
    placement = g.get("placement", "pre")
    if placement not in ("pre", "post"):
        raise RuleError(f"{where}: placement must be pre or post, got {placement!r}")
    subject_stance = g.get("subject_stance")
    if subject_stance is not None and (subject_stance not in STANCES or placement != "pre"):
        raise RuleError(f"{where}: subject_stance must be a stance ({', '.join(STANCES)}) on a pre cue, got {subject_stance!r}")
    pats = g.get("patterns")
    if isinstance(pats, list):
        pats = [quote_transparent(p) if isinstance(p, str) else p for p in pats]
    return CueGroup(
        stance=stance,
        strength=float(g.get("strength", 0.9)),
        placement=placement,
        window=int(g.get("window", 10)),
        nominal=bool(g.get("nominal", False)),
        deontic=bool(g.get("deontic", False)),
        regex=_alternation(pats, f"{where} ({stance})"),
        source=source,
        embeds=bool(g.get("embeds", stance == "demand" and not g.get("deontic", False))),
        prefixes=best_prefixes("|".join(f"(?:{p})" for p in pats)),
        subject_stance=subject_stance,
    )


# --- rules ----------------------------------------------------------------------------------
def _load_rules(files: list[Path], texts: Mapping[Path, str]) -> tuple[Rule, ...]:
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        doc = _parse(path, texts[path])
        if isinstance(doc, dict) and "rules" in doc:
            items = doc["rules"]
        elif isinstance(doc, dict):
            items = [doc]
        else:
            raise RuleError(f"{path.name}: expected a rule mapping or a mapping with a 'rules' list")
        if not isinstance(items, list) or not items:
            raise RuleError(f"{path.name}: 'rules' must be a non-empty list")
        for i, raw in enumerate(items):
            rule = validate_rule(raw, path.name, i)
            if rule.id in seen:
                raise RuleError(f"{path.name}: rule {rule.id!r}: duplicate id (also in {seen[rule.id]})")
            seen[rule.id] = path.name
            rules.append(rule)
    return tuple(rules)


def validate_rule(raw: Any, file: str, index: int = 0) -> Rule:
    """Check one rule record and compile it; RuleError names file, rule and reason."""
    if not isinstance(raw, dict):
        raise RuleError(f"{file}: rule #{index + 1}: expected a mapping")
    rid = raw.get("id")
    where = f"{file}: rule {rid!r}" if rid else f"{file}: rule #{index + 1}"
    missing = [f for f in RULE_FIELDS if raw.get(f) in (None, "", [], {})]
    if missing:
        raise RuleError(f"{where}: missing field(s): {', '.join(missing)}")
    unknown = set(raw) - set(RULE_FIELDS) - {"confidence", "mention_stance", "mention_target", "possessor_stance", "references", "author", "date", "tags"}
    if unknown:
        raise RuleError(f"{where}: unknown field(s): {', '.join(sorted(unknown))}")
    if not isinstance(rid, str) or not _ID.match(rid):
        raise RuleError(f"{where}: id must be lower-case letters, digits, '-', '_' or '.' (3-80 chars)")
    if raw["status"] not in STATUSES:
        raise RuleError(f"{where}: unknown status {raw['status']!r} (known: {', '.join(STATUSES)})")
    topic = raw["topic"]
    if topic not in TOPICS:
        raise RuleError(f"{where}: unknown topic {topic!r} (known: {', '.join(TOPICS)})")
    kws = raw["keywords"]
    if not isinstance(kws, list) or not all(isinstance(k, str) and k.strip() for k in kws):
        raise RuleError(f"{where}: keywords must be a list of literal words")
    patterns = raw["patterns"]
    if not isinstance(patterns, dict):
        raise RuleError(f"{where}: patterns must be a mapping (terms, inverse_terms, self_stance, cues, unless)")
    extra = set(patterns) - {"terms", "inverse_terms", "self_stance", "cues", "unless"}
    if extra:
        raise RuleError(f"{where}: unknown pattern key(s): {', '.join(sorted(extra))}")
    terms: list[Term] = []
    for key, polarity in (("terms", "plain"), ("inverse_terms", "inverse")):
        for p in patterns.get(key) or []:
            q = quote_transparent(widen(p)) if isinstance(p, str) else p
            terms.append(Term(_compile(q, f"{where}: patterns.{key}"), polarity, None, best_prefixes(q)))
    for stance, plist in (patterns.get("self_stance") or {}).items():
        if stance not in STANCES:
            raise RuleError(f"{where}: patterns.self_stance: unknown stance {stance!r}")
        for p in plist or []:
            q = quote_transparent(widen(p)) if isinstance(p, str) else p
            terms.append(Term(_compile(q, f"{where}: patterns.self_stance.{stance}"), "self", stance, best_prefixes(q)))
    if not terms:
        raise RuleError(f"{where}: patterns need at least one of terms, inverse_terms, self_stance")
    cues = []
    for key, plist in (patterns.get("cues") or {}).items():
        placement, stance = ("post", key[5:]) if str(key).startswith("post_") else ("pre", key)
        if stance not in STANCES:
            raise RuleError(f"{where}: patterns.cues: unknown stance {key!r} (known: {', '.join(STANCES)}, or post_<stance>)")
        group = {"stance": stance, "strength": 0.9, "placement": placement, "patterns": plist}
        cues.append(_cue_group(group, f"{where}: patterns.cues.{key}", rid))
    unless = patterns.get("unless")
    unless_re = _alternation(unless, f"{where}: patterns.unless") if unless else None
    _check_examples(raw["examples"], where, topic)
    conf = raw.get("confidence", 0.85)
    if not isinstance(conf, int | float) or not 0 < conf <= 1:
        raise RuleError(f"{where}: confidence must be a number in (0, 1]")
    mention = raw.get("mention_stance")
    if mention is not None and mention not in STANCES:
        raise RuleError(f"{where}: mention_stance: unknown stance {mention!r} (known: {', '.join(STANCES)})")
    possessor = raw.get("possessor_stance")
    if possessor is not None and possessor not in STANCES:
        raise RuleError(f"{where}: possessor_stance: unknown stance {possessor!r} (known: {', '.join(STANCES)})")
    target = raw.get("mention_target")
    if target is not None and target not in ACTORS:
        raise RuleError(f"{where}: mention_target: unknown actor {target!r} (known: {', '.join(ACTORS)})")
    return Rule(
        id=rid, title=str(raw["title"]), status=raw["status"], topic=topic,
        description=str(raw["description"]).strip(), provenance=raw["provenance"],
        keywords=_with_forms(k.strip().lower() for k in kws), terms=tuple(terms), cues=tuple(cues),
        unless=unless_re, confidence=float(conf), examples=raw["examples"], file=file,
        mention_stance=mention, mention_target=target, possessor_stance=possessor,
    )


def _with_forms(keywords: Any) -> tuple[str, ...]:
    """The keywords and the inflected forms the prefilter needs for them (see inflect.py)."""
    out: dict[str, None] = {}
    for k in keywords:
        out[k] = None
        out.update(dict.fromkeys(keyword_forms(k)))
    return tuple(out)


def _check_examples(ex: Any, where: str, topic: str) -> None:
    if not isinstance(ex, dict) or not ex.get("match") or not ex.get("no_match"):
        raise RuleError(f"{where}: examples need a non-empty 'match' and 'no_match' list")
    for i, m in enumerate(ex["match"]):
        w = f"{where}: examples.match[{i}]"
        if not isinstance(m, dict) or not isinstance(m.get("text"), str) or not isinstance(m.get("expect"), dict):
            raise RuleError(f"{w}: expected {{text, expect: {{actor, topic, stance}}}}")
        e = m["expect"]
        if e.get("actor") not in ACTORS:
            raise RuleError(f"{w}: unknown actor {e.get('actor')!r} (known: {', '.join(ACTORS)})")
        if e.get("topic", topic) not in TOPICS:
            raise RuleError(f"{w}: unknown topic {e.get('topic')!r}")
        if e.get("stance") not in STANCES:
            raise RuleError(f"{w}: unknown stance {e.get('stance')!r} (known: {', '.join(STANCES)})")
    for i, n in enumerate(ex["no_match"]):
        text = n.get("text") if isinstance(n, dict) else n
        if not isinstance(text, str) or not text.strip():
            raise RuleError(f"{where}: examples.no_match[{i}]: expected a sentence")


def _prefix_table(rs: RuleSet) -> PrefixTable:
    """Every pattern the engine runs at word starts (topic words, stance cues of the
    lexicon and the rules, shift patterns, reporting verbs) by the prefixes its matches
    begin with. One table, so a sentence's words are looked up once."""
    lex = rs.lexicon
    items: list[tuple[object, frozenset[str] | None]] = [(t, t.prefixes) for r in rs.rules for t in r.terms]
    items += [(g, g.prefixes) for g in lex.cues]
    items += [(g, g.prefixes) for r in rs.rules for g in r.cues]
    items += [(sp, sp.prefixes) for sp in lex.shifts]
    items.append((lex, lex.reporting_prefixes))  # the lexicon stands for its reporting verbs
    return PrefixTable(items)


class Keyword(NamedTuple):
    """What one automaton entry stands for: a word start can be several things at once."""

    length: int
    rules: tuple[int, ...]  # indexes of the rules it is a keyword of
    report: bool  # a reporting verb
    actor: tuple[tuple[str, ...], str, bool] | None  # an alias: (actors, kind, exact case)


def _automaton(rs: RuleSet) -> Any:
    """One Aho-Corasick automaton over rule keywords, actor aliases and reporting verbs (lower-case)."""
    auto = ahocorasick.Automaton()
    words = set(rs.lexicon.aliases) | {kw for rule in rs.rules for kw in rule.keywords} | set(rs.lexicon.reporting_words or ())
    reporting = set(rs.lexicon.reporting_words or ())
    for word in words:
        rules = tuple(i for i, rule in enumerate(rs.rules) if word in rule.keywords)
        auto.add_word(word, Keyword(len(word), rules, word in reporting, rs.lexicon.aliases.get(word)))
    auto.make_automaton()
    return auto
