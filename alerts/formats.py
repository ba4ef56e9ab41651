"""Messages: a bundle of stories rendered for each kind of chat, inside that chat's limits.

One alert is a bundle of one story; a digest is a bundle of many, in sections by rule. Every
renderer takes the same :class:`Bundle`; :func:`render` drops stories from the end until the
platform accepts the size, and those dropped are counted in a "… and N more: pantau search"
line, so a digest is never refused for being long and never silently short.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from alerts.text import (
    clean,
    fit,
    html_escape,
    markdown_escape,
    plain,
    slack_escape,
    utf16_length,
)
from storage import Alert

SLACK_SECTION_LIMIT = 3000
SLACK_BLOCKS = 50
DISCORD_TITLE = 256
DISCORD_DESCRIPTION = 4096
DISCORD_TOTAL = 6000
DISCORD_EMBEDS = 10
TELEGRAM_TEXT = 4096
TEAMS_BYTES = 27_000  # "about 28 KB" per message, with room for the envelope
MATTERMOST_TEXT = 16_000
GOOGLE_CHAT_BYTES = 30_000
TITLE_LIMIT = 300
SNIPPET_LIMIT = 600
_ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_HIGHLIGHTED = re.compile(r"\*\*(.+?)\*\*")


@dataclass(frozen=True)
class Story:
    """One story as every format shows it: cleaned news text plus our own labels."""

    title: str
    url: str
    source: str
    when: str
    rules: tuple[str, ...]
    terms: tuple[str, ...]
    snippet: tuple[tuple[str, bool], ...]  # (text, is a hit)
    outlets: tuple[tuple[str, str], ...] = ()  # the other (source, url) carrying the story

    @classmethod
    def of(cls, alert: Alert, timezone: str) -> Story:
        """The story an alert is about, with its date in the destination's zone."""
        return cls(
            title=clean(alert.title or alert.url)[:TITLE_LIMIT * 4] or alert.url,
            url=alert.url, source=clean(alert.source),
            when=local_time(alert.published_at, timezone), rules=alert.rules,
            terms=tuple(clean(t) for t in alert.terms), snippet=snippet_parts(alert.snippet),
            outlets=alert.outlets)

    @property
    def snippet_text(self) -> str:
        return "".join(text for text, _ in self.snippet)


@dataclass(frozen=True)
class Section:
    """Stories under one heading (a rule, in a digest), and how many did not fit."""

    heading: str | None
    stories: tuple[Story, ...]
    search: str | None = None  # the `pantau search` command that finds the rest
    dropped: int = 0


@dataclass(frozen=True)
class Bundle:
    """What one message carries: a single alert, or a digest's sections."""

    key: str
    sections: tuple[Section, ...]
    title: str | None = None  # a digest's heading; None for a single alert
    template: Callable[[Story, str], str] | None = field(default=None, compare=False)

    @property
    def single(self) -> Story | None:
        """The one story of a single alert."""
        stories = [s for section in self.sections for s in section.stories]
        return stories[0] if self.title is None and len(stories) == 1 else None

    @property
    def size(self) -> int:
        return sum(len(section.stories) for section in self.sections)

    def without_last(self) -> Bundle:
        """The bundle with its last story moved to the "more" count of its section."""
        sections = list(self.sections)
        for index in range(len(sections) - 1, -1, -1):
            if sections[index].stories:
                last = sections[index]
                sections[index] = replace(last, stories=last.stories[:-1],
                                          dropped=last.dropped + 1)
                break
        return replace(self, sections=tuple(sections))


def snippet_parts(snippet: str) -> tuple[tuple[str, bool], ...]:
    """A matcher snippet (hits in ``**bold**``) as cleaned (text, is a hit) parts."""
    parts: list[tuple[str, bool]] = []
    position = 0
    text = clean(snippet)
    for found in _HIGHLIGHTED.finditer(text):
        if found.start() > position:
            parts.append((text[position:found.start()], False))
        parts.append((found.group(1), True))
        position = found.end()
    if position < len(text):
        parts.append((text[position:], False))
    return tuple(parts)


def local_time(stamp: str | None, timezone: str) -> str:
    """``stamp`` in the destination's zone, as people there write it ("27 Nov 2026 14:05 WIB")."""
    if not stamp:
        return "date unknown"
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return clean(stamp)
    zone = ZoneInfo(timezone)
    label = _ZONE_NAMES.get(timezone, moment.astimezone(zone).strftime("%Z"))
    if moment.tzinfo is None:
        return moment.strftime("%d %b %Y")
    return f"{moment.astimezone(zone):%d %b %Y %H:%M} {label}"


