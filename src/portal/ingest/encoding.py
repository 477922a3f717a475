"""Decoding an uploaded text file: its encoding (UTF-8, UTF-16, legacy code pages), and refusing binary data."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from portal.errors import InputError

_WESTERN = ("cp1252", "latin_1", "iso8859_15", "ascii", "utf_8")
_ALLOWED_CONTROLS = frozenset(b"\t\n\r")
_CONTROL_BYTES = bytes(b for b in range(32) if b not in _ALLOWED_CONTROLS) + b"\x7f"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF-", "a PDF document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
    (b"7z\xbc\xaf", "a compressed (7-Zip) file"),
    (b"Rar!\x1a\x07", "a compressed (RAR) file"),
    (b"SQLite format 3\x00", "a database file"),
    (b"\x7fELF", "a program file"),
)


def _binary_kind(data: bytes) -> str | None:
    """Return a description such as "a PDF document" when ``data`` is not text, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:65_536]
    body = sample.rstrip(b"\x1a")  # old DOS files end with Ctrl-Z
    controls = len(body) - len(body.translate(None, _CONTROL_BYTES))  # NUL bytes count: a few in cells are text
    if controls > max(0.01 * len(body), 0):
        return "binary data"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Return "utf-16-le"/"utf-16-be" when ``data`` looks like UTF-16 text without a byte order mark."""
    sample = data[:8192]
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _not_text(name: str, kind: str) -> InputError:
    """Return the error for a file that is not text."""
    return InputError(f"{name} is {kind}, not a table. Upload a CSV, TSV or Excel file of the responses.")


def decode(data: bytes, name: str) -> tuple[str, str, tuple[str, ...]]:
    """Return the text of ``data``, the encoding used and any warnings; raise ``InputError`` for binary data."""
    warnings: tuple[str, ...] = ()
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif (utf16 := _utf16_without_bom(data)) is not None:
        encoding = utf16
    else:
        kind = _binary_kind(data)
        if kind is not None:
            raise _not_text(name, kind)
        try:
            return _text_only(data.decode("utf-8"), name), "utf-8", ()
        except UnicodeDecodeError:
            encoding = _guess_encoding(data)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        if encoding.startswith("utf-16"):
            raise _not_text(name, "binary data or damaged UTF-16 text") from None
        if encoding.startswith("utf-8"):
            text = data.decode(encoding, errors="replace")
            bad = text.count("\ufffd") - data.count("\ufffd".encode())
            warnings = (f"{bad:,} characters of {name} are not valid UTF-8 and show as '\ufffd'. "
                        "Save the file again as UTF-8 if that text matters.",)
        else:
            encoding = "latin-1"
            text = data.decode(encoding)
    return _text_only(text, name), codecs.lookup(encoding).name, warnings


def _text_only(text: str, name: str) -> str:
    """Return ``text``; raise ``InputError`` when it is full of control characters (binary data)."""
    sample = text[:65_536]
    if len(_CONTROL_RE.findall(sample)) > 0.01 * len(sample):
        raise _not_text(name, "binary data")
    return text


def _guess_encoding(data: bytes) -> str:
    """Return the encoding of text that is neither UTF-16 nor valid UTF-8: damaged UTF-8 or a legacy guess."""
    sample = data[:4_000_000]
    lenient = sample.decode("utf-8", errors="replace")
    non_ascii = len(lenient) - len(lenient.encode("ascii", errors="ignore"))
    broken = lenient.count("\ufffd") - sample.count("\ufffd".encode())
    if non_ascii - broken >= max(3 * broken, 1):
        return "utf-8"  # UTF-8 with a few damaged bytes: decoded with replacement characters and a warning
    matches = list(from_bytes(data[:1_000_000]))
    if not matches:
        return "cp1252"
    best = min(m.chaos for m in matches)
    good = [m.encoding for m in matches if m.chaos <= best + 0.02]
    if any(enc in _WESTERN for enc in good) or max(m.coherence for m in matches) == 0:
        return "cp1252"
    return matches[0].encoding
