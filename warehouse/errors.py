"""What the warehouse raises. The CLI reports these like its own errors: one line, with
`exit_code` as the process's exit code."""

from __future__ import annotations


class WarehouseError(Exception):
    """The DuckDB warehouse could not be opened, migrated or written."""

    exit_code = 1


class WarehouseBusy(WarehouseError):
    """Another process held the warehouse for writing longer than the bounded wait."""


class NoReadCopy(WarehouseError):
    """No run has published the analysts' read copy yet: a usage error."""

    exit_code = 2
