"""Pure functions of the alerts stage: titles, neutralising untrusted text, limits, backoff, URLs."""

from __future__ import annotations

from datetime import UTC, datetime

from redline.alerts.outbox import backoff
from redline.alerts.render import (
    HTML,
    MARKDOWN,
    ShiftView,
    neutralise_md,
    render,
    safe_url,
    shift_title,
)
from redline.alerts.send import body_format_for, with_timeouts
from redline.secrets import secret_parts


def view(**kw) -> ShiftView:
    base = dict(shift_id="s_1", actor="russia", topic="ceasefire_full", from_stance="reject", to_stance="conditional",
                kind="observed", severity="critical", evidence="Putin said yes, with conditions.", source="Reuters",
                title="Putin hedges", url="https://example.org/a", published_at=datetime(2026, 3, 18, 14, 2, tzinfo=UTC),
                from_since=datetime(2026, 3, 12, tzinfo=UTC), from_source="TASS", corroborating=("Reuters", "BBC", "AP"))
    return ShiftView(**{**base, **kw})


def test_titles() -> None:
    assert shift_title("russia", "ceasefire_full", "reject", "conditional") == "Russia on a full ceasefire: reject → conditional"
    assert shift_title("united_states", "sanctions", None, "reject") == "The United States on sanctions on Russia: reject (first seen)"
    assert shift_title("china", "new_topic", "accept", "reject") == "China on new topic: accept → reject"


def test_markdown_neutralises_mentions_links_and_html() -> None:
    out = neutralise_md("<!channel> hi <@U1> see [this](http://x.y/z) ![img](http://i) @here <script>x</script> `code`")
    assert "<" not in out and ">" not in out and "](" not in out and "`" not in out
    assert "@here" not in out and "@\u2060here" in out
    assert "this (http://x.y/z)" in out


def test_safe_url_only_http() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,hi") is None
    assert safe_url("https://example.org/a b") == "https://example.org/a%20b"


def test_bodies_keep_the_facts_and_fit_the_limit() -> None:
    long = view(evidence="word " * 2000, corroborating=tuple(f"Outlet {i}" for i in range(40)))
    for fmt in (MARKDOWN, HTML):
        msg = render(long, fmt=fmt, limit=700)
        assert len(msg.body) <= 700
        assert "Previously" in msg.body and "TASS" in msg.body and "…" in msg.body
    md = render(view(), fmt=MARKDOWN, limit=4000).body
    assert "Also reported by: BBC, AP (3 outlets in all)" in md and "2026-03-18 14:02 UTC" in md
    html_body = render(view(title="<b>x</b> & y"), fmt=HTML, limit=4000).body
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in html_body


def test_backoff_doubles_and_caps() -> None:
    assert [backoff(n, 60, 500).total_seconds() for n in (1, 2, 3, 4, 5)] == [60, 120, 240, 480, 500]


def test_target_urls() -> None:
    assert with_timeouts("json://h/x", 5, 10) == "json://h/x?cto=5&rto=10"
    assert with_timeouts("json://h/x?cto=1", 5, 10) == "json://h/x?cto=1&rto=10"
    assert body_format_for("mailtos://u:p@smtp.example.org") == HTML
    assert body_format_for("slack://T/B/C") == MARKDOWN
    parts = secret_parts("slack://TOKENA1234567/TOKENB1234567/TOKENC123456789?x=SecretValue12345")
    assert {"TOKENA1234567", "TOKENB1234567", "TOKENC123456789", "SecretValue12345"} <= set(parts)
    assert "pw0rd" in secret_parts("mailto://user:pw0rd@smtp.example.org")
