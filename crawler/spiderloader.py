"""Scrapy's view of Pantau's sources: one spider per ``[[sources]]`` entry of the config.

This is what makes ``scrapy list`` and ``scrapy crawl SOURCE`` work from the repository
root. The config is read by the function named in ``PANTAU_SOURCES_LOADER``, which takes
the ``PANTAU_CONFIG`` path ("" for the default) and returns the sources.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Self

from scrapy import Request, Spider
from scrapy.settings import BaseSettings
from scrapy.utils.misc import load_object
from scrapy.utils.url import url_is_from_any_domain

from crawler.sources import Source
from crawler.spiders.source import SourceSpider


class SourceSpiderLoader:
    """A Scrapy spider loader whose spiders are the configured sources."""

    def __init__(self, sources: list[Source]) -> None:
        self._spiders = {source.name: SourceSpider.for_source(source) for source in sources}

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> Self:
        loader: Callable[[str], list[Source]] = load_object(settings["PANTAU_SOURCES_LOADER"])
        return cls(loader(settings.get("PANTAU_CONFIG", "")))

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            known = ", ".join(sorted(self._spiders)) or "none"
            raise KeyError(f"no source named {spider_name!r} (sources: {known})") from None

    def list(self) -> builtins.list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        return [name for name, spider in self._spiders.items()
                if url_is_from_any_domain(request.url, spider.allowed_domains)]

    def __repr__(self) -> str:
        return f"<SourceSpiderLoader {self.list()}>"
