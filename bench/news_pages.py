"""Realistic article pages for benchmarks: real news sites' markup around new stories.

The real pages of ``../shared/corpus/slasher-2015`` (Detik, Kompas, Liputan6, Merdeka, Okezone,
Suara, Tribunnews, Viva, the Jakarta Globe and the Jakarta Post: 90–580 KB each, with their
menus, scripts, related lists and ads) are turned into templates once: the body paragraphs
(found through each page's hand-cut body), the headline and the page's own address become
slots. Any number of distinct articles is then rendered by filling the slots, so a benchmark
crawls pages that cost trafilatura what real ones do, without storing thousands of them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "slasher-2015"
# ASCII, so that serialising the tree escapes a slot in no attribute and no text.
_SLOT = "@@pantau-slot-{}@@"
_SLOTS = re.compile("@@pantau-slot-([a-z0-9]+)@@")


@dataclass(frozen=True)
class Template:
    """A real page cut into literal chunks and the slots between them."""

    name: str
    chunks: tuple[str, ...]  # literal markup, slot name, literal markup, slot name, ...
    paragraphs: int  # how many body-paragraph slots it has

    def render(self, url: str, title: str, paragraphs: list[str]) -> bytes:
        """The page with ``title``, ``paragraphs`` and ``url`` in its slots.

        Paragraph slots take one paragraph each, the last one all that remain; slots beyond
        the story's length stay empty.
        """
        last = self.paragraphs - 1
        values = {"url": url, "title": html.escape(title)}
        values |= {str(n): html.escape(paragraphs[n]) if n < len(paragraphs) else ""
                   for n in range(last)}
        values[str(last)] = html.escape(" ".join(paragraphs[last:]))
        return "".join(chunk if number % 2 == 0 else values[chunk]
                       for number, chunk in enumerate(self.chunks)).encode()


def templates(folder: Path = CORPUS) -> list[Template]:
    """One template per page of the corpus that has a hand-cut body."""
    made = []
    for page in sorted(folder.glob("*.html")):
        expected = page.with_name(page.stem + "_expectation.txt")
        if expected.exists():
            made.append(_template(page.stem, page.read_bytes(), expected.read_text("utf-8")))
    if not made:
        raise FileNotFoundError(f"no corpus pages with a hand-cut body under {folder}")
    return made


def _template(name: str, page: bytes, body: str) -> Template:
    tree = lxml.html.fromstring(page)
    wanted = _normal(body)
    slots = 0
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("text", "tail"):
            text = getattr(element, attribute)
            if text and len(text.strip()) > 30 and _normal(text) in wanted:
                setattr(element, attribute, _SLOT.format(slots))
                slots += 1
    for element in tree.iter("title", "h1"):
        element.text = _SLOT.format("title")
        for child in element:
            element.remove(child)
    for element in tree.iter("meta"):
        if element.get("property") == "og:title" or element.get("name") == "twitter:title":
            element.set("content", _SLOT.format("title"))
        elif element.get("property") == "og:url":
            element.set("content", _SLOT.format("url"))
    for element in tree.iter("link"):
        if element.get("rel") == "canonical":
            element.set("href", _SLOT.format("url"))
    markup = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
    return Template(name, tuple(_SLOTS.split(markup)), slots)


def _normal(text: str) -> str:
    return " ".join(text.split())
