"""Configuration: one YAML file, validated with pydantic.

Lookup order: --config PATH, else $REDLINE_CONFIG, else ./redline.yaml, else the
built-in defaults (redline/defaults.yaml). Errors name the file, the key path and
what is wrong; the CLI turns them into exit code 2.
"""

from __future__ import annotations

import difflib
import functools
import ipaddress
import os
import re
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from redline.alert_settings import AlertsConfig
from redline.errors import ConfigError

DEFAULTS_FILE = Path(__file__).with_name("defaults.yaml")
ENV_VAR = "REDLINE_CONFIG"
_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FeedConfig(_Strict):
    name: str = Field(min_length=1)
    url: str = Field(min_length=1)
    tags: tuple[str, ...] = ()

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        if not re.match(r"(?i)^https?://[^/\s]+", v):
            raise ValueError("must be an http:// or https:// URL")
        return v


class NotifyTarget(_Strict):
    """An apprise target. `url` may be a literal or a ${ENV_VAR} reference; it is a secret."""

    name: str = Field(min_length=1)
    url: SecretStr
    tags: tuple[str, ...] = ()


class FetchConfig(_Strict):
    timeout_s: float = Field(default=15.0, gt=0, le=300)
    max_bytes: int = Field(default=5_000_000, gt=1024)
    concurrency: int = Field(default=8, ge=1, le=64)
    user_agent: str = Field(default="Redline/0.1 (newsroom feed monitor)", min_length=3)
    # false: only public addresses; true: any; or a list of networks to allow beside the
    # public ones (tests allow just ["127.0.0.1/32"], so a redirect to 10.x is still refused).
    allow_private_addresses: bool | tuple[str, ...] = False
    max_redirects: int = Field(default=5, ge=0, le=5)

    @field_validator("allow_private_addresses")
    @classmethod
    def _networks(cls, v: bool | tuple[str, ...]) -> bool | tuple[str, ...]:
        if not isinstance(v, bool):
            for net in v:
                try:
                    ipaddress.ip_network(net, strict=False)
                except ValueError:
                    raise ValueError(f"{net!r} is not an IP network such as 127.0.0.1/32") from None
        return v


class ExtractConfig(_Strict):
    max_html_bytes: int = Field(default=2_000_000, gt=1024)
    time_limit_s: float = Field(default=20.0, gt=0)
    min_chars: int = Field(default=200, ge=0)
    workers: int = Field(default=0, ge=0, le=64, description="0 = one per CPU core")
    # A store transaction (a short write window) every `batch_size` articles or every
    # `commit_interval_s` seconds, whichever comes first: a killed run loses at most that.
    batch_size: int = Field(default=50, ge=1, le=5000)
    commit_interval_s: float = Field(default=10.0, gt=0, le=3600)


class ScheduleConfig(_Strict):
    interval_s: float = Field(default=300.0, ge=1)
    # the port of the Prefect server (and its UI) that `redline serve` starts on 127.0.0.1
    server_port: int = Field(default=4200, ge=1, le=65535)


class Config(_Strict):
    warehouse: Path = Path("./data/redline.duckdb")
    feeds: tuple[FeedConfig, ...] = ()
    notify: tuple[NotifyTarget, ...] = ()
    fetch: FetchConfig = FetchConfig()
    extract: ExtractConfig = ExtractConfig()
    schedule: ScheduleConfig = ScheduleConfig()
    alerts: AlertsConfig = AlertsConfig()
    source: str = Field(default="<built-in defaults>", exclude=True)
    # ${VAR} references in notify URLs left as written: the config was loaded for a
    # read-only verb, which must work without the secrets (see load(secrets=False)).
    unresolved: tuple[str, ...] = Field(default=(), exclude=True)

    @field_validator("feeds")
    @classmethod
    def _unique_feed_names(cls, v: tuple[FeedConfig, ...]) -> tuple[FeedConfig, ...]:
        seen: set[str] = set()
        for i, feed in enumerate(v):
            if feed.name in seen:
                raise ValueError(f"feeds.{i}.name: duplicate feed name {feed.name!r}")
            seen.add(feed.name)
        return v

    @property
    def read_copy(self) -> Path:
        """The read-only copy analysts open (see warehouse.snapshot)."""
        return self.warehouse.with_name(self.warehouse.stem + ".read.duckdb")

    def secrets(self) -> list[str]:
        """The notify URLs as resolved (references left unresolved are no secret)."""
        urls = [t.url.get_secret_value() for t in self.notify]
        return [u for u in urls if not _ENV_REF.fullmatch(u)]


def resolve_path(cli_path: str | os.PathLike[str] | None = None) -> Path | None:
    """Which file to load: --config, $REDLINE_CONFIG, ./redline.yaml, or None for defaults."""
    if cli_path:
        return Path(cli_path)
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    local = Path("redline.yaml")
    return local if local.exists() else None


