"""HTTP to Google: base URLs, timeouts and bounded retries with exponential backoff."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime
from typing import Any

import google.auth.transport.requests as google_transport
import gspread
import requests
from google.oauth2.service_account import Credentials as ServiceAccountCredentials

from portal import settings
from portal.errors import InputError
from portal.ingest.gsheets.credentials import ServiceAccount

GOOGLE_API_ORIGINS: tuple[str, ...] = ("https://sheets.googleapis.com", "https://www.googleapis.com")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


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


class BoundedHttp(requests.Session):
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


class _AuthorizedBoundedHttp(BoundedHttp, google_transport.AuthorizedSession):
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


@contextmanager
def api_client(account: ServiceAccount, options: HttpOptions) -> Iterator[gspread.http_client.HTTPClient]:
    """Yield gspread's HTTP client on a bounded, redirected, authorised connection pool."""
    credentials = account.credentials()
    with ExitStack() as stack:
        token_http = stack.enter_context(BoundedHttp(options, retry=False))
        http = stack.enter_context(_AuthorizedBoundedHttp(options, credentials, token_http))
        client = gspread.Client(None, session=http)  # type: ignore[arg-type]
        client.set_timeout(options.timeout)
        yield client.http_client
