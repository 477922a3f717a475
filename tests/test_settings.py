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
