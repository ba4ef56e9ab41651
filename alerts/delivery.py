"""Delivery: send the queued alerts, record every try, retry what may succeed later.

Each destination is served by its own task, paced to what the service accepts, so a slow or
failing chat never holds up the others. An alert is claimed (a lease) before it is sent and
marked sent in the same breath as the service's "ok": at least once, with the window for a
duplicate kept as small as it can be. A destination that refuses us (401/403/404/410, a
redirect) is marked broken in the archive: its alerts wait there, untried, until a person runs
``pantau destinations enable``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from alerts.destinations import Destination, Verdict
from alerts.formats import Bundle, single
from alerts.templates import story_template
from storage import Alert, Archive, AttemptResult, DestinationState

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200)  # seconds, then give up
INLINE_WAIT = 30.0  # a 429 asking for at most this long is waited out within the pass
MAX_RESENDS = 2


@dataclass
class DeliveryReport:
    """What one delivery pass did, per outcome."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    digests: int = 0
    broken_destinations: set[str] = field(default_factory=set)

    def count(self, outcome: str, name: str, alerts: int = 1) -> None:
        """Add ``alerts`` alerts that ended in ``outcome`` at destination ``name``."""
        if outcome == "sent":
            self.sent += alerts
        elif outcome == "retry":
            self.retry += alerts
        else:
            self.failed += alerts
            if outcome == "broken":
                self.broken_destinations.add(name)


class Clock:
    """The pass's time: the real clock, or one started at a given moment (for a daemon that
    catches up, and for tests), moving on at the real pace."""

    def __init__(self, start: datetime | None = None) -> None:
        self.start = start or datetime.now(UTC)
        self.started = time.monotonic()

    def now(self, ahead: timedelta = timedelta()) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.started) + ahead

    def iso(self, ahead: timedelta = timedelta()) -> str:
        return self.now(ahead).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Lease:
    """How long a sender may hold its claims, on the pass's clock."""

    clock: Clock
    length: timedelta = LEASE

    def until(self) -> str:
        """When a claim made now runs out."""
        return self.clock.iso(self.length)


class Pacer:
    """Spaces one destination's messages: at most one per ``interval``, longer when the
    service says so (Retry-After, Discord's rate-limit headers)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.next_at = 0.0

    async def wait(self) -> None:
        """Sleep until the next message may go, and book the slot after it."""
        delay = self.next_at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        self.next_at = max(self.next_at, time.monotonic()) + self.interval

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds``."""
        self.next_at = max(self.next_at, time.monotonic() + seconds)

    def observe(self, response: httpx.Response) -> None:
        """Obey a bucket the service says is empty (Discord's ``X-RateLimit-*`` headers)."""
        if response.headers.get("X-RateLimit-Remaining") == "0":
            try:
                self.pause(float(response.headers.get("X-RateLimit-Reset-After", "")))
            except ValueError:
                self.pause(self.interval)


async def deliver_due(archive: Archive, destinations: Mapping[str, Destination], *,
                      timezone: str = "Asia/Jakarta", client: httpx.AsyncClient | None = None,
                      now: datetime | None = None, pacers: dict[str, Pacer] | None = None,
                      lease: timedelta = LEASE) -> DeliveryReport:
    """Send every alert that is due to a destination without a digest, each at its pace.

    A daemon passes the same ``pacers`` to every call, so pacing holds across passes. An alert
    claimed by a sender that died is due again as soon as no sender is running (see
    :meth:`storage.Archive.sending`), else when its ``lease`` ends.
    """
    if lease <= timedelta():
        raise ValueError(f"lease must be positive, not {lease}")
    clock = Clock(now)
    report = DeliveryReport()
    pacers = {} if pacers is None else pacers
    instant = [d for d in destinations.values() if d.schedule is None]
    with archive.sending(clock.iso()) as reclaimed:
        if reclaimed:
            logger.warning("%d alerts were claimed by a sender that stopped before it reported;"
                           " sending them now (a chat may see one of them twice)", reclaimed)
        _dead_letter_unknown(archive, destinations, clock, report)
        async with http_client(client) as http:
            await asyncio.gather(*(
                _Sender(archive, d, http, timezone, pacers.setdefault(d.name, Pacer(d.interval)),
                        report, Lease(clock, lease)).drain() for d in instant))
    return report


def http_client(client: httpx.AsyncClient | None,
                ) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    """The caller's client (used, not closed), or a new one that never follows redirects."""
    if client is not None:
        return nullcontext(client)
    # A webhook that redirects is misconfigured or hijacked: never follow it.
    return httpx.AsyncClient(follow_redirects=False, headers={"User-Agent": "Pantau/0.1"})


def _dead_letter_unknown(archive: Archive, destinations: Mapping[str, Destination],
                         clock: Clock, report: DeliveryReport) -> None:
    unknown = [name for name in archive.pending_destinations(clock.iso())
               if name not in destinations]
    for alert in archive.claim_due_alerts(clock.iso(), clock.iso(LEASE), 1000,
                                          destinations=unknown) if unknown else []:
        error = (f"no destination named {alert.destination!r} in the config; add it back, "
                 f"then `pantau alerts retry {alert.id}`")
        archive.record_attempt(alert.id, AttemptResult("dead", 0, error=error))
        report.count("dead", alert.destination)


