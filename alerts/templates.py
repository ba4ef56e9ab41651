"""Message templates: a destination's own Jinja2 text for a story, still escaped and capped.

Every value a template prints is escaped for the destination's markup (``finalize``), so a
template cannot forget to, and a hostile headline stays inert; ``link()`` and ``bold()`` give
the markup itself. The result is cut to the platform's limit without breaking a tag, an entity
or an escape.

Variables: ``title``, ``url``, ``source``, ``when`` (the date in the configured zone),
``rules``, ``terms``, ``snippet`` (hits already in bold), ``outlets`` (list of ``source``/``url``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from alerts.formats import Story, _safe_url, _snippet
from alerts.text import (
    Escape,
    cut_markup,
    html_escape,
    markdown_escape,
    plain,
    slack_escape,
    utf16_length,
)

StoryTemplate = Callable[[Story, str], str]


def _markup(kind: str) -> tuple[Escape, Callable[[str, str], str], Callable[[str], str]]:
    """Escape, link(url, text) and bold(text) in ``kind``'s markup."""
    if kind == "slack":
        return (slack_escape, lambda url, text: f"<{_safe_url(url).replace('|', '%7C')}|{text}>",
                lambda text: f"*{text}*")
    if kind in ("telegram", "googlechat"):
        return (html_escape, lambda url, text: f'<a href="{html_escape(url)}">{text}</a>',
                lambda text: f"<b>{text}</b>")
    if kind == "webhook":
        return plain, lambda url, text: f"{text} <{url}>", lambda text: text
    return (markdown_escape, lambda url, text: f"[{text}]({_safe_url(url)})",
            lambda text: f"**{text}**")


LIMITS = {"slack": (3000, len), "discord": (4000, utf16_length), "telegram": (4000, utf16_length),
          "teams": (20_000, len), "mattermost": (16_000, len), "googlechat": (4000, len),
          "webhook": (100_000, len)}


@cache
def story_template(path: str) -> StoryTemplate | None:
    """The template in the file at ``path`` ("" for none); ValueError if it cannot be used."""
    if not path:
        return None
    try:
        source = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ValueError(f"cannot read the template {path}: {error.strerror}") from None
    compiled = {kind: _compile(source, kind, path) for kind in LIMITS}

    def render(story: Story, kind: str) -> str:
        escape, link, bold = _markup(kind)
        context: dict[str, Any] = {
            "title": story.title, "url": story.url, "source": story.source,
            "when": story.when, "rules": list(story.rules), "terms": list(story.terms),
            # Markup marks text already escaped for this platform (not HTML), so finalize
            # does not escape it twice.
            "snippet": Markup(_snippet(story, escape, bold, 2500, utf16_length)),  # noqa: S704
            "outlets": [{"source": s, "url": u} for s, u in story.outlets],
            "link": lambda url, text: Markup(link(url, escape(str(text)))),  # noqa: S704
            "bold": lambda text: Markup(bold(escape(str(text)))),  # noqa: S704
        }
        limit, measure = LIMITS[kind]
        text = compiled[kind].render(context).strip()
        return cut_markup(text, limit, measure, close_tags=escape is html_escape)

    return render


def _compile(source: str, kind: str, path: str) -> jinja2.Template:
    escape = _markup(kind)[0]

    def finalize(value: Any) -> str:
        return value if isinstance(value, Markup) else escape(str(value))

    # Not HTML autoescape: finalize escapes every printed value for the platform's own markup.
    environment = jinja2.Environment(finalize=finalize, undefined=jinja2.StrictUndefined,
                                     autoescape=False,  # noqa: S701
                                     trim_blocks=True, lstrip_blocks=True)
    try:
        return environment.from_string(source)
    except jinja2.TemplateSyntaxError as error:
        raise ValueError(f"the template {path}, line {error.lineno}: {error.message}") from None
