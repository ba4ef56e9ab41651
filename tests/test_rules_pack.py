"""The shipped rule pack on a labelled set of news texts that are not the demo's articles."""

from __future__ import annotations

from bench.eval_rules import HELDOUT, load, pack, predict, report


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


def test_no_trap_alerts() -> None:
    items = load()
    predicted = predict(items, pack())
    assert [i["title"] for i in items if i["trap"] and predicted[i["id"]]] == []


def test_the_held_out_set_is_labelled_with_the_pack_topics() -> None:
    items = load(HELDOUT)
    assert len(items) >= 60 and not {i["id"] for i in items} & {i["id"] for i in load()}
    topics = {rule.name for rule in pack()}
    assert all(set(i["topics"]) <= topics and not (i["trap"] and i["topics"]) for i in items)
    assert sum(1 for i in items if i["topics"]) >= 30 and sum(1 for i in items if i["trap"]) >= 20
