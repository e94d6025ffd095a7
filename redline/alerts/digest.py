"""The daily digest: current stances (actor x topic), the last 24 hours' shifts, feed health.

Sent to the notify targets carrying one of alerts.digest_tags. Each send is logged
in core.digest_log (target name and redacted reason, never the URL).
"""

from __future__ import annotations

import html
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from redline.alerts.render import (
    HTML,
    Message,
    actor_label,
    clean,
    day,
    neutralise_md,
    shift_title,
    when,
)
from redline.alerts.routing import check_alerting, digest_targets
from redline.alerts.send import body_format_for, body_limit, remember_secrets, send
from redline.report import REPORT_DAYS
from warehouse import alerts as store

if TYPE_CHECKING:
    from redline.config import Config
    from warehouse.store import Warehouse


@dataclass(frozen=True)
class DigestResult:
    targets: int = 0
    sent: int = 0
    failed: int = 0
    shifts: int = 0
    errors: tuple[str, ...] = ()

    def summary(self) -> str:
        if not self.targets:
            return "no notify target carries a digest tag; nothing sent"
        return f"digest with {self.shifts} shifts: {self.sent} sent, {self.failed} failed" + "".join(
            f"\n- {e}" for e in self.errors
        )


@dataclass(frozen=True)
class DigestData:
    now: datetime
    states: list[dict[str, Any]]
    shifts: list[dict[str, Any]]
    feeds: list[dict[str, Any]]


def gather(warehouse: Warehouse, now: datetime, hours: float = 24.0) -> DigestData:
    with warehouse.connect() as con:
        states = store.stance_summary(con)
        shifts = store.shifts_detected_since(con, now - timedelta(hours=hours))
        feeds = store.feed_health(con)
    return DigestData(now=now, states=states, shifts=shifts, feeds=feeds)


def _health(feeds: list[dict[str, Any]]) -> tuple[str, list[str]]:
    failing = [f for f in feeds if f["consecutive_failures"] and not f["disabled"]]
    disabled = [f for f in feeds if f["disabled"]]
    line = f"{len(feeds)} feeds: {len(feeds) - len(failing) - len(disabled)} ok, {len(failing)} failing, {len(disabled)} disabled"
    details = [
        f"{f['feed_name']}: {'disabled' if f['disabled'] else 'failing'}, last success {when(f['last_success_at'])}"
        for f in [*failing, *disabled]
    ]
    return line, details


def timeline_image(warehouse: Warehouse, now: datetime, folder: Path) -> Path | None:
    """The report's timeline charts of the last REPORT_DAYS days as a PNG in `folder`, or None
    when there is no position to draw."""
    from redline import report

    with warehouse.connect() as con:
        data = report.gather(con, now=now, days=REPORT_DAYS)
    png = report.timeline_png(data)
    if png is None:
        return None
    path = folder / "redline-timeline.png"
    path.write_bytes(png)
    return path


def render_digest(data: DigestData, fmt: str, limit: int, *, image: str | None = None) -> Message:
    title = f"Redline daily digest {day(data.now)}"
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for s in data.states:
        by_actor.setdefault(s["actor"], []).append(s)
    recent = data.now - timedelta(hours=24)
    health, details = _health(data.feeds)
    if fmt == HTML:
        e = html.escape
        topics = sorted({s["topic"] for s in data.states})
        rows = ["<tr><th></th>" + "".join(f"<th>{e(t)}</th>" for t in topics) + "</tr>"]
        for actor, states in sorted(by_actor.items()):
            cell = {s["topic"]: s for s in states}
            tds = []
            for t in topics:
                st = cell.get(t)
                mark = " *" if st and st["since"] and st["since"] >= recent else ""
                tds.append(f"<td>{e(st['stance']) + mark if st else '–'}</td>")
            rows.append(f"<tr><th>{e(actor_label(actor))}</th>{''.join(tds)}</tr>")
        shift_items = "".join(
            f"<li>{e(shift_title(s['actor'], s['topic'], s['from_stance'], s['to_stance']))} — "
            f"{e(clean(s['source']))}, {when(s['published_at'])} ({e(s['alert_state'] or '')})</li>"
            for s in data.shifts
        ) or "<li>none</li>"
        body = (
            f"<h2>{e(title)}</h2><h3>Current stances</h3><table border='1' cellpadding='3'>{''.join(rows)}</table>"
            "<p>* changed in the last 24 hours</p>"
            f"<h3>Shifts, last 24 hours</h3><ul>{shift_items}</ul>"
            + (f"<h3>Positions over time</h3><p>The timeline of every position of the last "
               f"{REPORT_DAYS} days is attached ({e(image)}).</p>" if image else "")
            + f"<h3>Feed health</h3><p>{e(health)}</p><ul>{''.join(f'<li>{e(clean(d))}</li>' for d in details)}</ul>"
        )
    else:
        lines = ["**Current stances** (* = changed in the last 24 hours)"]
        for actor, states in sorted(by_actor.items()):
            cells = ", ".join(
                f"{s['topic']} {s['stance']}{'*' if s['since'] and s['since'] >= recent else ''}" for s in states
            )
            lines.append(f"- **{actor_label(actor)}**: {cells}")
        if not by_actor:
            lines.append("- no positions yet")
        lines += ["", "**Shifts, last 24 hours**"]
        lines += [
            f"- {shift_title(s['actor'], s['topic'], s['from_stance'], s['to_stance'])} — "
            f"{neutralise_md(s['source'])}, {when(s['published_at'])} ({s['alert_state']})"
            for s in data.shifts
        ] or ["- none"]
        lines += ["", f"**Feed health**: {health}"] + [f"- {neutralise_md(d)}" for d in details]
        body = "\n".join(lines)
    if len(body) > limit:
        body = body[: limit - 1] + "…"
    return Message(title=title, body=body, body_format=fmt)


def send_digest(warehouse: Warehouse, cfg: Config, *, now: datetime | None = None) -> DigestResult:
    """Send the digest to every digest-tagged target; record each result."""
    check_alerting(cfg, sending=True)
    remember_secrets(cfg.secrets())
    now = now or datetime.now(UTC)
    targets = digest_targets(cfg)
    if not targets:
        return DigestResult()
    data = gather(warehouse, now)
    log, errors = [], []
    sent = 0
    with tempfile.TemporaryDirectory(prefix="redline-digest-") as tmp:
        image = None
        if any(body_format_for(t.url.get_secret_value()) == HTML for t in targets):
            image = timeline_image(warehouse, now, Path(tmp))
        for t in targets:
            url = t.url.get_secret_value()
            fmt = body_format_for(url)
            limit = min(cfg.alerts.max_chars * 4, cfg.alerts.target_max_chars.get(t.name, 10**6))
            # Email carries the timeline image as an attachment; chat targets get text only.
            attach = [str(image)] if image and fmt == HTML else []
            msg = render_digest(data, fmt, body_limit(url, limit), image=image.name if image and attach else None)
            out = send(url, msg, connect_s=cfg.alerts.connect_timeout_s, read_s=cfg.alerts.read_timeout_s,
                       attach=attach)
            sent += out.ok
            if not out.ok:
                errors.append(f"{t.name}: {out.error}")
            log.append({
                "digest_id": f"digest-{day(now)}", "target": t.name, "status": "sent" if out.ok else "failed",
                "error": out.error, "sent_at": now,
            })
    with warehouse.connect() as con:
        store.log_digest(con, log)
    return DigestResult(targets=len(targets), sent=sent, failed=len(targets) - sent,
                        shifts=len(data.shifts), errors=tuple(errors))
