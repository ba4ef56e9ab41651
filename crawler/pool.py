"""The process pool that extraction runs in, so the crawl's event loop never waits on the CPU.

One pool serves every crawl of the process, like the event loop does: it is started by the
first crawl that needs it and shut down by :func:`shutdown_pool` when the process is done.
"""

from __future__ import annotations

import multiprocessing
import os
import select
import threading
from concurrent.futures import ProcessPoolExecutor

_pools: dict[int, ProcessPoolExecutor] = {}


def extraction_pool(processes: int = 0) -> ProcessPoolExecutor:
    """The process's pool of ``processes`` workers (0: one per core), extractor preloaded.

    Workers start from a fork server, not by forking the crawling process, whose threads and
    sockets a child must not inherit; each ends when the crawling process does, however it
    ends (see :func:`_end_with`).
    """
    size = processes or os.cpu_count() or 1
    if size not in _pools:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.extract", "crawler.extraction.warmup"])
        _pools[size] = ProcessPoolExecutor(max_workers=size, mp_context=context,
                                           initializer=_end_with, initargs=(os.getpid(),))
    return _pools[size]


def _end_with(owner: int) -> None:
    """Make this worker exit as soon as process ``owner`` (the crawling process) is gone.

    A worker whose crawler was killed would otherwise wait for work forever: it holds the
    write end of its own task queue, so it never reads the end of it, and it keeps the fork
    server alive too (the server's children hold its liveness pipe). A thread waits on the
    owner's pidfd, which becomes readable when the owner exits, SIGKILL included; no polling.
    """
    if not hasattr(os, "pidfd_open"):  # not Linux: workers end with the pool only
        return
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:
        os._exit(0)
    except OSError:  # Linux before 5.3: workers end with the pool only
        return

    def wait() -> None:
        select.select([handle], [], [])
        os._exit(0)

    threading.Thread(target=wait, name="pantau-owner-watch", daemon=True).start()


def shutdown_pool() -> None:
    """Stop the extraction workers; the next crawl starts new ones."""
    while _pools:
        _pools.popitem()[1].shutdown(wait=True, cancel_futures=True)
