"""Pipeline benchmark: N feeds x M realistic pages (~30 KB, ~1,000 words) on 127.0.0.1.

Prints new articles/s end to end (one Prefect flow run), per-stage seconds, peak RSS,
the time of a pass over 1,000 unchanged feeds (all 304), and raw trafilatura
bare_extraction pages/s on one core over the same pages, with the ratio.
Run: .venv/bin/python bench/pipeline.py [--feeds 20 --per-feed 25 --idle-feeds 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import BenchSite  # noqa: E402

from redline import config as config_mod  # noqa: E402
from redline.feeds import poll_feeds  # noqa: E402
from redline.http import SafeClient  # noqa: E402
from warehouse import Warehouse  # noqa: E402


def write_config(tmp: Path, feeds: list[str], name: str) -> Path:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump({
        "warehouse": str(tmp / name / "redline.duckdb"),
        "feeds": [{"name": f"feed-{i}", "url": u} for i, u in enumerate(feeds)],
        "fetch": {"allow_private_addresses": ["127.0.0.1/32"], "concurrency": 16, "timeout_s": 30},
        "extract": {"batch_size": 250},
    }))
    return path


def task_times(cfg_path: Path) -> dict[str, float]:
    """Each task's run time in the latest flow run, as Prefect recorded it."""
    import duckdb
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    cfg = config_mod.load(cfg_path)
    with duckdb.connect(str(cfg.read_copy), read_only=True) as con:
        (flow_run_id,) = con.execute("SELECT flow_run_id FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name.rsplit("-", 1)[0]: r.total_run_time.total_seconds() for r in sorted(runs, key=lambda r: r.start_time)}


def raw_trafilatura(base: str, n: int) -> tuple[float, int]:
    import trafilatura

    pages = [httpx.get(f"{base}/news/{i}").content for i in range(n)]
    started = time.perf_counter()
    for html in pages:
        trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    return n / (time.perf_counter() - started), len(pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--per-feed", type=int, default=25)
    ap.add_argument("--idle-feeds", type=int, default=1000)
    args = ap.parse_args()
    total = args.feeds * args.per_feed
    tmp = Path(tempfile.mkdtemp(prefix="redline-bench-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

    from prefect.testing.utilities import prefect_test_harness

    from flows.pipeline import redline_run

    with BenchSite(args.feeds, args.per_feed, args.idle_feeds) as (base, feeds, tiny, page_bytes), prefect_test_harness():
        print(f"site: {args.feeds} feeds x {args.per_feed} pages = {total} articles, page {page_bytes / 1024:.1f} KB")
        cfg_path = write_config(tmp, feeds, "main")
        started = time.perf_counter()
        result = redline_run(config_path=str(cfg_path))
        wall = time.perf_counter() - started
        new = result.articles.new_articles
        print(f"end to end (one flow run): {new} new articles in {wall:.1f} s = {new / wall:.1f} articles/s")
        sec = result.articles.seconds
        print(f"articles stage: fetch {sec['fetch']:.2f} s, extract {sec['extract']:.2f} s, store {sec['store']:.2f} s")
        print("task run times (Prefect): " + ", ".join(f"{k} {v:.2f} s" for k, v in task_times(cfg_path).items()))
        print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
              f"of its children (extraction workers): {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB")

        idle_cfg = config_mod.load(write_config(tmp, tiny, "idle"))
        wh = Warehouse(idle_cfg.warehouse)
        with SafeClient(idle_cfg.fetch) as client:
            poll_feeds(wh, idle_cfg, "warm", client=client)
            started = time.perf_counter()
            res = poll_feeds(wh, idle_cfg, "idle", client=client)
            idle = time.perf_counter() - started
        print(f"pass over {len(tiny)} unchanged feeds: {idle:.2f} s ({res.not_modified} answered 304)")

        rate, n = raw_trafilatura(base, min(total, 200))
        print(f"raw trafilatura bare_extraction, one core: {rate:.1f} pages/s over {n} pages")
        print(f"ratio end-to-end / raw one-core: {new / wall / rate:.2f}")


if __name__ == "__main__":
    main()
