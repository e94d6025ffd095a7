"""Attribution: who holds a stance. The cue's subject, a quote's speaker, "according to", a
passive agent, a document's author, coordinated actors, or an actor carried over from
earlier sentences.
"""

from __future__ import annotations

import re
from typing import Any

from extractors.signals.base import (
    _RELATIVE_CLAUSE,
    _Ctx,
    _Cue,
    _in_quote,
    _State,
    _TermHit,
    _tokens,
)
from extractors.signals.rules import Mention, RuleSet

_OBJ_BEFORE = re.compile(r"\b(?:with|to|from|against|on|for|of|at|by|than|told|urged|asked|between|among)\s+(?:the\s+)?$", re.I)

# "Kyiv's insistence that", "Moscow's demand for": the possessor of a nominal cue
_POSSESSOR = re.compile(r"(?:'s|s')\s+(?:(?:repeated|renewed|latest|new|own|initial|stated|long-standing|earlier|firm|formal|public|key|main)\s+)?")

# "with Trump promising to", "with Moscow ready to": an absolute clause whose subject follows
# "with" (the gap after the mention, then the cue's first word); "talks with Moscow only
# after" is no such clause
_ABSOLUTE = re.compile(r"\s*(?:\w+ing\b.*|(?:ready|willing|prepared|unwilling|eager|keen|open|determined|still|now)\b.*)", re.I | re.S)

_SAID_AFTER = re.compile(r"[\",]\s*(?:said|says|added|adds|wrote|writes|noted|warned|continued|explained|asked|insisted|stressed|argued|declared)$", re.I)

_HEADLINE_COLON = re.compile(r"(?:'s)?\s*:\s")

# (a bare hyphen joins too: "the US-Russia proposals", "U.S.-Ukraine talks")
_JOIN_GAP = re.compile(r"(?:'s)?\s*(?:,? and|,? as well as|,? along with|,? together with)\s*(?:the |his |her |its |their |[A-Z][\w.-]*\s){0,3}|[-\u2013]", re.I)

_COMMA_GAP = re.compile(r"\s*,\s*(?:the |his |her |its |their ){0,2}")

# a sentence that opens with a participle clause ("Ruling out ...", "Backing Off ...")
# (not the prepositions that end in -ing: "Following the talks, ...", "According to ...")
_FRONTED_PARTICIPLE = re.compile(r"\s*[\"']?(?!(?:following|according|including|regarding|concerning|during|notwithstanding|excluding|pending|considering)\b)[A-Za-z][a-z]+ing\b", re.I)
_ASIDE_AFTER = re.compile(r"\s+\w+,")
_LIST_END = re.compile(r"\s*,?\s*(?:and|as well as)\s", re.I)

_OPEN_RELATIVE = re.compile(r",\s*(?:who|which)\b", re.I)
# "The delegations of the United States and Ukraine agreed": the group noun opens its clause
# (never "Trump met the leaders of Britain and France": an object)
_GROUP_OF = re.compile(r"(?:^|[,;:]\s*|\bthat\s+)(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:delegations?|representatives|officials|negotiators|negotiating teams|teams|envoys|leaders|heads|ministers|foreign ministers|presidents|governments) of\s+(?:the\s+)?$", re.I)
_OF_BEFORE = re.compile(r"\bof\s+(?:the\s+)?$", re.I)


def _group_of(s: str, at: int) -> bool:
    """Does a clause-opening group noun with "of" stand right before `at`? (The cheap "of" test
    first: this runs for every mention.)"""
    return bool(_OF_BEFORE.search(s, max(0, at - 12), at)) and bool(_GROUP_OF.search(s, 0, at))


_ALONG_WITH = re.compile(r"\b(?:along|together) with\s+(?:the\s+)?$", re.I)
_AND_JOIN = re.compile(r"\s*(?:,|,? and|,? as well as|,? along with|,? together with)\s+(?:(?:the|its|his|her|their)\s+)?(?:[A-Z][\w.'-]*\s+){0,4}")
# between a passive cue and its agent: "by", "to", and titles ("by Italian Prime Minister ...")
_AGENT_GAP = re.compile(r"\b(?:by|to|for)\s*(?:the\s+)?(?:[A-Z][\w.'-]*\s+){0,4}$")

