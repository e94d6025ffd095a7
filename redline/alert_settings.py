"""The `alerts:` section of the configuration.

Everything here is data an editor can read: when a stance counts as changed
(hysteresis), which shifts matter how much (severity), and which desk hears about
which shift (routes -> apprise tags -> `notify` targets). Cross-checks against the
`notify` targets live in redline.config.check_targets (a route whose tags
match no target is a configuration error, not a silent drop).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from extractors.signals.model import ACTORS, STANCES, TOPICS

SEVERITIES = ("info", "normal", "high", "critical")
KINDS = ("reported", "observed", "new")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(f"unknown {what} {', '.join(map(repr, bad))} (known: {', '.join(allowed)})")
    return values


class _Match(_Strict):
    """Shared matching fields: an empty list matches anything."""

    actors: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    stances: tuple[str, ...] = Field(default=(), description="matches the new stance (to_stance)")
    kinds: tuple[str, ...] = ()

    @field_validator("actors")
    @classmethod
    def _actors(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, ACTORS, "actor")

    @field_validator("topics")
    @classmethod
    def _topics(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, TOPICS, "topic")

    @field_validator("stances")
    @classmethod
    def _stances(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, STANCES, "stance")

    @field_validator("kinds")
    @classmethod
    def _kinds(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, KINDS, "kind")


class SeverityRule(_Match):
    """First matching rule sets a shift's severity."""

    severity: str

    @field_validator("severity")
    @classmethod
    def _sev(cls, v: str) -> str:
        _known((v,), SEVERITIES, "severity")
        return v


class Route(_Match):
    """Shifts matching every given field go to the notify targets carrying any of `tags`."""

    name: str = ""
    severities: tuple[str, ...] = ()
    min_severity: str | None = None
    tags: tuple[str, ...] = Field(min_length=1)

    @field_validator("severities")
    @classmethod
    def _sevs(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return _known(v, SEVERITIES, "severity")

    @field_validator("min_severity")
    @classmethod
    def _min_sev(cls, v: str | None) -> str | None:
        if v is not None:
            _known((v,), SEVERITIES, "severity")
        return v


class Hysteresis(_Strict):
    """When a differing stance replaces the established one.

    A position whose confidence is at least `min_confidence` establishes its stance at
    once; a weaker one becomes a candidate that needs `confirm_sources` distinct
    outlets (distinct stories: syndicated copies count once) within `window_hours`.
    A flip back to the previous stance within `flap_window_hours` of a shift is
    flapping: the state follows, but no alert goes out. A differing stance weaker than
    `candidate_min_confidence` (a mention with no stance cue, say) is history only: it
    neither moves the stance nor confirms a pending one.
    """

    min_confidence: float = Field(default=0.86, ge=0, le=1)
    candidate_min_confidence: float = Field(default=0.45, ge=0, le=1)
    confirm_sources: int = Field(default=2, ge=1, le=50)
    window_hours: float = Field(default=24.0, gt=0)
    flap_window_hours: float = Field(default=24.0, ge=0)
    reported_min_confidence: float = Field(
        default=0.0, ge=0, le=1, description="reported shifts below this are treated as positions"
    )


class AlertsConfig(_Strict):
    max_age_hours: float = Field(default=48.0, gt=0)
    group_wait_s: float = Field(default=0.0, ge=0)
    alert_on_new: bool = False
    corroboration_window_hours: float = Field(default=24.0, gt=0)
    hysteresis: Hysteresis = Hysteresis()
    default_severity: str = "normal"
    severity: tuple[SeverityRule, ...] = (
        SeverityRule(actors=("russia", "ukraine"), topics=("ceasefire_full",), severity="critical"),
    )
    # No routes: every alertable shift goes to every target not tagged for the digest only.
    routes: tuple[Route, ...] = ()
    digest_tags: tuple[str, ...] = ("digest",)
    # Delivery (outbox)
    max_attempts: int = Field(default=8, ge=1, le=100)
    backoff_base_s: float = Field(default=60.0, gt=0)
    backoff_max_s: float = Field(default=6 * 3600.0, gt=0)
    connect_timeout_s: float = Field(default=5.0, gt=0, le=120)
    read_timeout_s: float = Field(default=10.0, gt=0, le=300)
    max_chars: int = Field(default=4000, ge=200, description="upper bound on a message body")
    target_max_chars: dict[str, int] = Field(
        default_factory=dict, description="per-target body limit by target name"
    )
    max_corroborating_listed: int = Field(default=10, ge=1)

    @field_validator("default_severity")
    @classmethod
    def _sev(cls, v: str) -> str:
        _known((v,), SEVERITIES, "severity")
        return v