def load(cli_path: str | os.PathLike[str] | None = None, *, secrets: bool = True) -> Config:
    """Load and validate the configuration; raise ConfigError naming file and key path.

    `secrets=False` leaves ${VAR} references in notify URLs unresolved (and unchecked):
    verbs that only read the warehouse must work where the desk's tokens are not set.
    """
    path = resolve_path(cli_path)
    if path is None:
        return parse(DEFAULTS_FILE.read_text(encoding="utf-8"), source="<built-in defaults>", secrets=secrets)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file: {exc.strerror or exc}") from None
    return parse(text, source=str(path), base_dir=path.parent, secrets=secrets)


@functools.lru_cache(maxsize=4)
def _read_yaml(text: str) -> Any:
    """The YAML document in `text`, read by libyaml when PyYAML has it (a config of 1,000
    feeds: 0.06 s instead of 0.25 s), and read once per process: `redline run` loads its
    config, then the flow loads it again. Callers must not change what it returns
    (_expand_env builds new containers). A document libyaml refuses is read again by
    PyYAML's own loader, so an error says exactly what it always said."""
    try:
        return yaml.load(text, Loader=_FAST_LOADER)  # a safe loader: plain data only
    except yaml.YAMLError:
        return yaml.safe_load(text)


_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse(text: str, *, source: str, base_dir: Path | None = None, secrets: bool = True) -> Config:
    try:
        raw = _read_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{source}:{where}: invalid YAML: {problem}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: top level must be a mapping of keys, got {type(raw).__name__}")
    kept: list[str] = []
    raw = _expand_env(raw, source, (), keep=None if secrets else kept)
    try:
        cfg = Config.model_validate({**raw, "source": source, "unresolved": tuple(kept)})
    except ValidationError as exc:
        raise ConfigError(f"{source}: {_describe(exc.errors())}") from None
    if secrets:
        from redline.secrets import remember

        remember(cfg.secrets())  # from now on no log line of this process shows them
    if base_dir is not None and not cfg.warehouse.is_absolute():
        cfg = cfg.model_copy(update={"warehouse": (base_dir / cfg.warehouse)})
    check_targets(cfg)
    return cfg


def _describe(errors: list[Any]) -> str:
    """One line: every unknown key with a did-you-mean, else the first error (and a count)."""
    unknown = [e for e in errors if e["type"] == "extra_forbidden"]
    shown = unknown or errors[:1]
    parts = []
    for err in shown:
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        if err["type"] == "extra_forbidden":
            known = _keys_at(Config, err["loc"][:-1])
            guess = difflib.get_close_matches(str(err["loc"][-1]), known, n=1, cutoff=0.6)
            hint = f"did you mean {guess[0]}?" if guess else f"known keys: {', '.join(known)}"
            parts.append(f"{key}: unknown key ({hint})")
        else:
            parts.append(f"{key}: {err['msg']}")
    rest = len(errors) - len(shown)
    return "; ".join(parts) + (f" (and {rest} more)" if rest else "")


def _keys_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys the model nested at `loc` accepts (list indexes skipped)."""
    for step in loc:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(str(step))
        nested = _model_in(field.annotation) if field else None
        if nested is None:
            return []
        model = nested
    return [name for name, f in model.model_fields.items() if not f.exclude]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model in an annotation such as FetchConfig or tuple[FeedConfig, ...]."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def check_targets(cfg: Config) -> None:
    """Raise ConfigError for notify and alerts settings that would drop alerts silently:
    two targets with one name, a route whose tags match no notify target, a per-target
    limit for an unknown target. Messages name the target, never its URL."""
    names = [t.name for t in cfg.notify]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(f"{cfg.source}: notify: duplicate target name(s) {', '.join(dupes)}")
    all_tags = {tag for t in cfg.notify for tag in t.tags}
    for i, route in enumerate(cfg.alerts.routes):
        if not set(route.tags) & all_tags:
            label = f" ({route.name})" if route.name else ""
            known = ", ".join(sorted(all_tags)) or "none"
            raise ConfigError(
                f"{cfg.source}: alerts.routes.{i}{label}: tags {', '.join(route.tags)} match no "
                f"notify target (targets carry tags: {known})"
            )
    for name in cfg.alerts.target_max_chars:
        if name not in names:
            raise ConfigError(f"{cfg.source}: alerts.target_max_chars.{name}: no notify target has this name")


def _expand_env(node: Any, source: str, path: tuple[str, ...], keep: list[str] | None = None) -> Any:
    """Replace ${VAR} in strings; a missing variable names the key path, never a value.

    With `keep` (a list), references in notify URLs stay as written and their key paths
    are appended to `keep`.
    """
    if isinstance(node, dict):
        return {k: _expand_env(v, source, (*path, str(k)), keep) for k, v in node.items()}
    if isinstance(node, list):
        return [_expand_env(v, source, (*path, str(i)), keep) for i, v in enumerate(node)]
    if isinstance(node, str) and "${" in node:
        if keep is not None and len(path) == 3 and path[0] == "notify" and path[2] == "url":
            keep.append(".".join(path))
            return node

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in os.environ:
                raise ConfigError(
                    f"{source}: {'.'.join(path)}: environment variable {name} is not set"
                )
            return os.environ[name]

        return _ENV_REF.sub(sub, node)
    return node
