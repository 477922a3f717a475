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
"""

from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import gspread
import google.auth.exceptions
import numpy as np
import orjson
import pandas as pd
import requests
import google.auth.transport.requests as google_transport
from google.oauth2.service_account import Credentials as ServiceAccountCredentials
from gspread.exceptions import APIError
from gspread.utils import absolute_range_name, rowcol_to_a1
from gspread.utils import quote as quote_range

from portal import settings
from portal.errors import InputError, SourceError
from portal.ingest.read import Table, read_table

SECRETS_SECTION = "gcp_service_account"
"""Name of the section of ``.streamlit/secrets.toml`` that holds the service account's key."""

AUTH_MODES: tuple[str, ...] = ("service_account", "link")
READ_SCOPES: tuple[str, ...] = ("https://www.googleapis.com/auth/spreadsheets.readonly",)
GOOGLE_API_ORIGINS: tuple[str, ...] = ("https://sheets.googleapis.com", "https://www.googleapis.com")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

_KEY_IN_PATH = re.compile(r"^/spreadsheets(?:/u/\d+)?/d/([A-Za-z0-9_-]+)(?:/|$)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


# ---------------------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetRef:
    """A spreadsheet named by a link: its key, the worksheet id (gid) the link points at, and the link."""

    key: str
    gid: int | None = None
    url: str = ""

    @property
    def link(self) -> str:
        """Return the link the person gave, or the sheet's usual address when they gave a bare key."""
        if self.url:
            return self.url
        suffix = f"#gid={self.gid}" if self.gid is not None else ""
        return f"https://docs.google.com/spreadsheets/d/{self.key}/edit{suffix}"


def parse_sheet_url(text: str) -> SheetRef:
    """Return the spreadsheet named by a Google Sheets link or bare key; raise ``InputError`` for anything else."""
    raw = (text or "").strip()
    if not raw:
        raise InputError("Paste the link of the Google Sheet (from the browser's address bar) or its key.")
    if _BARE_KEY.match(raw):
        return SheetRef(key=raw)
    candidate = raw if "://" in raw else "https://" + raw
    parts = urlsplit(candidate)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(_not_a_sheet(raw))
    path = parts.path
    if "/forms/" in path:
        raise InputError(
            "This is the link of a Google Form, not of its responses. In the form's Responses tab choose "
            "'Link to Sheets', open that sheet and paste its link."
        )
    if path.startswith("/spreadsheets/d/e/"):
        raise InputError(
            "This is a 'Publish to the web' link, which does not name the sheet itself. Open the sheet and paste "
            "the link from the browser's address bar instead."
        )
    match = _KEY_IN_PATH.match(path)
    key = match.group(1) if match else None
    query = parse_qs(parts.query)
    if key is None and path.startswith("/spreadsheet") and query.get("key"):
        key = query["key"][0]
    if not key:
        raise InputError(_not_a_sheet(raw))
    fragment = parse_qs(parts.fragment)
    gid_text = (fragment.get("gid") or query.get("gid") or [None])[0]
    gid: int | None = None
    if gid_text is not None:
        if not gid_text.isdigit():
            raise InputError(f"The link names the worksheet id gid={gid_text}, which is not a number. "
                             "Copy the link again from the browser's address bar.")
        gid = int(gid_text)
    return SheetRef(key=key, gid=gid, url=raw)


def is_sheet_url(text: str) -> bool:
    """Return True when ``text`` is a Google Sheets link (used to tell sheets from file paths)."""
    try:
        parse_sheet_url(text)
    except InputError:
        return False
    return "://" in text or text.strip().startswith("docs.google.com/")


def _not_a_sheet(text: str) -> str:
    shown = text if len(text) <= 80 else text[:77] + "..."
    return (
        f"'{shown}' is not the link of a Google Sheet. Open the sheet in the browser and copy the address, "
        "which looks like https://docs.google.com/spreadsheets/d/.../edit."
    )


# ---------------------------------------------------------------------------------------------------------
# Credentials
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceAccount:
    """A Google service account's key; ``email`` is whom a person shares the sheet with.

    Build it with ``load_credentials``; keep it to reuse the parsed key and its access token across reads.
    """

    info: Mapping[str, Any] = field(repr=False, compare=False)
    email: str = ""
    signer: ServiceAccountCredentials | None = field(default=None, repr=False, compare=False)

    def credentials(self) -> ServiceAccountCredentials:
        """Return google-auth credentials for reading sheets; raise ``SourceError`` when the key is unusable."""
        if self.signer is not None:
            return self.signer
        try:
            return ServiceAccountCredentials.from_service_account_info(dict(self.info), scopes=list(READ_SCOPES))
        except (ValueError, KeyError, TypeError) as err:
            raise SourceError(
                f"The service account's key ({self.email or 'no e-mail'}) is damaged: {_first_line(err)}. "
                "Download a new JSON key for the service account and configure it again."
            ) from err


def load_credentials(
    credentials: Mapping[str, Any] | ServiceAccount | None = None, *, key_file: str | None = None
) -> ServiceAccount | None:
    """Return the configured service account (the given dict, else the key file), or None when none is set.

    ``key_file`` defaults to the setting ``PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE``. Raises ``SourceError`` when the
    key file cannot be read or the key is not a service-account key.
    """
    if isinstance(credentials, ServiceAccount):
        return credentials
    if credentials:
        return _service_account(dict(credentials), "The service-account key in the portal's secrets")
    path = key_file if key_file is not None else settings.get("PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE")
    if not path:
        return None
    where = f"The key file {path} (PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE)"
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "it is not a text file"
        raise SourceError(
            f"{where} cannot be read ({reason.lower()}). Check the path and that the portal may read the file."
        ) from err
    try:
        info = json.loads(text)
    except ValueError as err:
        raise SourceError(
            f"{where} is not a JSON key file. In Google Cloud console open the service account, choose "
            "Keys > Add key > JSON, and point the setting at the downloaded file."
        ) from err
    if not isinstance(info, dict):
        raise SourceError(f"{where} is not a service-account key. Download a JSON key for a service account.")
    return _service_account(info, where)


def require_credentials(
    credentials: Mapping[str, Any] | ServiceAccount | None = None, *, key_file: str | None = None
) -> ServiceAccount:
    """Return the configured service account; raise ``SourceError`` when none is configured or it is unusable."""
    account = load_credentials(credentials, key_file=key_file)
    if account is None:
        raise SourceError(
            "No Google service account is configured. Put its JSON key in .streamlit/secrets.toml (section "
            f"[{SECRETS_SECTION}]) or name the key file in PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE; or share the sheet "
            "as 'anyone with the link can view' and use the link without an account."
        )
    return account


def service_account_email(
    credentials: Mapping[str, Any] | ServiceAccount | None = None, *, key_file: str | None = None
) -> str | None:
    """Return the e-mail of the configured service account (None when none is configured); raises like
    ``load_credentials``."""
    account = load_credentials(credentials, key_file=key_file)
    return account.email if account else None


def _service_account(info: dict[str, Any], where: str) -> ServiceAccount:
    kind = info.get("type")
    if kind != "service_account":
        found = f" (it is a '{kind}' credential)" if isinstance(kind, str) and kind else ""
        raise SourceError(
            f"{where} is not a service-account key{found}. In Google Cloud console open IAM > Service accounts, "
            "pick or create one, choose Keys > Add key > JSON and use that file."
        )
    missing = [k for k in ("client_email", "private_key", "token_uri") if not info.get(k)]
    if missing:
        raise SourceError(
            f"{where} lacks {', '.join(missing)}, so it is not a complete service-account key. Download a new "
            "JSON key for the service account and use the whole file."
        )
    account = ServiceAccount(info=info, email=str(info["client_email"]))
    # parse the key now: fails early, with a plain sentence, on a damaged private key
    return replace(account, signer=account.credentials())


# ---------------------------------------------------------------------------------------------------------
# HTTP: base URLs, timeouts and bounded retries
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpOptions:
    """Where the Google endpoints are and how patiently to call them.

    Every request waits at most ``timeout`` seconds. A 429 or 5xx answer (or a refused connection) is retried
    up to ``attempts`` tries in all, waiting ``backoff`` seconds and doubling, or what ``Retry-After`` asks up
    to ``max_retry_after``; retrying stops once the waits would add up to more than ``max_wait`` seconds.
    """

    api_url: str = "https://sheets.googleapis.com"
    docs_url: str = "https://docs.google.com"
    timeout: float = 20.0
    attempts: int = 4
    backoff: float = 1.0
    max_wait: float = 30.0
    max_retry_after: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False, repr=False)

    @classmethod
    def from_settings(cls, **changes: Any) -> HttpOptions:
        """Return options from the settings ``PORTAL_SHEETS_API_URL``, ``PORTAL_DOCS_URL`` and
        ``PORTAL_HTTP_TIMEOUT``, with ``changes`` applied; raise ``InputError`` on a bad timeout."""
        text = settings.get("PORTAL_HTTP_TIMEOUT")
        try:
            timeout = float(text)
        except ValueError:
            timeout = 0.0
        if not timeout > 0:
            raise InputError(f"PORTAL_HTTP_TIMEOUT must be a number of seconds above 0, not {text!r}.")
        options = cls(
            api_url=settings.get("PORTAL_SHEETS_API_URL").rstrip("/"),
            docs_url=settings.get("PORTAL_DOCS_URL").rstrip("/"),
            timeout=timeout,
        )
        return replace(options, **changes)


