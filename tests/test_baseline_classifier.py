"""The naive Bayes baseline the rule pack is compared with (bench/baseline_classifier.py)."""

from __future__ import annotations

from typing import Any

from bench.baseline_classifier import features, predict


def _item(key: str, text: str, topics: list[str]) -> dict[str, Any]:
    return {"id": key, "language": "id", "title": "", "text": text, "topics": topics,
            "trap": False}


def test_a_topic_is_learned_from_the_words_of_its_texts() -> None:
    train = [_item("a", "Calo memberangkatkan pekerja ke Malaysia tanpa izin.", ["penempatan"]),
             _item("b", "Agen penyalur menempatkan pekerja di Taiwan.", ["penempatan"]),
             _item("c", "Harga beras naik di pasar induk.", []),
             _item("d", "Banjir merendam ratusan rumah di pesisir.", [])]
    unseen = [_item("x", "Polisi menangkap calo yang menempatkan pekerja.", []),
              _item("y", "Harga cabai di pasar turun.", [])]
    assert predict(train, unseen) == {"x": {"penempatan"}, "y": set()}


def test_chinese_and_japanese_texts_are_read_by_characters_and_their_pairs() -> None:
    tokens = features(_item("z", "印尼移工", []))
    assert {"印", "尼", "印尼", "移工"} <= set(tokens)
