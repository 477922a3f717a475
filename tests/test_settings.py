"""Every setting is documented in README, and the store location does not depend on the folder."""

from __future__ import annotations

from pathlib import Path

from portal import settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_every_setting_is_documented_in_readme():
    text = README.read_text(encoding="utf-8")
    missing = [s.name for s in settings.SETTINGS if s.name not in text]
    assert missing == []


def test_default_store_does_not_depend_on_current_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    first = settings.database_url()
    monkeypatch.chdir(tmp_path)
    assert settings.database_url() == first
    assert first == f"sqlite:///{tmp_path / 'data' / 'insights-portal' / 'portal.db'}"


def test_override_wins_over_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_DATABASE_URL", "sqlite:///env.db")
    assert settings.database_url() == "sqlite:///env.db"
    assert settings.database_url("sqlite:///flag.db") == "sqlite:///flag.db"


def test_dataset_name_rule_is_the_stores_limit_everywhere():
    from portal.model import MAX_DATASET_NAME_LENGTH, dataset_name_problem

    assert dataset_name_problem("NPS 2024") is None
    assert "needs a name" in dataset_name_problem("  ")
    assert dataset_name_problem("x" * MAX_DATASET_NAME_LENGTH) is None
    assert f"at most {MAX_DATASET_NAME_LENGTH}" in dataset_name_problem("x" * (MAX_DATASET_NAME_LENGTH + 1))


def test_one_markdown_escaper_covers_directives_html_entities_and_keeps_edges_on_request():
    from portal.ui.markdown import escape_markdown

    assert escape_markdown("  a:red[b] &amp; $x$\n") == r"a\:red\[b\] \&amp; \$x\$"
    assert escape_markdown(" a ", keep_edges=True) == " a "
    assert escape_markdown(None) == ""
