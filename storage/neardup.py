"""Near-duplicate articles: a wire story lightly edited by the outlet that carries it.

Finding: a few word 3-shingles spread over the new body are looked up as phrases in the archive's
own FTS5 index, so the articles that might be copies are found by index lookups, never by
comparing with the whole archive. Deciding: a candidate is a copy only if most of the shorter
body's shingles occur in the other (containment). A syndicated copy keeps nearly all its
shingles even when the outlet trims the last paragraphs or rewrites a sentence; two different
stories on one topic share a phrase or two ("pekerja migran Indonesia"), not most of them.
"""

from __future__ import annotations

import re

SHINGLE = 3
PROBES = 8  # phrases looked up per new article
MIN_PROBE_HITS = 2  # a candidate must share at least this many of them
MIN_CONTAINMENT = 0.6  # share of the shorter body's shingles found in the other
MIN_WORDS = 40  # shorter bodies are only clustered when identical
_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> list[str]:
    """The body's words, case folded, as the FTS tokenizer splits them."""
    return _WORD.findall(text.casefold())


def shingles(text: str) -> set[str]:
    """The body's word 3-shingles."""
    found = words(text)
    return {" ".join(found[i:i + SHINGLE]) for i in range(max(0, len(found) - SHINGLE + 1))}


def probes(text: str) -> list[str]:
    """A few FTS5 phrase queries, spread over the body, of words distinctive enough to look up.

    Empty for a body too short to cluster by similarity.
    """
    found = words(text)
    if len(found) < MIN_WORDS:
        return []
    usable = [i for i in range(len(found) - SHINGLE + 1)
              if all(len(w) >= 4 and not w.isdigit() for w in found[i:i + SHINGLE])]
    if not usable:
        return []
    step = max(1, len(usable) // PROBES)
    chosen = usable[step // 2::step][:PROBES]
    return ['text : "' + " ".join(found[i:i + SHINGLE]) + '"' for i in chosen]


def containment(one: set[str], two: set[str]) -> float:
    """How much of the smaller shingle set the other holds (0 to 1)."""
    if not one or not two:
        return 0.0
    return len(one & two) / min(len(one), len(two))


def is_copy(text: str, other: str) -> bool:
    """Whether two bodies carry one story."""
    return containment(shingles(text), shingles(other)) >= MIN_CONTAINMENT
