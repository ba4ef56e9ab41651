"""What an article must contain before a query can match it: anchors, for pre-filtering rules.

A query's *requirement* is a conjunction of clauses, each clause a set of anchors (index
tokens) of which at least one must be in an article for the query to match it. It is derived
from the compiled query and is weaker than the query (phrases, NEAR, fields and NOT are
dropped), never stronger, so skipping a rule whose requirement an article fails skips nothing
the rule would have matched. This is the idea of Lucene's Monitor and Elasticsearch's
percolator: index the rules by the terms they need, and look only at the rules whose terms
occur.

    "pekerja migran"          {pekerja} AND {migran}      every word of a phrase is needed
    a OR b                    {a, b}                      one anchor per alternative
    (a OR b) AND c            {a, b} AND {c}
    (a AND b) OR (c AND d)    {a, c}  (say)               each alternative gives its best clause
    a NOT b                   {a}                         NOT never anchors
    penempat*                 {penempat*}                 a prefix anchors on the prefix
    ~penempatan               {tempat (analysed)}         word forms anchor on the root
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple


class Anchor(NamedTuple):
    """An index token a query needs: in the exact or the analysed columns, or as a prefix."""

    token: str
    analysed: bool = False
    prefix: bool = False

    def __str__(self) -> str:
        return ("~" if self.analysed else "") + self.token + ("*" if self.prefix else "")


Clause = frozenset[Anchor]
Requirement = tuple[Clause, ...]

# Words so common in Indonesian and English news that anchoring on them selects nearly every
# article: a rule is indexed under its rarest clause, and these are never the rarest.
_COMMON = frozenset({
    "yang", "dan", "di", "ke", "dari", "untuk", "dengan", "ini", "itu", "pada", "dalam", "tidak",
    "akan", "juga", "ada", "oleh", "karena", "sebagai", "atau", "bisa", "telah", "sudah", "saat",
    "kata", "orang", "tahun", "hari", "bagi", "para", "serta", "lebih", "baru", "indonesia",
    "jakarta", "pemerintah", "warga", "kerja", "the", "of", "and", "to", "in", "a", "for", "is",
    "on", "that", "with", "as", "by", "at", "from", "be", "was", "are", "it", "an", "this",
    "have", "has", "not", "said", "were", "will", "its", "their", "more", "after", "new",
    "people", "year", "indonesian",
})


def estimated_share(anchor: Anchor) -> int:
    """A guess at how many of 10,000 news articles hold ``anchor``; lower is more selective.

    Only the choice of which clause indexes a rule depends on it, never whether the rule
    matches: a poor guess costs speed, not matches. The guesses are whole numbers so that
    clauses which cost the same compare equal, whatever order their anchors are added in.
    """
    token = anchor.token
    if anchor.prefix:
        return 5_000 // len(token)  # "pen*" is in most texts, "penempat*" in few
    if token in _COMMON:
        return 9_000
    if token.isdigit():
        return 3_000
    share = 500 if len(token) <= 5 else 200
    return share * 2 if anchor.analysed else share  # a root stands for all its forms


def cost(clause: Clause) -> int:
    """How many of 10,000 articles are expected to satisfy ``clause``: the sum of its
    anchors' shares."""
    return sum(estimated_share(anchor) for anchor in clause)


def best(requirement: Requirement) -> Clause:
    """The most selective clause of ``requirement``, to index the rule under (of clauses that
    cost the same, the first by their sorted anchors, so that the choice never depends on
    the order of the query's terms)."""
    costs = [cost(clause) for clause in requirement]
    lowest = min(costs)
    tied = [clause for clause, each in zip(requirement, costs, strict=True) if each == lowest]
    return tied[0] if len(tied) == 1 else min(tied, key=lambda clause: sorted(map(str, clause)))


@lru_cache(maxsize=100_000)
def phrase(tokens: tuple[str, ...], analysed: bool, prefix: bool) -> Requirement:
    """A phrase needs each of its tokens; the last one only as a prefix if ``prefix``
    (kept: a NEAR of alternatives writes the same phrases in each of its combinations)."""
    return tuple(frozenset({Anchor(token, analysed, prefix and n == len(tokens) - 1)})
                 for n, token in enumerate(tokens))


def all_of(requirements: Iterable[Requirement]) -> Requirement:
    """What a conjunction needs: every clause of every part."""
    return tuple(dict.fromkeys(clause for requirement in requirements for clause in requirement))


def any_of(requirements: Iterable[Requirement]) -> Requirement:
    """What a disjunction needs: one clause, the best clause of each alternative together."""
    return (frozenset().union(*(best(requirement) for requirement in requirements)),)
