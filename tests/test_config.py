"""pantau.toml: a good file loads; every mistake names the file, the field and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from pantau.config import load, load_sources
from pantau.exceptions import ConfigError
from pantau.starter import starter_config_text

GOOD = """
[pantau]
archive = "data/archive.db"

[[sources]]
name = "antara"
feeds = ["https://www.antaranews.com/rss/terkini.xml"]
max_age_days = 2

[[rules]]
name = "korea"
query = '"EPS-TOPIK" OR Korea'
destinations = ["team"]

[[destinations]]
name = "team"
type = "slack"
url = "${SLACK_WEBHOOK_URL}"
"""
SECRET = "https://hooks.slack.com/services/T000/B000/very-secret-token"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pantau.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, text), environ={"SLACK_WEBHOOK_URL": SECRET, **(environ or {})})
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "pantau.toml"))
    return message


def test_a_good_config_loads(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD), environ={"SLACK_WEBHOOK_URL": SECRET})
    assert [s.name for s in config.sources] == ["antara"]
    assert config.sources[0].max_age_days == 2.0
    assert config.archive_path == tmp_path / "data" / "archive.db"
    assert config.destinations[0].url == SECRET
    assert "korea" in [rule.name for rule in config.rules]
    assert "pekerja-migran" in [rule.name for rule in config.rules]  # the default pack
    assert config.destinations_of(config.rules[-1]) == ("team",)


def test_secrets_stay_out_of_reprs(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD), environ={"SLACK_WEBHOOK_URL": SECRET})
    assert "very-secret-token" not in repr(config)
    assert "very-secret-token" not in config.destinations[0].redacted_url


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("feeds =", "fedds ="))
    assert "sources[0].fedds: unknown field" in message
    assert "did you mean 'feeds'?" in message


def test_missing_environment_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(write(tmp_path, GOOD), environ={})
    assert "destinations[0].url: environment variable SLACK_WEBHOOK_URL is not set" in str(
        caught.value)
    assert "export SLACK_WEBHOOK_URL" in str(caught.value)


def test_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace('name = "antara"', 'name = "antara'))
    assert "not valid TOML" in message
    assert "line 6" in message


@pytest.mark.parametrize(("change", "expected"), [
    (("max_age_days = 2", 'max_age_days = "two"'), "sources[0].max_age_days: must be a number"),
    (('feeds = ["https://www.antaranews.com/rss/terkini.xml"]', 'feeds = "https://a.id/rss"'),
     "sources[0].feeds: must be a list"),
    (('name = "antara"', 'name = "antara news"'), "sources[0]: a source name may hold only"),
    (('feeds = ["https://www.antaranews.com/rss/terkini.xml"]', 'feeds = ["ftp://x/rss"]'),
     "is not an http(s) URL"),
    (('type = "slack"', 'type = "slak"'), "destinations[0]: unknown type 'slak'"),
    (('destinations = ["team"]', 'destinations = ["teams"]'),
     "rule 'korea': destinations: rule 'korea' names an unknown destination 'teams'"),
    (('[pantau]', '[pantau]\ntimezone = "Mars/Olympus"'), "unknown time zone"),
])
def test_field_mistakes(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    assert expected in error_of(tmp_path, GOOD.replace(*change))


def test_a_rule_query_mistake_points_at_it(tmp_path: Path) -> None:
    message = error_of(tmp_path, GOOD.replace("OR Korea'", "OR (Korea'"))
    assert "rules[0]: this '(' is never closed (at character 16)" in message
    assert '"EPS-TOPIK" OR (Korea\n' + " " * 15 + "^" in message


def test_missing_file_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="pantau init"):
        load(tmp_path / "nope.toml")


def test_the_starter_config_is_valid(tmp_path: Path) -> None:
    config = load(write(tmp_path, starter_config_text()), environ={})
    assert len(config.sources) >= 5
    assert config.destinations == ()


def test_sources_load_without_destination_secrets(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    assert [s.name for s in load_sources(str(path))] == ["antara"]
