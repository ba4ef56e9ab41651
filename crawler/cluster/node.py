"""The archive node's side of the cluster: it feeds crawls into Redis and stores what comes back.

It is the only process that opens the archive. For each crawl of a source it opens a crawl run,
puts the source's definition and its entry points' conditional-GET validators in the run's
hash, and queues one start message. Workers push results; the node moves each from
``P:results`` to ``P:results:taken``, stores it, and only then removes it, so a node that dies
while storing finds its messages again on the next start. A run is closed, with the counts
workers and node added to it, when nothing of it is queued, in flight or unstored.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from crawler.cluster.broker import Broker, Keys, url_key
from crawler.cluster.wire import page_item, source_from_json, source_json
from crawler.pipelines.archive import store_page
from crawler.sources import Source
from storage import Archive, CrawlCounts, PageRecord
from storage.feeding import entry_validators, known_urls

logger = logging.getLogger(__name__)

SEED_BATCH = 2000
_COUNT_FIELDS = ("requests", "pages", "errors", "responses_2xx", "responses_3xx",
                 "responses_4xx", "responses_5xx", "not_modified", "bytes", "new_articles",
                 "duplicates")


@dataclass
class StoreReport:
    """What one round of storing did."""

    messages: int = 0
    pages: int = 0
    new_articles: int = 0


@dataclass
class ArchiveNode:
    """Feeds crawl runs into the cluster's Redis and archives the results.

    ``remember`` (seconds): how long an article URL stays in the seen set after it was last
    listed; ``run_timeout`` (seconds): a run still open after this is closed as stopped.
    ``sources`` looks up a source of the config by name (results of a source removed since
    are stored with the definition their run carried).
    """

    broker: Broker
    archive: Archive
    remember: float = 30 * 86400.0
    run_timeout: float = 3600.0
    sources: Callable[[str], Source | None] = lambda name: None

    def __post_init__(self) -> None:
        self._definitions: dict[str, Source | None] = {}

    @property
    def keys(self) -> Keys:
        return self.broker.keys

    # -- feeding --------------------------------------------------------------------------------

    def open_runs(self) -> dict[str, str]:
        """The crawl runs in progress: run id → source name."""
        raw = self.broker.client.hgetall(self.keys.runs)
        return {_text(run): _text(name) for run, name in raw.items()}

    def feed(self, source: Source) -> int | None:
        """Queue a crawl of ``source``; its run id, or None if one is still in progress."""
        if source.name in self.open_runs().values():
            logger.info("%s: the previous crawl is still in progress; not fed again",
                        source.name)
            return None
        run = self.archive.start_crawl(source.name)
        now = time.time()
        fields: dict[str, str | float] = {
            "pending": 1, "name": source.name, "source": source_json(source),
            "validators": json.dumps(entry_validators(self.archive, source.name)),
            "started": now}
        with self.broker.client.pipeline() as pipe:
            pipe.hset(self.keys.run(run), items=[part for pair in fields.items() for part in pair])
            pipe.hset(self.keys.runs, str(run), source.name)
            pipe.zadd(self.keys.start, {f"{run}\n{source.name}": now})
            pipe.execute()
        logger.info("%s: crawl run %d fed to the cluster", source.name, run)
        return run

    def seed(self) -> int:
        """Fill the seen set from the archive if Redis does not hold it (first start, or a
        Redis that lost its data), so workers skip what the archive holds; returns how many."""
        if self.broker.client.exists(self.keys.seeded):
            return 0
        now = time.time()
        count = 0
        batch: dict[str, float] = {}
        for url in known_urls(self.archive):
            batch[url_key(url)] = now
            if len(batch) >= SEED_BATCH:
                count += self._seed(batch)
        count += self._seed(batch)
        self.broker.client.set(self.keys.seeded, int(now))
        logger.info("seen set seeded with %d known URLs from the archive", count)
        return count

    def _seed(self, batch: dict[str, float]) -> int:
        if not batch:
            return 0
        self.broker.client.zadd(self.keys.seen, batch, nx=True)
        size = len(batch)
        batch.clear()
        return size

    # -- storing --------------------------------------------------------------------------------

    def recover(self) -> int:
        """Put back the messages a previous node took but did not finish storing."""
        moved = 0
        while self.broker.client.lmove(self.keys.taken, self.keys.results, "RIGHT", "LEFT"):
            moved += 1
        if moved:
            logger.info("%d result(s) taken before the last stop are stored again", moved)
        return moved

    def take(self, limit: int = 200, timeout: float = 1.0) -> list[bytes]:
        """Up to ``limit`` result messages, waiting up to ``timeout`` seconds for the first."""
        client = self.broker.client
        first = client.blmove(self.keys.results, self.keys.taken, timeout,  # type: ignore[arg-type]
                              "LEFT", "RIGHT")  # Redis takes fractions of a second here
        if first is None:
            return []
        taken = [first]
        while len(taken) < limit and (more := client.lmove(self.keys.results, self.keys.taken,
                                                           "LEFT", "RIGHT")):
            taken.append(more)
        return [_bytes(message) for message in taken]

    def store(self, messages: Iterable[bytes]) -> StoreReport:
        """Archive taken messages, then drop them from Redis with their runs' counts."""
        report = StoreReport()
        settled: list[tuple[bytes, str, Counter[str]]] = []
        for raw in messages:
            message = json.loads(raw)
            counts = self._store_one(message)
            report.messages += 1
            report.pages += int(message["kind"] == "page")
            report.new_articles += counts["new_articles"]
            settled.append((raw, str(message.get("run", "")), counts))
        with self.broker.client.pipeline() as pipe:
            for raw, run, counts in settled:
                pipe.lrem(self.keys.taken, 1, raw)  # type: ignore[arg-type]
                self.broker.settle(run, counts={**counts, "pending": -1}, pipe=pipe)
            pipe.execute()
        return report

    def _store_one(self, message: dict[str, object]) -> Counter[str]:
        kind = message["kind"]
        if kind != "page":
            self.archive.record_page(PageRecord(
                url=str(message["url"]), source=str(message["source"]),
                status=int(str(message["status"])), outcome=str(kind),
                etag=_optional(message.get("etag")),
                last_modified=_optional(message.get("last_modified"))))
            return Counter()
        item = page_item(message)
        outcome = store_page(self.archive, item, self._source(str(message.get("run")),
                                                              item.source))
        if outcome == "new":
            return Counter(new_articles=1)
        if outcome == "duplicate":
            return Counter({"duplicates": 1, "dropped:duplicate": 1})
        return Counter({f"dropped:{outcome}": 1})

    def _source(self, run: str, name: str) -> Source | None:
        if run not in self._definitions:
            definition = self.broker.client.hget(self.keys.run(run), "source")
            self._definitions[run] = source_from_json(definition) if definition else None
        return self._definitions[run] or self.sources(name)

    # -- runs -----------------------------------------------------------------------------------

    def close_runs(self) -> list[int]:
        """Close the runs with nothing left to do (or past ``run_timeout``); their ids."""
        closed = []
        now = time.time()
        runs = self.open_runs()
        with self.broker.client.pipeline(transaction=False) as pipe:
            for run in runs:
                pipe.hgetall(self.keys.run(run))
            states = pipe.execute()
        for (run, name), raw in zip(runs.items(), states, strict=True):
            state = {_text(k): _text(v) for k, v in raw.items()}
            if not state:
                self._close(run, name, "stopped", "lost: Redis no longer holds the run", {})
            elif int(state.get("pending", 0)) <= 0:
                self._close(run, name, "finished", "finished", state, now)
            elif now - float(state.get("started", now)) > self.run_timeout:
                self._close(run, name, "stopped", "timeout", state, now)
            else:
                continue
            closed.append(int(run))
            self._definitions.pop(run, None)
        return closed

    def _close(self, run: str, name: str, status: str, reason: str, state: dict[str, str],
               now: float | None = None) -> None:
        started = float(state["started"]) if "started" in state else None
        counts = CrawlCounts(
            **{field: int(state.get(field, 0)) for field in _COUNT_FIELDS},
            duration_s=round(now - started, 3) if now and started else None,
            dropped={key.split(":", 1)[1]: int(value) for key, value in state.items()
                     if key.startswith("dropped:") and int(value)},
            first_error=state.get("first_error"),
        )
        self.archive.finish_crawl(int(run), status=status, finish_reason=reason, counts=counts)
        with self.broker.client.pipeline() as pipe:
            pipe.delete(self.keys.run(run), self.keys.entries(run))
            pipe.hdel(self.keys.runs, run)
            pipe.execute()
        log = logger.info if status == "finished" else logger.warning
        log("%s: crawl run %s %s (%s): %d pages, %d new articles, %d errors", name, run,
            status, reason, counts.pages, counts.new_articles, counts.errors)

    def housekeeping(self) -> None:
        """Take back dead workers' requests, forget long-unlisted URLs, reseed if needed."""
        self.broker.reap()
        self.broker.client.zremrangebyscore(self.keys.seen, "-inf", time.time() - self.remember)
        self.seed()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


def _optional(value: object) -> str | None:
    return None if value is None else str(value)

