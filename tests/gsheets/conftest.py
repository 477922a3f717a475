"""Fixtures for the Google Sheets tests: a running emulator, options pointing at it, a service account."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gsheets.emulator import SheetsEmulator
from portal.ingest.gsheets import HttpOptions

KEY = "1FAIpQLSe0portalTESTsheetKEY_abcdefghijklmn"
OTHER_KEY = "1zzzzPortalOtherSheetKey-0123456789abcdefgh"
EMAIL = "portal-reader@portal-tests.iam.gserviceaccount.com"
HEADER = ["Timestamp", "Email Address", "How likely are you to recommend us?", "What could we do better?", "Plan"]
PLANS = ("Free", "Team", "Enterprise")
COMMENTS = ("Faster exports please", "", "Great support, slow dashboard", "Pricing is confusing", "")


def form_row(i: int) -> list[str]:
    """Return response ``i`` of a Google Forms sheet (deterministic), as the sheet displays it."""
    day, second = divmod(i, 600)
    return [
        f"3/{1 + day % 28}/2024 {9 + second // 60 % 8}:{second % 60:02d}:{i % 60:02d}",
        f"person{i}@example.com",
        str(i * 7 % 11),
        COMMENTS[i % len(COMMENTS)],
        PLANS[i % len(PLANS)],
    ]


def form_rows(n: int, start: int = 0) -> list[list[str]]:
    """Return a header row and ``n`` responses."""
    return [list(HEADER)] + [form_row(i) for i in range(start, start + n)]


@pytest.fixture(autouse=True)
def _no_sheet_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the runner's own Google settings out of these tests."""
    names = ("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE", "PORTAL_SHEETS_API_URL", "PORTAL_DOCS_URL", "PORTAL_HTTP_TIMEOUT")
    for name in names:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def emulator() -> Iterator[SheetsEmulator]:
    """A fresh emulator, serving on 127.0.0.1 for one test."""
    with SheetsEmulator() as emu:
        yield emu


@pytest.fixture
def waits() -> list[float]:
    """The backoff waits the reader asked for (recorded instead of slept)."""
    return []


@pytest.fixture
def options(emulator: SheetsEmulator, waits: list[float]) -> HttpOptions:
    """HTTP options pointing at the emulator; retries record their waits instead of sleeping."""
    return HttpOptions(
        api_url=emulator.url,
        docs_url=emulator.url,
        timeout=60.0,  # far beyond any answer on a busy machine; a test of a slow answer holds it and sets 0.5
        attempts=4,
        backoff=0.5,
        max_wait=30.0,
        max_retry_after=10.0,
        sleep=waits.append,
    )


@pytest.fixture
def account(emulator: SheetsEmulator) -> dict[str, str]:
    """A service-account key whose token URI is the emulator (as Streamlit secrets would pass it)."""
    return emulator.service_account(EMAIL)


@pytest.fixture
def survey(emulator: SheetsEmulator):
    """A spreadsheet with two worksheets of Google Forms responses, shared with the service account."""
    return emulator.add_spreadsheet(
        KEY,
        {"Form Responses 1": form_rows(6), "Bob's notes": [["Note", "Score"], ["hello", "3"]]},
        shared_with=(EMAIL,),
    )
