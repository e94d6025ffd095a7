"""SQL of the shifts tables that readers outside the shifts stage need."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from warehouse.store import Warehouse


def alerting_shifts(warehouse: Warehouse) -> list[tuple[str, str, str, str]]:
    """(actor, topic, to_stance, triggering article_id) of every shift that alerts, oldest first."""
    with warehouse.connect() as con:
        return [
            (a, t, s, aid)
            for a, t, s, aid in con.execute(
                "SELECT actor, topic, to_stance, article_id FROM core.shifts "
                "WHERE alert_state = 'alert' ORDER BY published_at, shift_id"
            ).fetchall()
        ]
