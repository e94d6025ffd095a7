"""Issue 10.4 without a kill: the articles stage commits every `extract.batch_size`
articles or every `extract.commit_interval_s` seconds, whichever comes first (a real site on
127.0.0.1 whose pages answer slowly, a real DuckDB file, the real worker pool)."""

from __future__ import annotations

from pathlib import Path

from extractors.text import ExtractionPool
from redline import articles, feeds, runs
from redline.config import Config
from redline.http import SafeClient
from redline.positions import store_classifications
from tests.support.content import Item, article_page, load_seed, recent, rss, seed_stems
from tests.support.site import Route, Site
from warehouse import Warehouse


def _feed(site: Site, n: int, delay: float) -> str:
    stems = seed_stems()
    items = []
    for i in range(n):
        body = article_page(load_seed(stems[i % len(stems)])).replace(b"<h1", f"<p>Dispatch {i}</p><h1".encode(), 1)
        link = site.add(f"/news/{i}", Route(body=body, delay_s=delay))
        items.append(Item(f"Story {i}", link, guid=f"g{i}", summary="s", published=recent()))
    return site.add("/rss", body=rss(items), content_type="application/rss+xml")


def _run(cfg: Config) -> articles.ArticlesResult:
    wh = Warehouse(cfg.warehouse)
    run_id = runs.start_run(wh, kind="run")
    with SafeClient(cfg.fetch) as client, ExtractionPool(workers=2, time_limit_s=20) as pool:
        feeds.poll_feeds(wh, cfg, run_id, client=client)
        return articles.process_pending(wh, cfg, run_id, client=client, pool=pool, store_classified=store_classifications)


def test_a_commit_every_batch_size_articles(site: Site, make_config) -> None:
    _, cfg = make_config([{"name": "Wire", "url": _feed(site, 12, 0.0)}], extract={"batch_size": 5, "commit_interval_s": 3600})
    result = _run(cfg)
    assert (result.new_articles, result.batches) == (12, 3)  # 5 + 5 + 2
    assert result.classified["articles"] == 12


def test_a_commit_every_interval_when_pages_come_slowly(site: Site, make_config, tmp_path: Path) -> None:
    # one page at a time, each answering after 0.4 s: the 6 pages take at least 2.4 s, so an
    # interval of 0.3 s (checked every 0.3 s) must commit more than once though no batch fills
    _, cfg = make_config([{"name": "Wire", "url": _feed(site, 6, 0.4)}], fetch={"concurrency": 1},
                         extract={"batch_size": 1000, "commit_interval_s": 0.3})
    result = _run(cfg)
    assert result.new_articles == 6
    assert result.batches >= 2
