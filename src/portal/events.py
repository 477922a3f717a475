"""Events on a dataset's timeline (a release, a price change, an outage).

Events live in the store's ``events`` table (migration ``0002_events``); deleting a dataset deletes its
events. ``portal.metrics.events.compare_event`` compares the KPIs before and after one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime, timezone
from typing import Any

import pandas as pd
import sqlalchemy as sa

from portal import metrics
from portal.errors import InputError, NotFoundError
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import datasets

EVENT_KINDS: tuple[str, ...] = ("release", "price change", "outage", "campaign", "other")
MAX_LABEL_LENGTH = 200

metadata = sa.MetaData()

events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset_id", sa.Integer, sa.ForeignKey(datasets.c.id, ondelete="CASCADE", name="fk_events_dataset"),
              nullable=False),
    sa.Column("date", sa.Date, nullable=False),
    sa.Column("label", sa.String(MAX_LABEL_LENGTH), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Index("ix_events_dataset_date", "dataset_id", "date"),
)


@dataclass(frozen=True)
class Event:
    """One marked event of a dataset."""

    id: int
    dataset: str
    date: Date
    label: str
    kind: str
    created_at: datetime


def _dataset_id(conn: sa.Connection, dataset: str) -> int:
    """Return the id of ``dataset``; raise ``NotFoundError`` when there is none."""
    found = conn.execute(sa.select(datasets.c.id).where(datasets.c.name == dataset)).scalar()
    if found is None:
        raise NotFoundError(f"No dataset named '{dataset}'. Run `portal datasets` to see the names of your datasets.")
    return int(found)


def add_event(store: Any, dataset: str, when: Any, label: str, kind: str = "other") -> Event:
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
    day = metrics.as_date(when, "The event date")
    created = datetime.now(timezone.utc).replace(tzinfo=None)
    with write_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, dataset)
        new_id = conn.execute(sa.insert(events).values(
            dataset_id=dataset_id, date=day, label=text, kind=kind, created_at=created)).inserted_primary_key[0]
    return Event(id=int(new_id), dataset=dataset, date=day, label=text, kind=kind, created_at=created)


def list_events(store: Any, dataset: str) -> list[Event]:
    """Return ``dataset``'s events, oldest first; raise ``NotFoundError`` for an unknown dataset."""
    with read_transaction(store.engine) as conn:
        dataset_id = _dataset_id(conn, dataset)
        rows = conn.execute(sa.select(events).where(events.c.dataset_id == dataset_id)
                            .order_by(events.c.date, events.c.id)).all()
    return [Event(id=int(r.id), dataset=dataset, date=r.date, label=r.label, kind=r.kind, created_at=r.created_at)
            for r in rows]


def events_frame(store: Any, dataset: str) -> pd.DataFrame:
    """Return ``dataset``'s events as a frame (``id``, ``date`` as datetime64, ``label``, ``kind``) for charts."""
    found = list_events(store, dataset)
    return pd.DataFrame({
        "id": pd.Series([e.id for e in found], dtype="int64"),
        "date": pd.to_datetime(pd.Series([e.date for e in found], dtype=object)).astype("datetime64[ns]"),
        "label": pd.Series([e.label for e in found], dtype=object),
        "kind": pd.Series([e.kind for e in found], dtype=object),
    })


def delete_event(store: Any, event_id: int) -> None:
    """Delete one event; raise ``NotFoundError`` when there is no event with that number."""
    with write_transaction(store.engine) as conn:
        gone = conn.execute(sa.delete(events).where(events.c.id == int(event_id))).rowcount
    if not gone:
        raise NotFoundError(f"There is no event number {event_id}. List the events to see their numbers.")
