"""pantau.toml: loading, validating and explaining mistakes in Pantau's one config file.

Each section becomes the typed object of the room that owns it: ``[[sources]]`` a
:class:`crawler.Source`, ``[[rules]]`` an :class:`alerts.Rule`, ``[[destinations]]`` an
:class:`alerts.Destination`. A mistake names the file, the field and what to do.
``${NAME}`` in a string is replaced by the environment variable NAME, so secrets such as
webhook URLs can stay out of the file.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alerts import Destination, QuerySyntaxError, Rule, default_rule_pack
from crawler import Source
from crawler.sources import parse_duration
from pantau.exceptions import ConfigError

T = TypeVar("T")
DEFAULT_PATH = Path("pantau.toml")
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Settings:
    """The ``[pantau]`` table: settings of the whole installation."""

    archive: str = field(default="pantau.db", metadata={
        "help": "the SQLite archive, relative to this file"})
    timezone: str = field(default="Asia/Jakarta", metadata={
        "help": "the zone dates are shown in, and schedules run in"})
    contact: str = field(default="", metadata={
        "help": "a URL or e-mail for site owners, sent in the User-Agent"})
    rule_packs: tuple[str, ...] = field(default=("default",), metadata={
        "help": "shipped rule packs to use besides [[rules]]: \"default\" or none"})
    download_timeout: float = field(default=30.0, metadata={
        "help": "seconds to wait for a page before giving up on it"})
    max_page_kb: int = field(default=8192, metadata={
        "help": "pages larger than this many KiB are not downloaded"})
    download_delay: float = field(default=0.5, metadata={
        "help": "seconds between requests to one host, at least (robots.txt may ask more)"})
    concurrent_per_host: int = field(default=4, metadata={
        "help": "requests in flight to one host at most"})
    max_concurrent_crawls: int = field(default=4, metadata={
        "help": "sources the daemon crawls at the same time, at most"})
    delivery_interval: str = field(default="30s", metadata={
        "help": "how often the daemon looks for alerts due (also right after each crawl)"})
    metrics_port: int = field(default=0, metadata={
        "help": "serve Prometheus metrics on 127.0.0.1:PORT (0: off)"})

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.timezone!r}; use a name such as "
                             "Asia/Jakarta") from None
        unknown = set(self.rule_packs) - {"default"}
        if unknown:
            raise ValueError(f"unknown rule pack {sorted(unknown)[0]!r}; the shipped pack is "
                             "\"default\"")


@dataclass(frozen=True)
class Cluster:
    """The ``[cluster]`` table: crawl on many machines through Redis (docs/scaling.md).

    Without it Pantau crawls in its own process and needs no Redis.
    """

    redis: str = field(metadata={
        "help": "the Redis the daemon and `pantau worker`s share: redis://host:6379/0, "
                "rediss:// for TLS, a password as redis://:${REDIS_PASSWORD}@host"})
    prefix: str = field(default="pantau", metadata={
        "help": "prefix of the cluster's Redis keys (installations sharing a Redis differ)"})
    lease: str = field(default="2m", metadata={
        "help": "how soon a request taken by a worker that died goes back to the queue"})
    max_deliveries: int = field(default=3, metadata={
        "help": "a request whose workers keep dying is given up after this many tries"})
    remember: str = field(default="30d", metadata={
        "help": "how long workers remember an article URL after it was last listed"})
    run_timeout: str = field(default="1h", metadata={
        "help": "a crawl run still unfinished after this is closed as stopped"})

    def __post_init__(self) -> None:
        if urlsplit(self.redis).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"redis {self.redis!r} is not a Redis URL; write it as "
                             "redis://host:6379/0")
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", self.prefix):
            raise ValueError("prefix may hold only letters, digits, '.', '-' and '_'")
        for name in ("lease", "remember", "run_timeout"):
            if parse_duration(getattr(self, name), name).total_seconds() < 1:
                raise ValueError(f"{name} must be at least 1s")
        if self.max_deliveries < 1:
            raise ValueError("max_deliveries must be at least 1")

    def seconds(self, name: str) -> float:
        """A duration field in seconds."""
        return parse_duration(getattr(self, name), name).total_seconds()


@dataclass(frozen=True)
class Config:
    """A loaded, validated pantau.toml."""

    path: Path
    settings: Settings
    sources: tuple[Source, ...]
    rules: tuple[Rule, ...]
    destinations: tuple[Destination, ...]
    cluster: Cluster | None = None

    @property
    def archive_path(self) -> Path:
        """The archive file, resolved against the config file's folder."""
        return self.path.parent / self.settings.archive

    def destinations_of(self, rule: Rule) -> tuple[str, ...]:
        """Where ``rule`` sends its alerts: the ones it names, else every destination."""
        return rule.destinations or tuple(d.name for d in self.destinations)

    def destination(self, name: str) -> Destination:
        """The destination called ``name``."""
        return self._named("destination", {d.name: d for d in self.destinations}, name)

    def source(self, name: str) -> Source:
        """The source called ``name``."""
        return self._named("source", {s.name: s for s in self.sources}, name)

    def _named(self, kind: str, items: dict[str, T], name: str) -> T:
        if name in items:
            return items[name]
        known = ", ".join(items) or "none"
        raise ConfigError(self.path, f"{kind}s", f"no {kind} named {name!r}",
                          f"the {kind}s are: {known}")


