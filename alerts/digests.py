"""Digests: a destination's alerts gathered into one message per schedule slot, by rule.

A destination with ``digest = "daily 08:00"`` gets no message per story; its alerts wait in the
outbox until the slot passes, then go out together, grouped by rule and cut to the platform's
limit, with a ``pantau search`` line for whatever did not fit. Every alert in the digest is
marked sent with the digest's key in the same transaction, so nothing is sent twice and nothing
is lost if the digest has to be retried.
"""

from __future__ import annotations

import hashlib
import logging
import shlex
from collections.abc import Mapping, Sequence
from datetime import datetime

import httpx

from alerts.delivery import (
    LEASE,
    Clock,
    DeliveryReport,
    attempt_result,
    http_client,
    send_bundle,
)
from alerts.destinations import Destination
from alerts.formats import Bundle, Section, Story
from storage import Alert, Archive

logger = logging.getLogger(__name__)
MAX_ALERTS = 1000


async def deliver_digests(archive: Archive, destinations: Mapping[str, Destination], *,
                          timezone: str = "Asia/Jakarta", queries: Mapping[str, str] | None = None,
                          client: httpx.AsyncClient | None = None, now: datetime | None = None,
                          force: bool = False) -> DeliveryReport:
    """Send the digest of every destination whose slot has come (all of them with ``force``).

    ``queries`` maps rule names to their queries, for the ``pantau search`` line. This is what
    the scheduler calls; ``pantau alerts digest`` calls it too.
    """
    clock = Clock(now)
    report = DeliveryReport()
    # Under the sender lock like every pass that claims, so no one takes back our claims.
    with archive.sending(clock.iso()):
        async with http_client(client) as http:
            for destination in destinations.values():
                if destination.schedule is not None:
                    await _digest(archive, destination, http, timezone, queries or {}, clock,
                                  report, force)
    return report


async def _digest(archive: Archive, destination: Destination, http: httpx.AsyncClient,
                  timezone: str, queries: Mapping[str, str], clock: Clock,
                  report: DeliveryReport, force: bool) -> None:
    assert destination.schedule is not None
    state = archive.destination_record(destination.name)
    slot = destination.schedule.last_slot(clock.now(), timezone).isoformat(timespec="seconds")
    if state.status == "broken" or (not force and _done(state.last_digest_at, slot)):
        return
    alerts = archive.claim_due_alerts(clock.iso(), clock.iso(LEASE), MAX_ALERTS,
                                      destinations=[destination.name])
    if not alerts:
        archive.record_digest_slot(destination.name, slot)
        return
    bundle = digest_bundle(destination.name, alerts, timezone, queries, slot)
    verdict, status, took = await send_bundle(archive, destination, bundle, http)
    result = attempt_result(verdict, status, took, max(a.attempts for a in alerts), clock)
    archive.record_attempts([a.id for a in alerts], result, digest_key=bundle.key)
    report.count(result.outcome, destination.name, len(alerts))
    if result.outcome in ("sent", "dead"):
        archive.record_digest_slot(destination.name, slot)
        report.digests += result.outcome == "sent"
    else:
        logger.warning("digest for %s not sent (%s)", destination.name, verdict.detail)


def _done(last: str | None, slot: str) -> bool:
    if last is None:
        return False
    return datetime.fromisoformat(last) >= datetime.fromisoformat(slot)


def digest_bundle(name: str, alerts: Sequence[Alert], timezone: str,
                  queries: Mapping[str, str], slot: str) -> Bundle:
    """The digest of ``alerts``: one section per rule (an alert under its first rule)."""
    by_rule: dict[str, list[Story]] = {}
    for alert in alerts:
        by_rule.setdefault(alert.rules[0] if alert.rules else "other", []).append(
            Story.of(alert, timezone))
    since = min(alert.created_at for alert in alerts)[:10]
    sections = tuple(
        Section(rule, tuple(stories), _search_line(queries.get(rule), since))
        for rule, stories in sorted(by_rule.items()))
    ids = ",".join(str(alert.id) for alert in alerts)
    key = "pantau_digest_" + hashlib.sha256(f"{name}\n{slot}\n{ids}".encode()).hexdigest()[:24]
    count = len(alerts)
    title = f"Pantau digest: {count} {'story' if count == 1 else 'stories'}"
    return Bundle(key, sections, title=title)


def _search_line(query: str | None, since: str) -> str | None:
    if not query:
        return None
    return f"pantau search {shlex.quote(query)} --since {since}"
