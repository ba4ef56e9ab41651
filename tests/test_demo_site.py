"""The bundled offline demo sites, exercised over real HTTP on loopback."""

from __future__ import annotations

import email.utils
import html
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta

import httpx
import pytest

from pantau.demo.site import (
    DELETED_ARTICLE_PATH,
    JAKARTA,
    MINISTRY,
    NEWS,
    PDF_PATH,
    DemoArticle,
    DemoSite,
    load_articles,
)

NOW = datetime(2026, 11, 24, 14, 5, tzinfo=JAKARTA)  # a Tuesday
RSS_NS = {
    "dc": "http://purl.org/dc/elements/1.1/",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
SITEMAP_NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
CARD_LINK = re.compile(r'<h2 class="card-title"><a href="([^"]+)"')
NEWS_CARD_LINK = re.compile(r'<h3 class="card__post__title"><a href="([^"]+)"')
NEXT_LINK = re.compile(r'<a class="page-link" rel="next" href="([^"]+)"')


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(now=NOW) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5) as opened:
        yield opened


def _by_story(site: DemoSite, story: str) -> dict[str, DemoArticle]:
    return {a.site: a for a in site.articles if a.story == story}


def _words(article: DemoArticle) -> int:
    return sum(len(p.split()) for p in article.paragraphs)


def _follow_listing(client: httpx.Client, start: str, pattern: re.Pattern[str]) -> list[list[str]]:
    """Walk a listing through its rel=next links; the article links of each page."""
    pages: list[list[str]] = []
    url: str | None = start
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(pattern.findall(response.text))
        found = NEXT_LINK.search(response.text)
        url = str(response.url.join(found.group(1))) if found else None
        assert len(pages) < 20, "pagination does not end"
    return pages


# --------------------------------------------------------------------------- content


def test_content_has_the_promised_mix() -> None:
    articles = load_articles(NOW)
    kinds = Counter("trap" if a.trap else "migration" if a.migration else "other" for a in articles)
    assert len(articles) >= 34
    assert kinds["migration"] >= 14
    assert kinds["trap"] >= 4
    assert kinds["other"] >= 10
    assert not any(a.trap and a.migration for a in articles)
    sites = Counter(a.site for a in articles)
    assert sites[MINISTRY] >= 12
    assert sites[NEWS] >= 20
    assert any(a.language == "en" and a.migration for a in articles)


def test_articles_are_well_formed() -> None:
    articles = load_articles(NOW)
    for site_name in (MINISTRY, NEWS):
        own = [a for a in articles if a.site == site_name]
        assert len({a.id for a in own}) == len(own)
        assert len({a.slug for a in own}) == len(own)
    for article in articles:
        assert 250 <= _words(article) <= 600, article.slug
        assert article.published.utcoffset() == timedelta(hours=7)
        assert timedelta(minutes=29) <= NOW - article.published <= timedelta(hours=72)
        assert "{" not in article.text, article.slug
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", article.slug)
        if article.site == NEWS:
            assert 1_000_000 <= article.id <= 9_999_999
    assert articles == sorted(articles, key=lambda a: a.published, reverse=True)


def test_traps_never_mention_migrant_work_abroad() -> None:
    words = ("migran", "luar negeri", "pekerja migran", "tki", "tkw", "penempatan pekerja")
    for article in load_articles(NOW):
        if article.trap:
            text = f"{article.title}\n{article.text}".lower()
            assert not [word for word in words if word in text], article.slug


def test_syndicated_story_is_on_both_sites_with_the_same_body() -> None:
    articles = load_articles(NOW)
    stories = Counter(a.story for a in articles)
    shared = [story for story, count in stories.items() if count > 1]
    assert shared
    for story in shared:
        copies = {a.site: a for a in articles if a.story == story}
        assert set(copies) == {MINISTRY, NEWS}
        assert copies[MINISTRY].paragraphs == copies[NEWS].paragraphs
        assert abs(copies[MINISTRY].published - copies[NEWS].published) <= timedelta(hours=1)


def test_dates_in_the_text_follow_the_publication_date() -> None:
    article = next(a for a in load_articles(NOW) if a.story == "tppo-batam")
    when = article.published
    assert f"({when:%d/%m/%Y})" in article.text


# --------------------------------------------------------------------------- ministry site