# a quote that opens mid-clause, right after a word (not after "said:", a comma or a dash)
_PARTIAL_QUOTE = re.compile(r"\w\s*$")


def _coordinated_chain(s: str, mentions: list[Mention], m: Mention) -> tuple[tuple[str, ...], Mention]:
    """Actors of m and of the mentions joined to it after it, and the last such mention."""
    actors = list(m.actors)
    idx = mentions.index(m)
    closed = False  # "the US and Russia, Ukraine would ...": a list ends with its "and" item
    while idx + 1 < len(mentions) and not closed and _AND_JOIN.fullmatch(s, mentions[idx].end, mentions[idx + 1].start):
        closed = bool(_LIST_END.match(s, mentions[idx].end))
        idx += 1
        actors += [a for a in mentions[idx].actors if a not in actors]
    return tuple(actors), mentions[idx]


def _coordinated_after(s: str, mentions: list[Mention], m: Mention) -> tuple[str, ...]:
    """Actors of m plus any joined to it after it ("by Witkoff and Dmitriev")."""
    return _coordinated_chain(s, mentions, m)[0]


def _is_object(rs: RuleSet, s: str, m: Mention, mentions: list[Mention] | None = None) -> bool:
    """Is m an object ("told Trump", "by Moscow")? With `mentions`, also a mention joined by
    "and" to an object ("drafted by Witkoff and Dmitriev")."""
    before = s[max(0, m.start - 30) : m.start]
    if _ALONG_WITH.search(before):  # "the U.S., along with European nations, imposed ...": a second subject
        return False
    if _group_of(s, m.start):  # "the delegations of the United States and Ukraine agreed": their people
        return False
    if rs.lexicon.object_markers.ends(before) or rs.lexicon.object_after_modal.search(before):
        return True
    if mentions:
        # "with Russian President Vladimir Putin": a title that is a mention of its own runs into the name
        title = next((p for p in mentions if p.end <= m.start and not s[p.end : m.start].strip()), None)
        if title is not None and title is not m and _is_object(rs, s, title) and not re.match(r"\s+\w+ing\b", s[m.end :]):
            return True  # (not "with Russia's President Vladimir Putin rebuffing ...": an absolute clause's subject)
        # a list ends in "and": "to Trump, Vladimir Putin gave ..." is no list, the comma ends a phrase
        joined = _coordinated_chain(s, mentions, m)[1] is not m
        earlier = [p for p in mentions if p.end <= m.start]
        while earlier and _AND_JOIN.fullmatch(s, earlier[-1].end, m.start):
            joined = joined or bool(_LIST_END.match(s, earlier[-1].end))
            m = earlier.pop()
            if joined and rs.lexicon.object_markers.ends(s[max(0, m.start - 30) : m.start]):
                return not _group_of(s, m.start)
    return False


def _coordinated(s: str, mentions: list[Mention], m: Mention) -> tuple[str, ...]:
    """Actors of m plus any joined to it by "and" / "," ("Zelenskyy and Trump agreed")."""
    actors = list(m.actors)
    idx = mentions.index(m)
    # "Ukraine, the United States and other Western countries": a bare comma joins only
    # inside a list that an "and" closes (never "Zelensky, Trump said, ...")
    listed = bool(_LIST_END.match(s, m.end))
    if (not listed and idx == 1 and not s[: mentions[0].start].strip() and _COMMA_GAP.fullmatch(s[mentions[0].end : m.start])
            and not _ASIDE_AFTER.match(s, m.end)):  # ("Zelensky, Trump said, rejected ...": an aside, no pair)
        listed = True  # a headline's pair with no "and": "Russia, Ukraine agree to swap prisoners"
    while idx > 0:
        prev = mentions[idx - 1]
        gap = s[prev.end : mentions[idx].start]
        joined = _JOIN_GAP.fullmatch(gap) or (listed and _COMMA_GAP.fullmatch(gap))
        before = s[max(0, prev.start - 30) : prev.start]
        if joined and (not _OBJ_BEFORE.search(before) or _group_of(s, prev.start)):
            if not _COMMA_GAP.fullmatch(gap):
                listed = True  # an "and" closes the list: the commas before it join too
            for a in prev.actors:
                if a not in actors:
                    actors.insert(0, a)
            idx -= 1
        else:
            break
    return tuple(actors)


