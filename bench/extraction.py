"""Benchmark of body extraction: Pantau against bare trafilatura, same pages, same process.

For each page of a corpus (``<name>.html`` beside ``<name>_expectation.txt``, the body as a
person cut it out), prints token precision, recall and F1 of the body that Pantau's
``extract_article`` finds and of the body that trafilatura alone finds with the same options,
then the means, the lowest F1, and pages per second of each.

    .venv/bin/python bench/extraction.py [CORPUS_DIR] [--rounds N]
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import trafilatura
from trafilatura.settings import Document

from crawler.extract import TRAFILATURA_OPTIONS, extract_article

# shared/ sits beside the repository or beside its worktrees' folder.
DEFAULT_CORPUS = next((root / "shared/corpus/slasher-2015"
                       for root in Path(__file__).resolve().parents[1].parents
                       if (root / "shared/corpus/slasher-2015").is_dir()), Path("corpus"))
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    """The bag of lower-cased word tokens of a text."""
    return Counter(_TOKEN.findall(text.casefold()))


def scores(found: str, expected: str) -> tuple[float, float, float]:
    """Token precision, recall and F1 of ``found`` against ``expected``."""
    got, want = tokens(found), tokens(expected)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def pantau_body(page: bytes, url: str) -> str:
    """Pantau's body of a page ("" when it finds no article)."""
    extracted = extract_article(page, url)
    return extracted.text if extracted else ""


# Pantau's options; links off, as they would otherwise be printed into the text. They change
# how the body is rendered, not which part of the page is chosen.
BASELINE_OPTIONS = {**TRAFILATURA_OPTIONS, "include_links": False}


def trafilatura_body(page: bytes, url: str) -> str:
    """trafilatura's body of a page with the options Pantau gives it."""
    document = trafilatura.bare_extraction(page, url=url, **BASELINE_OPTIONS)
    return (document.text or "") if isinstance(document, Document) else ""


def timed(extractors: Mapping[str, Callable[[bytes, str], str]], pages: dict[str, bytes],
          rounds: int) -> dict[str, float]:
    """Pages per second of each extractor, from its best time on each page over ``rounds``.

    The extractors take turns page by page, so a busy moment of the machine falls on both, and
    the best of several tries drops the moments when another process had the core.
    """
    best = {label: dict.fromkeys(pages, float("inf")) for label in extractors}
    for _ in range(rounds):
        for name, page in pages.items():
            for label, extract in extractors.items():
                start = time.perf_counter()
                extract(page, f"https://{name}.example/berita/1")
                best[label][name] = min(best[label][name], time.perf_counter() - start)
    return {label: len(pages) / sum(times.values()) for label, times in best.items()}


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=10, help="timed passes over the corpus")
    args = parser.parse_args()
    pages = {path.stem: path.read_bytes() for path in sorted(args.corpus.glob("*.html"))}
    expected = {name: (args.corpus / f"{name}_expectation.txt").read_text() for name in pages}
    extractors = {"pantau": pantau_body, "trafilatura": trafilatura_body}
    table: dict[str, list[tuple[float, float, float]]] = {name: [] for name in extractors}
    print(f"{'page':<18}" + "".join(f"{name:>12} P     R     F1 " for name in extractors))
    for name, page in pages.items():
        row = f"{name:<18}"
        for label, extract in extractors.items():
            result = scores(extract(page, f"https://{name}.example/berita/1"), expected[name])
            table[label].append(result)
            row += "          " + " ".join(f"{value:.3f}" for value in result)
        print(row)
    speed = timed(extractors, pages, args.rounds)
    for label, results in table.items():
        p, r, f = (statistics.fmean(column) for column in zip(*results, strict=True))
        print(f"{label:<12} mean P={p:.3f} R={r:.3f} F1={f:.3f}  "
              f"min F1={min(res[2] for res in results):.3f}  {speed[label]:.1f} pages/s")
    print(f"time per page, pantau / trafilatura: {speed['trafilatura'] / speed['pantau']:.3f}")


if __name__ == "__main__":
    main()
