"""One message to one apprise target, with timeouts and a redacted reason on failure.

Each send uses a fresh Apprise() holding just that target: a reused object
throttles a service to one request per `request_rate_per_sec` (5.5 s for email),
and per-target sends are what the outbox records. `cto=`/`rto=` are added to the
URL (when it has none) so a dead target cannot hold a run. apprise returns None
when no service took the message: that is a failure, not a success.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from redline.alerts.render import HTML, MARKDOWN, Message
from redline.secrets import redact_urls, remember

_EMAIL_SCHEMES = ("mailto", "mailtos", "email", "ses", "sendgrid", "mailgun", "sparkpost", "smtp2go", "resend", "brevo")


class _Capture(logging.Handler):
    """Collects apprise's warnings per thread: the reason a send failed. Records
    reach it already redacted (redline.secrets redacts every record as it is made)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        buf = getattr(self.local, "buf", None)
        if buf is not None:
            buf.append(record.getMessage())


_capture = _Capture()
logging.getLogger("apprise").addHandler(_capture)


def remember_secrets(secrets: list[str]) -> None:
    """Make the log redaction know these values (the notify URLs of the config)."""
    remember(secrets)


def body_format_for(url: str) -> str:
    """HTML for email services, markdown for everything else."""
    scheme = url.split("://", 1)[0].lower()
    return HTML if scheme in _EMAIL_SCHEMES else MARKDOWN


def with_timeouts(url: str, connect_s: float, read_s: float) -> str:
    """Add cto=/rto= to an apprise URL unless it sets them itself."""
    try:
        keys = {k.lower() for k, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)}
    except ValueError:
        return url
    extra = []
    if "cto" not in keys:
        extra.append(f"cto={connect_s:g}")
    if "rto" not in keys:
        extra.append(f"rto={read_s:g}")
    if not extra:
        return url
    sep = "&" if "?" in url else "?"
    return url + sep + "&".join(extra)


def load_plugin(url: str):  # noqa: ANN201 - apprise's plugin type, or None
    """apprise's service object for `url`, or None when apprise cannot load it."""
    import apprise

    remember([url])  # before apprise sees it: it logs the tokens of a URL it cannot load
    asset = apprise.AppriseAsset(storage_mode="memory")
    return apprise.Apprise.instantiate(url, asset=asset)


def body_limit(url: str, configured: int) -> int:
    """The smaller of our configured limit and the service's own (title counts against it)."""
    plugin = load_plugin(url)
    if plugin is None:
        return configured
    own = int(getattr(plugin, "body_maxlen", configured) or configured)
    title = int(getattr(plugin, "title_maxlen", 0) or 0)
    # Services without a separate title field get the title prepended to the body.
    if title == 0:
        own -= 260
    return max(200, min(configured, own))


@dataclass(frozen=True)
class SendOutcome:
    ok: bool
    error: str | None = None


def send(url: str, message: Message, *, connect_s: float, read_s: float, attach: Sequence[str] = ()) -> SendOutcome:
    """Deliver `message` (with the files in `attach`) to one apprise URL. Never raises for delivery problems."""
    import apprise

    remember_secrets([url])
    full = with_timeouts(url, connect_s, read_s)
    remember_secrets([full])
    obj = apprise.Apprise(asset=apprise.AppriseAsset(storage_mode="memory"))
    _capture.local.buf = []
    if not obj.add(full):
        why = "; ".join(dict.fromkeys(line.strip() for line in _capture.local.buf if line.strip()))
        _capture.local.buf = None
        return SendOutcome(False, redact_urls(f"apprise could not load the target URL: {why}" if why
                                              else "apprise could not load the target URL")[:500])
    fmt = apprise.NotifyFormat.HTML if message.body_format == HTML else apprise.NotifyFormat.MARKDOWN
    _capture.local.buf = []
    try:
        result = obj.notify(title=message.title, body=message.body, body_format=fmt, attach=list(attach) or None)
    except Exception as exc:  # noqa: BLE001 - a plugin bug is a failed send, not a crashed run
        result, lines = False, [redact_urls(f"{type(exc).__name__}: {exc}")]
    else:
        lines = _capture.local.buf
    finally:
        captured = _capture.local.buf
        _capture.local.buf = None
    lines = lines or captured
    if result is None:
        return SendOutcome(False, "apprise matched no service for this target")
    if result:
        return SendOutcome(True)
    reason = "; ".join(dict.fromkeys(line.strip() for line in lines if line.strip())) or "delivery failed"
    return SendOutcome(False, redact_urls(reason)[:500])
