"""What the extractors raise. The CLI reports these like its own errors: one line, with
`exit_code` as the process's exit code."""

from __future__ import annotations


class RuleError(Exception):
    """A detection rule file is invalid (schema, ids, or a pattern that does not compile)."""

    exit_code = 2