def render(kind: str, bundle: Bundle) -> dict[str, Any]:
    """``bundle`` as the JSON body ``kind`` expects, shortened until the platform accepts it."""
    renderer, fits = RENDERERS[kind]
    while True:
        message = renderer(bundle)
        if fits(message) or bundle.size <= 1:
            return message
        bundle = bundle.without_last()


def more_lines(bundle: Bundle) -> list[str]:
    """The "… and N more" lines of sections that lost stories to the limit."""
    lines = []
    for section in bundle.sections:
        if section.dropped:
            where = f" in {section.heading}" if section.heading else ""
            hint = f": {section.search}" if section.search else ""
            lines.append(f"… and {section.dropped} more{where}{hint}")
    return lines


def _snippet(story: Story, escape: Callable[[str], str], bold: Callable[[str], str],
             limit: int, measure: Callable[[str], int] = len) -> str:
    """The snippet escaped, its hits in bold, at most ``limit`` long, nothing cut in half."""
    out = ""
    for text, hit in story.snippet:
        wrap = bold if hit else (lambda s: s)
        room = limit - measure(out) - measure(wrap(""))
        piece = fit(text, room, escape, measure)
        if not piece:
            break
        out += wrap(piece)
        if piece.endswith("…") and not escape(text).endswith("…"):
            break
    return out


def _why(story: Story) -> str:
    label = "Rule" if len(story.rules) == 1 else "Rules"
    terms = f" · terms: {', '.join(story.terms)}" if story.terms else ""
    return fit(f"{label}: {', '.join(story.rules)}{terms}", 500)


def _outlets(story: Story, limit: int = 8) -> str:
    if not story.outlets:
        return ""
    names = sorted({source for source, _ in story.outlets})
    shown = ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if
                                        len(names) > limit else "")
    return f"Also carried by {shown}"


