"""The starter config that ``pantau init`` writes and that Scrapy falls back to."""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

STARTER = "starter.toml"


def starter_config_text() -> str:
    """The commented starter pantau.toml."""
    return files("pantau").joinpath(STARTER).read_text(encoding="utf-8")


def starter_config_path() -> Path:
    """A path to the starter config file shipped with Pantau."""
    with as_file(files("pantau").joinpath(STARTER)) as path:
        return Path(path)
