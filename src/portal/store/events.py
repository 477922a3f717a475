"""The ``events`` table's SQL: events marked on a dataset's timeline (table of migration ``0002_events``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa

from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import EVENT_LABEL_LENGTH, events

if TYPE_CHECKING:
    from portal.store.store import Store

__all__ = ["EVENT_LABEL_LENGTH", "Event", "add_event", "delete_event", "list_events"]


@dataclass(frozen=True)
class Event:
    """One marked event of a dataset."""

    id: int
    dataset: str
    date: Date
    label: str
    kind: str
    created_at: datetime


def add_event(store: Store, dataset: str, day: Date, label: str, kind: str) -> Event:
    """Store an event on ``dataset``'s timeline and return it; raise ``NotFoundError`` for an unknown dataset."""
    created = _now()
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, dataset)
        new_id = conn.execute(sa.insert(events).values(
            dataset_id=dataset_id, date=day, label=label, kind=kind, created_at=created)).inserted_primary_key[0]
    return Event(id=int(new_id), dataset=dataset, date=day, label=label, kind=kind, created_at=created)


def list_events(store: Store, dataset: str) -> list[Event]:
    """Return ``dataset``'s events, oldest first; raise ``NotFoundError`` for an unknown dataset."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, dataset)
        rows = conn.execute(sa.select(events).where(events.c.dataset_id == dataset_id)
                            .order_by(events.c.date, events.c.id)).all()
    return [Event(id=int(r.id), dataset=dataset, date=r.date, label=r.label, kind=r.kind, created_at=r.created_at)
            for r in rows]


def delete_event(store: Store, event_id: int) -> bool:
    """Delete one event; return False when there is no event with that number."""
    with write_transaction(store.engine) as conn:
        gone = conn.execute(sa.delete(events).where(events.c.id == int(event_id))).rowcount
    return bool(gone)
