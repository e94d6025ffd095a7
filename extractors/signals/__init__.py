"""Signal extraction: sentences -> (actor, topic, stance) positions and reported shifts.

Rules are data (extractors/rules/*.yaml, extractors/lexicon/*.yaml); see docs/ontology.md.
"""
