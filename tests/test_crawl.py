"""Crawling a loopback internet end to end: entry points of every kind, politeness, repeat
crawls that cost only conditional requests, and hosts that misbehave."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from email.utils import format_datetime
from itertools import pairwise
from pathlib import Path

import pytest

from storage import Archive
from tests.internet import NOW, Reply, Site, article_page, gzipped_truncated, html

ROOT = Path(__file__).resolve().parents[1]
PARAGRAPHS = [
    "Sebanyak 120 pekerja migran Indonesia diberangkatkan ke Korea Selatan melalui skema G to G "
    "setelah lulus ujian EPS-TOPIK, kata pejabat kementerian di Jakarta, Senin.",
    "Para calon pekerja telah mengikuti orientasi pra pemberangkatan selama tiga hari dan "
    "menerima penjelasan tentang hak serta kewajiban mereka di negara penempatan.",
    "Pemerintah berharap kuota penempatan tahun depan dapat ditambah seiring meningkatnya "
    "permintaan tenaga kerja di sektor manufaktur dan perikanan di Korea Selatan.",
]


def story(n: int) -> list[str]:
    """Paragraphs that make article n's body unique."""
    return [f"Laporan nomor {n}: " + PARAGRAPHS[0], *PARAGRAPHS[1:]]


def rss(site: Site, items: list[tuple[str, str | None]]) -> bytes:
    entries = "".join(
        f"<item><title>Berita</title><link>{site.url}{path}</link>"
        + (f"<pubDate>{when}</pubDate>" if when else "") + "</item>" for path, when in items)
    return ("\ufeff<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
            f"<title>Terkini</title>{entries}</channel></rss>").encode()


def recent(hours: float = 2) -> str:
    return format_datetime(NOW - timedelta(hours=hours))


@dataclass
class World:
    agency: Site
    ministry: Site
    wild: Site
    flaky: Site
    config: Path
    db: Path


def build_agency(site: Site) -> None:
    """A news agency: a BOM-prefixed RSS feed, a sitemap index (listing itself), a Google News
    sitemap, an AMP link, an article split over two pages, and old stories."""
    site.route("/robots.txt", Reply(f"User-agent: *\nDisallow: /private/\nSitemap: {site.url}"
                                    "/sitemap.xml\n".encode()))
    site.route("/rss.xml", Reply(rss(site, [
        ("/berita/1/satu?utm_source=rss", recent()),
        ("/amp/berita/2/dua", recent(3)),
        ("/berita/3/tiga", recent(4)),
        ("/berita/9/lama", format_datetime(NOW - timedelta(days=30))),
        ("/private/rahasia", recent()),
    ]), headers={"Content-Type": "application/rss+xml"}, conditional=True))
    site.route("/sitemap.xml", Reply(
        f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>{site.url}/sitemap.xml</loc></sitemap>
        <sitemap><loc>{site.url}/sitemap-news.xml</loc></sitemap></sitemapindex>""".encode(),
        headers={"Content-Type": "application/xml"}, conditional=True))
    site.route("/sitemap-news.xml", Reply(
        f"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
        <url><loc>{site.url}/berita/1/satu</loc><news:news><news:publication_date>
        {NOW.isoformat()}</news:publication_date></news:news></url>
        <url><loc>{site.url}/berita/4/empat</loc><news:news><news:publication_date>
        {NOW.isoformat()}</news:publication_date></news:news></url>
        <url><loc>{site.url}/berita/8/kuno</loc><lastmod>2019-01-01</lastmod></url>
        </urlset>""".encode(), headers={"Content-Type": "application/xml"}, conditional=True))
    for n, slug in ((1, "satu"), (2, "dua"), (4, "empat")):
        site.route(f"/berita/{n}/{slug}", html(article_page(
            f"Berita {slug}", story(n), NOW, canonical=f"{site.url}/berita/{n}/{slug}")))
    site.route("/berita/3/tiga", html(article_page(
        "Berita tiga", story(3), NOW, extra='<a href="/berita/3/tiga?page=2">2</a>')))
    site.route("/berita/3/tiga?page=2", html(article_page(
        "Berita tiga", ["Halaman kedua: para pekerja akan tiba di Incheon pekan depan dan "
                        "langsung menjalani pelatihan kerja di perusahaan penempatan."] * 2)))


