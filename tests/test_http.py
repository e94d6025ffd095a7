"""The shared HTTP client against a real local server: caps, timeouts, redirects, addresses."""

from __future__ import annotations

import httpx
import pytest

from redline.config import FetchConfig
from redline.errors import (
    BlockedAddress,
    FetchTimeout,
    HTTPStatusError,
    ResponseTooLarge,
    TooManyRedirects,
)
from redline.http import SafeClient, address_allowed
from tests.support.site import Site

LOOPBACK_ONLY = FetchConfig(timeout_s=1.0, allow_private_addresses=("127.0.0.1/32",), max_bytes=50_000)


def test_sends_user_agent_and_returns_body(site: Site) -> None:
    url = site.add("/a", body=b"hello")
    with SafeClient(LOOPBACK_ONLY) as c:
        resp = c.get(url)
    assert resp.body == b"hello"
    assert site.hits("/a")[0].headers["User-Agent"] == LOOPBACK_ONLY.user_agent


def test_loopback_refused_by_default(site: Site) -> None:
    url = site.add("/a", body=b"hello")
    with SafeClient(FetchConfig(timeout_s=1.0)) as c, pytest.raises(BlockedAddress, match="non-public address 127.0.0.1"):
        c.get(url)
    assert site.hits("/a") == []  # refused before connecting


@pytest.mark.parametrize("target", ["http://10.0.0.1/x", "http://169.254.169.254/latest/meta-data", "http://[::1]:1/x", "file:///etc/passwd"])
def test_redirect_to_private_address_refused(site: Site, target: str) -> None:
    url = site.add("/r", status=302, headers={"Location": target}, conditional=False)
    with SafeClient(LOOPBACK_ONLY) as c, pytest.raises(BlockedAddress):
        c.get(url)
    assert len(site.hits("/r")) == 1


def test_redirects_followed_up_to_the_limit(site: Site) -> None:
    for i in range(7):
        site.add(f"/hop{i}", status=301, headers={"Location": f"/hop{i + 1}"}, conditional=False)
    site.add("/hop7", body=b"end")
    with SafeClient(LOOPBACK_ONLY) as c:
        assert c.get(site.url("/hop3")).final_url.endswith("/hop7")  # 4 redirects
        with pytest.raises(TooManyRedirects):
            c.get(site.url("/hop0"))  # 7 redirects


def test_slow_response_times_out(site: Site) -> None:
    url = site.add("/slow", body=b"late", delay_s=2.5)
    with SafeClient(LOOPBACK_ONLY) as c, pytest.raises(FetchTimeout):
        c.get(url)


def test_trickling_body_hits_total_deadline(site: Site) -> None:
    # each chunk arrives within the read timeout, the whole body does not
    url = site.add("/trickle", body=b"x" * 64 * 40, trickle_s=0.1)
    with SafeClient(LOOPBACK_ONLY) as c, pytest.raises(FetchTimeout, match="still arriving"):
        c.get(url)


def test_oversized_body_cut_while_streaming(site: Site) -> None:
    url = site.add("/huge", stream_bytes=50_000_000)  # no Content-Length
    with SafeClient(LOOPBACK_ONLY) as c, pytest.raises(ResponseTooLarge, match="50000-byte cap"):
        c.get(url)


def test_declared_oversize_refused_before_reading(site: Site) -> None:
    url = site.add("/big", body=b"y" * 60_000)
    with SafeClient(LOOPBACK_ONLY) as c, pytest.raises(ResponseTooLarge, match="60000 bytes"):
        c.get(url)


def test_error_status_is_hard_only_for_client_errors(site: Site) -> None:
    site.add("/gone", status=410, body=b"gone", conditional=False)
    site.add("/busy", status=503, body=b"busy", conditional=False)
    with SafeClient(LOOPBACK_ONLY) as c:
        with pytest.raises(HTTPStatusError) as gone:
            c.get(site.url("/gone"))
        with pytest.raises(HTTPStatusError) as busy:
            c.get(site.url("/busy"))
    assert gone.value.hard and not busy.value.hard


def test_transport_is_injectable() -> None:
    transport = httpx.MockTransport(lambda req: httpx.Response(200, content=b"mocked " + req.url.host.encode()))
    with SafeClient(FetchConfig(allow_private_addresses=True), transport=transport) as c:
        assert c.get("http://outlet.invalid/feed").body == b"mocked outlet.invalid"


@pytest.mark.parametrize(
    ("ip", "allowed"),
    [("8.8.8.8", True), ("127.0.0.1", False), ("10.1.2.3", False), ("192.168.0.1", False), ("169.254.1.1", False),
     ("::1", False), ("fe80::1", False), ("::ffff:10.0.0.1", False), ("100.64.0.1", False), ("2606:4700::1111", True)],
)
def test_address_classification(ip: str, allowed: bool) -> None:
    assert address_allowed(ip) is allowed


def _gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data, compresslevel=9)


@pytest.mark.parametrize("encoding", ["gzip", "deflate-zlib", "deflate-raw"])
def test_compressed_bodies_are_decoded(site: Site, encoding: str) -> None:
    import zlib

    body = b"<p>" + b"ceasefire talks " * 2000 + b"</p>"
    if encoding == "gzip":
        wire, header = _gzip(body), "gzip"
    elif encoding == "deflate-zlib":
        wire, header = zlib.compress(body), "deflate"
    else:
        squeeze = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        wire, header = squeeze.compress(body) + squeeze.flush(), "deflate"
    url = site.add("/z", body=wire, headers={"Content-Encoding": header})
    with SafeClient(LOOPBACK_ONLY) as c:
        assert c.get(url).body == body


def test_gzip_bomb_is_cut_at_the_cap_without_inflating_it(site: Site) -> None:
    """64 MB of zeros in ~64 KB on the wire (under the cap, so it is read): refused at the
    1 MB cap, and the client never holds much more than the cap (httpx would inflate a whole
    network read at once)."""
    import tracemalloc

    bomb = _gzip(b"\0" * (64 << 20))
    url = site.add("/bomb", body=bomb, headers={"Content-Encoding": "gzip"})
    assert len(bomb) < 1_000_000
    with SafeClient(FetchConfig(timeout_s=5.0, allow_private_addresses=("127.0.0.1/32",), max_bytes=1_000_000)) as c:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseTooLarge, match="body exceeds the 1000000-byte cap"):
                c.get(url)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4 << 20, f"{peak} bytes held while refusing a gzip bomb"
