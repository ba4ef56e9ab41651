"""An offline demo of two news sources, served over real HTTP on loopback.

Pantau's crawler needs something realistic to crawl in tests and in demos
without internet access. This module serves the bundled ``articles.json`` as
two independent web sites, each on its own port:

* a labour-ministry site modelled on kemnaker.go.id: no feed and no sitemap,
  only paginated HTML listings, article pages full of government boilerplate,
  static menu pages and one PDF attachment;
* a national news-agency site modelled on antaranews.com: robots.txt naming a
  Google News sitemap, an RSS 2.0 feed (with one item behind a redirect and one
  item whose article was deleted), paginated listings, section pages, article
  pages full of news boilerplate, AMP variants and realistic 404 pages.

Every response carries Content-Type with charset, Content-Length, Date, ETag and
Last-Modified, and conditional requests are answered with 304. Everything is
standard library only; the servers run in daemon threads.
"""

from __future__ import annotations

import email.utils
import hashlib
import html
import json
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from types import TracebackType
from typing import Any, Protocol, cast
from urllib.parse import parse_qs, quote, urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "DELETED_ARTICLE_PATH",
    "JAKARTA",
    "MINISTRY",
    "NEWS",
    "PDF_PATH",
    "DemoArticle",
    "DemoSite",
    "load_articles",
]

JAKARTA = ZoneInfo("Asia/Jakarta")
"""Time zone of every date the demo sites show (WIB, +07:00)."""

MINISTRY = "ministry"
"""Site key of the labour-ministry site (no feed, no sitemap)."""

NEWS = "news"
# Where each site says it lives (rel=canonical, og:url, JSON-LD): the same on every run, whatever
# loopback port serves it today, as a mirror of a real site would say.
PUBLIC_URLS = {MINISTRY: "https://kemnaker.example", NEWS: "https://antaranews.example"}
"""Site key of the news-agency site (robots.txt, sitemap, RSS)."""

SITES = (MINISTRY, NEWS)
MINISTRY_PAGE_SIZE = 5
NEWS_PAGE_SIZE = 10
SITEMAP_WINDOW = timedelta(hours=48)
PDF_PATH = "/uploads/siaran-pers/rekapitulasi-penempatan-pmi-oktober-2026.pdf"
"""Path of the one non-HTML page, linked from the ministry listings."""

DELETED_ARTICLE_ID = 4519873
DELETED_ARTICLE_PATH = (
    f"/berita/{DELETED_ARTICLE_ID}/pemerintah-evaluasi-penempatan-pekerja-migran-ke-timur-tengah"
)
"""Path of the news article that the RSS feed still lists but that answers 404."""

DELETED_ARTICLE_TITLE = "Pemerintah evaluasi penempatan pekerja migran ke Timur Tengah"
SHORT_LINK_FEED_INDEX = 2
"""Index (among real articles, newest first) of the feed item linked as /berita/<id>."""

_HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_DAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# --------------------------------------------------------------------------- content


