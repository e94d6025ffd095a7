"""Keeping secrets out of logs, the warehouse, Prefect parameters and messages."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

# user:password@ in any scheme://, and long token-like path or query parts
# (Slack, Discord and most webhook schemes carry their secret in the path).
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{12,}")


def redact_url(url: str) -> str:
    """Return `url` with credentials and token-like parts replaced by `***`.

    >>> redact_url("mailtos://user:pw@smtp.example.org?to=desk@example.org")
    'mailtos://***@smtp.example.org?to=***'
    >>> redact_url("slack://TOKENA1234567/TOKENB1234567/TOKENC123456789")
    'slack://***/***/***'
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return "***"
    if not parts.scheme:
        return "***"
    host = parts.hostname or ""
    netloc = host
    if parts.port:
        netloc = f"{host}:{parts.port}"
    if parts.username or parts.password:
        netloc = f"***@{netloc}"
    if _TOKENISH.fullmatch(host or "") and "." not in host:
        netloc = netloc.replace(host, "***")
    path = "/".join("***" if _TOKENISH.fullmatch(seg) else seg for seg in parts.path.split("/"))
    query = "&".join(
        (kv.split("=", 1)[0] + "=***") if "=" in kv else kv for kv in parts.query.split("&") if kv
    )
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def scrub(text: str, secrets: list[str]) -> str:
    """Replace every occurrence of each secret (and its userinfo) in `text` by `***`."""
    out = _USERINFO.sub(lambda m: f"{m.group('scheme')}***@", text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        out = out.replace(secret, redact_url(secret))
    return out
