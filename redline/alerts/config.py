"""The `alerts:` section of the configuration (placeholder; the alerts stage extends it)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class AlertsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_age_hours: float = Field(default=48.0, gt=0)
    group_wait_s: float = Field(default=0.0, ge=0)