@dataclass(frozen=True)
class DemoArticle:
    """One article of the demo content, as published on one of the two sites.

    ``migration`` says whether the story is about labour migration (what Pantau
    should alert on); ``trap`` marks stories that contain words a naive keyword
    rule would match (PMI = Palang Merah Indonesia, TKA, magang, ABK...) but are
    not about labour migration. Articles sharing ``story`` are the same story
    syndicated on both sites.
    """

    site: str
    slug: str
    id: int
    story: str
    title: str
    section: str
    author: str
    editor: str
    published: datetime
    language: str
    migration: bool
    trap: bool
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    image_caption: str

    @property
    def path(self) -> str:
        """The URL path of the article on its own site."""
        if self.site == MINISTRY:
            return f"/news/detail/{self.slug}"
        return f"/berita/{self.id}/{self.slug}"

    @property
    def text(self) -> str:
        """The body text: paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)


def _jakarta_now(now: datetime | None) -> datetime:
    """Return ``now`` (default: the current time) as an aware Asia/Jakarta datetime."""
    if now is None:
        return datetime.now(JAKARTA)
    if now.tzinfo is None:
        return now.replace(tzinfo=JAKARTA)
    return now.astimezone(JAKARTA)


def _fill_placeholders(text: str, anchor: datetime) -> str:
    """Replace the date placeholders of the JSON text with dates relative to ``anchor``."""
    yesterday = anchor - timedelta(days=1)
    values = {
        "{tanggal}": f"{_HARI[anchor.weekday()]} ({anchor:%d/%m/%Y})",
        "{kemarin}": f"{_HARI[yesterday.weekday()]} ({yesterday:%d/%m/%Y})",
        "{date_en}": f"on {_DAYS_EN[anchor.weekday()]} ({anchor.day}/{anchor.month})",
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def _article_from_json(
    raw: Mapping[str, Any], published: datetime, anchor: datetime
) -> DemoArticle:
    """Build one ``DemoArticle`` from its JSON object."""
    return DemoArticle(
        site=str(raw["site"]),
        slug=str(raw["slug"]),
        id=int(raw["id"]),
        story=str(raw["story"]),
        title=str(raw["title"]),
        section=str(raw["section"]),
        author=str(raw["author"]),
        editor=str(raw["editor"]),
        published=published,
        language=str(raw["language"]),
        migration=bool(raw["migration"]),
        trap=bool(raw["trap"]),
        tags=tuple(str(tag) for tag in raw["tags"]),
        paragraphs=tuple(_fill_placeholders(str(p), anchor) for p in raw["paragraphs"]),
        image_caption=str(raw["image_caption"]),
    )


def load_articles(now: datetime | None = None) -> list[DemoArticle]:
    """Read the bundled ``articles.json`` and date each article ``hours_ago`` before ``now``.

    Dates are floored to the minute. Date placeholders in the text are filled
    from the earliest publication of the story, so syndicated copies keep an
    identical body. The result is sorted newest first.
    """
    moment = _jakarta_now(now)
    source = resources.files("pantau.demo").joinpath("articles.json")
    records = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(records, list):
        raise ValueError("articles.json must hold a JSON list")
    objects = [cast(dict[str, Any], record) for record in records]
    times = [
        (moment - timedelta(hours=float(obj["hours_ago"]))).replace(second=0, microsecond=0)
        for obj in objects
    ]
    anchors: dict[str, datetime] = {}
    for obj, when in zip(objects, times, strict=True):
        story = str(obj["story"])
        anchors[story] = min(when, anchors.get(story, when))
    articles = [
        _article_from_json(obj, when, anchors[str(obj["story"])])
        for obj, when in zip(objects, times, strict=True)
    ]
    return sorted(articles, key=lambda article: article.published, reverse=True)


# --------------------------------------------------------------------------- formatting


def _e(text: str) -> str:
    """Escape text for HTML and XML (attributes included)."""
    return html.escape(text, quote=True)


def tanggal(when: datetime) -> str:
    """Indonesian long date, e.g. ``Selasa, 24 November 2026``."""
    return f"{_HARI[when.weekday()]}, {when.day} {_BULAN[when.month - 1]} {when.year}"


def tanggal_jam(when: datetime) -> str:
    """Indonesian long date with time, e.g. ``Selasa, 24 November 2026 14:05 WIB``."""
    return f"{tanggal(when)} {when:%H:%M} WIB"


def english_date(when: datetime) -> str:
    """English long date with time, e.g. ``Tuesday, 24 November 2026 14:05 WIB``."""
    day = _DAYS_EN[when.weekday()]
    return f"{day}, {when.day} {_MONTHS_EN[when.month - 1]} {when.year} {when:%H:%M} WIB"


def _rfc822(when: datetime) -> str:
    """RFC 822 date with the Jakarta offset, as RSS wants (``... +0700``)."""
    return email.utils.format_datetime(when.astimezone(JAKARTA))


def _http_date(when: datetime) -> str:
    """HTTP date in GMT, as Last-Modified wants."""
    return email.utils.format_datetime(when.astimezone(UTC), usegmt=True)


def _excerpt(article: DemoArticle, limit: int = 200) -> str:
    """The first paragraph cut at a word boundary, for listings and descriptions."""
    lead = article.paragraphs[0] if article.paragraphs else ""
    if len(lead) <= limit:
        return lead
    return lead[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "..."


def _slugify(text: str) -> str:
    """A lowercase, hyphenated form of a section name, for section URLs."""
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


# --------------------------------------------------------------------------- shared page parts


@dataclass(frozen=True)
class _Response:
    """What an application answers for one request, before HTTP framing."""

    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    last_modified: datetime | None = None
    location: str | None = None


def _html(page: str, last_modified: datetime | None = None, status: int = 200) -> _Response:
    """An HTML response."""
    return _Response(status, page.encode("utf-8"), last_modified=last_modified)


def _redirect(location: str) -> _Response:
    """A permanent redirect with a small HTML body."""
    link = _e(location)
    body = f'<!DOCTYPE html><title>301 Moved Permanently</title><a href="{link}">{link}</a>'
    return _Response(301, body.encode("utf-8"), location=location)


def _page_number(query: Mapping[str, list[str]]) -> int | None:
    """The ``page`` query parameter (default 1), or None when it is not a positive integer."""
    values = query.get("page", ["1"])
    try:
        page = int(values[0])
    except ValueError:
        return None
    return page if page >= 1 else None


def _page_url(base_path: str, page: int) -> str:
    """URL of one listing page: the bare path for page 1, ``?page=N`` after that."""
    return base_path if page == 1 else f"{base_path}?page={page}"


def _paginate(items: Sequence[DemoArticle], page: int, size: int) -> tuple[list[DemoArticle], int]:
    """The items of one page and the number of pages (at least 1)."""
    pages = max(1, -(-len(items) // size))
    start = (page - 1) * size
    return list(items[start : start + size]), pages


def _pagination(base_path: str, page: int, pages: int, labels: tuple[str, str]) -> str:
    """A ``<ul class="pagination">`` with numbered pages and rel prev/next links."""
    prev_label, next_label = labels

    def link(number: int, label: str, rel: str = "") -> str:
        """One linked page number (or prev/next) item."""
        href = _page_url(base_path, number)
        return f'<li class="page-item"><a class="page-link"{rel} href="{href}">{label}</a></li>'

    items = [link(page - 1, prev_label, ' rel="prev"')] if page > 1 else []
    for number in range(1, pages + 1):
        if number == page:
            items.append(
                '<li class="page-item active" aria-current="page">'
                f'<span class="page-link">{number}</span></li>'
            )
        else:
            items.append(link(number, str(number)))
    if page < pages:
        items.append(link(page + 1, next_label, ' rel="next"'))
    return f'<nav aria-label="Navigasi halaman"><ul class="pagination">{"".join(items)}</ul></nav>'


def _related(article: DemoArticle, pool: Sequence[DemoArticle], count: int) -> list[DemoArticle]:
    """Other articles of the same site, most related first.

    Related means: same language, shared tags, same kind (migration or not), near in time.
    """
    tags = {tag.lower() for tag in article.tags}

    def distance(other: DemoArticle) -> tuple[int, float]:
        """Sort key: more in common first, then nearer in time."""
        shared = len(tags & {tag.lower() for tag in other.tags})
        same_kind = 2 if other.migration == article.migration else 0
        same_language = 3 if other.language == article.language else 0
        closeness = -(shared + same_kind + same_language)
        return closeness, abs((other.published - article.published).total_seconds())

    others = [other for other in pool if other.path != article.path]
    return sorted(others, key=distance)[:count]


def _popular(pool: Sequence[DemoArticle], count: int) -> list[DemoArticle]:
    """A stable pseudo-random pick standing in for "most read"."""
    return sorted(pool, key=lambda a: hashlib.sha256(a.slug.encode()).hexdigest())[:count]


def _newest(articles: Sequence[DemoArticle], default: datetime) -> datetime:
    """Publication time of the newest article, for a listing's Last-Modified."""
    return max((a.published for a in articles), default=default)


def _link_list(articles: Sequence[DemoArticle], css: str) -> str:
    """A ``<ul>`` of title links."""
    items = "".join(f'<li><a href="{a.path}">{_e(a.title)}</a></li>' for a in articles)
    return f'<ul class="{css}">{items}</ul>'


