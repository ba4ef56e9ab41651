"""Text for chat: news text made inert for each markup, and cut to a limit without breaking it.

News text is hostile by default: a headline may hold ``<!channel>``, ``@everyone``, ``<b>`` or
``[x](y)``. Every piece of it is sanitised (control and bidi-override characters removed) and
escaped for the target's markup before it is placed in a message; our own markup is added around
it afterwards. Cutting happens on the raw text *before* escaping, so an entity or an escape is
never split; cutting already-marked-up text (a user's template) treats tags, entities and escapes
as atoms and closes what it leaves open.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

ELLIPSIS = "…"
# C0/C1 controls except tab and newline, and the bidi embeddings, overrides and isolates that can
# make a headline display as something else (U+202E turns "gpj.exe" into "exe.jpg").
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKDOWN_SPECIAL = re.compile(r"([\\*_~`|>#\-\[\]()<:])")
_MENTION = re.compile(r"@(?=\w)")
_ZERO_WIDTH_SPACE = "\u200b"
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|\\.|\s+|[^\s<&\\]+|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*?(/?)>")

Escape = Callable[[str], str]
Measure = Callable[[str], int]


def clean(text: str) -> str:
    """News text without control or bidi-override characters, spacing collapsed to one line."""
    return " ".join(_UNSAFE.sub("", text).split())


def utf16_length(text: str) -> int:
    """Length as Telegram and Discord count it: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def slack_escape(text: str) -> str:
    """Slack mrkdwn: ``&``, ``<``, ``>`` become entities, so ``<!channel>`` is only shown."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def html_escape(text: str) -> str:
    """Telegram's and Google Chat's HTML: ``&``, ``<``, ``>`` and quotes become entities."""
    return html.escape(text, quote=True)


def markdown_escape(text: str) -> str:
    """Discord/Mattermost markdown: every formatting character behind a backslash, and a
    zero-width space after ``@`` so ``@everyone`` or ``@channel`` is shown, never a ping."""
    return _MENTION.sub("@" + _ZERO_WIDTH_SPACE, _MARKDOWN_SPECIAL.sub(r"\\\1", text))


def plain(text: str) -> str:
    """No markup at all: the text is shown as it is (Adaptive Card TextRuns, JSON fields)."""
    return text


def fit(text: str, limit: int, escape: Escape = plain, measure: Measure = len) -> str:
    """``text`` escaped, cut so the escaped result (with "…") is at most ``limit`` long.

    The cut falls on the raw text, at a word boundary when one is near, never inside a
    grapheme (combining marks, emoji joined by ZWJ, flags stay whole).
    """
    escaped = escape(text)
    if measure(escaped) <= limit:
        return escaped
    budget = limit - measure(ELLIPSIS)
    if budget <= 0:
        return ""
    low, high = 0, len(text)
    while low < high:  # the longest raw prefix whose escaped form fits
        middle = (low + high + 1) // 2
        if measure(escape(text[:middle])) <= budget:
            low = middle
        else:
            high = middle - 1
    cut = _grapheme_boundary(text, low)
    space = text.rfind(" ", 0, cut + 1)
    if space > cut * 2 // 3:
        cut = space
    return escape(text[:cut].rstrip()) + ELLIPSIS


def _grapheme_boundary(text: str, index: int) -> int:
    """The nearest index at or before ``index`` that does not split a user-perceived character."""
    while 0 < index < len(text) and _joins(text[index - 1], text[index]):
        index -= 1
    return index


def _joins(before: str, after: str) -> bool:
    if unicodedata.combining(after) or after in "\u200d\ufe0e\ufe0f" or before == "\u200d":
        return True
    if "\U0001f3fb" <= after <= "\U0001f3ff":  # skin-tone modifier
        return True
    regional = "\U0001f1e6" <= before <= "\U0001f1ff" and "\U0001f1e6" <= after <= "\U0001f1ff"
    return regional or "\udc00" <= after <= "\udfff"


def cut_markup(text: str, limit: int, measure: Measure = len, close_tags: bool = False) -> str:
    """Already marked-up ``text`` cut to ``limit``: tags, entities and escapes are atoms.

    With ``close_tags`` (HTML), tags left open by the cut are closed, inside the limit.
    """
    if measure(text) <= limit:
        return text
    kept: list[str] = []
    open_tags: list[str] = []
    used = measure(ELLIPSIS)
    for token in _TOKEN.findall(text):
        closing = "".join(f"</{name}>" for name in reversed(_after(open_tags, token)))
        if used + measure(token) + (measure(closing) if close_tags else 0) > limit:
            break
        kept.append(token)
        used += measure(token)
        open_tags = _after(open_tags, token)
    while kept and kept[-1].isspace():
        kept.pop()
    tail = "".join(f"</{name}>" for name in reversed(open_tags)) if close_tags else ""
    return "".join(kept) + ELLIPSIS + tail


def _after(open_tags: list[str], token: str) -> list[str]:
    """The stack of open tags once ``token`` has been written."""
    found = _TAG.fullmatch(token)
    if not found or found.group(3):
        return open_tags
    closing, name = found.group(1), found.group(2).lower()
    if not closing:
        return [*open_tags, name]
    if name in open_tags:
        position = len(open_tags) - 1 - open_tags[::-1].index(name)
        return open_tags[:position]
    return open_tags
