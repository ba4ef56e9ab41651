"""The docs say what the code does: the config reference is generated, commands are shown."""

from __future__ import annotations

from pathlib import Path

import click

from pantau.cli import cli
from pantau.reference import render

ROOT = Path(__file__).resolve().parents[1]


def test_configuration_reference_is_current() -> None:
    written = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert written == render(), "run: python -m pantau.reference > docs/configuration.md"


def commands(group: click.Group, prefix: str = "pantau") -> list[str]:
    found = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += commands(command, f"{prefix} {name}")
        else:
            found.append(f"{prefix} {name}")
    return found


def test_every_command_appears_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [command for command in commands(cli) if command not in readme]
    assert not missing


def test_the_readme_starts_with_the_demo_and_the_tests() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0].strip() for block in readme.split("```sh\n")[1:3]]
    assert blocks[0].endswith("pantau demo")
    assert blocks[1].endswith("python -m pytest")
