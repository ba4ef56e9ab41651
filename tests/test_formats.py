"""Limits and escaping: every kind stays inside its platform's limits and news text stays inert."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alerts.formats import Bundle, Section, Story, render, single
from alerts.text import clean, cut_markup, fit, html_escape, markdown_escape, slack_escape
from storage import Alert
from tests.receivers import _VisibleText, utf16

KINDS = ("slack", "discord", "telegram", "teams", "mattermost", "googlechat", "webhook")
NASTY = ("<b>", "&amp;", "*", "_", "[x](y)", "@everyone", "<!channel>", "👨‍👩‍👧", "🇮🇩",
         "\u202eexe.jpg", "مرحبا", "\x00\x07", "e\u0301", "&", "<", ">", "\\", "`")
_BROKEN_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|#x27|#39);)")


def alert(title: str, snippet: str = "**PMI** dipulangkan", **fields: Any) -> Alert:
    values: dict[str, Any] = {
        "id": 1, "alert_key": "pantau_abc", "destination": "chat", "status": "pending",
        "attempts": 0, "next_attempt_at": "", "last_error": None,
        "created_at": "2026-11-27T00:00:00+00:00", "sent_at": None,
        "rules": ("pekerja-migran",), "terms": ("PMI",), "snippet": snippet, "article_id": 1,
        "title": title, "url": "https://news.example/berita/1", "source": "news",
        "published_at": "2026-11-27T07:30:00+00:00"}
    values.update(fields)
    return Alert(**values)


def within_limits(kind: str, message: dict[str, Any]) -> None:
    """The platform's documented limits, checked as its receiver would."""
    if kind == "discord":
        embeds = message["embeds"]
        assert len(embeds) <= 10
        assert all(utf16(e.get("title", "")) <= 256 for e in embeds)
        assert all(utf16(e.get("description", "")) <= 4096 for e in embeds)
        assert sum(utf16(e.get("title", "")) + utf16(e.get("description", ""))
                   for e in embeds) <= 6000
        assert utf16(message.get("content", "")) <= 2000
    elif kind == "telegram":
        parser = _VisibleText()
        parser.feed(message["text"])
        parser.close()
        assert not parser.error and not parser.open, parser.error
        assert 1 <= utf16(parser.text) <= 4096 and utf16(message["text"]) <= 4096
        assert not _BROKEN_ENTITY.search(message["text"])
    elif kind == "slack":
        assert len(message["blocks"]) <= 50
        for block in message["blocks"]:
            assert len(json.dumps(block, ensure_ascii=False)) <= 4000
    elif kind == "teams":
        assert len(json.dumps(message, ensure_ascii=False).encode()) <= 28_000
    elif kind == "mattermost":
        assert len(message["text"]) <= 16_383
    elif kind == "googlechat":
        assert len(json.dumps(message, ensure_ascii=False).encode()) <= 32_000
        for widget in message["cardsV2"][0]["card"]["sections"][0]["widgets"]:
            assert not _BROKEN_ENTITY.search(widget["textParagraph"]["text"])
    json.dumps(message).encode("utf-8")  # no lone surrogate anywhere


@pytest.mark.parametrize("kind", KINDS)
def test_a_200_kb_story_fits_every_platform(kind: str) -> None:
    huge = "Pekerja migran <b>&amp; *dipulangkan* " * 6000  # about 200 KB
    message = render(kind, single(alert(huge, snippet=huge + " **PMI** " + huge), "Asia/Jakarta"))
    within_limits(kind, message)


@pytest.mark.parametrize("kind", KINDS)
def test_a_digest_of_many_stories_is_capped_with_a_search_line(kind: str) -> None:
    stories = tuple(Story.of(alert(f"Berita {n} " + "panjang " * 40,
                                   url=f"https://news.example/{n}"), "Asia/Jakarta")
                    for n in range(300))
    bundle = Bundle("pantau_digest_x", (Section("pekerja-migran", stories,
                                                "pantau search 'PMI' --since 2026-11-26"),),
                    title="Pantau digest: 300 stories")
    message = render(kind, bundle)
    within_limits(kind, message)
    shown = json.dumps(message, ensure_ascii=False)
    if kind != "webhook":  # generic JSON carries them all
        assert "more in pekerja" in shown.replace("\\\\", "") and "pantau search" in shown


@settings(max_examples=60, deadline=None)
@given(title=st.lists(st.sampled_from(NASTY) | st.text(max_size=8), max_size=120).map("".join),
       snippet=st.text(max_size=300))
@pytest.mark.parametrize("kind", KINDS)
def test_any_title_renders_within_limits(kind: str, title: str, snippet: str) -> None:
    within_limits(kind, render(kind, single(alert(title or "x", snippet=snippet),
                                            "Asia/Jakarta")))


@given(text=st.lists(st.sampled_from(NASTY) | st.text(max_size=5), max_size=80).map("".join),
       limit=st.integers(min_value=1, max_value=120))
@pytest.mark.parametrize("escape", [slack_escape, html_escape, markdown_escape])
def test_fit_never_splits_an_entity_or_escape(escape: Any, text: str, limit: int) -> None:
    out = fit(text, limit, escape)
    assert len(out) <= limit
    body = out.removesuffix("…")
    assert escape(text).startswith(body)
    if escape is markdown_escape:  # an escape is never left without its character
        assert (len(body) - len(body.rstrip("\\"))) % 2 == 0
    else:
        assert not _BROKEN_ENTITY.search(body)


@given(words=st.lists(st.sampled_from(["<b>kata</b>", "<i>x <u>y</u></i>", "&amp;", "kata",
                                       " ", "👨‍👩‍👧"]), max_size=60),
       limit=st.integers(min_value=10, max_value=80))
def test_cut_markup_keeps_tags_whole_and_closed(words: list[str], limit: int) -> None:
    text = "<b>" + "".join(words) + "</b>"
    out = cut_markup(text, limit, close_tags=True)
    assert len(out) <= limit
    parser = _VisibleText()
    parser.feed(out)
    parser.close()
    assert not parser.error and not parser.open


def test_cleaning_drops_controls_and_bidi_overrides_but_keeps_scripts() -> None:
    assert clean("PMI\x00\x07 \u202eexe.jpg مرحبا 🇮🇩 e\u0301") == "PMI exe.jpg مرحبا 🇮🇩 e\u0301"


def test_cuts_never_split_a_grapheme() -> None:
    family = "👨‍👩‍👧"
    out = fit("a" * 10 + family * 5, 14)
    assert out.removesuffix("…").endswith(("a", family))
    flags = fit("🇮🇩" * 10, 6)
    assert len(flags.removesuffix("…")) % 2 == 0
    assert html.unescape(fit("&" * 50, 20, html_escape).removesuffix("…")) == "&" * 3
