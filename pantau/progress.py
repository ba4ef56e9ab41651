"""A live line on the terminal while a crawl runs: pages fetched, articles stored, alerts."""

from __future__ import annotations

from collections import Counter
from typing import Self

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn


class CrawlProgress:
    """Counts crawl events and shows them; call it as ``progress(source, event)``."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.counts: Counter[str] = Counter()
        self.sources: set[str] = set()
        self.stage = "crawling"
        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                  TimeElapsedColumn(), console=console, transient=True,
                                  disable=not enabled)
        self._task = self._progress.add_task(self._describe(), total=None)

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, source: str, event: str) -> None:
        if event in ("page", "article"):
            self.counts[event] += 1
            self.sources.add(source)
        else:
            self.stage = f"{source}: {event}"
        self._progress.update(self._task, description=self._describe())

    def _describe(self) -> str:
        return (f"[bold]{self.stage}[/] · {self.counts['page']} pages fetched · "
                f"{self.counts['article']} articles stored · {len(self.sources)} sources")
