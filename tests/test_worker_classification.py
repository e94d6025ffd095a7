"""Classification in the extraction workers (issue 10.1): the positions a polling pass
stores as it reads each page must be exactly those classify_pending would store for the
same articles afterwards: same rule-set version, same evidence, same skips and fallbacks.

Both paths run on real DuckDB files against the local news site on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractors.signals.engine import classify, load_ruleset
from extractors.text import ExtractionPool, article_text, extract_document, run_job
from redline import articles, feeds, runs
from redline.config import Config
from redline.http import SafeClient
from redline.positions import classify_pending, store_classifications
from tests.support.content import Item, article_page, load_seed, recent, rss, seed_stems
from tests.support.site import Site
from warehouse import Warehouse

# Every column the signal stage stores except when it stored it.
TABLES = {
    "core.classifications": "article_id, ruleset_version, status, reason, notes",
    "core.positions": "article_id, actor, topic, stance, evidence, rule_id, confidence, ruleset_version",
    "core.position_evidence": "article_id, actor, topic, stance, sentence_index, sentence, rule_id, cue, confidence, ruleset_version",
    "core.reported_shifts": "article_id, actor, topic, from_stance, to_stance, evidence, rule_id, confidence, ruleset_version",
}


def _feed(site: Site) -> str:
    items = []
    for stem in seed_stems():
        seed = load_seed(stem)
        link = site.add(f"/news/{stem}", body=article_page(seed))
        items.append(Item(seed.title, link, guid=stem, summary=seed.paragraphs[1], published=recent()))
    # A page with too little text and a page that is missing: the feed's own content is the
    # text, and it is classified too (a sentence with a position in it).
    said = "Ukraine's president Volodymyr Zelensky said Kyiv rejects any ceasefire that freezes the front line."
    short = site.add("/news/short", body=b"<html><body><article><p>Too short.</p></article></body></html>")
    items.append(Item("Short page", short, guid="short", summary=f"<p>{said}</p>", published=recent()))
    items.append(Item("Gone page", site.url("/news/gone"), guid="gone", summary=said, published=recent()))
    items.append(Item("Empty", site.url("/news/gone2"), guid="empty", summary="", published=recent()))
    return site.add("/rss", body=rss(items), content_type="application/rss+xml")


def _pass(cfg: Config, path: Path, *, in_workers: bool) -> articles.ArticlesResult:
    wh = Warehouse(path)
    run_id = runs.start_run(wh, kind="run")
    with SafeClient(cfg.fetch) as client, ExtractionPool(workers=2, time_limit_s=20) as pool:
        feeds.poll_feeds(wh, cfg, run_id, client=client)
        return articles.process_pending(
            wh, cfg, run_id, client=client, pool=pool, store_classified=store_classifications if in_workers else None
        )


def _rows(path: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"SELECT {TABLES[table]} FROM {table} ORDER BY ALL").fetchall()


def test_workers_store_what_classify_pending_would(site: Site, make_config, tmp_path: Path) -> None:
    _, cfg = make_config([{"name": "Wire", "url": _feed(site)}], extract={"batch_size": 3})
    in_workers, afterwards = tmp_path / "workers.duckdb", tmp_path / "afterwards.duckdb"

    read = _pass(cfg, in_workers, in_workers=True)
    assert read.classified["articles"] == read.new_articles == len(seed_stems()) + 3
    # nothing is left for the signal stage: the workers classified every article
    assert classify_pending(Warehouse(in_workers), current_version=read.ruleset_version).articles == 0
    assert classify_pending(Warehouse(in_workers)).articles == 0

    plain = _pass(cfg, afterwards, in_workers=False)
    assert plain.classified == {} and plain.ruleset_version is None
    assert classify_pending(Warehouse(afterwards)).articles == read.new_articles

    for table in TABLES:
        assert _rows(in_workers, table) == _rows(afterwards, table), table
    positions = _rows(in_workers, "core.positions")
    assert {r[7] for r in positions} == {load_ruleset().version}
    with duckdb.connect(str(in_workers), read_only=True) as con:
        fallbacks = {r[0] for r in con.execute("SELECT article_id FROM core.articles WHERE extraction = 'feed'").fetchall()}
    assert len(fallbacks) == 3
    assert len(fallbacks & {r[0] for r in positions}) == 2  # the feed's own sentence, on the short and the gone page
    assert len({r[0] for r in positions} - fallbacks) >= 3  # and the seed pages' positions
    skipped = [r[3] for r in _rows(in_workers, "core.classifications") if r[2] == "skipped"]
    assert skipped == ["empty text"]  # the entry with no page and no feed content


def test_run_job_classifies_the_text_the_article_keeps() -> None:
    seed = load_seed(seed_stems()[0])
    html = article_page(seed)
    key, extracted, classification = run_job(("k", html, None, "<p>feed text</p>", 200), 2_000_000)
    assert key == "k" and extracted == extract_document(html)
    assert classification == classify(extracted.text, language=extracted.language)
    # too little page text: the feed's content is what is kept, and what is classified
    text, from_page = article_text(extracted, "<p>The feed's own words.</p>", 10**6)
    assert (text, from_page) == ("The feed's own words.", False)
    _, none, on_feed = run_job(("k", None, None, "<p>The feed's own words.</p>", 200), 2_000_000)
    assert none is None and on_feed == classify("The feed's own words.", language=None)
    # an extraction-only job (redline ingest URL) classifies nothing
    assert run_job(("k", html, None), 2_000_000)[2] is None
