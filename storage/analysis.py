"""Text analysis shared by the archive's index, the matcher's batch index and explanations.

Every article is indexed twice in one FTS5 table: as written (``title``, ``text``: case and
accents folded by FTS5's unicode61 tokenizer) and *analysed* (``title_stem``, ``text_stem``):
each Indonesian word replaced by its root, so ``~penempatan`` finds "ditempatkan" and
"menempatkan", and each Chinese, Japanese or Korean character made a token of its own, so
``特定技能`` is found inside "特定技能の外国人" (those scripts do not separate words by spaces).
The same functions analyse the archive (through the SQL function ``pantau_analyze``), the
matcher's batch and the query, so the three can never disagree.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import islice

# unicode61 splits on everything that is not a letter or a digit (underscore included).
_TOKEN = re.compile(r"[^\W_]+")
# Han, Hiragana, Katakana, Hangul: scripts whose words are not separated by spaces.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
                  r"\u1100-\u11ff\u3130-\u318f\uff66-\uff9f]")
_LATIN_WORD = re.compile(r"[a-z]+")
MIN_ROOT = 4

# Roots that look affixed but are not: stripping "ke-", "ber-", "pe-"... from them would merge
# unrelated words ("kerja" is not ke- + "rja"; "berangkat" is not ber- + "angkat", "lift").
_ROOTS = frozenset({
    "kerja", "kena", "kenal", "keluar", "keras", "kereta", "kelas", "kelola", "kemas",
    "kembali", "kendala", "kepala", "kepung", "beri", "berita", "berat", "bersih", "besar",
    "beli", "bela", "bekal", "benar", "bentuk", "beban", "bebas", "bagai", "berangkat",
    "terima", "terang", "terbang", "ternak", "tengah", "tertib", "teman", "tempat",
    "tenaga", "terus", "tetap", "periksa", "perintah", "perlu", "pergi", "perang", "peran",
    "perahu", "peluang", "penjara", "pesan", "pesawat", "peta", "pikir", "pidana", "pindah",
    "dialog", "diam", "didik", "dinas", "diri", "sekolah", "selamat", "setuju", "segera",
    "sedia", "sehat", "sekretariat", "menang", "mengerti", "mentah", "mesin", "meja",
    "merdeka", "meter", "migran", "migrasi", "imigrasi",
})


@dataclass(frozen=True, eq=False)
class Pattern:
    """What one query term looks for, already analysed: tokens in order.

    ``analysed`` terms are compared with the analysed tokens of an article (roots, single
    CJK characters); others with its folded words. ``prefix`` lets the last token be the
    start of a longer word. ``fields`` limits the term to ``title`` or ``text``.

    A pattern is its own identity (no field-by-field equality): :mod:`alerts.query` makes one
    per distinct term, which every rule naming the term shares, and explanations look
    patterns up in per-article caches and sets millions of times a crawl, where a hash
    computed in Python cost more than the lookups.
    """

    tokens: tuple[str, ...]
    analysed: bool = False
    prefix: bool = False
    fields: tuple[str, ...] = ("title", "text")
    needs: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # The whole tokens an article must hold for the pattern to occur in it (a prefix's
        # last token is only the start of one).
        object.__setattr__(self, "needs",
                           frozenset(self.tokens[:-1] if self.prefix else self.tokens))


class Patterns(frozenset[Pattern]):
    """Patterns looked for together (a query's), each filed under one of the words it needs,
    so that those an article can hold are found from its vocabulary, not by trying each: a
    rule pack's broad rule holds thousands, of which an article holds the words of a few."""

    def __init__(self, patterns: Iterable[Pattern] = ()) -> None:
        super().__init__()
        self.filed: dict[str, list[Pattern]] = {}
        self.unfiled: list[Pattern] = []  # a prefix alone needs no whole word
        for pattern in self:
            if pattern.needs:
                # The longest word: usually the rarest, so the fewest patterns are tried.
                word = max(pattern.needs, key=lambda need: (len(need), need))
                self.filed.setdefault(word, []).append(pattern)
            else:
                self.unfiled.append(pattern)
        self.words = frozenset(self.filed)

    def possible(self, vocabulary: frozenset[str]) -> list[Pattern]:
        """The patterns whose words are all in ``vocabulary``: the only ones that can occur."""
        found = list(self.unfiled)
        # A set's intersection walks the smaller of the two: a query's few words, or an
        # article's few hundred among a broad rule's thousands.
        for word in self.words & vocabulary:
            found.extend(pattern for pattern in self.filed[word] if pattern.needs <= vocabulary)
        return found


def fold(text: str) -> str:
    """Lower case without accents, as FTS5's ``unicode61 remove_diacritics 2`` sees it."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Only Latin-style accents go; Japanese voicing marks and Hangul jamo are recomposed.
    bare = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return unicodedata.normalize("NFC", bare)


@lru_cache(maxsize=200_000)
def _fold_word(word: str) -> str:
    return fold(word) if not word.isascii() else word.lower()


def words(text: str) -> list[str]:
    """The folded words of ``text``, as the index sees them."""
    return [_fold_word(word) for word in _TOKEN.findall(unicodedata.normalize("NFC", text))]


@lru_cache(maxsize=200_000)
def _analyse_word(word: str) -> tuple[str, ...]:
    """The analysed tokens of one folded word: its root, or its CJK characters."""
    return tuple(_split_cjk(word)) if has_cjk(word) else (stem(word),)


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds Chinese, Japanese or Korean characters."""
    return _CJK.search(text) is not None


def analyse_words(text: str) -> list[str]:
    """The analysed tokens of ``text``: roots of words, CJK characters one by one."""
    return analysed_tokens(words(text))


def analysed_tokens(folded: Iterable[str]) -> list[str]:
    """The analysed tokens of words already folded (``words``'s answer)."""
    return [token for word in folded for token in _analyse_word(word)]


def analyse(text: str | None) -> str:
    """The analysed form of ``text`` for the index's ``*_stem`` columns (SQL: pantau_analyze)."""
    return " ".join(analyse_words(text or ""))


def _split_cjk(word: str) -> list[str]:
    """CJK characters one by one; runs of other letters (e.g. "EPS" in "EPS제") stay whole."""
    parts: list[str] = []
    pending = ""
    for char in word:
        if _CJK.match(char):
            if pending:
                parts.append(stem(pending))
                pending = ""
            parts.append(char)
        else:
            pending += char
    if pending:
        parts.append(stem(pending))
    return parts


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The root of a folded Indonesian word: affixes stripped, nasal changes undone.

    A light rule-based stemmer after Nazief–Adriani: particles (-lah, -kah, -pun), possessives
    (-ku, -mu, -nya), one derivational suffix (-kan, -an, -i), then up to three prefixes (di-,
    ke-, me-/pe- with their nasal forms, ber-, ter-). It never leaves fewer than four letters
    and stops at a known root (PySastrawi's dictionary of about 30,000): a nasal that hides
    the root's first letter is read as the root the dictionary knows ("mengirim" is kirim,
    "menilai" nilai), and the prefix of me-…-i and be-…-an comes off before the suffix. A word
    the dictionary does not know (loanwords, names) is still stripped by the rules alone.
    Words with digits, and short words, are left as they are. ``se-`` is not stripped:
    "setempat" (local) is not "tempat".
    """
    if len(word) <= MIN_ROOT or not _LATIN_WORD.fullmatch(word) or _is_root(word):
        return word
    base = _strip_suffix(_strip_suffix(word, ("lah", "kah", "pun")), ("nya", "ku", "mu"))
    trimmed = _strip_suffix(base, ("kan", "an", "i"))
    if _PREFIX_FIRST.match(base) and base[len(trimmed):] in ("i", "an"):
        # me-…-i, di-…-i, pe-…-i, te-…-i, be-…-an: the prefix comes off first, so that
        # "memakai" is pakai (not maka, "then") and "menilai" nilai (not nila).
        whole = _strip_prefixes(base)
        if whole != base and _is_root(whole):
            return whole
    root = _strip_prefixes(trimmed)
    if not _is_root(root) and trimmed != base:
        # "ditahan" is di- + tahan, not di- + tah + -an: when the suffix leaves no known root,
        # keep it and take the prefixes only (Nazief–Adriani's backtracking).
        whole = _strip_prefixes(base)
        if _is_root(whole) or (root == trimmed and whole != base):
            return whole
    return root


def _is_root(word: str) -> bool:
    """Whether ``word`` is a known Indonesian root: Sastrawi's dictionary of about 30,000,
    and the roots listed here that look affixed."""
    return word in _ROOTS or word in _dictionary()


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """The root words of PySastrawi's stemmer (kata-dasar.txt), read once."""
    listed = resources.files("Sastrawi.Stemmer.data").joinpath("kata-dasar.txt")
    return frozenset(line.strip() for line in listed.read_text("utf-8").splitlines()
                     if line.strip())


def _strip_suffix(word: str, suffixes: Sequence[str]) -> str:
    if _is_root(word):
        return word
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_ROOT:
            return word[: -len(suffix)]
    return word


def _strip_prefixes(word: str) -> str:
    for _ in range(3):
        if _is_root(word):
            return word
        stripped = _strip_prefix(word)
        if stripped is None or len(stripped) < MIN_ROOT:
            return word
        word = stripped
    return word


_VOWELS = "aeiou"
# Confixes whose prefix is removed before their suffix (Enhanced Confix Stripping).
_PREFIX_FIRST = re.compile(r"^(?:me|di|pe|te)\w+i$|^be\w+an$")


def _strip_prefix(word: str) -> str | None:
    """One prefix off ``word``, undoing the nasal assimilation of me-/pe-; None if none."""
    for plain in ("di", "ke"):
        if word.startswith(plain):
            return word[2:]
    if word.startswith(("mempe", "memper")):
        return word[3:]
    if word.startswith("per") and word[3:4] not in _VOWELS:
        return word[3:]
    if word.startswith(("me", "pe")):
        # The nasal hides the root's first letter: the first reading that is a known root,
        # else the commoner one ("mengirim" is kirim, "mengajar" ajar, "menilai" nilai).
        readings = _strip_nasal(word[2:])
        return next((reading for reading in readings if _is_root(reading)), readings[0])
    for prefix in ("ber", "ter"):
        if word.startswith(prefix):
            return word[3:]
    if word.startswith("be") and word[2:4] == "ke":  # bekerja = be- + kerja
        return word[2:]
    return None


def _strip_nasal(rest: str) -> tuple[str, ...]:
    """The readings of what follows me-/pe-, commoner first: menempatkan -> tempatkan (or
    nempatkan), memakai -> pakai (or makai), menyewa -> sewa, mengirim -> irim or kirim."""
    if rest.startswith("ng"):
        after = rest[2:]
        return (after, "k" + after) if after[:1] in _VOWELS else (after,)
    if rest.startswith("ny") and rest[2:3] in _VOWELS:
        return ("s" + rest[2:], rest)
    if rest.startswith("m"):
        after = rest[1:]
        return ("p" + after, rest) if after[:1] in _VOWELS else (after,)
    if rest.startswith("n"):
        after = rest[1:]
        return ("t" + after, rest) if after[:1] in _VOWELS else (after,)
    return (rest,)


# -- explanations ---------------------------------------------------------------------------


class _Tokens:
    """A field's words, in parallel lists: folded, and analysed (the tokens the stemmed index
    column holds for each). Where words are in the text is read only for the few a snippet
    shows."""

    __slots__ = ("analysed", "text", "words")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words = list(map(_fold_word, _TOKEN.findall(text)))
        self.analysed = list(map(_analyse_word, self.words))

    def __len__(self) -> int:
        return len(self.words)

    def spans(self, first: int, last: int) -> list[tuple[int, int]]:
        """Where the words ``first`` to ``last`` are in the text, as (start, end)."""
        return list(map(re.Match.span, islice(_TOKEN.finditer(self.text), first, last + 1)))


class Analysed:
    """An article's title and text, tokenised once, to find where query terms hit."""

    def __init__(self, title: str | None, text: str) -> None:
        self.fields = {"title": title or "", "text": text}
        self.tokens = {name: _Tokens(value) for name, value in self.fields.items()}
        # Every token of every field, folded and analysed: a pattern needing a token not in
        # it cannot occur, which a set comparison tells without looking for it.
        self.vocabulary = frozenset(
            [word for tokens in self.tokens.values() for word in tokens.words]
            + [token for tokens in self.tokens.values() for analysed in tokens.analysed
               for token in analysed])
        self._sequences: dict[tuple[str, bool], _Sequence] = {}
        self._hits: dict[Pattern, dict[str, list[tuple[int, int]]]] = {}
        self._windows: dict[tuple[object, ...], str] = {}
        self._hitting: set[Pattern] = set()

    def hits(self, pattern: Pattern) -> dict[str, list[tuple[int, int]]]:
        """Where ``pattern`` occurs: per field, (first, last) token indexes of each hit."""
        known = self._hits.get(pattern)
        if known is not None:
            return known
        found: dict[str, list[tuple[int, int]]] = {}
        for name in pattern.fields:
            places = self._sequence(name, pattern.analysed).find(pattern.tokens,
                                                                 pattern.prefix)
            if places:
                found[name] = places
        self._hits[pattern] = found
        return found

    def hitting(self, patterns: Patterns) -> frozenset[Pattern]:
        """Those of ``patterns`` that occur in the article (a matcher asks this for every
        rule that matched it, so each pattern is looked for once and set operations do the
        rest)."""
        for pattern in patterns.possible(self.vocabulary):
            if pattern not in self._hits and self.hits(pattern):
                self._hitting.add(pattern)
        return patterns & self._hitting

    def _sequence(self, name: str, analysed: bool) -> _Sequence:
        key = (name, analysed)
        if key not in self._sequences:
            self._sequences[key] = _Sequence(self.tokens[name], analysed)
        return self._sequences[key]

    def matches(self, pattern: Pattern) -> bool:
        """Whether ``pattern`` occurs anywhere in its fields."""
        return bool(self.hits(pattern))

    def snippet(self, patterns: Sequence[Pattern], width: int = 32,
                marks: tuple[str, str] = ("**", "**")) -> str:
        """A window of the text around the first hit, every hit in ``marks``."""
        found = [self.hits(p) for p in patterns]
        for name in ("text", "title"):
            places = sorted(place for hits in found for place in hits.get(name, []))
            if places:
                return self._window(name, places, width, marks)
        return self._window("text", [], width, marks)

    def _window(self, name: str, places: list[tuple[int, int]], width: int,
                marks: tuple[str, str]) -> str:
        tokens, text = self.tokens[name], self.fields[name]
        if not tokens:
            return text[:200]
        first = max(0, places[0][0] - width // 4) if places else 0
        last = min(len(tokens), first + width) - 1
        # Different sets of hits often mark the same words in the same window: build it once.
        shown = tuple(place for place in places if place[0] <= last)
        key = (name, first, width, marks, shown)
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = self._build(name, first, last, dict(shown), marks)
        return window

    def _build(self, name: str, first: int, last: int, ends_of: dict[int, int],
               marks: tuple[str, str]) -> str:
        """The words ``first`` to ``last`` of field ``name``, marking each span of ``ends_of``
        (start -> last word; a phrase is marked as one piece)."""
        tokens, text = self.tokens[name], self.fields[name]
        spans = tokens.spans(first, last)
        out, cursor, closing = [], spans[0][0], -1
        for index, (start, end) in enumerate(spans, start=first):
            out.append(text[cursor:start])
            if index in ends_of and closing < index:
                out.append(marks[0])
                closing = min(ends_of[index], last)
            out.append(text[start:end])
            if index == closing:
                out.append(marks[1])
            cursor = end
        if last == len(tokens) - 1:
            out.append(text[cursor:])
        body = re.sub(r"\s+", " ", "".join(out)).strip()
        return ("… " if first else "") + body + (" …" if last < len(tokens) - 1 else "")


class _Sequence:
    """A field's tokens (folded words or analysed tokens), with where each token looked for is.

    Tokens and the words they belong to are parallel lists rather than a list of pairs: a
    batch's explanations build hundreds of thousands of these, and pairs are objects the
    garbage collector has to track and walk, strings and small integers are not. Where a token
    is, is found when it is first looked for, by the list's own search: an article is asked for
    a few dozen of its few hundred distinct tokens, and indexing them all cost more than that."""

    def __init__(self, tokens: _Tokens, analysed: bool) -> None:
        # Several analysed tokens (CJK characters) may share a word.
        self.tokens: list[str] = ([token for each in tokens.analysed for token in each]
                                  if analysed else tokens.words)
        self.words: Sequence[int] = ([index for index, each in enumerate(tokens.analysed)
                                      for _ in each] if analysed else range(len(tokens)))
        self.distinct = frozenset(self.tokens)
        self.positions: dict[str, list[int]] = {}  # of the tokens looked for so far
        self.vocabulary: list[str] | None = None  # sorted on the first prefix search

    def places(self, token: str) -> list[int]:
        """Where ``token`` is, in order."""
        found = self.positions.get(token)
        if found is None:
            found = self.positions[token] = []
            if token in self.distinct:
                index, at = self.tokens.index, -1
                for _ in range(self.tokens.count(token)):
                    at = index(token, at + 1)
                    found.append(at)
        return found

    def _starting(self, prefix: str) -> list[str]:
        """The distinct tokens that start with ``prefix``, from the sorted vocabulary."""
        if self.vocabulary is None:
            self.vocabulary = sorted(self.distinct)
        at = bisect.bisect_left(self.vocabulary, prefix)
        found = []
        while at < len(self.vocabulary) and self.vocabulary[at].startswith(prefix):
            found.append(self.vocabulary[at])
            at += 1
        return found

    def find(self, tokens: tuple[str, ...], prefix: bool) -> list[tuple[int, int]]:
        """(first, last) word indexes of each place ``tokens`` occur in order."""
        last = len(tokens) - 1
        if last == 0 and prefix:
            starts = sorted(p for token in self._starting(tokens[0])
                            for p in self.places(token))
        else:
            starts = self.places(tokens[0])
        mine, words = self.tokens, self.words
        places = []
        for start in starts:
            end = start + last
            if end >= len(mine):
                break
            if all(mine[start + k] == tokens[k] for k in range(1, last)) and (
                    last == 0 or (mine[end].startswith(tokens[last]) if prefix
                                  else mine[end] == tokens[last])):
                places.append((words[start], words[end]))
        return places