def _safe_url(url: str) -> str:
    """A URL that cannot end a markdown link or an HTML attribute early."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")


# -- Slack --------------------------------------------------------------------------------------

def slack_message(bundle: Bundle) -> dict[str, Any]:
    """A Slack incoming-webhook message: Block Kit plus fallback text for notifications.

    News text goes in ``rich_text`` elements, which Slack shows literally (no mrkdwn, no
    mentions); only our own labels are mrkdwn, escaped all the same.
    """
    story = bundle.single
    if story is not None:
        return {"text": slack_escape(fit(_fallback(story), 300)), "unfurl_links": False,
                "blocks": _slack_story_blocks(story, bundle)}
    blocks: list[dict[str, Any]] = [_slack_context(bundle.title or "Pantau")]
    for section in bundle.sections:
        blocks.append(_slack_list(section))
    blocks += [_slack_context(line) for line in more_lines(bundle)]
    return {"text": slack_escape(bundle.title or "Pantau digest"), "unfurl_links": False,
            "blocks": blocks}


def _fallback(story: Story) -> str:
    return f"{story.title} ({story.source}, {story.when})"


def _slack_story_blocks(story: Story, bundle: Bundle) -> list[dict[str, Any]]:
    if bundle.template is not None:
        text = bundle.template(story, "slack")
        body: dict[str, Any] = {"type": "section",
                                "text": {"type": "mrkdwn", "text": text}}
        return [body]
    elements: list[dict[str, Any]] = [
        {"type": "link", "url": story.url, "text": fit(story.title, TITLE_LIMIT),
         "style": {"bold": True}},
        {"type": "text", "text": f"\n{story.source} · {story.when}\n"}]
    budget = SLACK_SECTION_LIMIT - TITLE_LIMIT - 200
    for text, hit in story.snippet:
        piece = fit(text, budget)
        if not piece:
            break
        budget -= len(piece)
        elements.append({"type": "text", "text": piece, **({"style": {"bold": True}}
                                                             if hit else {})})
    blocks = [{"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": elements}]},
        _slack_context(_why(story))]
    if story.outlets:
        blocks.append(_slack_context(_outlets(story)))
    return blocks


def _slack_context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [
        {"type": "mrkdwn", "text": fit(text, SLACK_SECTION_LIMIT, slack_escape)}]}


def _slack_list(section: Section) -> dict[str, Any]:
    items = [{"type": "rich_text_section", "elements": [
        {"type": "link", "url": s.url, "text": fit(s.title, TITLE_LIMIT)},
        {"type": "text", "text": f" — {s.source} · {s.when}"}]} for s in section.stories]
    elements: list[dict[str, Any]] = [{"type": "rich_text_section", "elements": [
        {"type": "text", "text": section.heading or "Stories", "style": {"bold": True}}]}]
    if items:
        elements.append({"type": "rich_text_list", "style": "bullet", "elements": items})
    return {"type": "rich_text", "elements": elements}


def _slack_fits(message: dict[str, Any]) -> bool:
    blocks = message["blocks"]
    return len(blocks) <= SLACK_BLOCKS and all(
        len(json.dumps(block, ensure_ascii=False)) <= SLACK_SECTION_LIMIT + 1000
        and len(_block_text(block)) <= SLACK_SECTION_LIMIT for block in blocks)


def _block_text(block: Any) -> str:
    """All the text a block shows (what Slack's per-section limit counts)."""
    if isinstance(block, dict):
        own = block.get("text") if isinstance(block.get("text"), str) else ""
        return str(own) + "".join(_block_text(v) for k, v in block.items() if k != "text"
                                  or not isinstance(v, str))
    if isinstance(block, list):
        return "".join(_block_text(item) for item in block)
    return ""


# -- Discord ------------------------------------------------------------------------------------

def discord_message(bundle: Bundle) -> dict[str, Any]:
    """A Discord webhook message: embeds, and no mention may ping anyone."""
    story = bundle.single
    if story is not None:
        embeds = [_discord_story(story, bundle)]
    else:
        embeds = [_discord_section(section) for section in bundle.sections][:DISCORD_EMBEDS]
    message: dict[str, Any] = {"embeds": embeds, "allowed_mentions": {"parse": []}}
    lines = ([markdown_escape(bundle.title)] if bundle.title else []) + [
        markdown_escape(line) for line in more_lines(bundle)]
    if lines:
        message["content"] = fit("\n".join(lines), 2000, plain, utf16_length)
    return message


def _discord_story(story: Story, bundle: Bundle) -> dict[str, Any]:
    if bundle.template is not None:
        description = bundle.template(story, "discord")
    else:
        lines = [f"{markdown_escape(story.source)} · {story.when}",
                 _snippet(story, markdown_escape, lambda s: f"**{s}**", 3000, utf16_length),
                 markdown_escape(_why(story))]
        if story.outlets:
            lines.append(markdown_escape(_outlets(story)))
        description = "\n".join(line for line in lines if line)
    return {"title": fit(story.title, DISCORD_TITLE, markdown_escape, utf16_length),
            "url": story.url, "description": description}


def _discord_section(section: Section) -> dict[str, Any]:
    lines = [f"[{markdown_escape(fit(s.title, 200))}]({_safe_url(s.url)}) — "
             f"{markdown_escape(s.source)} · {s.when}" for s in section.stories]
    return {"title": fit(section.heading or "Stories", DISCORD_TITLE, markdown_escape,
                         utf16_length),
            "description": "\n".join(lines)}


def _discord_fits(message: dict[str, Any]) -> bool:
    embeds = message["embeds"]
    total = sum(utf16_length(e.get("title", "")) + utf16_length(e.get("description", ""))
                for e in embeds)
    return (len(embeds) <= DISCORD_EMBEDS and total <= DISCORD_TOTAL
            and all(utf16_length(e.get("description", "")) <= DISCORD_DESCRIPTION
                    for e in embeds)
            and utf16_length(message.get("content", "")) <= 2000)


# -- Telegram -----------------------------------------------------------------------------------

def telegram_text(bundle: Bundle) -> str:
    """The HTML text of a Telegram message (only tags Telegram allows)."""
    story = bundle.single
    if story is not None:
        if bundle.template is not None:
            return bundle.template(story, "telegram")
        lines = [f'<b><a href="{html_escape(story.url)}">'
                 f"{fit(story.title, TITLE_LIMIT, html_escape)}</a></b>",
                 f"{html_escape(story.source)} · {story.when}",
                 _snippet(story, html_escape, lambda s: f"<b>{s}</b>", 2500, utf16_length),
                 f"<i>{html_escape(_why(story))}</i>"]
        if story.outlets:
            lines.append(html_escape(_outlets(story)))
        return "\n".join(line for line in lines if line)
    lines = [f"<b>{html_escape(bundle.title or 'Pantau')}</b>"]
    for section in bundle.sections:
        lines.append(f"\n<b>{html_escape(section.heading or 'Stories')}</b>")
        lines += [f'• <a href="{html_escape(s.url)}">{fit(s.title, 200, html_escape)}</a>'
                  f" — {html_escape(s.source)} · {s.when}" for s in section.stories]
    lines += [html_escape(line) for line in more_lines(bundle)]
    return "\n".join(lines)


def telegram_message(bundle: Bundle) -> dict[str, Any]:
    """A Telegram ``sendMessage`` body (``chat_id`` is added by the destination)."""
    return {"text": telegram_text(bundle), "parse_mode": "HTML",
            "link_preview_options": {"is_disabled": True}}


def _telegram_fits(message: dict[str, Any]) -> bool:
    return utf16_length(message["text"]) <= TELEGRAM_TEXT


# -- Microsoft Teams (Workflows) ----------------------------------------------------------------

def teams_message(bundle: Bundle) -> dict[str, Any]:
    """A Teams Workflows message: one Adaptive Card 1.4. News text sits in TextRuns, which
    Teams shows as plain text; mentions need explicit entities, which we never send."""
    story = bundle.single
    body: list[dict[str, Any]] = []
    if story is not None and bundle.template is not None:
        body.append({"type": "TextBlock", "wrap": True,
                     "text": bundle.template(story, "teams")})
    elif story is not None:
        body += _teams_story(story)
    else:
        body.append(_teams_runs([_run(bundle.title or "Pantau", weight="Bolder",
                                      size="Medium")]))
        for section in bundle.sections:
            body.append(_teams_runs([_run(section.heading or "Stories", weight="Bolder")]))
            body += [_teams_runs([_run(fit(s.title, TITLE_LIMIT), url=s.url),
                                  _run(f" — {s.source} · {s.when}", subtle=True)])
                     for s in section.stories]
        body += [_teams_runs([_run(line, subtle=True)]) for line in more_lines(bundle)]
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard", "version": "1.4", "body": body}
    if story is not None:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open article",
                            "url": story.url}]
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
         "content": card}]}


