"""The `redline` command line. Each verb is a module in redline/commands/.

Exit codes: 0 done (a run where some feeds failed still exits 0 and records the
failures), 2 usage or configuration error, 1 unexpected failure. Errors are one line;
--debug adds the traceback.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, NoReturn, TextIO

from redline import __version__, config
from redline.config import Config
from redline.errors import RedlineError, RuleError, UsageError, WarehouseError
from redline.secrets import redact, scrub

EPILOG = """examples:
  redline run                      one pass over every feed
  redline sql "SELECT source, count(*) FROM articles GROUP BY 1"
  redline --config desk.yaml serve
"""


@dataclass
class Context:
    """What every command gets: parsed options, the config (loaded on first use), output."""

    config_path: str | None
    debug: bool
    out: TextIO = field(default_factory=lambda: sys.stdout)
    _config: Config | None = None  # not config.Config: the property below shadows the module

    @property
    def config(self) -> Config:
        """The config for reading: ${VAR} references in notify URLs stay unresolved, so
        sql, positions, feeds, explain... work where the desk's tokens are not set."""
        if self._config is None:
            self._config = config.load(self.config_path, secrets=False)
        return self._config

    @property
    def sending_config(self) -> Config:
        """The config with notify URLs resolved: only verbs that send alerts ask for it
        (an unset variable is a one-line error naming the key)."""
        if self._config is None or self._config.unresolved:
            self._config = config.load(self.config_path)
        return self._config


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clean line, exit 2
        raise UsageError(f"{self.prog}: {message}")


def command_modules() -> list[ModuleType]:
    """Every module in redline.commands that defines a verb, in their ORDER."""
    import redline.commands as pkg

    mods = [
        importlib.import_module(f"redline.commands.{m.name}")
        for m in pkgutil.iter_modules(pkg.__path__)
        if not m.name.startswith("_")
    ]
    return sorted((m for m in mods if hasattr(m, "NAME")), key=lambda m: (m.ORDER, m.NAME))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="redline",
        description="Watch news feeds for shifts in Russia-Ukraine ceasefire positions.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_global_options(parser, default=True)
    parser.add_argument("--version", action="version", version=f"redline {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for mod in command_modules():
        p = sub.add_parser(
            mod.NAME,
            help=mod.HELP,
            description=mod.HELP,
            epilog="example:\n  " + "\n  ".join(_as_list(mod.EXAMPLE)),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        mod.add_arguments(p)
        _add_global_options(p, default=False)
        p.set_defaults(_module=mod)
    return parser


def _add_global_options(p: argparse.ArgumentParser, *, default: bool) -> None:
    """--config and --debug, on the top parser and (so `redline sql --config x.yaml` works
    too) on every verb's parser and sub-parser; there without defaults, so an option given
    before the verb is not overwritten."""
    unset: dict[str, Any] = {} if default else {"default": argparse.SUPPRESS}
    p.add_argument("--config", metavar="PATH", help="config file (else $REDLINE_CONFIG, ./redline.yaml, built-in defaults)", **unset)
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logs", **unset)
    if not default:
        for action in p._actions:  # noqa: SLF001 - argparse has no public walk of sub-parsers
            if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
                for sub in action.choices.values():
                    _add_global_options(sub, default=False)


def _as_list(x: str | Sequence[str]) -> list[str]:
    return [x] if isinstance(x, str) else list(x)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # A newsroom monitor should not phone home: Prefect's telemetry is off unless asked for.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    debug = "--debug" in argv
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    ctx: Context | None = None
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_module", None):
            parser.print_help()
            return 2
        ctx = Context(config_path=args.config, debug=args.debug)
        return int(args._module.run(args, ctx) or 0)
    except (RedlineError, RuleError, WarehouseError) as exc:
        _report(exc, ctx, debug)
        return exc.exit_code
    except KeyboardInterrupt:
        print("redline: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into one line
        _report(exc, ctx, debug)
        return 1


def _report(exc: BaseException, ctx: Context | None, debug: bool) -> None:
    secrets = ctx._config.secrets() if ctx and ctx._config else []
    msg = str(exc) if isinstance(exc, RedlineError) else f"{type(exc).__name__}: {exc}"
    if debug:
        print(redact(scrub("".join(traceback.format_exception(exc)), secrets)), end="", file=sys.stderr)
    print(f"redline: error: {redact(scrub(msg, secrets))}", file=sys.stderr)


def entry() -> int:
    """The `redline` command: main(), then an exit without the interpreter's last garbage
    collections, which walk every object Prefect and pydantic created (0.4-0.8 s here, as long
    as a whole pass with nothing new). Nothing is lost: files, connections and Prefect's
    workers are closed and flushed before main() returns, and the OS reclaims the memory."""
    code = main()
    gc.freeze()
    return code


if __name__ == "__main__":
    sys.exit(entry())
