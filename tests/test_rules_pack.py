"""The shipped rule pack on a labelled set of news texts that are not the demo's articles."""

from __future__ import annotations

from bench.eval_rules import load, pack, predict, report


def test_the_pack_alerts_on_migration_stories_and_not_on_traps() -> None:
    items = load()
    assert len(items) >= 150
    assert sum(1 for i in items if i["topics"]) >= 40 and sum(1 for i in items if i["trap"]) >= 30
    scores = report(items)["stemming"]["any"]
    assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95


def test_word_forms_raise_recall_without_costing_precision() -> None:
    result = report(load())
    assert result["stemming"]["any"]["recall"] > result["exact"]["any"]["recall"]
    assert result["stemming"]["any"]["precision"] >= result["exact"]["any"]["precision"]


def test_no_trap_alerts_but_one_intern_trip_to_japan() -> None:
    items = load()
    predicted = predict(items, pack())
    fired = sorted(i["title"] for i in items if i["trap"] and predicted[i["id"]])
    # A headmaster's "magang" in Japan reads like the intern programme; the rule accepts that.
    assert fired == ["Magang guru di Jepang untuk kepala sekolah"]
