"""Article extraction on realistic pages built from the seeds (golden tests), and the
pool's hard time limit. Each golden case says why it exists."""

from __future__ import annotations

import pytest

from extractors.text import ExtractionPool, clean_text, extract_document, html_fragment_to_text
from tests.support.content import article_page, load_seed, seed_stems

# (seed, must contain, must not contain, why)
GOLDEN = [
    ("000_36deabc2bc55b72f", ["withholding his agreement to a full 30-day ceasefire", "the think tank warned"],
     ["appeared first on Politico", "Most read story", "Sign up for our Morning Briefing", "Leave a Reply"],
     "opinion piece whose feed footer and page chrome must go, while its last quoted paragraph stays"),
    ("001_7bcb21c0c0f8f90a", ["prepared to work with Ukraine on drafting a memorandum", "1,000 prisoners"],
     ["Discover more from Post Alley", "Please enter your comment", "Akismet", "retired foreign correspondent"],
     "blog page with author bio, comment form and Popular/Recent lists after the article"),
    ("002_504dc6610d9c60a6", ["end of all foreign military aid", "It was the least he could get away with."],
     ["Post Comment", "Privacy policy"],
     "news report with no own boilerplate: only the page chrome must go, the short lede must stay"),
    ("003_a9d0e8f336eaa357", ["Lavrov dismissed the idea of addressing security guarantees", "This will not work"],
     ["Comments", "Dear readers"],
     "ends with a bare 'Comments' heading that is chrome, not text"),
    ("004_0fa5bf4fd58476e8", ["cut back to 85,000 troops", "who can tell?"],
     ["A Message from The Moscow Times", "support us monthly", "Remind me later"],
     "op-ed followed by a donation appeal"),
]


@pytest.mark.parametrize(("stem", "must", "must_not", "why"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_golden_page_extraction(stem: str, must: list[str], must_not: list[str], why: str) -> None:
    doc = extract_document(article_page(load_seed(stem)), f"https://news.example/{stem}")
    assert doc.error is None, why
    for phrase in must:
        assert phrase in doc.text, f"{why}: lost {phrase!r}"
    for phrase in must_not:
        assert phrase not in doc.text, f"{why}: kept chrome {phrase!r}"
    assert doc.site_name == "The Daily Dispatch" and doc.author == "Desk Reporter"
    assert doc.published_at is not None and doc.published_at.year == 2025
    assert doc.language == "en"
    assert len(doc.sketch) == 32


def test_golden_set_covers_every_seed() -> None:
    assert sorted(g[0] for g in GOLDEN) == seed_stems()


def test_seed_text_files_lose_their_captured_boilerplate() -> None:
    text = clean_text((load_seed.__globals__["SEEDS"] / "004_0fa5bf4fd58476e8.txt").read_text())
    assert text.endswith("who can tell?")
    text = clean_text((load_seed.__globals__["SEEDS"] / "000_36deabc2bc55b72f.txt").read_text())
    assert "appeared first on" not in text and "the think tank warned" in text


def test_cut_rest_never_truncates_early_in_an_article() -> None:
    text = "Comments\n" + "\n".join(f"Paragraph {i} of a long article." for i in range(30))
    assert clean_text(text).count("Paragraph") == 30


def test_feed_fragment_to_text_strips_markup_and_footer() -> None:
    html = "<p>Putin said <b>no</b> &amp; left.</p><p>The post Talks stall appeared first on Politico.</p><script>x()</script>"
    assert html_fragment_to_text(html) == "Putin said no & left."


@pytest.mark.parametrize(
    "hostile",
    [b"", b"\x00\xff\xfe garbage", b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</body></html>",
     b"<html><body><p>short</p></body></html>", "<p>caf\u00e9 \u201cquoted\u201d \u2014 dash</p>".encode("utf-16")],
)
def test_hostile_html_never_raises(hostile: bytes) -> None:
    doc = extract_document(hostile, None)
    assert isinstance(doc.text, str)


def test_pool_kills_a_document_over_its_time_limit() -> None:
    big = article_page(load_seed("001_7bcb21c0c0f8f90a")) * 40  # ~1 MB: far more than 5 ms of work
    small = article_page(load_seed("002_504dc6610d9c60a6"))
    with ExtractionPool(workers=2, time_limit_s=0.005) as pool:
        slow = dict(pool.map([("big", big, None)]))
    assert "exceeded" in (slow["big"].error or "") and slow["big"].text == ""
    with ExtractionPool(workers=2, time_limit_s=20) as pool:
        out = dict(pool.map([("big", big, None), ("small", small, None)]))
    assert out["small"].error is None and "military aid" in out["small"].text


def test_workers_do_not_import_the_parent_s_main_module(tmp_path) -> None:  # noqa: ANN001
    """Issue 10.5: multiprocessing would have each worker and the fork server import the
    parent's __main__ (for `redline run`, the CLI with DuckDB, pyarrow and Prefect behind it:
    50-60 MB per worker). A main script that leaves a mark when imported under another name."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    mark = tmp_path / "imported"
    script = tmp_path / "main_script.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(root)!r})\n"
        "if __name__ != '__main__':\n"
        f"    open({str(mark)!r}, 'a').write(__name__ + '\\n')\n"
        "from extractors.text import ExtractionPool\n"
        "if __name__ == '__main__':\n"
        "    ExtractionPool.prestart()\n"
        "    with ExtractionPool(workers=2) as pool:\n"
        "        out = dict(pool.map([(str(i), b'<html><body><p>' + b'word ' * 80 + b'</p></body></html>', None) for i in range(4)]))\n"
        "    print(len(out))\n")
    res = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert res.returncode == 0 and res.stdout.strip() == "4", res.stderr[-2000:]
    assert not mark.exists(), mark.read_text()