def build_ministry(site: Site) -> None:
    """A ministry without feeds: a paginated listing, an endless calendar, a JSON endpoint,
    and a robots.txt Crawl-delay."""
    site.route("/robots.txt", Reply(b"User-agent: *\nCrawl-delay: 0.3\n"))
    for page in (1, 2):
        links = "".join(f'<li><a href="/news/detail/s{page}{i}">Judul {page}{i}</a></li>'
                        for i in range(2))
        next_link = '<a rel="next" href="/news?page=2">Selanjutnya</a>' if page == 1 else ""
        site.route("/news" if page == 1 else "/news?page=2",
                   Reply(f"<html><body><ul>{links}</ul>{next_link}</body></html>".encode(),
                         headers={"Content-Type": "text/html"}, conditional=True))

    def calendar(path: str, _headers: dict[str, str]) -> Reply:
        day = int(path.rsplit("=", 1)[1]) if "=" in path else 0
        page = f'<a href="/news/detail/s10">Agenda</a><a href="/agenda?d={day + 1}">›</a>'
        return Reply(page.encode(), headers={"Content-Type": "text/html"}, conditional=True)

    site.route("/agenda", calendar)
    site.route("/api/news", Reply(json.dumps({"data": [
        {"slug": "api-satu", "created_at": NOW.isoformat()},
        {"slug": "api-dua", "created_at": NOW.isoformat()},
    ]}).encode(), headers={"Content-Type": "application/json"}, conditional=True))
    for n, slug in enumerate(("s10", "s11", "s20", "s21", "api-satu", "api-dua"), start=20):
        site.route(f"/news/detail/{slug}", html(article_page(f"Siaran pers {slug}", story(n),
                                                              NOW)))


def build_wild(site: Site) -> None:
    """A host whose pages go wrong in every way a crawl meets."""
    old = format_datetime(NOW - timedelta(days=40))
    site.route("/feed", Reply(rss(site, [
        ("/a/cp1252", "Senin, 32 Okt 2026 99:99 WIB"),  # a broken date: no date, still read
        ("/a/gzip", recent()), ("/a/loop", recent()), ("/a/huge", recent()),
        ("/a/old", None), ("/a/pdf", recent()), ("/a/empty", recent()),
    ]), headers={"Content-Type": "application/rss+xml"}))
    site.route("/broken-sitemap", Reply(b"<urlset><url><loc>http://x/<", headers={
        "Content-Type": "application/xml"}))
    cp1252 = article_page("Harga kopi – naik", [p.replace("Korea", "Korea “Selatan”")
                                                  for p in story(40)])
    site.route("/a/cp1252", Reply(cp1252.replace('charset="utf-8"', 'charset="windows-1252"')
                                  .replace("<meta charset=\"utf-8\">",
                                           '<meta charset="windows-1252">')
                                  .encode("cp1252"), headers={"Content-Type": "text/html"}))
    site.route("/a/gzip", gzipped_truncated(article_page("Gzip", story(41))))
    site.route("/a/loop", Reply(status=301, headers={"Location": "/a/loop2"}))
    site.route("/a/loop2", Reply(status=301, headers={"Location": "/a/loop"}))
    site.route("/a/huge", html(article_page("Besar", story(42) * 4000)))
    site.route("/a/old", html(article_page("Lama", story(43), NOW - timedelta(days=40))))
    site.route("/a/pdf", Reply(b"%PDF-1.4\n", headers={"Content-Type": "application/pdf"}))
    site.route("/a/empty", html("<html><body><nav>Beranda</nav></body></html>"))
    assert old


