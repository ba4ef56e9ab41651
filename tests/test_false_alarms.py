"""The false-alarm count on stitched off-topic articles (bench/false_alarms.py)."""

from __future__ import annotations

from alerts import Rule
from bench.false_alarms import false_alarms
from bench.match_speed import BATCH
from storage import Article


def test_every_alert_is_traced_to_its_article_across_batches() -> None:
    def article(number: int, text: str) -> Article:
        return Article(url=f"b:{number}", canonical_url=f"b:{number}", source="bench",
                       title="Berita", text=text, language="id", id=number)

    corpus = [article(n, "Harga cabai naik di pasar induk.") for n in range(1, 2 * BATCH + 2)]
    for number in (3, BATCH + 1, 2 * BATCH + 1):  # in the first, second and third batch
        corpus[number - 1] = article(number, "Kapal nelayan tenggelam di perairan Natuna.")
    rules = [Rule(name="kapal", query="kapal"), Rule(name="cabai", query="cabai NOT pasar")]
    hits = false_alarms(corpus, rules)
    assert [(a.url, rule.name, list(match.terms)) for a, rule, match in hits] == [
        ("b:3", "kapal", ["kapal"]), (f"b:{BATCH + 1}", "kapal", ["kapal"]),
        (f"b:{2 * BATCH + 1}", "kapal", ["kapal"])]

