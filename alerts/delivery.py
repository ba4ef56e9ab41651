"""Delivery: send the queued alerts, record every try, retry what may succeed later.

Each destination is served by its own task, paced to what the service accepts, so a slow or
failing chat never holds up the others. An alert is claimed before it is sent and marked sent
in the same breath as the service's "ok": at least once, with the window for a duplicate kept
as small as it can be.
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
from email.utils import parsedate_to_datetime

import httpx

from alerts.destinations import Destination
from storage import Alert, Archive, AttemptResult

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 43200)  # seconds, then give up
BROKEN_STATUSES = {401, 403, 404, 410}


@dataclass
class DeliveryReport:
    """What one delivery pass did, per outcome."""

    sent: int = 0
    retry: int = 0
    failed: int = 0
    broken_destinations: set[str] = field(default_factory=set)


async def deliver_due(archive: Archive, destinations: Mapping[str, Destination], *,
                      timezone: str = "Asia/Jakarta",
                      client: httpx.AsyncClient | None = None) -> DeliveryReport:
    """Send every alert that is due, each destination at its own pace."""
    now = datetime.now(UTC)
    claimed = archive.claim_due_alerts(_iso(now), _iso(now + LEASE), limit=1000)
    report = DeliveryReport()
    queues: dict[str, list[Alert]] = {}
    for alert in reversed(claimed):  # claimed newest first; send oldest first
        queues.setdefault(alert.destination, []).append(alert)
    async with _client(client) as http:
        await asyncio.gather(*(
            _drain(archive, destinations.get(name), name, queue, http, timezone, report)
            for name, queue in queues.items()))
    return report


def _client(client: httpx.AsyncClient | None) -> AbstractAsyncContextManager[httpx.AsyncClient]:
    if client is not None:
        return nullcontext(client)  # the caller's client: used, not closed
    # A webhook that redirects is misconfigured or hijacked: never follow it.
    return httpx.AsyncClient(follow_redirects=False, headers={"User-Agent": "Pantau/0.1"})


async def _drain(archive: Archive, destination: Destination | None, name: str,
                 queue: Sequence[Alert], http: httpx.AsyncClient, timezone: str,
                 report: DeliveryReport) -> None:
    """Send one destination's alerts in order, paced; stop early if it turns out broken."""
    for index, alert in enumerate(queue):
        if destination is None:
            result = AttemptResult("dead", 0, error=f"no destination named {name!r} in the config")
        else:
            if index:
                await asyncio.sleep(destination.interval)
            result = await send(destination, alert, http, timezone)
        archive.record_attempt(alert.id, result)
        _count(report, result, name)
        if result.outcome == "broken":
            logger.error("destination %s refuses alerts (%s); its other alerts wait for a fix",
                         name, result.error)
            _postpone(archive, queue[index + 1:], result)
            return


def _postpone(archive: Archive, rest: Sequence[Alert], cause: AttemptResult) -> None:
    later = _iso(datetime.now(UTC) + timedelta(hours=1))
    for alert in rest:
        archive.record_attempt(alert.id, AttemptResult(
            "retry", 0, error=f"not sent: the destination is broken ({cause.error})",
            next_attempt_at=later))


def _count(report: DeliveryReport, result: AttemptResult, name: str) -> None:
    if result.outcome == "sent":
        report.sent += 1
    elif result.outcome == "retry":
        report.retry += 1
    else:
        report.failed += 1
        if result.outcome == "broken":
            report.broken_destinations.add(name)


async def send(destination: Destination, alert: Alert, http: httpx.AsyncClient,
               timezone: str) -> AttemptResult:
    """One try at delivering ``alert``; the result says what happens next."""
    started = time.monotonic()
    try:
        response = await http.post(destination.url, json=destination.message(alert, timezone),
                                   timeout=destination.timeout)
    except httpx.TransportError as error:
        reason = type(error).__name__ + (f": {error}" if str(error) else "")
        return _retry(alert, _elapsed(started), None, reason.replace(destination.url, "…"), None)
    return classify(destination, alert, response, _elapsed(started))


def classify(destination: Destination, alert: Alert, response: httpx.Response,
             duration_ms: int) -> AttemptResult:
    """Turn a service's answer into sent, retry, dead (this alert) or broken (the destination)."""
    status = response.status_code
    body = response.text[:200].strip()
    if destination.accepted(response):
        return AttemptResult("sent", duration_ms, http_status=status)
    error = f"HTTP {status}" + (f": {body}" if body else "")
    if status == 429 or status >= 500 or status == 408:
        return _retry(alert, duration_ms, status, error, retry_after(response))
    if 300 <= status < 400:
        return AttemptResult("dead", duration_ms, http_status=status,
                             error=f"{error} (redirect to elsewhere; not followed)")
    if status in BROKEN_STATUSES:
        return AttemptResult("broken", duration_ms, http_status=status, error=error)
    return AttemptResult("dead", duration_ms, http_status=status, error=error)


def _retry(alert: Alert, duration_ms: int, status: int | None, error: str,
           wait: float | None) -> AttemptResult:
    if alert.attempts >= len(BACKOFF):
        return AttemptResult("dead", duration_ms, http_status=status,
                             error=f"{error} (gave up after {alert.attempts + 1} tries)")
    delay = BACKOFF[alert.attempts] * random.uniform(0.8, 1.2)
    delay = max(delay, wait or 0.0)
    when = _iso(datetime.now(UTC) + timedelta(seconds=delay))
    return AttemptResult("retry", duration_ms, http_status=status, error=error,
                         next_attempt_at=when)


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the service asks us to wait: ``Retry-After`` as seconds or as an HTTP date."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _elapsed(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
