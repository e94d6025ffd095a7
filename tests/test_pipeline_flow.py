"""The polling flow end to end under Prefect's test harness, against the local news site."""

from __future__ import annotations

import pytest

from flows.pipeline import redline_run
from tests.support.content import Item, article_page, atom, load_seed, recent, rss, seed_stems
from tests.support.db import query
from tests.support.site import Site

pytestmark = pytest.mark.prefect


def _serve_seeds(site: Site, stems: list[str], *, prefix: str = "/news", site_name: str = "The Daily Dispatch") -> list[Item]:
    items = []
    for stem in stems:
        seed = load_seed(stem)
        link = site.add(f"{prefix}/{stem}", body=article_page(seed, site=site_name))
        items.append(Item(seed.title, link + "?utm_source=rss", guid=f"{prefix}-{stem}", summary=seed.paragraphs[1], published=recent()))
    return items



def test_two_runs_store_each_article_once(prefect_api: str, site: Site, make_config) -> None:
    items = _serve_seeds(site, seed_stems())
    rss_url = site.add("/rss", body=rss(items[:3]), content_type="application/rss+xml")
    atom_url = site.add("/atom", body=atom(items[3:]), content_type="application/atom+xml")
    broken = site.add("/broken", body=b"<<< not a feed")
    path, cfg = make_config([{"name": "Wire RSS", "url": rss_url}, {"name": "Wire Atom", "url": atom_url},
                             {"name": "Broken", "url": broken}])

    first = redline_run(config_path=str(path))
    assert first.poll.new_entries == 5 and first.poll.failed == 1
    assert first.articles.new_articles == 5
    rows = query(cfg, "SELECT extraction, count(*) FROM articles GROUP BY 1")
    assert rows == [("page", 5)]
    texts = query(cfg, "SELECT text FROM articles")
    assert not any("Most read story" in t or "Leave a Reply" in t for (t,) in texts)

    second = redline_run(config_path=str(path))
    assert second.poll.not_modified == 2 and second.poll.new_entries == 0
    assert second.poll.skipped == 1  # the broken feed is backing off
    assert second.articles.new_articles == 0
    assert query(cfg, "SELECT count(*) FROM articles") == [(5,)]
    runs = query(cfg, "SELECT status, feeds_failed FROM runs ORDER BY started_at")
    assert runs == [("completed", 1), ("completed", 0)]
    assert query(cfg, "SELECT last_status FROM feeds WHERE name = 'Broken'") == [("failed",)]


def test_run_publishes_a_keyed_markdown_artifact(prefect_api: str, site: Site, make_config) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    url = site.add("/rss", body=rss(_serve_seeds(site, seed_stems()[:1])))
    path, cfg = make_config([{"name": "Wire", "url": url}, {"name": "Down", "url": site.url("/missing")}])
    redline_run(config_path=str(path))
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["redline-run-summary"])))
    latest = max(arts, key=lambda a: a.created)
    assert "| 2 |" in latest.data and "HTTP 404" in latest.data and "Down" in latest.data
    # the run rewrote the report from its read copy, and the artifact links to it
    report = (cfg.warehouse.parent / "report.html").resolve()
    (positions,) = query(cfg, "SELECT count(*) FROM position_timeline")[0]
    assert f"({report.as_uri()})" in latest.data and f"{positions} positions" in latest.data
    assert positions > 0 and report.read_text(encoding="utf-8").count('"link": "#pos-') == positions


def test_fallback_to_feed_content_is_recorded(prefect_api: str, site: Site, make_config) -> None:
    summary = "Kremlin spokesman Dmitry Peskov said Moscow rejected the proposal. " * 8
    url = site.add("/rss", body=rss([Item("Gone page", site.url("/news/deleted"), guid="x1", summary=summary)]))
    path, cfg = make_config([{"name": "Wire", "url": url}])
    redline_run(config_path=str(path))
    ((how, note, text),) = query(cfg, "SELECT extraction, extraction_note, text FROM articles")
    assert how == "feed" and "HTTP 404" in note and text.startswith("Kremlin spokesman")


def test_syndicated_copies_share_a_story(prefect_api: str, site: Site, make_config) -> None:
    stem = seed_stems()[2]
    a = _serve_seeds(site, [stem], prefix="/outlet-a", site_name="Outlet A")
    b = _serve_seeds(site, [stem], prefix="/outlet-b", site_name="Outlet B")
    other = _serve_seeds(site, [seed_stems()[3]], prefix="/outlet-b", site_name="Outlet B")
    fa = site.add("/a.rss", body=rss(a))
    fb = site.add("/b.rss", body=rss(b + other))
    path, cfg = make_config([{"name": "A", "url": fa}, {"name": "B", "url": fb}])
    redline_run(config_path=str(path))
    stories = query(cfg, "SELECT count(DISTINCT story_id), count(*) FROM articles")
    assert stories == [(2, 3)]
