"""Article bodies without the furniture of Indonesian news pages.

Two passes over what trafilatura extracted, both by general rules rather than per-site
selectors: in its body tree, boxes that announce other stories ("Baca juga", "Berita terkait")
and consist mostly of links are cut out; in its text, whole lines that are page furniture (ads,
video teasers, bylines, photo captions, closing initials, the headline and dateline repeated
above the text) are dropped. The page itself is left alone: removing nodes before trafilatura
sways its choice of the main content, and not always for the better.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

# Labels that introduce a box of links to other stories.
_BOX_LABELS = (
    "baca juga", "baca pula", "lihat juga", "simak juga", "berita terkait", "artikel terkait",
    "berita lainnya", "baca berita", "read also", "read more", "related news",
)
_LABEL = re.compile(r"\s*(?:" + "|".join(_BOX_LABELS) + r")\b", re.IGNORECASE)
_BLOCKS = frozenset({"p", "list", "item", "div", "quote", "head", "cell", "row", "table"})
# A box of related links is short; anything longer is prose that merely mentions the label.
MAX_BOX_CHARS = 1500
MIN_LINK_SHARE = 0.5
MIN_LIST_LINK_SHARE = 0.8

_DAY = r"(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|monday|tuesday|wednesday|" \
       r"thursday|friday|saturday|sunday)"
_MONTH = r"(?:jan|feb|peb|mar|apr|mei|may|jun|jul|agu|ags|agt|aug|sep|okt|oct|nov|nop|des|dec)" \
         r"[a-z]*"
_DATELINE = re.compile(
    rf"""^(?:(?:diperbarui|dipublikasikan|diterbitkan|published|updated|update|posted)\s*:?\s*)?
    (?:{_DAY}\s*,?\s*)?
    (?:\d{{1,2}}\s+{_MONTH}\.?\s+\d{{4}}|\d{{1,2}}[/-]\d{{1,2}}[/-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}})
    (?:\s*(?:[,|/-]|\bat\b|\bpukul\b)?\s*\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?\s*(?:wib|wita|wit|gmt|utc)?)?
    $""",
    re.IGNORECASE | re.VERBOSE,
)
# Whole lines that are page furniture, not reporting. A sentence that merely contains these
# words is kept: each pattern must cover the line from start to end.
_FURNITURE = re.compile(
    r"""^(?:
        (?:baca|lihat|simak|tonton)\s+(?:juga|pula)\b.*
      | (?:berita|artikel)\s+(?:terkait|lainnya)\b.*
      | advertisement | iklan | sponsored | konten\s+sponsor
      | scroll\s+(?:to|untuk)\s+(?:continue|lanjut)\w*(?:\s+with\s+content|\s+membaca)?
      | (?:simak|tonton|saksikan)\s+(?:juga\s+)?video\b.*
      | \[gambas:[^\]]*\]
      | \((?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)
      | rate\s+artikel\s+ini | beri\s+rating.*
      | (?:like|dislike|share|bagikan|tweet|komentar|comments?|credits?)\s*\(?\d*\)?
      | (?:copyright|hak\s+cipta)\b.* | ©.* | \(c\)\s*\d{4}.* | .*\ball\s+rights\s+reserved\.?
      | (?:foto|photo|ilustrasi|gambar|video)\s*:.{0,200}
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# A byline: "Penulis: Nama", "Editor : Nama", "Oleh: Nama", "Laporan Wartawan X, Nama".
_BYLINE = re.compile(
    r"""^(?:(?:pewarta|penulis|editor|redaktur|reporter|fotografer|kontributor|oleh|by|sumber)
          \s*:\s*(?P<name>[^:]{0,80}?)(?:\s*,\s*(?:editor|redaktur|penyunting)\s*:.*|\s*(?:[|·•/]|\s-)\s*.{0,80})?
        | laporan\s+(?:wartawan|reporter|koresponden)\s+[^,]{1,40},\s*(?P<reporter>.{1,60}))$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE_LABEL_ONLY = re.compile(r"^(?:oleh|penulis|reporter|editor|pewarta)\s*:?$", re.IGNORECASE)
# Closing initials of the reporter and editor, "(rrd/rir)", at the very end of a story.
_INITIALS = re.compile(r"\s*\((?:[a-z]{2,5}/){1,3}[a-z]{2,5}\)\s*$", re.IGNORECASE)
# A photo credit closing a caption: "... di Bangkok. (REUTERS/Chaiwat Subprasom)".
_CREDIT = re.compile(r"\(\s*(?:foto\s*:?\s*)?[^()\d/]{2,60}/[^()\d]{2,60}\)$", re.IGNORECASE)
_INLINE_FURNITURE = re.compile(r"\s*\[gambas:[^\]]*\]\s*", re.IGNORECASE)
_LIST_FURNITURE = re.compile(r"^\s*-\s+\S")
_SQUASH = re.compile(r"\W+")
MAX_CAPTION_CHARS = 400
MAX_HEADER_LINES = 8
MAX_HEADER_LINE_CHARS = 250


@dataclass(frozen=True)
class Body:
    """A cleaned article body and the author named by a byline that was cut from it."""

    text: str
    byline: str | None


def prune_furniture(body: etree._Element) -> None:
    """Cut the boxes and lists of links to other stories out of trafilatura's body, in place.

    ``body`` is trafilatura's output tree extracted with links (``<ref>``): a block that opens
    with a label such as "Baca juga" and is mostly links goes, and so does a list whose every
    item is a link. Inside prose, only the label and the links right after it go. The links
    themselves then become plain text.
    """
    for holder, label, in_tail in _labels(body):
        if in_tail:
            _drop_label_links(holder, label)
            continue
        block, parent = holder, holder.getparent()
        while block.tag not in _BLOCKS and parent is not None:
            block, parent = parent, parent.getparent()
        if parent is not None and (_is_link_box(block) or _is_label_before_links(block)):
            _drop_box(block)
    for listing in body.iter("list"):
        items = listing.findall("item")
        if items and all(_is_link_box(item, MIN_LIST_LINK_SHARE) for item in items):
            _drop(listing)
    for ref in body.iter("ref"):
        text = " ".join(_text(ref).split())
        for child in list(ref):
            ref.remove(child)
        ref.text = text
    etree.strip_tags(body, "ref")


def _labels(body: etree._Element) -> list[tuple[etree._Element, str, bool]]:
    """Where a label opens a text: the element, the text, and whether it is the tail."""
    found = []
    for element in body.iter():
        for text, in_tail in ((element.text, False), (element.tail, True)):
            if text and _LABEL.match(text):
                found.append((element, text, in_tail))
    return found


def _is_link_box(element: etree._Element, share: float = MIN_LINK_SHARE) -> bool:
    text = _text(element).strip()
    if not text or len(text) > MAX_BOX_CHARS:
        return False
    linked = sum(len(_text(ref).strip()) for ref in element.iter("ref"))
    return linked >= share * len(text)


def _is_label_before_links(block: etree._Element) -> bool:
    """A label alone in its block ("Baca juga:"), followed by a block of links."""
    follower = block.getnext()
    return len(_text(block)) <= 40 and follower is not None \
        and _is_link_box(follower)


def _drop_box(block: etree._Element) -> None:
    if _is_label_before_links(block) and not _is_link_box(block):
        follower = block.getnext()
        if follower is not None:
            _drop(follower)
    _drop(block)


def _drop_label_links(holder: etree._Element, label: str) -> None:
    """Inside prose: "... <lb/>Baca juga: <ref>Judul</ref><lb/> ...": drop label and links."""
    follower = holder.getnext()
    if follower is None or follower.tag != "ref" or len(str(label).strip()) > 40:
        return
    holder.tail = ""
    while follower is not None and follower.tag == "ref" and not (follower.tail or "").strip():
        after = follower.getnext()
        _drop(follower)
        follower = after
    if follower is not None and follower.tag == "ref":
        _drop(follower)


def _text(element: etree._Element) -> str:
    return "".join(str(part) for part in element.itertext())


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def clean_body(text: str, title: str | None = None) -> Body:
    """Drop the lines of page furniture trafilatura leaves in a body; keep the reporting."""
    lines = [_INLINE_FURNITURE.sub(" ", line).strip().removeprefix("- ").strip()
             if _LIST_FURNITURE.match(line) else _INLINE_FURNITURE.sub(" ", line).strip()
             for line in text.splitlines()]
    lines = [line for line in lines if line]
    headline = _squash(title) if title else None
    lines = _drop_header(lines, headline)
    kept: list[str] = []
    byline: str | None = None
    skip_name = False
    for line in lines:
        if skip_name:
            skip_name = False
            if _looks_like_name(line):
                byline = byline or line
                continue
        if _BYLINE_LABEL_ONLY.match(line):
            skip_name = True
            continue
        found = _BYLINE.match(line)
        if found:
            name = (found.group("name") or found.group("reporter") or "").strip()
            byline = byline or name or None
            continue
        if _FURNITURE.match(line) or _DATELINE.match(line) or _squash(line) == headline:
            continue
        kept.append(line)
    # The last line may end with the closing initials; a caption is never the last line.
    kept = [line for line in kept[:-1] if not _is_caption(line)] + kept[-1:]
    if kept:
        kept[-1] = _INITIALS.sub("", kept[-1])
    return Body("\n".join(line for line in kept if line), byline)


def _drop_header(lines: list[str], headline: str | None) -> list[str]:
    """Drop the page header trafilatura sometimes keeps: kicker, headline, deck, dateline.

    The header ends at the last headline or dateline among the first lines; it is dropped only
    if every line up to there is short, as header lines are.
    """
    end = -1
    for index, line in enumerate(lines[:MAX_HEADER_LINES]):
        if len(line) > MAX_HEADER_LINE_CHARS:
            break
        if _DATELINE.match(line) or (headline and _squash(line) == headline):
            end = index
    return lines[end + 1:]


def _is_caption(line: str) -> bool:
    return len(line) <= MAX_CAPTION_CHARS and bool(_CREDIT.search(line)) \
        and not _INITIALS.search(line)


def _looks_like_name(line: str) -> bool:
    return len(line) <= 60 and len(line.split()) <= 6 and not line.endswith((".", "?", "!", '"'))


def _squash(text: str) -> str:
    return _SQUASH.sub("", text.casefold())
