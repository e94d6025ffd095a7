"""The outbox against real targets on 127.0.0.1: a webhook server and an SMTP server."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from redline.alerts.outbox import deliver_alerts
from redline.errors import ConfigError
from redline.shifts import detect_shifts
from tests.alerts.support import NOW, SECRET, Hook, Mailbox, Timeline, hours, rows, write_config
from warehouse.store import Warehouse

RU_CF = ("russia", "ceasefire_full")


def seed_shift(wh: Warehouse, *, evidence: str | None = None, title: str | None = None) -> None:
    """TASS: Russia rejects (old); now Reuters reports a conditional yes, BBC agrees."""
    tl = Timeline(wh)
    tl.article("p0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, _cfg_of(wh), now=NOW - hours(29))
    tl.article("p1", "Reuters", NOW - hours(2), positions=((*RU_CF, "conditional", 0.9),),
               evidence=evidence or "Putin said the idea of a ceasefire was right but there were questions.",
               title=title or "Putin backs truce idea with conditions")
    tl.article("p2", "BBC World", NOW - hours(1), positions=((*RU_CF, "conditional", 0.7),))


_cfgs: dict[Path, object] = {}


def _cfg_of(wh: Warehouse):  # the config a test registered for its warehouse
    return _cfgs[wh.path]


def setup(tmp_path: Path, notify: list[dict], **alerts):
    _, cfg = write_config(tmp_path, notify=notify, **alerts)
    wh = Warehouse(cfg.warehouse)
    _cfgs[wh.path] = cfg
    return wh, cfg


def test_webhook_receives_one_alert_and_a_rerun_sends_nothing(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "desk-hook", "url": hook.url()}])
        seed_shift(wh)
        detect_shifts(wh, cfg, now=NOW)
        result = deliver_alerts(wh, cfg, now=NOW)
        assert (result.queued, result.sent, result.failed) == (1, 1, 0)
        assert len(hook.received) == 1
        msg = hook.received[0]
        assert msg["title"] == "Russia on a full ceasefire: reject → conditional"
        body = msg["message"]
        for part in ("the idea of a ceasefire was right", "Putin backs truce idea with conditions", "Reuters",
                     "https://news.example.org/p1", "Previously: **reject** since", "(TASS)", "BBC World",
                     "critical"):
            assert part in body
        assert rows(wh, "SELECT target, status, attempts, sent_at IS NOT NULL FROM alerts") == [("desk-hook", "sent", 1, True)]
        detect_shifts(wh, cfg, now=NOW + hours(1))
        again = deliver_alerts(wh, cfg, now=NOW + hours(1))
        assert (again.queued, again.attempted) == (0, 0)
        assert len(hook.received) == 1
    finally:
        hook.stop()


def test_a_pass_with_nothing_due_opens_one_write_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 10.3: with nothing due there is nothing to record, so no second window (each
    open of the warehouse costs a pass with nothing new 0.04-0.1 s)."""
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "desk-hook", "url": hook.url()}])
        seed_shift(wh)
        detect_shifts(wh, cfg, now=NOW)
        assert deliver_alerts(wh, cfg, now=NOW).sent == 1
        windows: list[str] = []
        real = Warehouse.connect
        monkeypatch.setattr(Warehouse, "connect", lambda self: windows.append("open") or real(self))
        again = deliver_alerts(wh, cfg, now=NOW + hours(1))
        assert (again.queued, again.attempted, again.sent, again.failed, again.deferred) == (0, 0, 0, 0, 0)
        assert windows == ["open"]  # routing and claiming; nothing to record
        assert rows(wh, "SELECT status, attempts FROM alerts") == [("sent", 1)]
    finally:
        hook.stop()


def test_refused_target_fails_with_reason_and_is_delivered_on_a_later_run(tmp_path: Path) -> None:
    hook = Hook()  # not started yet: connections are refused
    wh, cfg = setup(tmp_path, [{"name": "desk-hook", "url": hook.url()}], backoff_base_s=60)
    seed_shift(wh)
    detect_shifts(wh, cfg, now=NOW)
    first = deliver_alerts(wh, cfg, now=NOW)
    assert (first.sent, first.failed) == (0, 1)
    [(status, attempts, error, nxt)] = rows(wh, "SELECT status, attempts, last_error, next_attempt_at FROM alerts")
    assert (status, attempts) == ("failed", 1)
    assert error and SECRET not in error and "desk-hook" in first.errors[0]
    assert nxt == NOW + hours(1 / 60)
    # Before the next attempt time nothing is tried.
    assert deliver_alerts(wh, cfg, now=NOW + hours(0.5 / 60)).attempted == 0
    hook.start()
    try:
        later = deliver_alerts(wh, cfg, now=NOW + hours(2 / 60))
        assert (later.sent, later.failed) == (1, 0)
        assert len(hook.received) == 1
        assert rows(wh, "SELECT status, attempts, last_error FROM alerts") == [("sent", 2, None)]
    finally:
        hook.stop()


