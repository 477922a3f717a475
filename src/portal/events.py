"""Events on a dataset's timeline (a release, a price change, an outage) and before/after comparisons.

Events live in the store's ``events`` table (migration ``0002_events``); deleting a dataset deletes its
events. ``compare_event`` compares the KPIs in a window before an event with the same window after it,
using the tests of ``portal.metrics`` (Benjamini-Hochberg across the KPIs compared).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as Date, datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from portal import metrics
from portal.errors import InputError, NotFoundError
from portal.model import DatasetConfig
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import datasets

EVENT_KINDS: tuple[str, ...] = ("release", "price change", "outage", "campaign", "other")
MAX_LABEL_LENGTH = 200
DEFAULT_WINDOW_DAYS = 28

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


def _as_date(when: Any) -> Date:
    """Return ``when`` (a date, datetime, Timestamp or YYYY-MM-DD text) as a date; raise ``InputError`` if not one."""
    if isinstance(when, datetime):
        return when.date()
    if isinstance(when, Date):
        return when
    return metrics.parse_date(str(when), "The event date").date()


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
    day = _as_date(when)
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


@dataclass(frozen=True, eq=False)
class EventComparison:
    """The KPIs in a window before an event against the same window from the event day on."""

    event_date: pd.Timestamp
    days: int
    before_start: pd.Timestamp
    after_end: pd.Timestamp
    table: pd.DataFrame
    sentence: str


def compare_event(frame: pd.DataFrame, config: DatasetConfig, when: Any, *, days: int = DEFAULT_WINDOW_DAYS,
                  min_n: int = metrics.DEFAULT_MIN_N) -> EventComparison:
    """Compare the KPIs of the ``days`` days before ``when`` with the ``days`` days from ``when`` on.

    ``table`` has one row per KPI as ``metrics.compare_selections`` returns it (``first`` = before,
    ``second`` = after). Responses without a date are left out. Raises ``InputError`` for a bad date or a
    window shorter than one day.
    """
    if int(days) < 1:
        raise InputError("The window before and after the event must be at least 1 day long.")
    day = pd.Timestamp(_as_date(when))
    start, end = day - pd.Timedelta(days=int(days)), day + pd.Timedelta(days=int(days))
    if "date" in frame.columns:
        dates = pd.to_datetime(frame["date"], errors="coerce")
        if isinstance(dates.dtype, pd.DatetimeTZDtype):
            dates = dates.dt.tz_localize(None)
        before = ((dates >= start) & (dates < day)).to_numpy(dtype=bool)
        after = ((dates >= day) & (dates < end)).to_numpy(dtype=bool)
    else:
        before = after = np.zeros(len(frame), bool)
    table = metrics.compare_selections(frame, config, before, after, min_n=min_n, against="before")
    return EventComparison(event_date=day, days=int(days), before_start=start, after_end=end, table=table,
                           sentence=_summary(table, int(days), int(before.sum()), int(after.sum())))


def _summary(table: pd.DataFrame, days: int, before: int, after: int) -> str:
    """Return one sentence saying which KPIs changed for real after the event."""
    window = f"In the {days} days after the event ({after:,} responses) against the {days} days before ({before:,})"
    if not before or not after:
        return f"{window}: one side has no responses, so there is nothing to compare."
    real = table[table["significant"]]
    if real.empty:
        return f"{window}: no KPI changed by more than chance would explain."
    parts = [f"{r['label']} went {'up' if r['difference'] > 0 else 'down'}" for r in real.to_dict(orient="records")]
    return f"{window}: " + ", ".join(parts) + ", a real change."
