"""A small emulator of the Google endpoints the portal reads, served over HTTP on 127.0.0.1.

It implements just enough of Google's behaviour for the portal's tests and benchmark:

* ``POST /token`` - the OAuth token endpoint: checks the service account's signed JWT and hands out a
  fake access token;
* ``GET /v4/spreadsheets/{key}`` - spreadsheet metadata (worksheet titles, ids, grid sizes);
* ``GET /v4/spreadsheets/{key}/values/{range}`` - the values of a worksheet, shaped like Google's answer
  (``majorDimension``, ragged rows without their trailing empty cells, no ``values`` key when empty);
* ``GET /spreadsheets/d/{key}/export?format=csv&gid=N`` and ``/gviz/tq?tqx=out:csv&sheet=NAME`` - the CSV
  export used for sheets shared by link; a sheet that is not public answers with a redirect to an HTML
  login page, as Google does.

Faults are injected per endpoint with :meth:`SheetsEmulator.fail` (a status code with Google's JSON error
body, a slow answer, a malformed body, N times or for ever). Tests change the emulated sheets between
refreshes through :meth:`SheetsEmulator.worksheet`.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ENDPOINTS = ("token", "metadata", "values", "export", "gviz")

LOGIN_PAGE = (
    b"<!DOCTYPE html><html lang=\"en\"><head><title>Google Sheets: Sign-in</title></head>"
    b"<body><form action=\"/signin\"><input type=\"email\" name=\"identifier\"></form></body></html>"
)


def google_error(code: int, message: str, status: str, *, reason: str | None = None) -> bytes:
    """Return a JSON error body shaped like the ones Google's APIs send."""
    error: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        error["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason}]
    return json.dumps({"error": error}).encode()


@dataclass
class Worksheet:
    """One emulated worksheet: its title, id (gid) and rows of cell values as the sheet shows them."""

    title: str
    sheet_id: int
    rows: list[list[str]] = field(default_factory=list)

    def trimmed(self) -> list[list[str]]:
        """Return the rows as the values API sends them: trailing empty cells and rows left out."""
        out = []
        for row in self.rows:
            cells = list(row)
            while cells and cells[-1] == "":
                cells.pop()
            out.append(cells)
        while out and not out[-1]:
            out.pop()
        return out


@dataclass
class Spreadsheet:
    """One emulated spreadsheet with the e-mails it is shared with and whether its link is public."""

    key: str
    title: str
    worksheets: list[Worksheet]
    shared_with: set[str] = field(default_factory=set)
    public: bool = False


#: The longest a held request waits (seconds): only a broken test waits that long.
HOLD_LIMIT = 120.0

@dataclass
class Fault:
    """An injected misbehaviour of one endpoint, used ``times`` times (None: for ever)."""

    endpoint: str
    status: int | None = None
    body: bytes | None = None
    content_type: str = "application/json; charset=UTF-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    times: int | None = 1
    hold: threading.Event | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    emulator: SheetsEmulator


class SheetsEmulator:
    """The emulator: start it (or use it as a context manager), add spreadsheets, inject faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._spreadsheets: dict[str, Spreadsheet] = {}
        self._faults: list[Fault] = []
        self._tokens: dict[str, str] = {}
        self._public_keys: dict[str, rsa.RSAPublicKey] = {}
        self._key: rsa.RSAPrivateKey | None = None
        #: Set when the emulator stops: ``fail(..., hold=emulator.stopped)`` answers only then (never in a test).
        self.stopped = threading.Event()
        #: Set each time a held request has arrived and waits for its ``hold`` event.
        self.holding = threading.Event()
        self.hits: Counter[str] = Counter()
        self.log: list[tuple[str, str]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.emulator = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sheets-emulator", daemon=True
        )

    # -- life cycle -------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Return the emulator's base URL (``http://127.0.0.1:PORT``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> SheetsEmulator:
        """Start serving in a background thread and return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release held requests, stop serving and close the socket."""
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content -----------------------------------------------------------------------------------------

    def add_spreadsheet(
        self,
        key: str,
        worksheets: dict[str, list[list[str]]],
        *,
        title: str = "Survey responses",
        shared_with: tuple[str, ...] = (),
        public: bool = False,
        first_gid: int = 0,
    ) -> Spreadsheet:
        """Add a spreadsheet whose worksheets (title -> rows) get gids first_gid, 1000001, 1000002, ..."""
        sheets = [
            Worksheet(name, first_gid if i == 0 else 1_000_000 + i, [list(r) for r in rows])
            for i, (name, rows) in enumerate(worksheets.items())
        ]
        spreadsheet = Spreadsheet(key, title, sheets, set(shared_with), public)
        with self._lock:
            self._spreadsheets[key] = spreadsheet
        return spreadsheet

    def remove_spreadsheet(self, key: str) -> None:
        """Delete spreadsheet ``key`` (its link then answers 404)."""
        with self._lock:
            del self._spreadsheets[key]

    def spreadsheet(self, key: str) -> Spreadsheet:
        """Return the emulated spreadsheet ``key`` (to change its sharing or worksheets)."""
        return self._spreadsheets[key]

    def worksheet(self, key: str, title: str | None = None) -> Worksheet:
        """Return a worksheet of spreadsheet ``key`` (the first when no title is given) to edit its rows."""
        sheets = self._spreadsheets[key].worksheets
        return sheets[0] if title is None else next(w for w in sheets if w.title == title)

    def fail(
        self,
        endpoint: str,
        status: int | None = None,
        *,
        body: bytes | None = None,
        content_type: str = "application/json; charset=UTF-8",
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        times: int | None = 1,
        hold: threading.Event | None = None,
    ) -> None:
        """Make ``endpoint`` misbehave: answer ``status`` (with ``body``) and/or wait ``delay`` seconds first.

        With neither status nor body the request is answered normally after the delay; with a body but no
        status it is answered 200 with that body. ``times=None`` keeps the fault for ever. With ``hold`` the
        answer waits until that event is set (``emulator.stopped``: a server that never answers while the test
        runs), so a test orders events instead of racing a delay against the client's timeout.
        """
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {endpoint!r}")
        with self._lock:
            self._faults.append(Fault(endpoint, status, body, content_type, dict(headers or {}), delay, times, hold))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._faults.clear()

    # -- credentials -------------------------------------------------------------------------------------

    def service_account(self, email: str = "portal-reader@portal-tests.iam.gserviceaccount.com") -> dict[str, str]:
        """Return a service-account key (as Google's JSON file holds it) whose token URI is this emulator."""
        if self._key is None:
            self._key = _signing_key()
        self._public_keys[email] = self._key.public_key()
        return self._key_file(email, self._key)

    def unknown_service_account(self, email: str) -> dict[str, str]:
        """Return a well-formed key that this emulator's token endpoint refuses (deleted or never issued)."""
        return self._key_file(email, rsa.generate_private_key(public_exponent=65537, key_size=2048))

    def _key_file(self, email: str, key: rsa.RSAPrivateKey) -> dict[str, str]:
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        return {
            "type": "service_account",
            "project_id": "portal-tests",
            "private_key_id": "0123456789abcdef",
            "private_key": pem,
            "client_email": email,
            "client_id": "100000000000000000001",
            "auth_uri": f"{self.url}/o/oauth2/auth",
            "token_uri": f"{self.url}/token",
        }

    # -- request handling (called from the server's threads) ---------------------------------------------

    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            self.hits[endpoint] += 1
            for fault in self._faults:
                if fault.endpoint == endpoint and (fault.times is None or fault.times > 0):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def _grant_token(self, form: dict[str, list[str]]) -> tuple[int, bytes, str]:
        assertion = (form.get("assertion") or [""])[0]
        try:
            header_b64, payload_b64, signature_b64 = assertion.split(".")
            payload = json.loads(_b64decode(payload_b64))
            email = payload["iss"]
            self._public_keys[email].verify(
                _b64decode(signature_b64),
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except (ValueError, KeyError, InvalidSignature):
            body = json.dumps({"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
            return 400, body.encode(), "application/json"
        token = "ya29.emulated-" + secrets.token_urlsafe(16)
        with self._lock:
            self._tokens[token] = email
        body = json.dumps({"access_token": token, "expires_in": 3599, "token_type": "Bearer"})
        return 200, body.encode(), "application/json"

    def _caller(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Bearer "):
            return None
        return self._tokens.get(authorization[len("Bearer "):])

    def _api(self, endpoint: str, key: str, range_: str | None, caller: str | None) -> tuple[int, bytes, str]:
        kind = "application/json; charset=UTF-8"
        if caller is None:
            return 401, google_error(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"), kind
        spreadsheet = self._spreadsheets.get(key)
        if spreadsheet is None:
            return 404, google_error(404, "Requested entity was not found.", "NOT_FOUND"), kind
        if caller not in spreadsheet.shared_with and not spreadsheet.public:
            return 403, google_error(403, "The caller does not have permission", "PERMISSION_DENIED"), kind
        if endpoint == "metadata":
            return 200, json.dumps(_metadata(spreadsheet)).encode(), kind
        title = _sheet_of_range(range_ or "")
        sheet = next((w for w in spreadsheet.worksheets if w.title == title), None)
        if sheet is None:
            message = f"Unable to parse range: {range_}"
            return 400, google_error(400, message, "INVALID_ARGUMENT"), kind
        values = sheet.trimmed()
        width = max((len(r) for r in values), default=0)
        body: dict[str, Any] = {
            "range": f"{_quote_title(sheet.title)}!A1:{_column_letter(max(width, 1))}{max(len(values), 1)}",
            "majorDimension": "ROWS",
        }
        if values:
            body["values"] = values
        return 200, json.dumps(body).encode(), kind

    def _export(self, endpoint: str, key: str, query: dict[str, list[str]]) -> tuple[int, bytes, str, dict[str, str]]:
        html = "text/html; charset=utf-8"
        spreadsheet = self._spreadsheets.get(key)
        if spreadsheet is None:
            return 404, b"<html><body>Sorry, unable to open the file at this time.</body></html>", html, {}
        if not spreadsheet.public:
            return 302, b"", html, {"Location": f"/ServiceLogin?continue=/spreadsheets/d/{key}/export"}
        if endpoint == "gviz":
            name = (query.get("sheet") or [None])[0]
            sheet = (
                spreadsheet.worksheets[0]
                if name is None
                else next((w for w in spreadsheet.worksheets if w.title == name), None)
            )
        else:
            gid = (query.get("gid") or [None])[0]
            sheet = (
                spreadsheet.worksheets[0]
                if gid is None
                else next((w for w in spreadsheet.worksheets if str(w.sheet_id) == gid), None)
            )
        if sheet is None:
            return 400, b"<html><body>Bad Request. That's an error.</body></html>", html, {}
        return 200, _csv(sheet.trimmed(), quote_all=endpoint == "gviz"), "text/csv; charset=utf-8", {}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        emulator = self.server.emulator
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode())
        path = urlsplit(self.path).path
        emulator.log.append(("POST", self.path))
        if path != "/token":
            self._send(404, b"", "text/plain")
            return
        if self._faulted("token"):
            return
        self._send(*emulator._grant_token(form))

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        emulator = self.server.emulator
        emulator.log.append(("GET", self.path))
        parts = urlsplit(self.path)
        segments = [unquote(s) for s in parts.path.split("/")[1:]]
        query = parse_qs(parts.query)
        if segments[:2] == ["v4", "spreadsheets"] and len(segments) in (3, 5):
            endpoint = "metadata" if len(segments) == 3 else "values"
            if self._faulted(endpoint):
                return
            caller = emulator._caller(self.headers.get("Authorization"))
            range_ = segments[4] if endpoint == "values" else None
            self._send(*emulator._api(endpoint, segments[2], range_, caller))
        elif segments[:2] == ["spreadsheets", "d"] and len(segments) >= 4:
            endpoint = "gviz" if segments[3:5] == ["gviz", "tq"] else "export"
            if self._faulted(endpoint):
                return
            status, body, kind, headers = emulator._export(endpoint, segments[2], query)
            self._send(status, body, kind, headers)
        elif segments[:1] == ["ServiceLogin"]:
            self._send(200, LOGIN_PAGE, "text/html; charset=utf-8")
        else:
            self._send(404, b"Not Found", "text/plain")

    def _faulted(self, endpoint: str) -> bool:
        """Apply an injected fault; return True when it already answered the request."""
        fault = self.server.emulator._take_fault(endpoint)
        if fault is None:
            return False
        if fault.delay:
            time.sleep(fault.delay)
        if fault.hold is not None:
            self.server.emulator.holding.set()
            fault.hold.wait(timeout=HOLD_LIMIT)
        if fault.status is None and fault.body is None:
            return False
        self._send(fault.status or 200, fault.body or b"", fault.content_type, fault.headers)
        return True

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
            self.close_connection = True


@functools.cache
def _signing_key() -> rsa.RSAPrivateKey:
    """Return one RSA key for every emulated service account (generating keys is slow)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _metadata(spreadsheet: Spreadsheet) -> dict[str, Any]:
    sheets = []
    for index, sheet in enumerate(spreadsheet.worksheets):
        width = max((len(r) for r in sheet.rows), default=0)
        sheets.append({
            "properties": {
                "sheetId": sheet.sheet_id,
                "title": sheet.title,
                "index": index,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": max(1000, len(sheet.rows)), "columnCount": max(26, width)},
            }
        })
    return {
        "spreadsheetId": spreadsheet.key,
        "properties": {"title": spreadsheet.title, "locale": "en_US", "timeZone": "Etc/GMT"},
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{spreadsheet.key}/edit",
    }


def _sheet_of_range(range_: str) -> str:
    """Return the worksheet title of an A1 range such as ``'My sheet'!A1:Z`` or ``Sheet1``."""
    if range_.startswith("'"):
        title, i = [], 1
        while i < len(range_):
            if range_[i] == "'":
                if range_[i + 1 : i + 2] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(range_[i])
            i += 1
        return "".join(title)
    return range_.split("!", 1)[0]


def _quote_title(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv(rows: list[list[str]], *, quote_all: bool) -> bytes:
    """Return the rows as Google's CSV export writes them: a full rectangle, CRLF line ends."""
    width = max((len(r) for r in rows), default=0)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows(r + [""] * (width - len(r)) for r in rows)
    return out.getvalue().encode("utf-8")