class _Sender:
    """Drains one destination's due alerts, in order, at its pace."""

    def __init__(self, archive: Archive, destination: Destination, http: httpx.AsyncClient,
                 timezone: str, pacer: Pacer, report: DeliveryReport, lease: Lease) -> None:
        self.archive = archive
        self.destination = destination
        self.http = http
        self.timezone = timezone
        self.pacer = pacer
        self.report = report
        self.clock = lease.clock
        self.lease = lease
        # Claim no more than can be sent well within the lease, so no claim outlives it.
        self.batch = max(1, min(100, int(lease.length.total_seconds() / 2 / pacer.interval)))

    async def drain(self) -> None:
        name = self.destination.name
        while batch := self.archive.claim_due_alerts(self.clock.iso(), self.lease.until(),
                                                     self.batch, destinations=[name]):
            if not await self._send_batch(batch):
                return

    async def _send_batch(self, batch: Sequence[Alert]) -> bool:
        """Send a claimed batch; False if the destination must not be tried again now."""
        template = story_template(self.destination.template)
        for index, alert in enumerate(batch):
            await self.pacer.wait()
            bundle = single(alert, self.timezone, template)
            verdict, status, took = await send_bundle(self.archive, self.destination, bundle,
                                                      self.http, self.pacer)
            result = attempt_result(verdict, status, took, alert.attempts, self.clock)
            self.archive.record_attempt(alert.id, result)
            self.report.count(result.outcome, self.destination.name)
            rest = [later.id for later in batch[index + 1:]]
            if not self._carry_on(verdict, result, rest):
                return False
        return True

    def _carry_on(self, verdict: Verdict, result: AttemptResult, rest: list[int]) -> bool:
        name = self.destination.name
        if result.outcome == "broken":
            logger.error("destination %s refuses alerts (%s); its alerts are held until "
                         "`pantau destinations enable %s`", name, verdict.detail, name)
        elif result.outcome == "retry" and (verdict.wait is None or verdict.wait > INLINE_WAIT):
            logger.warning("destination %s: %s; trying again from %s", name, verdict.detail,
                           result.next_attempt_at)
        else:
            if verdict.wait:
                self.pacer.pause(verdict.wait)
            return True
        # Broken, down or asking for a long pause: give the rest back untried, to go together.
        if rest:
            self.archive.release_alerts(rest, result.next_attempt_at or self.clock.iso())
        return False


async def send_bundle(archive: Archive, destination: Destination, bundle: Bundle,
                      http: httpx.AsyncClient, pacer: Pacer | None = None,
                      ) -> tuple[Verdict, int | None, int]:
    """Post ``bundle`` to ``destination``: the verdict, the HTTP status and the milliseconds.

    A service that asks for the same message differently (Telegram: a group that became a
    supergroup, text it cannot parse) gets it again at once, as asked.
    """
    state: DestinationState | None = archive.destination_record(destination.name)
    plain_text = False
    started = time.monotonic()
    for _ in range(MAX_RESENDS + 1):
        request = destination.request(bundle, state, plain_text=plain_text)
        try:
            response = await http.post(request.url, content=request.body,
                                       headers=request.headers, timeout=destination.timeout)
        except httpx.TransportError as error:
            reason = type(error).__name__ + (f": {error}" if str(error) else "")
            return Verdict("retry", reason.replace(destination.url, "…")), None, _ms(started)
        if pacer is not None:
            pacer.observe(response)
        verdict = destination.verdict(response)
        if verdict.outcome != "resend":
            return verdict, response.status_code, _ms(started)
        logger.warning("destination %s: %s", destination.name, verdict.detail)
        if verdict.chat_id:
            archive.move_destination_chat(destination.name, verdict.chat_id)
            logger.warning("destination %s: set chat_id = %r in pantau.toml", destination.name,
                           verdict.chat_id)
            state = archive.destination_record(destination.name)
        plain_text = plain_text or verdict.plain
    return Verdict("dead", f"{verdict.detail} (still refused after resending)"), \
        response.status_code, _ms(started)


async def send_sample(archive: Archive, destination: Destination, *, timezone: str,
                      client: httpx.AsyncClient | None = None) -> tuple[Verdict, int | None]:
    """Send a made-up alert to ``destination`` (``pantau alerts test``); the service's answer.

    Nothing is queued or recorded, so a test never counts against a real alert.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    sample = Alert(
        id=0, alert_key=f"pantau_test_{int(time.time())}", destination=destination.name,
        status="sending", attempts=0, next_attempt_at=now, last_error=None, created_at=now,
        sent_at=None, rules=("pantau-test",), terms=("PMI",),
        snippet="A test from Pantau: alerts about **PMI** will look like this.", article_id=0,
        title="Pantau test message", url="https://github.com/pantau-news/pantau",
        source="pantau", published_at=now)
    async with http_client(client) as http:
        bundle = single(sample, timezone, story_template(destination.template))
        verdict, status, _ = await send_bundle(archive, destination, bundle, http)
    return verdict, status


def attempt_result(verdict: Verdict, status: int | None, duration_ms: int, attempts: int,
                   clock: Clock) -> AttemptResult:
    """What the archive records of a try, with when to try again if it should be."""
    if verdict.outcome != "retry":
        return AttemptResult(verdict.outcome, duration_ms, status, verdict.detail
                             if verdict.outcome != "sent" else None)
    if attempts >= len(BACKOFF):
        return AttemptResult("dead", duration_ms, status,
                             f"{verdict.detail} (gave up after {attempts + 1} tries)")
    delay = max(BACKOFF[attempts] * random.uniform(0.8, 1.2), verdict.wait or 0.0)
    return AttemptResult("retry", duration_ms, status, verdict.detail,
                         clock.iso(timedelta(seconds=delay)))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
