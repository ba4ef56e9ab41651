"""Messages: an alert rendered for each kind of chat destination.

Text from the news (titles, snippets) is escaped for the target's markup, so a headline that
holds ``<!channel>`` or ``<b>`` is shown, never obeyed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alerts.matcher import HIGHLIGHT
from storage import Alert

SLACK_SECTION_LIMIT = 3000
_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_HIGHLIGHTED = re.compile(re.escape(HIGHLIGHT[0]) + r"(.+?)" + re.escape(HIGHLIGHT[1]))


def local_time(stamp: str | None, timezone: str) -> str:
    """``stamp`` in the destination's zone, as people there write it ("27 Nov 2026 14:05 WIB")."""
    if not stamp:
        return "date unknown"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    zone = ZoneInfo(timezone)
    label = _ZONE_NAMES.get(timezone, moment.astimezone(zone).strftime("%Z"))
    if moment.tzinfo is None:
        return moment.strftime("%d %b %Y")
    return f"{moment.astimezone(zone):%d %b %Y %H:%M} {label}"


def slack_escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(alert: Alert, timezone: str) -> dict[str, Any]:
    """A Slack incoming-webhook message: Block Kit sections plus fallback text."""
    title = slack_escape(alert.title or alert.url)
    when = local_time(alert.published_at, timezone)
    snippet = _HIGHLIGHTED.sub(r"*\1*", slack_escape(alert.snippet))
    heading = f"*<{alert.url}|{title}>*\n{slack_escape(alert.source)} · {when}"
    label = "Rule" if len(alert.rules) == 1 else "Rules"
    why = f"{label} " + ", ".join(f"*{slack_escape(rule)}*" for rule in alert.rules)
    why += " · terms: " + ", ".join(
        f"`{slack_escape(term)}`" for term in alert.terms)
    return {
        "text": f"{alert.title or alert.url} ({alert.source}, {when})",
        "unfurl_links": False,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn",
                                         "text": _cap(heading, SLACK_SECTION_LIMIT)}},
            {"type": "section", "text": {"type": "mrkdwn",
                                         "text": _cap("> " + snippet, SLACK_SECTION_LIMIT)}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": _cap(why, 300)}]},
        ],
    }


def webhook_message(alert: Alert) -> dict[str, Any]:
    """A plain JSON document for generic webhooks: every field, no markup."""
    return {
        "id": alert.alert_key,
        "rules": list(alert.rules),
        "terms": list(alert.terms),
        "snippet": alert.snippet,
        "article": {"title": alert.title, "url": alert.url, "source": alert.source,
                    "published_at": alert.published_at},
    }


def _cap(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, never inside an entity."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if "&" in cut[-6:]:
        cut = cut[: cut.rindex("&")]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut) + "…"
