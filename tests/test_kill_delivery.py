"""The kill test, short: senders SIGKILLed mid-delivery and restarted lose no alert and repeat
at most the one alert in flight at each kill (bench/kill_delivery.py runs the long version)."""

from __future__ import annotations

from pathlib import Path

from bench.kill_delivery import Setup, run_kill_test


def test_killed_senders_lose_nothing_and_repeat_only_what_was_in_flight(tmp_path: Path) -> None:
    # One destination, so a kill can catch at most one request in flight. The default
    # five-minute lease stays: a restart that waited for it would run into the time limit.
    setup = Setup(kills=10, alerts=60, seed=7, kinds=("webhook",), time_limit=120)
    result = run_kill_test(setup, tmp_path)
    queued = result["alerts_queued"]
    assert result["kills"] == 10
    assert result["lost"] == 0 and result["delivered_at_least_once"] == queued
    assert result["archive_statuses"] == {"sent": queued}
    assert result["alerts_committed_sent_once"] == queued
    assert result["duplicates"] <= result["kills"]
    assert result["unexplained_alert_ids"] == []
    assert result["duplicates_explained"] == result["duplicates"]
    assert result["most_duplicates_per_kill_and_destination"] <= 1
