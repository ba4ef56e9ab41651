"""The source spider's parsing, through Scrapy's own crawler and real response objects."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.entries import parse_feed_date
from crawler.items import PageItem
from crawler.sources import Source
from crawler.spiders.source import SourceSpider

NOW = datetime.now(UTC)


def spider_for(**fields: object) -> SourceSpider:
    source = Source(**{"name": "news", "feeds": ("https://news.example/rss",), **fields})  # type: ignore[arg-type]
    cls = SourceSpider.for_source(source)
    crawler = get_crawler(cls, {"ITEM_PIPELINES": {}})
    crawler._apply_settings()
    spider = cls.from_crawler(crawler)
    crawler.spider = spider
    crawler.stats.open_spider()
    return spider


def xml(url: str, body: str) -> XmlResponse:
    return XmlResponse(url=url, body=body.encode(), encoding="utf-8",
                       request=Request(url, meta={"pantau_entry": True}))


def stat(spider: SourceSpider, key: str) -> int:
    return int(spider.crawler.stats.get_value(key, 0))


RSS = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Terkini</title>
<item><title>Baru</title><link>https://news.example/berita/1/baru?utm_source=rss</link>
<pubDate>{format_datetime(NOW - timedelta(hours=2))}</pubDate></item>
<item><title>Lama</title><link>https://news.example/berita/2/lama</link>
<pubDate>{format_datetime(NOW - timedelta(days=30))}</pubDate></item>
<item><title>Lain</title><link>https://news.example/tag/pmi</link></item>
</channel></rss>"""


def test_feed_entries_become_article_requests() -> None:
    spider = spider_for(article_pattern=r"/berita/\d+/")
    requests = list(spider.parse_feed(xml("https://news.example/rss", RSS)))
    assert [r.url for r in requests] == ["https://news.example/berita/1/baru"]
    assert requests[0].meta["pantau_listed_at"] is not None


def test_atom_and_rdf_feeds_are_read() -> None:
    spider = spider_for()
    atom = f"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>A</title>
    <link href="https://news.example/a"/><updated>{NOW.isoformat()}</updated></entry></feed>"""
    rdf = """<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    xmlns="http://purl.org/rss/1.0/"><item><title>B</title><link>https://news.example/b</link>
    </item></rdf:RDF>"""
    assert [r.url for r in spider.parse_feed(xml("https://news.example/atom", atom))] == [
        "https://news.example/a"]
    assert [r.url for r in spider.parse_feed(xml("https://news.example/rdf", rdf))] == [
        "https://news.example/b"]


@pytest.mark.parametrize("body", ["<html><body>Maintenance</body></html>", "", "<rss><chan"])
def test_a_malformed_feed_is_logged_and_counted(body: str) -> None:
    spider = spider_for()
    assert list(spider.parse_feed(xml("https://news.example/rss", body))) == []
    assert stat(spider, "pantau/malformed/feed") == 1


def test_sitemap_index_is_followed_and_old_entries_skipped() -> None:
    spider = spider_for()
    index = """<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
    <sitemap><loc>https://news.example/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    (follow,) = spider.parse_sitemap(xml("https://news.example/sitemap.xml", index))
    assert follow.url == "https://news.example/sitemap-1.xml"
    news = f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
      xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
    <url><loc>https://news.example/new</loc><news:news><news:publication_date>
      {NOW.isoformat()}</news:publication_date></news:news></url>
    <url><loc>https://news.example/old</loc><lastmod>2020-01-01</lastmod></url></urlset>"""
    urls = [r.url for r in spider.parse_sitemap(xml("https://news.example/sitemap-1.xml", news))]
    assert urls == ["https://news.example/new"]


def listing(url: str, page_links: str) -> HtmlResponse:
    body = f"""<html><body><a href="/news/detail/satu">Satu</a> <a href="/profil">Profil</a>
    {page_links}</body></html>"""
    return HtmlResponse(url=url, body=body.encode(), encoding="utf-8",
                        request=Request(url, meta={"page": 1}))


def test_listing_follows_article_links_and_the_next_page() -> None:
    spider = spider_for(feeds=(), listings=("https://gov.example/news",),
                        article_pattern="/news/detail/", max_pages=2)
    response = listing("https://gov.example/news", '<a href="/news?page=2">Selanjutnya</a>')
    requests = list(spider.parse_listing(response))
    assert [r.url for r in requests] == ["https://gov.example/news/detail/satu",
                                         "https://gov.example/news?page=2"]
    last = listing("https://gov.example/news?page=2", '<a rel="next" href="/news?page=3">›</a>')
    last.meta["page"] = 2
    assert [r.url for r in spider.parse_listing(last)] == ["https://gov.example/news/detail/satu"]


def test_a_page_that_is_not_html_is_counted_not_extracted() -> None:
    spider = spider_for()
    url = "https://news.example/files/laporan.pdf"
    response: Response = Response(url=url, body=b"%PDF-1.4 ...",
                                  headers={"Content-Type": "application/pdf"},
                                  request=Request(url))
    (item,) = spider.parse_article(response)
    assert isinstance(item, PageItem) and not item.is_html and item.bodies == ()
    assert stat(spider, "pantau/pages/not_html") == 1
    text = TextResponse(url=url, body=b"a,b\n1,2", encoding="utf-8",
                        headers={"Content-Type": "text/csv"}, request=Request(url))
    assert not next(iter(spider.parse_article(text))).is_html


@pytest.mark.parametrize(("value", "expected"), [
    ("Fri, 27 Nov 2026 14:05:00 +0700", "2026-11-27T14:05:00+07:00"),
    ("2026-11-27T07:05:00Z", "2026-11-27T07:05:00+00:00"),
    ("2026-11-27", "2026-11-27T00:00:00+00:00"),
    ("kemarin", None),
    ("", None),
])
def test_feed_dates(value: str, expected: str | None) -> None:
    parsed = parse_feed_date(value)
    assert (parsed.isoformat() if parsed else None) == expected
