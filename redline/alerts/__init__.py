"""Alerts stage: shifts -> routed, rendered, delivered messages (outbox pattern).

Names are imported lazily: redline.config imports redline.alerts.config, and the
delivery modules refer back to the config's types.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from redline.alerts.digest import DigestResult, send_digest
    from redline.alerts.outbox import AlertsResult, deliver_alerts
    from redline.alerts.routing import check_alerting

__all__ = ["AlertsResult", "DigestResult", "check_alerting", "deliver_alerts", "send_digest"]

_WHERE = {
    "AlertsResult": "redline.alerts.outbox",
    "deliver_alerts": "redline.alerts.outbox",
    "check_alerting": "redline.alerts.routing",
    "DigestResult": "redline.alerts.digest",
    "send_digest": "redline.alerts.digest",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(name)
