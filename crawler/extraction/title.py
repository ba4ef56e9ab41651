"""The headline as the page shows it, without the site name glued before or after it."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from crawler.extraction import xpath

_SEPARATORS = re.compile(r"\s+(?:[-|–—•:»]|::)\s+|\s*(?:\||::|»)\s*")
# "KapanLagi.com: Judul", "Okezone.com - Judul": a leading domain and a colon or dash.
_LEADING_DOMAIN = re.compile(
    r"^\s*[\w-]+(?:\.[\w-]+)*\.(?:com|co\.id|id|net|org|news|tv)\s*[:\-–|]\s+", re.IGNORECASE)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|co\.id|id|net|org|news|tv)\b", re.IGNORECASE)
_H1 = xpath("//h1")
_SPACE = re.compile(r"\s+")
MIN_HEADLINE_SHARE = 0.5


def headline(tree: HtmlElement | None, title: str | None, sitename: str | None,
             hostname: str | None) -> str | None:
    """The page's headline: its ``<h1>`` where the document title contains it, else the title
    without the site name."""
    cleaned = clean_title(title, sitename, hostname)
    if tree is None or not title:
        return cleaned
    whole = _squash(title)
    shown = [text for text in (_SPACE.sub(" ", h1.text_content()).strip() for h1 in _H1(tree))
             if text and _squash(text) and _squash(text) in whole]
    shown = [text for text in shown if len(_squash(text)) >= MIN_HEADLINE_SHARE * len(whole)]
    if not shown:
        return cleaned
    exact = [text for text in shown if _squash(text) == _squash(cleaned or "")]
    return exact[0] if exact else min(shown, key=len)


def clean_title(title: str | None, sitename: str | None, hostname: str | None) -> str | None:
    """The title without the site name glued before or after it."""
    if not title:
        return None
    title = _LEADING_DOMAIN.sub("", title.strip())
    parts = [part for part in _SEPARATORS.split(title) if part.strip()]
    names = {_squash(name) for name in (sitename, hostname) if name}
    # Every label of the host that can be a name: "news.okezone.com" gives "okezone".
    names |= {_squash(label) for label in (hostname or "").split(".")
              if len(label) > 3 and label not in ("www", "news", "berita")}
    kept = [part for part in parts if not _is_site_name(part, names)]
    if len(kept) == len(parts) or not kept:
        return title.strip()
    return max(kept, key=len).strip()


def _is_site_name(part: str, names: set[str]) -> bool:
    squashed = _squash(part)
    if not squashed:
        return False
    if _DOMAIN.search(part) and len(part.split()) <= 4:
        return True
    return any(squashed == name or (squashed.startswith(name) and len(squashed) - len(name) < 8)
               for name in names if name)


def _squash(text: str) -> str:
    return re.sub(r"[^\w]", "", text.casefold().removeprefix("www."))
