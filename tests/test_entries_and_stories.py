"""Pure functions: canonical URLs and near-duplicate sketches."""

from __future__ import annotations

import pytest

from extractors.stories import same_story, sketch
from redline.entries import canonical_url, entry_id
from tests.support.content import load_seed, seed_stems


@pytest.mark.parametrize(
    ("url", "canonical"),
    [("HTTPS://WWW.Example.COM/Path?utm_source=x&utm_medium=y", "https://www.example.com/Path"),
     ("https://example.com/a?id=3&fbclid=F&gclid=G#section", "https://example.com/a?id=3"),
     ("http://example.com:80/a", "http://example.com/a"),
     ("https://example.com:8443/a", "https://example.com:8443/a"),
     ("https://example.com", "https://example.com/")],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_entry_id_is_stable() -> None:
    assert entry_id("https://example.com/a") == entry_id(canonical_url("https://EXAMPLE.com/a#x"))


def test_near_copies_share_a_sketch_and_different_stories_do_not() -> None:
    texts = [" ".join(load_seed(s).paragraphs) for s in seed_stems()]
    copy = "Reuters — " + texts[0].replace("Kremlin", "Kremlin's") + " Additional reporting by a desk."
    assert same_story(len(set(sketch(texts[0])) & set(sketch(copy))), 32, 32)
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not same_story(len(set(sketch(a)) & set(sketch(b))), 32, 32)


def test_short_texts_are_not_linked_by_sketch() -> None:
    assert not same_story(3, 3, 3)
    assert sketch("too short") == ()
