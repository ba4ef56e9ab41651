"""Kill test of the outbox: SIGKILL the sender at random moments, restart it, count the damage.

Queues alerts in a fresh archive for loopback receivers that answer like the services (the
signed Standard Webhooks receiver, which checks every signature, and a Slack-like webhook;
``tests/receivers.py``), served by threads of this process. Then, again and again, it starts a
sender process (this module with ``--sender``: it opens the archive and calls
``alerts.deliver_due``, as ``pantau alerts send`` does), waits until the sender is about to
deliver, kills it with SIGKILL after a random delay, and starts the next one, with the default
five-minute lease: a restarted sender must take back a dead one's claims at once. When the
outbox runs dry before enough kills, another wave of alerts is queued (as the matcher would).
After the last kill, one sender runs to the end.

It prints the alerts queued, delivered at least once, lost (must be 0), duplicates, kills, and
duplicates explained: a duplicate is acceptable only if the sender that sent the first copy was
killed after the receiver took it and before it committed ``sent`` (each sender notes its
commits, with their times, in an events file; the receiver notes when it took each message and
when its 2xx went out; the script notes when it killed). It also measures that window on the
copies that were not interrupted, and how much of the sending time lies inside it.

    .venv/bin/python -m bench.kill_delivery [--kills 50] [--alerts 300] [--seed 1] [--json]

The kill delays are fixed by ``--seed``; what a kill hits depends on timing as well.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from statistics import median, quantiles
from typing import Any

import httpx

from alerts import Destination, deliver_due
from storage import Archive, ArticleRecord, AttemptResult, NewMatch
from tests.receivers import Delivery, Receiver, Service, SignedWebhook, Slack

ROOT = Path(__file__).resolve().parents[1]
RUN_HEADER = "x-pantau-bench-run"  # which sender run posted a message
SERVICES: dict[str, type[Service]] = {"webhook": SignedWebhook, "slack": Slack}


# -- the sender (a child process) ------------------------------------------------------------


class _NotingArchive(Archive):
    """The archive as the sender uses it, noting on the events file each attempt it has
    committed and each restart's reclaim (the bench's only addition to the sender)."""

    events = -1
    run = 0

    def record_attempt(self, alert_id: int, result: AttemptResult) -> None:
        super().record_attempt(alert_id, result)
        _note(self.events, f"commit {self.run} {alert_id} {result.outcome} {time.time():.6f}")

    def _reclaim_abandoned(self, now: str) -> int:
        taken = super()._reclaim_abandoned(now)
        _note(self.events, f"reclaim {self.run} {taken}")
        return taken


def _note(fd: int, line: str) -> None:
    os.write(fd, (line + "\n").encode())  # one write on an O_APPEND file: survives SIGKILL


def destinations(urls: dict[str, str]) -> dict[str, Destination]:
    """One destination per receiver, named by its kind, paced as fast as it will go."""
    return {kind: Destination(name=kind, type=kind, url=url, rate_per_minute=60000,
                              secret=SignedWebhook.secret if kind == "webhook" else "")
            for kind, url in urls.items()}


def sender(archive_path: Path, events_path: Path, run: int, urls: dict[str, str]) -> None:
    """Deliver everything due, as ``pantau alerts send`` does, telling the parent when it
    starts and noting each commit."""
    fd = os.open(events_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with _NotingArchive.open(archive_path) as archive:
        archive.events, archive.run = fd, run
        print("ready", flush=True)
        asyncio.run(_deliver(archive, destinations(urls), run))
    _note(fd, f"done {run}")


async def _deliver(archive: Archive, targets: dict[str, Destination], run: int) -> None:
    headers = {RUN_HEADER: str(run), "User-Agent": "Pantau/0.1"}
    async with httpx.AsyncClient(follow_redirects=False, headers=headers) as client:
        await deliver_due(archive, targets, client=client)


# -- the parent: queue, kill, restart --------------------------------------------------------


@dataclass
class Run:
    """One sender process: when it was ready to send, when it ended, whether it was killed."""

    number: int
    started: float
    ended: float
    killed: bool


@dataclass
class Setup:
    """What the kill test does."""

    kills: int = 50
    alerts: int = 300  # per wave, each to every destination
    seed: int = 1
    kinds: tuple[str, ...] = ("webhook", "slack")
    latency: float = 0.01  # the receivers' answer time, seconds
    max_delay: float = 0.25  # a kill comes 0 to this many seconds after the sender is ready
    time_limit: float = 240.0


def queue_wave(archive: Archive, wave: int, count: int, kinds: tuple[str, ...]) -> None:
    """Archive ``count`` distinct stories and queue an alert for each to every destination."""
    matches = []
    for number in range(wave * count, (wave + 1) * count):
        url = f"https://news.example/berita/{number}"
        added = archive.add_article(ArticleRecord(
            url=url, canonical_url=url, source="news", title=f"PMI dipulangkan, berita {number}",
            text=f"Berita nomor {number}: {number * 7919 % 104729} PMI dipulangkan dari Malaysia",
            published_at="2026-11-27T07:30:00+00:00"))
        assert added is not None, url
        matches.append(NewMatch(added, "pekerja-migran", ("PMI",), "**PMI** dipulangkan", kinds))
    assert archive.record_matches("kill-test", wave, matches) == count * len(kinds)


def start_sender(number: int, delay: float | None, archive_path: Path, events_path: Path,
                 urls: dict[str, str]) -> Run:
    """Run one sender; SIGKILL it ``delay`` seconds after it is ready (None: let it finish)."""
    command = [sys.executable, "-m", "bench.kill_delivery", "--sender", str(archive_path),
               str(events_path), str(number), json.dumps(urls)]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        if process.stdout.readline().strip() != "ready":
            raise SystemExit(f"sender {number} did not start (exit {process.wait()})")
        started = time.time()
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed_at = time.time()
            process.wait()
            return Run(number, started, killed_at, killed=True)
        if process.returncode:
            raise SystemExit(f"sender {number} failed (exit {process.returncode})")
        return Run(number, started, time.time(), killed=False)


def run_kill_test(setup: Setup, folder: Path) -> dict[str, Any]:
    """Queue, kill and restart senders until ``setup.kills`` kills and an empty outbox."""
    rng = random.Random(setup.seed)
    archive_path, events_path = folder / "kill.db", folder / "events.log"
    deadline = time.monotonic() + setup.time_limit
    with ExitStack() as stack:
        receivers = {kind: stack.enter_context(Receiver(SERVICES[kind](),
                                                        latency=setup.latency))
                     for kind in setup.kinds}
        urls = {kind: receiver.url for kind, receiver in receivers.items()}
        runs: list[Run] = []
        waves = 0
        while True:
            with Archive.open(archive_path) as archive:
                counts = archive.alert_counts()
                if not counts.get("pending") and not counts.get("sending"):
                    if sum(run.killed for run in runs) >= setup.kills:
                        break
                    queue_wave(archive, waves, setup.alerts, setup.kinds)
                    waves += 1
            killing = sum(run.killed for run in runs) < setup.kills
            delay = rng.uniform(0, setup.max_delay) if killing else None
            runs.append(start_sender(len(runs) + 1, delay, archive_path, events_path, urls))
            if time.monotonic() > deadline:
                raise SystemExit(f"gave up after {setup.time_limit:.0f} s and {len(runs)} runs")
        with Archive.open(archive_path) as archive:
            return analyse(archive, receivers, runs, events_path.read_text())


# -- what happened ---------------------------------------------------------------------------


@dataclass
class Events:
    """What the senders noted: each commit (run, outcome, time) per alert id, and reclaims."""

    commits: dict[int, list[tuple[int, str, float]]] = field(default_factory=dict)
    reclaimed: list[int] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str) -> Events:
        events = cls()
        for line in text.splitlines():
            word, *rest = line.split()
            if word == "commit":
                run, alert_id, outcome, at = rest
                events.commits.setdefault(int(alert_id), []).append((int(run), outcome,
                                                                     float(at)))
            elif word == "reclaim":
                events.reclaimed.append(int(rest[1]))
        return events


def copies_by_alert(archive: Archive, receivers: dict[str, Receiver],
                    ) -> dict[int, list[Delivery]]:
    """Every message each receiver took, by the id of the alert it carried."""
    alerts = archive.alerts(limit=10**7)
    by_key = {alert.alert_key: alert.id for alert in alerts}
    by_link = {(alert.destination, alert.url): alert.id for alert in alerts}
    copies: dict[int, list[Delivery]] = {alert.id: [] for alert in alerts}
    for kind, receiver in receivers.items():
        for delivery in receiver.deliveries:
            if kind == "webhook":
                alert_id = by_key[delivery.headers["webhook-id"]]
            else:
                link = delivery.body["blocks"][0]["elements"][0]["elements"][0]["url"]
                alert_id = by_link[(kind, link)]
            copies[alert_id].append(delivery)
    return copies


def analyse(archive: Archive, receivers: dict[str, Receiver], runs: list[Run],
            events_text: str) -> dict[str, Any]:
    """Lost, duplicated and explained alerts, and the window a kill must hit to duplicate."""
    events = Events.parse(events_text)
    copies = copies_by_alert(archive, receivers)
    by_run = {run.number: run for run in runs}
    destination_of = {alert.id: alert.destination for alert in archive.alerts(limit=10**7)}
    windows: dict[str, list[float]] = defaultdict(list)
    explained: Counter[str] = Counter()
    per_kill: Counter[tuple[int, str]] = Counter()
    unexplained: list[int] = []
    for alert_id, received in copies.items():
        sent = [(run, at) for run, outcome, at in events.commits.get(alert_id, [])
                if outcome == "sent"]
        committed_by = {run for run, _ in sent}
        for copy in received:
            run = by_run[int(copy.headers[RUN_HEADER])]
            if run.number in committed_by:
                at = next(at for number, at in sent if number == run.number)
                windows["taken"].append(at - copy.received_at)
                windows[destination_of[alert_id]].append(at - copy.received_at)
                if copy.answered_at is not None:
                    windows["answered"].append(at - copy.answered_at)
            elif len(received) == 1:
                continue  # its only copy; the run died between its commit and its note
            elif run.killed and len(sent) == 1 and sent[0][0] > run.number:
                answered = copy.answered_at is not None and copy.answered_at <= run.ended
                explained["2xx out, not committed" if answered else
                          "taken, 2xx on its way"] += 1
                per_kill[(run.number, destination_of[alert_id])] += 1
            else:
                unexplained.append(alert_id)
    return summary(archive, runs, copies, events, windows, explained, per_kill, unexplained)


def summary(archive: Archive, runs: list[Run], copies: dict[int, list[Delivery]],
            events: Events, windows: dict[str, list[float]], explained: Counter[str],
            per_kill: Counter[tuple[int, str]], unexplained: list[int]) -> dict[str, Any]:
    """The numbers the script prints."""
    sending_time = sum(run.ended - run.started for run in runs)
    sent_attempts = [sum(outcome == "sent" for _, outcome, _ in events.commits.get(i, []))
                     for i in copies]
    kills = sum(run.killed for run in runs)
    # A kill duplicates an alert if it falls inside some destination's taken -> commit window.
    kinds = {alert.destination for alert in archive.alerts(limit=10**7)}
    shares = [sum(windows[kind]) / sending_time if sending_time else 0.0 for kind in kinds]
    return {
        "alerts_queued": len(copies),
        "delivered_at_least_once": sum(bool(c) for c in copies.values()),
        "lost": sum(not c for c in copies.values()),
        "duplicates": sum(max(0, len(c) - 1) for c in copies.values()),
        "kills": kills,
        "sender_runs": len(runs),
        "duplicates_explained": sum(explained.values()),
        "explained_by": dict(explained),
        "unexplained_alert_ids": unexplained,
        "kills_that_duplicated": len({run for run, _ in per_kill}),
        "most_duplicates_per_kill": max(Counter(run for run, _ in per_kill.elements()).values(),
                                        default=0),
        "most_duplicates_per_kill_and_destination": max(per_kill.values(), default=0),
        "alerts_committed_sent_once": sum(n == 1 for n in sent_attempts),
        "archive_statuses": archive.alert_counts(),
        "claims_taken_back_at_restart": sum(events.reclaimed),
        "restarts_that_took_back_claims": sum(n > 0 for n in events.reclaimed),
        "window_ms": {name: _spread(windows[name]) for name in ("taken", "answered")},
        "share_of_sending_time_in_a_window": sum(shares) / len(shares) if shares else 0.0,
        "duplicates_expected_from_window": sum(shares) * kills,
        "sending_seconds": sending_time,
    }


def _spread(seconds: list[float]) -> dict[str, float]:
    if len(seconds) < 2:
        return {}
    ms = sorted(value * 1000 for value in seconds)
    return {"median": median(ms), "p99": quantiles(ms, n=100)[98], "max": ms[-1]}


def report(setup: Setup, result: dict[str, Any], took: float) -> str:
    """The numbers as a person reads them."""
    window = result["window_ms"]
    def spread(name: str) -> str:
        values = window.get(name) or {}
        return ", ".join(f"{key} {value:.1f} ms" for key, value in values.items())
    lines = [
        f"kill test: seed {setup.seed}, destinations {', '.join(setup.kinds)}, receiver "
        f"latency {setup.latency * 1000:.0f} ms, kills 0-{setup.max_delay * 1000:.0f} ms "
        "after a sender is ready",
        f"alerts queued               {result['alerts_queued']}",
        f"delivered at least once     {result['delivered_at_least_once']}",
        f"lost                        {result['lost']}",
        f"duplicates                  {result['duplicates']}",
        f"kills                       {result['kills']} (sender runs {result['sender_runs']})",
        f"duplicates explained        {result['duplicates_explained']} "
        f"{result['explained_by']}",
        f"unexplained                 {len(result['unexplained_alert_ids'])}",
        f"kills that duplicated       {result['kills_that_duplicated']}; most per kill "
        f"{result['most_duplicates_per_kill']}, per kill and destination "
        f"{result['most_duplicates_per_kill_and_destination']}",
        f"committed 'sent' once       {result['alerts_committed_sent_once']}",
        f"archive                     {result['archive_statuses']}",
        f"claims taken back           {result['claims_taken_back_at_restart']} in "
        f"{result['restarts_that_took_back_claims']} restarts",
        f"taken -> commit             {spread('taken')}",
        f"2xx out -> commit           {spread('answered')}",
        f"sending time in a window    {result['share_of_sending_time_in_a_window']:.1%} of "
        f"{result['sending_seconds']:.1f} s per destination: about "
        f"{result['duplicates_expected_from_window']:.1f} duplicates expected",
        f"wall time                   {took:.0f} s",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    parser.add_argument("--kills", type=int, default=Setup.kills)
    parser.add_argument("--alerts", type=int, default=Setup.alerts,
                        help="alerts per wave and destination")
    parser.add_argument("--seed", type=int, default=Setup.seed)
    parser.add_argument("--destinations", default=",".join(Setup.kinds),
                        help="comma-separated: webhook, slack")
    parser.add_argument("--latency", type=float, default=Setup.latency)
    parser.add_argument("--max-delay", type=float, default=Setup.max_delay)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--sender", nargs=4, metavar=("ARCHIVE", "EVENTS", "RUN", "URLS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.sender:
        archive, events, run, urls = args.sender
        sender(Path(archive), Path(events), int(run), json.loads(urls))
        return 0
    setup = Setup(args.kills, args.alerts, args.seed, tuple(args.destinations.split(",")),
                  args.latency, args.max_delay)
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        result = run_kill_test(setup, Path(folder))
    took = time.monotonic() - started
    if args.json:
        print(json.dumps({"setup": asdict(setup), **result, "seconds": took}, indent=2))
    else:
        print(report(setup, result, took))
    return 0 if result["lost"] == 0 and not result["unexplained_alert_ids"] else 1


if __name__ == "__main__":
    sys.exit(main())
