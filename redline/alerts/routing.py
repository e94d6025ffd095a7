"""Which notify targets hear about which shift, and the start-up check of that config."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from redline.alert_settings import SEVERITIES
from redline.config import Config, NotifyTarget, check_targets
from redline.errors import ConfigError


def is_digest_only(target: NotifyTarget, digest_tags: tuple[str, ...]) -> bool:
    return bool(target.tags) and set(target.tags) <= set(digest_tags)


def digest_targets(cfg: Config) -> list[NotifyTarget]:
    return [t for t in cfg.notify if set(t.tags) & set(cfg.alerts.digest_tags)]


def route_targets(shift: Mapping[str, Any], cfg: Config) -> list[str]:
    """Names of the targets a shift goes to (config order, no repeats).

    Without routes, every target except digest-only ones gets every alertable shift.
    """
    a = cfg.alerts
    if not a.routes:
        return [t.name for t in cfg.notify if not is_digest_only(t, a.digest_tags)]
    tags: set[str] = set()
    rank = SEVERITIES.index(shift["severity"]) if shift.get("severity") in SEVERITIES else 0
    for route in a.routes:
        if route.actors and shift["actor"] not in route.actors:
            continue
        if route.topics and shift["topic"] not in route.topics:
            continue
        if route.stances and shift["to_stance"] not in route.stances:
            continue
        if route.kinds and shift["kind"] not in route.kinds:
            continue
        if route.severities and shift.get("severity") not in route.severities:
            continue
        if route.min_severity and rank < SEVERITIES.index(route.min_severity):
            continue
        tags.update(route.tags)
    return [t.name for t in cfg.notify if tags & set(t.tags)]


def check_alerting(cfg: Config, *, sending: bool = False) -> None:
    """Raise ConfigError for alert config that would drop alerts silently: what
    config.check_targets checks on every load (a route whose tags match no notify
    target, a per-target limit for an unknown target, two targets with one name).
    A URL apprise cannot load is not checked here: its sends fail with apprise's
    (redacted) reason, recorded per alert, and the other targets still get theirs.
    `sending`: the caller is about to send, so the notify URLs must be resolved.
    """
    if sending and cfg.unresolved:  # a verb that sends loaded the config as a read-only one would
        raise ConfigError(f"{cfg.source}: {', '.join(cfg.unresolved)}: not resolved for sending "
                          "(load the config with secrets=True)")
    check_targets(cfg)