def _via(m: Mention) -> str:
    return {"name": "subject", "metonym": "metonym", "role": "role", "group": "group", "document": "document"}[m.kind]


class _Span(tuple):
    """A (start, end) span read like a regex match."""

    def start(self) -> int:
        return self[0]

    def end(self) -> int:
        return self[1]


def _speaker(rs: RuleSet, s: str, mentions: list[Mention], quotes: list[tuple[int, int]], state: _State, verbs: list[tuple[int, int]]) -> tuple[tuple[str, ...] | None, str | None, str | None]:
    """Who says this sentence: a quote's speaker or the subject of a reporting verb (`verbs`: their spans)."""
    lex = rs.lexicon
    for rv in map(_Span, verbs):
        if _in_quote(quotes, rv.start()):
            continue
        before = [m for m in mentions if m.end <= rv.start() and not _in_quote(quotes, m.start) and _tokens(s[m.end : rv.start()]) <= 3 and '"' not in s[m.end : rv.start()]]
        before = [m for m in before if not _is_object(rs, s, m)]
        pron = lex.anaphor_re.search(s[max(0, rv.start() - 12) : rv.start()])
        if pron and state.salient:
            return state.salient, f"{pron.group(0)} = {state.salient_text}", "speaker"
        if before:
            m = before[-1]
            return _coordinated(s, mentions, m), m.text, "speaker"
        if _SAID_AFTER.search(s[max(0, rv.start() - 3) : rv.end()]):
            for m in mentions:  # '..." said Peskov', ', said Kremlin spokesman Dmitry Peskov'
                if rv.end() <= m.start and _tokens(s[rv.end() : m.start]) <= 3 and not _in_quote(quotes, m.start) and not re.search(r'["(]|\b(?:in|at|on|to|with|from)\b', s[rv.end() : m.start]):
                    return m.actors, m.text, "speaker"
        if quotes:  # a reporting verb with someone who is not an actor ("a former official said")
            return None, "(not an actor)", "speaker"
    if mentions and mentions[0].start == 0 and _HEADLINE_COLON.match(s, mentions[0].end):
        m = mentions[0]  # a headline's "Kremlin: Zelensky must face voters"
        return _coordinated(s, mentions, m), m.text, "speaker"
    if quotes and quotes[0][0] == 0 and state.in_quote and state.quote_speaker:
        return state.quote_speaker, "(quote continues)", "speaker"
    if quotes and quotes[0][0] == 0 and state.last_quote_speaker and state.last_quote_index == state.index - 1:
        # a second quoted sentence right after '"...," Trump posted.': the same speaker
        return state.last_quote_speaker, "(same speaker as the previous quote)", "speaker"
    return None, None, None


