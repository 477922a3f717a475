"""Every setting of the portal, declared once with its default and help text.

Settings come from environment variables; ``--db`` on the CLI overrides the database URL. The table
``SETTINGS`` is the single source of truth, and a test fails when one is missing from README.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One environment setting: its variable name, default and what it does."""

    name: str
    default: str
    help: str


def default_data_dir() -> Path:
    """Return the per-user data folder (independent of the current directory)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "insights-portal"


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "PORTAL_DATABASE_URL",
        "sqlite:///~/.local/share/insights-portal/portal.db",
        "SQLAlchemy URL of the store. Default: an SQLite file in the user's data folder "
        "($XDG_DATA_HOME/insights-portal/portal.db). PostgreSQL: postgresql+psycopg://user:pw@host/db.",
    ),
    Setting(
        "PORTAL_MAX_UPLOAD_MB",
        "200",
        "Largest file the portal reads, in megabytes (CSV, TSV or Excel).",
    ),
    Setting(
        "PORTAL_MIN_GROUP_SIZE",
        "30",
        "Groups with fewer responses are shown but flagged low_sample and never marked significant.",
    ),
    Setting(
        "PORTAL_CURRENCY",
        "£",
        "Currency shown with every money figure (revenue at risk, revenue) of a dataset that was imported "
        "without one: a symbol such as £, $ or € goes before the figure, a code such as USD or CHF after it. "
        "Each dataset keeps the currency it was imported with.",
    ),
    Setting(
        "PORTAL_SHEETS_API_URL",
        "https://sheets.googleapis.com",
        "Base URL of the Google Sheets API (tests and on-premise proxies point it elsewhere).",
    ),
    Setting(
        "PORTAL_DOCS_URL",
        "https://docs.google.com",
        "Base URL for reading sheets shared by link (CSV export).",
    ),
    Setting(
        "PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE",
        "",
        "Path to a Google service-account JSON key file (alternative to .streamlit/secrets.toml).",
    ),
    Setting(
        "PORTAL_HTTP_TIMEOUT",
        "20",
        "Seconds before any HTTP request to a remote source gives up.",
    ),
)


def default(name: str) -> str:
    """Return the default of setting ``name``."""
    for setting in SETTINGS:
        if setting.name == name:
            return setting.default
    raise KeyError(name)


def get(name: str) -> str:
    """Return the value of setting ``name`` from the environment, or its default."""
    return os.environ.get(name, default(name))


def database_url(override: str | None = None) -> str:
    """Return the store URL: ``override``, else ``PORTAL_DATABASE_URL``, else the default file."""
    if override:
        return override
    url = os.environ.get("PORTAL_DATABASE_URL")
    if url:
        return url
    path = default_data_dir() / "portal.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def max_upload_bytes() -> int:
    """Return the largest accepted upload in bytes."""
    return int(float(get("PORTAL_MAX_UPLOAD_MB")) * 1024 * 1024)


def min_group_size() -> int:
    """Return the minimum group size below which a group is flagged ``low_sample``."""
    return int(get("PORTAL_MIN_GROUP_SIZE"))


def currency() -> str:
    """Return the currency a new dataset's money figures are shown in (``PORTAL_CURRENCY``, never empty)."""
    return get("PORTAL_CURRENCY").strip() or default("PORTAL_CURRENCY")
