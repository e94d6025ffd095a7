"""The DuckDB warehouse: numbered SQL migrations, a writer with short write windows,
and a read-only copy for analysts (see warehouse.store)."""

from warehouse.store import Warehouse, open_read_copy

__all__ = ["Warehouse", "open_read_copy"]