def _share_bar(url: str, title: str, label: str) -> str:
    """Social share links (off-site, never followed by a polite crawler)."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return (
        f'<div class="share-bar"><span>{label}:</span> '
        f'<a class="share-fb" rel="nofollow"'
        f' href="https://www.facebook.com/sharer/sharer.php?u={u}">Facebook</a> '
        f'<a class="share-tw" rel="nofollow"'
        f' href="https://twitter.com/intent/tweet?url={u}&amp;text={t}">Twitter</a> '
        f'<a class="share-wa" rel="nofollow"'
        f' href="https://api.whatsapp.com/send?text={t}%20{u}">WhatsApp</a>'
        "</div>"
    )


def _pdf_bytes() -> bytes:
    """A small, valid one-page PDF (the ministry's press-release attachment)."""
    text = (
        b"BT /F1 14 Tf 72 770 Td"
        b" (Rekapitulasi Penempatan Pekerja Migran Indonesia - Oktober 2026) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out += trailer % (len(objects) + 1, xref)
    return bytes(out)


class _App(Protocol):
    """One site's request router: path and query in, response out."""

    def respond(self, path: str, query: Mapping[str, list[str]]) -> _Response:
        """Answer one GET or HEAD request."""
        ...


# --------------------------------------------------------------------------- ministry site

_MINISTRY_CSS = (
    "body{font-family:Arial,sans-serif;margin:0;color:#222}"
    ".container{max-width:1140px;margin:0 auto;padding:0 16px}"
    ".topbar{background:#0b3d91;color:#fff;font-size:12px}"
    ".main-nav ul{list-style:none;display:flex;gap:18px}"
    ".news-card{display:flex;gap:16px;border-bottom:1px solid #eee;padding:12px 0}"
    ".sidebar{font-size:14px}.pagination{list-style:none;display:flex;gap:6px}"
    ".site-footer{background:#10284f;color:#ddd;margin-top:40px}"
)

_MINISTRY_NAV = (
    ("Beranda", "/"),
    ("Profil", "/profil"),
    ("Berita", "/news/latest/all"),
    ("Siaran Pers", "/news/categories/siaran-pers"),
    ("Layanan", "/layanan"),
    ("PPID", "/ppid"),
    ("Kontak", "/kontak"),
)

_MINISTRY_PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "/profil": (
        "Profil Kementerian",
        (
            "Kementerian Ketenagakerjaan mempunyai tugas menyelenggarakan urusan pemerintahan "
            "di bidang ketenagakerjaan untuk membantu Presiden dalam menyelenggarakan "
            "pemerintahan negara.",
            "Visi: terwujudnya tenaga kerja yang kompeten, produktif, dan sejahtera, "
            "serta hubungan industrial yang harmonis.",
        ),
    ),
    "/layanan": (
        "Layanan Publik",
        (
            "Layanan pengaduan ketenagakerjaan, pelaporan wajib ketenagakerjaan perusahaan, "
            "pendaftaran pelatihan vokasi, serta informasi lowongan kerja melalui SIAPkerja "
            "dan Karirhub.",
            "Layanan pengaduan dapat disampaikan melalui Call Center 1500-630 "
            "pada hari dan jam kerja.",
        ),
    ),
    "/ppid": (
        "Pejabat Pengelola Informasi dan Dokumentasi",
        (
            "PPID Kemnaker melayani permohonan informasi publik sesuai Undang-Undang Nomor 14 "
            "Tahun 2008 tentang Keterbukaan Informasi Publik.",
            "Permohonan informasi dapat diajukan secara langsung, melalui surat, atau melalui "
            "surat elektronik.",
        ),
    ),
    "/kontak": (
        "Kontak",
        (
            "Kementerian Ketenagakerjaan Republik Indonesia, Jl. Jend. Gatot Subroto Kav. 51, "
            "Jakarta Selatan 12750.",
            "Telepon (021) 5255733. Layanan pengaduan: 1500-630.",
        ),
    ),
}


class _MinistryApp:
    """The labour-ministry site: HTML listings and article pages, no feed, no sitemap."""

    def __init__(self, base_url: str, articles: Sequence[DemoArticle], now: datetime) -> None:
        """Serve ``articles`` (newest first) under ``base_url``."""
        self.base_url = base_url
        self.articles = list(articles)
        self.now = now
        self.by_slug = {a.slug: a for a in self.articles}
        self.pdf = _pdf_bytes()

    def respond(self, path: str, query: Mapping[str, list[str]]) -> _Response:
        """Route one request."""
        if path == "/robots.txt":
            return self._robots()
        if path == "/":
            return self._home()
        if path == "/news/latest/all":
            return self._listing(path, "Berita Terkini", self.articles, query)
        if path == "/news/categories/siaran-pers":
            press = [a for a in self.articles if a.section == "Siaran Pers"]
            return self._listing(path, "Siaran Pers", press, query)
        if path == PDF_PATH:
            return _Response(200, self.pdf, "application/pdf", self.now - timedelta(days=3))
        if path in _MINISTRY_PAGES:
            return self._static(*_MINISTRY_PAGES[path])
        if path.startswith("/news/detail/") and path.removeprefix("/news/detail/") in self.by_slug:
            return self._detail(self.by_slug[path.removeprefix("/news/detail/")])
        return self._not_found()

    def _robots(self) -> _Response:
        """robots.txt: everything allowed except /admin/, no crawl delay, no sitemap."""
        body = "User-agent: *\nDisallow: /admin/\nDisallow: /cgi-bin/\n"
        return _Response(200, body.encode(), "text/plain; charset=utf-8", last_modified=self.now)

    def _layout(self, title: str, main: str, head: str = "") -> str:
        """The full page around ``main``: header, nav menu, footer with address."""
        nav = "".join(f'<li><a href="{href}">{label}</a></li>' for label, href in _MINISTRY_NAV)
        return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
{head}<style>{_MINISTRY_CSS}</style>
</head>
<body>
<div class="topbar"><div class="container">Kementerian Ketenagakerjaan Republik Indonesia
 &middot; Layanan Pengaduan 1500-630</div></div>
<header class="site-header"><div class="container">
<a class="brand" href="/">
<img src="/assets/img/logo-kemnaker.svg" alt="Logo Kemnaker" width="48" height="48">
<span>Kementerian Ketenagakerjaan</span></a>
<nav class="main-nav" aria-label="Menu utama"><ul>{nav}</ul></nav>
</div></header>
<main class="container">
{main}
</main>
<footer class="site-footer"><div class="container">
<p><strong>Kementerian Ketenagakerjaan Republik Indonesia</strong><br>
Jl. Jend. Gatot Subroto Kav. 51, Jakarta Selatan 12750<br>
Telepon (021) 5255733 &middot; Call Center 1500-630</p>
<p>&copy; {self.now.year} Biro Hubungan Masyarakat Kementerian Ketenagakerjaan.
Hak cipta dilindungi undang-undang.</p>
</div></footer>
</body>
</html>
"""

    def _sidebar(self) -> str:
        """The "Berita Populer" box and the downloads box."""
        popular = _link_list(_popular(self.articles, 5), "popular-list")
        return (
            '<aside class="sidebar"><section class="widget"><h3>Berita Populer</h3>'
            f"{popular}</section>"
            '<section class="widget"><h3>Unduhan</h3><ul class="downloads">'
            f'<li><a href="{PDF_PATH}">Rekapitulasi Penempatan Pekerja Migran Indonesia'
            " Oktober 2026 (PDF, 1 KB)</a></li>"
            "</ul></section></aside>"
        )

    def _card(self, article: DemoArticle) -> str:
        """One item of a listing: image, badge, title link, date, excerpt, read-more link."""
        return f"""<div class="card news-card">
<a href="{article.path}">
<img src="/uploads/news/thumb/{article.slug}.jpg" alt="" width="240" height="160"></a>
<div class="card-body"><span class="badge">{_e(article.section)}</span>
<h2 class="card-title"><a href="{article.path}">{_e(article.title)}</a></h2>
<p class="date">
<time datetime="{article.published.isoformat()}">{tanggal(article.published)}</time></p>
<p class="excerpt">{_e(_excerpt(article))}</p>
<a class="read-more" href="{article.path}">Baca Selengkapnya</a></div>
</div>"""

    def _home(self) -> _Response:
        """Home page: the five newest articles and a link to the full listing."""
        cards = "\n".join(self._card(a) for a in self.articles[:MINISTRY_PAGE_SIZE])
        main = (
            '<section class="hero">'
            "<h1>Selamat Datang di Portal Kementerian Ketenagakerjaan</h1></section>"
            f'<div class="row"><section class="news-list"><h2>Berita Terbaru</h2>{cards}'
            '<p><a class="btn" href="/news/latest/all">Lihat Semua Berita</a></p></section>'
            f"{self._sidebar()}</div>"
        )
        page = self._layout("Beranda | Kementerian Ketenagakerjaan", main)
        return _html(page, _newest(self.articles, self.now))

    def _listing(
        self,
        base_path: str,
        heading: str,
        articles: Sequence[DemoArticle],
        query: Mapping[str, list[str]],
    ) -> _Response:
        """A paginated listing, five cards per page, newest first."""
        page = _page_number(query)
        items, pages = _paginate(articles, page or 1, MINISTRY_PAGE_SIZE)
        if page is None or page > pages:
            return self._not_found()
        cards = "\n".join(self._card(a) for a in items)
        pagination = _pagination(base_path, page, pages, ("Sebelumnya", "Selanjutnya"))
        main = (
            '<nav class="breadcrumb" aria-label="breadcrumb"><ol><li><a href="/">Beranda</a></li>'
            f"<li>{_e(heading)}</li></ol></nav>"
            f'<div class="row"><section class="news-list"><h1 class="page-title">{_e(heading)}</h1>'
            f"{cards}{pagination}</section>{self._sidebar()}</div>"
        )
        title = f"{heading} - Halaman {page} | Kementerian Ketenagakerjaan"
        return _html(self._layout(title, main), _newest(items, self.now))

    def _detail_head(self, article: DemoArticle) -> str:
        """Meta description, canonical link and Open Graph tags of an article page."""
        url = PUBLIC_URLS[MINISTRY] + article.path
        description = _e(_excerpt(article, 160))
        return f"""<meta name="description" content="{description}">
<meta name="author" content="Biro Humas Kemnaker">
<link rel="canonical" href="{url}">
<meta property="og:site_name" content="Kementerian Ketenagakerjaan">
<meta property="og:title" content="{_e(article.title)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:description" content="{description}">
<meta property="og:image" content="{self.base_url}/uploads/news/{article.slug}.jpg">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:section" content="{_e(article.section)}">
"""

    def _detail(self, article: DemoArticle) -> _Response:
        """A full government article page."""
        url = self.base_url + article.path
        body = "\n".join(f"<p>{_e(p)}</p>" for p in article.paragraphs)
        tags = "".join(f'<span class="tag">#{_e(tag)}</span> ' for tag in article.tags)
        related = _link_list(_related(article, self.articles, 4), "related-list")
        main = f"""<nav class="breadcrumb" aria-label="breadcrumb">
<ol><li><a href="/">Beranda</a></li>
<li><a href="/news/latest/all">Berita</a></li><li>{_e(article.section)}</li></ol></nav>
<div class="row"><article class="news-detail">
<span class="badge">{_e(article.section)}</span>
<h1 class="news-title">{_e(article.title)}</h1>
<div class="news-meta">
<time datetime="{article.published.isoformat()}">{tanggal(article.published)}</time>
 &middot; <span class="publisher">Biro Humas Kemnaker</span></div>
<figure class="lead-image">
<img src="/uploads/news/{article.slug}.jpg" alt="{_e(article.title)}" width="800" height="450">
<figcaption>{_e(article.image_caption)}</figcaption></figure>
<div class="news-content">
{body}
</div>
<p class="credits">Penulis: {_e(article.author)} &middot; Editor: {_e(article.editor)}</p>
{_share_bar(url, article.title, "Bagikan")}
<div class="tags">Tag: {tags}</div>
<section class="related"><h2>Berita Terkait</h2>{related}</section>
</article>
{self._sidebar()}</div>"""
        title = f"{article.title} | Kementerian Ketenagakerjaan"
        page = self._layout(title, main, self._detail_head(article))
        return _html(page, article.published)

    def _static(self, title: str, paragraphs: tuple[str, ...]) -> _Response:
        """One of the menu pages (Profil, Layanan, PPID, Kontak)."""
        body = "".join(f"<p>{_e(p)}</p>" for p in paragraphs)
        main = f'<article class="static-page"><h1>{_e(title)}</h1>{body}</article>'
        page = self._layout(f"{title} | Kementerian Ketenagakerjaan", main)
        return _html(page, self.now - timedelta(days=30))

    def _not_found(self) -> _Response:
        """The ministry's 404 page."""
        main = (
            '<section class="error-page"><h1>404</h1><h2>Halaman Tidak Ditemukan</h2>'
            "<p>Maaf, halaman yang Anda cari tidak tersedia atau sudah dipindahkan.</p>"
            '<p><a href="/">Kembali ke Beranda</a></p></section>'
        )
        page = self._layout("Halaman Tidak Ditemukan | Kementerian Ketenagakerjaan", main)
        return _html(page, status=404)


# --------------------------------------------------------------------------- news site

_NEWS_CSS = (
    "body{font-family:Georgia,serif;margin:0}"
    ".wrap{max-width:1100px;margin:0 auto;display:flex;gap:24px}"
    ".breaking-news{background:#c00;color:#fff}.ads-slot{text-align:center;color:#999;font-size:11px}"
    ".baca-juga{font-weight:bold}.sidebar{width:300px}.pagination{list-style:none;display:flex;gap:6px}"
)

_NEWS_LABELS: dict[str, dict[str, str]] = {
    "id": {
        "reporter": "Pewarta",
        "also": "Baca juga:",
        "related": "Berita Terkait",
        "popular": "Terpopuler",
        "share": "Bagikan",
        "comments": "Komentar",
        "tags": "Tags",
        "comment_note": "Komentar Anda akan tampil setelah disetujui redaksi. "
        "Gunakan bahasa yang santun dan hindari unsur SARA.",
    },
    "en": {
        "reporter": "Reporter",
        "also": "Also read:",
        "related": "Related News",
        "popular": "Most Popular",
        "share": "Share",
        "comments": "Comments",
        "tags": "Tags",
        "comment_note": "Comments are shown after moderation. Please keep the discussion civil.",
    },
}


@dataclass(frozen=True)
class _FeedEntry:
    """One RSS item."""

    title: str
    link: str
    published: datetime
    description: str
    creator: str
    category: str
    image: str


class _NewsApp:
    """The news-agency site: robots.txt, Google News sitemap, RSS, listings, articles, AMP."""

    def __init__(self, base_url: str, articles: Sequence[DemoArticle], now: datetime) -> None:
        """Serve ``articles`` (newest first) under ``base_url``."""
        self.base_url = base_url
        self.articles = list(articles)
        self.now = now
        self.by_id = {a.id: a for a in self.articles}
        self.sections = list(dict.fromkeys(a.section for a in self.articles))

    def respond(self, path: str, query: Mapping[str, list[str]]) -> _Response:
        """Route one request."""
        fixed: dict[str, Callable[[], _Response]] = {
            "/robots.txt": self._robots,
            "/rss/terkini.xml": self._feed,
            "/sitemap_news.xml": self._sitemap,
            "/": self._home,
        }
        if path in fixed:
            return fixed[path]()
        if path == "/terkini":
            return self._listing(path, "Berita Terkini", self.articles, query)
        if path.startswith("/kanal/"):
            return self._section(path, query)
        parts = path.strip("/").split("/")
        if parts[0] == "berita" and len(parts) in (2, 3):
            return self._article_route(parts[1:])
        if parts[0] == "amp" and len(parts) == 4 and parts[1] == "berita":
            return self._amp_route(parts[2], parts[3])
        return self._not_found()

    # -- machine-readable entry points

    def _robots(self) -> _Response:
        """robots.txt naming the news sitemap; search is disallowed."""
        body = (
            "User-agent: *\nDisallow: /search\nDisallow: /api/\nAllow: /\n\n"
            f"Sitemap: {self.base_url}/sitemap_news.xml\n"
        )
        return _Response(200, body.encode(), "text/plain; charset=utf-8", last_modified=self.now)

    def _feed_entries(self) -> list[_FeedEntry]:
        """All articles newest first, one linked in short form, plus the deleted article."""
        entries = []
        for index, article in enumerate(self.articles):
            path = f"/berita/{article.id}" if index == SHORT_LINK_FEED_INDEX else article.path
            entries.append(
                _FeedEntry(
                    article.title,
                    self.base_url + path,
                    article.published,
                    _excerpt(article, 300),
                    article.author,
                    article.section,
                    f"{self.base_url}/img/berita/{article.id}.jpg",
                )
            )
        entries.append(
            _FeedEntry(
                DELETED_ARTICLE_TITLE,
                self.base_url + DELETED_ARTICLE_PATH,
                (self.now - timedelta(hours=3)).replace(second=0, microsecond=0),
                "Pemerintah mengevaluasi tata kelola penempatan pekerja migran ke Timur Tengah.",
                "Aditya Ramadhan Putra",
                "Ekonomi",
                f"{self.base_url}/img/berita/{DELETED_ARTICLE_ID}.jpg",
            )
        )
        return sorted(entries, key=lambda entry: entry.published, reverse=True)

    def _feed_item(self, entry: _FeedEntry) -> str:
        """One ``<item>`` of the RSS feed."""
        return f"""<item>
<title>{_e(entry.title)}</title>
<link>{_e(entry.link)}</link>
<guid isPermaLink="true">{_e(entry.link)}</guid>
<pubDate>{_rfc822(entry.published)}</pubDate>
<dc:creator>{_e(entry.creator)}</dc:creator>
<category>{_e(entry.category)}</category>
<description>{_e(entry.description)}</description>
<content:encoded>{_e(f"<p>{_e(entry.description)}</p>")}</content:encoded>
<media:content url="{_e(entry.image)}" medium="image" type="image/jpeg"/>
</item>"""

    def _feed(self) -> _Response:
        """RSS 2.0 feed of every article (content, dc and media namespaces)."""
        entries = self._feed_entries()
        items = "\n".join(self._feed_item(entry) for entry in entries)
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>ANTARA News - Berita Terkini</title>
<link>{self.base_url}/terkini</link>
<description>Berita terkini dan terbaru hari ini dari ANTARA News</description>
<language>id</language>
<lastBuildDate>{_rfc822(entries[0].published)}</lastBuildDate>
<atom:link href="{self.base_url}/rss/terkini.xml" rel="self" type="application/rss+xml"/>
{items}
</channel>
</rss>
"""
        content_type = "application/rss+xml; charset=utf-8"
        return _Response(200, body.encode(), content_type, entries[0].published)

    def _sitemap(self) -> _Response:
        """Google News sitemap listing only the articles of the last 48 hours."""
        recent = [a for a in self.articles if self.now - a.published <= SITEMAP_WINDOW]
        urls = "\n".join(
            f"<url><loc>{self.base_url}{a.path}</loc><news:news><news:publication>"
            f"<news:name>ANTARA News</news:name><news:language>{a.language}</news:language>"
            f"</news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date>"
            f"<news:title>{_e(a.title)}</news:title></news:news></url>"
            for a in recent
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
            ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{urls}\n</urlset>\n"
        )
        content_type = "application/xml; charset=utf-8"
        return _Response(200, body.encode(), content_type, _newest(recent, self.now))

    # -- page chrome

    def _layout(self, title: str, main: str, head: str = "", lang: str = "id") -> str:
        """The full page around ``main``: header, nav, breaking-news ticker, footer."""
        nav = "".join(f'<li><a href="/kanal/{_slugify(s)}">{_e(s)}</a></li>' for s in self.sections)
        ticker = _link_list(self.articles[:5], "ticker")
        return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<link rel="alternate" type="application/rss+xml" title="ANTARA News - Terkini"
 href="{self.base_url}/rss/terkini.xml">
{head}<style>{_NEWS_CSS}</style>
</head>
<body>
<header class="header"><div class="top-header">
<a class="logo" href="/"><img src="/img/antaranews-logo.svg" alt="ANTARA News"></a>
<form class="search" action="/search" method="get">
<input type="search" name="q" placeholder="Cari berita..."></form></div>
<nav class="navbar" aria-label="Kanal"><ul><li><a href="/">Beranda</a></li>
<li><a href="/terkini">Terkini</a></li>{nav}</ul></nav>
<div class="breaking-news"><span class="label">Breaking News</span>{ticker}</div>
</header>
<div class="wrap">
{main}
</div>
<footer class="footer"><p>ANTARA - Kantor Berita Indonesia. Wisma ANTARA,
Jl. Medan Merdeka Selatan No. 17, Jakarta Pusat 10110.</p>
<p><a href="/terkini">Indeks Berita</a> &middot; Tentang Kami &middot; Pedoman Media Siber
 &middot; Kebijakan Privasi</p>
<p>&copy; {self.now.year} ANTARA. Dilarang mengambil dan/atau menayangkan ulang sebagian
atau keseluruhan artikel tanpa izin.</p>
</footer>
</body>
</html>
"""

    def _sidebar(self, language: str = "id") -> str:
        """The "Terpopuler" box."""
        label = _NEWS_LABELS[language]["popular"]
        items = "".join(
            f'<li><a href="{a.path}">{_e(a.title)}</a>'
            f'<span class="date">{tanggal(a.published)}</span></li>'
            for a in _popular(self.articles, 5)
        )
        return (
            '<aside class="sidebar"><section class="widget popular">'
            f"<h3>{label}</h3><ol>{items}</ol></section></aside>"
        )

    def _card(self, article: DemoArticle) -> str:
        """One item of a listing."""
        return f"""<article class="card__post">
<a href="{article.path}">
<img src="/img/berita/thumb/{article.id}.jpg" alt="" width="200" height="133"></a>
<h3 class="card__post__title"><a href="{article.path}">{_e(article.title)}</a></h3>
<p class="card__post__meta"><span class="section">{_e(article.section)}</span> &middot;
<span class="date">{tanggal_jam(article.published)}</span></p>
<p class="card__post__excerpt">{_e(_excerpt(article))}</p>
</article>"""

    # -- listings

    def _home(self) -> _Response:
        """Home page: the ten newest articles and a link to the index."""
        cards = "\n".join(self._card(a) for a in self.articles[:NEWS_PAGE_SIZE])
        main = (
            f'<main class="main-content"><h1 class="section-title">Berita Terkini</h1>{cards}'
            '<p><a class="btn" href="/terkini">Indeks berita selengkapnya</a></p></main>'
            f"{self._sidebar()}"
        )
        page = self._layout("ANTARA News - Berita Terkini dan Terbaru Hari Ini", main)
        return _html(page, _newest(self.articles, self.now))

    def _listing(
        self,
        base_path: str,
        heading: str,
        articles: Sequence[DemoArticle],
        query: Mapping[str, list[str]],
    ) -> _Response:
        """A paginated listing, ten items per page, newest first."""
        page = _page_number(query)
        items, pages = _paginate(articles, page or 1, NEWS_PAGE_SIZE)
        if page is None or page > pages:
            return self._not_found()
        cards = "\n".join(self._card(a) for a in items)
        labels = ("&laquo; Sebelumnya", "Selanjutnya &raquo;")
        pagination = _pagination(base_path, page, pages, labels)
        main = (
            f'<main class="main-content"><h1 class="section-title">{_e(heading)}</h1>'
            f"{cards}{pagination}</main>{self._sidebar()}"
        )
        title = f"{heading} - Halaman {page} - ANTARA News"
        return _html(self._layout(title, main), _newest(items, self.now))

    def _section(self, path: str, query: Mapping[str, list[str]]) -> _Response:
        """A section listing such as /kanal/ekonomi."""
        wanted = path.removeprefix("/kanal/")
        for section in self.sections:
            if _slugify(section) == wanted:
                chosen = [a for a in self.articles if a.section == section]
                return self._listing(path, section, chosen, query)
        return self._not_found()

    # -- articles

    def _lookup(self, raw_id: str) -> DemoArticle | None:
        """The article with this numeric id, if any."""
        return self.by_id.get(int(raw_id)) if raw_id.isdigit() else None

    def _article_route(self, parts: Sequence[str]) -> _Response:
        """/berita/<id>/<slug> is the article; /berita/<id> or a wrong slug redirects to it."""
        article = self._lookup(parts[0])
        if article is None:
            return self._not_found()
        if len(parts) == 2 and parts[1] == article.slug:
            return self._article(article)
        return _redirect(self.base_url + article.path)

    def _amp_route(self, raw_id: str, slug: str) -> _Response:
        """/amp/berita/<id>/<slug>: the AMP variant."""
        article = self._lookup(raw_id)
        if article is None or article.slug != slug:
            return self._not_found()
        return self._amp(article)

    def _json_ld(self, article: DemoArticle) -> str:
        """Schema.org NewsArticle metadata, safe to embed in a script element."""
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": PUBLIC_URLS[NEWS] + article.path},
            "headline": article.title,
            "description": _excerpt(article, 160),
            "image": [f"{self.base_url}/img/berita/{article.id}.jpg"],
            "datePublished": article.published.isoformat(),
            "dateModified": article.published.isoformat(),
            "inLanguage": article.language,
            "articleSection": article.section,
            "keywords": list(article.tags),
            "author": [{"@type": "Person", "name": article.author}],
            "publisher": {
                "@type": "Organization",
                "name": "ANTARA",
                "logo": {"@type": "ImageObject", "url": f"{self.base_url}/img/antaranews-logo.png"},
            },
        }
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")

    def _article_head(self, article: DemoArticle) -> str:
        """Meta, canonical, AMP, Open Graph and JSON-LD of an article page."""
        url = PUBLIC_URLS[NEWS] + article.path
        description = _e(_excerpt(article, 160))
        tags = "".join(
            f'<meta property="article:tag" content="{_e(tag)}">\n' for tag in article.tags
        )
        return f"""<meta name="description" content="{description}">
<meta name="author" content="{_e(article.author)}">
<link rel="canonical" href="{url}">
<link rel="amphtml" href="{self.base_url}/amp{article.path}">
<meta property="og:site_name" content="ANTARA News">
<meta property="og:title" content="{_e(article.title)}">
<meta property="og:type" content="article">
<meta property="og:url" content="{url}">
<meta property="og:description" content="{description}">
<meta property="og:image" content="{self.base_url}/img/berita/{article.id}.jpg">
<meta property="article:published_time" content="{article.published.isoformat()}">
<meta property="article:section" content="{_e(article.section)}">
{tags}<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{self._json_ld(article)}</script>
"""

    def _body_inserts(self, article: DemoArticle, labels: Mapping[str, str]) -> dict[int, str]:
        """Boilerplate placed after given paragraphs: "Baca juga", an ad slot, a photo credit."""
        also = _related(article, self.articles, 6)[4:6]
        initials = "".join(word[0].lower() for word in article.author.split())[:3]
        inserts = {
            1: '<div class="ads-slot"><span class="ads-label">ADVERTISEMENT</span>'
            '<div class="ad" id="div-gpt-ad-inarticle"></div>'
            '<span class="ads-scroll">SCROLL TO CONTINUE WITH CONTENT</span></div>',
            2: f'<figure class="inline-photo"><img src="/img/berita/{article.id}-2.jpg" alt="">'
            f"<figcaption>Arsip foto - {_e(article.image_caption)} "
            f"(ANTARA FOTO/{_e(article.author)}/{initials})</figcaption></figure>",
        }
        positions = (0, max(3, len(article.paragraphs) - 2))
        for position, other in zip(positions, also, strict=False):
            inserts[position] = (
                f'<p class="baca-juga"><span>{labels["also"]}</span> '
                f'<a href="{other.path}">{_e(other.title)}</a></p>'
            )
        return inserts

    def _article_body(self, article: DemoArticle, labels: Mapping[str, str]) -> str:
        """The body paragraphs with boilerplate in between and the credit block after."""
        inserts = self._body_inserts(article, labels)
        parts: list[str] = []
        for index, paragraph in enumerate(article.paragraphs):
            parts.append(f"<p>{_e(paragraph)}</p>")
            if index in inserts:
                parts.append(inserts[index])
        parts.append(
            f'<p class="text-muted credits">{labels["reporter"]}: {_e(article.author)}<br>'
            f"Editor: {_e(article.editor)}<br>COPYRIGHT &copy; ANTARA {article.published.year}</p>"
        )
        return "\n".join(parts)

    def _article(self, article: DemoArticle) -> _Response:
        """A full news article page."""
        labels = _NEWS_LABELS.get(article.language, _NEWS_LABELS["id"])
        english = article.language == "en"
        when = english_date(article.published) if english else tanggal_jam(article.published)
        tags = "".join(f'<li class="tag">{_e(tag)}</li>' for tag in article.tags)
        related = _link_list(_related(article, self.articles, 4), "related-list")
        main = f"""<main class="main-content">
<ol class="breadcrumb"><li><a href="/">Beranda</a></li>
<li><a href="/kanal/{_slugify(article.section)}">{_e(article.section)}</a></li></ol>
<article class="post-wrapper">
<header><h1 class="post-title">{_e(article.title)}</h1>
<p class="post-meta"><span class="byline">{labels["reporter"]}: {_e(article.author)}</span>
<span class="editor">Editor: {_e(article.editor)}</span>
<time datetime="{article.published.isoformat()}">{when}</time></p></header>
<figure class="wrap-image">
<img src="/img/berita/{article.id}.jpg" alt="{_e(article.title)}" width="800" height="533">
<figcaption>{_e(article.image_caption)} ANTARA/{_e(article.author)}</figcaption></figure>
<div class="post-content clearfix">
{self._article_body(article, labels)}
</div>
<div class="tags-wrapper"><h4>{labels["tags"]}:</h4><ul>{tags}</ul></div>
{_share_bar(self.base_url + article.path, article.title, labels["share"])}
<section class="related"><h3>{labels["related"]}</h3>{related}</section>
<section class="comments" id="komentar"><h3>{labels["comments"]}</h3><p>{labels["comment_note"]}</p>
<div id="disqus_thread"></div></section>
</article></main>
{self._sidebar(article.language)}"""
        head = self._article_head(article)
        page = self._layout(f"{article.title} - ANTARA News", main, head, article.language)
        return _html(page, article.published)

    def _amp(self, article: DemoArticle) -> _Response:
        """A minimal AMP variant whose canonical link points to the main article URL."""
        body = "\n".join(f"<p>{_e(p)}</p>" for p in article.paragraphs)
        page = f"""<!DOCTYPE html>
<html amp lang="{article.language}">
<head>
<meta charset="utf-8">
<title>{_e(article.title)} - ANTARA News</title>
<link rel="canonical" href="{PUBLIC_URLS[NEWS]}{article.path}">
<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">
<script async src="https://cdn.ampproject.org/v0.js"></script>
</head>
<body>
<header><a href="/">ANTARA News</a></header>
<article><h1>{_e(article.title)}</h1><p class="date">{tanggal_jam(article.published)}</p>
{body}
<p>Pewarta: {_e(article.author)}<br>Editor: {_e(article.editor)}</p></article>
</body>
</html>
"""
        return _html(page, article.published)

    def _not_found(self) -> _Response:
        """The news site's 404 page."""
        main = (
            '<main class="main-content error-404"><h1>404 - Halaman tidak ditemukan</h1>'
            "<p>Maaf, berita atau halaman yang Anda cari tidak tersedia, sudah dihapus,"
            " atau alamatnya salah.</p>"
            f'<p><a href="/">Kembali ke beranda</a></p></main>{self._sidebar()}'
        )
        return _html(self._layout("Halaman tidak ditemukan - ANTARA News", main), status=404)


