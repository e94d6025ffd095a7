"""Article text from HTML: trafilatura plus named boilerplate rules, in a process pool
with a hard per-document time limit (trafilatura has no timeout of its own).

extract_document() is the pure function; ExtractionPool runs it on every core and
kills a worker that overruns, so one pathological page cannot stall a run. The pool
can also classify each document in the worker that extracted it (ExtractionPool.read):
the article's text is chosen there by article_text() and handed to the signal engine,
so extraction and classification share the cores instead of running one after the other.
"""

from __future__ import annotations

import contextlib
import html as html_lib
import logging
import multiprocessing as mp
import os
import queue
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

import yaml

from extractors.stories import sketch

if TYPE_CHECKING:
    from extractors.signals.model import Classification

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BoilerplateRule:
    name: str
    action: str
    pattern: re.Pattern[str]


@cache
def boilerplate_rules() -> tuple[BoilerplateRule, ...]:
    data = yaml.safe_load(resources.files("extractors").joinpath("boilerplate.yaml").read_text(encoding="utf-8"))
    return tuple(
        BoilerplateRule(r["name"], r["action"], re.compile(rf"^\s*(?:{r['pattern']})\s*$", re.IGNORECASE))
        for r in data
    )


def clean_text(text: str) -> str:
    """Normalise whitespace and strip boilerplate lines (see extractors/boilerplate.yaml)."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\xa0", " ")
    lines = [ln.strip() for ln in text.split("\n")]
    total = sum(len(ln) for ln in lines) or 1
    seen = 0
    kept: list[str] = []
    for line in lines:
        rule = next((r for r in boilerplate_rules() if r.pattern.match(line)), None) if line else None
        if rule is not None:
            if rule.action == "drop":
                seen += len(line)
                continue
            if rule.action == "cut_rest" and seen >= total * 0.5:
                break
        kept.append(line)
        seen += len(line)
    out = "\n".join(kept)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def html_fragment_to_text(fragment: str) -> str:
    """Text of a feed's own content (an HTML fragment or plain text)."""
    if "<" in fragment:
        fragment = re.sub(r"(?i)<\s*(br|/p|/div|/li|/h\d)\s*/?>", "\n", fragment)
        fragment = re.sub(r"(?s)<(script|style)\b.*?</\1\s*>", " ", fragment)
        fragment = re.sub(r"(?s)<[^>]+>", " ", fragment)
    text = html_lib.unescape(fragment)
    text = "\n".join(re.sub(r"[ \t]+", " ", ln).strip() for ln in text.split("\n"))
    return clean_text(text)


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


