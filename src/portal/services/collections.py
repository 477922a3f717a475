"""Evidence collections: comments a person keeps as evidence ("Onboarding pain, Q3"), in order, with notes.

A collection belongs to one dataset and goes with it. Each item names its comment by the row key, which stays
the same across re-imports of the same file and codeframe edits; a comment that has left the data (its import
was undone, a sync removed its row) keeps its item and is shown as no longer in the data, so a collection
never breaks and the item comes back whole if the row returns. Opening a collection gives its comments with
their fields and themes, and each of those themes' figures over the whole dataset, taken from the Themes
page's own table (``portal.text.figures``): "this quote stands for 312 comments, £41k revenue".

The tables and their SQL are in ``portal.store.collections``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from portal import metrics
from portal.errors import InputError, NotFoundError
from portal.services import datasets as dataset_service
from portal.services import themes as theme_service
from portal.store import Store
from portal.store import collections as stored
from portal.store.collections import StoredCollection
from portal.store.schema import COLLECTION_NAME_LENGTH
from portal.text.theme_view import summarise_themes

__all__ = [
    "FIGURE_COLUMNS",
    "ITEM_COLUMNS",
    "MAX_NAME_LENGTH",
    "MAX_NOTE_LENGTH",
    "Collection",
    "OpenedCollection",
    "ThemeContext",
    "add_comment",
    "create_collection",
    "delete_collection",
    "get_collection",
    "list_collections",
    "move_comment",
    "open_collection",
    "parse_collection_id",
    "remove_comment",
    "rename_collection",
    "save_comment",
    "shift_comment",
    "theme_context",
]

Collection = StoredCollection
MAX_NAME_LENGTH = COLLECTION_NAME_LENGTH
#: Longest note kept on a collection or an item.
MAX_NOTE_LENGTH = 2000
#: The fields of a comment an opened collection carries (when the dataset has them).
FIELDS: tuple[str, ...] = ("comment", "date", "customer", "nps", "csat", "rating", "value", "brand",
                           "sentiment_label")
#: Columns of ``OpenedCollection.items``.
ITEM_COLUMNS: tuple[str, ...] = ("row_key", "position", "note", "added_at", "in_data", *FIELDS, "themes")
#: Columns of ``OpenedCollection.themes`` (figures over the whole dataset, see ``portal.text.figures``).
FIGURE_COLUMNS: tuple[str, ...] = ("theme", "parent", "n", "customers", "share", "value", "sentiment",
                                   "negative_share", "nps", "nps_impact", "nps_impact_low", "nps_impact_high")


@dataclass(frozen=True, eq=False)
class OpenedCollection:
    """A collection with its items in order (``ITEM_COLUMNS``) and its themes' figures (``FIGURE_COLUMNS``).

    ``themes`` in an item is the list of its theme names (sub-themes with their parent); ``in_data`` is False
    for a comment no longer in the dataset (its fields are then empty). ``has_nps`` says whether NPS figures
    mean anything; ``currency`` goes with every revenue figure.
    """

    collection: Collection
    items: pd.DataFrame
    themes: pd.DataFrame
    currency: str
    has_nps: bool

    @property
    def missing(self) -> int:
        """Return how many items name a comment that is no longer in the data."""
        return int((~self.items["in_data"].astype(bool)).sum())


def _name(name: str) -> str:
    """Return a collection name cleaned of surrounding space; raise ``InputError`` for an unusable one."""
    text = " ".join(str(name or "").split())
    if not text:
        raise InputError("Give the collection a name, such as 'Onboarding pain, Q3'.")
    if len(text) > MAX_NAME_LENGTH:
        raise InputError(f"The collection name is too long: use at most {MAX_NAME_LENGTH} characters.")
    return text


def _note(note: str | None) -> str:
    """Return a note cleaned of surrounding space; raise ``InputError`` for a too long one."""
    text = str(note or "").strip()
    if len(text) > MAX_NOTE_LENGTH:
        raise InputError(f"The note is too long: use at most {MAX_NOTE_LENGTH:,} characters.")
    return text


def parse_collection_id(text: object) -> int:
    """Return the collection number a link holds; raise ``InputError`` unless it is a plain positive integer."""
    value = str(text if text is not None else "").strip()
    if not value.isascii() or not value.isdigit() or len(value) > 12 or int(value) < 1:
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise InputError(f"'{shown}' is not a collection number. Open the collection from the Collections page, "
                         "or copy its link again.")
    return int(value)


def create_collection(store: Store, dataset: str, name: str, note: str = "") -> Collection:
    """Make a new, empty collection of ``dataset`` and return it.

    Raises ``InputError`` for an empty, too long or already used name or a too long note, ``NotFoundError``
    for an unknown dataset.
    """
    return stored.create_collection(store, dataset, _name(name), _note(note))


def list_collections(store: Store, dataset: str) -> list[Collection]:
    """Return ``dataset``'s collections, newest first; raise ``NotFoundError`` for an unknown dataset."""
    return stored.list_collections(store, dataset)