def test_backoff_grows_and_the_alert_dies_after_max_attempts(tmp_path: Path) -> None:
    hook = Hook()
    wh, cfg = setup(tmp_path, [{"name": "down", "url": hook.url()}], backoff_base_s=10, max_attempts=3)
    seed_shift(wh)
    detect_shifts(wh, cfg, now=NOW)
    t = NOW
    waits = []
    for _ in range(3):
        deliver_alerts(wh, cfg, now=t)
        [(status, nxt)] = rows(wh, "SELECT status, next_attempt_at FROM alerts")
        if nxt is None:
            break
        waits.append((nxt - t).total_seconds())
        t = nxt
    assert waits == [10, 20]
    assert rows(wh, "SELECT status, attempts, next_attempt_at FROM alerts") == [("dead", 3, None)]
    assert deliver_alerts(wh, cfg, now=t + hours(100)).attempted == 0


def test_email_arrives_as_html_with_a_plain_text_part(tmp_path: Path) -> None:
    with Mailbox() as box:
        wh, cfg = setup(tmp_path, [{"name": "desk-mail", "url": box.url()}])
        seed_shift(wh, evidence='Putin said <b>"the idea is right"</b> & we support it, but there are questions.')
        detect_shifts(wh, cfg, now=NOW)
        result = deliver_alerts(wh, cfg, now=NOW)
        assert result.sent == 1, result.errors
    [mail] = box.messages
    assert mail["Subject"] == "Russia on a full ceasefire: reject → conditional"
    parts = {p.get_content_type(): p.get_content() for p in mail.walk() if not p.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    html_part, text_part = parts["text/html"], parts["text/plain"]
    assert "&lt;b&gt;" in html_part and "<b>\"the idea" not in html_part  # feed text escaped
    assert '<a href="https://news.example.org/p1">' in html_part
    assert "Putin backs truce idea with conditions" in text_part and "Reuters" in text_part
    assert "we support it" in text_part and "TASS" in text_part


def test_untrusted_text_is_neutralised_and_bodies_fit_the_limit(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "slackish", "url": hook.url()}], target_max_chars={"slackish": 400})
        evil = ("<!channel> <@U123> Putin said [click here](https://evil.example/x) @everyone yes. " + "More words. " * 80)
        seed_shift(wh, evidence=evil, title="Breaking <!here> [win](https://evil.example/y)")
        detect_shifts(wh, cfg, now=NOW)
        assert deliver_alerts(wh, cfg, now=NOW).sent == 1
    finally:
        hook.stop()
    body = hook.received[0]["message"]
    assert len(body) <= 400
    assert "<!channel>" not in body and "<@U123>" not in body and "<!here>" not in body
    assert "](https://evil" not in body and "@everyone" not in body
    assert "[Read the article](https://news.example.org/p1)" in body


def test_routes_send_each_shift_to_the_desks_that_care(tmp_path: Path) -> None:
    russia, urgent, digest = Hook().start(), Hook().start(), Hook().start()
    try:
        wh, cfg = setup(
            tmp_path,
            [{"name": "russia-desk", "url": russia.url("RussiaDeskToken0001"), "tags": ["russia"]},
             {"name": "urgent", "url": urgent.url("UrgentDeskToken0002"), "tags": ["urgent"]},
             {"name": "daily", "url": digest.url("DigestToken00000003"), "tags": ["digest"]}],
            routes=[{"actors": ["russia"], "tags": ["russia"]},
                    {"min_severity": "critical", "tags": ["urgent"]}],
        )
        tl = Timeline(wh)
        tl.article("q0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9), ("russia", "sanctions", "reject", 0.9),
                                                            ("europe", "sanctions", "accept", 0.9)))
        detect_shifts(wh, cfg, now=NOW - hours(29))
        tl.article("q1", "Reuters", NOW - hours(1), positions=((*RU_CF, "accept", 0.9), ("russia", "sanctions", "accept", 0.9),
                                                              ("europe", "sanctions", "reject", 0.9)))
        detect_shifts(wh, cfg, now=NOW)
        result = deliver_alerts(wh, cfg, now=NOW)
    finally:
        for h in (russia, urgent, digest):
            h.stop()
    assert sorted(m["title"] for m in russia.received) == [
        "Russia on a full ceasefire: reject → accept", "Russia on sanctions on Russia: reject → accept"]
    assert [m["title"] for m in urgent.received] == ["Russia on a full ceasefire: reject → accept"]
    assert digest.received == []
    assert (result.routed, result.unrouted, result.sent) == (2, 1, 3)
    assert rows(wh, "SELECT alert_state FROM shifts WHERE actor = 'europe' AND kind = 'observed'") == [("unrouted",)]


def test_a_route_matching_no_target_is_a_config_error(tmp_path: Path) -> None:
    # refused when the config is loaded, before any run starts
    with pytest.raises(ConfigError, match=r"alerts.routes.0 \(kremlin\): tags russia match no notify target"):
        setup(tmp_path, [{"name": "a", "url": Hook().url(), "tags": ["ukraine"]}],
              routes=[{"name": "kremlin", "actors": ["russia"], "tags": ["russia"]}])


