"""Issue 9.2: no secret reaches a log. Invalid Slack, Telegram, Discord and mailtos URLs
make apprise log their tokens; a real `redline run` (real process, Prefect test server,
real DuckDB, a real SMTP server for the mailtos target) must show none of them anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.alerts.support import Mailbox, everything_prefect_stored, warehouse_text
from tests.support.content import Item, article_page, load_seed, recent, rss, seed_stems
from tests.support.proc import redline

pytestmark = pytest.mark.prefect

# Each URL is one apprise cannot load (or, for the last, one a real SMTP server refuses);
# apprise's own warnings print the first four's tokens in clear.
TARGETS = {
    "slack-third": "slack://Sl4ckT0kenAAAA1111/Sl4ckT0kenBBBB2222/xoxSl4ckT0kenCCC!/#desk",
    "slack-oauth": "slack://xoxb-Sl4ckT0kenFirst!77/#desk",
    "telegram": "tgram://123456789:T3legr!amSecretTok/12345",
    "discord": "discord://D1scordWebhookOnly99",
    "mail-bad": "mailtos://M41lUserName:M41lPassw0rd99@/?to=x",
}
TOKENS = ["Sl4ckT0kenAAAA1111", "Sl4ckT0kenBBBB2222", "xoxSl4ckT0kenCCC", "Sl4ckT0kenFirst",
          "T3legr!amSecretTok", "D1scordWebhookOnly99", "M41lUserName", "M41lPassw0rd99",
          "SmtpUs3rNam3", "SmtpPassw0rdZZ"]


def test_invalid_notify_urls_leak_no_token(prefect_api: str, site, tmp_path: Path) -> None:
    stems = seed_stems()[:2]
    items = [Item(load_seed(s).title, site.add(f"/news/{s}", body=article_page(load_seed(s))), guid=s,
                  published=recent()) for s in stems]
    feed = site.add("/rss", body=rss(items[:1]))  # a feed's first poll is backlog: it never alerts
    with Mailbox() as box:
        targets = {**TARGETS, "mail-smtp": (f"mailtos://SmtpUs3rNam3:SmtpPassw0rdZZ@127.0.0.1:{box.port}/"
                                            "?to=desk@example.com&from=redline@example.com")}
        path = tmp_path / "desk.yaml"
        path.write_text(yaml.safe_dump({
            "warehouse": str(tmp_path / "data" / "redline.duckdb"),
            "feeds": [{"name": "Wire", "url": feed}],
            "fetch": {"allow_private_addresses": ["127.0.0.1/32"], "timeout_s": 5},
            "extract": {"workers": 1},
            "notify": [{"name": n, "url": u} for n, u in targets.items()],
            # first sightings alert too, so every target gets alerts to fail on
            "alerts": {"alert_on_new": True, "connect_timeout_s": 2, "read_timeout_s": 2},
        }), encoding="utf-8")
        first = redline("run", config=path)
        assert first.returncode == 0, first.stderr[-3000:]
        site.add("/rss", body=rss(items))
        # apprise's records go to the Prefect API too, the way a desk would wire them up
        run = redline("--debug", "run", config=path, PREFECT_LOGGING_EXTRA_LOGGERS="apprise,urllib3")
        test = redline("alerts", "test", config=path)
        listed = redline("alerts", "list", "--format", "json", config=path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "alerts sent 0, failed" in run.stdout
    assert test.returncode == 1 and test.stdout.count("FAILED") == len(targets)
    # the failures are visible, with apprise's reason, tokens masked
    assert "An invalid Slack (third) Token (***) was specified" in test.stdout
    assert "An invalid Slack (third) Token (***) was specified" in listed.stdout
    assert listed.stdout.count('"status": "failed"') >= len(targets)

    texts = {
        "first run": first.stdout + first.stderr, "run stdout": run.stdout, "run stderr": run.stderr, "test stdout": test.stdout,
        "test stderr": test.stderr, "list stdout": listed.stdout,
        "warehouse": warehouse_text(tmp_path / "data" / "redline.duckdb"),
        "read copy": warehouse_text(tmp_path / "data" / "redline.read.duckdb"),
        "prefect": everything_prefect_stored().decode("utf-8", "replace"),
    }
    assert "apprise" in texts["prefect"]  # apprise's own records did reach Prefect's logs
    leaks = [(where, token) for where, text in texts.items() for token in TOKENS if token in text]
    assert not leaks, leaks


def test_records_of_any_logger_are_redacted_once_the_urls_are_known(caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from redline.secrets import redact_url, remember

    url = "tgram://123456789:Un1tT3legr!amTok/12345"
    assert redact_url(url) == "tgram://***"  # its "port" is the token: no crash, nothing shown
    remember([url])
    caplog.set_level(logging.DEBUG)
    logging.getLogger("apprise").warning("The Telegram Bot Token specified (%s) is invalid.", "123456789:Un1tT3legr!amTok")
    logging.getLogger("prefect.task_runs").error("Task failed: %s", url)
    try:
        raise RuntimeError(f"send to {url} failed")
    except RuntimeError:
        logging.getLogger("some.library").exception("boom")
    assert "Un1tT3legr!amTok" not in caplog.text
    assert "The Telegram Bot Token specified (123456789:***) is invalid." in caplog.text
    assert "RuntimeError: send to" in caplog.text  # the traceback is kept, redacted