def load(path: str | Path = DEFAULT_PATH, environ: typing.Mapping[str, str] | None = None,
         ) -> Config:
    """Read and validate the config at ``path``; raise :class:`ConfigError` on any mistake."""
    path = Path(path)
    return from_dict(_read(path), path, os.environ if environ is None else environ)


def from_dict(data: dict[str, Any], path: Path,
              environ: typing.Mapping[str, str]) -> Config:
    """Validate an already parsed config (see :func:`load`)."""
    _check_keys(data, {"pantau", "sources", "rules", "destinations", "cluster"}, path, "")
    reader = _Reader(path, environ)
    settings = reader.build(Settings, data.get("pantau", {}), "pantau")
    sources = reader.build_list(Source, data.get("sources", []), "sources")
    packed = [reader.build(Rule, table, f"rule pack {pack!r}, rule {table.get('name')!r}")
              for pack in settings.rule_packs for table in default_rule_pack()]
    rules = reader.build_list(Rule, data.get("rules", []), "rules")
    destinations = reader.build_list(Destination, _with_template_paths(
        data.get("destinations", []), path), "destinations")
    cluster = reader.build(Cluster, data["cluster"], "cluster") if "cluster" in data else None
    config = Config(path, settings, sources, _override(packed, rules), destinations, cluster)
    _check_references(config)
    return config


def _with_template_paths(tables: Any, path: Path) -> Any:
    """Destinations' ``template`` files resolved against the config file's folder."""
    if not isinstance(tables, list):
        return tables
    return [{**table, "template": str(path.parent / table["template"])}
            if isinstance(table, dict) and isinstance(table.get("template"), str)
            and table["template"] else table for table in tables]


def load_for_worker(path: str | Path = DEFAULT_PATH) -> Config:
    """The config as a cluster worker reads it: ``[pantau]`` and ``[cluster]`` only.

    Sources come from the archive node with each crawl, and destinations' secrets need not
    be set on crawl machines.
    """
    path = Path(path)
    data = _read(path)
    _check_keys(data, {"pantau", "sources", "rules", "destinations", "cluster"}, path, "")
    reader = _Reader(path, os.environ)
    settings = reader.build(Settings, data.get("pantau", {}), "pantau")
    cluster = reader.build(Cluster, data["cluster"], "cluster") if "cluster" in data else None
    return Config(path, settings, (), (), (), cluster)


def load_sources(path: str) -> list[Source]:
    """The sources of the config at ``path`` (for Scrapy's spider loader).

    With no path, ``$PANTAU_CONFIG``, else ./pantau.toml, else the starter config. Only the
    ``[[sources]]`` are read, so unset secrets of destinations do not get in the way.
    """
    chosen = Path(path or os.environ.get("PANTAU_CONFIG", "") or DEFAULT_PATH)
    if not path and not chosen.exists():
        from pantau.starter import starter_config_path

        chosen = starter_config_path()
    data = _read(chosen)
    return list(_Reader(chosen, os.environ).build_list(Source, data.get("sources", []),
                                                       "sources"))


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(path, None, "the file does not exist",
                          "run `pantau init` to write a starter config") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(path, None, f"not valid TOML: {error}",
                          "fix the line it names") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(path, None, f"cannot be read: {error}", "check the file") from None


def _override(packed: list[Rule], rules: tuple[Rule, ...]) -> tuple[Rule, ...]:
    """The pack's rules and the config's; a ``[[rules]]`` entry named like a pack rule
    replaces it."""
    by_name = {rule.name: rule for rule in packed}
    by_name.update((rule.name, rule) for rule in rules)
    return tuple(by_name.values())


