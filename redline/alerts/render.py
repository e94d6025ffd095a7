"""Alert messages: a title, and a body as HTML (email) or markdown (everything else).

Everything that came from a feed or an article page is untrusted: in HTML it is
escaped; in markdown, markdown links and images lose their link syntax, angle
brackets (Slack's `<!channel>`, `<@U123>`, `<url|text>` and raw HTML) are replaced
by look-alike guillemets, and @channel/@here/@everyone are broken with a word joiner.
Bodies are cut to the target's length limit, the evidence quote first.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

# Labels and cleaning shared with the report page live in redline/labels.py; named here
# too, as the alert messages' own vocabulary.
from redline.labels import ACTOR_LABELS as ACTOR_LABELS
from redline.labels import TOPIC_LABELS as TOPIC_LABELS
from redline.labels import actor_label as actor_label
from redline.labels import clean as clean
from redline.labels import day as day
from redline.labels import safe_url as safe_url
from redline.labels import topic_label as topic_label
from redline.labels import when as when

KIND_LABELS = {"reported": "reported shift", "observed": "observed shift", "new": "first position seen"}

HTML = "html"
MARKDOWN = "markdown"

_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\(([^)\n]*)\)")
_MENTION = re.compile(r"@(channel|here|everyone|group)\b", re.IGNORECASE)
_ELLIPSIS = "…"


def neutralise_md(text: str | None) -> str:
    """Untrusted text made inert for markdown/Slack/Discord targets."""
    out = clean(text)
    out = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) else m.group(1), out)
    out = out.replace("<", "‹").replace(">", "›")
    out = _MENTION.sub(lambda m: "@\u2060" + m.group(1), out)
    # Left alone these would open a code span or a link that swallows our own markup.
    return out.replace("`", "'").replace("[", "(").replace("]", ")")


def shift_title(actor: str, topic: str, from_stance: str | None, to_stance: str) -> str:
    """ "Russia on a full ceasefire: reject → conditional" (ids are ours, not untrusted)."""
    head = f"{actor_label(actor)} on {topic_label(topic)}"
    if from_stance:
        return f"{head}: {from_stance} → {to_stance}"
    return f"{head}: {to_stance} (first seen)"


@dataclass(frozen=True)
class ShiftView:
    """Everything a message about one shift shows."""

    shift_id: str
    actor: str
    topic: str
    from_stance: str | None
    to_stance: str
    kind: str
    severity: str
    evidence: str
    source: str | None
    title: str | None  # the article's headline
    url: str | None
    published_at: datetime | None
    from_since: datetime | None
    from_source: str | None
    corroborating: Sequence[str] = ()  # other outlets, distinct


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    body_format: str  # html | markdown


def render(view: ShiftView, *, fmt: str, limit: int, max_listed: int = 10) -> Message:
    """The message for one shift in `fmt`, with a body of at most `limit` characters."""
    title = shift_title(view.actor, view.topic, view.from_stance, view.to_stance)
    build = _html_body if fmt == HTML else _md_body
    quote_len = len(clean(view.evidence))
    listed = max_listed
    body = build(view, quote_len, listed)
    # Too long: shorten the quote (keeping at least a sentence's worth), then the list.
    while len(body) > limit and quote_len > 80:
        quote_len = max(80, quote_len - (len(body) - limit) - 8)
        body = build(view, quote_len, listed)
    while len(body) > limit and listed > 0:
        listed -= 1
        body = build(view, quote_len, listed)
    if len(body) > limit:
        body = body[: limit - 1] + _ELLIPSIS
    return Message(title=title, body=body, body_format=fmt)


def _cut(text: str, n: int) -> str:
    return text if len(text) <= n else text[: max(0, n - 1)].rstrip() + _ELLIPSIS


def _others(view: ShiftView, listed: int) -> tuple[list[str], int]:
    others = [o for o in view.corroborating if o and o != view.source]
    return others[:listed], len(others)


def _md_body(view: ShiftView, quote_len: int, listed: int) -> str:
    lines = [f"**Severity:** {view.severity} · {KIND_LABELS.get(view.kind, view.kind)}", ""]
    lines.append(f"> “{neutralise_md(_cut(clean(view.evidence), quote_len))}”")
    lines.append("")
    headline = neutralise_md(view.title) or "(no headline)"
    lines.append(f"**{headline}** — {neutralise_md(view.source) or 'unknown outlet'}, published {when(view.published_at)}")
    link = safe_url(view.url)
    if link:
        lines.append(f"[Read the article]({link.replace(')', '%29').replace('(', '%28')})")
    lines.append("")
    if view.from_stance:
        prev = f"Previously: **{view.from_stance}** since {day(view.from_since)}"
        if view.from_source:
            prev += f" ({neutralise_md(view.from_source)})"
        lines.append(prev)
    shown, total = _others(view, listed)
    if total:
        names = ", ".join(neutralise_md(o) for o in shown)
        more = f" and {total - len(shown)} more" if total > len(shown) else ""
        lines.append(f"Also reported by: {names}{more} ({total + 1} outlets in all)")
    lines.append(f"_Redline {view.shift_id}_")
    return "\n".join(lines)


def _html_body(view: ShiftView, quote_len: int, listed: int) -> str:
    e = html.escape
    title = shift_title(view.actor, view.topic, view.from_stance, view.to_stance)
    parts = [
        f"<h2>{e(title)}</h2>",
        f"<p><b>Severity:</b> {e(view.severity)} · {e(KIND_LABELS.get(view.kind, view.kind))}</p>",
        f"<blockquote>“{e(_cut(clean(view.evidence), quote_len))}”</blockquote>",
    ]
    headline = e(clean(view.title) or "(no headline)")
    link = safe_url(view.url)
    if link:
        headline = f'<a href="{e(link, quote=True)}">{headline}</a>'
    outlet = e(clean(view.source) or "unknown outlet")
    parts.append(f"<p><b>{headline}</b><br>{outlet}, published {when(view.published_at)}</p>")
    if view.from_stance:
        prev = f"<p>Previously: <b>{e(view.from_stance)}</b> since {day(view.from_since)}"
        if view.from_source:
            prev += f" ({e(clean(view.from_source))})"
        parts.append(prev + "</p>")
    shown, total = _others(view, listed)
    if total:
        names = ", ".join(e(clean(o)) for o in shown)
        more = f" and {total - len(shown)} more" if total > len(shown) else ""
        parts.append(f"<p>Also reported by: {names}{more} ({total + 1} outlets in all)</p>")
    parts.append(f'<p style="color:#777">Redline {e(view.shift_id)}</p>')
    return "\n".join(parts)