def _teams_story(story: Story) -> list[dict[str, Any]]:
    snippet = [_run(fit(text, SNIPPET_LIMIT), weight="Bolder" if hit else None)
               for text, hit in story.snippet]
    blocks = [_teams_runs([_run(fit(story.title, TITLE_LIMIT), url=story.url,
                                weight="Bolder", size="Medium")]),
              _teams_runs([_run(f"{story.source} · {story.when}", subtle=True)]),
              _teams_runs(snippet or [_run(" ")]),
              _teams_runs([_run(_why(story), subtle=True)])]
    if story.outlets:
        blocks.append(_teams_runs([_run(_outlets(story), subtle=True)]))
    return blocks


def _run(text: str, *, url: str | None = None, weight: str | None = None,
         size: str | None = None, subtle: bool = False) -> dict[str, Any]:
    run: dict[str, Any] = {"type": "TextRun", "text": text}
    if url:
        run["selectAction"] = {"type": "Action.OpenUrl", "url": url}
    if weight:
        run["weight"] = weight
    if size:
        run["size"] = size
    if subtle:
        run["isSubtle"] = True
    return run


def _teams_runs(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": runs}


def _teams_fits(message: dict[str, Any]) -> bool:
    return len(json.dumps(message, ensure_ascii=False).encode()) <= TEAMS_BYTES


# -- Mattermost ---------------------------------------------------------------------------------

def mattermost_message(bundle: Bundle) -> dict[str, Any]:
    """A Mattermost incoming-webhook message: markdown with every news character escaped."""
    story = bundle.single
    if story is not None:
        if bundle.template is not None:
            return {"text": bundle.template(story, "mattermost")}
        lines = [f"**[{markdown_escape(fit(story.title, TITLE_LIMIT))}]({_safe_url(story.url)})**",
                 f"{markdown_escape(story.source)} · {story.when}",
                 "> " + _snippet(story, markdown_escape, lambda s: f"**{s}**", 3000),
                 "_" + markdown_escape(_why(story)) + "_"]
        if story.outlets:
            lines.append(markdown_escape(_outlets(story)))
        return {"text": "\n".join(lines)}
    lines = [f"#### {markdown_escape(bundle.title or 'Pantau')}"]
    for section in bundle.sections:
        lines.append(f"\n**{markdown_escape(section.heading or 'Stories')}**")
        lines += [f"- [{markdown_escape(fit(s.title, 200))}]({_safe_url(s.url)}) — "
                  f"{markdown_escape(s.source)} · {s.when}" for s in section.stories]
    lines += [markdown_escape(line) for line in more_lines(bundle)]
    return {"text": "\n".join(lines)}


def _mattermost_fits(message: dict[str, Any]) -> bool:
    return len(message["text"]) <= MATTERMOST_TEXT


# -- Google Chat --------------------------------------------------------------------------------

def google_chat_message(bundle: Bundle) -> dict[str, Any]:
    """A Google Chat message: a card whose paragraphs are escaped HTML. The plain ``text``
    holds only our own words, since Chat's text markup has no escape for ``<users/all>``."""
    story = bundle.single
    if story is not None:
        text = bundle.template(story, "googlechat") if bundle.template else _gchat_story(story)
        widgets = [{"textParagraph": {"text": text}}]
        summary = f"Pantau: a story matched {', '.join(story.rules)}"
    else:
        widgets = [{"textParagraph": {"text": _gchat_section(section)}}
                   for section in bundle.sections]
        widgets += [{"textParagraph": {"text": html_escape(line)}}
                    for line in more_lines(bundle)]
        summary = bundle.title or "Pantau digest"
    return {"text": summary, "cardsV2": [{"cardId": bundle.key[:60], "card": {
        "sections": [{"widgets": widgets}]}}]}


def _gchat_story(story: Story) -> str:
    lines = [f'<b><a href="{html_escape(story.url)}">'
             f"{fit(story.title, TITLE_LIMIT, html_escape)}</a></b>",
             f"{html_escape(story.source)} · {story.when}",
             _snippet(story, html_escape, lambda s: f"<b>{s}</b>", 3000),
             f"<i>{html_escape(_why(story))}</i>"]
    if story.outlets:
        lines.append(html_escape(_outlets(story)))
    return "<br>".join(lines)


def _gchat_section(section: Section) -> str:
    lines = [f"<b>{html_escape(section.heading or 'Stories')}</b>"]
    lines += [f'• <a href="{html_escape(s.url)}">{fit(s.title, 200, html_escape)}</a>'
              f" — {html_escape(s.source)} · {s.when}" for s in section.stories]
    return "<br>".join(lines)


def _gchat_fits(message: dict[str, Any]) -> bool:
    return len(json.dumps(message, ensure_ascii=False).encode()) <= GOOGLE_CHAT_BYTES


# -- generic JSON -------------------------------------------------------------------------------

def webhook_message(bundle: Bundle) -> dict[str, Any]:
    """A plain JSON document for generic webhooks: every field, no markup."""
    stories = [_story_json(story, section.heading)
               for section in bundle.sections for story in section.stories]
    message: dict[str, Any] = {"id": bundle.key, "type": "alert" if bundle.single else "digest"}
    story = bundle.single
    if story is not None:
        message.update(stories[0])
        if bundle.template is not None:
            message["text"] = bundle.template(story, "webhook")
    else:
        message.update(title=bundle.title, stories=stories, more=more_lines(bundle))
    return message


def _story_json(story: Story, rule: str | None) -> dict[str, Any]:
    return {"rules": list(story.rules), "terms": list(story.terms),
            "snippet": story.snippet_text, "section": rule,
            "article": {"title": story.title, "url": story.url, "source": story.source,
                        "published": story.when},
            "also_carried_by": [{"source": s, "url": u} for s, u in story.outlets]}


def _unlimited(message: dict[str, Any]) -> bool:
    return len(message.get("stories", ())) <= 200


Renderer = Callable[[Bundle], dict[str, Any]]
RENDERERS: dict[str, tuple[Renderer, Callable[[dict[str, Any]], bool]]] = {
    "slack": (slack_message, _slack_fits),
    "discord": (discord_message, _discord_fits),
    "telegram": (telegram_message, _telegram_fits),
    "teams": (teams_message, _teams_fits),
    "mattermost": (mattermost_message, _mattermost_fits),
    "googlechat": (google_chat_message, _gchat_fits),
    "webhook": (webhook_message, _unlimited),
}


def single(alert: Alert, timezone: str,
           template: Callable[[Story, str], str] | None = None) -> Bundle:
    """The bundle of one alert."""
    return Bundle(alert.alert_key, (Section(None, (Story.of(alert, timezone),)),),
                  template=template)


def stories_of(alerts: Sequence[Alert], timezone: str) -> list[Story]:
    """The stories of several alerts, in order."""
    return [Story.of(alert, timezone) for alert in alerts]
