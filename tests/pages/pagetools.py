"""Helpers for page tests (AppTest)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]


def open_page(name: str, *, query: dict[str, str] | None = None) -> AppTest:
    """Return an AppTest of ``pages/<name>.py`` run once."""
    at = AppTest.from_file(str(REPO / "pages" / f"{name}.py"), default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def errors_of(at: AppTest) -> list[str]:
    """Return the texts of every error box on the page (and fail on an exception)."""
    assert not at.exception, [e.value for e in at.exception]
    return [e.value for e in at.error]