def test_ministry_listing_pagination_reaches_every_article(
    site: DemoSite, client: httpx.Client
) -> None:
    pages = _follow_listing(client, f"{site.ministry_url}/news/latest/all", CARD_LINK)
    ministry = site.articles_of(MINISTRY)
    assert len(pages) == -(-len(ministry) // 5)
    assert all(len(links) <= 5 for links in pages)
    found = [link for links in pages for link in links]
    assert found == [a.path for a in ministry]  # newest first, each once


def test_ministry_listing_shows_dates_menu_and_popular_box(
    site: DemoSite, client: httpx.Client
) -> None:
    page = client.get(f"{site.ministry_url}/news/latest/all?page=1").text
    newest = site.articles_of(MINISTRY)[0]
    weekday = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")[
        newest.published.weekday()
    ]
    assert f"{weekday}, {newest.published.day} November 2026" in page
    assert '<ul class="pagination">' in page
    assert 'rel="next"' in page and "Selanjutnya" in page
    for item in ("Beranda", "Profil", "Berita", "Siaran Pers", "Layanan", "PPID", "Kontak"):
        assert f">{item}</a>" in page
    assert "Berita Populer" in page
    assert "Gatot Subroto" in page


def test_ministry_article_page_has_government_boilerplate(
    site: DemoSite, client: httpx.Client
) -> None:
    article = _by_story(site, "slom-plus-3")[MINISTRY]
    response = client.get(site.url_for(article))
    page = html.unescape(response.text)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert '<html lang="id">' in page
    assert f"<title>{article.title} | Kementerian Ketenagakerjaan</title>" in page
    assert f'<link rel="canonical" href="{site.canonical_url(article)}">' in page
    assert '<meta property="og:type" content="article">' in page
    published = article.published.isoformat()
    assert published.endswith("+07:00")
    assert f'<meta property="article:published_time" content="{published}">' in page
    assert '<meta name="description"' in page
    for phrase in (
        "Biro Humas Kemnaker",
        "Bagikan:",
        "Facebook",
        "Twitter",
        "WhatsApp",
        "Berita Terkait",
        "Tag:",
        article.image_caption,
        "SLOM+3",
        "ASEAN-OSHNET",
    ):
        assert phrase in page, phrase
    related = page.split("Berita Terkait", 1)[1].split("</section>", 1)[0]
    assert related.count('href="/news/detail/') == 4


def test_ministry_has_no_feed_or_sitemap(site: DemoSite, client: httpx.Client) -> None:
    robots = client.get(f"{site.ministry_url}/robots.txt")
    assert robots.status_code == 200
    assert robots.headers["content-type"].startswith("text/plain")
    assert "Disallow: /admin/" in robots.text
    assert "Sitemap:" not in robots.text
    delay = re.search(r"Crawl-delay:\s*(\S+)", robots.text)
    assert delay is None or float(delay.group(1)) == 0
    for path in ("/rss", "/feed", "/sitemap.xml", "/sitemap_news.xml", "/rss/terkini.xml"):
        assert client.get(site.ministry_url + path).status_code == 404