class _BoundedHttp(requests.Session):
    """An HTTP client (a requests connection pool) whose every call has the portal's timeout and bounded
    retries, and whose Google API URLs are redirected to ``options.api_url``."""

    def __init__(self, options: HttpOptions, *, retry: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.options = options
        self.retry = retry

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        options = self.options
        url = _redirect(str(url), options.api_url)
        kwargs["timeout"] = options.timeout
        waited = 0.0
        attempt = 1
        while True:
            try:
                response = super().request(method, url, *args, **kwargs)
            except requests.ConnectionError as err:
                if isinstance(err, requests.Timeout):
                    raise
                wait = options.backoff * 2 ** (attempt - 1)
                if not self.retry or attempt >= options.attempts or waited + wait > options.max_wait:
                    raise
            else:
                if not self.retry or response.status_code not in RETRY_STATUSES or attempt >= options.attempts:
                    return response
                wait = _retry_after(response, options) or options.backoff * 2 ** (attempt - 1)
                if waited + wait > options.max_wait:
                    return response
                response.close()
            options.sleep(wait)
            waited += wait
            attempt += 1


class _AuthorizedBoundedHttp(_BoundedHttp, google_transport.AuthorizedSession):
    """The Sheets API client: google-auth's authorised requests client with the portal's timeouts and retries."""

    def __init__(self, options: HttpOptions, credentials: ServiceAccountCredentials, token_http: requests.Session):
        google_transport.AuthorizedSession.__init__(
            self, credentials, auth_request=google_transport.Request(token_http)
        )
        self.options = options
        self.retry = True


def _redirect(url: str, api_url: str) -> str:
    """Return ``url`` with Google's API origin replaced by ``api_url``."""
    for origin in GOOGLE_API_ORIGINS:
        if url.startswith(origin) and origin != api_url:
            return api_url.rstrip("/") + url[len(origin):]
    return url


def _retry_after(response: requests.Response, options: HttpOptions) -> float | None:
    """Return the wait a ``Retry-After`` header asks for (capped), or None without one."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError):
            return None
    return max(0.0, min(seconds, options.max_retry_after))


# ---------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorksheetInfo:
    """One worksheet (tab) of a spreadsheet: title, id (the ``gid`` of links) and grid size."""

    title: str
    gid: int
    rows: int
    columns: int


@dataclass(frozen=True)
class SheetData:
    """A worksheet read into a ``Table``, with how it was read (``auth_mode``) and what is known about it."""

    table: Table
    ref: SheetRef
    auth_mode: str
    worksheet: str | None
    gid: int | None
    worksheets: tuple[WorksheetInfo, ...] = ()
    account_email: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the worksheet's column names, in order."""
        return tuple(str(c) for c in self.table.frame.columns)


class NotSharedError(SourceError):
    """The sheet exists but the service account may not read it (HTTP 403)."""


def fetch_sheet(
    source: str | SheetRef,
    *,
    worksheet: str | None = None,
    gid: int | None = None,
    credentials: Mapping[str, Any] | ServiceAccount | None = None,
    mode: str = "auto",
    options: HttpOptions | None = None,
) -> SheetData:
    """Read one worksheet of a Google Sheet and return it as ``SheetData``.

    The worksheet is ``worksheet`` (a title), else ``gid``, else the link's gid, else the first one. ``mode``
    is ``"service_account"``, ``"link"`` or ``"auto"`` (the service account when one is configured, falling
    back to the link when the sheet is public but not shared with the account). Raises ``InputError`` for a
    link that is not a sheet's and ``SourceError`` for every reason the sheet cannot be read.
    """
    ref = source if isinstance(source, SheetRef) else parse_sheet_url(source)
    if gid is not None:
        ref = replace(ref, gid=gid)
    if worksheet is not None and not worksheet.strip():
        worksheet = None
    if mode not in (*AUTH_MODES, "auto"):
        raise ValueError(f"unknown mode {mode!r}")
    options = options or HttpOptions.from_settings()
    if mode == "link":
        return _read_link(ref, worksheet, options, account=None)
    account = require_credentials(credentials) if mode == "service_account" else load_credentials(credentials)
    if account is None:
        return _read_link(ref, worksheet, options, account=None)
    try:
        return _read_api(ref, worksheet, account, options)
    except NotSharedError as not_shared:
        if mode == "service_account":
            raise
        try:  # a sheet shared by link is readable without the account
            return _read_link(ref, worksheet, options, account=account)
        except SourceError:
            raise not_shared from None


def read_sheet(
    source: str | SheetRef,
    *,
    worksheet: str | None = None,
    credentials: Mapping[str, Any] | ServiceAccount | None = None,
    mode: str = "auto",
    options: HttpOptions | None = None,
) -> Table:
    """Return one worksheet of a Google Sheet as a ``Table``; raises like ``fetch_sheet``."""
    return fetch_sheet(source, worksheet=worksheet, credentials=credentials, mode=mode, options=options).table


def read_sheet_for_cli(source: str, *, worksheet: str | None = None) -> Table:
    """Return a worksheet for ``portal import URL`` (credentials from PORTAL_GOOGLE_SERVICE_ACCOUNT_FILE, if set);
    raises like ``fetch_sheet``."""
    return read_sheet(source, worksheet=worksheet)


def list_worksheets(
    source: str | SheetRef,
    *,
    credentials: Mapping[str, Any] | ServiceAccount | None = None,
    options: HttpOptions | None = None,
) -> tuple[WorksheetInfo, ...]:
    """Return the worksheets of a spreadsheet through the service account (a shared link cannot list them).

    Raises ``SourceError`` when no service account is configured or the spreadsheet cannot be read.
    """
    ref = source if isinstance(source, SheetRef) else parse_sheet_url(source)
    account = require_credentials(credentials)
    options = options or HttpOptions.from_settings()
    with _api_client(account, options) as client, _translated(ref, account, options):
        return _worksheets(client, ref)


@contextmanager
def _api_client(account: ServiceAccount, options: HttpOptions) -> Iterator[gspread.http_client.HTTPClient]:
    """Yield gspread's HTTP client on a bounded, redirected, authorised connection pool."""
    credentials = account.credentials()
    with ExitStack() as stack:
        token_http = stack.enter_context(_BoundedHttp(options, retry=False))
        http = stack.enter_context(_AuthorizedBoundedHttp(options, credentials, token_http))
        client = gspread.Client(None, session=http)  # type: ignore[arg-type]
        client.set_timeout(options.timeout)
        yield client.http_client


def _worksheets(client: gspread.http_client.HTTPClient, ref: SheetRef) -> tuple[WorksheetInfo, ...]:
    url = gspread.urls.SPREADSHEET_URL % ref.key
    response = client.request("get", url, params={"includeGridData": "false"})
    meta = orjson.loads(response.content)
    sheets = []
    for sheet in meta["sheets"]:
        props = sheet["properties"]
        grid = props.get("gridProperties") or {}
        sheets.append(WorksheetInfo(
            title=str(props["title"]),
            gid=int(props.get("sheetId", 0)),
            rows=int(grid.get("rowCount", 0)),
            columns=int(grid.get("columnCount", 0)),
        ))
    if not sheets:
        raise ValueError("no worksheets in the metadata")
    return tuple(sheets)


def _read_api(ref: SheetRef, worksheet: str | None, account: ServiceAccount, options: HttpOptions) -> SheetData:
    with _api_client(account, options) as client, _translated(ref, account, options):
        sheets = _worksheets(client, ref)
        chosen = _choose(sheets, worksheet, ref.gid)
        url = gspread.urls.SPREADSHEET_VALUES_URL % (ref.key, quote_range(absolute_range_name(chosen.title)))
        params = {"majorDimension": "ROWS", "valueRenderOption": "FORMATTED_VALUE"}
        response = client.request("get", url, params=params)
        body = orjson.loads(response.content)
        if not isinstance(body, dict) or body.get("majorDimension", "ROWS") != "ROWS":
            raise ValueError("values not in rows")
        values = body.get("values") or []
        if not isinstance(values, list) or not all(isinstance(r, list) for r in values):
            raise ValueError("values are not a list of rows")
    table = _table_from_values(values, source=ref.link, sheet=chosen.title, sheets=tuple(s.title for s in sheets))
    return SheetData(table, ref, "service_account", chosen.title, chosen.gid, sheets, account.email)


def _choose(sheets: Sequence[WorksheetInfo], worksheet: str | None, gid: int | None) -> WorksheetInfo:
    names = ", ".join(f"'{s.title}'" for s in sheets)
    if worksheet is not None:
        for candidate in (worksheet, worksheet.strip()):
            found = next((s for s in sheets if s.title == candidate), None)
            if found:
                return found
        folded = worksheet.strip().casefold()
        found = next((s for s in sheets if s.title.strip().casefold() == folded), None)
        if found:
            return found
        raise SourceError(f"The spreadsheet has no worksheet named '{worksheet}'. Its worksheets are: {names}.")
    if gid is not None:
        found = next((s for s in sheets if s.gid == gid), None)
        if found:
            return found
        raise SourceError(
            f"The worksheet the link points at (gid={gid}) no longer exists. Its worksheets are: {names}; "
            "pick one of them."
        )
    return sheets[0]


def _read_link(ref: SheetRef, worksheet: str | None, options: HttpOptions, account: ServiceAccount | None) -> SheetData:
    base = f"{options.docs_url.rstrip('/')}/spreadsheets/d/{ref.key}"
    if worksheet is not None:
        url, params = f"{base}/gviz/tq", {"tqx": "out:csv", "sheet": worksheet, "headers": "1"}
        label = f"named '{worksheet}'"
    else:
        url, params = f"{base}/export", {"format": "csv"}
        if ref.gid is not None:
            params["gid"] = str(ref.gid)
        label = f"with id gid={ref.gid}" if ref.gid is not None else ""
    with _BoundedHttp(options) as http, _translated(ref, account, options):
        response = http.get(url, params=params, allow_redirects=True)
        data = _export_body(response, ref, label, account)
    header, has_rows = _csv_head(data)
    _check_header(header, None, worksheet)
    if not has_rows:
        raise SourceError(_no_rows(worksheet))
    title = worksheet or "the worksheet"
    try:
        table = read_table(data, f"{title.replace('/', '-')}.csv")
    except InputError as err:
        raise SourceError(
            "Google sent the sheet in a form the portal cannot read as a table. Try again in a few minutes; if it "
            "keeps happening, download the sheet as CSV and upload that file to see what is wrong."
        ) from err
    for i, name in enumerate(header):
        if not name.strip() and f"column {i + 1}" in table.frame.columns:
            raise SourceError(_unnamed(i, worksheet))
    table = replace(table, source=ref.link, sheet=worksheet, sheets=())
    return SheetData(table, ref, "link", worksheet, ref.gid if worksheet is None else None, (), None)


def _export_body(response: requests.Response, ref: SheetRef, label: str, account: ServiceAccount | None) -> bytes:
    """Return the CSV bytes of an export answer; raise ``SourceError`` for a login page or an error status."""
    status = response.status_code
    data = response.content
    kind = response.headers.get("Content-Type", "").lower()
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    looks_html = "text/html" in kind or head.startswith((b"<!doctype", b"<html"))
    if status in (401, 403) or (status == 200 and (looks_html or _went_to_login(response))):
        raise SourceError(_not_public(account))
    if status == 404:
        raise SourceError(_not_found(ref))
    if status == 400:
        raise SourceError(
            f"The sheet has no worksheet {label or 'like that'}. A shared link cannot list the worksheets: open "
            "the sheet, click the worksheet's tab and copy the link again, or type the worksheet's name exactly."
        )
    if status == 429:
        raise SourceError(_quota())
    if status >= 500:
        raise SourceError(_server_error(status))
    if status != 200:
        raise SourceError(f"Google answered the request for the sheet with an error (HTTP {status}). "
                          "Check the link and try again.")
    return data


def _went_to_login(response: requests.Response) -> bool:
    final = urlsplit(response.url)
    return bool(response.history) and (
        final.netloc.startswith("accounts.") or "ServiceLogin" in final.path or "signin" in final.path.lower()
    )


def _csv_head(data: bytes) -> tuple[list[str], bool]:
    """Return the header row of CSV bytes and whether any row after it holds a value."""
    limit = 1_000_000
    text = data[:limit].decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header: list[str] = []
    try:
        header = next(reader, [])
        if any(any(cell.strip() for cell in row) for row in reader):
            return header, True
    except csv.Error:  # a damaged body: read_table explains it
        return header, True
    return header, len(data) > limit


def _column_name(index: int) -> str:
    """Return the sheet's letter name of 0-based column ``index`` (0 -> A)."""
    return rowcol_to_a1(1, index + 1)[:-1]


def _check_header(
    header: Sequence[str], has_data: Callable[[int], bool] | None, worksheet: str | None
) -> list[int]:
    """Check the header row; return the indexes of the columns to keep.

    Columns without a name are dropped when they hold no data (checked only when ``has_data`` is given). Raises
    ``SourceError`` for an empty header row, an unnamed column with data, or a name used twice (letter case
    aside, as file uploads do).
    """
    where = _where(worksheet)
    names = [str(h).strip() for h in header]
    if not any(names):
        raise SourceError(
            f"The first row of {where} is empty. Put the column names in row 1 of the sheet, then try again."
        )
    keep = []
    for i, name in enumerate(names):
        if name:
            keep.append(i)
        elif has_data is not None and has_data(i):
            raise SourceError(_unnamed(i, worksheet))
    seen: dict[str, int] = {}
    for i in keep:
        folded = names[i].casefold()
        if folded in seen:
            first = names[seen[folded]]
            raise SourceError(
                f"Row 1 of {where} names two columns '{first}' (columns {_column_name(seen[folded])} and "
                f"{_column_name(i)}). Give each column its own name, then try again."
            )
        seen[folded] = i
    return keep


def _where(worksheet: str | None) -> str:
    return f"worksheet '{worksheet}'" if worksheet else "the worksheet"


def _unnamed(index: int, worksheet: str | None) -> str:
    return (
        f"Column {_column_name(index)} of {_where(worksheet)} holds data but has no name in row 1. Type a name for "
        "it in row 1 of the sheet, then try again."
    )


def _no_rows(worksheet: str | None) -> str:
    return (
        f"{_where(worksheet)[0].upper()}{_where(worksheet)[1:]} has column names but no rows yet. Add the responses "
        "(or wait for the first form answer), then try again."
    )


def _table_from_values(
    values: list[list[Any]], *, source: str, sheet: str | None, sheets: tuple[str, ...]
) -> Table:
    """Return the values API's rows (header first, ragged) as a ``Table`` of str or None."""
    if not values:
        _check_header([], None, sheet)
    header, rows = values[0], values[1:]
    width = max(len(header), max(map(len, rows), default=0))
    header = [("" if h is None else str(h)) for h in header] + [""] * (width - len(header))
    _check_header(header, None, sheet)
    padded = [r if len(r) == width else [*r, *([None] * (width - len(r)))] for r in rows]
    try:
        grid = np.array(padded, dtype=object) if rows else np.empty((0, width), dtype=object)
    except ValueError as err:
        raise SourceError(_malformed()) from err
    if grid.ndim != 2:
        raise SourceError(_malformed())
    columns = [_clean(grid[:, i].tolist()) for i in range(width)]
    keep = _check_header(header, lambda i: any(v is not None for v in columns[i]), sheet)
    names = [header[i].strip() for i in keep]
    frame = pd.DataFrame({n: pd.Series(columns[i], dtype=object) for n, i in zip(names, keep, strict=True)},
                         columns=names)
    filled = frame.notna().any(axis=1).to_numpy()
    if not filled.any():
        raise SourceError(_no_rows(sheet))
    numbers = np.arange(2, len(rows) + 2, dtype="int64")[filled]
    frame = frame[filled].reset_index(drop=True)
    return Table(
        frame=frame,
        source=source,
        encoding=None,
        delimiter=None,
        sheet=sheet,
        sheets=sheets,
        row_numbers=pd.Series(numbers, index=frame.index, dtype="int64"),
    )


def _clean(column: Sequence[Any]) -> list[str | None]:
    """Return one column's cells as text, with empty and blank cells as None."""
    if all(v is None or type(v) is str for v in column):
        return [None if v is None or not v or v.isspace() else v for v in column]
    return [_cell_text(v) for v in column]  # cells that are not text (numbers, booleans)


def _cell_text(value: Any) -> str | None:
    """Return a cell as the text the sheet shows; empty and blank cells as None."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value and not value.isspace() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# ---------------------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------------------


@contextmanager
def _translated(ref: SheetRef, account: ServiceAccount | None, options: HttpOptions) -> Iterator[None]:
    """Turn every failure of a remote call into a ``SourceError`` with one plain sentence."""
    try:
        yield
    except SourceError:
        raise
    except APIError as err:
        raise _api_error(err, ref, account, options) from err
    except google.auth.exceptions.RefreshError as err:
        raise _refresh_error(err, account) from err
    except google.auth.exceptions.TransportError as err:
        cause = err.__cause__ or (err.args[0] if err.args else None)
        raise _network_error(cause, options) from err
    except requests.RequestException as err:
        raise _network_error(err, options) from err
    except (ValueError, KeyError, TypeError, IndexError) as err:
        raise SourceError(_malformed()) from err


def _api_error(err: APIError, ref: SheetRef, account: ServiceAccount | None, options: HttpOptions) -> SourceError:
    status = err.response.status_code
    error = err.error if isinstance(err.error, Mapping) else {}
    text = json.dumps(error).lower()
    if status == 404:
        return SourceError(_not_found(ref))
    if status == 403:
        if "service_disabled" in text or "has not been used" in text or "is disabled" in text:
            return SourceError(
                "The Google Sheets API is not switched on for the service account's Google Cloud project. In "
                "Google Cloud console open APIs & Services > Library, enable 'Google Sheets API', then try again."
            )
        email = account.email if account else "the portal's service account"
        return NotSharedError(
            f"The sheet is not shared with the portal's service account. In Google Sheets click Share and add "
            f"{email} as a Viewer, then try again."
        )
    if status == 401:
        return SourceError(
            "Google did not accept the service account's credentials. Download a new JSON key for the service "
            "account and configure it again."
        )
    if status == 429:
        return SourceError(_quota(options))
    if status == 400:
        return SourceError(
            "Google could not read the worksheet's range; its name may have just changed. Reload the list of "
            "worksheets and pick it again."
        )
    if status >= 500:
        return SourceError(_server_error(status))
    if error.get("code") == -1:
        return SourceError(_malformed())
    return SourceError(f"Google refused to send the sheet (HTTP {status}). Check the link and try again.")


def _refresh_error(err: google.auth.exceptions.RefreshError, account: ServiceAccount | None) -> SourceError:
    text = str(err.args[0]) if err.args else str(err)
    email = account.email if account else "the service account"
    if "invalid_grant" in text or "invalid_client" in text or "unauthorized_client" in text:
        return SourceError(
            f"Google refused the key of {email}; it may have been deleted or the account disabled. Create a new "
            "JSON key for the service account and configure it again."
        )
    if "429" in text or "quota" in text.lower() or "rate" in text.lower():
        return SourceError(_quota())
    return SourceError(_malformed())


def _network_error(err: object, options: HttpOptions) -> SourceError:
    if isinstance(err, requests.Timeout):
        return SourceError(
            f"Google did not answer within {options.timeout:g} seconds. Try again in a few minutes; on a slow "
            "connection raise PORTAL_HTTP_TIMEOUT."
        )
    return SourceError(
        "The portal could not reach Google. Check the server's internet connection (and proxy), then try again."
    )


def _not_found(ref: SheetRef) -> str:
    return (
        f"Google has no spreadsheet with the key {ref.key}. Check that the link is complete and that the sheet "
        "has not been deleted."
    )


def _not_public(account: ServiceAccount | None) -> str:
    if account is not None:
        return (
            f"The sheet is not shared with the portal's service account. In Google Sheets click Share and add "
            f"{account.email} as a Viewer, then try again."
        )
    return (
        "The sheet is not shared as 'anyone with the link': Google asked for a sign-in instead of sending the data. "
        "In Google Sheets click Share and set General access to 'Anyone with the link' (Viewer), or set up a "
        "service account, then try again."
    )


def _quota(options: HttpOptions | None = None) -> str:
    tries = f" even after {options.attempts} tries" if options else ""
    return (
        f"Google says too many requests were made (its quota is used up for now){tries}. Wait a few minutes and "
        "try again; if it keeps happening, refresh this sheet less often."
    )


def _server_error(status: int) -> str:
    return f"Google's servers answered with an error (HTTP {status}). Try again in a few minutes."


def _malformed() -> str:
    return (
        "Google's answer could not be read (it was not the data the portal expected). Try again in a few "
        "minutes; if it keeps happening, check PORTAL_SHEETS_API_URL and PORTAL_DOCS_URL."
    )


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0].rstrip(".") if text else type(err).__name__