def _check_references(config: Config) -> None:
    names = {d.name for d in config.destinations}
    sources = {s.name for s in config.sources}
    for rule in config.rules:
        for name in rule.destinations:
            if name not in names:
                raise ConfigError(config.path, f"rule {rule.name!r}: destinations",
                                  f"rule {rule.name!r} names an unknown destination {name!r}",
                                  _suggest(name, names) or "add it under [[destinations]]")
        for name in rule.sources:
            if name not in sources:
                raise ConfigError(config.path, f"rule {rule.name!r}: sources",
                                  f"rule {rule.name!r} names an unknown source {name!r}",
                                  _suggest(name, sources) or "add it under [[sources]]")
    _check_unique(config.path, "sources", [s.name for s in config.sources])
    _check_unique(config.path, "destinations", [d.name for d in config.destinations])


def _check_unique(path: Path, kind: str, names: list[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise ConfigError(path, f"{kind}[{index}].name", f"{name!r} is used twice",
                              "give each a unique name")
        seen.add(name)


class _Reader:
    """Builds dataclasses from TOML tables, checking names and types field by field."""

    def __init__(self, path: Path, environ: typing.Mapping[str, str]) -> None:
        self.path = path
        self.environ = environ

    def build_list(self, cls: type[T], tables: Any, where: str) -> tuple[T, ...]:
        if not isinstance(tables, list):
            raise ConfigError(self.path, where, "must be a list of tables",
                              f"write each entry as [[{where}]]")
        return tuple(self.build(cls, table, f"{where}[{index}]")
                     for index, table in enumerate(tables))

    def build(self, cls: type[T], table: Any, where: str) -> T:
        if not isinstance(table, dict):
            raise ConfigError(self.path, where, "must be a table", f"write it as [{where}]")
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        _check_keys(table, set(fields), self.path, where)
        hints = typing.get_type_hints(cls)
        values = {}
        for name, spec in fields.items():
            if name in table:
                values[name] = self.value(table[name], hints[name], f"{where}.{name}")
            elif spec.default is dataclasses.MISSING:
                raise ConfigError(self.path, f"{where}.{name}", "is required",
                                  spec.metadata.get("help", ""))
        try:
            return cls(**values)
        except (ValueError, QuerySyntaxError) as error:
            raise ConfigError(self.path, where, str(error), _hint(error)) from None

    def value(self, raw: Any, hint: Any, where: str) -> Any:
        origin = typing.get_origin(hint)
        if origin is tuple:
            if not isinstance(raw, list):
                raise ConfigError(self.path, where, f"must be a list, not {_kind(raw)}",
                                  f'write it as {where.rsplit(".", 1)[-1]} = ["..."]')
            return tuple(self.value(item, typing.get_args(hint)[0], f"{where}[{i}]")
                         for i, item in enumerate(raw))
        if origin in (types.UnionType, typing.Union):
            hint = next(arg for arg in typing.get_args(hint) if arg is not type(None))
        if hint is float and isinstance(raw, int) and not isinstance(raw, bool):
            return float(raw)
        if not isinstance(raw, hint) or (hint is int and isinstance(raw, bool)):
            raise ConfigError(self.path, where, f"must be {_kind_name(hint)}, not {_kind(raw)}",
                              "")
        return self.expand(raw, where) if isinstance(raw, str) else raw

    def expand(self, text: str, where: str) -> str:
        def replace(found: re.Match[str]) -> str:
            name = found.group(1)
            if name not in self.environ:
                raise ConfigError(self.path, where, f"environment variable {name} is not set",
                                  f"export {name}=... before running Pantau, or write the "
                                  "value in the file")
            return self.environ.get(name, "")

        return _ENV.sub(replace, text)


def _check_keys(table: dict[str, Any], allowed: set[str], path: Path, where: str) -> None:
    for key in table:
        if key not in allowed:
            place = f"{where}.{key}" if where else key
            hint = _suggest(key, allowed) or f"known fields: {', '.join(sorted(allowed))}"
            raise ConfigError(path, place, "unknown field", hint)


def _suggest(name: str, known: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else ""


def _hint(error: Exception) -> str:
    if isinstance(error, QuerySyntaxError):
        return "\n" + error.pointer()
    return ""


def _kind(value: Any) -> str:
    return {str: "text", int: "a number", float: "a number", bool: "true/false",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _kind_name(hint: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number",
            bool: "true or false"}.get(hint, str(hint))
