"""A synthetic news site for the benchmarks, served from its own process on 127.0.0.1
(so the server does not compete with the pipeline for this process's GIL)."""

from __future__ import annotations

import gzip
import io
import multiprocessing as mp
import random
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.content import (  # noqa: E402
    Item,
    SeedArticle,
    article_page,
    load_seed,
    recent,
    rss,
    seed_stems,
)
from tests.support.site import Route, Site  # noqa: E402


def _sentences() -> list[str]:
    out: list[str] = []
    for stem in seed_stems():
        for para in load_seed(stem).paragraphs:
            out += [s.strip() + "." for s in para.split(". ") if len(s) > 40]
    return out


def synthetic_page(i: int, sentences: list[str], words: int = 1000) -> bytes:
    """A ~30 KB page of ~1,000 words: seed sentences in a page-specific order, plus chrome."""
    rng = random.Random(i)
    paras, count = [], 0
    while count < words:
        para = " ".join(rng.sample(sentences, 4))
        paras.append(para)
        count += len(para.split())
    art = SeedArticle(f"bench-{i}", f"Ceasefire talks, day {i}", tuple(paras), ())
    return article_page(art).replace(b"</body>", _HEAVY_CHROME + b"</body>")


# What makes real news pages ~30 KB besides the text: menus, related links, tracking
# and structured-data scripts, inline styles.
_HEAVY_CHROME = (
    b'<nav class="mega-menu">'
    + b"".join(b'<a class="menu-item" href="/section/%d">Section %d</a>' % (k, k) for k in range(120))
    + b'</nav><aside class="related"><ul>'
    + b"".join(b'<li><a href="/related/%d"><img src="/img/%d.jpg" alt="">Related story %d</a></li>' % (k, k, k) for k in range(60))
    + b"</ul></aside>"
    + b'<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","x":"'
    + b"y" * 4000
    + b'"}</script><style>'
    + b".c{color:#123456;margin:0 auto;padding:4px}" * 120
    + b"</style>"
)


def gzip_bomb(decoded_bytes: int) -> bytes:
    """A page that is small on the wire (about 1/1000) and `decoded_bytes` once gunzipped."""
    out = io.BytesIO()
    block = b"\0" * (1 << 20)
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as gz:
        gz.write(b"<html><body><article><p>")
        for _ in range(decoded_bytes // len(block)):
            gz.write(block)
    return out.getvalue()


def _serve(n_feeds: int, per_feed: int, extra_feeds: int, bombs: int, ready: mp.Queue, stop: mp.Event) -> None:
    sentences = _sentences()
    with Site() as site:
        feeds = []
        for f in range(n_feeds):
            items = []
            for k in range(per_feed):
                idx = f * per_feed + k
                link = site.add(f"/news/{idx}", body=synthetic_page(idx, sentences))
                items.append(Item(f"Story {idx}", link, guid=f"bench-{idx}", summary="Summary.", published=recent()))
            feeds.append(site.add(f"/feed/{f}.rss", body=rss(items), content_type="application/rss+xml"))
        if bombs:
            # pages that decompress to 1 GB each: the fetch must stop at the byte cap
            # without ever holding much more than the cap in memory
            bomb = gzip_bomb(1 << 30)
            items = []
            for k in range(bombs):
                link = site.add(f"/bomb/{k}", Route(body=bomb, headers={"Content-Encoding": "gzip"}))
                items.append(Item(f"Bomb {k}", link, guid=f"bomb-{k}", summary="Summary.", published=recent()))
            feeds.append(site.add("/feed/bombs.rss", body=rss(items), content_type="application/rss+xml"))
        small = [site.add(f"/tiny/{f}.rss", body=rss([]), content_type="application/rss+xml") for f in range(extra_feeds)]
        page_bytes = len(site.routes["/news/0"].body) if per_feed else 0
        ready.put((site.base, feeds, small, page_bytes))
        stop.wait()


class BenchSite:
    """Context manager: starts the site process, yields (base, feed URLs, tiny feed URLs, page size)."""

    def __init__(self, n_feeds: int, per_feed: int, extra_feeds: int = 0, bombs: int = 0) -> None:
        ctx = mp.get_context("fork")
        self._ready: mp.Queue = ctx.Queue()
        self._stop = ctx.Event()
        self._proc = ctx.Process(target=_serve, args=(n_feeds, per_feed, extra_feeds, bombs, self._ready, self._stop), daemon=True)

    def __enter__(self) -> tuple[str, list[str], list[str], int]:
        self._proc.start()
        return self._ready.get(timeout=300)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._proc.join(10)
        if self._proc.is_alive():
            self._proc.kill()


def write_config(tmp: Path, feeds: list[str], name: str) -> Path:
    """A config for a bench run over `feeds` on 127.0.0.1, its warehouse under tmp/name."""
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "warehouse": str(tmp / name / "redline.duckdb"),
        "feeds": [{"name": f"feed-{i}", "url": u} for i, u in enumerate(feeds)],
        "fetch": {"allow_private_addresses": ["127.0.0.1/32"], "concurrency": 16, "timeout_s": 30},
    }))
    return path
