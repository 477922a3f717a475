"""Fixtures for page tests: AppTest against a temporary store."""

from __future__ import annotations

import pytest



@pytest.fixture
def page_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the portal at a fresh store for this test."""
    monkeypatch.setenv("PORTAL_DATABASE_URL", db_url)
    return db_url
