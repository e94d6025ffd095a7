"""Entries: feed items turned into records with a canonical URL and a stable id.

An entry is new when neither its canonical URL nor its feed GUID is already known
(the check itself runs in warehouse.entries against the stored ids).
"""

from __future__ import annotations

import hashlib
import re
from calendar import timegm
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redline.models import Entry

# Parameters that say how a reader arrived, not what they read.
_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|yclid|igshid|"
    r"_ga|_gl|ocid|cmpid|ncid|sr_share|smid|ref|ref_src|taid|at_medium|at_campaign)$",
    re.IGNORECASE,
)


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters.

    >>> canonical_url("HTTPS://Example.COM:443/a/b?utm_source=x&id=7&fbclid=z#top")
    'https://example.com/a/b?id=7'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, query, ""))


def entry_id(canonical: str) -> str:
    """A short stable id for a canonical URL (also the article id of its page)."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:20]


def _time(value: Any) -> datetime | None:
    # feedparser gives struct_time in UTC; a bad date is no date, not an error.
    try:
        return datetime.fromtimestamp(timegm(value), tz=UTC) if value else None
    except (TypeError, ValueError, OverflowError):
        return None


def from_parsed(feed_name: str, feed_url: str, item: Any) -> Entry | None:
    """Build an Entry from one feedparser entry; None when it has no usable link."""
    link = (item.get("link") or "").strip()
    guid = (item.get("id") or "").strip() or None
    if not link and guid and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    from urllib.parse import urljoin

    link = urljoin(feed_url, link)
    if urlsplit(link).scheme not in ("http", "https"):
        return None
    canon = canonical_url(link)
    content = item.get("content") or []
    summary = content[0].get("value", "") if content else item.get("summary", "") or ""
    return Entry(
        entry_id=entry_id(canon),
        feed_name=feed_name,
        url=link,
        canonical_url=canon,
        guid=guid,
        title=(item.get("title") or "").strip(),
        summary=summary,
        published_at=_time(item.get("published_parsed") or item.get("updated_parsed")),
    )