def _document_frame(ctx: _Ctx, lo: int, pos: int) -> tuple[tuple[str, ...], str, str, None] | None:
    """ "Under the 28-point plan agreed between the US and Russia, Ukraine would give up ...":
    what follows a document frame is the document's terms, its authors' position, not the
    position of the clause's subject (ANNOTATION.md: a plan speaks for whoever authored it)."""
    s = ctx.sentence.text
    if "nder " not in s and " with " not in s and " part of " not in s:
        return None
    g = ctx.rs.lexicon.grammar
    for fm in g.frame_opener.finditer(s, lo, pos):
        dm = g.document.search(s, fm.end(), min(pos, fm.end() + 60))
        if dm is None or "," not in s[dm.end() : pos] or re.search(r"[,;]", s[fm.end() : dm.start()]):
            continue
        own = [m for m in ctx.mentions if fm.end() <= m.start and m.end <= dm.end()]
        if own:  # "under Washington's plan", "under the American draft", the plan as a document mention
            return _coordinated(s, ctx.mentions, own[-1]), "document", f"{s[fm.start() : dm.end()]}", None
        am = g.frame_between.match(s, dm.end())
        agents = [m for m in ctx.mentions if am and m.start >= am.end() and m.start - am.end() <= 4]
        if agents:  # "agreed between the US and Russia"
            return _coordinated_chain(s, ctx.mentions, agents[0])[0], "document", f"{s[fm.start() : agents[0].end]}", None
    return None


_PARTICIPLE_CUE = re.compile(r"\w+ing\b")

# a predicate joined by "but"/"and" that has no subject of its own: ", but ruled out", "and
# later rejected" (the cue follows the conjunction at once, an adverb at most)
_COORDINATED_PREDICATE = re.compile(r",?\s+(?:but|and|yet)\s+(?:(?:also|then|later|quickly|firmly|flatly|again|still)\s+)?$", re.I)
# the second predicate in the past tense ("ruled out", "suggested"): never a bare verb after "to"
# ("force Ukraine to surrender territory and limit its army") or a noun ("and demands for")
_FINITE_PAST = re.compile(r"(?:\w+ed|said|told|gave|took|made|sought|held|put|set|left|came|went|saw|met|spoke|threw|drew|wrote|rang|won|lost)\b", re.I)
# what may stand before the clause's first subject: nothing, a dateline, a title or an opener
_SUBJECT_START = re.compile(r"\s*(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)*\s*(?:\([^)]*\))?\s*[-\u2013\u2014:]\s*)?(?:(?:On|In|At|Earlier|Later|Meanwhile|However|Still|Separately|Also)\b[^,]{0,40},\s*)?(?:the\s+)?(?:[\w.'-]+\s+){0,4}?", re.S)

# ", and the United States agreed to ...": a mention after a comma and "and", right before a
# verb in the past tense, opens a clause of its own; it does not join the object before the comma
# ("a ceasefire with Moscow, and the United States agreed")
_CLAUSE_AND = re.compile(r",\s+and\s+(?:the\s+)?$", re.I)


def _opens_clause(s: str, m: Mention, pos: int) -> bool:
    verb = len(s[m.end : pos]) - len(s[m.end : pos].lstrip()) + m.end
    return verb <= pos and _FINITE_PAST.match(s, verb) is not None and _CLAUSE_AND.search(s, max(0, m.start - 12), m.start) is not None


# the mood in which a text sets out a document's terms: "Kiev would be granted security
# guarantees", "the army would be capped at 600,000"
_TERMS_MOOD = re.compile(r"\b(?:would|will|shall)\b", re.I)


def _document_terms(ctx: _Ctx) -> tuple[tuple[str, ...], str, str, None] | None:
    """A sentence that names no one and sets out terms in "would" right after a document
    with a known author ("The plan was drafted by Witkoff. Kiev would be granted security
    guarantees."): the document's terms, its author's position (ANNOTATION.md)."""
    st = ctx.state
    if not st.document_author or not 0 <= ctx.sentence.index - st.document_index <= 2 or ctx.quotes:
        return None
    if ctx.mentions or not _TERMS_MOOD.search(ctx.sentence.text):
        return None
    st.document_index = ctx.sentence.index  # a run of terms goes on ("... The front line would be frozen.")
    return st.document_author, "document", f"the document's terms (= {st.document_author_text})", None


