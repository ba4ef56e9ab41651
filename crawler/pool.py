"""The process pool that extraction runs in, so the crawl's event loop never waits on the CPU.

One pool serves every crawl of the process, like the event loop does: it is started by the
first crawl that needs it and shut down by :func:`shutdown_pool` when the process is done.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

_pools: dict[int, ProcessPoolExecutor] = {}


def extraction_pool(processes: int = 0) -> ProcessPoolExecutor:
    """The process's pool of ``processes`` workers (0: one per core), extractor preloaded.

    Workers start from a fork server, not by forking the crawling process, whose threads and
    sockets a child must not inherit.
    """
    size = processes or os.cpu_count() or 1
    if size not in _pools:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.extract", "crawler.extraction.warmup"])
        _pools[size] = ProcessPoolExecutor(max_workers=size, mp_context=context)
    return _pools[size]


def shutdown_pool() -> None:
    """Stop the extraction workers; the next crawl starts new ones."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)
