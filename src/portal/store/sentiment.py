"""The ``sentiment_models`` table's SQL: each dataset's adapted sentiment model and its report.

The table is described in ``portal.store.schema`` (migration ``0006_sentiment_models``). The model goes in and
comes out as bytes and the report as a plain dict; what they mean is the business of ``portal.text``. Functions
taking a dataset name raise ``NotFoundError`` for an unknown dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import sqlalchemy as sa

from portal.store.base import _now
from portal.store.connect import read_transaction, write_transaction
from portal.store.schema import datasets, responses, sentiment_models

if TYPE_CHECKING:
    from datetime import datetime

    from portal.store.store import Store


@dataclass(frozen=True)
class StoredSentimentModel:
    """A dataset's stored sentiment model: its bytes (None when it kept the general model) and report."""

    model: bytes | None
    report: dict[str, Any]
    fitted_at: datetime


def save_sentiment_model(store: Store, name: str, model: bytes | None, report: dict[str, Any]) -> None:
    """Store (replacing any earlier one) dataset ``name``'s sentiment model and report."""
    body = orjson.dumps(report, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name, lock=True)
        conn.execute(sa.delete(sentiment_models).where(sentiment_models.c.dataset_id == dataset_id))
        conn.execute(sa.insert(sentiment_models).values(dataset_id=dataset_id, model=model, report=body,
                                                        fitted_at=_now()))


def read_sentiment_model(store: Store, name: str) -> StoredSentimentModel | None:
    """Return dataset ``name``'s stored sentiment model and report (None when none was fitted yet)."""
    with read_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name)
        row = conn.execute(sa.select(sentiment_models.c.model, sentiment_models.c.report,
                                     sentiment_models.c.fitted_at)
                           .where(sentiment_models.c.dataset_id == dataset_id)).first()
    if row is None:
        return None
    return StoredSentimentModel(model=bytes(row.model) if row.model is not None else None,
                                report=orjson.loads(row.report), fitted_at=row.fitted_at)


def update_sentiment(store: Store, name: str, row_keys: list[str], sentiment: list[float | None],
                     labels: list[str | None]) -> int:
    """Set the sentiment and label of the given stored rows of dataset ``name``; return how many changed.

    Raises the data version (so cached copies and theme figures are brought up to date) when any row is
    given.
    """
    if not row_keys:
        return 0
    values = [{"k": k, "s": s, "l": lab} for k, s, lab in zip(row_keys, sentiment, labels, strict=True)]
    with write_transaction(store.engine) as conn:
        dataset_id = store._dataset_id(conn, name, lock=True)
        stmt = (sa.update(responses)
                .where(responses.c.dataset_id == dataset_id, responses.c.row_key == sa.bindparam("k"))
                .values(sentiment=sa.bindparam("s"), sentiment_label=sa.bindparam("l")))
        conn.execute(stmt, values)
        conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
            updated_at=_now(), data_version=datasets.c.data_version + 1))
    return len(values)
