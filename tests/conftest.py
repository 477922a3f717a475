"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Folder of the public feedback data sets; skips when it is not beside the repository."""
    if not SHARED_DATA.is_dir():
        pytest.skip("the public data sets (../shared/data) are not beside this repository")
    return SHARED_DATA


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """URL of a fresh SQLite store in a temporary folder."""
    return f"sqlite:///{tmp_path / 'portal.db'}"


@pytest.fixture
def store(db_url: str):
    """A fresh, migrated store."""
    from portal.store import Store

    s = Store(db_url)
    yield s
    s.close()