_HTML_LANG = re.compile(rb"<html\b[^>]{0,400}?\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.IGNORECASE)


def _declared_language(html: bytes) -> str | None:
    """The page's declared language (<html lang="en-GB"> -> "en"); trafilatura only
    detects languages with an optional dependency."""
    m = _HTML_LANG.search(html[:4096])
    return m.group(1).decode("ascii").lower() if m else None


@dataclass(frozen=True)
class Extracted:
    """What text extraction got from one document."""

    text: str
    title: str | None = None
    author: str | None = None
    published_at: datetime | None = None
    language: str | None = None
    site_name: str | None = None
    sketch: tuple[int, ...] = ()  # bottom-k shingle hashes, for near-duplicate linking
    error: str | None = None


def extract_document(html: bytes | str, url: str | None = None, *, max_bytes: int = 2_000_000) -> Extracted:
    """Main text and metadata of one page (comments excluded). Never raises."""
    import trafilatura

    if isinstance(html, str):
        html = html.encode("utf-8", "replace")
    note = None
    if len(html) > max_bytes:
        html = html[:max_bytes]
        note = f"page cut to {max_bytes} bytes before extraction"
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as exc:  # noqa: BLE001 - hostile HTML must not stop a batch
        return Extracted(text="", error=f"trafilatura failed: {type(exc).__name__}: {exc}"[:300])
    if doc is None:
        return Extracted(text="", error="no main text found")
    d = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = clean_text(d.get("text") or "")
    return Extracted(
        text=text,
        title=(d.get("title") or None),
        author=(d.get("author") or None),
        published_at=_parse_date(d.get("date")),
        language=(d.get("language") or _declared_language(html)),
        site_name=(d.get("sitename") or None),
        sketch=sketch(text),
        error=note,
    )


def article_text(extracted: Extracted | None, feed_content: str, min_chars: int) -> tuple[str, bool]:
    """The text an article keeps, and whether it is the page's: the page's text when
    extraction gave at least `min_chars` characters, else the feed's own content."""
    if extracted is not None and len(extracted.text) >= min_chars:
        return extracted.text, True
    return html_fragment_to_text(feed_content), False


# --- the pool -------------------------------------------------------------------------


# A job: (key, html, url) extracts only; (key, html, url, feed_content, min_chars) also
# chooses the article's text (article_text) and classifies it in the same worker.
Job = tuple[str, bytes | None, str | None] | tuple[str, bytes | None, str | None, str, int]
# What a job gives back: (key, extracted, classification). For a reading job, extracted is
# None when there was no page to extract (the feed's content is the text) and the
# classification None when the engine failed (the signal stage then records why).
JobResult = tuple[str, "Extracted | None", "Classification | None"]

_RULES_CHECK_S = 2.0  # how often a worker asks whether the rule files changed (a cached load)
_rules: list[Any] = [None, 0.0]  # this worker's rule set and when it was last checked


def _ruleset() -> Any:
    from extractors.signals.engine import load_ruleset

    if _rules[0] is None or time.monotonic() - _rules[1] > _RULES_CHECK_S:
        # load_ruleset() is cached by the files' content: a changed rule file is seen here
        # within seconds, and an unchanged one costs a read and a hash.
        _rules[0], _rules[1] = load_ruleset(), time.monotonic()
    return _rules[0]


def _classify(text: str, language: str | None) -> Classification | None:
    from extractors.signals.engine import classify

    try:
        return classify(text, ruleset=_ruleset(), language=language)
    except Exception:  # noqa: BLE001 - left unclassified: the signal stage retries it and records the error
        log.exception("classification in the extraction worker failed")
        return None


def run_job(job: Job, max_bytes: int) -> JobResult:
    """One job, as a worker runs it (pure apart from the rule files it reads)."""
    key, html, url = job[0], job[1], job[2]
    if len(job) == 3:
        return key, extract_document(html or b"", url, max_bytes=max_bytes), None
    feed_content, min_chars = job[3], job[4]
    extracted = extract_document(html, url, max_bytes=max_bytes) if html else None
    text, _ = article_text(extracted, feed_content, min_chars)
    return key, extracted, _classify(text, extracted.language if extracted else None)


def _worker(conn: Connection, max_bytes: int) -> None:
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(run_job(job, max_bytes))


# What the pool's fork server imports before forking workers. The rule set is compiled
# there too (extractors.warm: about 1.4 s), once per fork server rather than once per worker.
_PRELOAD = ["extractors.text", "trafilatura", "extractors.warm"]


_main_lock = threading.Lock()


@contextlib.contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While a worker (or the fork server) starts: multiprocessing has every new process import
    the parent's __main__ (the `redline` script, hence the CLI and through it DuckDB, pyarrow,
    Prefect..., or a benchmark script): 50-60 MB more per worker and seconds of start-up, for
    nothing, since a worker runs only this module's code. Hidden, it is not passed on."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    with _main_lock:
        saved: dict[str, Any] = {k: main.__dict__[k] for k in ("__spec__", "__file__") if k in main.__dict__}
        main.__dict__["__spec__"] = None
        main.__dict__.pop("__file__", None)
        try:
            yield
        finally:
            main.__dict__.pop("__spec__", None)
            main.__dict__.update(saved)


