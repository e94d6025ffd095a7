"""The shifts stage on a real DuckDB warehouse: state, hysteresis, one story one shift, gating."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.shifts import detect_shifts
from tests.alerts.support import NOW, Timeline, hours, rows, write_config
from warehouse.store import Warehouse

RU_CF = ("russia", "ceasefire_full")


@pytest.fixture
def env(tmp_path: Path):
    _, cfg = write_config(tmp_path)
    wh = Warehouse(cfg.warehouse)
    return wh, cfg, Timeline(wh)


def shifts(wh: Warehouse) -> list[tuple]:
    return rows(wh, "SELECT actor, topic, from_stance, to_stance, kind, article_id, alert_state "
                    "FROM core.shifts ORDER BY published_at, shift_id")


def test_timeline_in_batches_yields_exactly_the_expected_shifts_and_rerun_adds_nothing(env) -> None:
    wh, cfg, tl = env
    # Batch 1: Russia rejects (two outlets), Ukraine accepts.
    tl.article("a1", "TASS", NOW - hours(10), positions=(("russia", "ceasefire_full", "reject", 0.9),
                                                          ("ukraine", "ceasefire_full", "accept", 0.9)))
    tl.article("a2", "Meduza", NOW - hours(9), positions=(("russia", "ceasefire_full", "reject", 0.7),))
    r1 = detect_shifts(wh, cfg, now=NOW - hours(8))
    assert (r1.shifts, r1.alertable) == (2, 0)  # first positions are `new`, not alerted
    # Batch 2: Russia turns conditional (strong evidence), Ukraine restated.
    tl.article("a3", "Reuters", NOW - hours(5), positions=(("russia", "ceasefire_full", "conditional", 0.9),
                                                            ("ukraine", "ceasefire_full", "accept", 0.8)))
    r2 = detect_shifts(wh, cfg, now=NOW - hours(4))
    assert (r2.shifts, r2.alertable) == (1, 1)
    # Batch 3: a reported shift by the US, and a second outlet confirming Russia's new stance.
    tl.article("a4", "BBC World", NOW - hours(2),
               positions=(("russia", "ceasefire_full", "conditional", 0.6),
                          ("united_states", "ceasefire_full", "accept", 0.9)),
               reported=(("united_states", "ceasefire_full", "demand", "accept", 0.5),))
    r3 = detect_shifts(wh, cfg, now=NOW)
    assert (r3.shifts, r3.alertable, r3.corroborations) == (1, 1, 1)
    assert shifts(wh) == [
        ("russia", "ceasefire_full", None, "reject", "new", "a1", "new"),
        ("ukraine", "ceasefire_full", None, "accept", "new", "a1", "new"),
        ("russia", "ceasefire_full", "reject", "conditional", "observed", "a3", "alert"),
        # No US state yet, but the text reports the change itself: a reported shift.
        ("united_states", "ceasefire_full", "demand", "accept", "reported", "a4", "alert"),
    ]
    again = detect_shifts(wh, cfg, now=NOW)
    assert (again.articles, again.shifts, again.corroborations) == (0, 0, 0)
    assert len(shifts(wh)) == 4
    sources = rows(wh, "SELECT source_count, corroborating_sources FROM shifts WHERE article_id = 'a3'")
    assert sources == [(2, ["BBC World", "Reuters"])]


def test_reported_shift_is_a_shift_even_at_low_confidence(env) -> None:
    wh, cfg, tl = env
    tl.article("b1", "TASS", NOW - hours(20), positions=(("united_states", "ceasefire_full", "demand", 0.9),))
    tl.article("b2", "Politico", NOW - hours(1), reported=(("united_states", "ceasefire_full", "demand", "conditional", 0.4),))
    detect_shifts(wh, cfg, now=NOW)
    got = rows(wh, "SELECT from_stance, to_stance, kind, alert_state, from_source FROM core.shifts WHERE article_id = 'b2'")
    assert got == [("demand", "conditional", "reported", "alert", "TASS")]


def test_weak_evidence_needs_a_second_independent_source_within_the_window(env) -> None:
    wh, cfg, tl = env
    tl.article("c0", "TASS", NOW - hours(40), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, cfg, now=NOW - hours(39))
    tl.article("c1", "Meduza", NOW - hours(6), positions=((*RU_CF, "accept", 0.5),), story="st-1")
    # A syndicated copy of the same story in another outlet does not confirm it.
    tl.article("c2", "Yahoo News", NOW - hours(5), positions=((*RU_CF, "accept", 0.5),), story="st-1")
    detect_shifts(wh, cfg, now=NOW - hours(5))
    assert rows(wh, "SELECT stance, pending_stance, pending_sources FROM current_positions") == [("reject", "accept", 1)]
    tl.article("c3", "Reuters", NOW - hours(2), positions=((*RU_CF, "accept", 0.55),))
    detect_shifts(wh, cfg, now=NOW)
    assert rows(wh, "SELECT stance, since, pending_stance FROM current_positions") == [("accept", NOW - hours(6), None)]
    got = rows(wh, "SELECT from_stance, to_stance, article_id, alert_state, source_count FROM shifts WHERE kind = 'observed'")
    assert got == [("reject", "accept", "c3", "alert", 3)]


def test_second_source_outside_the_window_starts_over(env) -> None:
    wh, cfg, tl = env
    tl.article("d0", "TASS", NOW - hours(100), positions=((*RU_CF, "reject", 0.9),))
    tl.article("d1", "Meduza", NOW - hours(40), positions=((*RU_CF, "accept", 0.5),))
    tl.article("d2", "Reuters", NOW - hours(2), positions=((*RU_CF, "accept", 0.5),))
    detect_shifts(wh, cfg, now=NOW)
    assert rows(wh, "SELECT count(*) FROM core.shifts WHERE kind = 'observed'") == [(0,)]
    assert rows(wh, "SELECT stance, pending_stance, pending_sources FROM current_positions") == [("reject", "accept", 1)]


def test_flip_back_within_the_window_is_flapping_and_does_not_alert(env) -> None:
    wh, cfg, tl = env
    tl.article("e0", "TASS", NOW - hours(50), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, cfg, now=NOW - hours(49))
    tl.article("e1", "Meduza", NOW - hours(3), positions=((*RU_CF, "accept", 0.9),))
    detect_shifts(wh, cfg, now=NOW - hours(3))
    tl.article("e2", "Reuters", NOW - hours(1), positions=((*RU_CF, "reject", 0.95),))
    result = detect_shifts(wh, cfg, now=NOW)
    assert result.alertable == 0 and dict(result.suppressed) == {"flapping": 1}
    assert [s[2:] for s in shifts(wh)] == [
        (None, "reject", "new", "e0", "new"),
        # Not routed yet (no delivery ran between the two passes): its alert is dropped too.
        ("reject", "accept", "observed", "e1", "flapped"),
        ("accept", "reject", "observed", "e2", "flapping"),
    ]
    assert rows(wh, "SELECT stance FROM current_positions") == [("reject",)]


def test_flip_and_flip_back_in_one_batch_alert_nothing(env) -> None:
    wh, cfg, tl = env
    tl.article("f0", "TASS", NOW - hours(40), positions=((*RU_CF, "reject", 0.9),))
    tl.article("f1", "Meduza", NOW - hours(3), positions=((*RU_CF, "accept", 0.9),))
    tl.article("f2", "Reuters", NOW - hours(2), positions=((*RU_CF, "reject", 0.9),))
    result = detect_shifts(wh, cfg, now=NOW)
    assert result.alertable == 0
    assert [s[6] for s in shifts(wh)] == ["new", "flapped", "flapping"]


def test_backlog_and_old_articles_update_state_but_never_alert(env) -> None:
    wh, cfg, tl = env
    tl.article("g0", "TASS", NOW - hours(300), positions=((*RU_CF, "reject", 0.9),), backlog=True)
    tl.article("g1", "Meduza", NOW - hours(200), positions=((*RU_CF, "accept", 0.9),), backlog=True)
    tl.article("g2", "Reuters", NOW - hours(60), positions=((*RU_CF, "conditional", 0.9),))  # older than 48 h
    tl.article("g3", "BBC", NOW - hours(1), positions=((*RU_CF, "demand", 0.9),), backlog=True)
    result = detect_shifts(wh, cfg, now=NOW)
    assert result.alertable == 0
    assert [s[6] for s in shifts(wh)] == ["backlog", "backlog", "stale", "backlog"]
    assert rows(wh, "SELECT stance FROM current_positions") == [("demand",)]


def test_state_follows_publication_time_not_arrival_order(env) -> None:
    wh, cfg, tl = env
    # Inserted newest first; a1 has no publication date, so its fetch time counts.
    tl.article("h2", "Reuters", NOW - hours(1), positions=((*RU_CF, "accept", 0.9),))
    tl.article("h1", "Meduza", None, fetched=NOW - hours(2), positions=((*RU_CF, "conditional", 0.9),))
    tl.article("h0", "TASS", NOW - hours(3), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, cfg, now=NOW)
    assert [(s[2], s[3]) for s in shifts(wh)] == [(None, "reject"), ("reject", "conditional"), ("conditional", "accept")]
    timeline = rows(wh, "SELECT article_id, stance, shift_id IS NOT NULL FROM position_timeline ORDER BY effective_at")
    assert timeline == [("h0", "reject", True), ("h1", "conditional", True), ("h2", "accept", True)]
    # A late report older than the established stance is history: it does not flip the state.
    tl.article("h9", "Old Wire", NOW - hours(5), positions=((*RU_CF, "demand", 0.99),))
    detect_shifts(wh, cfg, now=NOW)
    assert rows(wh, "SELECT stance, since, previous_stance FROM current_positions") == [("accept", NOW - hours(1), "conditional")]


def test_twenty_outlets_one_shift(env) -> None:
    wh, cfg, tl = env
    tl.article("i0", "TASS", NOW - hours(30), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, cfg, now=NOW - hours(29))
    for n in range(20):
        tl.article(f"i{n + 1}", f"Outlet {n:02d}", NOW - hours(3) + hours(n / 10),
                   positions=((*RU_CF, "conditional", 0.6 + n / 100),), story=f"story-{n % 7}")
    result = detect_shifts(wh, cfg, now=NOW)
    assert (result.shifts, result.alertable) == (1, 1)
    assert rows(wh, "SELECT source_count, kind FROM shifts WHERE to_stance = 'conditional'") == [(20, "observed")]


def test_mentions_too_weak_to_be_candidates_neither_move_nor_confirm_a_stance(env) -> None:
    wh, cfg, tl = env
    tl.article("w0", "TASS", NOW - hours(40), positions=((*RU_CF, "reject", 0.9),))
    detect_shifts(wh, cfg, now=NOW - hours(39))
    # three outlets, each with only a mention (below candidate_min_confidence, 0.45)
    for i, outlet in enumerate(("Meduza", "Reuters", "AP")):
        tl.article(f"w{i + 1}", outlet, NOW - hours(6 - i), positions=((*RU_CF, "accept", 0.42),))
    r = detect_shifts(wh, cfg, now=NOW - hours(2))
    assert (r.shifts, r.alertable) == (0, 0)
    assert rows(wh, "SELECT stance, pending_stance FROM current_positions") == [("reject", None)]
    # one report just above the floor is a candidate again, and a second outlet confirms it
    tl.article("w4", "BBC World", NOW - hours(1), positions=((*RU_CF, "accept", 0.46),))
    tl.article("w5", "Politico", NOW - hours(1), positions=((*RU_CF, "accept", 0.5),))
    assert detect_shifts(wh, cfg, now=NOW).alertable == 1


def test_first_position_alerts_when_configured(tmp_path: Path) -> None:
    _, cfg = write_config(tmp_path, alert_on_new=True)
    wh = Warehouse(cfg.warehouse)
    Timeline(wh).article("j0", "TASS", NOW - hours(1), positions=((*RU_CF, "reject", 0.9),))
    assert detect_shifts(wh, cfg, now=NOW).alertable == 1


def test_severity_and_hysteresis_come_from_config(tmp_path: Path) -> None:
    _, cfg = write_config(
        tmp_path, hysteresis={"min_confidence": 0.5, "confirm_sources": 3},
        severity=[{"topics": ["sanctions"], "stances": ["reject"], "severity": "high"}], default_severity="info",
    )
    wh = Warehouse(cfg.warehouse)
    tl = Timeline(wh)
    tl.article("k0", "TASS", NOW - hours(9), positions=(("europe", "sanctions", "accept", 0.9), (*RU_CF, "reject", 0.9)))
    tl.article("k1", "Meduza", NOW - hours(2), positions=(("europe", "sanctions", "reject", 0.55), (*RU_CF, "accept", 0.55)))
    detect_shifts(wh, cfg, now=NOW)
    got = rows(wh, "SELECT actor, to_stance, severity FROM core.shifts WHERE kind = 'observed' ORDER BY actor")
    assert got == [("europe", "reject", "high"), ("russia", "accept", "info")]


def test_only_the_latest_ruleset_version_counts(env) -> None:
    wh, cfg, tl = env
    tl.article("m0", "TASS", NOW - hours(2), positions=((*RU_CF, "reject", 0.9),))
    with wh.connect() as con:  # an older classification of the same article said otherwise
        con.execute("INSERT INTO core.positions VALUES ('m0','russia','ceasefire_full','accept','x','r',0.9,'rules-0')")
        con.execute("INSERT INTO core.classifications VALUES ('m0','rules-0','classified',NULL,NULL, ?)", [NOW - hours(3)])
    detect_shifts(wh, cfg, now=NOW)
    assert rows(wh, "SELECT stance FROM current_positions") == [("reject",)]
