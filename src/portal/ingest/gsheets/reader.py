"""Reading a worksheet through the Sheets API (service account) or a shared link's CSV export."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import gspread
import orjson
from gspread.utils import absolute_range_name
from gspread.utils import quote as quote_range

from portal.errors import InputError, SourceError
from portal.ingest.gsheets.credentials import ServiceAccount, load_credentials, require_credentials
from portal.ingest.gsheets.failures import NotSharedError, export_body, translated
from portal.ingest.gsheets.grid import check_header, csv_head, no_rows, table_from_values, unnamed
from portal.ingest.gsheets.http import BoundedHttp, HttpOptions, api_client
from portal.ingest.gsheets.urls import SheetRef, parse_sheet_url
from portal.ingest.read import Table, read_table

AUTH_MODES: tuple[str, ...] = ("service_account", "link")


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
    with api_client(account, options) as client, translated(ref, account, options):
        return _worksheets(client, ref)


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
    with api_client(account, options) as client, translated(ref, account, options):
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
    table = table_from_values(values, source=ref.link, sheet=chosen.title, sheets=tuple(s.title for s in sheets))
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
    with BoundedHttp(options) as http, translated(ref, account, options):
        response = http.get(url, params=params, allow_redirects=True)
        data = export_body(response, ref, label, account)
    header, has_rows = csv_head(data)
    check_header(header, None, worksheet)
    if not has_rows:
        raise SourceError(no_rows(worksheet))
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
            raise SourceError(unnamed(i, worksheet))
    table = replace(table, source=ref.link, sheet=worksheet, sheets=())
    return SheetData(table, ref, "link", worksheet, ref.gid if worksheet is None else None, (), None)