def get_collection(store: Store, collection_id: int) -> Collection:
    """Return collection number ``collection_id``; raise ``NotFoundError`` when there is none."""
    found = stored.collection_by_id(store, collection_id)
    if found is None:
        raise NotFoundError(f"There is no collection number {collection_id}: it may have been deleted, or its "
                            "dataset with it. The Collections page lists the ones there are.")
    return found


def rename_collection(store: Store, collection_id: int, name: str, note: str | None = None) -> Collection:
    """Rename a collection (and set its note, unless ``note`` is None); return it as it is now."""
    current = get_collection(store, collection_id)
    stored.update_collection(store, current.id, _name(name), current.note if note is None else _note(note))
    return get_collection(store, collection_id)


def delete_collection(store: Store, collection_id: int) -> None:
    """Delete a collection and its items (the comments stay in the data); ``NotFoundError`` when there is none."""
    if not stored.delete_collection(store, collection_id):
        raise NotFoundError(f"There is no collection number {collection_id}. It may have been deleted already.")


def add_comment(store: Store, collection_id: int, row_key: str, note: str = "") -> bool:
    """Add a comment of the collection's dataset at its end; return True when it was not there yet.

    Saving the same comment twice keeps one item (a non-empty ``note`` replaces its note). Raises
    ``NotFoundError`` for an unknown collection or a comment the dataset does not hold.
    """
    collection = get_collection(store, collection_id)
    text = _note(note)
    if row_key not in store.row_keys(collection.dataset):
        raise NotFoundError(f"That comment is not in the dataset '{collection.dataset}' any more. Reload the page "
                            "and pick it again.")
    return stored.add_item(store, collection.id, row_key, text)


def save_comment(store: Store, dataset: str, row_key: str, *, collection_id: int | None = None,
                 new_name: str = "", note: str = "") -> tuple[Collection, bool]:
    """Save a comment into an existing collection (``collection_id``) or a new one named ``new_name``.

    Returns the collection as it is now and whether the comment was new to it. Raises ``InputError`` when
    neither is given, or the collection belongs to another dataset.
    """
    if collection_id is None:
        if not new_name.strip():
            raise InputError("Pick a collection, or type a name for a new one.")
        target = create_collection(store, dataset, new_name)
    else:
        target = get_collection(store, collection_id)
        if target.dataset != dataset:
            raise InputError(f"The collection '{target.name}' holds comments of '{target.dataset}', not of "
                             f"'{dataset}'. Pick one of this dataset's collections.")
    added = add_comment(store, target.id, row_key, note)
    return get_collection(store, target.id), added


def remove_comment(store: Store, collection_id: int, row_key: str) -> None:
    """Take a comment out of a collection; raise ``NotFoundError`` when it is not in it."""
    collection = get_collection(store, collection_id)
    if not stored.remove_item(store, collection.id, row_key):
        raise NotFoundError(f"That comment is not in the collection '{collection.name}'.")


def move_comment(store: Store, collection_id: int, row_key: str, position: int) -> None:
    """Put a comment at ``position`` (0 first; past the end means last); ``NotFoundError`` when it is not there."""
    collection = get_collection(store, collection_id)
    if not stored.move_item(store, collection.id, row_key, max(0, int(position))):
        raise NotFoundError(f"That comment is not in the collection '{collection.name}'.")


