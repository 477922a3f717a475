"""Themes that stay comparable across brands: which brands a codeframe was made over, and who arrived since.

Each codeframe version records, in its stored body under ``brands``, the values of the dataset's brand column
when it was made: a discovered version the brands it was found over, an edited or imported one those of the
version it replaced (an edit refines the same themes), or the brands present when there was none to inherit
from. A dataset without a brand column records nothing, and neither does a codeframe stored before this record
existed: their new brands go unnoticed. ``portal.services.themes.after_import`` uses ``arrived`` to find the
themes again, or to say how to, when reviews of a new brand come in.
"""

from __future__ import annotations

from typing import Any

from portal.store import Store
from portal.store import themes as stored

__all__ = ["BRANDS_KEY", "CurrentVersion", "arrived", "brands_to_record", "current_version", "dataset_brands",
           "named"]

#: The key of a codeframe version's body that holds the brands it was made over.
BRANDS_KEY = "brands"

#: The current codeframe version as ``arrived`` needs it: its source (discovered, edited, imported) and body.
CurrentVersion = stored.CodeframeVersion


def dataset_brands(store: Store, name: str) -> list[str] | None:
    """Return the dataset's brands (the brand column's distinct values, sorted); None without a brand column."""
    info = store.dataset(name)
    if info is None or not info.config.mapping.brand:
        return None
    values = store.load(name, columns=["brand"])["brand"].dropna().astype(str).str.strip()
    return sorted(set(values[values != ""]))


def current_version(store: Store, name: str) -> CurrentVersion | None:
    """Return the dataset's current codeframe version with its source, or None when it has none."""
    return next((v for v in stored.codeframe_versions(store, name) if not v.undone), None)


def brands_to_record(store: Store, name: str, source: str) -> list[str] | None:
    """Return the brands a new codeframe version of ``source`` records (None: nothing to record).

    Discovery records the brands it reads now; an edit or an imported codeframe keeps the record of the version it
    replaces, since its themes were found over those brands (the brands now when that version has none).
    """
    if source != "discovered":
        current = current_version(store, name)
        before = current.body.get(BRANDS_KEY) if current is not None else None
        if isinstance(before, list):
            return [str(b) for b in before]
    return dataset_brands(store, name)


def arrived(store: Store, name: str, body: dict[str, Any]) -> list[str]:
    """Return the brands of the dataset that the codeframe ``body`` was not made over (sorted; [] when unknown)."""
    before = body.get(BRANDS_KEY)
    now = dataset_brands(store, name)
    if not isinstance(before, list) or now is None:
        return []
    known = {str(b) for b in before}
    return [b for b in now if b not in known]


def named(brands: list[str], most: int = 5) -> str:
    """Return brands as words: "A", "A and B", "A, B and C", "A, B, C, D, E and 3 more"."""
    shown = brands[:most]
    if len(brands) > most:
        return ", ".join(shown) + f" and {len(brands) - most} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