# --------------------------------------------------------------------------- HTTP


def _etag(body: bytes) -> str:
    """A strong ETag derived from the response body."""
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


def _not_modified(headers: Mapping[str, str], etag: str, last_modified: datetime | None) -> bool:
    """Whether the conditional request headers allow a 304 answer.

    If-None-Match takes precedence over If-Modified-Since, as RFC 9110 says.
    """
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    since_header = headers.get("If-Modified-Since")
    if since_header is None or last_modified is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(since_header)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


class _DemoServer(ThreadingHTTPServer):
    """One site's HTTP server: remembers its site key, request recorder and router."""

    daemon_threads = True

    def __init__(self, host: str, site: str, record: Callable[[str, str], None]) -> None:
        """Bind to ``host`` on a free port (port 0)."""
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, 0), _DemoHandler)
        self.site = site
        self.record = record
        self.app: _App | None = None


class _DemoHandler(BaseHTTPRequestHandler):
    """Serves GET and HEAD from the server's router, with validators and 304 support."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "nginx"
    sys_version = ""
    timeout = 10

    def do_GET(self) -> None:
        """Answer a GET request."""
        self._serve(head=False)

    def do_HEAD(self) -> None:
        """Answer a HEAD request (same headers as GET, no body)."""
        self._serve(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and demos should not print access logs."""

    def _serve(self, head: bool) -> None:
        """Record the request, route it, and write the response."""
        server = cast(_DemoServer, self.server)
        server.record(server.site, self.path)
        split = urlsplit(self.path)
        if server.app is None:
            response = _Response(503, b"Service starting", "text/plain; charset=utf-8")
        else:
            response = server.app.respond(split.path or "/", parse_qs(split.query))
        self._send(response, head)

    def _send(self, response: _Response, head: bool) -> None:
        """Write status, headers and (unless HEAD or 304) the body."""
        etag = _etag(response.body)
        headers = cast(Mapping[str, str], self.headers)
        if response.status == 200 and _not_modified(headers, etag, response.last_modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self._send_last_modified(response)
            self.end_headers()
            return
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        if response.status == 200:
            self.send_header("ETag", etag)
            self._send_last_modified(response)
        if response.location is not None:
            self.send_header("Location", response.location)
        self.send_header("Cache-Control", "public, max-age=60")
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _send_last_modified(self, response: _Response) -> None:
        """Send Last-Modified when the response has a date."""
        if response.last_modified is not None:
            self.send_header("Last-Modified", _http_date(response.last_modified))


class DemoSite:
    """Both demo sites, each on its own HTTP server on a free port; use as a context manager.

    ``requests`` records ``(site, path-with-query)`` of every request served, in
    order, so tests can check what a crawler fetched (and that it fetched
    nothing twice).
    """

    def __init__(self, host: str = "127.0.0.1", now: datetime | None = None,
                 articles: list[DemoArticle] | None = None) -> None:
        """Load the articles dated relative to ``now`` (default: the current time), or serve
        ``articles`` instead (benchmarks serve thousands)."""
        self.host = host
        self.now = _jakarta_now(now)
        self.articles: list[DemoArticle] = (
            sorted(articles, key=lambda a: a.published, reverse=True) if articles is not None
            else load_articles(self.now))
        self.requests: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._servers: dict[str, _DemoServer] = {}
        self._threads: list[threading.Thread] = []

    @property
    def ministry_url(self) -> str:
        """Base URL of the ministry site, e.g. ``http://127.0.0.1:41234`` (after start)."""
        return self._base_url(MINISTRY)

    @property
    def news_url(self) -> str:
        """Base URL of the news site (after start)."""
        return self._base_url(NEWS)

    def canonical_url(self, article: DemoArticle) -> str:
        """The address the article's page declares as its own (the same on every run)."""
        return PUBLIC_URLS[article.site] + article.path

    def url_for(self, article: DemoArticle) -> str:
        """Absolute URL of an article on its own site."""
        return self._base_url(article.site) + article.path

    def articles_of(self, site: str) -> list[DemoArticle]:
        """The articles of one site, newest first."""
        return [a for a in self.articles if a.site == site]

    def paths_requested(self, site: str) -> list[str]:
        """Paths (with query) requested from one site, in order."""
        with self._lock:
            return [path for name, path in self.requests if name == site]

    def start(self) -> DemoSite:
        """Bind both servers to free ports and serve them in daemon threads."""
        if self._servers:
            raise RuntimeError("DemoSite is already started")
        try:
            for site in SITES:
                self._servers[site] = _DemoServer(self.host, site, self._record)
        except BaseException:
            self.stop()
            raise
        ministry = _MinistryApp(self.ministry_url, self.articles_of(MINISTRY), self.now)
        self._servers[MINISTRY].app = ministry
        self._servers[NEWS].app = _NewsApp(self.news_url, self.articles_of(NEWS), self.now)
        for site, server in self._servers.items():
            name = f"pantau-demo-{site}"
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop both servers and release their ports; safe to call twice."""
        for server, thread in zip(self._servers.values(), self._threads, strict=False):
            if thread.is_alive():
                server.shutdown()
        for server in self._servers.values():
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DemoSite:
        """Start the servers."""
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the servers."""
        self.stop()

    def _record(self, site: str, path: str) -> None:
        """Append one served request to ``requests`` (called from server threads)."""
        with self._lock:
            self.requests.append((site, path))

    def _base_url(self, site: str) -> str:
        """Base URL of one running server."""
        server = self._servers.get(site)
        if server is None:
            raise RuntimeError("DemoSite is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{server.server_port}"
