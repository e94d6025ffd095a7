"""The typed records passed between pipeline stages.

feeds -> entries -> articles -> positions -> shifts -> alerts. Each stage takes
and returns frozen dataclasses. Those the warehouse stores are defined beside it
(warehouse/records.py), what extraction returns in extractors/text.py, positions and
reported shifts by the signal stage (extractors.signals.model); this module names
them all for the stages.
"""

from extractors.text import Extracted
from warehouse.records import Article, Entry, FeedPoll, FeedState, Page

__all__ = ["Article", "Entry", "Extracted", "FeedPoll", "FeedState", "Page"]
