"""redline alerts list|test|retry: the alert outbox, and checking the notify targets."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from redline.alerts.outbox import deliver_alerts
from redline.alerts.render import Message
from redline.alerts.routing import check_alerting
from redline.alerts.send import body_format_for, remember_secrets, send
from redline.errors import UsageError
from redline.tables import FORMATS, render
from warehouse import Warehouse, open_read_copy
from warehouse import alerts as alert_store

if TYPE_CHECKING:
    from redline.cli import Context

NAME = "alerts"
ORDER = 60
HELP = "List alerts (the outbox), send a test message to each notify target, or retry failed alerts now."
EXAMPLE = [
    "redline alerts list",
    "redline alerts list --status failed --format json",
    "redline alerts test",
    "redline alerts test --target desk-email",
    "redline alerts retry",
    "redline alerts retry --dead a_1f2e3d4c5b6a7980",
]

LIST_COLUMNS = ["created_at", "status", "attempts", "target", "severity", "title", "source_count",
                "sent_at", "next_attempt_at", "last_error", "alert_id"]
STATUSES = ("pending", "sent", "failed", "dead")


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    ls = sub.add_parser("list", help="recent alerts with status, attempts and last error")
    ls.add_argument("--status", choices=STATUSES)
    ls.add_argument("--limit", type=int, default=50)
    ls.add_argument("--format", choices=FORMATS, default="table")
    t = sub.add_parser("test", help="send a test message to each notify target and report each result")
    t.add_argument("--target", action="append", metavar="NAME", help="only this target (repeatable)")
    r = sub.add_parser("retry", help="send failed alerts now instead of waiting for their next attempt")
    r.add_argument("alert_ids", nargs="*", metavar="ALERT_ID", help="only these alerts (default: every failed one)")
    r.add_argument("--dead", action="store_true", help="also give dead alerts one more attempt")


def run(args: argparse.Namespace, ctx: Context) -> int:
    return {"list": _list, "test": _test, "retry": _retry}[args.action](args, ctx)


def _list(args: argparse.Namespace, ctx: Context) -> int:
    from redline.alerts.render import shift_title

    con = open_read_copy(ctx.config.read_copy)
    try:
        where = "WHERE a.status = ?" if args.status else ""
        cur = con.execute(
            f"""SELECT a.created_at, a.status, a.attempts, a.target, a.severity,
                       s.actor, s.topic, s.from_stance, s.to_stance, s.source_count,
                       a.sent_at, a.next_attempt_at, a.last_error, a.alert_id
                FROM alerts a JOIN shifts s USING (shift_id) {where}
                ORDER BY a.created_at DESC, a.alert_id LIMIT ?""",
            [args.status, args.limit] if args.status else [args.limit],
        )
        found = cur.fetchall()
    finally:
        con.close()
    rows = [[c, st, att, tgt, sev, shift_title(a, t, f, to), n, sent, nxt, err, aid]
            for c, st, att, tgt, sev, a, t, f, to, n, sent, nxt, err, aid in found]
    ctx.out.write(render(LIST_COLUMNS, rows, args.format))
    return 0


def _test(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    check_alerting(cfg, sending=True)
    remember_secrets(cfg.secrets())
    targets = list(cfg.notify)
    if args.target:
        unknown = sorted(set(args.target) - {t.name for t in targets})
        if unknown:
            raise UsageError(f"alerts test: no notify target named {', '.join(unknown)}")
        targets = [t for t in targets if t.name in args.target]
    if not targets:
        ctx.out.write("no notify targets configured (add them under `notify:`)\n")
        return 0
    failed = 0
    rows = []
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    for t in targets:
        url = t.url.get_secret_value()
        fmt = body_format_for(url)
        body = (f"<p>This is a test message from Redline to <b>{t.name}</b>, sent {stamp}.</p>" if fmt == "html"
                else f"This is a test message from Redline to **{t.name}**, sent {stamp}.")
        out = send(url, Message("Redline test message", body, fmt),
                   connect_s=cfg.alerts.connect_timeout_s, read_s=cfg.alerts.read_timeout_s)
        failed += not out.ok
        scheme = url.split("://", 1)[0] if "://" in url else "?"
        rows.append([t.name, scheme, ",".join(t.tags), "ok" if out.ok else "FAILED", out.error or ""])
    ctx.out.write(render(["target", "scheme", "tags", "result", "reason"], rows, "table", max_width=100))
    return 1 if failed else 0


def _retry(args: argparse.Namespace, ctx: Context) -> int:
    cfg = ctx.sending_config
    check_alerting(cfg, sending=True)
    wh = Warehouse(cfg.warehouse)
    statuses = ["failed", "dead"] if args.dead else ["failed"]
    now = datetime.now(UTC)
    with wh.connect() as con:
        ids = alert_store.requeue(con, statuses, now=now, only=args.alert_ids or None)
    if args.alert_ids:
        missing = sorted(set(args.alert_ids) - set(ids))
        if missing:
            ctx.out.write(f"not retried (unknown, or not {'/'.join(statuses)}): {', '.join(missing)}\n")
    if not ids:
        ctx.out.write("nothing to retry\n")
        return 0
    result = deliver_alerts(wh, cfg, only=set(ids))
    wh.publish_read_copy()
    ctx.out.write(f"retried {len(ids)} alert(s): {result.summary()}\n")
    return 1 if result.failed or result.dead else 0
