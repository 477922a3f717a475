"""Every way reading a sheet can fail, each turned into a ``SourceError`` with one plain sentence."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import google.auth.exceptions
import requests
from gspread.exceptions import APIError

from portal.errors import SourceError
from portal.ingest.gsheets.credentials import ServiceAccount
from portal.ingest.gsheets.http import HttpOptions
from portal.ingest.gsheets.urls import SheetRef


class NotSharedError(SourceError):
    """The sheet exists but the service account may not read it (HTTP 403)."""


@contextmanager
def translated(ref: SheetRef, account: ServiceAccount | None, options: HttpOptions) -> Iterator[None]:
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
        raise SourceError(malformed()) from err


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
        return SourceError(malformed())
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
    return SourceError(malformed())


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


def malformed() -> str:
    return (
        "Google's answer could not be read (it was not the data the portal expected). Try again in a few "
        "minutes; if it keeps happening, check PORTAL_SHEETS_API_URL and PORTAL_DOCS_URL."
    )


def export_body(response: requests.Response, ref: SheetRef, label: str, account: ServiceAccount | None) -> bytes:
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
