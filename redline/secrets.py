"""Keeping secrets out of logs, the warehouse, Prefect parameters and messages.

The notify URLs of a config loaded for sending are remembered here (`remember`), and
every log record this process creates afterwards - ours, Prefect's, apprise's,
urllib3's - passes through `redact` before any handler sees it (a log-record factory,
so it holds for loggers and handlers configured later too, e.g. by Prefect). apprise
records and delivery errors get the stronger `redact_urls`, which also masks the
token-like parts of any URL: apprise logs tokens of URLs it could not parse.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

# user:password@ in any scheme://, and long token-like path or query parts
# (Slack, Discord and most webhook schemes carry their secret in the path).
_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s]+)@")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-]{12,}")
_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://\S+")
# Pieces of an apprise URL between its delimiters; apprise logs such pieces on their own
# ("An invalid Slack (first) Token (...) was specified").
_DELIMS = re.compile(r"[/:@?&=#\s]+")
_MIN_PIECE = 10

_known: set[str] = set()  # whole notify URLs and their secret-looking parts
_lock = threading.Lock()
_installed = False


def redact_url(url: str) -> str:
    """Return `url` with credentials and token-like parts replaced by `***`.

    >>> redact_url("mailtos://user:pw@smtp.example.org?to=desk@example.org")
    'mailtos://***@smtp.example.org?to=***'
    >>> redact_url("slack://TOKENA1234567/TOKENB1234567/TOKENC123456789")
    'slack://***/***/***'
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. tgram://123:TOKEN, whose "port" is the token
        return url.split("://", 1)[0] + "://***" if "://" in url else "***"
    if not parts.scheme:
        return "***"
    host = parts.hostname or ""
    netloc = host
    if port:
        netloc = f"{host}:{port}"
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


def secret_parts(url: str) -> list[str]:
    """The parts of an apprise URL that may be a secret on their own: the user and
    password, and every long piece between the URL's delimiters (path segments, host
    labels, query values, a Telegram bot token after its ':'), also URL-decoded, as
    apprise logs them."""
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        user = password = None
    out = [p for p in (user, password) if p and len(p) >= 4]
    rest = url.split("://", 1)[-1]
    pieces = _DELIMS.split(rest) + [v for _, v in parse_qsl(rest.partition("?")[2])]
    for piece in pieces:
        for p in {piece, unquote(piece)}:
            # host names (with dots) are not secrets; long tokens are
            if len(p) >= _MIN_PIECE and "." not in p:
                out.append(p)
    return out


def remember(urls: Iterable[str]) -> None:
    """Make the log redaction know these secrets (notify URLs) from now on."""
    install_log_redaction()
    with _lock:
        for url in urls:
            if url:
                _known.add(url)
                _known.update(secret_parts(url))
                if "://" in url:
                    _known.add(url.split("://", 1)[1])


def redact(text: str) -> str:
    """`text` with every remembered secret and any URL's user:password replaced."""
    out = _USERINFO.sub(lambda m: f"{m.group('scheme')}***@", text)
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in out:
            out = out.replace(secret, redact_url(secret) if "://" in secret else "***")
    return out


def redact_urls(text: str) -> str:
    """`redact`, and every URL in `text` reduced to its non-secret parts (apprise lines,
    delivery errors: text about a notify target, never a link a reader needs)."""
    return _URL.sub(lambda m: redact_url(m.group(0)), redact(text))


def _redact_record(record: logging.LogRecord) -> None:
    # Every record, even with no notify URL known: a user:password in any URL is masked too
    # (Prefect logs "View at" links built from PREFECT_API_URL, which may carry them).
    try:
        msg = record.getMessage()
    except Exception:  # noqa: BLE001 - a broken log call must not break the caller
        msg = str(record.msg)
    clean = redact_urls(msg) if record.name.startswith("apprise") else redact(msg)
    if clean != msg:  # leave records without secrets as they are (formatters may read args)
        record.msg, record.args = clean, ()
    if record.exc_info and record.exc_info[1] is not None:
        text = logging.Formatter().formatException(record.exc_info)
        if redact(text) != text:
            record.exc_text = redact(text)
            record.exc_info = None


def install_log_redaction() -> None:
    """Route every log record created from now on through the redactor (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
