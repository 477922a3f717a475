"""Google Sheets links: the spreadsheet key and worksheet id (gid) a link or bare key names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from portal.errors import InputError

_KEY_IN_PATH = re.compile(r"^/spreadsheets(?:/u/\d+)?/d/([A-Za-z0-9_-]+)(?:/|$)")
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]{20,}$")


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
