"""Reverting an import: rows it added go, rows it changed or removed come back."""

from __future__ import annotations

import sqlalchemy as sa

from portal.errors import InputError, NotFoundError
from portal.model import RevertResult
from portal.store.base import StoreBase, _binds, _execute_many, _now
from portal.store.connect import write_transaction
from portal.store.schema import (
    CHANGE_REMOVED,
    CHANGE_UPDATED,
    HISTORY_DATA_COLUMNS,
    STATUS_OK,
    STATUS_REVERTED,
    datasets,
    imports,
    response_history,
    responses,
)


class StoreRevert(StoreBase):
    """The ``revert_import`` method of ``Store``."""

    def revert_import(self, import_id: int) -> RevertResult:
        """Undo one import: rows it added are removed, rows it changed or removed come back.

        A row the import changed is restored only if no later import changed it since; a row it added is
        removed even if a later import changed it. Other imports are untouched; the import is marked
        ``reverted``. Raises ``NotFoundError`` for an unknown import and ``InputError`` for one that failed
        or was already reverted.
        """
        with write_transaction(self.engine) as conn:
            row = conn.execute(sa.select(imports.c.id, imports.c.dataset_id, imports.c.dataset_name, imports.c.status,
                                         imports.c.message)
                               .where(imports.c.id == int(import_id))).first()
            if row is None:
                raise NotFoundError(
                    f"There is no import number {import_id}. Run `portal history --dataset NAME` to see the "
                    "imports of a dataset."
                )
            if row.status == STATUS_REVERTED:
                raise InputError(f"Import {import_id} was already reverted, so there is nothing more to undo.")
            if row.status != STATUS_OK or row.dataset_id is None:
                raise InputError(f"Import {import_id} failed, so it changed nothing and there is nothing to undo.")
            dataset_id = int(row.dataset_id)
            lock = sa.select(datasets.c.id).where(datasets.c.id == dataset_id)
            conn.execute(lock.with_for_update() if self.dialect != "sqlite" else lock).first()

            removed = conn.execute(sa.delete(responses).where(
                responses.c.dataset_id == dataset_id, responses.c.first_import_id == import_id)).rowcount
            restored = self._restore_updated(conn, dataset_id, import_id)
            restored += self._restore_removed(conn, dataset_id, import_id)
            conn.execute(sa.delete(response_history).where(response_history.c.replaced_by_import_id == import_id))
            now = _now()
            note = f"Reverted on {now:%Y-%m-%d %H:%M} UTC: {removed:,} rows removed, {restored:,} restored."
            conn.execute(sa.update(imports).where(imports.c.id == import_id).values(
                status=STATUS_REVERTED, message=(f"{row.message} {note}" if row.message else note)))
            conn.execute(sa.update(datasets).where(datasets.c.id == dataset_id).values(
                updated_at=now, data_version=datasets.c.data_version + 1))
        return RevertResult(import_id=int(import_id), removed=int(removed), restored=int(restored),
                            dataset=str(row.dataset_name))

    def _restore_updated(self, conn: sa.Connection, dataset_id: int, import_id: int) -> int:
        """Put back the previous version of rows ``import_id`` updated and no later import changed; return how many."""
        h = response_history
        names = ["import_id", *HISTORY_DATA_COLUMNS]
        stmt = sa.select(
            responses.c.id,
            h.c.previous_import_id,
            *(self._raw_column(h, c) for c in HISTORY_DATA_COLUMNS),
        ).join(
            responses, sa.and_(responses.c.dataset_id == h.c.dataset_id, responses.c.row_key == h.c.row_key)
        ).where(h.c.replaced_by_import_id == import_id, h.c.change == CHANGE_UPDATED, h.c.dataset_id == dataset_id,
                responses.c.import_id == import_id)
        values = [v.tolist() for v in self._fetch_columns(conn, stmt, len(names) + 1)]
        if not values[0]:
            return 0
        update = sa.update(responses).where(responses.c.id == sa.bindparam("p_id")).values(_binds(names))
        _execute_many(conn, update, {"id": values[0], **dict(zip(names, values[1:], strict=True))})
        return len(values[0])

    def _restore_removed(self, conn: sa.Connection, dataset_id: int, import_id: int) -> int:
        """Re-insert rows ``import_id`` removed (unless the key is back or its first import was reverted)."""
        h = response_history
        reverted = sa.select(imports.c.id).where(imports.c.status == STATUS_REVERTED)
        exists = sa.select(responses.c.id).where(responses.c.dataset_id == h.c.dataset_id,
                                                 responses.c.row_key == h.c.row_key).exists()
        source = sa.select(h.c.dataset_id, h.c.row_key, h.c.previous_import_id,
                           *(h.c[c] for c in HISTORY_DATA_COLUMNS)).where(
            h.c.replaced_by_import_id == import_id, h.c.change == CHANGE_REMOVED, h.c.dataset_id == dataset_id,
            ~exists, h.c.first_import_id.not_in(reverted),
        ).order_by(h.c.id)
        count = conn.execute(sa.select(sa.func.count()).select_from(source.order_by(None).subquery())).scalar_one()
        if count:
            target = ["dataset_id", "row_key", "import_id", *HISTORY_DATA_COLUMNS]
            conn.execute(sa.insert(responses).from_select(target, source))
        return int(count)