def test_ministry_pdf_attachment_is_not_html(site: DemoSite, client: httpx.Client) -> None:
    listing = client.get(f"{site.ministry_url}/news/latest/all").text
    assert f'href="{PDF_PATH}"' in listing
    response = client.get(site.ministry_url + PDF_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-1.4")
    assert len(response.content) < 4096
    assert int(response.headers["content-length"]) == len(response.content)


def test_ministry_press_release_category(site: DemoSite, client: httpx.Client) -> None:
    pages = _follow_listing(client, f"{site.ministry_url}/news/categories/siaran-pers", CARD_LINK)
    found = {link for links in pages for link in links}
    expected = {a.path for a in site.articles_of(MINISTRY) if a.section == "Siaran Pers"}
    assert found == expected


# --------------------------------------------------------------------------- news site


def test_news_robots_names_the_sitemap(site: DemoSite, client: httpx.Client) -> None:
    robots = client.get(f"{site.news_url}/robots.txt").text
    assert f"Sitemap: {site.news_url}/sitemap_news.xml" in robots
    assert "Disallow: /search" in robots


def test_feed_parses_and_every_link_resolves(site: DemoSite, client: httpx.Client) -> None:
    response = client.get(f"{site.news_url}/rss/terkini.xml")
    assert response.headers["content-type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own loopback server's output
    channel = root.find("channel")
    assert channel is not None
    items = channel.findall("item")
    news = site.articles_of(NEWS)
    assert len(items) == len(news) + 1
    dates = [email.utils.parsedate_to_datetime(i.findtext("pubDate", "")) for i in items]
    assert dates == sorted(dates, reverse=True)
    assert all(d.utcoffset() == timedelta(hours=7) for d in dates)
    assert all(i.findtext("dc:creator", namespaces=RSS_NS) for i in items)
    assert all(i.findtext("guid") and i.findtext("description") for i in items)
    statuses: dict[str, int] = {}
    redirected: list[str] = []
    for item in items:
        link = item.findtext("link", "")
        answer = client.get(link, follow_redirects=True)
        statuses[link] = answer.status_code
        if answer.history:
            assert [hop.status_code for hop in answer.history] == [301]
            redirected.append(str(answer.url))
    assert statuses.pop(site.news_url + DELETED_ARTICLE_PATH) == 404
    assert set(statuses.values()) == {200}
    assert len(redirected) == 1
    assert redirected[0] in {site.url_for(a) for a in news}


def test_short_article_url_redirects_permanently(site: DemoSite, client: httpx.Client) -> None:
    article = site.articles_of(NEWS)[0]
    response = client.get(f"{site.news_url}/berita/{article.id}")
    assert response.status_code == 301
    assert response.headers["location"] == site.url_for(article)
    wrong_slug = client.get(f"{site.news_url}/berita/{article.id}/judul-lama")
    assert wrong_slug.status_code == 301
    assert wrong_slug.headers["location"] == site.url_for(article)


def test_sitemap_lists_only_the_last_48_hours(site: DemoSite, client: httpx.Client) -> None:
    response = client.get(f"{site.news_url}/sitemap_news.xml")
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(response.content)  # noqa: S314 - our own loopback server's output
    urls = root.findall("sm:url", SITEMAP_NS)
    locs = {u.findtext("sm:loc", namespaces=SITEMAP_NS) for u in urls}
    news = site.articles_of(NEWS)
    recent = {site.url_for(a) for a in news if NOW - a.published <= timedelta(hours=48)}
    older = {site.url_for(a) for a in news} - recent
    assert locs == recent
    assert older, "the content should include news older than 48 hours"
    for url in urls:
        date = url.findtext("news:news/news:publication_date", namespaces=SITEMAP_NS) or ""
        assert date.endswith("+07:00")
        assert url.findtext("news:news/news:title", namespaces=SITEMAP_NS)
        name = "news:news/news:publication/news:name"
        assert url.findtext(name, namespaces=SITEMAP_NS) == "ANTARA News"


def test_news_listing_pagination_reaches_every_article(
    site: DemoSite, client: httpx.Client
) -> None:
    pages = _follow_listing(client, f"{site.news_url}/terkini", NEWS_CARD_LINK)
    assert all(len(links) <= 10 for links in pages)
    assert [link for links in pages for link in links] == [a.path for a in site.articles_of(NEWS)]


def test_news_article_page_has_agency_boilerplate(site: DemoSite, client: httpx.Client) -> None:
    article = _by_story(site, "jenazah-ntt")[NEWS]
    response = client.get(site.url_for(article))
    assert response.status_code == 200
    page = html.unescape(response.text)
    assert '<html lang="id">' in page
    assert f"<title>{article.title} - ANTARA News</title>" in page
    assert f'<link rel="canonical" href="{site.canonical_url(article)}">' in page
    assert f'content="{article.published.isoformat()}"' in page
    phrases = (
        f"Pewarta: {article.author}",
        f"Editor: {article.editor}",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "(ANTARA FOTO/",
        "COPYRIGHT © ANTARA 2026",
        "Berita Terkait",
        "Terpopuler",
        "Komentar",
        "Breaking News",
        "Bagikan:",
        "Selasa, 24 November 2026",
    )
    for phrase in phrases:
        assert phrase in page, phrase
    assert page.count("Baca juga:") == 2
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert ld is not None
    data = json.loads(ld.group(1))
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["datePublished"] == article.published.isoformat()
    assert data["author"][0]["name"] == article.author
    assert data["publisher"]["name"] == "ANTARA"


def test_english_article_declares_its_language(site: DemoSite, client: httpx.Client) -> None:
    article = next(a for a in site.articles_of(NEWS) if a.language == "en")
    page = client.get(site.url_for(article)).text
    assert '<html lang="en">' in page
    assert "Indonesian migrant workers" in page


def test_amp_variant_points_back_to_the_article(site: DemoSite, client: httpx.Client) -> None:
    article = site.articles_of(NEWS)[1]
    response = client.get(f"{site.news_url}/amp{article.path}")
    assert response.status_code == 200
    assert f'<link rel="canonical" href="{site.canonical_url(article)}">' in response.text


def test_section_pages_list_their_articles(site: DemoSite, client: httpx.Client) -> None:
    page = client.get(f"{site.news_url}/kanal/dunia").text
    expected = [a.path for a in site.articles_of(NEWS) if a.section == "Dunia"]
    assert NEWS_CARD_LINK.findall(page) == expected


# --------------------------------------------------------------------------- HTTP behaviour


@pytest.mark.parametrize(
    ("which", "path"),
    [
        (MINISTRY, "/news/detail/tidak-ada"),
        (MINISTRY, "/news/latest/all?page=99"),
        (MINISTRY, "/news/latest/all?page=abc"),
        (MINISTRY, "/admin/"),
        (NEWS, "/berita/1234567/tidak-ada"),
        (NEWS, "/berita/bukan-angka"),
        (NEWS, "/terkini?page=0"),
        (NEWS, "/kanal/tidak-ada"),
        (NEWS, "/wp-login.php"),
    ],
)
def test_unknown_paths_answer_a_real_404_page(
    site: DemoSite, client: httpx.Client, which: str, path: str
) -> None:
    base = site.ministry_url if which == MINISTRY else site.news_url
    response = client.get(base + path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "<!DOCTYPE html>" in response.text
    assert "tidak ditemukan" in response.text.lower()


def test_responses_carry_validators_and_answer_304(site: DemoSite, client: httpx.Client) -> None:
    article = site.articles_of(NEWS)[2]
    first = client.get(site.url_for(article))
    headers = first.headers
    assert int(headers["content-length"]) == len(first.content)
    assert headers["date"]
    modified = email.utils.parsedate_to_datetime(headers["last-modified"])
    assert modified == article.published
    etag = headers["etag"]
    again = client.get(site.url_for(article), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    url = site.url_for(article)
    since = client.get(url, headers={"If-Modified-Since": headers["last-modified"]})
    assert since.status_code == 304
    stale = email.utils.format_datetime(article.published - timedelta(days=1))
    assert client.get(url, headers={"If-Modified-Since": stale}).status_code == 200
    other = client.get(site.url_for(article), headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_head_sends_headers_without_body(site: DemoSite, client: httpx.Client) -> None:
    get = client.get(f"{site.news_url}/rss/terkini.xml")
    head = client.head(f"{site.news_url}/rss/terkini.xml")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(get.content))
    assert head.headers["etag"] == get.headers["etag"]


def test_requests_are_recorded_with_their_query(client: httpx.Client) -> None:
    with DemoSite(now=NOW) as fresh:
        client.get(f"{fresh.ministry_url}/news/latest/all?page=2")
        client.get(f"{fresh.news_url}/robots.txt")
        client.get(f"{fresh.news_url}/tidak-ada")
        assert fresh.requests == [
            (MINISTRY, "/news/latest/all?page=2"),
            (NEWS, "/robots.txt"),
            (NEWS, "/tidak-ada"),
        ]
        assert fresh.paths_requested(NEWS) == ["/robots.txt", "/tidak-ada"]


def test_sites_run_on_separate_loopback_ports(site: DemoSite) -> None:
    assert site.ministry_url.startswith("http://127.0.0.1:")
    assert site.news_url.startswith("http://127.0.0.1:")
    assert site.ministry_url != site.news_url
    article = site.articles_of(MINISTRY)[0]
    assert site.url_for(article) == site.ministry_url + f"/news/detail/{article.slug}"


def test_urls_need_a_started_site_and_stop_is_idempotent() -> None:
    demo = DemoSite(now=NOW)
    with pytest.raises(RuntimeError):
        _ = demo.news_url
    demo.start()
    url = demo.news_url
    demo.stop()
    demo.stop()
    with pytest.raises(httpx.TransportError), httpx.Client(timeout=1) as late:
        late.get(url + "/robots.txt")