def test_an_unloadable_url_fails_its_own_alerts_and_hides_the_url(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "broken", "url": f"slack://{SECRET}/{SECRET}B/{SECRET}C!"},
                                   {"name": "desk", "url": hook.url()}])
        seed_shift(wh)
        detect_shifts(wh, cfg, now=NOW)
        result = deliver_alerts(wh, cfg, now=NOW)
    finally:
        hook.stop()
    assert (result.sent, result.failed) == (1, 1)  # the working target still got its alert
    assert len(hook.received) == 1
    [(status, error)] = rows(wh, "SELECT status, last_error FROM core.alerts WHERE target = 'broken'")
    assert status == "failed" and "apprise could not load the target URL" in error and "Slack" in error
    assert SECRET not in error and SECRET not in " ".join(result.errors)


def test_group_wait_gathers_corroboration_before_sending(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "h", "url": hook.url()}], group_wait_s=600)
        tl = Timeline(wh)
        tl.article("r0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9),))
        detect_shifts(wh, cfg, now=NOW - hours(29))
        tl.article("r1", "Reuters", NOW - hours(0.2), positions=((*RU_CF, "accept", 0.9),))
        detect_shifts(wh, cfg, now=NOW)
        assert deliver_alerts(wh, cfg, now=NOW).queued == 0  # still waiting
        tl.article("r2", "Kyiv Independent", NOW - hours(0.1), positions=((*RU_CF, "accept", 0.6),))
        tl.article("r3", "Meduza", NOW, positions=((*RU_CF, "accept", 0.6),))
        detect_shifts(wh, cfg, now=NOW + hours(0.1))
        result = deliver_alerts(wh, cfg, now=NOW + hours(0.2))
        assert (result.queued, result.sent) == (1, 1)
    finally:
        hook.stop()
    [msg] = hook.received
    assert "Also reported by: Kyiv Independent, Meduza (3 outlets in all)" in msg["message"]


def test_twenty_outlets_reporting_one_shift_yield_one_alert(tmp_path: Path) -> None:
    hook = Hook().start()
    try:
        wh, cfg = setup(tmp_path, [{"name": "h", "url": hook.url()}])
        tl = Timeline(wh)
        tl.article("t0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9),))
        detect_shifts(wh, cfg, now=NOW - hours(29))
        for batch in range(4):  # four polls, five outlets each
            for n in range(5):
                i = batch * 5 + n
                tl.article(f"t{i + 1}", f"Outlet {i:02d}", NOW - hours(4) + hours(i / 10),
                           positions=((*RU_CF, "conditional", 0.9),),
                           reported=((*RU_CF, "reject", "conditional", 0.8),) if i % 3 == 0 else ())
            detect_shifts(wh, cfg, now=NOW + hours(batch / 10))
            deliver_alerts(wh, cfg, now=NOW + hours(batch / 10))
    finally:
        hook.stop()
    assert len(hook.received) == 1
    assert rows(wh, "SELECT count(*), max(source_count) FROM shifts WHERE to_stance = 'conditional'") == [(1, 20)]


def test_no_secret_in_warehouse_logs_or_results(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    hook = Hook().start()
    dead = Hook()
    try:
        wh, cfg = setup(tmp_path, [{"name": "ok", "url": hook.url()},
                                   {"name": "down", "url": dead.url(SECRET + "Down")}])
        seed_shift(wh)
        detect_shifts(wh, cfg, now=NOW)
        result = deliver_alerts(wh, cfg, now=NOW)
    finally:
        hook.stop()
    assert (result.sent, result.failed) == (1, 1)
    assert SECRET not in repr(result)
    assert SECRET not in caplog.text
    # the failure is visible: named by its target, with a reason, in the result and the outbox
    [error] = result.errors
    target, _, reason = error.partition(": ")
    assert target == "down" and reason
    assert rows(wh, "SELECT target, status, last_error IS NOT NULL FROM core.alerts ORDER BY target") == [
        ("down", "failed", True), ("ok", "sent", False)]
    with wh.connect() as con:
        con.execute("CHECKPOINT")
    assert SECRET.encode() not in wh.path.read_bytes()
    dump = rows(wh, "SELECT string_agg(CAST(a AS TEXT), '|') FROM (SELECT * FROM core.alerts) a")
    assert SECRET not in str(dump)


def test_alerts_for_a_removed_target_are_kept_and_reported(tmp_path: Path) -> None:
    wh, cfg = setup(tmp_path, [{"name": "old-desk", "url": Hook().url()}])
    seed_shift(wh)
    detect_shifts(wh, cfg, now=NOW)
    deliver_alerts(wh, cfg, now=NOW)  # refused: failed, retried later
    _, cfg2 = write_config(tmp_path, notify=[])
    result = deliver_alerts(wh, cfg2, now=NOW + hours(1))
    assert result.attempted == 0 and "old-desk" in result.errors[0]
    assert rows(wh, "SELECT target, status FROM alerts") == [("old-desk", "failed")]
