"""Sentences written for the rule pack from the labelling guide, each with what must fire.

Every revision of the default pack adds its sentences to a file of ``tests/data/sentences/``
instead of writing a test function: a sentence names the rules that must fire on it and the
rules that must stay silent (``"*"`` for every rule of the pack). They are written from the
guide, never copied from a labelled set, so they hold each revision's general fixes in place
while later revisions change the pack.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from alerts import Rule
from bench.eval_rules import pack, predict

SENTENCES = Path(__file__).parent / "data" / "sentences"


@cache
def written() -> tuple[tuple[str, dict[str, Any]], ...]:
    """Every written sentence with its test id: the file's stem and its place in the file."""
    cases = []
    for path in sorted(SENTENCES.glob("*.toml")):
        with path.open("rb") as handle:
            for number, sentence in enumerate(tomllib.load(handle)["sentence"], start=1):
                cases.append((f"{path.stem}:{number}", sentence))
    return tuple(cases)


@cache
def shipped() -> list[Rule]:
    """The shipped pack, parsed once for the module."""
    return pack()


@cache
def fired() -> dict[str, set[str]]:
    """The rules that fire on every written sentence, matched in one batch."""
    items = [{"id": key, "language": sentence.get("language", "id"), "title": sentence["title"],
              "text": sentence["text"], "topics": [], "trap": False}
             for key, sentence in written()]
    return predict(items, shipped())


def test_every_sentence_names_rules_of_the_pack_and_why() -> None:
    names = {rule.name for rule in shipped()} | {"*"}
    for key, sentence in written():
        expected = set(sentence.get("fires", [])) | set(sentence.get("silent", []))
        assert expected and expected <= names, f"{key}: fires/silent must name rules of the pack"
        assert not set(sentence.get("fires", [])) & set(sentence.get("silent", [])), key
        assert sentence.get("why"), f"{key}: say which case of the guide the sentence stands for"


@pytest.mark.parametrize(("key", "sentence"), written(), ids=[key for key, _ in written()])
def test_a_written_sentence_fires_what_the_guide_says(key: str, sentence: dict[str, Any]) -> None:
    got = fired()[key]
    silent = set(sentence.get("silent", []))
    if "*" in silent:
        silent = {rule.name for rule in shipped()}
    assert set(sentence.get("fires", [])) <= got, f"{sentence['why']} (fired: {sorted(got)})"
    assert not silent & got, f"{sentence['why']} (fired: {sorted(got)})"
