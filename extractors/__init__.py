"""Extractors: article text from HTML (extractors.text) and ceasefire signals from text
(extractors.signals)."""
