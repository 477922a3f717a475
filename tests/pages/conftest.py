"""Fixtures for page tests: AppTest against a temporary store."""

from __future__ import annotations

import pytest


@pytest.fixture
def page_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the portal at a fresh store for this test."""
    monkeypatch.setenv("PORTAL_DATABASE_URL", db_url)
    return db_url


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """A store with the demo datasets (themes found at import), made once per test module."""
    from kpitools import make_demo_store

    return make_demo_store(tmp_path_factory.mktemp(request.module.__name__.rsplit(".", 1)[-1]))


@pytest.fixture
def demo(demo_url: str):
    """Point the portal at the module's demo store (for tests that only read)."""
    from kpitools import portal_at

    with portal_at(demo_url):
        yield demo_url


@pytest.fixture
def demo_copy(demo_url: str, tmp_path):
    """Point the portal at a private copy of the demo store (for tests that change it)."""
    from kpitools import copy_store, portal_at

    with portal_at(copy_store(demo_url, tmp_path)) as url:
        yield url
