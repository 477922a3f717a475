"""The Google service account the portal reads sheets with: its key from secrets or a key file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from google.oauth2.service_account import Credentials as ServiceAccountCredentials

from portal import settings
from portal.errors import SourceError

SECRETS_SECTION = "gcp_service_account"
"""Name of the section of ``.streamlit/secrets.toml`` that holds the service account's key."""
READ_SCOPES: tuple[str, ...] = ("https://www.googleapis.com/auth/spreadsheets.readonly",)


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

def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0].rstrip(".") if text else type(err).__name__
