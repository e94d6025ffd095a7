"""Feeds and article pages built from the seed articles, wrapped in realistic chrome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape as xml_escape

if TYPE_CHECKING:
    from tests.support.site import Site

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Where each seed's own captured boilerplate begins (the seeds README lists it): the
# page builder moves those lines into page chrome, where a real site has them.
CHROME_STARTS = {
    "000_36deabc2bc55b72f": "The post Trump fails to get Putin",
    "001_7bcb21c0c0f8f90a": "Discover more from Post Alley",
    "002_504dc6610d9c60a6": None,
    "003_a9d0e8f336eaa357": "Comments",
    "004_0fa5bf4fd58476e8": "A Message from The Moscow Times",
}


@dataclass(frozen=True)
class SeedArticle:
    stem: str
    title: str
    paragraphs: tuple[str, ...]
    chrome: tuple[str, ...]  # the seed's own boilerplate lines


def seed_stems() -> list[str]:
    return sorted(p.stem for p in SEEDS.glob("*.txt"))


def load_seed(stem: str) -> SeedArticle:
    lines = [ln.strip() for ln in (SEEDS / f"{stem}.txt").read_text(encoding="utf-8").splitlines()]
    lines = [ln for ln in lines if ln and ln != "-"]
    marker = CHROME_STARTS.get(stem)
    cut = next((i for i, ln in enumerate(lines) if marker and ln.startswith(marker)), len(lines))
    body, chrome = lines[:cut], lines[cut:]
    title = body[0] if len(body[0]) < 120 else f"Seed {stem}"
    return SeedArticle(stem, title, tuple(body), tuple(chrome))


def article_page(article: SeedArticle, *, site: str = "The Daily Dispatch", published: datetime | None = None) -> bytes:
    """A full news page: navigation, newsletter box, the article, most-read list,
    comment form, donation appeal and footer — the chrome extraction must leave out."""
    published = published or datetime(2025, 3, 19, 8, 0, tzinfo=UTC)
    paras = "\n".join(f"<p>{escape(p)}</p>" for p in article.paragraphs)
    own_chrome = "\n".join(f"<p>{escape(c)}</p>" for c in article.chrome)
    most_read = "\n".join(f'<li><a href="/news/{i}">Most read story number {i} about the weather</a></li>' for i in range(1, 8))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{escape(article.title)} | {escape(site)}</title>
<meta property="og:site_name" content="{escape(site)}">
<meta name="author" content="Desk Reporter">
<meta property="article:published_time" content="{published.isoformat()}">
</head><body>
<header><nav class="menu"><a href="/">Home</a> <a href="/world">World</a> <a href="/europe">Europe</a>
<a href="/opinion">Opinion</a> <a href="/newsletters">Newsletters</a></nav></header>
<div class="newsletter-signup">Sign up for our Morning Briefing newsletter and get the top stories in your inbox.
<form><input type="email" placeholder="Email address"><button>Subscribe</button></form></div>
<main><article class="post">
<h1 class="headline">{escape(article.title)}</h1>
<div class="byline">By Desk Reporter · {published:%d %B %Y}</div>
<div class="article-body">
{paras}
</div></article>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
<section id="comments" class="comments"><h2>Comments</h2>
<form class="comment-form"><p>Leave a Reply</p><textarea>Please enter your comment!</textarea>
<input placeholder="Please enter your name here"><button>Post Comment</button></form>
<div class="site-chrome">{own_chrome}</div></section>
<aside class="donate"><h3>Support independent journalism</h3>
<p>Dear readers, we need your help. Please support us monthly starting from just $2. Remind me later.</p></aside>
</main>
<footer><p>© 2025 {escape(site)}. All rights reserved. Privacy policy. Cookie settings.</p></footer>
</body></html>""".encode()


@dataclass(frozen=True)
class Item:
    title: str
    link: str
    guid: str | None = None
    summary: str = ""
    published: datetime | None = None


def rss(items: list[Item], *, title: str = "Test feed", link: str = "http://127.0.0.1/") -> bytes:
    parts = []
    for it in items:
        guid = f"<guid isPermaLink=\"false\">{xml_escape(it.guid)}</guid>" if it.guid else ""
        pub = f"<pubDate>{format_datetime(it.published)}</pubDate>" if it.published else ""
        parts.append(
            f"<item><title>{xml_escape(it.title)}</title><link>{xml_escape(it.link)}</link>{guid}{pub}"
            f"<description>{xml_escape(it.summary)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{xml_escape(title)}</title><link>{xml_escape(link)}</link><description>t</description>"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def atom(items: list[Item], *, title: str = "Test Atom feed") -> bytes:
    parts = []
    for it in items:
        updated = (it.published or datetime(2025, 3, 19, tzinfo=UTC)).isoformat()
        parts.append(
            f"<entry><title>{xml_escape(it.title)}</title><link href=\"{xml_escape(it.link)}\"/>"
            f"<id>{xml_escape(it.guid or it.link)}</id><updated>{updated}</updated>"
            f"<summary>{xml_escape(it.summary)}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{xml_escape(title)}</title><id>urn:test</id><updated>2025-03-19T00:00:00Z</updated>"
        + "".join(parts)
        + "</feed>"
    ).encode()


def recent(hours: float = 1.0) -> datetime:
    return datetime.now(UTC) - timedelta(hours=hours)


def distinct_pages(site: Site, n: int, *, delay: float, tag: str) -> list[Item]:
    """Serve `n` article pages from the seeds at /news/{tag}{i}, each answering after `delay` s,
    with a headline and a paragraph of its own so each is its own story; their feed items."""
    from tests.support.site import Route

    stems = seed_stems()
    items = []
    for i in range(n):
        body = article_page(load_seed(stems[i % len(stems)]))
        body = body.replace(b"<h1 class=\"headline\">", f"<h1 class=\"headline\">{tag}{i} ".encode())
        body = body.replace(b"<div class=\"article-body\">", f"<div class=\"article-body\"><p>Dispatch {tag}-{i}: "
                            f"{' '.join(f'w{tag}{i}x{k}' for k in range(60))}</p>".encode())
        link = site.add(f"/news/{tag}{i}", Route(body=body, delay_s=delay))
        items.append(Item(f"{tag} {i}", link, guid=f"{tag}-{i}", summary="s", published=recent()))
    return items
