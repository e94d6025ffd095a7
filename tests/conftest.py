"""Shared fixtures: a local news site, a config file pointing at it, Prefect's harness."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from redline import config as config_mod

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
from tests.support.site import Site


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for a Prefect server is a `prefect` test, marked or not, so
    `make test-fast` (-m "not prefect and not slow") never starts one."""
    for item in items:
        if {"prefect_api", "prefect_server"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.prefect)


@pytest.fixture
def site() -> Iterator[Site]:
    with Site() as s:
        yield s


class ConfigFactory:
    """Writes a redline.yaml into a temp dir; tests allow only 127.0.0.1 as private."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path

    def __call__(self, feeds: list[dict[str, Any]] | None = None, **sections: Any) -> tuple[Path, config_mod.Config]:
        data: dict[str, Any] = {
            "warehouse": str(self.tmp_path / "data" / "redline.duckdb"),
            "feeds": feeds or [],
            "fetch": {"timeout_s": 3, "allow_private_addresses": ["127.0.0.1/32"], "concurrency": 4},
            "extract": {"workers": 2, "time_limit_s": 20},
        }
        for key, value in sections.items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key] = {**data[key], **value}
            else:
                data[key] = value
        path = self.tmp_path / "redline.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path, config_mod.load(path)


@pytest.fixture
def make_config(tmp_path: Path) -> ConfigFactory:
    return ConfigFactory(tmp_path)


@pytest.fixture(scope="session")
def prefect_api() -> Iterator[str]:
    """One Prefect test server for the whole session (its start-up costs ~12 s).

    Its URL is exported so `redline` subprocesses started by tests use it too.
    """
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        from prefect.settings import PREFECT_API_URL

        url = PREFECT_API_URL.value()
        old = os.environ.get("PREFECT_API_URL")
        os.environ["PREFECT_API_URL"] = url
        try:
            yield url
        finally:
            if old is None:
                os.environ.pop("PREFECT_API_URL", None)
            else:
                os.environ["PREFECT_API_URL"] = old
