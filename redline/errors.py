"""One base error with specific subclasses, so callers can catch as narrowly as they need.

Every message names what is wrong and where (file, key path, URL, feed); none
contains a secret: URLs that may carry credentials go through redline.secrets.redact_url first.
"""

from __future__ import annotations

# The extractors' and the warehouse's own errors (they import nothing from redline),
# named here too; the CLI reports them like a RedlineError.
from extractors.errors import RuleError as RuleError
from warehouse.errors import NoReadCopy as NoReadCopy
from warehouse.errors import WarehouseBusy as WarehouseBusy
from warehouse.errors import WarehouseError as WarehouseError


class RedlineError(Exception):
    """Base of every error Redline raises on purpose. The CLI prints it as one line."""

    exit_code = 1


class UsageError(RedlineError):
    """The command line asks for something impossible."""

    exit_code = 2


class ConfigError(RedlineError):
    """The configuration file or an environment reference in it is invalid."""

    exit_code = 2


class FetchError(RedlineError):
    """An HTTP fetch failed. `hard` failures count fully towards disabling a feed."""

    hard = False

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")


class FetchTimeout(FetchError):
    """Connect or read took longer than fetch.timeout_s."""


class ResponseTooLarge(FetchError):
    """The body grew past fetch.max_bytes; it was cut off while streaming."""


class BlockedAddress(FetchError):
    """The URL (or a redirect) points at a private, loopback or link-local address."""

    hard = True


class TooManyRedirects(FetchError):
    """More redirects than fetch.max_redirects."""

    hard = True


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    @property
    def hard(self) -> bool:  # type: ignore[override]
        # 4xx other than 408/429 will not fix itself by waiting; 5xx might.
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 429)


class FeedParseError(RedlineError):
    """A feed body could not be parsed into any entry."""


class ExtractionError(RedlineError):
    """Text extraction failed or exceeded its time or size limit."""


class AlertError(RedlineError):
    """An alert could not be routed or delivered."""
