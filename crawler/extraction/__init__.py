"""The parts of article extraction that trafilatura does not know about Indonesian news.

``body`` cleans the page tree before trafilatura and the text after it, ``title`` finds the
headline without the site name, ``dates`` reads the page's timestamps with their zone, and
``metadata`` the language, author, section, tags, image and canonical URL. ``crawler.extract``
puts them together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree


def xpath(expression: str) -> Callable[[Any], Any]:
    """A compiled XPath expression, its result typed loosely: lxml's is a union of six types."""
    compiled: Callable[[Any], Any] = etree.XPath(expression)
    return compiled
