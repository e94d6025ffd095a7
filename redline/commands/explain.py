"""redline explain: why the signal engine found (or did not find) each position in a text."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from redline.errors import UsageError

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "explain"
ORDER = 60
HELP = (
    "Show, sentence by sentence, which rules fired on a text, the actor, topic and stance decided "
    "and why (cue, negation or hedge, carry-over), then the positions and reported shifts."
)
EXAMPLE = [
    "redline explain seeds/000_36deabc2bc55b72f.txt",
    "echo 'Moscow rejected the 30-day ceasefire, Peskov said.' | redline explain -",
    "redline explain --json https://example.org/news/ceasefire.html",
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="FILE|URL|-", help="a text or HTML file, an http(s) URL, or - for stdin")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--all", action="store_true", help="list every sentence, not only those with topic words")
    p.add_argument("--language", help="the text's language code, if known (non-English is skipped)")


def _load(source: str, ctx: Context) -> tuple[str, str | None]:
    if source == "-":
        return sys.stdin.read(), None
    if source.startswith(("http://", "https://")):
        from redline.ingest import load_sources  # the project's HTTP client and extractor

        article = load_sources(ctx.config, [source])[0]
        return article.text, article.language
    path = Path(source)
    if not path.is_file():
        raise UsageError(f"{source}: no such file (give a file, an http(s) URL, or - for stdin)")
    raw = path.read_bytes()
    text = raw.decode("utf-8", errors="replace")
    if path.suffix.lower() in (".html", ".htm"):
        from extractors.text import extract_document

        doc = extract_document(raw)
        return (doc.text or text), doc.language
    return text, None


def run(args: argparse.Namespace, ctx: Context) -> int:
    from extractors.signals.engine import explain, render

    text, language = _load(args.source, ctx)
    ex = explain(text, language=args.language or language)
    if args.json:
        ctx.out.write(json.dumps(ex.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        ctx.out.write(render(ex, all_sentences=args.all) + "\n")
    return 0
