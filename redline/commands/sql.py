"""redline sql: read-only SQL over the warehouse's read copy."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

import duckdb

from redline.errors import UsageError
from redline.tables import FORMATS, render
from warehouse import open_read_copy

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "sql"
ORDER = 40
HELP = (
    "Run read-only SQL against the analysts' copy of the warehouse (refreshed after every run, "
    "safe while `redline serve` runs). Without QUERY: an interactive prompt, or SQL read from stdin."
)
EXAMPLE = [
    'redline sql "SELECT actor, topic, stance, count(*) FROM positions GROUP BY ALL ORDER BY 4 DESC"',
    'redline sql --format csv "SELECT * FROM articles" > articles.csv',
]


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="?", help="SQL to run; omit for a prompt")
    p.add_argument("--format", choices=FORMATS, default="table", help="output format (default: %(default)s)")
    p.add_argument("--max-width", type=int, default=60, help="truncate table cells to this many characters")


def execute(con: duckdb.DuckDBPyConnection, query: str, fmt: str, max_width: int) -> str:
    try:
        cur = con.execute(query)
    except duckdb.Error as exc:
        raise UsageError(f"SQL error: {str(exc).splitlines()[0]}") from None
    if cur.description is None:
        return ""
    columns = [d[0] for d in cur.description]
    return render(columns, cur.fetchall(), fmt, max_width=max_width)


def run(args: argparse.Namespace, ctx: Context) -> int:
    con = open_read_copy(ctx.config.read_copy)
    try:
        if args.query:
            ctx.out.write(execute(con, args.query, args.format, args.max_width))
            return 0
        if not sys.stdin.isatty():
            script = sys.stdin.read()
            for stmt in (s.strip() for s in script.split(";")):
                if stmt:
                    ctx.out.write(execute(con, stmt, args.format, args.max_width))
            return 0
        return _prompt(con, args, ctx)
    finally:
        con.close()


def _prompt(con: duckdb.DuckDBPyConnection, args: argparse.Namespace, ctx: Context) -> int:
    print(f"redline sql on {ctx.config.read_copy} (read-only). End statements with ';', quit with .quit or Ctrl-D.", file=ctx.out)
    buf: list[str] = []
    while True:
        try:
            line = input("redline> " if not buf else "    ...> ")
        except EOFError:
            print(file=ctx.out)
            return 0
        if not buf and line.strip() in (".quit", ".exit", "\\q"):
            return 0
        buf.append(line)
        if line.rstrip().endswith(";"):
            query = "\n".join(buf).rstrip().rstrip(";")
            buf = []
            try:
                ctx.out.write(execute(con, query, args.format, args.max_width))
            except UsageError as exc:
                print(f"error: {exc}", file=ctx.out)
