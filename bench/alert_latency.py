"""Alert latency: from an item carrying a shift appearing in a feed to the webhook receiving it.

Runs the real `redline serve --interval N` (which starts its own Prefect server unless
PREFECT_API_URL is set) against a feed on 127.0.0.1 and a json:// webhook on 127.0.0.1.
The first poll takes in a backlog article that sets Russia's stance on a full ceasefire;
each trial waits a random part of the interval, publishes an article reversing the
stance and times the alert. Prints each
latency and the median. Target: median <= interval + 3 s.

    .venv/bin/python bench/alert_latency.py [--interval 10] [--trials 5]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.alerts.support import Hook  # noqa: E402
from tests.support.content import Item, SeedArticle, article_page, recent, rss  # noqa: E402
from tests.support.site import Site  # noqa: E402

CLAIMS = {
    "reject": "Kremlin spokesman Dmitry Peskov said on Tuesday that Moscow rejected the proposal for a "
              "full 30-day ceasefire along the entire front line.",
    "accept": "Russian President Vladimir Putin said on Thursday that Russia accepts a full 30-day "
              "ceasefire along the entire front line, the Kremlin said.",
}
FILLER = ("The meeting took place in a conference hall on the outskirts of the city. Reporters waited "
          "outside for several hours as the delegations arrived in long convoys.")


def publish(site: Site, items: list[Item], n: int, stance: str) -> None:
    path = f"/news/{n}-{stance}"
    title = f"Update {n}: Moscow {stance}s full truce"
    page = article_page(SeedArticle(path, title, (title, CLAIMS[stance], FILLER, FILLER), ()), published=recent(0))
    items.insert(0, Item(title, site.add(path, body=page), guid=path, summary=CLAIMS[stance], published=recent(0)))
    site.add("/feed.xml", body=rss(items), content_type="application/rss+xml")


def completed_runs(read_copy: Path) -> int:
    try:
        con = duckdb.connect(str(read_copy), read_only=True)
    except duckdb.Error:
        return 0
    try:
        return con.execute("SELECT count(*) FROM runs WHERE status = 'completed'").fetchone()[0]
    except duckdb.Error:
        return 0
    finally:
        con.close()


def wait_for(pred, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.05)
    return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interval", type=float, default=10.0)
    ap.add_argument("--trials", type=int, default=5)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="redline-alert-bench-"))
    hook = Hook().start()
    with Site() as site:
        items: list[Item] = []
        publish(site, items, 0, "reject")
        cfg = {
            "warehouse": str(tmp / "data" / "redline.duckdb"),
            "feeds": [{"name": "Bench Wire", "url": site.url("/feed.xml")}],
            "notify": [{"name": "bench-hook", "url": hook.url("BenchHookToken0000001")}],
            "fetch": {"timeout_s": 5, "allow_private_addresses": ["127.0.0.1/32"]},
            "schedule": {"interval_s": args.interval},
            # Each trial flips the stance back: no flapping suppression in this bench.
            "alerts": {"hysteresis": {"flap_window_hours": 0, "min_confidence": 0.5}},
        }
        path = tmp / "redline.yaml"
        path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        log = (tmp / "serve.log").open("wb")
        cmd = [sys.executable, "-m", "redline.cli", "--config", str(path), "serve", "--interval", f"{args.interval:g}"]
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True, cwd=ROOT)
        read_copy = Path(cfg["warehouse"]).with_name("redline.read.duckdb")
        latencies: list[float] = []
        try:
            t0 = time.monotonic()
            if not wait_for(lambda: completed_runs(read_copy) >= 1, 180):
                print(f"serve never completed a run; see {tmp / 'serve.log'}", file=sys.stderr)
                return 1
            print(f"serve up, first (backlog) run done after {time.monotonic() - t0:.1f}s; alerts so far: {len(hook.received)}")
            stance = "reject"
            for n in range(1, args.trials + 1):
                stance = "accept" if stance == "reject" else "reject"
                # A random phase against the poll schedule, as real news arrives.
                time.sleep(random.uniform(0, args.interval))
                before = len(hook.received)
                start = time.monotonic()
                publish(site, items, n, stance)
                if not wait_for(lambda b=before: len(hook.received) > b, args.interval * 3 + 60):
                    print(f"trial {n}: no alert within {args.interval * 3 + 60:.0f}s", file=sys.stderr)
                    continue
                latencies.append(time.monotonic() - start)
                print(f"trial {n}: {hook.received[-1]['title']!r} after {latencies[-1]:.2f}s")
        finally:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            hook.stop()
    if not latencies:
        return 1
    med = statistics.median(latencies)
    target = args.interval + 3
    print(f"alert latency over {len(latencies)} trials: median {med:.2f}s, min {min(latencies):.2f}s, "
          f"max {max(latencies):.2f}s (poll interval {args.interval:g}s; target median <= {target:g}s: "
          f"{'met' if med <= target else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
