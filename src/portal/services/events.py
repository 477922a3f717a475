"""Events on a dataset's timeline (a release, a price change, an outage): checked here, kept by the store.

Events live in the store's ``events`` table (``portal.store.events``); deleting a dataset deletes its events.
Comparing the KPIs before and after an event is ``compare_event``'s job.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from portal.errors import InputError, NotFoundError
from portal.metrics import as_date
from portal.store import Store
from portal.store import events as stored
from portal.store.events import Event

__all__ = ["EVENT_KINDS", "MAX_LABEL_LENGTH", "Event", "add_event", "delete_event", "events_frame", "list_events"]

EVENT_KINDS: tuple[str, ...] = ("release", "price change", "outage", "campaign", "other")
MAX_LABEL_LENGTH = stored.EVENT_LABEL_LENGTH


def add_event(store: Store, dataset: str, when: Any, label: str, kind: str = "other") -> Event:
    """Mark an event on ``dataset``'s timeline and return it.

    Raises ``InputError`` for an empty or too long label, an unknown kind or a bad date, and
    ``NotFoundError`` for an unknown dataset.
    """
    text = (label or "").strip()
    if not text:
        raise InputError("The event needs a short label, such as 'App release 4.2'.")
    if len(text) > MAX_LABEL_LENGTH:
        raise InputError(f"The event label is too long: use at most {MAX_LABEL_LENGTH} characters.")
    if kind not in EVENT_KINDS:
        raise InputError(f"'{kind}' is not a kind of event. Choose one of: {', '.join(EVENT_KINDS)}.")
    return stored.add_event(store, dataset, as_date(when, "The event date"), text, kind)


def list_events(store: Store, dataset: str) -> list[Event]:
    """Return ``dataset``'s events, oldest first; raise ``NotFoundError`` for an unknown dataset."""
    return stored.list_events(store, dataset)


def events_frame(store: Store, dataset: str) -> pd.DataFrame:
    """Return ``dataset``'s events as a frame (``id``, ``date`` as datetime64, ``label``, ``kind``) for charts."""
    found = list_events(store, dataset)
    return pd.DataFrame({
        "id": pd.Series([e.id for e in found], dtype="int64"),
        "date": pd.to_datetime(pd.Series([e.date for e in found], dtype=object)).astype("datetime64[ns]"),
        "label": pd.Series([e.label for e in found], dtype=object),
        "kind": pd.Series([e.kind for e in found], dtype=object),
    })


def delete_event(store: Store, event_id: int) -> None:
    """Delete one event; raise ``NotFoundError`` when there is no event with that number."""
    if not stored.delete_event(store, event_id):
        raise NotFoundError(f"There is no event number {event_id}. List the events to see their numbers.")
