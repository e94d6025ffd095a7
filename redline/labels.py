"""How alerts and the report page name actors and topics, and how they make untrusted
text (from feeds and article pages) safe to show: one line, no control characters,
links only to http(s) URLs."""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote, urlsplit

from extractors.signals.model import ACTOR_ALERT_LABELS, TOPIC_ALERT_LABELS

# the vocabulary's one source (extractors/vocabulary.yaml)
ACTOR_LABELS = ACTOR_ALERT_LABELS
TOPIC_LABELS = TOPIC_ALERT_LABELS

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def actor_label(actor: str) -> str:
    return ACTOR_LABELS.get(actor, actor.replace("_", " ").title())


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic.replace("_", " "))


def clean(text: str | None) -> str:
    """One line of untrusted text: control and bidi characters gone, whitespace collapsed."""
    return " ".join(_CONTROL.sub("", text or "").split())


def safe_url(url: str | None) -> str | None:
    """An http(s) URL safe to put in a link, or None."""
    url = clean(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%-._~")


def when(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%d %H:%M UTC") if ts else "unknown time"


def day(ts: datetime | None) -> str:
    return ts.strftime("%Y-%m-%d") if ts else "unknown date"
