"""Near-duplicate articles: a wire story lightly edited by the outlet that carries it.

Finding: each article keeps a sample of its word 3-shingles, as 63-bit hashes in the archive's
``article_shingles`` table. The sample is chosen by content (the shingles whose hash falls in
one residue class), not by position, so a copy whose lead or last paragraph changed still
samples the same shingles; the new body's sample is looked up in that table's index, a few
B-tree lookups whatever the archive's size. Deciding: a candidate is a copy only if most of
the shorter body's shingles occur in the other (containment). A syndicated copy keeps nearly all
its shingles even when the outlet trims the last paragraphs or rewrites a sentence; two
different stories on one topic share a phrase or two ("pekerja migran Indonesia"), not most.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from hashlib import blake2b
from typing import TypeVar

Key = TypeVar("Key")

SHINGLE = 3  # sample() spells out the three words of a shingle
SAMPLE_EVERY = 8  # about one shingle in this many is kept in the sample
MIN_SHARED = 3  # a candidate must share at least this many sampled shingles
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


def sample(text: str) -> list[int]:
    """The body's sampled shingle hashes (signed 63-bit, for SQLite); empty for a body too
    short to cluster by similarity."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return []
    # Shingles with a short word or a number ("di dan yang") are shared by every story,
    # useless to find copies.
    useful = [len(word) >= 4 and not word.isdigit() for word in found]
    kept = set()
    for i in range(len(found) - SHINGLE + 1):
        if useful[i] and useful[i + 1] and useful[i + 2]:
            gram = f"{found[i]} {found[i + 1]} {found[i + 2]}".encode()
            digest = int.from_bytes(blake2b(gram, digest_size=8).digest(), "big") >> 1
            if digest % SAMPLE_EVERY == 0:
                kept.add(digest)
    return sorted(kept)


def containment(one: set[str], two: set[str]) -> float:
    """How much of the smaller shingle set the other holds (0 to 1)."""
    if not one or not two:
        return 0.0
    return len(one & two) / min(len(one), len(two))


def first_copy(text: str, others: Iterable[tuple[Key, str]]) -> Key | None:
    """The key of the first of ``others`` (key, body) that carries the same story as
    ``text``, or None; the bodies are read one by one, and ``text``'s shingles made once."""
    mine: set[str] | None = None
    for key, other in others:
        if mine is None:
            mine = shingles(text)
        if containment(mine, shingles(other)) >= MIN_CONTAINMENT:
            return key
    return None
