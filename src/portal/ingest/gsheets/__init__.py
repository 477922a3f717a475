"""Google Sheets as a source: a sheet's link, the credentials to read it, and its rows as a portal ``Table``.

Two ways in:

* a Google **service account**: its JSON key comes from Streamlit secrets (passed in by the UI as a dict) or
  from the file named by ``PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE``; the sheet is read through the Sheets API v4
  with gspread, and the worksheets can be listed by name;
* a sheet shared as **"anyone with the link can view"**: read without credentials through its CSV export.

Every request has a timeout (``PORTAL_HTTP_TIMEOUT``, the token request included) and a bounded number of
retries with exponential backoff; every failure becomes one plain sentence: a ``SourceError``, or an
``InputError`` for text that is not a sheet's link. The base URLs are the settings ``PORTAL_SHEETS_API_URL``
and ``PORTAL_DOCS_URL``, which is how tests and on-premise proxies point the portal elsewhere.

The package: ``urls`` (links), ``credentials`` (the service account), ``http`` (timeouts and retries),
``failures`` (plain sentences for every failure), ``grid`` (cells to a ``Table``) and ``reader`` (both ways in).
"""

from __future__ import annotations

from portal.ingest.gsheets.credentials import (
    READ_SCOPES,
    SECRETS_SECTION,
    ServiceAccount,
    load_credentials,
    require_credentials,
    service_account_email,
)
from portal.ingest.gsheets.failures import NotSharedError
from portal.ingest.gsheets.http import GOOGLE_API_ORIGINS, RETRY_STATUSES, HttpOptions
from portal.ingest.gsheets.reader import (
    AUTH_MODES,
    SheetData,
    WorksheetInfo,
    fetch_sheet,
    list_worksheets,
    read_sheet,
    read_sheet_for_cli,
)
from portal.ingest.gsheets.urls import SheetRef, is_sheet_url, parse_sheet_url

__all__ = [
    "AUTH_MODES",
    "GOOGLE_API_ORIGINS",
    "READ_SCOPES",
    "RETRY_STATUSES",
    "SECRETS_SECTION",
    "HttpOptions",
    "NotSharedError",
    "ServiceAccount",
    "SheetData",
    "SheetRef",
    "WorksheetInfo",
    "fetch_sheet",
    "is_sheet_url",
    "list_worksheets",
    "load_credentials",
    "parse_sheet_url",
    "read_sheet",
    "read_sheet_for_cli",
    "require_credentials",
    "service_account_email",
]
