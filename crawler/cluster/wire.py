"""What travels through Redis, as JSON: queued requests, sources, and results for the archive.

scrapy-redis pickles requests by default; anyone who can write to the Redis could then run
code on every worker. Pantau's requests hold only plain data (URLs, headers, meta of strings,
numbers and page bodies), so they go as JSON instead, with bytes, tuples and dicts whose keys
are not text tagged so they come back as they went. Anything else is refused, not guessed.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import typing
from typing import Any

from crawler.extract import Extracted
from crawler.items import PageItem
from crawler.sources import Source

_TAGS = ("$b", "$t", "$d")


def dumps(value: Any) -> bytes:
    """``value`` as tagged JSON (scrapy-redis's ``SCHEDULER_SERIALIZER`` interface)."""
    return json.dumps(_pack(value), ensure_ascii=False, separators=(",", ":")).encode()


def loads(data: bytes | str) -> Any:
    """The value :func:`dumps` encoded."""
    return _unpack(json.loads(data))


def _pack(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, bytes):
        return {"$b": base64.b64encode(value).decode("ascii")}
    if isinstance(value, tuple):
        return {"$t": [_pack(item) for item in value]}
    if isinstance(value, list):
        return [_pack(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) for key in value) and not any(t in value for t in _TAGS):
            return {key: _pack(item) for key, item in value.items()}
        return {"$d": [[_pack(key), _pack(item)] for key, item in value.items()]}
    raise TypeError(f"cannot send a {type(value).__name__} through Redis: {value!r:.80}")


def _unpack(value: Any) -> Any:
    if isinstance(value, list):
        return [_unpack(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        (tag, inner), = value.items()
        if tag == "$b":
            return base64.b64decode(inner)
        if tag == "$t":
            return tuple(_unpack(item) for item in inner)
        if tag == "$d":
            return {_hashable(_unpack(key)): _unpack(item) for key, item in inner}
    return {key: _unpack(item) for key, item in value.items()}


def _hashable(key: Any) -> Any:
    return tuple(key) if isinstance(key, list) else key


# -- sources ------------------------------------------------------------------------------------

def source_json(source: Source) -> str:
    """A source's definition, so that workers need no copy of the config's sources."""
    return json.dumps(dataclasses.asdict(source), ensure_ascii=False, sort_keys=True)


def source_from_json(text: str | bytes) -> Source:
    """The source :func:`source_json` wrote (a ValueError if it is not one)."""
    fields = json.loads(text)
    hints = typing.get_type_hints(Source)
    known = {f.name for f in dataclasses.fields(Source)}
    values: dict[str, Any] = {
        name: tuple(value) if typing.get_origin(hints[name]) is tuple else value
        for name, value in fields.items() if name in known}
    try:
        return Source(**values)
    except TypeError as error:
        raise ValueError(f"not a source definition: {error}") from error


# -- results ------------------------------------------------------------------------------------

def page_message(item: PageItem, run: str) -> str:
    """A fetched article page, extracted, for the archive node (without its HTML)."""
    extracted = dataclasses.asdict(item.extracted) if item.extracted else None
    return json.dumps({
        "kind": "page", "run": run, "source": item.source, "url": item.url,
        "status": item.status, "is_html": item.is_html,
        "requested_urls": list(item.requested_urls), "listed_at": item.listed_at,
        "etag": item.etag, "last_modified": item.last_modified, "extracted": extracted,
        "shingles": list(item.shingles) if item.shingles is not None else None,
    }, ensure_ascii=False)


def record_message(kind: str, run: str, source: str, url: str, status: int,
                   etag: str | None = None, last_modified: str | None = None) -> str:
    """An entry point fetched (``entry``, with its validators) or a sitemap index seen
    (``sitemap-index``), for the archive node's ``pages`` table."""
    return json.dumps({"kind": kind, "run": run, "source": source, "url": url,
                       "status": status, "etag": etag, "last_modified": last_modified})


def page_item(message: dict[str, Any]) -> PageItem:
    """The :class:`PageItem` a ``page`` message describes (bodies left behind)."""
    extracted = message.get("extracted")
    return PageItem(
        url=message["url"], source=message["source"], status=int(message["status"]),
        bodies=(), is_html=bool(message["is_html"]),
        requested_urls=tuple(message.get("requested_urls") or ()),
        listed_at=message.get("listed_at"), etag=message.get("etag"),
        last_modified=message.get("last_modified"),
        extracted=Extracted(**{**extracted, "tags": tuple(extracted.get("tags") or ())})
        if extracted else None,
        shingles=tuple(shingles) if isinstance(shingles := message.get("shingles"), list)
        else None,
    )