class ExtractionPool:
    """`workers` processes running jobs (run_job), each job limited to `time_limit_s`.

    Use as a context manager; map() yields (key, Extracted) as extraction jobs finish,
    read() yields (key, extracted, classification) of reading jobs. A worker that
    overruns is killed and replaced, and its job reports the time limit. Jobs are taken
    from the caller's iterable only as workers are ready for them (a short queue), so a
    fast producer (the page fetcher) never piles up pages in memory.
    """

    def __init__(self, *, workers: int = 0, time_limit_s: float = 20.0, max_bytes: int = 2_000_000) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.time_limit_s = time_limit_s
        self.max_bytes = max_bytes
        # forkserver: workers fork from a clean, single-threaded server that has already
        # imported trafilatura, not from this process with its Prefect threads.
        self._ctx = mp.get_context("forkserver")
        self._ctx.set_forkserver_preload(_PRELOAD)
        self._procs: list[tuple[mp.process.BaseProcess, Connection] | None] = [None] * self.workers

    @staticmethod
    def prestart() -> None:
        """Start the fork server now, in the background, so that the first pages of a pass
        find it ready (it imports trafilatura and compiles the rules: seconds on a busy host)."""
        from multiprocessing import forkserver

        mp.get_context("forkserver").set_forkserver_preload(_PRELOAD)

        def start() -> None:
            with _main_module_hidden():
                forkserver.ensure_running()

        threading.Thread(target=start, daemon=True, name="forkserver-start").start()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, slot: int) -> tuple[mp.process.BaseProcess, Connection]:
        parent, child = self._ctx.Pipe()
        proc = self._ctx.Process(target=_worker, args=(child, self.max_bytes), daemon=True, name=f"extract-{slot}")
        with _main_module_hidden():
            proc.start()
        child.close()
        self._procs[slot] = (proc, parent)
        return proc, parent

    def _kill(self, slot: int) -> None:
        entry = self._procs[slot]
        if entry is None:
            return
        proc, conn = entry
        proc.kill()
        proc.join(5)
        conn.close()
        self._procs[slot] = None

    def close(self) -> None:
        for slot, entry in enumerate(self._procs):
            if entry is None:
                continue
            proc, conn = entry
            with contextlib.suppress(OSError):
                conn.send(None)
            proc.join(2)
            if proc.is_alive():
                self._kill(slot)
            else:
                conn.close()
                self._procs[slot] = None

    def map(self, jobs: Iterable[Job]) -> Iterator[tuple[str, Extracted]]:
        """Extract every job; `jobs` is consumed lazily, so pages can be extracted while
        later ones are still being fetched."""
        for item in self.read(jobs):
            if item is not None:
                yield item[0], item[1] or Extracted(text="")

    def read(self, jobs: Iterable[Job], *, tick_s: float | None = None) -> Iterator[JobResult | None]:
        """Run every job, yielding results as they finish; with `tick_s`, also yield None
        whenever that long passes without a result (so the caller can act on time)."""
        todo: queue.Queue[Job | None] = queue.Queue(maxsize=self.workers)  # one waiting job per worker
        done: queue.Queue[JobResult | None] = queue.Queue()
        threads = [threading.Thread(target=self._feed, args=(slot, todo, done), daemon=True) for slot in range(self.workers)]
        for t in threads:
            t.start()

        def produce() -> None:
            try:
                for job in jobs:
                    todo.put(job)
            finally:
                for _ in threads:
                    todo.put(None)

        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        finished = 0
        while finished < len(threads):
            try:
                item = done.get(timeout=tick_s)
            except queue.Empty:
                yield None
                continue
            if item is None:
                finished += 1
            else:
                yield item
        producer.join()

    def _feed(self, slot: int, todo: queue.Queue, done: queue.Queue) -> None:
        try:
            self._feed_jobs(slot, todo, done)
        finally:
            done.put(None)  # tells map() this slot has finished

    def _feed_jobs(self, slot: int, todo: queue.Queue, done: queue.Queue) -> None:
        while (job := todo.get()) is not None:
            key = job[0]
            entry = self._procs[slot] or self._start(slot)
            proc, conn = entry
            try:
                conn.send(job)
                if conn.poll(self.time_limit_s):
                    done.put(conn.recv())
                    continue
                reason = f"extraction exceeded {self.time_limit_s:g}s and was killed"
            except (EOFError, OSError) as exc:
                reason = f"extraction worker died: {type(exc).__name__}"
            log.warning("%s: %s", key, reason)
            self._kill(slot)
            done.put((key, Extracted(text="", error=reason), None))
