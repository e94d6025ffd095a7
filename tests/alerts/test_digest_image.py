"""The daily digest by email carries the grid and the timeline image (a real SMTP server);
a chat target gets the same digest as text, with no attachment."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redline.alerts.digest import send_digest
from redline.shifts import detect_shifts
from tests.alerts.support import Hook, Mailbox, Timeline, rows, write_config
from warehouse import Warehouse

RU_CF = ("russia", "ceasefire_full")


def test_email_digest_carries_the_grid_and_a_timeline_png(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        with Mailbox() as box:
            path, cfg = write_config(tmp_path, notify=[
                {"name": "morning-mail", "url": box.url(), "tags": ["digest"]},
                {"name": "morning-chat", "url": hook.url(), "tags": ["digest"]},
            ])
            wh = Warehouse(cfg.warehouse)
            tl = Timeline(wh)
            now = datetime.now(UTC)
            tl.article("p0", "TASS", now - timedelta(days=9), positions=((*RU_CF, "reject", 0.9),))
            tl.article("p1", "Reuters", now - timedelta(hours=3),
                       positions=((*RU_CF, "accept", 0.9), ("ukraine", "territory", "reject", 0.9)))
            detect_shifts(wh, cfg, now=now)
            result = send_digest(wh, cfg, now=now)
    finally:
        hook.stop()
    assert (result.targets, result.sent) == (2, 2)
    (mail,) = box.messages
    html_part = mail.get_body(preferencelist=("html",)).get_content()
    assert "<h3>Current stances</h3>" in html_part and "accept *" in html_part  # the grid
    assert "redline-timeline.png" in html_part
    (image,) = [p for p in mail.iter_attachments() if p.get_content_type() == "image/png"]
    png = image.get_content()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])  # the IHDR chunk: a chart, not a dot
    assert width >= 400 and height >= 100  # two charts (Russia, Ukraine) of one row each
    assert image.get_filename() == "redline-timeline.png"
    (chat,) = hook.received
    assert "**Current stances**" in chat["message"] and not chat.get("attachments")
    assert rows(wh, "SELECT target, status FROM core.digest_log ORDER BY target") == [
        ("morning-chat", "sent"), ("morning-mail", "sent")]
