"""Extraction workers never outlive the process that crawls."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CRAWLER = """
import json, multiprocessing.forkserver as fs, sys, time
from crawler.extract import extract_article
from crawler.pool import extraction_pool
pool = extraction_pool(2)
page = b"<html><body><article><p>" + b"Pekerja migran Indonesia. " * 40 + b"</p></article>"
list(pool.map(extract_article, [page] * 4, ["https://a.id/1"] * 4))
print(json.dumps([fs._forkserver._forkserver_pid, *pool._processes]), flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is gone for our purpose (its parent, the fork server, may not have reaped it).
    state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return state != "Z"


def test_the_workers_and_their_fork_server_end_when_the_crawler_is_killed() -> None:
    crawler = subprocess.Popen([sys.executable, "-c", CRAWLER], cwd=ROOT, text=True,
                               stdout=subprocess.PIPE)
    assert crawler.stdout is not None
    helpers = json.loads(crawler.stdout.readline())
    assert len(helpers) == 3 and all(alive(pid) for pid in helpers)
    crawler.send_signal(signal.SIGKILL)
    crawler.wait()
    crawler.stdout.close()
    deadline = time.monotonic() + 30
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in helpers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "extraction processes outlived the crawler"
