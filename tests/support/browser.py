"""A real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) for pages.

Playwright's own browser builds are never downloaded: the system browser is launched with
flags that keep it from calling home, in a fresh profile. Every request the page makes is
recorded, so a test can assert that a page made none but its own file.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@dataclass
class Visit:
    page: Any  # playwright.sync_api.Page
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions


@contextmanager
def open_page(path: Path, *, width: int = 1280, height: int = 900) -> Iterator[Visit]:
    """Load a local file in headless Chromium; yields the page and what it requested."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: install Debian's chromium (`make chromium` or `apt-get install -y chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="redline-chromium-") as profile:
        browser = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=FLAGS, headless=True,
            viewport={"width": width, "height": height},
        )
        try:
            page = browser.new_page()
            visit = Visit(page)
            page.on("request", lambda r: visit.requests.append(r.url))
            page.on("requestfailed", lambda r: visit.failed.append(f"{r.url}: {r.failure}"))
            page.on("console", lambda m: visit.errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: visit.errors.append(str(e)))
            page.goto(path.resolve().as_uri(), wait_until="load")
            yield visit
        finally:
            browser.close()
