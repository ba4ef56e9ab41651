"""Rules: filters, explanations of matches, and the `pantau rules` commands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from alerts import Rule, match_new_articles
from pantau.cli import cli
from storage import Archive
from tests.conftest import article


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_filters_take_sources_languages_and_regions() -> None:
    rule = Rule(name="r", query="TKI", sources=("antara",), languages=("id",))
    assert rule.accepts("antara", "id-ID") and rule.accepts("antara", "ID")
    assert not rule.accepts("antara", "en") and not rule.accepts("detik", "id")
    assert not rule.accepts("antara", None)
    with pytest.raises(ValueError, match="not a language code"):
        Rule(name="r", query="TKI", languages=("bahasa indonesia",))
    with pytest.raises(ValueError, match="max_age_days"):
        Rule(name="r", query="TKI", max_age_days=0)


def test_matches_record_word_form_hits_and_highlight_them(archive: Archive) -> None:
    archive.add_article(article(1, "Sebanyak 40 pekerja migran ditempatkan di Taiwan oleh "
                                   "perusahaan resmi tanpa biaya.", language="id"))
    archive.add_article(article(2, "Warga setempat membersihkan pantai.", language="id"))
    archive.add_article(article(3, "Forty migrant workers were placed in Taiwan.",
                                language="en"))
    rules = [Rule(name="tempat", query='~penempatan AND ("pekerja migran" OR Taiwan)',
                  languages=("id",))]
    report = match_new_articles(archive, rules, lambda rule: ("chat",))
    assert report.matches == {"tempat": 1}
    (alert,) = archive.alerts()
    assert alert.terms == ("~penempatan", "pekerja migran", "Taiwan")
    assert "**ditempatkan**" in alert.snippet and "**pekerja migran**" in alert.snippet


RULES = """
[pantau]
rule_packs = []
[[rules]]
name = "ok"
query = '~penempatan AND Taiwan'
[[rules]]
name = "broken-one"
query = '(TKI OR TKW'
[[rules]]
name = "broken-two"
query = 'TKI NEAR/3 (PMI TKW)'
"""


def test_rules_check_lists_every_mistake_with_its_position(tmp_path: Path) -> None:
    config = tmp_path / "pantau.toml"
    config.write_text(RULES, encoding="utf-8")
    code, _, err = run("--config", str(config), "rules", "check")
    assert code == 1
    assert "rules[1] (broken-one).query: this '(' is never closed (at character 1)" in err
    assert "rules[2] (broken-two).query: NEAR joins" in err
    assert "2 rule(s)" in err
    config.write_text(RULES.split("[[rules]]\nname = \"broken-one\"")[0], encoding="utf-8")
    code, out, _ = run("--config", str(config), "rules", "check")
    assert code == 0 and "1 rules OK: ok" in out


def test_rules_list_shows_the_shipped_pack_without_a_config(tmp_path: Path) -> None:
    code, out, err = run("--config", str(tmp_path / "none.toml"), "rules", "list", "--json")
    assert code == 0 and "shipped rule pack" in err
    names = [rule["name"] for rule in json.loads(out)]
    assert "pekerja-migran" in names and "perdagangan-orang" in names


def test_rules_match_scores_a_jsonl_file(tmp_path: Path) -> None:
    lines = [
        {"id": "a", "title": "Polisi gagalkan TPPO", "text": "Tujuh calon pekerja migran "
         "nonprosedural diselamatkan di Batam.", "language": "id"},
        {"title": "PMI Kota Bogor gelar donor darah", "text": "Palang Merah Indonesia "
         "mengumpulkan 300 kantong darah."},
        {"id": 7, "text": "Tidak ada yang relevan di sini."},
    ]
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    code, out, _ = run("--config", str(tmp_path / "none.toml"), "rules", "match", str(path))
    assert code == 0
    first, second, third = (json.loads(line) for line in out.splitlines())
    assert first["id"] == "a" and "perdagangan-orang" in first["rules"]
    assert {"TPPO", "nonprosedural"} <= set(first["terms"]["perdagangan-orang"])
    assert second == {"id": 2, "rules": [], "terms": {}}
    assert third == {"id": 7, "rules": [], "terms": {}}


def test_rules_match_names_a_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok"}\n{"title": "no text"}\n', encoding="utf-8")
    code, _, err = run("--config", str(tmp_path / "none.toml"), "rules", "match", str(path))
    assert code == 1 and f"{path}, line 2: needs a \"text\" string" in err


def test_rules_test_backtests_a_rule_and_a_query(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with Archive.open(db) as archive:
        for number, (text, day) in enumerate([
                ("Dua PMI dideportasi dari Malaysia.", "2026-11-01"),
                ("Lima TKI dideportasi lewat Nunukan.", "2026-11-01"),
                ("Deportasi 30 pekerja migran dari Sabah.", "2026-11-03"),
                ("Stok darah PMI menipis.", "2026-11-03")], start=1):
            archive.add_article(article(number, text, published_at=f"{day}T09:00:00+07:00"))
    code, out, _ = run("--config", str(tmp_path / "none.toml"), "rules", "test", "--query",
                       "~deportasi AND (PMI OR TKI OR \"pekerja migran\")", "--db", str(db),
                       "--since", "2026-10-01", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["count"] == 3
    assert result["per_day"] == {"2026-11-01": 2, "2026-11-03": 1}
    assert result["examples"][0]["id"] == 3 and "**Deportasi**" in result["examples"][0][
        "snippet"]
    code, out, _ = run("--config", str(tmp_path / "none.toml"), "rules", "test",
                       "perlindungan-kasus", "--db", str(db), "--since", "2026-10-01")
    assert code == 0 and "would have matched" in out
    code, _, err = run("--config", str(tmp_path / "none.toml"), "rules", "test", "nope",
                       "--db", str(db))
    assert code == 1 and "no rule named 'nope'" in err
