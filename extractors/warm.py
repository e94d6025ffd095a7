"""Imported by the extraction pool's fork server (ExtractionPool): compiles the signal
rule set once there (about 1.4 s), so every worker forked from it starts with the rules
ready instead of compiling them itself."""

import contextlib

from extractors.text import _ruleset

# A broken rule file must not take the fork server down with it: the workers then fail
# to classify, and the signal stage reports the rule error as it always has.
with contextlib.suppress(Exception):
    _ruleset()
