"""One story, one message: syndicated and lightly edited copies join one cluster, and only they."""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path

from pantau.demo.receiver import ChatReceiver
from storage import Archive, ArticleRecord, NewMatch
from storage.archive import POSTINGS_READ
from storage.neardup import MIN_WORDS, SAMPLE_EVERY, sample, words
from tests.test_delivery import deliver, slack

DEMO = json.loads((Path(__file__).resolve().parents[1] / "pantau" / "demo" /
                   "articles.json").read_text(encoding="utf-8"))


def record(item: dict[str, object], *, site: str | None = None,
           paragraphs: list[str] | None = None, title: str | None = None) -> ArticleRecord:
    url = f"https://{site or item['site']}.example/{item['slug']}"
    return ArticleRecord(url=url, canonical_url=url, source=str(site or item["site"]),
                         title=title or str(item["title"]),
                         text="\n".join(paragraphs or item["paragraphs"]))  # type: ignore[arg-type]


def test_among_the_demo_articles_only_the_syndicated_pair_is_merged(archive: Archive) -> None:
    for item in DEMO:
        archive.add_article(record(item))
    articles = archive.articles_after(0, limit=100)
    sizes = Counter(a.cluster_id for a in articles)
    merged = [sorted(DEMO[a.id - 1]["story"] for a in articles if a.cluster_id == cluster)
              for cluster, size in sizes.items() if size > 1]
    assert len(articles) == 34
    assert merged == [["saudi-spsk", "saudi-spsk"]]


def edited(paragraphs: list[str], seed: int) -> list[str]:
    """What an outlet does to a wire story: a new first line, a trimmed end, a few words
    changed, a "Baca juga" box."""
    rng = random.Random(seed)
    words = " ".join(paragraphs[:-1]).split()
    for index in rng.sample(range(len(words)), 6):
        words[index] = rng.choice(["tersebut", "pihaknya", "kemarin", "Senin"])
    return ["JAKARTA, KOMPAS.com —", " ".join(words), "Baca juga: Harga beras naik lagi"]


def test_lightly_edited_copies_join_the_cluster(archive: Archive) -> None:
    for number, item in enumerate(DEMO, start=1):
        archive.add_article(record(item))
        copy = archive.add_article(record(item, site="other",
                                          paragraphs=edited(item["paragraphs"], number),
                                          title=f"Copy: {item['title']}"))
        assert copy is not None
        original = archive.article(copy - 1)
        assert original is not None
        assert archive.article(copy).cluster_id == original.cluster_id, item["slug"]  # type: ignore[union-attr]


def test_the_message_names_the_other_outlets(archive: Archive, receiver: ChatReceiver) -> None:
    item = DEMO[0]
    first = archive.add_article(record(item))
    archive.add_article(record(item, site="tempo", paragraphs=edited(item["paragraphs"], 1)))
    assert first is not None
    archive.record_matches("test", first, [NewMatch(first, "r", ("PMI",), "**PMI**",
                                                    ("chat",))])
    (alert,) = archive.alerts()
    assert alert.outlets == (("tempo", f"https://tempo.example/{item['slug']}"),)
    deliver(archive, slack(receiver))
    assert "Also carried by tempo" in json.dumps(receiver.messages[0])


def _reference_sample(text: str) -> list[int]:
    """The sample as first defined: archives hold these hashes, so they must never change."""
    found = words(text)
    if len(found) < MIN_WORDS:
        return []
    kept = set()
    for i in range(len(found) - 2):
        gram = found[i:i + 3]
        if any(len(word) < 4 or word.isdigit() for word in gram):
            continue
        digest = int.from_bytes(hashlib.blake2b(" ".join(gram).encode(),
                                                digest_size=8).digest(), "big") >> 1
        if digest % SAMPLE_EVERY == 0:
            kept.add(digest)
    return sorted(kept)


def test_the_sample_is_the_one_archives_were_written_with() -> None:
    for item in DEMO:
        text = "\n".join(item["paragraphs"])
        assert sample(text) == _reference_sample(text), item["slug"]
        assert sample(text)


def test_a_sample_computed_by_the_crawl_is_the_one_the_archive_uses(archive: Archive) -> None:
    item = DEMO[0]
    archive.add_article(record(item))
    copy = record(item, site="other", paragraphs=edited(item["paragraphs"], 1))
    # The extraction workers hand over the sample; an empty one says "too short to compare",
    # so the lightly edited copy stays on its own.
    alone = archive.add_article(copy, shingles=())
    assert alone is not None
    assert archive.article(alone).cluster_id == alone  # type: ignore[union-attr]
    joined = archive.add_article(record(item, site="third",
                                        paragraphs=edited(item["paragraphs"], 2)),
                                 shingles=sample("\n".join(edited(item["paragraphs"], 2))))
    assert joined is not None
    assert archive.article(joined).cluster_id == 1  # type: ignore[union-attr]


FOOTER = ("Kami mengajak pembaca untuk selalu memeriksa kebenaran informasi sebelum membagikannya"
          " melalui media sosial maupun aplikasi percakapan kepada keluarga dan kerabat terdekat."
          " Redaksi menerima tanggapan, koreksi serta sanggahan pembaca melalui formulir yang"
          " tersedia pada halaman kontak kami setiap hari kerja mulai pukul delapan pagi.")


def unrelated(number: int) -> str:
    """A body no other shares a sentence with: the demo's words in a shuffled order."""
    vocabulary = sorted({word for item in DEMO for word in " ".join(item["paragraphs"]).split()})
    return " ".join(random.Random(number).sample(vocabulary, 150))


def test_a_copy_is_found_in_a_week_of_stories_sharing_the_outlets_footer(
        archive: Archive) -> None:
    item = DEMO[0]
    archive.add_article(record(item, paragraphs=[*item["paragraphs"], FOOTER]))
    # More stories than the newest postings read of each footer shingle: the footer's
    # shingles stop counting for the original, its own shingles still find it.
    for number in range(POSTINGS_READ + 20):
        archive.add_article(record(item, site=f"filler{number}",
                                   paragraphs=[unrelated(number), FOOTER]))
    copy = archive.add_article(record(item, site="other",
                                      paragraphs=[*edited(item["paragraphs"], 1), FOOTER]))
    assert copy is not None
    assert archive.article(copy).cluster_id == 1  # type: ignore[union-attr]
    fillers = {a.cluster_id for a in archive.articles_after(1, limit=500)[:-1]}
    assert 1 not in fillers and len(fillers) == POSTINGS_READ + 20


def test_a_story_carried_by_many_outlets_gathers_its_latest_copy(archive: Archive) -> None:
    item = DEMO[3]
    for number in range(POSTINGS_READ + 10):
        archive.add_article(record(item, site=f"outlet{number}",
                                   paragraphs=edited(item["paragraphs"], number)))
    latest = archive.add_article(record(item, site="latest",
                                        paragraphs=edited(item["paragraphs"], 999)))
    assert latest is not None
    assert {a.cluster_id for a in archive.articles_after(0, limit=500)} == {1}