def _document_participle(ctx: _Ctx, lo: int, pos: int) -> tuple[tuple[str, ...], str, str, None] | None:
    """A cue in "-ing" right after a document is the document's act, its author's stance: "the
    decree issued by Zelensky prohibiting negotiations", "the memorandum demanding ..."."""
    s = ctx.sentence.text
    if not _PARTICIPLE_CUE.match(s, pos):
        return None
    for d in ctx.mentions:
        if d.kind != "document" or d.start < lo or d.end > pos:
            continue
        if not s[d.end : pos].strip():
            return d.actors, "document", d.text, None
        am = ctx.rs.lexicon.grammar.proposer_after.match(s, d.end)
        if am and any(am.end() <= m.start and m.end <= pos and not s[m.end : pos].strip() for m in ctx.mentions):
            return d.actors, "document", d.text, None
    return None


def _subject(ctx: _Ctx, pos: int, exclude: tuple[int, int] | None = None) -> tuple[tuple[str, ...] | None, str | None, str | None, str | None]:
    """(actors, via, text, dropped) for the subject of a cue starting at `pos`."""
    rs, s = ctx.rs, ctx.sentence.text
    region = _in_quote(ctx.quotes, pos)
    if region and _PARTIAL_QUOTE.search(s, 0, region[0]) and not ctx.rs.lexicon.reporting_re.search(s[max(0, region[0] - 14) : region[0]]):
        region = None  # 'Trump wrote that Putin "doesn't want ...': the clause runs on into the quote
    lo = region[0] if region else 0
    if not region:  # outside quotes: do not look back into a quote
        for _, b in ctx.quotes:
            if b <= pos:
                lo = max(lo, b)
    brk = None
    for m in re.finditer(r";(?!\s*that\b)", s[lo:pos]):
        brk = m
    if brk:
        lo = lo + brk.end()
    frame = _document_frame(ctx, lo, pos)
    if frame is not None:
        return frame
    doc = _document_participle(ctx, lo, pos)
    if doc is not None:
        return doc
    for m in ctx.mentions:
        if lo <= m.start and m.end < pos and _POSSESSOR.fullmatch(s, m.end, pos):
            return _coordinated(s, ctx.mentions, m), _via(m), m.text, None
    acc = rs.lexicon.grammar.accusation.search(s, lo, pos)
    if acc:  # "Kallas accused Putin of stalling on ...": the accused holds the stance
        accused = [m for m in ctx.mentions if acc.start(1) <= m.start and m.end <= acc.end(1)]
        if accused:
            return _coordinated(s, ctx.mentions, accused[-1]), "accused", accused[-1].text, None
    # a cue inside a relative clause ("remarks by Donald Trump, who suggested ...") is its
    # antecedent's, not the main clause's subject's
    opened = None
    for r in _OPEN_RELATIVE.finditer(s, lo, pos):
        opened = r
    if opened and "," not in s[opened.end() : pos]:
        ante = [m for m in ctx.mentions if m.end <= opened.start() and not s[m.end : opened.start()].strip()]
        if ante:
            return _coordinated(s, ctx.mentions, ante[-1]), "relative clause", ante[-1].text, None
    relative = [r.span() for r in _RELATIVE_CLAUSE.finditer(s, lo, pos) if r.end() <= pos]
    # "Washington's first proposal, drafted without involving European allies, had suggested":
    # a participle aside between commas holds no subject of the main clause
    g = rs.lexicon.grammar
    relative += [r.span() for r in g.participle_aside.finditer(s, lo, pos) if r.end() <= pos]
    # "Trump suggested Ukraine might give up land, saying there would be swapping": a
    # participle clause with no subject of its own is said by the main clause's subject
    part = max(g.reporting_participle.finditer(s, lo, pos), key=lambda p: p.start(), default=None)
    if part is not None and not any(part.end() <= m.start < pos for m in ctx.mentions) and not rs.lexicon.anaphor_re.search(s, part.end(), pos):
        main = [m for m in ctx.mentions if lo <= m.start and m.end <= part.start() and not any(a < m.start < b for a, b in relative)
                and not any(a <= m.start < b for a, b in ctx.term_spans) and not _is_object(rs, s, m, ctx.mentions)]
        if main:
            return _coordinated(s, ctx.mentions, main[0]), "subject", main[0].text, None
    if _FINITE_PAST.match(s, pos) and _COORDINATED_PREDICATE.search(s, max(lo, pos - 30), pos):
        # "Peskov said a Putin-Trump call was likely, but ruled out ...": a second predicate with
        # no subject of its own shares the clause's first subject, never the nearest name
        first = next((m for m in ctx.mentions if lo <= m.start and m.end <= pos and not any(a < m.start < b for a, b in relative)
                      and not any(a <= m.start < b for a, b in ctx.term_spans) and not _in_quote(ctx.quotes, m.start)
                      and not _is_object(rs, s, m, ctx.mentions)), None)
        if first is not None and _SUBJECT_START.fullmatch(s, lo, first.start):
            return _coordinated(s, ctx.mentions, _coordinated_chain(s, ctx.mentions, first)[1]), "subject", first.text, None
    best: tuple[int, str, Any] | None = None
    for m in ctx.mentions:
        if m.start < lo or m.end > pos:
            continue
        if any(a < m.start < b for a, b in relative):
            continue
        # a topic's own words are no subject, except a document ("the 28-point peace plan ... rules out")
        if (m.kind != "document" and any(a <= m.start < b for a, b in ctx.term_spans)) or (exclude and exclude[0] <= m.start < exclude[1]):
            continue
        if _is_object(rs, s, m, ctx.mentions) and not (re.search(r"\bwith\s+(?:the\s+)?$", s[max(0, m.start - 10) : m.start]) and _ABSOLUTE.fullmatch(s[m.end : pos] + s[pos : pos + 12].split(" ")[0])) \
                and not _opens_clause(s, m, pos):
            continue  # an object; but "with Trump promising to" makes Trump the subject
        if best is None or m.start > best[0]:
            best = (m.start, "mention", m)
    window = s[lo:pos]
    for gm in rs.lexicon.grammar.group_anaphor.finditer(window):
        start = lo + gm.start()
        if (best is None or start > best[0]) and not rs.lexicon.object_markers.ends(s[max(0, start - 30) : start]):
            own = tuple(dict.fromkeys(a for m in ctx.mentions if m.end <= start for a in m.actors))
            group = own if len(own) >= 2 else ctx.state.recent_actors
            if len(group) > 2 and rs.lexicon.grammar.pair_anaphor.search(gm.group(0)):
                group = group[:2]  # "Trump phoned Putin, a step that stunned Kyiv. The pair agreed ...": the first two
            if len(group) >= 2:  # "Trump and Putin spoke. The two agreed to ..."
                return group, "carry-over", f"{gm.group(0)} = {', '.join(group)}", None
    for am in rs.lexicon.anaphor_re.finditer(window):
        start = lo + am.start()
        if rs.lexicon.object_markers.ends(s[max(0, start - 30) : start]) or any(a < start < b for a, b in relative):
            continue
        if best is None or start > best[0]:
            best = (start, "anaphor", am.group(0))
    for fm in rs.lexicon.first_person_re.finditer(window):
        start = lo + fm.start()
        if fm.group(0) == "i" or (fm.group(0).lower() == "i" and fm.group(0) != "I"):
            continue
        if best is None or start > best[0]:
            best = (start, "first", fm.group(0))
    if best is None and _FRONTED_PARTICIPLE.match(s) and "," not in s[:pos]:
        # "Ruling out Western troops, Putin said ...", "Backing Off Tomahawk Suggestion, Trump
        # Defers to Putin": an opening participle clause's subject is the main clause's
        comma = s.find(",", pos)
        opener = next((m for m in ctx.mentions if comma >= 0 and m.start > comma and not s[comma + 1 : m.start].strip(" the")), None)
        if opener is not None:
            return _coordinated(s, ctx.mentions, opener), _via(opener), opener.text, None
    if best is None:
        if region and ctx.speaker:
            return ctx.speaker, "speaker", ctx.speaker_text, None
        if ctx.according:
            return ctx.according.actors, "according to", ctx.according.text, None
        if ctx.speaker and ctx.speaker_kind:
            return ctx.speaker, "reported speech", ctx.speaker_text, None
        terms = _document_terms(ctx)
        if terms is not None:
            return terms
        return None, None, None, "no actor found for the cue"
    _, kind, obj = best
    if kind == "mention":
        return _coordinated(s, ctx.mentions, obj), _via(obj), obj.text, None
    if kind == "first":
        if region:
            if ctx.speaker:
                return ctx.speaker, "speaker", f"{obj} = {ctx.speaker_text}", None
            return None, None, obj, "first person in a quote by no known actor"
        return None, None, obj, "the author's own opinion (first person outside quotes)"
    # an anaphor: an earlier subject in this sentence, else carried over
    for m in reversed(ctx.mentions):
        if m.start < best[0] and m.start >= lo and not _is_object(rs, s, m, ctx.mentions) and not any(a <= m.start < b for a, b in ctx.term_spans):
            return _coordinated(s, ctx.mentions, m), "carry-over", f"{obj} = {m.text}", None
    if region and ctx.speaker and obj.lower() in ("they",):
        pass
    if ctx.state.salient:
        return ctx.state.salient, "carry-over", f"{obj} = {ctx.state.salient_text} (sentence {ctx.state.salient_index + 1})", None
    return None, None, obj, f"cannot resolve {obj!r}"