def shift_comment(store: Store, collection_id: int, row_key: str, by: int) -> None:
    """Move a comment ``by`` places (-1: up one, 1: down one); at either end it stays where it is."""
    keys = [i.row_key for i in stored.list_items(store, collection_id)]
    if row_key not in keys:
        move_comment(store, collection_id, row_key, 0)  # raises the plain "not in it" error
        return
    move_comment(store, collection_id, row_key, max(0, keys.index(row_key) + int(by)))


@dataclass(frozen=True, eq=False)
class ThemeContext:
    """What opening any collection of one dataset needs from its themes (worth keeping while the data and the
    codeframe stay the same): each comment's theme names, every theme's figures (``FIGURE_COLUMNS``; empty when
    not asked for or without a codeframe) and whether NPS figures mean anything."""

    themes: dict[str, list[str]]
    table: pd.DataFrame
    has_nps: bool


def theme_context(store: Store, dataset: str, *, figures: bool = True) -> ThemeContext:
    """Return the themes of every comment of ``dataset`` and (with ``figures``) every theme's figures.

    Raises ``NotFoundError`` for an unknown dataset.
    """
    info = dataset_service.find_dataset(store, dataset)
    if info is None:
        raise NotFoundError(f"There is no dataset named '{dataset}' any more.")
    assigned = theme_service.assignments(store, info.name)
    themes: dict[str, list[str]] = {}
    for key, theme in zip(assigned.get("row_key", []), assigned.get("theme", []), strict=True):
        themes.setdefault(str(key), []).append(str(theme))
    codeframe = theme_service.current_codeframe(store, info.name)
    if codeframe is None or not figures:
        return ThemeContext(themes, pd.DataFrame(columns=list(FIGURE_COLUMNS)),
                            "nps" in metrics.mapped_roles(info.config))
    frame = theme_service.with_corrected_sentiment(store, info.name, dataset_service.load_responses(store, info.name))
    view = summarise_themes(frame, assigned, codeframe, info.config)
    return ThemeContext(themes, view.table[list(FIGURE_COLUMNS)].reset_index(drop=True), view.has_nps)


def open_collection(store: Store, collection_id: int, *, figures: bool = True,
                    context: ThemeContext | None = None) -> OpenedCollection:
    """Return a collection with its comments, their fields and themes, and (with ``figures``) those themes' figures.

    ``context`` (``theme_context`` of the collection's dataset, as kept by the caller) saves working the themes
    out again. Raises ``NotFoundError`` for an unknown collection.
    """
    collection = get_collection(store, collection_id)
    info = dataset_service.find_dataset(store, collection.dataset)
    if info is None:
        raise NotFoundError(f"The dataset '{collection.dataset}' of this collection is gone.")
    if context is None:
        context = theme_context(store, info.name, figures=figures)
    frame = theme_service.with_corrected_sentiment(
        store, info.name, dataset_service.load_responses(store, info.name))
    items = _items(stored.list_items(store, collection.id), frame, context.themes)
    named = {t for themes in items["themes"] for t in themes}
    table = context.table[context.table["theme"].isin(named)].reset_index(drop=True)
    return OpenedCollection(collection=collection, items=items, themes=table, currency=info.config.currency,
                            has_nps=context.has_nps)


def _items(kept: list[stored.StoredItem], frame: pd.DataFrame, themes: dict[str, list[str]]) -> pd.DataFrame:
    """Return the items in order with each comment's fields (None when it left the data) and theme names."""
    keys = [i.row_key for i in kept]
    rows = frame[frame["row_key"].isin(set(keys))].drop_duplicates("row_key").set_index("row_key")
    data: dict[str, list[object]] = {c: [] for c in ITEM_COLUMNS}
    for item in kept:
        present = item.row_key in rows.index
        data["row_key"].append(item.row_key)
        data["position"].append(item.position)
        data["note"].append(item.note)
        data["added_at"].append(item.added_at)
        data["in_data"].append(present)
        for field in FIELDS:
            value = rows.at[item.row_key, field] if present and field in rows.columns else None
            data[field].append(None if value is None or (not isinstance(value, str) and pd.isna(value)) else value)
        data["themes"].append(list(themes.get(item.row_key, [])) if present else [])
    out = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in data.items()}, columns=list(ITEM_COLUMNS))
    return out.astype({"in_data": bool, "position": "int64"})
