"""Pipeline benchmark: N feeds x M realistic pages (~30 KB, ~1,000 words) on 127.0.0.1.

Each of `--repeat` passes (default 3) runs one `redline-run` Prefect flow into a fresh
warehouse and, over the same pages, the baselines: raw trafilatura `bare_extraction` on one
core and on all cores (a process pool), and the signal engine (classify) on one core. It
prints, per pass and as medians: new articles/s end to end, the baselines, end to end as a
ratio of each, Prefect task times, and the peak RSS summed over the pipeline process and
its worker processes (sampled every 20 ms). Then the time of a pass over 1,000 unchanged
feeds (all 304).

Memory cases (issue 10.5): `--feeds 100 --per-feed 50 --repeat 1` is 5,000 entries;
`--bombs 20` adds a feed of 20 gzip-bomb pages (1 GB each once decompressed).
Run: .venv/bin/python bench/pipeline.py [--feeds 20 --per-feed 25 --repeat 3 --bombs 0]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _site import BenchSite, write_config  # noqa: E402

from redline import config as config_mod  # noqa: E402
from redline.feeds import poll_feeds  # noqa: E402
from redline.http import SafeClient  # noqa: E402
from warehouse import Warehouse  # noqa: E402


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


# --- memory: the pipeline process and its workers ----------------------------------------


def _rss_kb(pid: int, field: str = "Rss:") -> int:
    """A process's resident set (or, with field="Pss:", its proportional share: pages shared
    with the fork server and the other workers counted once overall), in kB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _workers(root: int) -> list[int]:
    """The extraction pool's processes under `root`: the fork server and the workers it
    forked (the benchmark's site and Prefect's test server are not the pipeline's)."""
    parent: dict[int, int] = {}
    forkserver: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                parent[int(entry)] = int(fh.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                if b"forkserver" in fh.read():
                    forkserver.add(int(entry))
        except (OSError, ValueError, IndexError):
            continue

    def under_root(pid: int) -> bool:
        while pid > 1:
            pid = parent.get(pid, 0)
            if pid == root:
                return True
        return False

    return [p for p in forkserver if under_root(p)]


@contextmanager
def peak_rss() -> Iterator[dict[str, float]]:
    """Samples, every 20 ms, the RSS of this process plus its extraction processes; the
    dict gets 'sum' (peak of the sum), 'main' and 'workers' (at that peak), and 'pss' (peak
    of the summed proportional set sizes), in MB."""
    out = {"sum": 0.0, "main": 0.0, "workers": 0.0, "pss": 0.0}
    stop = threading.Event()
    me = os.getpid()

    def sample() -> None:
        pids: list[int] = []
        ticks = 0
        while not stop.is_set():
            if ticks % 10 == 0:  # the process list changes rarely: rescan every 200 ms
                pids = _workers(me)
            ticks += 1
            main = _rss_kb(me)
            workers = sum(_rss_kb(p) for p in pids)
            if main + workers > out["sum"] * 1024:
                out.update(sum=(main + workers) / 1024, main=main / 1024, workers=workers / 1024)
            pss = sum(_rss_kb(p, "Pss:") for p in [me, *pids]) / 1024
            out["pss"] = max(out["pss"], pss)
            stop.wait(0.02)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        yield out
    finally:
        stop.set()
        t.join()


# --- baselines over the same pages ---------------------------------------------------------


def _bare(html: bytes) -> str:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    return (doc.text if doc is not None else "") or ""


def raw_one_core(pages: list[bytes]) -> tuple[float, list[str]]:
    started = time.perf_counter()
    texts = [_bare(html) for html in pages]
    return len(pages) / (time.perf_counter() - started), texts


def raw_all_cores(pages: list[bytes]) -> float:
    import multiprocessing as mp

    n = os.cpu_count() or 1
    with mp.get_context("forkserver").Pool(n) as pool:
        pool.map(_bare, pages[:n])  # start the workers and import trafilatura before timing
        started = time.perf_counter()
        pool.map(_bare, pages, chunksize=4)
        return len(pages) / (time.perf_counter() - started)


def _baselines_child(pages: list[bytes], out: Any) -> None:
    raw1, texts = raw_one_core(pages)
    out.put({"raw1": raw1, "rawN": raw_all_cores(pages), "classify": classify_rate(texts)})


def run_baselines(pages: list[bytes]) -> dict[str, float]:
    """The three baselines, in a process of their own: trafilatura and the rules they load
    must not count in the pipeline process's RSS."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_baselines_child, args=(pages, out))
    proc.start()
    figs = out.get()
    proc.join()
    return figs


def classify_rate(texts: list[str]) -> float:
    from extractors.signals.engine import classify, load_ruleset
    from extractors.text import clean_text

    rs = load_ruleset()
    docs = [clean_text(t) for t in texts]
    started = time.perf_counter()
    for d in docs:
        classify(d, ruleset=rs, language="en")
    return len(docs) / (time.perf_counter() - started)


# --- the benchmark ---------------------------------------------------------------------------


def one_pass(tmp: Path, feeds: list[str], name: str, pages: list[bytes], *, baselines: bool) -> dict[str, float]:
    from flows.pipeline import redline_run

    cfg_path = write_config(tmp, feeds, name)
    with peak_rss() as rss:
        started = time.perf_counter()
        result = redline_run(config_path=str(cfg_path))
        wall = time.perf_counter() - started
    new = result.articles.new_articles
    fig: dict[str, float] = {"new": new, "wall": wall, "e2e": new / wall, "rss": rss["sum"], "pss": rss["pss"],
                             "rss_main": rss["main"], "rss_workers": rss["workers"]}
    times = task_times(cfg_path)
    fig.update({f"task {k}": v for k, v in times.items()})
    sec = result.articles.seconds
    print(f"  end to end: {new} new articles in {wall:.1f} s = {fig['e2e']:.1f} articles/s; "
          f"peak RSS {rss['sum']:.0f} MB (pipeline {rss['main']:.0f} + workers {rss['workers']:.0f}; "
          f"peak PSS {rss['pss']:.0f} MB)")
    print(f"  articles stage: fetch {sec['fetch']:.2f} s, extract {sec['extract']:.2f} s, "
          f"store {sec['store']:.2f} s in {result.articles.batches} commits; classified in workers "
          f"{result.articles.classified.get('articles', 0)}, by the classify task {result.classify.articles - result.articles.classified.get('articles', 0)}")
    print("  task run times (Prefect): " + ", ".join(f"{k} {v:.2f} s" for k, v in times.items()))
    if baselines:
        fig.update(run_baselines(pages))
        print(f"  raw trafilatura: {fig['raw1']:.1f} pages/s one core, {fig['rawN']:.1f} on {os.cpu_count()} cores; "
              f"classify {fig['classify']:.1f} articles/s one core (over the same {len(pages)} pages)")
        print(f"  end to end as a ratio of: raw one core {fig['e2e'] / fig['raw1']:.2f}, "
              f"raw all cores {fig['e2e'] / fig['rawN']:.2f}, classify {fig['e2e'] / fig['classify']:.2f}")
    return fig


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--feeds", type=int, default=20)
    ap.add_argument("--per-feed", type=int, default=25)
    ap.add_argument("--idle-feeds", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="passes; medians are reported (default 3)")
    ap.add_argument("--bombs", type=int, default=0, help="add a feed of this many gzip-bomb pages (1 GB decoded each)")
    ap.add_argument("--no-baselines", action="store_true", help="skip raw trafilatura and classify (memory runs)")
    args = ap.parse_args()
    total = args.feeds * args.per_feed
    tmp = Path(tempfile.mkdtemp(prefix="redline-bench-"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

    from prefect.testing.utilities import prefect_test_harness

    import flows.pipeline  # noqa: F401 - imported before timing, as `redline run` has it loaded

    with BenchSite(args.feeds, args.per_feed, args.idle_feeds, args.bombs) as (base, feeds, tiny, page_bytes), \
            prefect_test_harness(server_startup_timeout=120):
        print(f"site: {args.feeds} feeds x {args.per_feed} pages = {total} articles, page {page_bytes / 1024:.1f} KB"
              + (f"; plus {args.bombs} gzip-bomb pages" if args.bombs else "") + f"; load average {os.getloadavg()[0]:.2f}")
        with httpx.Client() as http:
            pages = [http.get(f"{base}/news/{i}").content for i in range(min(total, 500))]
        figs = []
        for r in range(args.repeat):
            print(f"pass {r + 1} of {args.repeat} (load average {os.getloadavg()[0]:.2f}):")
            figs.append(one_pass(tmp, feeds, f"run{r}", pages, baselines=not args.no_baselines))

        def med(key: str) -> float:
            return statistics.median(f[key] for f in figs)

        print(f"medians of {len(figs)} passes (load average now {os.getloadavg()[0]:.2f}):")
        print(f"  end to end {med('e2e'):.1f} new articles/s ({int(med('new'))} in {med('wall'):.1f} s); "
              f"peak RSS summed over the run and its workers {med('rss'):.0f} MB (max {max(f['rss'] for f in figs):.0f}; "
              f"PSS {med('pss'):.0f} MB)")
        tasks = [k for k in figs[0] if k.startswith("task ")]
        print("  task run times: " + ", ".join(f"{k[5:]} {med(k):.2f} s" for k in tasks if all(k in f for f in figs)))
        if not args.no_baselines:
            print(f"  raw trafilatura {med('raw1'):.1f} pages/s one core, {med('rawN'):.1f} all cores; "
                  f"classify {med('classify'):.1f} articles/s one core")
            ratios = {k: statistics.median(f["e2e"] / f[k] for f in figs) for k in ("raw1", "rawN", "classify")}
            print(f"  end to end / raw one core {ratios['raw1']:.2f} (target 0.8), / raw all cores {ratios['rawN']:.2f}, "
                  f"/ classify {ratios['classify']:.2f}")

        idle_cfg = config_mod.load(write_config(tmp, tiny, "idle"))
        wh = Warehouse(idle_cfg.warehouse)
        with SafeClient(idle_cfg.fetch) as client:
            poll_feeds(wh, idle_cfg, "warm", client=client)
            started = time.perf_counter()
            res = poll_feeds(wh, idle_cfg, "idle", client=client)
            idle = time.perf_counter() - started
        print(f"pass over {len(tiny)} unchanged feeds: {idle:.2f} s ({res.not_modified} answered 304)")


if __name__ == "__main__":
    main()