def _update_state(ctx: _Ctx, ends_in_quote: bool) -> None:
    st, s, rs = ctx.state, ctx.sentence.text, ctx.rs
    st.index = ctx.sentence.index + 1
    if ctx.speaker and '"' in s:
        st.last_quote_speaker, st.last_quote_index = ctx.speaker, ctx.sentence.index
    subject = None
    for m in ctx.mentions:
        if _in_quote(ctx.quotes, m.start) or _is_object(rs, s, m):
            continue
        subject = m
        break
    if ctx.speaker and ctx.speaker_kind == "speaker" and ctx.quotes:
        st.salient, st.salient_text = ctx.speaker, ctx.speaker_text
        st.salient_index = ctx.sentence.index
    elif subject:  # "Russia and Ukraine held talks. They agreed ...": the whole coordinated subject
        st.salient, st.salient_text = _coordinated(s, ctx.mentions, _coordinated_chain(s, ctx.mentions, subject)[1]), subject.text
        st.salient_index = ctx.sentence.index
    named = tuple(dict.fromkeys(a for m in ctx.mentions if not _in_quote(ctx.quotes, m.start) for a in m.actors))
    if named:
        st.recent_actors = named
    if ends_in_quote:
        if not st.in_quote:
            st.quote_speaker = ctx.speaker
        st.in_quote = True
    else:
        st.in_quote = False
        st.quote_speaker = None


def _post_actor(ctx: _Ctx, hit: _TermHit, cue: _Cue) -> tuple[tuple[str, ...] | None, str | None, str | None, str | None]:
    s = ctx.sentence.text
    for m in ctx.mentions:  # "rejected by Moscow", "unacceptable to the Kremlin"
        if (
            m.start >= cue.end and cue.group.stance in ("accept", "reject", "demand")
            # the agent follows its cue closely, inside the same quote: not a later "said in reply to X"
            and m.start - cue.end <= 60 and '"' not in s[cue.end : m.start]
            and _AGENT_GAP.search(s[cue.start : m.start])
        ):
            # "endorsed by Meloni and Trump": the agents that follow, joined by "and"
            return _coordinated_after(s, ctx.mentions, m), "passive agent", m.text, None
    for m in ctx.mentions:  # "For Moscow, NATO membership is a non-starter"
        if m.end <= hit.start and re.match(r"\s*(?:'s)?\s*,", s[m.end : m.end + 4]) and re.search(r"\b(?:for|to)\s+(?:the\s+)?$", s[max(0, m.start - 10) : m.start]):
            return m.actors, "subject", m.text, None
    return _subject(ctx, hit.start, exclude=(hit.start, hit.end))
