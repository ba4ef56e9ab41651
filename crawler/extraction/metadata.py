"""An article's language, author, section, tags and canonical URL."""

from __future__ import annotations

import re
from collections.abc import Iterable

import py3langid
from lxml.html import HtmlElement

from crawler.extraction import xpath

_LANGUAGE_ALIASES = {"in": "id", "ind": "id", "eng": "en", "jp": "ja", "kr": "ko"}
# py3langid reads Indonesian as Malay now and then; a page that says it is Indonesian is.
_CLOSE_LANGUAGES = {("ms", "id"): "id", ("id", "ms"): "ms"}
LANGUAGE_SAMPLE_CHARS = 600
_DECLARED_LANGUAGE = xpath(
    "string(/html/@lang | //meta[@http-equiv='content-language' or @http-equiv='Content-Language']"
    "/@content)")
_CANONICAL = xpath("string(//link[@rel='canonical']/@href)")
_SECTION = xpath("string(//meta[@property='article:section' or @name='article:section' or "
                       "@itemprop='articleSection'][1]/@content)")
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|co\.id|id|net|org)\b", re.IGNORECASE)
_NOT_A_PERSON = re.compile(r"^(?:@|pt\.?\s)|\b(?:redaksi|admin|cyber\s+media)\b", re.IGNORECASE)
MAX_TAGS = 20


def language(text: str, tree: HtmlElement | None) -> str | None:
    """The language of the body (ISO 639-1), detected from the text, else as the page declares."""
    declared = _declared_language(tree)
    sample = text[:LANGUAGE_SAMPLE_CHARS]
    if not sample.strip():
        return declared
    detected = str(py3langid.classify(sample)[0])
    return _CLOSE_LANGUAGES.get((detected, declared or ""), detected)


def _declared_language(tree: HtmlElement | None) -> str | None:
    if tree is None:
        return None
    code = str(_DECLARED_LANGUAGE(tree)).split("-")[0].split("_")[0].strip().lower()
    return _LANGUAGE_ALIASES.get(code, code) or None


def canonical_url(tree: HtmlElement | None) -> str | None:
    """The URL the page names as its canonical one."""
    if tree is None:
        return None
    return str(_CANONICAL(tree)).strip() or None


def author(candidates: Iterable[str | None], sitename: str | None) -> str | None:
    """The first candidate that names a person, not the site, a company or a handle."""
    site = (sitename or "").casefold()
    for candidate in candidates:
        if not candidate:
            continue
        name = candidate.split(";")[0].strip(" ,-|")
        if len(name) < 3 or len(name) > 80 or _NOT_A_PERSON.search(name) or _DOMAIN.search(name):
            continue
        if site and (name.casefold() in site or site in name.casefold()):
            continue
        if name.islower() and len(name) <= 5:
            continue  # initials such as "bgs", not a name
        return name
    return None


def section(tree: HtmlElement | None, categories: Iterable[str]) -> str | None:
    """The section of the site the article belongs to ("Ekonomi", "Internasional")."""
    found = [str(_SECTION(tree)).strip()] if tree is not None else []
    for name in [*found, *categories]:
        if name and not _DOMAIN.search(name):
            return name.strip()
    return None


def tags(values: Iterable[str]) -> tuple[str, ...]:
    """The article's tags or keywords, each once, without hash signs."""
    seen: dict[str, str] = {}
    for value in values:
        for tag in value.split(","):
            tag = tag.strip().lstrip("#").strip()
            if tag and tag.casefold() not in seen:
                seen[tag.casefold()] = tag
    return tuple(seen.values())[:MAX_TAGS]
