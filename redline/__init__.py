"""Redline: watches news feeds for shifts in Russia-Ukraine ceasefire positions.

Data flows one way, one module a stage:
feeds (redline.feeds) -> entries (redline.entries) -> articles (redline.articles,
extractors.text) -> positions (redline.positions, extractors.signals) -> shifts
(redline.shifts) -> alerts (redline.alerts). The warehouse package stores each stage's
output and holds its SQL; flows/ only wires the stages together under Prefect.
"""

__version__ = "0.1.0"