def build_flaky(site: Site) -> None:
    """A host that rate-limits once (429 + Retry-After) and one page that never answers."""
    site.route("/rss", Reply(rss(site, [("/b/limited", recent()), ("/b/slow", recent())]),
                             headers={"Content-Type": "application/rss+xml"}))
    answers = iter([Reply(b"slow down", 429, {"Retry-After": "1"})])

    def limited(_path: str, _headers: dict[str, str]) -> Reply:
        return next(answers, None) or html(article_page("Dibatasi", story(50), NOW))

    site.route("/b/limited", limited)
    site.route("/b/slow", Reply(b"", delay=6))


def crawl(world: World) -> tuple[dict, str]:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-m", "pantau.cli", "--config", str(world.config),
                             "crawl", "--json", "--no-deliver"], capture_output=True, text=True,
                            timeout=300, cwd=ROOT, check=False,
                            env={**os.environ, "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    sites = [Site() for _ in range(4)]
    for site, build in zip(sites, (build_agency, build_ministry, build_wild, build_flaky),
                           strict=True):
        build(site)
        site.start()
    agency, ministry, wild, flaky = sites
    folder = tmp_path_factory.mktemp("crawl")
    config = folder / "pantau.toml"
    config.write_text(f"""
[pantau]
archive = "archive.db"
rule_packs = []
download_timeout = 3  # generous for a loaded machine; the slow page takes longer still
max_page_kb = 512
download_delay = 0
concurrent_per_host = 4

[[sources]]
name = "agency"
feeds = ["{agency.url}/rss.xml"]
sitemaps = ["{agency.url}/sitemap.xml"]
article_pattern = "/berita/"
allow_private = true

[[sources]]
name = "ministry"
listings = ["{ministry.url}/news", "{ministry.url}/agenda"]
json_listings = ["{ministry.url}/api/news"]
json_url_template = "{ministry.url}/news/detail/{{slug}}"
article_pattern = "/news/detail/"
max_pages = 3
allow_private = true

[[sources]]
name = "wild"
feeds = ["{wild.url}/feed"]
sitemaps = ["{wild.url}/broken-sitemap"]
allow_private = true

[[sources]]
name = "flaky"
feeds = ["{flaky.url}/rss"]
allow_private = true

[[sources]]
name = "intranet"
feeds = ["{agency.url}/rss.xml"]
""", encoding="utf-8")
    yield World(agency, ministry, wild, flaky, config, folder / "archive.db")
    for site in sites:
        site.stop()


@pytest.fixture(scope="module")
def crawls(world: World) -> tuple[dict, str, dict, str, dict[str, int]]:  # type: ignore[type-arg]
    first, first_log = crawl(world)
    marks = {name: len(getattr(world, name).hits)
             for name in ("agency", "ministry", "wild", "flaky")}
    second, second_log = crawl(world)
    return first, first_log, second, second_log, marks


def articles(world: World) -> dict[str, str]:
    with Archive.open(world.db) as archive:
        return {a.canonical_url.rsplit("/", 1)[-1]: a.text
                for a in archive.articles_after(0, limit=1000)}


def test_feeds_sitemaps_listings_and_json_all_lead_to_articles(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    first = crawls[0]
    got = articles(world)
    assert {"satu", "dua", "tiga", "empat"} <= set(got)  # feed, AMP link, split, news sitemap
    assert {"s10", "s11", "s20", "s21", "api-satu", "api-dua"} <= set(got)
    assert first["sources"]["agency"]["new_articles"] == 4
    assert first["sources"]["ministry"]["new_articles"] == 6


def test_old_entries_and_robots_disallowed_pages_are_not_fetched(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    paths = world.agency.paths()
    assert "/berita/9/lama" not in paths and "/berita/8/kuno" not in paths
    assert "/private/rahasia" not in paths
    assert paths.count("/berita/1/satu") == 1  # in the feed (with utm_source) and the sitemap


def test_amp_links_fetch_the_plain_page(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    assert "/berita/2/dua" in world.agency.paths()
    assert "/amp/berita/2/dua" not in world.agency.paths()


def test_an_article_split_over_pages_is_joined(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    text = articles(world)["tiga"]
    assert "Laporan nomor 3" in text and "Halaman kedua" in text


def test_endless_calendar_pagination_stops_at_max_pages(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    agenda = [p for p in world.ministry.paths()[: crawls[4]["ministry"]]
              if p.startswith("/agenda")]
    assert len(agenda) == 3


def test_crawl_delay_is_kept_between_requests_to_a_host(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    times = sorted(hit.at for hit in world.ministry.hits[1: crawls[4]["ministry"]])
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert min(gaps) >= 0.25


def test_retry_after_is_honoured_and_timeouts_are_survived(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    first, log = crawls[0], crawls[1]
    limited = [hit for hit in world.flaky.hits if hit.path == "/b/limited"]
    assert [hit.status for hit in limited][:2] == [429, 200]
    # Retry-After: 1 counts from the 429's response, which leaves after its hit is recorded.
    assert limited[1].at - limited[0].at >= 1.0
    assert "limited" in " ".join(articles(world))
    assert first["sources"]["flaky"]["errors"] >= 1
    assert "/b/slow" in log and "took longer than" in log


def test_every_kind_of_broken_page_is_logged_counted_and_survived(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    first, log = crawls[0], crawls[1]
    got = articles(world)
    assert "Korea “Selatan”" in got["cp1252"]  # windows-1252 decoded from the meta charset
    assert "old" not in got and "empty" not in got and "pdf" not in got
    assert "malformed sitemap" in log
    assert "is not an HTML page (application/pdf)" in log
    assert "/a/huge" in log and "larger than download max size" in log
    first_crawl = world.wild.paths()[: crawls[4]["wild"]]
    assert first_crawl.count("/a/loop") == 1  # the redirect loop is cut, not followed
    with Archive.open(world.db) as archive:
        run = archive.crawl_runs(limit=20, source="wild")[-1]  # the first crawl
    # The truncated gzip stream decodes to a fragment without an article.
    assert run.dropped == {"too-old": 1, "no-article": 2, "not-html": 1}
    assert first["sources"]["wild"]["errors"] >= 2


def test_internal_addresses_are_refused_unless_allowed(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    first, log = crawls[0], crawls[1]
    assert first["sources"]["intranet"]["pages"] == 0
    assert "is an internal address (set allow_private = true" in log


def test_a_repeat_crawl_costs_only_conditional_requests(world: World, crawls) -> None:  # type: ignore[no-untyped-def]
    second, marks = crawls[2], crawls[4]
    assert second["new_articles"] == 0
    for name in ("agency", "ministry"):
        site: Site = getattr(world, name)
        repeat = [hit for hit in site.hits[marks[name]:]
                  if hit.path not in ("/robots.txt", "/sitemap.xml")]
        assert repeat, name
        assert all("if-none-match" in hit.headers for hit in repeat), name
        assert {hit.status for hit in repeat} == {304}, name
    with Archive.open(world.db) as archive:
        run = archive.crawl_runs(limit=1, source="agency")[0]
    # The sitemap index is read whole every time (its children may change while it does not);
    # the feed and the news sitemap answer 304.
    assert run.not_modified == 2 and run.responses_2xx == 2


WIRE = [
    "Pemerintah Provinsi Nusa Tenggara Timur memulangkan jenazah seorang pekerja migran "
    "Indonesia yang meninggal dunia di Sabah, Malaysia, setelah tiga pekan dirawat di rumah sakit "
    "setempat akibat kecelakaan kerja di perkebunan kelapa sawit.",
    "Kepala Balai Pelayanan Pelindungan Pekerja Migran Indonesia NTT mengatakan jenazah tiba di "
    "Bandara El Tari Kupang pada Selasa malam dan langsung diserahkan kepada keluarga di "
    "Kabupaten Timor Tengah Selatan untuk dimakamkan.",
    "Menurut dia, almarhum berangkat secara nonprosedural melalui jalur darat di Entikong tanpa "
    "dokumen penempatan yang sah, sehingga tidak terdaftar sebagai peserta jaminan sosial "
    "ketenagakerjaan dan keluarganya kesulitan mengurus hak-haknya.",
    "Pemerintah daerah mengimbau masyarakat agar tidak tergiur tawaran calo yang menjanjikan "
    "pekerjaan bergaji tinggi di luar negeri tanpa prosedur resmi, karena para pekerja "
    "nonprosedural rentan menjadi korban perdagangan orang.",
    "Sepanjang tahun ini, BP3MI NTT mencatat lebih dari seratus jenazah pekerja migran asal "
    "provinsi itu dipulangkan dari Malaysia, sebagian besar berangkat tanpa dokumen resmi.",
]


def outlet(name: str, paragraphs: list[str], other: list[str]) -> Site:
    site = Site()
    site.route("/feed", Reply(rss(site, [("/berita/1/wire", recent()),
                                         ("/berita/2/lokal", recent())]),
                              headers={"Content-Type": "application/rss+xml"}))
    site.route("/berita/1/wire", html(article_page(
        f"Jenazah PMI asal NTT dipulangkan dari Malaysia - {name}", paragraphs, NOW)))
    site.route("/berita/2/lokal", html(article_page(f"Berita lokal {name}", other, NOW)))
    return site.start()


def test_a_story_syndicated_by_three_outlets_is_one_cluster(tmp_path: Path) -> None:
    copies = {
        "Antara": ["KUPANG (ANTARA) - " + WIRE[0], *WIRE[1:]],
        "Pos Kupang": ["Kupang - " + WIRE[0], WIRE[1], "Baca juga: Harga beras naik di Kupang",
                       *WIRE[2:4]],  # the last paragraph cut, a "Baca juga" line added
        "Warta NTT": [WIRE[0].replace("seorang", "satu orang"), *WIRE[1:]],
    }
    others = {
        "Antara": ["Harga cabai rawit di pasar tradisional Kupang naik hingga Rp80.000 per "
                   "kilogram menjelang Natal, kata pedagang di Pasar Oebobo, Rabu.",
                   "Dinas Perdagangan berjanji menggelar operasi pasar pekan depan untuk menahan "
                   "kenaikan harga bahan pokok lain seperti bawang merah dan telur ayam ras."],
        "Pos Kupang": ["Tim sepak bola El Tari Memorial Cup dari Kabupaten Sikka melaju ke "
                       "babak final setelah mengalahkan Belu dengan skor 2-1 di Stadion Oepoi.",
                       "Pelatih Sikka memuji disiplin pemainnya yang bertahan rapat sepanjang "
                       "babak kedua meski bermain dengan sepuluh orang sejak menit ke-70."],
        "Warta NTT": ["Banjir bandang melanda tiga desa di Kabupaten Malaka setelah hujan deras "
                      "mengguyur wilayah itu selama dua hari, merendam ratusan rumah warga.",
                      "Badan Penanggulangan Bencana Daerah mendirikan dapur umum dan posko "
                      "kesehatan bagi warga yang mengungsi ke gedung sekolah dan gereja."],
    }
    sites = [outlet(name, text, others[name]) for name, text in copies.items()]
    try:
        config = tmp_path / "pantau.toml"
        config.write_text('[pantau]\narchive = "archive.db"\ndownload_delay = 0\n'
                          'rule_packs = []\n' + "".join(
                              f'[[sources]]\nname = "outlet-{n}"\nfeeds = ["{site.url}/feed"]\n'
                              'allow_private = true\n' for n, site in enumerate(sites)))
        world = World(sites[0], sites[1], sites[2], sites[0], config, tmp_path / "archive.db")
        summary, _ = crawl(world)
    finally:
        for site in sites:
            site.stop()
    assert summary["new_articles"] == 6
    with Archive.open(tmp_path / "archive.db") as archive:
        clusters: dict[int, list[str]] = {}
        for article in archive.articles_after(0):
            clusters.setdefault(article.cluster_id or article.id, []).append(article.url)
    sizes = sorted(len(urls) for urls in clusters.values())
    assert sizes == [1, 1, 1, 3]
    (wire,) = [urls for urls in clusters.values() if len(urls) == 3]
    assert all(url.endswith("/berita/1/wire") for url in wire)
