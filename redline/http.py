"""The one HTTP client for feeds and article pages.

Rules every fetch follows: connect/read timeouts plus a total deadline, a byte cap
enforced while streaming, at most `max_redirects` redirects followed by hand so each
hop is checked, an explicit User-Agent, and no private, loopback or link-local address
(checked before connecting and again on the connected socket, which defeats DNS
rebinding) unless `allow_private_addresses` is set. The transport is injectable so
pure logic can be tested without a network.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from redline.config import FetchConfig
from redline.errors import (
    BlockedAddress,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)

_REDIRECTS = {301, 302, 303, 307, 308}

def _allow_hint(ip: str) -> str:
    """A refused address names the setting that allows it (the user's next step)."""
    return f" (refused: allow it with fetch.allow_private_addresses, e.g. [\"{ipaddress.ip_network(ip)}\"])"


@dataclass(frozen=True)
class Response:
    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: int = 0


def address_allowed(ip: str, allow: bool | tuple[str, ...] = False) -> bool:
    """True for globally routable unicast addresses, and for those `allow` lets through."""
    if allow is True:
        return True
    addr = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if addr.is_global and not addr.is_multicast:
        return True
    return any(addr in net for net in _networks(tuple(allow or ())))


@functools.lru_cache(maxsize=16)
def _networks(allow: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The allowed networks, parsed once (every fetch checks its address twice)."""
    return tuple(ipaddress.ip_network(net, strict=False) for net in allow)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """The TLS context httpx builds for every client (certifi's CAs, nothing from the
    environment), built once a process: loading the CAs costs 0.05-0.1 s, and a pass makes
    two clients (feeds, then pages)."""
    return httpx.create_ssl_context(trust_env=False)


class SafeClient:
    """A thread-safe wrapper over one shared httpx.Client; use as a context manager."""

    def __init__(self, cfg: FetchConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        self.cfg = cfg
        self._check_socket = transport is None
        self._client = httpx.Client(
            transport=transport,
            verify=_tls_context(),
            timeout=httpx.Timeout(cfg.timeout_s, connect=min(cfg.timeout_s, 10.0)),
            follow_redirects=False,
            # Proxies from the environment would hide the real peer address from the
            # private-address check; Redline talks to outlets directly.
            trust_env=False,
            headers={"User-Agent": cfg.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=cfg.concurrency * 2, max_keepalive_connections=cfg.concurrency * 2),
        )

    def __enter__(self) -> SafeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, headers: Mapping[str, str] | None = None, max_bytes: int | None = None) -> Response:
        """GET `url`; raise a FetchError subclass on any failure (a 304 is not a failure)."""
        cap = max_bytes or self.cfg.max_bytes
        deadline = time.monotonic() + self.cfg.timeout_s * 2
        started = time.monotonic()
        current = url
        for hop in range(self.cfg.max_redirects + 1):
            self._check_url(current)
            try:
                with self._client.stream("GET", current, headers=dict(headers or {})) as resp:
                    self._check_peer(current, resp)
                    if resp.status_code in _REDIRECTS and "location" in resp.headers:
                        current = urljoin(current, resp.headers["location"])
                        continue
                    if resp.status_code == 304:
                        # A 304 has no body (h11 reads none), but reading it marks the response
                        # complete: httpx then keeps the connection for the next request instead
                        # of closing it (a poll of unchanged feeds would open one per feed).
                        resp.read()
                        body = b""
                    else:
                        body = self._read_capped(current, resp, cap, deadline)
                    hdrs = {k.lower(): v for k, v in resp.headers.items()}
                    elapsed = int((time.monotonic() - started) * 1000)
                    if resp.status_code >= 400:
                        err = HTTPStatusError(current, f"HTTP {resp.status_code}", status=resp.status_code)
                        err.headers = hdrs  # type: ignore[attr-defined]
                        raise err
                    return Response(url, current, resp.status_code, hdrs, body, elapsed)
            except httpx.TimeoutException as exc:
                raise FetchTimeout(current, f"timed out ({type(exc).__name__})") from None
            except httpx.HTTPError as exc:
                raise FetchError(current, f"{type(exc).__name__}: {exc}") from None
            if hop == self.cfg.max_redirects:
                break
        raise TooManyRedirects(url, f"more than {self.cfg.max_redirects} redirects")

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise BlockedAddress(url, "only http and https URLs are fetched")
        if self.cfg.allow_private_addresses is True:
            return
        port = parts.port or (443 if parts.scheme == "https" else 80)
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise FetchError(url, f"cannot resolve {parts.hostname}: {exc.strerror}") from None
        for info in infos:
            ip = str(info[4][0])
            if not address_allowed(ip, self.cfg.allow_private_addresses):
                raise BlockedAddress(url, f"{parts.hostname} resolves to non-public address {ip}{_allow_hint(ip)}")

    def _check_peer(self, url: str, resp: httpx.Response) -> None:
        if self.cfg.allow_private_addresses is True or not self._check_socket:
            return
        stream = resp.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer and not address_allowed(str(peer[0]), self.cfg.allow_private_addresses):
            raise BlockedAddress(url, f"connected to non-public address {peer[0]}{_allow_hint(str(peer[0]))}")

    def _read_capped(self, url: str, resp: httpx.Response, cap: int, deadline: float) -> bytes:
        declared = resp.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            raise ResponseTooLarge(url, f"body of {declared} bytes exceeds the {cap}-byte cap")
        chunks: list[bytes] = []
        size = 0
        for chunk in _decoded(url, resp, cap):
            size += len(chunk)
            if size > cap:
                raise ResponseTooLarge(url, f"body exceeds the {cap}-byte cap")
            if time.monotonic() > deadline:
                raise FetchTimeout(url, f"body still arriving after {self.cfg.timeout_s * 2:.0f}s")
            chunks.append(chunk)
        return b"".join(chunks)


def _decoded(url: str, resp: httpx.Response, cap: int) -> Iterator[bytes]:
    """The body's bytes, gunzipped or inflated here rather than by httpx: httpx inflates each
    network read whole, so a gzip bomb (1 GB of zeros in 1 MB) would put some 64 MB in memory
    per read before the cap is checked. Here no call yields more than the cap allows (+1)."""
    encoding = resp.headers.get("content-encoding", "").strip().lower()
    if encoding not in ("gzip", "x-gzip", "deflate"):
        yield from resp.iter_bytes()
        return
    wbits = 16 + zlib.MAX_WBITS if encoding != "deflate" else zlib.MAX_WBITS
    inflate = zlib.decompressobj(wbits)
    size = 0
    first = True
    for raw in resp.iter_raw():
        data = raw
        while data and size <= cap:
            try:
                piece = inflate.decompress(data, cap + 1 - size)
            except zlib.error as exc:
                if first and encoding == "deflate":  # servers send raw deflate as often as zlib's
                    inflate, first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise FetchError(url, f"cannot decode {encoding} body: {exc}") from None
            first = False
            size += len(piece)
            yield piece
            data = inflate.unconsumed_tail
            if inflate.eof:
                return
