"""Agreement between two labellings of the same texts (bench/agreement.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.agreement import agreement, kappa
from bench.eval_rules import DATA, load, pack

SECOND_READINGS = DATA.parent / "second_readings"


def test_kappa_discounts_the_agreement_expected_by_chance() -> None:
    # 50 texts: both say yes to 20, only the first to 5, only the second to 10, neither to 15.
    # Observed agreement 0.7, expected by chance 0.5, so kappa is 0.4.
    assert kappa(20, 5, 10, 15) == pytest.approx(0.4)
    assert kappa(10, 0, 0, 40) == 1.0
    assert kappa(0, 0, 0, 50) == 1.0  # nobody gives the label: nothing to disagree on


def test_the_second_labeller_is_scored_against_the_first_per_topic() -> None:
    first = [{"id": "a", "topics": ["penempatan", "pekerja-migran"], "trap": False},
             {"id": "b", "topics": ["pekerja-migran"], "trap": False},
             {"id": "c", "topics": [], "trap": True},
             {"id": "d", "topics": ["perdagangan-orang"], "trap": False}]
    second = [{"id": "a", "topics": ["pekerja-migran"]},
              {"id": "b", "topics": ["pekerja-migran", "penempatan"]},
              {"id": "c", "topics": ["pekerja-migran"]},
              {"id": "d", "topics": ["perdagangan-orang"]}]
    result = agreement(first, second)
    placement = result["penempatan"]
    assert (placement["both"], placement["only_first"], placement["only_second"]) == (0, 1, 1)
    assert (placement["precision"], placement["recall"]) == (0.0, 0.0)
    assert (result["pekerja-migran"]["precision"], result["pekerja-migran"]["recall"]) == (
        pytest.approx(2 / 3), 1.0)
    assert (result["any"]["precision"], result["any"]["recall"]) == (0.75, 1.0)
    assert result["perdagangan-orang"]["kappa"] == 1.0


def test_labellings_of_different_texts_are_refused() -> None:
    with pytest.raises(ValueError, match="'b'"):
        agreement([{"id": "a", "topics": []}, {"id": "b", "topics": []}],
                  [{"id": "a", "topics": []}])
    with pytest.raises(ValueError, match="does not have"):
        agreement([{"id": "a", "topics": []}],
                  [{"id": "a", "topics": []}, {"id": "z", "topics": []}])


@pytest.mark.parametrize("reading", sorted(SECOND_READINGS.glob("*.jsonl")),
                         ids=lambda path: path.name)
def test_a_second_reading_labels_every_text_of_its_set(reading: Path) -> None:
    labelled = load(reading.parents[1] / reading.name)
    second = load(reading)
    result = agreement(labelled, second)  # refuses readings of other texts
    topics = {rule.name for rule in pack()}
    assert all(set(item["topics"]) <= topics and not (item["trap"] and item["topics"])
               for item in second)
    assert result["any"]["kappa"] > 0.8  # two readers of one guide, not two guesses
